"""Build the folium map: barrios choropleth, Sevilla highlight, markers, layers.

Everything from data is HTML-escaped here before it reaches Leaflet, which
inserts tooltip and popup strings as HTML inside the map iframe.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping
from typing import Final

import folium
import folium.plugins
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from medmap.assets import LOCAL_CSS, LOCAL_JS
from medmap.i18n import format_count, format_usd, t

SEVILLA_CODE: Final = "0407"
SEVILLA_CLASS: Final = "medmap-sevilla"
COMPANY_CLASS: Final = "medmap-company"
INSTITUTION_CLASS: Final = "medmap-institution"
APPROX_CLASS: Final = "medmap-approx"
AGGREGATE_CLASS: Final = "medmap-area-count"
# Beyond this many located offices, markers are counted per area on the server.
MAX_INDIVIDUAL_MARKERS: Final = 500
MEDELLIN_CENTER: Final = (6.2518, -75.5736)
MAP_METRICS: Final = ("entities", "staff", "funding")

# Sequential blues for the choropleth (ColorBrewer Blues, 5 classes).
CHOROPLETH_COLORS: Final = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_VALUE_COLOR: Final = "#f7f7f7"
# Qualitative colours for sectors (ColorBrewer Set1 + Dark2), assigned in sorted slug order.
SECTOR_COLORS: Final = (
    "#e41a1c",
    "#377eb8",
    "#4daf4a",
    "#984ea3",
    "#ff7f00",
    "#a65628",
    "#f781bf",
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#17becf",
)

GEOMETRY_ATTRIBUTION: Final = (
    "Geometry: Alcaldía de Medellín – GeoMedellín/MEData · Metro de Medellín"
)


# folium writes tooltip and popup HTML into JavaScript template literals
# (`...`), so backticks, "${" and backslashes must not survive either.
_JS_TEMPLATE_ENTITIES: Final = {ord("`"): "&#96;", ord("$"): "&#36;", ord("\\"): "&#92;"}


def escape(value: object) -> str:
    """Text safe inside HTML and inside folium's JS template literals; missing -> ""."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_JS_TEMPLATE_ENTITIES)


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), else None (no ``javascript:`` or data URLs as links)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    return text if text.lower().startswith(("https://", "http://")) else None


def sector_colors(sectors: Iterable[str]) -> dict[str, str]:
    """A stable colour per sector slug."""
    return {s: SECTOR_COLORS[i % len(SECTOR_COLORS)] for i, s in enumerate(sorted(set(sectors)))}


def class_breaks(values: pd.Series, classes: int = len(CHOROPLETH_COLORS)) -> list[float]:
    """Upper bounds of quantile classes over the positive values: whole numbers, distinct, ascending."""
    positive = values[values > 0].dropna()
    if positive.empty:
        return []
    quantiles = positive.quantile([(i + 1) / classes for i in range(classes)]).tolist()
    return sorted({float(math.ceil(q)) for q in quantiles})


def color_for(value: float | None, breaks: list[float]) -> str:
    if value is None or pd.isna(value) or value <= 0 or not breaks:
        return NO_VALUE_COLOR
    for i, upper in enumerate(breaks):
        if value <= upper:
            return CHOROPLETH_COLORS[i + len(CHOROPLETH_COLORS) - len(breaks)]
    return CHOROPLETH_COLORS[-1]


def format_metric(metric: str, value: float | None, lang: str) -> str:
    if metric == "funding":
        return format_usd(value, lang)
    if value is None or pd.isna(value):
        return t("not_reported", lang) if metric == "staff" else "0"
    return format_count(value, lang)


class _Html(MacroElement):
    """A Leaflet control or call defined by a small trusted template."""

    def __init__(self, template: str, **values: object):
        super().__init__()
        self._name = "MedmapHtml"
        self._template = Template(template)
        self.values = values


_LEGEND = """
{% macro script(this, kwargs) %}
var legend = L.control({position: "bottomright"});
legend.onAdd = function () {
  var div = L.DomUtil.create("div", "medmap-legend");
  div.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;font:12px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)";
  div.innerHTML = {{ this.values["html"]|tojson }};
  return div;
};
legend.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""

_ATTRIBUTION = """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.values["text"]|tojson }});
{% endmacro %}
"""


def legend_html(metric: str, breaks: list[float], lang: str) -> str:
    rows = [f"<b>{escape(t('legend_title', lang))}: {escape(t('metric_' + metric, lang))}</b>"]
    lower = 0.0
    offset = len(CHOROPLETH_COLORS) - len(breaks)
    for i, upper in enumerate(breaks):
        low = format_metric(metric, lower + (0 if metric == "funding" else 1), lang)
        high = format_metric(metric, upper, lang)
        label = high if low == high else f"{low} – {high}"
        rows.append(_swatch(CHOROPLETH_COLORS[i + offset], label))
        lower = upper
    rows.append(_swatch(NO_VALUE_COLOR, t("legend_none", lang)))
    rows.append(
        f'<span style="display:inline-block;width:12px;height:12px;border:3px solid #d7263d;'
        f'background:#ffd166;vertical-align:middle"></span> {escape(t("layer_sevilla", lang))}'
    )
    return "<br>".join(rows)


def _swatch(color: str, label: str) -> str:
    return (
        f'<span style="display:inline-block;width:12px;height:12px;background:{color};'
        f'border:1px solid #999;vertical-align:middle"></span> {escape(label)}'
    )


def _barrio_features(
    barrios: gpd.GeoDataFrame, values: pd.Series, metric: str, lang: str, breaks: list[float]
) -> dict:
    """GeoJSON of the barrios with escaped, display-ready properties."""
    shown = barrios[["code", "name", "comuna_name", "geometry"]].copy()
    raw = shown["code"].map(values)
    shown["value"] = [escape(format_metric(metric, v, lang)) for v in raw]
    shown["fill"] = [color_for(v, breaks) for v in raw]
    shown["name"] = shown["name"].map(escape)
    shown["comuna_name"] = shown["comuna_name"].map(escape)
    return json.loads(shown.to_json(drop_id=True))


def entity_popup(
    row: Mapping, sector_label: str, staff: str, funding: str, sources_html: str, lang: str
) -> str:
    precision = t(f"precision_{row['location_precision']}", lang)
    unverified = (
        f" <i>({escape(t('unverified', lang))})</i>" if row.get("sector_unverified") else ""
    )
    place = ", ".join(
        escape(v) for v in (row.get("barrio_name"), row.get("comuna_name")) if escape(v)
    )
    return (
        f'<div style="min-width:220px;max-width:320px;font:13px/1.4 sans-serif">'
        f"<b>{escape(row['name'])}</b><br>"
        f"{escape(t('popup_sector', lang))}: {escape(sector_label)}{unverified}<br>"
        f"{escape(t('popup_staff', lang))}: {escape(staff)}<br>"
        f"{escape(t('popup_funding', lang))}: {escape(funding)}<br>"
        f"{escape(t('popup_location', lang))}: {escape(precision)}"
        f"{' · ' + place if place else ''}<br>"
        f"{escape(t('popup_sources', lang))}: {sources_html}</div>"
    )


def sources_links(source_ids: str, sources: pd.DataFrame) -> str:
    """Source ids as links (http/https only), escaped."""
    urls = dict(zip(sources["source_id"], sources["url"], strict=True))
    parts = []
    for source_id in str(source_ids or "").split(";"):
        if not source_id:
            continue
        url = safe_url(urls.get(source_id))
        label = escape(source_id)
        parts.append(
            f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{label}</a>'
            if url
            else label
        )
    return ", ".join(parts)


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


def add_area_counts(
    layer: folium.plugins.MarkerCluster, aggregates: pd.DataFrame, lang: str
) -> None:
    for row in aggregates.itertuples():
        label = t("area_count", lang, n=format_count(row.count, lang), area=row.name)
        folium.CircleMarker(
            (row.lat, row.lon),
            radius=min(4 + math.sqrt(row.count) / 2, 30),
            color="#444",
            weight=1,
            fill=True,
            fill_color="#e4572e",
            fill_opacity=0.7,
            class_name=AGGREGATE_CLASS,
            tooltip=folium.Tooltip(escape(label)),
        ).add_to(layer)


def use_local_assets(m: folium.Map) -> folium.Map:
    """Point every script and stylesheet folium would link at our own static files."""

    def walk(element):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    for element in walk(m):
        if hasattr(element, "default_js"):
            element.default_js = [(n, LOCAL_JS[n]) for n, _ in element.default_js if n in LOCAL_JS]
        if hasattr(element, "default_css"):
            element.default_css = [
                (n, LOCAL_CSS[n]) for n, _ in element.default_css if n in LOCAL_CSS
            ]
    return m


def build_map(
    *,
    barrios: gpd.GeoDataFrame,
    comunas: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame | None,
    entities: pd.DataFrame,
    sources: pd.DataFrame,
    sector_labels: Mapping[str, str],
    staff_labels: Mapping[str, str],
    funding_labels: Mapping[str, str],
    barrio_values: pd.Series,
    metric: str,
    lang: str,
    selected_barrios: Iterable[str] = (),
    colors: Mapping[str, str] | None = None,
) -> folium.Map:
    """The whole map for one view.

    ``entities`` is the filtered, located frame; ``barrio_values`` maps barrio
    code to the chosen metric; the ``*_labels`` map entity ids to display text.
    """
    m = folium.Map(location=MEDELLIN_CENTER, zoom_start=12, tiles=None, control_scale=True)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False, opacity=0.6).add_to(m)
    _Html(_ATTRIBUTION, text=GEOMETRY_ATTRIBUTION).add_to(m)

    breaks = class_breaks(barrio_values)
    selected = set(selected_barrios)
    folium.GeoJson(
        _barrio_features(barrios, barrio_values, metric, lang, breaks),
        name=t("layer_barrios", lang),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.65,
            "color": "#1f1f1f" if f["properties"]["code"] in selected else "#7f7f7f",
            "weight": 2.5 if f["properties"]["code"] in selected else 0.6,
        },
        highlight_function=lambda f: {"weight": 2, "color": "#222"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "comuna_name", "value"],
            aliases=[
                escape(t("tooltip_barrio", lang)),
                escape(t("tooltip_comuna", lang)),
                escape(t("metric_" + metric, lang)),
            ],
            sticky=True,
        ),
    ).add_to(m)

    folium.GeoJson(
        json.loads(comunas[["code", "geometry"]].to_json(drop_id=True)),
        name=t("layer_comunas", lang),
        style_function=lambda f: {
            "fill": False,
            "color": "#333",
            "weight": 1.4,
            "interactive": False,
        },
    ).add_to(m)

    sevilla = barrios[barrios["code"] == SEVILLA_CODE]
    if not sevilla.empty:
        highlight = folium.FeatureGroup(name=t("layer_sevilla", lang))
        folium.GeoJson(
            json.loads(sevilla[["code", "geometry"]].to_json(drop_id=True)),
            style_function=lambda f: {
                "className": SEVILLA_CLASS,
                "color": "#d7263d",
                "weight": 4,
                "fillColor": "#ffd166",
                "fillOpacity": 0.45,
                "interactive": False,
            },
        ).add_to(highlight)
        label_point = sevilla.geometry.iloc[0].representative_point()
        # A ring wider than a marker cluster, so Sevilla stays visible under Ruta N's markers.
        halo = folium.CircleMarker(
            (label_point.y, label_point.x),
            radius=26,
            color="#d7263d",
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
            icon=folium.DivIcon(
                html=(
                    '<div class="medmap-sevilla-label" style="font:bold 12px sans-serif;'
                    "color:#7a0010;background:rgba(255,255,255,.85);padding:1px 4px;"
                    'border-radius:3px;white-space:nowrap;transform:translate(30px,-50%)">'
                    f"{escape(t('sevilla_label', lang))}</div>"
                ),
                icon_size=(0, 0),
            ),
            interactive=False,
        ).add_to(highlight)
        highlight.add_to(m)

    colors = dict(colors or sector_colors(entities["sector"].dropna()))
    located = entities[entities.geometry.notna()]
    company_points = located["kind"] == "company"
    aggregated = int(company_points.sum()) > MAX_INDIVIDUAL_MARKERS
    if aggregated:
        # Too many offices to draw one by one: one counted marker per area, drawn below.
        aggregates = aggregate_by_area(located[company_points], barrios, comunas)
        located = located[~company_points]
    institutions = folium.FeatureGroup(name=t("layer_institutions", lang))
    companies_group = folium.FeatureGroup(name=t("layer_companies", lang))
    cluster = folium.plugins.MarkerCluster(
        options={"maxClusterRadius": 30, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False}
    ).add_to(companies_group)
    for _, row in located.iterrows():
        popup = entity_popup(
            row,
            sector_labels.get(row["sector"], row["sector"] or ""),
            staff_labels.get(row["entity_id"], t("not_reported", lang)),
            funding_labels.get(row["entity_id"], t("not_reported", lang)),
            sources_links(row["sources"], sources),
            lang,
        )
        approx = bool(row["approximate"])
        tooltip = escape(row["name"]) + (
            f" <i>({escape(t('precision_' + row['location_precision'], lang))})</i>"
            if approx
            else ""
        )
        point = (row.geometry.y, row.geometry.x)
        if row["kind"] == "institution":
            border = "dashed" if approx else "solid"
            folium.Marker(
                point,
                icon=folium.DivIcon(
                    html=(
                        f'<div class="{INSTITUTION_CLASS}{" " + APPROX_CLASS if approx else ""}" '
                        f'style="width:14px;height:14px;background:#2b2d42;border:2px {border} #fff;'
                        'transform:rotate(45deg);box-shadow:0 0 2px #000"></div>'
                    ),
                    icon_size=(14, 14),
                    icon_anchor=(7, 7),
                ),
                tooltip=folium.Tooltip(tooltip),
                popup=folium.Popup(popup, max_width=340),
            ).add_to(institutions)
        else:
            color = colors.get(row["sector"], "#444")
            folium.CircleMarker(
                point,
                radius=7,
                color=color,
                weight=2,
                fill=True,
                fill_color=color,
                fill_opacity=0.15 if approx else 0.85,
                dash_array="3 3" if approx else None,
                class_name=f"{COMPANY_CLASS}{' ' + APPROX_CLASS if approx else ''}",
                tooltip=folium.Tooltip(tooltip),
                popup=folium.Popup(popup, max_width=340),
            ).add_to(cluster)
    if aggregated:
        add_area_counts(cluster, aggregates, lang)
    institutions.add_to(m)
    companies_group.add_to(m)

    if stations is not None:
        metro = folium.FeatureGroup(name=t("layer_metro", lang), show=False)
        for _, station in stations.iterrows():
            folium.CircleMarker(
                (station.geometry.y, station.geometry.x),
                radius=3,
                color="#555",
                weight=1,
                fill=True,
                fill_opacity=0.9,
                tooltip=folium.Tooltip(f"{escape(station['name'])} · {escape(station['line'])}"),
            ).add_to(metro)
        metro.add_to(m)

    _Html(_LEGEND, html=legend_html(metric, breaks, lang)).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    # Open on the urban comunas (the corregimientos are mostly rural), or on the chosen barrios.
    focus = (
        barrios[barrios["code"].isin(selected)]
        if selected
        else barrios[barrios["comuna_code"] < "50"]
    )
    minx, miny, maxx, maxy = focus.total_bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return use_local_assets(m)
