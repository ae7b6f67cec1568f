"""Compose the folium map: the base map that stays mounted, and the layers each view sends.

The base map (tiles, barrio and comuna shapes, Sevilla, metro, attribution) changes
only with the language; a filter change sends only the view layers (markers and the
barrio colours) through streamlit-folium's ``feature_group_to_add``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import folium
import folium.plugins
import geopandas as gpd
import pandas as pd

from medmap.colors import (
    AREA_FILL_OPACITY,
    NO_VALUE_COLOR,
    OUTLINE_COLOR,
    class_breaks,
    color_for,
    sector_colors,
)
from medmap.geo import SEVILLA_CODE, Layers, aggregate_by_area, district_areas
from medmap.i18n import t
from medmap.leaflet import (
    AreaLayer,
    Attribution,
    ControlsFirst,
    FrameLabel,
    LegendControl,
    MapScripts,
    MarkerLayer,
    ReleasePreviousView,
    StationsLayer,
    UnplacedControl,
    ViewState,
    use_local_assets,
)
from medmap.markers import (
    UNPLACED_GROUPS,
    EntityText,
    area_count_markers,
    entity_marker,
    unplaced_entries,
)
from medmap.popups import (
    SEVILLA_FILL,
    SEVILLA_STROKE,
    district_label_html,
    format_metric,
    legend_html,
    sevilla_label_html,
)

SEVILLA_CLASS: Final = "medmap-sevilla"
DISTRICT_CLASS: Final = "medmap-district"
DISTRICT_STROKE: Final = "#5a189a"
# Beyond this many located offices, markers are counted per area on the server.
MAX_INDIVIDUAL_MARKERS: Final = 500
MEDELLIN_CENTER: Final = (6.2518, -75.5736)
MAP_METRICS: Final = ("entities", "staff", "funding")
MAP_LEVELS: Final = ("barrio", "comuna")
MAP_HEIGHT: Final = 520  # px: the map frame before layout.css fits it to the window
GEOMETRY_ATTRIBUTION: Final = (
    "Geometry: Alcaldía de Medellín – GeoMedellín/MEData · Metro de Medellín"
)


@dataclass(frozen=True)
class Choropleth:
    """What the areas are coloured by: a value per area code of ``level`` (barrio or comuna),
    its metric, the chosen barrios."""

    values: pd.Series
    metric: str
    selected: tuple[str, ...] = ()
    level: str = "barrio"


@dataclass(frozen=True)
class ViewLayers:
    """The layers of one view, and what the page says about them."""

    groups: list[folium.FeatureGroup]
    located_companies: int
    unplaced: int

    @property
    def aggregated(self) -> bool:
        return markers_aggregated(self.located_companies)


def markers_aggregated(located_companies: int) -> bool:
    """Too many offices to draw one by one: they are counted per area instead."""
    return located_companies > MAX_INDIVIDUAL_MARKERS


def default_bounds(barrios: gpd.GeoDataFrame, selected: Iterable[str] = ()) -> list[list[float]]:
    """The chosen barrios, or else the urban comunas (the corregimientos are mostly rural)."""
    focus = barrios[barrios["code"].isin(set(selected))]
    if focus.empty:
        focus = barrios[barrios["comuna_code"] < "50"]
    minx, miny, maxx, maxy = focus.total_bounds
    return [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]


def build_base_map(
    *,
    barrios: gpd.GeoDataFrame,
    urls: Mapping[str, str],
    lang: str,
    districts: pd.DataFrame | None = None,
) -> folium.Map:
    """What stays the same across filters: tiles, shapes, Sevilla, districts, metro, controls.

    Its script (and so streamlit-folium's component key) changes only with the
    language, so a filter change updates the map in place instead of remounting it.
    ``urls`` maps ``barrios``, ``comunas`` and (optionally) ``stations`` to their files;
    ``districts`` (as ``data/districts.csv``) are outlined and labelled.
    """
    m = folium.Map(location=MEDELLIN_CENTER, zoom_start=12, tiles=None, control_scale=True)
    MapScripts().add_to(m)
    FrameLabel(t("map_label", lang)).add_to(m)
    ControlsFirst().add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False, opacity=0.6).add_to(m)
    Attribution(GEOMETRY_ATTRIBUTION).add_to(m)
    text = _area_text(lang)
    AreaLayer(urls["barrios"], t("layer_barrios", lang), text, "barrio").add_to(m)
    AreaLayer(urls["comunas"], t("layer_comunas", lang), text, "comuna").add_to(m)
    LegendControl(text).add_to(m)
    UnplacedControl(_unplaced_text(lang)).add_to(m)
    if districts is not None and not districts.empty:
        _district_outlines(districts, barrios, lang).add_to(m)
    sevilla = barrios[barrios["code"] == SEVILLA_CODE]
    if not sevilla.empty:
        _sevilla_highlight(sevilla, lang).add_to(m)
    if urls.get("stations") is not None:
        StationsLayer(urls["stations"], t("layer_metro", lang)).add_to(m)
    m.fit_bounds(default_bounds(barrios))
    return use_local_assets(m)


def _area_text(lang: str) -> dict[str, str]:
    return {
        "barrio": t("tooltip_barrio", lang),
        "comuna": t("tooltip_comuna", lang),
        "noValue": NO_VALUE_COLOR,
        "fillOpacity": AREA_FILL_OPACITY,
        "chosen": OUTLINE_COLOR,
        "failed": t("map_shapes_failed", lang),
        "legend": t("legend_button", lang),
    }


def _unplaced_text(lang: str) -> dict[str, str]:
    return {
        "title": t("unplaced_title", lang),
        **{group: t(f"unplaced_{group}", lang) for group in UNPLACED_GROUPS},
    }


def district_labels(districts: pd.DataFrame, lang: str) -> dict[str, str]:
    column = "label_es" if lang == "es" else "label_en"
    return dict(zip(districts["district"], districts[column], strict=True))


def _district_outlines(
    districts: pd.DataFrame, barrios: gpd.GeoDataFrame, lang: str
) -> folium.FeatureGroup:
    """Each district as a dashed outline with its name: an area, not a barrio."""
    labels = district_labels(districts, lang)
    areas = district_areas(districts, barrios)
    group = folium.FeatureGroup(name=" · ".join(labels[code] for code in areas.index))
    shapes = gpd.GeoDataFrame({"code": areas.index}, geometry=areas.to_numpy(), crs=areas.crs)
    folium.GeoJson(
        json.loads(shapes.to_json(drop_id=True)),
        style_function=lambda f: {
            "className": DISTRICT_CLASS,
            "color": DISTRICT_STROKE,
            "weight": 3,
            "dashArray": "8 5",
            "fill": False,
            "interactive": False,
        },
    ).add_to(group)
    for code, area in areas.items():
        # Under the area's southern edge, clear of Sevilla's ring and label.
        folium.Marker(
            (area.bounds[1], area.centroid.x),
            icon=folium.DivIcon(html=district_label_html(labels[code]), icon_size=(0, 0)),
            interactive=False,
            keyboard=False,  # a label, not a control: kept out of the tab order
        ).add_to(group)
    return group


def _sevilla_highlight(sevilla: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    highlight = folium.FeatureGroup(name=t("layer_sevilla", lang))
    folium.GeoJson(
        json.loads(sevilla[["code", "geometry"]].to_json(drop_id=True)),
        style_function=lambda f: {
            "className": SEVILLA_CLASS,
            "color": SEVILLA_STROKE,
            "weight": 4,
            "fillColor": SEVILLA_FILL,
            "fillOpacity": 0.45,
            "interactive": False,
        },
    ).add_to(highlight)
    label_point = sevilla.geometry.iloc[0].representative_point()
    # A ring wider than a marker cluster, so Sevilla stays visible under Ruta N's markers.
    halo = folium.CircleMarker(
        (label_point.y, label_point.x),
        radius=26,
        color=SEVILLA_STROKE,
        weight=3,
        dash_array="6 4",
        fill=False,
        class_name="medmap-sevilla-halo",
    )
    # folium drops the Leaflet option `interactive`: set it so clicks reach the barrio.
    halo.options["interactive"] = False
    halo.add_to(highlight)
    folium.Marker(
        (label_point.y, label_point.x),
        icon=folium.DivIcon(html=sevilla_label_html(lang), icon_size=(0, 0)),
        interactive=False,
        keyboard=False,
    ).add_to(highlight)
    return highlight


def view_state(
    choropleth: Choropleth,
    lang: str,
    focus: list[list[float]],
    token: str,
    unplaced: Mapping[str, list[dict]] | None = None,
    not_counted: int = 0,
) -> dict:
    """Per-area colour and label for the areas that have a value, legend, focus, unplaced."""
    values, metric = choropleth.values, choropleth.metric
    breaks = class_breaks(values)
    present = values[values.notna() & (values != 0)]
    return {
        "level": choropleth.level,
        "values": {
            str(code): [color_for(value, breaks), format_metric(metric, value, lang)]
            for code, value in present.items()
        },
        "empty": format_metric(metric, None, lang),
        "metric": t("metric_" + metric, lang),
        "selected": sorted(set(choropleth.selected)),
        "legend": legend_html(metric, breaks, lang, choropleth.level, not_counted),
        "focus": focus,
        "token": token,
        "unplaced": {group: list((unplaced or {}).get(group, [])) for group in UNPLACED_GROUPS},
    }


def build_view_layers(
    entities: gpd.GeoDataFrame,
    layers: Layers,
    text: EntityText,
    choropleth: Choropleth,
    lang: str,
    colors: Mapping[str, str] | None = None,
) -> ViewLayers:
    """What changes with the filters: markers, and the view state of the barrio layer.

    ``entities`` is the filtered, located frame.
    """
    colors = dict(colors or sector_colors(entities["sector"].dropna(), entities))
    has_point = entities.geometry.notna()
    located = entities if has_point.all() else entities[has_point]
    company_points = located["kind"] == "company"
    located_companies = int(company_points.sum())
    company_markers = []
    if markers_aggregated(located_companies):
        codes = located.loc[company_points, ["barrio_code", "comuna_code"]]
        aggregates = aggregate_by_area(codes, layers.barrios, layers.comunas)
        company_markers = area_count_markers(aggregates, lang)
        located = located[~company_points]
    institution_markers = []
    for row in located.to_dict("records"):
        marker = entity_marker(row, text, colors, lang)
        # Institutions and the support layer share the unclustered group.
        (company_markers if row["kind"] == "company" else institution_markers).append(marker)

    institutions = folium.FeatureGroup(name=t("layer_institutions", lang))
    # First: it runs before this update's groups and layer control exist (issue #15).
    ReleasePreviousView().add_to(institutions)
    MarkerLayer(institution_markers).add_to(institutions)
    companies = folium.FeatureGroup(name=t("layer_companies", lang))
    cluster = folium.plugins.MarkerCluster(
        options={"maxClusterRadius": 30, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False}
    ).add_to(companies)
    MarkerLayer(company_markers).add_to(cluster)

    selected = sorted(set(choropleth.selected))
    key = [sorted(entities["entity_id"]), choropleth.metric, choropleth.level, selected, lang]
    token = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]
    focus = default_bounds(layers.barrios, selected)
    counted = int(entities[f"{choropleth.level}_code"].notna().sum())
    state = view_state(
        choropleth,
        lang,
        focus,
        token,
        unplaced=unplaced_entries(entities[~has_point], text.sectors, lang),
        not_counted=len(entities) - counted,
    )
    ViewState(state).add_to(institutions)
    return ViewLayers(
        groups=[use_local_assets(institutions), use_local_assets(companies)],
        located_companies=located_companies,
        unplaced=int((~has_point).sum()),
    )
