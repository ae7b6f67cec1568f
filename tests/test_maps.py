"""Map building: escaping, local assets, Sevilla, markers."""

from __future__ import annotations

import re

import folium

from medmap.assets import STATIC_URL, install_static_assets
from medmap.data import load_dataset
from medmap.filters import Filters, filter_entities, per_area
from medmap.geo import load_barrios, load_comunas, load_metro_stations, locate_entities
from medmap.maps import (
    APPROX_CLASS,
    COMPANY_CLASS,
    SEVILLA_CLASS,
    build_base_map,
    build_view_layers,
    class_breaks,
    color_for,
    escape,
    safe_url,
    sources_links,
)
from tests.conftest import ROOT

BARRIOS = load_barrios(ROOT / "geo")
COMUNAS = load_comunas(ROOT / "geo")
STATIONS = load_metro_stations(ROOT / "geo")
DATASET = load_dataset(ROOT / "data", BARRIOS["code"], COMUNAS["code"])
LOCATED = locate_entities(DATASET.entities, BARRIOS, COMUNAS)


def render(entities=LOCATED, lang="en", metric="entities", selected=()):
    """The base map with one view's layers on it (what the Map page shows), rendered whole."""
    m = build_base_map(
        barrios=BARRIOS,
        barrios_url="/app/static/geo/barrios.json",
        comunas_url="/app/static/geo/comunas.json",
        stations_url="/app/static/geo/stations.json",
        lang=lang,
    )
    view_layers = build_view_layers(
        barrios=BARRIOS,
        comunas=COMUNAS,
        entities=entities,
        sources=DATASET.sources,
        sector_labels={},
        staff_labels={},
        funding_labels={},
        barrio_values=per_area(entities, DATASET.staff, DATASET.funding)[metric],
        metric=metric,
        lang=lang,
        selected_barrios=selected,
    )
    for layer in view_layers:
        layer.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m, m.get_root().render()


def test_escape_neutralises_html_and_js_template_literals():
    hostile = "<img src=x onerror=alert(1)>`${alert(2)}`\\"
    out = escape(hostile)
    assert "<" not in out and "`" not in out and "${" not in out and "\\" not in out
    assert escape(None) == ""


def test_only_http_urls_become_links():
    assert safe_url("https://example.org") == "https://example.org"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(None) is None
    import pandas as pd

    sources = pd.DataFrame(
        {"source_id": ["X1", "X2"], "url": ["javascript:alert(1)", "https://a.org/?q=<b>"]}
    )
    links = sources_links("X1;X2", sources)
    assert links.count("href") == 1
    assert 'href="https://a.org/?q=&lt;b&gt;"' in links


def test_map_links_no_third_party_script_or_stylesheet():
    m, html = render()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert scripts and all(s.startswith(STATIC_URL) for s in scripts), scripts
    assert all(s.startswith(STATIC_URL) for s in styles), styles
    assert any(s.endswith("jquery.min.js") for s in scripts)


def test_static_assets_are_installed(tmp_path):
    target = install_static_assets(tmp_path)
    for name in ("leaflet.js", "leaflet.css", "jquery.min.js", "leaflet.markercluster.js"):
        assert (target / name).stat().st_size > 1000


def test_sevilla_is_highlighted_once_and_labelled():
    _, html = render()
    assert html.count(f'"className": "{SEVILLA_CLASS}"') == 1
    assert "Sevilla \\u00b7 Ruta N" in html or "Sevilla · Ruta N" in html


def test_company_markers_follow_the_filter_and_mark_approximate_points():
    _, all_html = render()
    ai = filter_entities(LOCATED, Filters(sectors=("software-services",)))
    _, ai_html = render(ai)
    assert all_html.count(COMPANY_CLASS) > ai_html.count(COMPANY_CLASS) > 0
    assert APPROX_CLASS in all_html


def test_hostile_names_are_escaped_in_the_map():
    hostile = LOCATED.copy()
    index = hostile.index[hostile["entity_id"] == "ruta-n"][0]
    hostile.loc[index, "name"] = "<script>alert('x')</script>`${alert(1)}`"
    _, html = render(hostile)
    assert "<script>alert('x')</script>" not in html
    assert "${alert(1)}" not in html
    # Marker payloads are JSON with <, > and & as \u escapes; what Leaflet inserts is:
    inserted = html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    assert "<script>alert('x')</script>" not in inserted
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in inserted


def test_spanish_map_labels():
    _, html = render(lang="es")
    assert "Oficinas de empresas" in html and "Estaciones del Metro" in html


def test_class_breaks_are_whole_numbers_and_colours_grow():
    import pandas as pd

    breaks = class_breaks(pd.Series([1, 1, 2, 3, 10]))
    assert breaks == sorted(set(breaks)) and all(b == int(b) for b in breaks)
    assert color_for(0, breaks) != color_for(10, breaks)
    assert color_for(None, breaks) == color_for(0, breaks)


def test_many_offices_are_counted_per_area_and_the_counts_add_up():
    import numpy as np
    import pandas as pd

    from medmap.maps import AGGREGATE_CLASS, MAX_INDIVIDUAL_MARKERS, aggregate_by_area

    n = MAX_INDIVIDUAL_MARKERS * 3
    points = BARRIOS.sample_points(
        size=n // len(BARRIOS) + 1, rng=np.random.default_rng(7)
    ).explode()
    points = points.iloc[:n]
    synthetic = pd.DataFrame(
        {
            "entity_id": [f"synthetic-{i}" for i in range(n)],
            "name": "Synthetic office",
            "kind": "company",
            "sector": "ai",
            "sector_unverified": False,
            "status": "active",
            "location_precision": "coordinates",
            "location_code": None,
            "lat": points.y.to_numpy(),
            "lon": points.x.to_numpy(),
            "sources": "S1",
        }
    )
    located = locate_entities(synthetic, BARRIOS, COMUNAS)
    aggregates = aggregate_by_area(located, BARRIOS, COMUNAS)
    assert aggregates["count"].sum() == n
    _, html = render(located)
    assert html.count(AGGREGATE_CLASS) == len(aggregates)
    assert COMPANY_CLASS not in html


def test_the_map_script_carries_no_barrio_shapes_but_their_url():
    _, html = render()
    assert "/app/static/geo/barrios.json" in html and "/app/static/geo/comunas.json" in html
    # The raw 332 shapes are about 1 MB; only Sevilla's outline is inline.
    assert len(html) < 200_000, len(html)
    assert html.count('"type": "Polygon"') + html.count('"type": "MultiPolygon"') <= 1


def test_display_geometry_keeps_every_barrio_and_only_the_shown_properties():
    import json

    from medmap.geo import display_geometry

    files = display_geometry(BARRIOS, COMUNAS, STATIONS)
    barrios = json.loads(files["barrios"])
    assert len(barrios["features"]) == len(BARRIOS)
    assert {tuple(sorted(f["properties"])) for f in barrios["features"]} == {
        ("code", "comuna_name", "name")
    }
    sevilla = [f for f in barrios["features"] if f["properties"]["code"] == "0407"]
    assert sevilla[0]["properties"]["name"] == "Sevilla"
    comunas = json.loads(files["comunas"])
    assert len(comunas["features"]) == len(COMUNAS)
    assert display_geometry(BARRIOS, COMUNAS, STATIONS) == files
    assert len(json.loads(files["stations"])["features"]) == len(STATIONS)
    assert "stations" not in display_geometry(BARRIOS, COMUNAS, None)  # same bytes: same cached URL


def test_geometry_files_are_content_addressed_and_written_once(tmp_path):
    from medmap.assets import GEO_URL, install_geo_files

    urls = install_geo_files(tmp_path, {"barrios": b'{"a": 1}'})
    name = urls["barrios"].removeprefix(GEO_URL + "/")
    assert name.startswith("barrios-") and name.endswith(".json")
    assert (tmp_path / "geo" / name).read_bytes() == b'{"a": 1}'
    assert install_geo_files(tmp_path, {"barrios": b'{"a": 1}'}) == urls
    changed = install_geo_files(tmp_path, {"barrios": b'{"a": 2}'})
    assert changed["barrios"] != urls["barrios"]
    assert not list((tmp_path / "geo").glob(".*")), "no temporary file left behind"


def test_view_state_colours_barrios_with_values_and_focuses_the_chosen_ones():
    import pandas as pd

    from medmap.maps import NO_VALUE_COLOR, default_bounds, view_state

    values = pd.Series({"0407": 5.0, "0101": 1.0, "0301": 0.0})
    state = view_state(
        barrio_values=values,
        metric="entities",
        lang="es",
        selected_barrios=["0407"],
        focus=default_bounds(BARRIOS, ["0407"]),
        token="t",
    )
    assert set(state["values"]) == {"0407", "0101"}
    assert state["values"]["0407"][0] != state["values"]["0101"][0] != NO_VALUE_COLOR
    assert state["values"]["0407"][1] == "5"
    assert state["selected"] == ["0407"] and state["metric"] == "Entidades"
    (south, west), (north, east) = state["focus"]
    sevilla = BARRIOS[BARRIOS["code"] == "0407"].geometry.iloc[0].representative_point()
    assert south < sevilla.y < north and west < sevilla.x < east
    urban = default_bounds(BARRIOS)
    assert urban[0][0] < south and urban[1][0] > north


def test_view_state_cannot_close_the_script_it_is_written_into():
    from medmap.maps import ViewState

    element = ViewState({"legend": "</script><script>alert(1)</script>", "x": "a&b"})
    assert "</" not in element.state_json and "&" not in element.state_json


def test_each_update_first_releases_what_the_previous_one_left():
    """Issue #15: the release script runs before this view's markers and layer control."""
    _, html = render()
    release = html.index("window.feature_group.length = 0")
    assert release < html.index("target.addLayer(marker)")
    assert release < html.index("L.control.layers(")
    assert html.count("window.feature_group.length = 0") == 1
