"""Checks on the shipped geometry in ``geo/`` and on the build that produces it.

The shipped files are what the map draws, so they are tested directly; the last test rebuilds
them from ``../shared/data/geo`` and requires byte-identical output, so the files in ``geo/``
can never drift from ``scripts/build_geo.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from medmap.geo import METRIC_CRS

REPO = Path(__file__).resolve().parents[1]
GEO = REPO / "geo"
SHARED = REPO.parent / "shared" / "data" / "geo"
BUILD_SCRIPT = REPO / "scripts" / "build_geo.py"
OUTPUTS = ("barrios.geojson", "comunas.geojson", "metro_stations.geojson")

MAX_BARRIOS_BYTES = 1_200_000
MAX_OVERLAP_M2 = 500.0
MAX_HOLES_TOTAL_M2 = 2_000.0
MAX_HOLE_M2 = 1_000.0
# Medellín's extent with a small margin; a swapped lat/lon would fall far outside.
MEDELLIN_BOUNDS = (-75.73, 6.15, -75.46, 6.39)

KEYS = {
    "barrios.geojson": {"code", "name", "comuna_code", "comuna_name", "kind"},
    "comunas.geojson": {"code", "name", "kind"},
    "metro_stations.geojson": {"name", "line", "system", "kind", "municipality"},
}
COMUNA_CODES = [f"{n:02d}" for n in range(1, 17)] + ["50", "60", "70", "80", "90"]


def read(name: str) -> gpd.GeoDataFrame:
    """Read a shipped file as the app would."""
    return gpd.read_file(GEO / name, engine="pyogrio")


@pytest.fixture(scope="module")
def barrios() -> gpd.GeoDataFrame:
    return read("barrios.geojson")


@pytest.fixture(scope="module")
def barrios_metric(barrios: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return barrios.to_crs(METRIC_CRS)


@pytest.fixture(scope="module")
def comunas() -> gpd.GeoDataFrame:
    return read("comunas.geojson")


def by_code(gdf: gpd.GeoDataFrame, code: str) -> gpd.GeoSeries:
    rows = gdf[gdf["code"] == code]
    assert len(rows) == 1, f"expected exactly one feature with code {code!r}"
    return rows.iloc[0]


def test_barrios_file_is_small_and_complete(barrios: gpd.GeoDataFrame) -> None:
    assert (GEO / "barrios.geojson").stat().st_size <= MAX_BARRIOS_BYTES
    assert len(barrios) >= 330
    assert barrios["code"].is_unique
    assert list(barrios["code"]) == sorted(barrios["code"])


def test_barrios_are_valid_polygons(barrios: gpd.GeoDataFrame) -> None:
    assert barrios.is_valid.all(), barrios.loc[~barrios.is_valid, "code"].tolist()
    assert not barrios.is_empty.any()
    assert set(barrios.geom_type) <= {"Polygon", "MultiPolygon"}


def test_barrios_do_not_overlap(barrios_metric: gpd.GeoDataFrame) -> None:
    pairs = gpd.sjoin(barrios_metric, barrios_metric, predicate="intersects")
    pairs = pairs[pairs.index < pairs["index_right"]]
    left = barrios_metric.geometry.loc[pairs.index].to_numpy()
    right = barrios_metric.geometry.loc[pairs["index_right"]].to_numpy()
    overlap = shapely.area(shapely.intersection(left, right)).sum()
    assert overlap <= MAX_OVERLAP_M2


def test_barrios_leave_no_slivers(barrios_metric: gpd.GeoDataFrame) -> None:
    union = barrios_metric.union_all()
    total = barrios_metric.area.sum()
    assert abs(total - union.area) / union.area < 0.001
    holes = [
        shapely.Polygon(ring).area for part in shapely.get_parts(union) for ring in part.interiors
    ]
    assert sum(holes) < MAX_HOLES_TOTAL_M2
    assert max(holes, default=0.0) < MAX_HOLE_M2


@pytest.mark.parametrize("name", OUTPUTS)
def test_files_are_compact_rfc7946_with_exact_keys(name: str) -> None:
    text = (GEO / name).read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{7,}", text), "coordinates must have at most 6 decimals"
    assert "\n " not in text, "no indentation"
    collection = json.loads(text)
    assert "crs" not in collection, "RFC 7946 files are lon/lat WGS84 and carry no crs member"
    for feature in collection["features"]:
        assert set(feature["properties"]) == KEYS[name]
    minx, miny, maxx, maxy = read(name).total_bounds
    assert MEDELLIN_BOUNDS[0] < minx < maxx < MEDELLIN_BOUNDS[2]
    assert MEDELLIN_BOUNDS[1] < miny < maxy < MEDELLIN_BOUNDS[3]


def test_sevilla(barrios: gpd.GeoDataFrame) -> None:
    sevilla = by_code(barrios, "0407")
    assert sevilla["name"] == "Sevilla"
    assert sevilla["comuna_code"] == "04"
    assert sevilla["comuna_name"] == "Aranjuez"
    assert sevilla["kind"] == "barrio"


def test_universidad_de_antioquia_borders_sevilla(barrios_metric: gpd.GeoDataFrame) -> None:
    udea = by_code(barrios_metric, "Inst_11")
    assert udea["name"] == "Universidad de Antioquia"
    assert udea["kind"] == "institutional"
    assert udea["comuna_code"] == "04"
    assert udea.geometry.distance(by_code(barrios_metric, "0407").geometry) <= 30.0


def test_barrio_kinds(barrios: gpd.GeoDataFrame) -> None:
    institutional = barrios["code"].str.startswith("Inst_")
    assert (barrios.loc[institutional, "kind"] == "institutional").all()
    assert barrios.loc[~institutional, "kind"].isin(["barrio", "vereda"]).all()
    assert barrios["kind"].value_counts().to_dict() == {
        "barrio": 251,
        "vereda": 61,
        "institutional": 20,
    }


def test_comunas(comunas: gpd.GeoDataFrame) -> None:
    assert list(comunas["code"]) == COMUNA_CODES
    assert comunas.is_valid.all()
    assert not comunas.is_empty.any()
    assert list(comunas["kind"]) == ["comuna"] * 16 + ["corregimiento"] * 5
    names = dict(zip(comunas["code"], comunas["name"], strict=True))
    assert names["04"] == "Aranjuez"
    assert names["11"] == "Laureles Estadio"
    assert names["14"] == "El Poblado"
    assert names["90"] == "Corregimiento de Santa Elena"


def test_every_barrio_lies_in_its_comuna(
    barrios_metric: gpd.GeoDataFrame, comunas: gpd.GeoDataFrame
) -> None:
    names = dict(zip(comunas["code"], comunas["name"], strict=True))
    assert set(barrios_metric["comuna_code"]) <= set(names)
    assert (barrios_metric["comuna_name"] == barrios_metric["comuna_code"].map(names)).all()
    points = barrios_metric.set_geometry(barrios_metric.representative_point())
    joined = gpd.sjoin(points, comunas.to_crs(METRIC_CRS)[["code", "geometry"]], predicate="within")
    assert len(joined) == len(barrios_metric)
    assert (joined["comuna_code"] == joined["code_right"]).all()


def test_metro_stations() -> None:
    stations = read("metro_stations.geojson")
    assert len(stations) == 162  # 167 source points minus 5 exact repeats
    assert (stations.geom_type == "Point").all()
    assert not stations.has_z.any()
    repeated = stations.assign(wkb=stations.geometry.to_wkb()).duplicated(["name", "line", "wkb"])
    assert not repeated.any()


def test_build_reproduces_shipped_files(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        message = f"shared geo data not found at {SHARED}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--shared", str(SHARED), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in OUTPUTS:
        built = (tmp_path / name).read_bytes()
        assert built == (GEO / name).read_bytes(), f"{name} differs: rerun scripts/build_geo.py"
