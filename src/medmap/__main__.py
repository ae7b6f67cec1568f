"""Command line: ``python -m medmap validate [DATA_DIR]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from medmap.data import validate_data_dir
from medmap.geo import GeoError, Layers, load_barrios, load_comunas
from medmap.paths import data_dir, geo_dir


def _known_places(geo: Path) -> Layers | None:
    """Barrios and comunas, so location codes and names can be checked; None when geo is unusable."""
    try:
        return Layers(load_barrios(geo), load_comunas(geo), None)
    except GeoError as err:
        print(f"warning: location codes not checked: {err}", file=sys.stderr)
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="medmap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a data directory; never modifies it")
    validate.add_argument(
        "data_dir", nargs="?", type=Path, help="default: data/ or $MEDMAP_DATA_DIR"
    )
    args = parser.parse_args(argv)

    directory = args.data_dir or data_dir()
    places = _known_places(geo_dir())
    problems = (
        validate_data_dir(directory)
        if places is None
        else validate_data_dir(directory, places.barrios["code"], places.comunas["code"], places)
    )
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    print(f"{directory}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
