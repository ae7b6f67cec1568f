"""Build medmap's shipped geometry (``geo/*.geojson``) from the shared Medellín layers.

The shared layers are full resolution (7.5 MB of barrios) and carry source-specific
attributes. The map needs small files whose neighbouring polygons still share their
borders exactly, so every polygon layer goes through a *coverage* simplification
(shared edges are simplified once, for both neighbours) rather than a per-polygon one,
which would leave slivers and overlaps. See ``geo/SOURCES.md`` for provenance.

Usage: ``python scripts/build_geo.py [--shared DIR] [--out DIR]``
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from medmap.geo import METRIC_CRS, WGS84

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data" / "geo"
DEFAULT_OUT = REPO / "geo"

OUTPUT_CRS = (
    WGS84  # RFC 7946 GeoJSON is WGS84 lon/lat; METRIC_CRS is in metres, so tolerances are metres
)
# Visvalingam-Whyatt tolerance (about the square root of the removed triangles' area).
# 5 m is the smallest round value that keeps barrios.geojson under 1.2 MB with margin
# (5 m: 1.02 MB, 4 m: 1.16 MB, 3 m: 1.36 MB); outlines stay within a pixel of the source
# at street zoom and every barrio keeps its area within 0.4 %.
SIMPLIFY_TOLERANCE_M = 5.0
# The sources are not perfect coverages: slivers narrower than this between neighbours
# are given to the neighbour with the longest shared border before simplifying.
CLEAN_GAP_WIDTH_M = 1.0
GRID_SIZE_DEG = 1e-5  # about 1.1 m at Medellín's latitude
POLYGON_DECIMALS = 5  # matches GRID_SIZE_DEG, so writing does not move any vertex
POINT_DECIMALS = 6  # stations are points: nothing to keep valid, keep ~0.1 m
FIRST_CORREGIMIENTO = 50  # comuna codes 50, 60, 70, 80, 90 are rural corregimientos

BARRIO_KINDS = {1: "barrio", 2: "vereda"}  # SUBTIPO_BA
INSTITUTIONAL_PREFIX = "Inst_"


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """Read a shared layer, failing early if it lacks a CRS (tolerances would be meaningless)."""
    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is None:
        raise ValueError(f"{path} has no CRS")
    return gdf


def invalid_positions(geoms: gpd.GeoSeries) -> list[int]:
    """Positions of invalid or empty geometries, so callers can fail with a precise message."""
    bad = ~geoms.is_valid.to_numpy() | geoms.is_empty.to_numpy()
    return np.flatnonzero(bad).tolist()


def simplify_polygons(geoms: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify a polygon coverage so neighbours keep identical shared borders.

    Cleans the coverage (snaps near-coincident edges, fills sub-metre slivers), simplifies it
    in metres, returns to lon/lat and snaps to a ~1 m grid with a validity-preserving
    precision reduction. Raises instead of repairing if any result is invalid or empty.
    """
    metric = geoms.to_crs(METRIC_CRS)
    cleaned = shapely.coverage_clean(metric.to_numpy(), gap_width=CLEAN_GAP_WIDTH_M)
    simplified = gpd.GeoSeries(cleaned, index=geoms.index, crs=METRIC_CRS).simplify_coverage(
        tolerance_m
    )
    lonlat = simplified.to_crs(OUTPUT_CRS)
    snapped = shapely.set_precision(lonlat.to_numpy(), GRID_SIZE_DEG, mode="valid_output")
    result = gpd.GeoSeries(snapped, index=geoms.index, crs=OUTPUT_CRS)
    bad = invalid_positions(result)
    if bad:
        raise ValueError(f"simplification produced invalid/empty geometries at rows {bad}")
    return result


def comuna_names(barrios: gpd.GeoDataFrame) -> dict[str, str]:
    """Map comuna code to its properly cased name.

    The comunas layer only has upper-case names without accents ("BELEN"), so the name is the
    most common non-empty NOMBRE_COM ("Belén") among the barrios of that code.
    """
    counts: dict[str, Counter[str]] = {}
    for code, name in zip(barrios["COMUNA"], barrios["NOMBRE_COM"], strict=True):
        if isinstance(name, str) and name.strip():
            counts.setdefault(code, Counter())[name.strip()] += 1
    # Highest count wins; ties go to the alphabetically first name, for determinism.
    return {
        code: min(c.items(), key=lambda item: (-item[1], item[0]))[0]
        for code, c in sorted(counts.items())
    }


def barrio_kind(code: str, subtipo: int) -> str:
    """Classify a unit: institutional areas have "Inst_" codes, else SUBTIPO_BA decides."""
    if code.startswith(INSTITUTIONAL_PREFIX):
        return "institutional"
    return BARRIO_KINDS[int(subtipo)]


def comuna_kind(code: str) -> str:
    """Codes 50 and above are rural corregimientos; the rest are urban comunas."""
    return "corregimiento" if int(code) >= FIRST_CORREGIMIENTO else "comuna"


def build_barrios(
    raw: gpd.GeoDataFrame, names: dict[str, str], tolerance_m: float
) -> gpd.GeoDataFrame:
    """Barrios and veredas with medmap's properties, simplified as a coverage, sorted by code."""
    missing = sorted(set(raw["COMUNA"]) - set(names))
    if missing:
        raise ValueError(f"no comuna name for codes {missing}")
    gdf = gpd.GeoDataFrame(
        {
            "code": raw["CODIGO"],
            "name": raw["NOMBRE"],
            "comuna_code": raw["COMUNA"],
            "comuna_name": raw["COMUNA"].map(names),
            "kind": [
                barrio_kind(c, s) for c, s in zip(raw["CODIGO"], raw["SUBTIPO_BA"], strict=True)
            ],
        },
        geometry=simplify_polygons(raw.geometry, tolerance_m),
    )
    if gdf["code"].duplicated().any():
        raise ValueError("duplicate barrio codes")
    return gdf.sort_values("code", ignore_index=True)


def build_comunas(
    raw: gpd.GeoDataFrame, names: dict[str, str], tolerance_m: float
) -> gpd.GeoDataFrame:
    """Official comunas/corregimientos layer with cased names, simplified as a coverage."""
    missing = sorted(set(raw["comuna"]) - set(names))
    if missing:
        raise ValueError(f"no comuna name for codes {missing}")
    gdf = gpd.GeoDataFrame(
        {
            "code": raw["comuna"],
            "name": raw["comuna"].map(names),
            "kind": raw["comuna"].map(comuna_kind),
        },
        geometry=simplify_polygons(raw.geometry, tolerance_m),
    )
    return gdf.sort_values("code", ignore_index=True)


def build_stations(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """2-D station points with English keys; exact repeats (same name, line and point) dropped.

    Metroplús stops legitimately repeat per line and direction at different points, so only
    identical points are duplicates.
    """
    points = raw.geometry.force_2d()
    gdf = gpd.GeoDataFrame(
        {
            "name": raw["nombre"],
            "line": raw["linea"],
            "system": raw["sistema"],
            "kind": raw["tipo"],
            "municipality": raw["municipio"],
            "_x": points.x,
            "_y": points.y,
        },
        geometry=points,
        crs=raw.crs,
    ).to_crs(OUTPUT_CRS)
    gdf = gdf.drop_duplicates(["name", "line", "_x", "_y"], ignore_index=True)
    return gdf.drop(columns=["_x", "_y"])


def overlap_area_m2(gdf: gpd.GeoDataFrame) -> float:
    """Total area (m²) shared by pairs of intersecting polygons: 0 for a perfect coverage."""
    geoms = gdf.geometry.to_crs(METRIC_CRS).to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    return float(shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum())


def hole_areas_m2(gdf: gpd.GeoDataFrame) -> list[float]:
    """Areas (m²) of the holes in the union of all polygons: gaps between neighbours show here."""
    union = shapely.union_all(gdf.geometry.to_crs(METRIC_CRS).to_numpy())
    return sorted(
        (
            shapely.Polygon(ring).area
            for part in shapely.get_parts(union)
            for ring in part.interiors
        ),
        reverse=True,
    )


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, decimals: int) -> None:
    """Write RFC 7946 GeoJSON (lon/lat, CCW outer rings, no crs member), one feature a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    gdf.to_file(
        path,
        driver="GeoJSON",
        engine="pyogrio",
        layer=path.stem,
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": decimals, "WRITE_BBOX": "NO"},
    )


def build(
    shared: Path, out: Path, tolerance_m: float = SIMPLIFY_TOLERANCE_M
) -> dict[str, gpd.GeoDataFrame]:
    """Read the shared layers, build the three outputs and write them to ``out``."""
    raw_barrios = read_layer(shared / "barrios.geojson")
    names = comuna_names(raw_barrios)
    layers = {
        "barrios": build_barrios(raw_barrios, names, tolerance_m),
        "comunas": build_comunas(read_layer(shared / "comunas.geojson"), names, tolerance_m),
        "metro_stations": build_stations(read_layer(shared / "metro_stations.geojson")),
    }
    for name, gdf in layers.items():
        decimals = POINT_DECIMALS if name == "metro_stations" else POLYGON_DECIMALS
        write_geojson(gdf, out / f"{name}.geojson", decimals)
    return layers


def summarize(layers: dict[str, gpd.GeoDataFrame], out: Path) -> str:
    """One line per output, so a rebuild shows at a glance whether topology survived."""
    lines = []
    for name, gdf in layers.items():
        path = out / f"{name}.geojson"
        line = f"{path}: {len(gdf)} features, {path.stat().st_size:,} bytes"
        if name != "metro_stations":
            holes = hole_areas_m2(gdf)
            line += (
                f", overlap {overlap_area_m2(gdf):.1f} m²"
                f", {len(holes)} holes {sum(holes):.1f} m²"
                f", invalid {len(invalid_positions(gdf.geometry))}"
            )
        lines.append(line)
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options; defaults fit the repo layout (shared data beside the repo)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared geo dir")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output dir")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Build the geometry and print a summary."""
    args = parse_args(argv)
    layers = build(args.shared, args.out)
    print(summarize(layers, args.out))


if __name__ == "__main__":
    main()
