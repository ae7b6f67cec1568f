"""Geometry: load the shipped layers, place entities on them, count entities per area."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd

from medmap.problems import Problem
from medmap.schemas import APPROXIMATE_PRECISIONS

WGS84: Final = 4326
METRIC_CRS: Final = 3116  # MAGNA-SIRGAS / Colombia Bogotá zone: metres, for areas and distances

# Sevilla, home of the Ruta N complex, and the University of Antioquia's campus unit beside it.
SEVILLA_CODE: Final = "0407"
UDEA_CAMPUS_CODE: Final = "Inst_11"

BARRIO_COLUMNS: Final = ("code", "name", "comuna_code", "comuna_name", "kind")
COMUNA_COLUMNS: Final = ("code", "name", "kind")
STATION_COLUMNS: Final = ("name", "line", "system", "kind")


class GeoError(Exception):
    """A geometry file cannot be used; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def read_layer(path: Path, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Read a GeoJSON layer, checking its properties and geometries."""
    name = path.name
    if not path.is_file():
        raise GeoError([Problem(name, 0, "", "missing_file")])
    try:
        gdf = gpd.read_file(path)
    except Exception as err:  # pyogrio raises several error types for corrupt input
        raise GeoError([Problem(name, 0, "", "geometry_unreadable", details=str(err))]) from err
    problems = [Problem(name, 0, c, "missing_property") for c in columns if c not in gdf.columns]
    if problems:
        raise GeoError(problems)
    bad = gdf.geometry.isna() | ~gdf.geometry.is_valid
    problems = [Problem(name, int(i) + 1, "geometry", "invalid_geometry") for i in gdf.index[bad]]
    if problems:
        raise GeoError(problems)
    gdf = gdf.set_crs(WGS84, allow_override=True)
    return gdf[[*columns, "geometry"]]


@dataclass(frozen=True)
class Layers:
    """The map's geometry: barrios/veredas, comunas/corregimientos, Metro stations (optional)."""

    barrios: gpd.GeoDataFrame
    comunas: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame | None


def load_layers(geo_dir: Path) -> Layers:
    return Layers(load_barrios(geo_dir), load_comunas(geo_dir), load_metro_stations(geo_dir))


def load_barrios(geo_dir: Path) -> gpd.GeoDataFrame:
    """Barrios and veredas (coverage-simplified official 2014 layer)."""
    return read_layer(geo_dir / "barrios.geojson", BARRIO_COLUMNS)


def load_comunas(geo_dir: Path) -> gpd.GeoDataFrame:
    """The 16 comunas and 5 corregimientos."""
    return read_layer(geo_dir / "comunas.geojson", COMUNA_COLUMNS)


def load_metro_stations(geo_dir: Path) -> gpd.GeoDataFrame | None:
    """Metro stations, or None when the optional layer is absent."""
    path = geo_dir / "metro_stations.geojson"
    return read_layer(path, STATION_COLUMNS) if path.is_file() else None


# Recent district_areas results by the identity of their inputs; each entry keeps its
# inputs alive, so an id cannot be reused while its entry exists.
_DISTRICT_AREAS: dict[tuple[int, int], tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoSeries]] = {}
_DISTRICT_AREAS_MAX = 4
_DISTRICT_AREAS_LOCK = threading.Lock()


def district_areas(districts: pd.DataFrame, barrios: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Each district's area (the union of its ``;``-separated barrios), indexed by district.

    The base map draws them on every run from the process's same frames: the dissolve
    is done once per pair of frames (a copy is returned; callers may change it).
    """
    key = (id(districts), id(barrios))
    with _DISTRICT_AREAS_LOCK:
        hit = _DISTRICT_AREAS.get(key)
    if hit is not None and hit[0] is districts and hit[1] is barrios:
        return hit[2].copy()
    areas = _district_areas(districts, barrios)
    with _DISTRICT_AREAS_LOCK:
        if len(_DISTRICT_AREAS) >= _DISTRICT_AREAS_MAX:
            _DISTRICT_AREAS.pop(next(iter(_DISTRICT_AREAS)))
        _DISTRICT_AREAS[key] = (districts, barrios, areas)
    return areas.copy()


def _district_areas(districts: pd.DataFrame, barrios: gpd.GeoDataFrame) -> gpd.GeoSeries:
    members = districts.assign(code=districts["barrios"].str.split(";"))[["district", "code"]]
    members = members.explode("code").merge(barrios[["code", "geometry"]], on="code")
    areas = gpd.GeoDataFrame(members, geometry="geometry", crs=barrios.crs)
    return areas.dissolve(by="district").geometry


def locate_entities(
    entities: pd.DataFrame,
    barrios: gpd.GeoDataFrame,
    comunas: gpd.GeoDataFrame,
    districts: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Give each entity a map point and the barrio/comuna it falls in.

    - ``coordinates``: the stated point.
    - ``barrio``/``comuna``: a representative point of that polygon, flagged approximate.
    - ``district``: a representative point of the union of the district's barrios
      (``districts``, as in ``data/districts.csv``), flagged approximate; without
      ``districts`` it gets no point.
    - ``city``/``outside``: no point; the UI says so.
    Barrio and comuna codes come from a spatial join of the point against
    ``barrios``; a comuna-level point gets no barrio, and a district-level point
    neither barrio nor comuna (that would be false precision). ``district_code``
    is the district of district-level rows, None for the others.
    """
    points = _entity_points(entities, barrios, comunas, districts)
    # Shallow: pandas copy-on-write keeps the caller's frame intact without a second copy.
    located = gpd.GeoDataFrame(entities.copy(deep=False), geometry=points, crs=WGS84)
    located["approximate"] = located["location_precision"].isin(APPROXIMATE_PRECISIONS)
    has_point = located.geometry.notna()
    joined = gpd.sjoin(
        located.loc[has_point, ["geometry"]],
        barrios[["code", "name", "comuna_code", "comuna_name", "geometry"]],
        how="left",
        predicate="within",
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    located["barrio_code"] = joined["code"].reindex(located.index).astype("string")
    located["barrio_name"] = joined["name"].reindex(located.index).astype("string")
    located["comuna_code"] = joined["comuna_code"].reindex(located.index).astype("string")
    located["comuna_name"] = joined["comuna_name"].reindex(located.index).astype("string")
    comuna_level = located["location_precision"] == "comuna"
    located.loc[comuna_level, ["barrio_code", "barrio_name"]] = pd.NA
    district_level = located["location_precision"] == "district"
    located.loc[district_level, ["barrio_code", "barrio_name", "comuna_code", "comuna_name"]] = (
        pd.NA
    )
    located["district_code"] = located["location_code"].where(district_level, None)
    return located


def _entity_points(
    entities: pd.DataFrame,
    barrios: gpd.GeoDataFrame,
    comunas: gpd.GeoDataFrame,
    districts: pd.DataFrame | None,
) -> gpd.GeoSeries:
    """Each entity's map point by its precision (see ``locate_entities``), None where it has none."""
    precision, code = entities["location_precision"], entities["location_code"]
    # Vectorised so that a registry of 100,000 offices places in well under a second.
    stated = gpd.points_from_xy(
        pd.to_numeric(entities["lon"], errors="coerce"),
        pd.to_numeric(entities["lat"], errors="coerce"),
    )
    barrio_points = barrios.set_index("code").geometry.representative_point()
    comuna_points = comunas.set_index("code").geometry.representative_point()
    district_points = (
        district_areas(districts, barrios).representative_point()
        if districts is not None and len(districts)
        else None
    )
    points = gpd.GeoSeries([None] * len(entities), index=entities.index, crs=WGS84)
    is_stated = (precision == "coordinates").to_numpy()
    points[is_stated] = gpd.GeoSeries(stated, index=entities.index, crs=WGS84)[is_stated]
    levels = (("barrio", barrio_points), ("comuna", comuna_points), ("district", district_points))
    for level, lookup in levels:
        chosen = (precision == level).to_numpy()
        if chosen.any() and lookup is not None:
            points[chosen] = code[chosen].map(lookup).to_numpy()
    return points


def display_geometry(
    barrios: gpd.GeoDataFrame, comunas: gpd.GeoDataFrame, stations: gpd.GeoDataFrame | None
) -> dict[str, bytes]:
    """The shapes the browser fetches (barrios, comunas, stations if any), lean properties.

    Names stay raw here: the map writes them with ``textContent``, never as HTML.
    """
    layers = {
        "barrios": (barrios, ["code", "name", "comuna_code", "comuna_name", "geometry"]),
        "comunas": (comunas, ["code", "geometry"]),
        "stations": (stations, ["name", "line", "geometry"]),
    }
    return {
        stem: frame[columns].to_json(drop_id=True, ensure_ascii=False).encode()
        for stem, (frame, columns) in layers.items()
        if frame is not None
    }


def aggregate_by_area(
    companies: pd.DataFrame, barrios: gpd.GeoDataFrame, comunas: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Offices counted per barrio (or per comuna when only that is known), at the area's point.

    Every located office is in exactly one group, so the counts add up to the total.
    """
    by_barrio = companies[companies["barrio_code"].notna()]
    by_comuna = companies[companies["barrio_code"].isna()]
    groups = []
    for rows, column, areas in (
        (by_barrio, "barrio_code", barrios),
        (by_comuna, "comuna_code", comunas),
    ):
        if rows.empty:
            continue
        counts = rows.groupby(column).size().rename("count")
        shapes = areas.set_index("code").loc[counts.index]
        points = shapes.geometry.representative_point()
        groups.append(
            pd.DataFrame(
                {"name": shapes["name"], "count": counts, "lat": points.y, "lon": points.x}
            ).rename_axis("code")
        )
    if not groups:
        return pd.DataFrame(columns=["name", "count", "lat", "lon"])
    return pd.concat(groups).reset_index()
