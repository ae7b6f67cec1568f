"""The map's Leaflet elements: folium elements that call medmap's layers in ``js/medmap-map.js``.

Each element renders one call with JSON arguments into folium's script; the
JavaScript itself lives in the ``.js`` file, served from static/ with Leaflet
(:mod:`medmap.assets`), so the map never depends on a third-party host.
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from medmap.assets import LOCAL_CSS, LOCAL_JS
from medmap.escaping import script_json


class MapScripts(JSCSSMixin):
    """Links ``medmap-map.js`` into the map's page, after Leaflet's own scripts.

    Added to the base map before the layers that call it; streamlit-folium loads the
    base map's links in order, before running the map's script.
    """

    default_js = [("medmap_map", LOCAL_JS["medmap_map"])]
    _template = Template("")

    def __init__(self):
        super().__init__()
        self._name = "MapScripts"


class Attribution(MacroElement):
    """A line of attribution in the map's corner (plain text)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
{% endmacro %}
"""
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text_json = script_json(text)


class AreaLayer(folium.map.Layer):
    """Barrio or comuna polygons fetched from a static URL and coloured in the browser per view.

    The shapes are the same for every view, so they travel once per browser (cached),
    while each rerun sends only the per-area colours and labels (``ViewState``).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = medmap.areaLayer(
  {{ this._parent.get_name() }}, {{ this.url_json }}, {{ this.text_json }}, {{ this.level_json }});
{% endmacro %}
"""
    )

    def __init__(self, url: str, name: str, text: dict[str, str], level: str):
        super().__init__(name=name, overlay=True)
        self._name = "AreaLayer"
        self.url_json = script_json(url)
        self.text_json = script_json(text)
        self.level_json = script_json(level)


class _Control(MacroElement):
    """A medmap control on the map, built by ``medmap.<function>(map, text)``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
medmap[{{ this.function_json }}]({{ this._parent.get_name() }}, {{ this.text_json }});
{% endmacro %}
"""
    )

    def __init__(self, function: str, text: dict[str, str]):
        super().__init__()
        self._name = "MedmapControl"
        self.function_json = script_json(function)
        self.text_json = script_json(text)


class LegendControl(_Control):
    """The choropleth's legend (per view) and the view's focus."""

    def __init__(self, text: dict[str, str]):
        super().__init__("legendControl", text)


class UnplacedControl(_Control):
    """The entities of the view with no map point, listed from a control on the map."""

    def __init__(self, text: dict[str, str]):
        super().__init__("unplacedControl", text)


class FrameLabel(_Control):
    """The map iframe's accessible name (Streamlit titles it with the component's name)."""

    def __init__(self, label: str):
        super().__init__("labelFrame", {"label": label})


class ControlsFirst(_Control):
    """The map's controls before its markers in the tab order (Leaflet puts them after)."""

    def __init__(self):
        super().__init__("controlsFirst", {})


class StationsLayer(folium.map.Layer):
    """Metro stations fetched from a static URL; off until chosen in the layer control."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = medmap.stationsLayer({{ this.url_json }});
{% endmacro %}
"""
    )

    def __init__(self, url: str, name: str):
        # show=True keeps the layer control from removing it again on every filter
        # change (it is re-added then); render() below keeps it off the map instead.
        super().__init__(name=name, overlay=True, show=True)
        self._name = "StationsLayer"
        self.url_json = script_json(url)

    def render(self, **kwargs):
        # Skip folium's Layer.render, which would add the layer to the map.
        MacroElement.render(self, **kwargs)


class ViewState(MacroElement):
    """Hands one view (area colours and labels, legend, focus, unplaced entities) to the map."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
medmap.setView({{ this.state_json }});
{% endmacro %}
"""
    )

    def __init__(self, state: dict):
        super().__init__()
        self._name = "ViewState"
        self.state_json = script_json(state)


class ReleasePreviousView(MacroElement):
    """First script of every in-place update: drops what the previous update left reachable
    (upstream causes in ``medmap.releasePreviousView`` and README, "Long-lived pages")."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
medmap.releasePreviousView();
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "ReleasePreviousView"


class MarkerLayer(MacroElement):
    """Markers from one JSON list, built in the browser into the parent layer.

    One template for all markers: folium's one element per marker compiles a Jinja
    template each, which cost most of a rerun. Tooltip and popup strings arrive
    already escaped (:mod:`medmap.popups`); Leaflet inserts them as HTML.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
medmap.addMarkers({{ this._parent.get_name() }}, {{ this.markers_json }});
{% endmacro %}
"""
    )

    def __init__(self, markers: list[dict]):
        super().__init__()
        self._name = "MarkerLayer"
        self.markers_json = script_json(markers)


def use_local_assets(m: folium.Element) -> folium.Element:
    """Point every script and stylesheet folium would link at our own static files."""

    def walk(element):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    linked: set[str] = set()  # several of folium's names point at the one bundle: link it once
    for element in walk(m):
        if hasattr(element, "default_js"):
            kept = []
            for name, _ in element.default_js:
                url = LOCAL_JS.get(name)
                if url is not None and url not in linked:
                    kept.append((name, url))
                    linked.add(url)
            element.default_js = kept
        if hasattr(element, "default_css"):
            element.default_css = [
                (n, LOCAL_CSS[n]) for n, _ in element.default_css if n in LOCAL_CSS
            ]
    return m
