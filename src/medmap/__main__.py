"""Command line: ``python -m medmap validate [DATA_DIR]`` and ``python -m medmap publish``."""

from __future__ import annotations

import argparse
import os
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
    publish = commands.add_parser(
        "publish", help="write a view (or several) as a static page; see README, Publish and embed"
    )
    which = publish.add_mutually_exclusive_group(required=True)
    which.add_argument("--link", help="a dashboard link or its query string (?sector=fintech)")
    which.add_argument("--links", type=Path, help="a file of links, one per line")
    publish.add_argument("--out", type=Path, required=True, help="the folder to write")
    publish.add_argument(
        "--app-url",
        default=os.environ.get("MEDMAP_APP_URL", "http://localhost:8501/"),
        help="the live dashboard, for 'Explore this view live' (default: $MEDMAP_APP_URL)",
    )
    publish.add_argument(
        "--force", action="store_true", help="write into a non-empty folder publish did not write"
    )
    args = parser.parse_args(argv)
    if args.command == "publish":
        return _publish(args)

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


def _publish(args: argparse.Namespace) -> int:
    import time

    from medmap import publish

    links = publish.read_links(args.links.read_text("utf-8")) if args.links else [args.link]
    if not links:
        print(f"{args.links}: no link", file=sys.stderr)
        return 1
    try:
        publish.check_target(args.out, args.force)
    except publish.PublishError as err:
        print(err, file=sys.stderr)
        return 1
    directory = data_dir()
    source = publish.load_source(directory, geo_dir())
    if isinstance(source, list):  # the data's problems, as validate prints them; nothing written
        for problem in source:
            print(problem)
        print(f"{len(source)} problem(s) in {directory}; nothing written", file=sys.stderr)
        return 1
    start = time.perf_counter()
    written = publish.publish(source, links, args.out, app_url=args.app_url, force=args.force)
    for done in written:
        if done.notice:
            print(f"{done.directory / 'index.html'}: {done.notice}")
        print(done.directory / "index.html")
    seconds = time.perf_counter() - start
    print(f"published {len(written)} view(s) into {args.out} in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
