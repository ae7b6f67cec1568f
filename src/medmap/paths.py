"""Where the shipped geometry and data live.

The package may be installed (Streamlit Community Cloud installs it from
requirements.txt), so files are found from the project root, not from the
package directory.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "MEDMAP_DATA_DIR"
GEO_DIR_ENV = "MEDMAP_GEO_DIR"


def project_root() -> Path:
    """The folder that holds app.py, geo/ and data/.

    The working directory wins (``streamlit run app.py`` runs from there);
    a source checkout is found from this file as a fallback.
    """
    for candidate in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (candidate / "geo" / "barrios.geojson").is_file():
            return candidate
    return Path.cwd()


def data_dir() -> Path:
    """``data/`` unless ``MEDMAP_DATA_DIR`` names another directory."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else project_root() / "data"


def geo_dir() -> Path:
    """``geo/`` unless ``MEDMAP_GEO_DIR`` names another directory."""
    override = os.environ.get(GEO_DIR_ENV)
    return Path(override) if override else project_root() / "geo"
