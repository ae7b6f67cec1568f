"""Build the folium map: barrios choropleth, Sevilla highlight, markers, layers.

Everything from data is HTML-escaped here before it reaches Leaflet, which
inserts tooltip and popup strings as HTML inside the map iframe.
"""

from __future__ import annotations

import hashlib
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
                "tooltip": escape(label),
            }
        )
    return markers


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


def default_bounds(barrios: gpd.GeoDataFrame, selected: Iterable[str] = ()) -> list[list[float]]:
    """The chosen barrios, or else the urban comunas (the corregimientos are mostly rural)."""
    focus = barrios[barrios["code"].isin(set(selected))]
    if focus.empty:
        focus = barrios[barrios["comuna_code"] < "50"]
    minx, miny, maxx, maxy = focus.total_bounds
    return [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> (no closing tag, no HTML-significant characters)."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class BarrioLayer(folium.map.Layer):
    """Barrio polygons fetched from a static URL and restyled in the browser per view.

    The shapes are the same for every view, so they travel once per browser (cached),
    while each rerun sends only the per-barrio colours and labels (``ViewState``).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var map = {{ this._parent.get_name() }};
  var text = {{ this.text_json }};
  var view = {values: {}, selected: [], metric: "", empty: "", legend: "", focus: null};
  var lastFocus = null;
  function style(feature) {
    var entry = view.values[feature.properties.code];
    var chosen = view.selected.indexOf(feature.properties.code) >= 0;
    return {fillColor: entry ? entry[0] : text.noValue, fillOpacity: 0.65,
            color: chosen ? "#1f1f1f" : "#7f7f7f", weight: chosen ? 2.5 : 0.6};
  }
  function line(label, value) {
    var row = document.createElement("div"), key = document.createElement("b");
    key.textContent = label + ": ";
    row.appendChild(key);
    row.appendChild(document.createTextNode(value));
    return row;
  }
  function tooltip(layer) {
    var p = layer.feature.properties, entry = view.values[p.code];
    var box = document.createElement("div");
    box.appendChild(line(text.barrio, p.name));
    box.appendChild(line(text.comuna, p.comuna_name || ""));
    box.appendChild(line(view.metric, entry ? entry[1] : view.empty));
    return box;
  }
  var layer = L.geoJson(null, {
    style: style,
    onEachFeature: function (feature, part) {
      part.bindTooltip(tooltip, {sticky: true});
      part.on("mouseover", function () { part.setStyle({weight: 2, color: "#222"}); });
      part.on("mouseout", function () { layer.resetStyle(part); });
    }
  }).addTo(map);
  var legend = L.control({position: "bottomright"});
  var legendBox = L.DomUtil.create("div", "medmap-legend");
  legendBox.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;font:12px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)";
  legend.onAdd = function () { return legendBox; };
  legend.addTo(map);
  // Each rerun's view (colours, labels, legend, focus) arrives through this call.
  window.medmapView = function (next) {
    view = next;
    layer.setStyle(style);
    legendBox.innerHTML = next.legend;  // built and escaped on the server
    var focus = JSON.stringify(next.focus);
    if (focus !== lastFocus) {
      lastFocus = focus;
      map.fitBounds(next.focus);
    }
    window.medmapViewToken = next.token;
  };
  fetch({{ this.url_json }})
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (shapes) {
      layer.addData(shapes);
      // Drawn last but belongs underneath: Sevilla's highlight and the markers stay on top.
      layer.bringToBack();
    })
    .catch(function (err) {
      console.error("medmap: barrio shapes", err);
      legendBox.textContent = text.failed;
    });
  return layer;
})();
{% endmacro %}
"""
    )

    def __init__(self, url: str, lang: str):
        super().__init__(name=t("layer_barrios", lang), overlay=True)
        self._name = "BarrioLayer"
        self.url_json = _script_json(url)
        self.text_json = _script_json(
            {
                "barrio": t("tooltip_barrio", lang),
                "comuna": t("tooltip_comuna", lang),
                "noValue": NO_VALUE_COLOR,
                "failed": t("map_shapes_failed", lang),
            }
        )


class OutlineLayer(folium.map.Layer):
    """Static outlines (the comunas) fetched from a static URL, not interactive."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson(null, {
  interactive: false,
  style: {fill: false, color: "#333", weight: 1.4}
}).addTo({{ this._parent.get_name() }});
fetch({{ this.url_json }})
  .then(function (response) { return response.ok ? response.json() : null; })
  .then(function (shapes) { if (shapes) { {{ this.get_name() }}.addData(shapes); } });
{% endmacro %}
"""
    )

    def __init__(self, url: str, name: str):
        super().__init__(name=name, overlay=True)
        self._name = "OutlineLayer"
        self.url_json = _script_json(url)


class ViewState(MacroElement):
    """Hands one view's barrio colours, labels, legend and focus to ``BarrioLayer``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
if (window.medmapView) { window.medmapView({{ this.state_json }}); }
{% endmacro %}
"""
    )

    def __init__(self, state: dict):
        super().__init__()
        self._name = "ViewState"
        self.state_json = _script_json(state)


class StationsLayer(folium.map.Layer):
    """Metro stations fetched from a static URL; off until chosen in the layer control."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson(null, {
  pointToLayer: function (feature, latlng) {
    return L.circleMarker(latlng, {radius: 3, color: "#555", weight: 1, fillOpacity: 0.9});
  },
  onEachFeature: function (feature, part) {
    part.bindTooltip(function () {
      var box = document.createElement("span");
      box.textContent = feature.properties.name + " · " + feature.properties.line;
      return box;
    }, {sticky: true});
  }
});
fetch({{ this.url_json }})
  .then(function (response) { return response.ok ? response.json() : null; })
  .then(function (shapes) { if (shapes) { {{ this.get_name() }}.addData(shapes); } });
{% endmacro %}
"""
    )

    def __init__(self, url: str, name: str):
        # show=True keeps the layer control from removing it again on every filter
        # change (it is re-added then); render() below keeps it off the map instead.
        super().__init__(name=name, overlay=True, show=True)
        self._name = "StationsLayer"
        self.url_json = _script_json(url)

    def render(self, **kwargs):
        # Skip folium's Layer.render, which would add the layer to the map.
        MacroElement.render(self, **kwargs)


class MarkerLayer(MacroElement):
    """Markers from one JSON list, built in the browser into the parent layer.

    One template for all markers: folium's one element per marker compiles a Jinja
    template each, which cost most of a rerun. Tooltip and popup strings arrive
    already escaped (``escape``); Leaflet inserts them as HTML.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (target, markers) {
  markers.forEach(function (m) {
    var marker = m.icon
      ? L.marker([m.lat, m.lon], {icon: L.divIcon({html: m.icon, className: "medmap-icon",
                                                   iconSize: [14, 14], iconAnchor: [7, 7]})})
      : L.circleMarker([m.lat, m.lon], m.style);
    if (m.tooltip) { marker.bindTooltip(m.tooltip, {sticky: true}); }
    if (m.popup) { marker.bindPopup(m.popup, {maxWidth: 340}); }
    target.addLayer(marker);
  });
})({{ this._parent.get_name() }}, {{ this.markers_json }});
{% endmacro %}
"""
    )

    def __init__(self, markers: list[dict]):
        super().__init__()
        self._name = "MarkerLayer"
        self.markers_json = _script_json(markers)


# --- issue #15: release what the previous in-place update left behind ---------------------
class ReleasePreviousView(MacroElement):
    """First script of every in-place update: drops what the previous update left behind.

    streamlit-folium evaluates each update's feature groups in the map iframe after
    removing the previous ones from the map, yet every update stayed reachable: +82 kB
    of JS heap after GC and one ``<style>`` per filter change (issue #15). Upstream
    causes, worked around here (README, "Long-lived pages"); each of the first two alone
    keeps every old view (markers, tooltips, popups) alive:

    - streamlit-folium 0.27: ``window.feature_group`` gets every update's groups pushed
      and is never emptied;
    - Leaflet 1.9.3: a collapsed ``L.control.layers`` adds ``map.on("click", collapse)``
      and its ``onRemove`` never takes it off, so each removed control (its DOM and the
      layers it lists) stays reachable from the map;
    - streamlit-component-lib 2.0: every render message appends a theme ``<style>``
      (``:root {--primary-color: ...}``) to the iframe's ``<head>``; only the newest counts.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  // The previous layer control, already removed from the map: take its listener off.
  var map = window.map, control = window.layer_control;
  if (map && control && control.collapse) { map.off("click", control.collapse, control); }
  // The previous groups, already removed from the map: forget them.
  if (window.feature_group) { window.feature_group.length = 0; }
  // Keep only the newest theme <style> (appended just before this update was evaluated).
  var themes = [].filter.call(document.head.getElementsByTagName("style"), function (s) {
    return /^\\s*:root\\s*\\{\\s*--primary-color:/.test(s.textContent);
  });
  themes.slice(0, -1).forEach(function (s) { s.remove(); });
})();
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "ReleasePreviousView"


# --- end of issue #15 block ------------------------------------------------------------------


def view_state(
    *,
    barrio_values: pd.Series,
    metric: str,
    lang: str,
    selected_barrios: Iterable[str],
    focus: list[list[float]],
    token: str,
) -> dict:
    """Per-barrio colour and label for the barrios that have a value, legend and focus."""
    breaks = class_breaks(barrio_values)
    present = barrio_values[barrio_values.notna() & (barrio_values != 0)]
    return {
        "values": {
            str(code): [color_for(value, breaks), format_metric(metric, value, lang)]
            for code, value in present.items()
        },
        "empty": format_metric(metric, None, lang),
        "metric": t("metric_" + metric, lang),
        "selected": sorted(set(selected_barrios)),
        "legend": legend_html(metric, breaks, lang),
        "focus": focus,
        "token": token,
    }


def build_base_map(
    *,
    barrios: gpd.GeoDataFrame,
    barrios_url: str,
    comunas_url: str,
    stations_url: str | None,
    lang: str,
) -> folium.Map:
    """What stays the same across filters: tiles, shapes, Sevilla, metro, attribution.

    Its script (and so streamlit-folium's component key) changes only with the
    language, so a filter change updates the map in place instead of remounting it.
    """
    m = folium.Map(location=MEDELLIN_CENTER, zoom_start=12, tiles=None, control_scale=True)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False, opacity=0.6).add_to(m)
    _Html(_ATTRIBUTION, text=GEOMETRY_ATTRIBUTION).add_to(m)
    BarrioLayer(barrios_url, lang).add_to(m)
    OutlineLayer(comunas_url, t("layer_comunas", lang)).add_to(m)
    sevilla = barrios[barrios["code"] == SEVILLA_CODE]
    if not sevilla.empty:
        _sevilla_highlight(sevilla, lang).add_to(m)
    if stations_url is not None:
        StationsLayer(stations_url, t("layer_metro", lang)).add_to(m)
    m.fit_bounds(default_bounds(barrios))
    return use_local_assets(m)


def _sevilla_highlight(sevilla: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
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
    return highlight


def build_view_layers(
    *,
    barrios: gpd.GeoDataFrame,
    comunas: gpd.GeoDataFrame,
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
) -> list[folium.FeatureGroup]:
    """What changes with the filters: markers, and the view state of the barrio layer.

    ``entities`` is the filtered, located frame; ``barrio_values`` maps barrio
    code to the chosen metric; the ``*_labels`` map entity ids to display text.
    """
    colors = dict(colors or sector_colors(entities["sector"].dropna()))
    has_point = entities.geometry.notna()
    located = entities if has_point.all() else entities[has_point]
    company_points = located["kind"] == "company"
    aggregated = int(company_points.sum()) > MAX_INDIVIDUAL_MARKERS
    if aggregated:
        # Too many offices to draw one by one: one counted marker per area, drawn below.
        codes = located.loc[company_points, ["barrio_code", "comuna_code"]]
        aggregates = aggregate_by_area(codes, barrios, comunas)
        located = located[~company_points]
    institution_markers, company_markers = [], []
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
        marker = {
            "lat": round(row.geometry.y, 6),
            "lon": round(row.geometry.x, 6),
            "tooltip": tooltip,
            "popup": popup,
        }
        if row["kind"] == "institution":
            border = "dashed" if approx else "solid"
            marker["icon"] = (
                f'<div class="{INSTITUTION_CLASS}{" " + APPROX_CLASS if approx else ""}" '
                f'style="width:14px;height:14px;background:#2b2d42;border:2px {border} #fff;'
                'transform:rotate(45deg);box-shadow:0 0 2px #000"></div>'
            )
            institution_markers.append(marker)
        else:
            color = colors.get(row["sector"], "#444")
            marker["style"] = {
                "radius": 7,
                "color": color,
                "weight": 2,
                "fillColor": color,
                "fillOpacity": 0.15 if approx else 0.85,
                "dashArray": "3 3" if approx else None,
                "className": f"{COMPANY_CLASS}{' ' + APPROX_CLASS if approx else ''}",
            }
            company_markers.append(marker)
    if aggregated:
        company_markers += area_count_markers(aggregates, lang)
    institutions = folium.FeatureGroup(name=t("layer_institutions", lang))
    # First: it runs before this update's groups and layer control exist (issue #15).
    ReleasePreviousView().add_to(institutions)
    MarkerLayer(institution_markers).add_to(institutions)
    companies_group = folium.FeatureGroup(name=t("layer_companies", lang))
    cluster = folium.plugins.MarkerCluster(
        options={"maxClusterRadius": 30, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False}
    ).add_to(companies_group)
    MarkerLayer(company_markers).add_to(cluster)

    selected = sorted(set(selected_barrios))
    token = hashlib.sha256(
        json.dumps([sorted(entities["entity_id"]), metric, selected, lang]).encode()
    ).hexdigest()[:16]
    ViewState(
        view_state(
            barrio_values=barrio_values,
            metric=metric,
            lang=lang,
            selected_barrios=selected,
            focus=default_bounds(barrios, selected),
            token=token,
        )
    ).add_to(institutions)
    return [use_local_assets(institutions), use_local_assets(companies_group)]
