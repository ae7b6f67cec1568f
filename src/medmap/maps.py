"""Compose the folium map: the base map that stays mounted, and the layers each view sends.

The base map (tiles, barrio and comuna shapes, Sevilla, metro, attribution) changes
only with the language; a filter change sends only the view layers (markers and the
barrio colours) through streamlit-folium's ``feature_group_to_add``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import folium
import folium.plugins
import geopandas as gpd
import pandas as pd

from medmap.colors import (
    NO_VALUE_COLOR,
    UNKNOWN_SECTOR_COLOR,
    class_breaks,
    color_for,
    sector_colors,
)
from medmap.escaping import leaflet_html
from medmap.geo import SEVILLA_CODE, Layers, aggregate_by_area
from medmap.i18n import format_count, t
from medmap.leaflet import (
    Attribution,
    BarrioLayer,
    MapScripts,
    MarkerLayer,
    OutlineLayer,
    StationsLayer,
    ViewState,
    use_local_assets,
)
from medmap.popups import (
    SEVILLA_FILL,
    SEVILLA_STROKE,
    entity_popup,
    entity_tooltip,
    format_metric,
    legend_html,
    sevilla_label_html,
    sources_links,
)

SEVILLA_CLASS: Final = "medmap-sevilla"
COMPANY_CLASS: Final = "medmap-company"
INSTITUTION_CLASS: Final = "medmap-institution"
APPROX_CLASS: Final = "medmap-approx"
AGGREGATE_CLASS: Final = "medmap-area-count"
# Beyond this many located offices, markers are counted per area on the server.
MAX_INDIVIDUAL_MARKERS: Final = 500
MEDELLIN_CENTER: Final = (6.2518, -75.5736)
MAP_METRICS: Final = ("entities", "staff", "funding")
GEOMETRY_ATTRIBUTION: Final = (
    "Geometry: Alcaldía de Medellín – GeoMedellín/MEData · Metro de Medellín"
)


@dataclass(frozen=True)
class EntityText:
    """Display text for markers: sector labels by slug; staff, funding by entity id; source URLs."""

    sectors: Mapping[str, str]
    staff: Mapping[str, str]
    funding: Mapping[str, str]
    source_urls: Mapping[str, str]


@dataclass(frozen=True)
class Choropleth:
    """What the barrios are coloured by: a value per barrio code, its metric, the chosen barrios."""

    values: pd.Series
    metric: str
    selected: tuple[str, ...] = ()


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


def build_base_map(*, barrios: gpd.GeoDataFrame, urls: Mapping[str, str], lang: str) -> folium.Map:
    """What stays the same across filters: tiles, shapes, Sevilla, metro, attribution.

    Its script (and so streamlit-folium's component key) changes only with the
    language, so a filter change updates the map in place instead of remounting it.
    ``urls`` maps ``barrios``, ``comunas`` and (optionally) ``stations`` to their files.
    """
    m = folium.Map(location=MEDELLIN_CENTER, zoom_start=12, tiles=None, control_scale=True)
    MapScripts().add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False, opacity=0.6).add_to(m)
    Attribution(GEOMETRY_ATTRIBUTION).add_to(m)
    BarrioLayer(urls["barrios"], t("layer_barrios", lang), _barrio_text(lang)).add_to(m)
    OutlineLayer(urls["comunas"], t("layer_comunas", lang)).add_to(m)
    sevilla = barrios[barrios["code"] == SEVILLA_CODE]
    if not sevilla.empty:
        _sevilla_highlight(sevilla, lang).add_to(m)
    if urls.get("stations") is not None:
        StationsLayer(urls["stations"], t("layer_metro", lang)).add_to(m)
    m.fit_bounds(default_bounds(barrios))
    return use_local_assets(m)


def _barrio_text(lang: str) -> dict[str, str]:
    return {
        "barrio": t("tooltip_barrio", lang),
        "comuna": t("tooltip_comuna", lang),
        "noValue": NO_VALUE_COLOR,
        "failed": t("map_shapes_failed", lang),
    }


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
    ).add_to(highlight)
    return highlight


def view_state(choropleth: Choropleth, lang: str, focus: list[list[float]], token: str) -> dict:
    """Per-barrio colour and label for the barrios that have a value, legend and focus."""
    values, metric = choropleth.values, choropleth.metric
    breaks = class_breaks(values)
    present = values[values.notna() & (values != 0)]
    return {
        "values": {
            str(code): [color_for(value, breaks), format_metric(metric, value, lang)]
            for code, value in present.items()
        },
        "empty": format_metric(metric, None, lang),
        "metric": t("metric_" + metric, lang),
        "selected": sorted(set(choropleth.selected)),
        "legend": legend_html(metric, breaks, lang),
        "focus": focus,
        "token": token,
    }


def entity_marker(row: Mapping, text: EntityText, colors: Mapping[str, str], lang: str) -> dict:
    """One entity's marker for ``MarkerLayer``: a diamond for institutions, a circle for
    companies; approximate points are dashed and hollow."""
    not_reported = t("not_reported", lang)
    popup = entity_popup(
        row,
        text.sectors.get(row["sector"], row["sector"] or ""),
        text.staff.get(row["entity_id"], not_reported),
        text.funding.get(row["entity_id"], not_reported),
        sources_links(row["sources"], text.source_urls),
        lang,
    )
    marker = {
        "lat": round(row["geometry"].y, 6),
        "lon": round(row["geometry"].x, 6),
        "tooltip": entity_tooltip(row, lang),
        "popup": popup,
    }
    approx = bool(row["approximate"])
    approx_class = f" {APPROX_CLASS}" if approx else ""
    if row["kind"] == "institution":
        border = "dashed" if approx else "solid"
        marker["icon"] = (
            f'<div class="{INSTITUTION_CLASS}{approx_class}" '
            f'style="width:14px;height:14px;background:#2b2d42;border:2px {border} #fff;'
            'transform:rotate(45deg);box-shadow:0 0 2px #000"></div>'
        )
    else:
        color = colors.get(row["sector"], UNKNOWN_SECTOR_COLOR)
        marker["style"] = {
            "radius": 7,
            "color": color,
            "weight": 2,
            "fillColor": color,
            "fillOpacity": 0.15 if approx else 0.85,
            "dashArray": "3 3" if approx else None,
            "className": f"{COMPANY_CLASS}{approx_class}",
        }
    return marker


def area_count_markers(aggregates: pd.DataFrame, lang: str) -> list[dict]:
    """One counted circle per area, for ``MarkerLayer``."""
    markers = []
    for row in aggregates.itertuples():
        label = t("area_count", lang, n=format_count(row.count, lang), area=row.name)
        markers.append(
            {
                "lat": round(row.lat, 6),
                "lon": round(row.lon, 6),
                "style": {
                    "radius": min(4 + math.sqrt(row.count) / 2, 30),
                    "color": "#444",
                    "weight": 1,
                    "fillColor": "#e4572e",
                    "fillOpacity": 0.7,
                    "className": AGGREGATE_CLASS,
                },
                "tooltip": leaflet_html(label),
            }
        )
    return markers


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
    colors = dict(colors or sector_colors(entities["sector"].dropna()))
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
        (institution_markers if row["kind"] == "institution" else company_markers).append(marker)

    institutions = folium.FeatureGroup(name=t("layer_institutions", lang))
    MarkerLayer(institution_markers).add_to(institutions)
    companies = folium.FeatureGroup(name=t("layer_companies", lang))
    cluster = folium.plugins.MarkerCluster(
        options={"maxClusterRadius": 30, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False}
    ).add_to(companies)
    MarkerLayer(company_markers).add_to(cluster)

    selected = sorted(set(choropleth.selected))
    token = hashlib.sha256(
        json.dumps([sorted(entities["entity_id"]), choropleth.metric, selected, lang]).encode()
    ).hexdigest()[:16]
    focus = default_bounds(layers.barrios, selected)
    ViewState(view_state(choropleth, lang, focus, token)).add_to(institutions)
    return ViewLayers(
        groups=[use_local_assets(institutions), use_local_assets(companies)],
        located_companies=located_companies,
        unplaced=int((~has_point).sum()),
    )
