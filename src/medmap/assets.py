"""The map's scripts and shapes served by the app itself, never from a CDN.

Leaflet, jQuery and MarkerCluster come from installed XStatic packages, medmap's
own layers from ``medmap/js/``; the four scripts are joined into one file in the app's
``static/`` folder (with the stylesheets), which Streamlit serves at ``/app/static/`` when
``server.enableStaticServing`` is on. If a map script failed to load,
streamlit-folium would draw no map at all, so nothing here is left to a
third-party host.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Final

import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster

STATIC_URL: Final = "/app/static/vendor"
MAP_JS: Final = Path(__file__).parent / "js" / "medmap-map.js"

# name -> (package, file inside the package's data dir)
_FILES: Final = {
    "leaflet.js": (xs_leaflet, "leaflet.js"),
    "leaflet.css": (xs_leaflet, "leaflet.css"),
    "jquery.min.js": (xs_jquery, "jquery.min.js"),
    "leaflet.markercluster.js": (xs_markercluster, "leaflet.markercluster.js"),
    "MarkerCluster.css": (xs_markercluster, "MarkerCluster.css"),
    "MarkerCluster.Default.css": (xs_markercluster, "MarkerCluster.Default.css"),
}


def _bundle(names: tuple[str, ...] | None = None) -> bytes:
    """Leaflet, jQuery, MarkerCluster and medmap's map script, in that order, in one file
    (``names``: another choice of the vendored scripts, e.g. without jQuery).

    streamlit-folium loads a map's scripts one after the other, each request waiting for
    the previous script: one file takes three round trips off the map's first draw
    (issue #10; bench/README.md has the figures).
    """
    parts = [Path(_FILES[name][0].BASE_DIR) / _FILES[name][1] for name in names or _BUNDLED]
    return b"\n;\n".join(path.read_bytes() for path in [*parts, MAP_JS])


_BUNDLED: Final = ("leaflet.js", "jquery.min.js", "leaflet.markercluster.js")
MAP_BUNDLE: Final = _bundle()
# Content-hashed: a browser never runs a cached older copy against a newer server.
MAP_BUNDLE_NAME: Final = f"medmap-map-{hashlib.sha256(MAP_BUNDLE).hexdigest()[:12]}.js"

# What folium declares -> our local file. The four scripts all point at the one bundle
# (streamlit-folium links each URL once). Anything folium links that is not here
# (Bootstrap, Font Awesome, awesome-markers) is dropped: medmap draws its markers with
# plain Leaflet and CSS.
LOCAL_JS: Final = {
    name: f"{STATIC_URL}/{MAP_BUNDLE_NAME}"
    for name in ("leaflet", "jquery", "markerclusterjs", "medmap_map")
}
LOCAL_CSS: Final = {
    "leaflet_css": f"{STATIC_URL}/leaflet.css",
    "markerclustercss": f"{STATIC_URL}/MarkerCluster.css",
    "markerclusterdefaultcss": f"{STATIC_URL}/MarkerCluster.Default.css",
}


def install_static_assets(static_dir: Path) -> Path:
    """Copy the vendored files into ``static_dir/vendor`` (idempotent, atomic per file)."""
    target = static_dir / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    sources = {
        name: Path(package.BASE_DIR) / filename for name, (package, filename) in _FILES.items()
    }
    files = {name: source.read_bytes() for name, source in sources.items()}
    for name, content in {**files, MAP_BUNDLE_NAME: MAP_BUNDLE}.items():
        destination = target / name
        if destination.is_file() and destination.stat().st_size == len(content):
            continue
        # Write beside the target and rename, so a concurrent reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{name}.")
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, destination)
    images = Path(xs_leaflet.BASE_DIR) / "images"
    if images.is_dir():
        shutil.copytree(images, target / "images", dirs_exist_ok=True)
    return target


GEO_URL: Final = "/app/static/geo"


def install_geo_files(static_dir: Path, files: dict[str, bytes]) -> dict[str, str]:
    """Write display geometry into ``static_dir/geo`` under content-hashed names.

    The map fetches these once per browser (and the browser caches them), so the
    megabyte of barrio shapes is not resent on every rerun. ``files`` maps a stem
    (``barrios``) to its bytes; the result maps the stem to its URL.
    """
    target = static_dir / "geo"
    target.mkdir(parents=True, exist_ok=True)
    urls = {}
    for stem, content in files.items():
        name = f"{stem}-{hashlib.sha256(content).hexdigest()[:16]}.json"
        destination = target / name
        if not destination.is_file():
            fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{name}.")
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(tmp, destination)
        urls[stem] = f"{GEO_URL}/{name}"
    return urls
