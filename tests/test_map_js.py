"""medmap's map script (``js/medmap-map.js``) tested as JavaScript, in Chromium, on its own.

A blank page loads Leaflet and the script from the package; shapes are served by a
route, so each layer's behaviour is checked without Streamlit or folium.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xstatic.pkg.leaflet as xs_leaflet

from medmap.assets import MAP_JS

pytestmark = pytest.mark.browser

ORIGIN = "http://127.0.0.1:9"  # routed below: nothing is fetched from the network
SQUARE = [[-75.6, 6.2], [-75.59, 6.2], [-75.59, 6.21], [-75.6, 6.21], [-75.6, 6.2]]
SHAPES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name, "comuna_name": "C"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x + dx, y] for x, y in SQUARE]],
            },
        }
        for code, name, dx in (("A", "<img src=x onerror=alert(1)>", 0), ("B", "Beta", 0.02))
    ],
}
TEXT = {
    "barrio": "Barrio",
    "comuna": "Comuna",
    "noValue": "#f7f7f7",
    "fillOpacity": 0.65,
    "chosen": "#000000",
    "failed": "failed",
}


@pytest.fixture
def map_page(page):
    def fulfil(route):
        if route.request.url.endswith("/shapes.json"):
            route.fulfill(json=SHAPES)
        else:
            route.fulfill(content_type="text/html", body='<div id="m" style="height:400px"></div>')

    page.route(f"{ORIGIN}/**", fulfil)
    page.goto(f"{ORIGIN}/")
    page.add_style_tag(path=str(Path(xs_leaflet.BASE_DIR) / "leaflet.css"))
    page.add_script_tag(path=str(Path(xs_leaflet.BASE_DIR) / "leaflet.js"))
    page.add_script_tag(path=str(MAP_JS))
    page.evaluate("() => { window.map = L.map('m').setView([6.205, -75.59], 13); }")
    return page


def state(**changes) -> dict:
    view = {
        "level": "barrio",
        "values": {"A": ["#ff0000", "5"]},
        "selected": ["A"],
        "metric": "Entities",
        "empty": "0",
        "legend": "<b>Legend</b>",
        "focus": [[6.2, -75.6], [6.21, -75.57]],
        "token": "view-1",
        "unplaced": {"city": [], "outside": []},
    }
    return {**view, **changes}


def styles(page, layer: str) -> dict:
    return page.evaluate(
        f"() => Object.fromEntries({layer}.getLayers().map((p) => [p.feature.properties.code,"
        " [p.options.fillColor || null, p.options.fillOpacity, p.options.weight]]))"
    )


def build(page, *calls: str) -> None:
    text = json.dumps(TEXT)
    page.evaluate("() => {" + "".join(c.replace("TEXT", text) for c in calls) + "}")


def test_area_layers_draw_fetched_shapes_and_follow_each_view(map_page):
    build(
        map_page,
        "window.barrios = medmap.areaLayer(map, '/shapes.json', TEXT, 'barrio');",
        "window.comunas = medmap.areaLayer(map, '/shapes.json', TEXT, 'comuna');",
        "medmap.legendControl(map, TEXT);",
    )
    map_page.wait_for_function(
        "() => barrios.getLayers().length === 2 && comunas.getLayers().length === 2"
    )
    map_page.evaluate(f"() => medmap.setView({json.dumps(state())})")
    assert styles(map_page, "barrios") == {"A": ["#ff0000", 0.65, 2.5], "B": ["#f7f7f7", 0.65, 0.6]}
    assert [v[1] for v in styles(map_page, "comunas").values()] == [0, 0]  # lines only
    assert map_page.evaluate("() => document.documentElement.dataset.medmapView") == "view-1"
    assert map_page.locator(".medmap-legend b").inner_text() == "Legend"
    # Coloured by comuna: the comunas fill, the barrios keep a transparent, clickable fill.
    map_page.evaluate(f"() => medmap.setView({json.dumps(state(level='comuna', token='v2'))})")
    assert styles(map_page, "comunas")["A"] == ["#ff0000", 0.65, 1.4]
    assert [v[1] for v in styles(map_page, "barrios").values()] == [0, 0]
    assert map_page.evaluate("() => barrios.getLayers()[0].options.fill") is True


def test_a_barrio_name_from_data_is_text_in_its_tooltip(map_page):
    build(map_page, "window.barrios = medmap.areaLayer(map, '/shapes.json', TEXT, 'barrio');")
    map_page.wait_for_function("() => barrios.getLayers().length === 2")
    map_page.evaluate(f"() => medmap.setView({json.dumps(state())})")
    map_page.evaluate(
        "() => { const a = barrios.getLayers().find((p) => p.feature.properties.code === 'A');"
        " a.openTooltip(a.getBounds().getCenter()); }"
    )
    tooltip = map_page.locator(".leaflet-tooltip")
    assert "<img src=x onerror=alert(1)>" in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0 and "Entities: 5" in tooltip.inner_text()


def test_a_failed_shapes_fetch_says_so_in_the_legend(map_page):
    build(
        map_page,
        "window.barrios = medmap.areaLayer(map, '/missing.json', TEXT, 'barrio');",
        "medmap.legendControl(map, TEXT);",
    )
    map_page.locator(".medmap-legend").filter(has_text="failed").wait_for()
    assert map_page.evaluate("() => barrios.getLayers().length") == 0


def test_the_unplaced_box_lists_each_group_on_demand(map_page):
    text = {"title": "Not on the map", "city": "In Medellín", "outside": "Outside"}
    map_page.evaluate(f"() => medmap.unplacedControl(map, {json.dumps(text)})")
    unplaced = {
        "city": [{"name": "<b>Acme</b>", "sector": "AI", "reason": "only Medellín"}],
        "outside": [],
    }
    map_page.evaluate(f"() => medmap.setView({json.dumps(state(unplaced=unplaced))})")
    city = map_page.locator('button[data-group="city"]')
    assert city.inner_text() == "In Medellín: 1"
    assert map_page.locator('button[data-group="outside"]').inner_text() == "Outside: 0"
    assert city.get_attribute("aria-expanded") == "false"
    city.click()
    city = map_page.locator('button[data-group="city"]')
    assert city.get_attribute("aria-expanded") == "true"
    item = map_page.locator("#medmap-unplaced-city li")
    assert item.inner_text() == "<b>Acme</b> · AI · only Medellín"  # data as text, not markup
    # The open list stays open when the next view arrives, with the new rows.
    unplaced["city"].append({"name": "Beta", "sector": "x", "reason": "y"})
    map_page.evaluate(f"() => medmap.setView({json.dumps(state(unplaced=unplaced))})")
    assert map_page.locator("#medmap-unplaced-city li").count() == 2


def test_markers_are_built_from_one_payload(map_page):
    markers = [
        {"lat": 6.205, "lon": -75.595, "tooltip": "<b>One</b>", "popup": "p1", "style": {}},
        {"lat": 6.206, "lon": -75.596, "icon": '<div class="x"></div>', "tooltip": "Two"},
    ]
    count = map_page.evaluate(
        f"() => {{ const g = L.featureGroup().addTo(map);"
        f" medmap.addMarkers(g, {json.dumps(markers)}); return g.getLayers().length; }}"
    )
    assert count == 2
    assert map_page.locator(".leaflet-marker-pane .medmap-icon .x").count() == 1


def test_stations_wait_for_the_layer_control(map_page):
    on_map = map_page.evaluate(
        "() => { window.stations = medmap.stationsLayer('/shapes.json');"
        " return map.hasLayer(stations); }"
    )
    assert on_map is False
    map_page.wait_for_function("() => stations.getLayers().length === 2")


def test_the_layer_control_works_from_the_keyboard_and_comes_before_the_markers(map_page):
    map_page.evaluate(
        """() => {
            L.marker([6.205, -75.59]).addTo(map);  // focusable, like medmap's institutions
            medmap.controlsFirst(map);
            L.control.layers(null, {"A": L.layerGroup().addTo(map)}, {collapsed: true}).addTo(map);
        }"""
    )
    # Tab from the map: the controls come before the marker.
    map_page.locator(".leaflet-container").focus()
    focused = []
    for _ in range(8):
        map_page.keyboard.press("Tab")
        focused.append(map_page.evaluate("() => document.activeElement.className"))
    toggle = next(i for i, c in enumerate(focused) if "leaflet-control-layers-toggle" in c)
    marker = next(i for i, c in enumerate(focused) if "leaflet-marker-icon" in c)
    assert toggle < marker, focused
    control = map_page.locator(".leaflet-control-layers")
    # Enter opens the list and moves focus into it; Space toggles the layer.
    map_page.locator(".leaflet-control-layers-toggle").focus()
    map_page.keyboard.press("Enter")
    assert "leaflet-control-layers-expanded" in control.get_attribute("class")
    checkbox = control.locator("input")
    assert checkbox.evaluate("(e) => e === document.activeElement")
    map_page.keyboard.press("Space")
    assert not checkbox.is_checked()
    # Escape closes it and gives focus back to the toggle; tabbing out closes it too.
    map_page.keyboard.press("Escape")
    assert "leaflet-control-layers-expanded" not in control.get_attribute("class")
    assert map_page.evaluate("() => document.activeElement.className").startswith(
        "leaflet-control-layers-toggle"
    )
    map_page.keyboard.press(" ")
    map_page.keyboard.press("Tab")
    assert "leaflet-control-layers-expanded" not in control.get_attribute("class")


def test_releasing_the_previous_view_drops_what_upstream_keeps(map_page):
    released = map_page.evaluate(
        """() => {
      for (const color of ["#111", "#222", "#333"]) {
        const style = document.createElement("style");
        style.textContent = `:root {--primary-color: ${color};}`;
        document.head.appendChild(style);
      }
      window.feature_group = [L.featureGroup(), L.featureGroup()];
      window.layer_control = L.control.layers({}, {}, {collapsed: true}).addTo(map);
      const before = map.listens("click");
      medmap.releasePreviousView();
      const themes = [...document.head.querySelectorAll("style")]
        .filter((s) => s.textContent.includes("--primary-color"));
      return {before, after: map.listens("click"), groups: window.feature_group.length,
              themes: themes.map((s) => s.textContent)};
    }"""
    )
    assert released["before"] is True and released["after"] is False
    assert released["groups"] == 0
    assert released["themes"] == [":root {--primary-color: #333;}"]  # the newest only
