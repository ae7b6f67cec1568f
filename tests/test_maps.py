"""Map composition: local assets, Sevilla, markers, the view state, popups."""

from __future__ import annotations

import json
import re

import folium
import numpy as np
import pandas as pd
import pytest

from medmap.assets import MAP_BUNDLE, MAP_BUNDLE_NAME, MAP_JS, STATIC_URL, install_static_assets
from medmap.colors import NO_VALUE_COLOR, class_breaks, color_for
from medmap.filters import Filters, filter_entities, per_area
from medmap.geo import aggregate_by_area, display_geometry, locate_entities
from medmap.i18n import t
from medmap.leaflet import ViewState
from medmap.maps import (
    DISTRICT_CLASS,
    MAX_INDIVIDUAL_MARKERS,
    SEVILLA_CLASS,
    Choropleth,
    build_base_map,
    build_view_layers,
    default_bounds,
    view_state,
)
from medmap.markers import (
    AGGREGATE_CLASS,
    APPROX_CLASS,
    COMPANY_CLASS,
    INSTITUTION_CLASS,
    SUPPORT_CLASS,
    EntityText,
    unplaced_entries,
)
from medmap.popups import legend_html, sources_links
from medmap.schemas import ENTITY_KINDS

DISTRICTS = {"innovation-district": "Innovation District"}
URLS = {
    "barrios": "/app/static/geo/barrios.json",
    "comunas": "/app/static/geo/comunas.json",
    "stations": "/app/static/geo/stations.json",
}


@pytest.fixture(scope="module")
def render(layers, dataset, located):
    """The base map with one view's layers on it (what the Map page shows), rendered whole."""

    def rendered(entities=None, lang="en", metric="entities", selected=(), level="barrio"):
        entities = located if entities is None else entities
        m = build_base_map(
            barrios=layers.barrios, urls=URLS, lang=lang, districts=dataset.districts
        )
        values = per_area(entities, dataset.staff, dataset.funding, f"{level}_code")[metric]
        view_layers = build_view_layers(
            entities,
            layers,
            EntityText(sectors={}, staff={}, funding={}, source_urls={}, districts=DISTRICTS),
            Choropleth(values, metric, selected, level),
            lang,
        )
        for group in view_layers.groups:
            group.add_to(m)
        folium.LayerControl(collapsed=True).add_to(m)
        return m, m.get_root().render()

    return rendered


def test_only_http_sources_become_links():
    urls = {"X1": "javascript:alert(1)", "X2": "https://a.org/?q=<b>"}
    links = sources_links("X1;X2;X3", urls)
    assert links.count("href") == 1
    assert 'href="https://a.org/?q=&lt;b&gt;"' in links
    assert links.endswith("X3")  # an id without a URL stays plain text


def test_map_links_no_third_party_script_or_stylesheet(render):
    m, html = render()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert scripts and all(s.startswith(STATIC_URL) for s in scripts), scripts
    assert all(s.startswith(STATIC_URL) for s in styles), styles
    # One script (streamlit-folium links each URL once), holding jQuery (folium's map
    # needs it) with Leaflet.
    assert {s.rsplit("/", 1)[-1] for s in scripts} == {MAP_BUNDLE_NAME}
    assert b"jQuery" in MAP_BUNDLE


def test_static_assets_are_installed(tmp_path):
    target = install_static_assets(tmp_path)
    for name in ("leaflet.js", "leaflet.css", "jquery.min.js", "leaflet.markercluster.js"):
        assert (target / name).stat().st_size > 1000
    assert (target / MAP_BUNDLE_NAME).read_bytes() == MAP_BUNDLE


def test_the_map_links_medmaps_own_script_after_leaflet(render):
    _, html = render()
    assert f"{STATIC_URL}/{MAP_BUNDLE_NAME}" in html
    # In the one bundle: Leaflet first, MarkerCluster after it, medmap's script last.
    leaflet = MAP_BUNDLE.index(b"Leaflet")
    assert leaflet < MAP_BUNDLE.index(b"MarkerClusterGroup") < MAP_BUNDLE.index(MAP_JS.read_bytes())
    assert MAP_BUNDLE.endswith(MAP_JS.read_bytes())
    # The layers are calls into that script, not JavaScript written in Python strings.
    assert "medmap.areaLayer(" in html and "medmap.setView(" in html
    assert "medmap.addMarkers(" in html and "function style(" not in html


def test_sevilla_is_highlighted_once_and_labelled(render):
    _, html = render()
    assert html.count(f'"className": "{SEVILLA_CLASS}"') == 1
    assert "Sevilla \\u00b7 Ruta N" in html or "Sevilla · Ruta N" in html


def test_company_markers_follow_the_filter_and_mark_approximate_points(render, located):
    _, all_html = render()
    ai = filter_entities(located, Filters(sectors=("software-services",)))
    _, ai_html = render(ai)
    assert all_html.count(COMPANY_CLASS) > ai_html.count(COMPANY_CLASS) > 0
    assert APPROX_CLASS in all_html


def marker_payloads(html: str) -> list[dict]:
    """The markers each ``medmap.addMarkers(group, [...])`` call of a rendered map draws."""
    calls = re.findall(r"medmap\.addMarkers\([\w]+, (\[.*?\])\);\n", html)
    return [marker for call in calls for marker in json.loads(call)]


def test_hostile_names_are_escaped_in_the_map(render, located):
    hostile = located.copy()
    index = hostile.index[hostile["entity_id"] == "ruta-n"][0]
    name = "<script>alert('x')</script>`${alert(1)}`"
    hostile.loc[index, "name"] = name
    _, html = render(hostile)
    assert "<script>alert('x')</script>" not in html
    assert "${alert(1)}" not in html
    (marker,) = [m for m in marker_payloads(html) if m["name"] == name]
    # What Leaflet inserts as HTML is escaped; the name itself only becomes an attribute.
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&#96;&#36;{alert(1)}&#96;"
    assert marker["tooltip"].startswith(escaped)
    assert f"<b>{escaped}</b>" in marker["popup"]
    assert "<script>" not in marker["tooltip"] + marker["popup"] + marker.get("icon", "")


def test_each_kind_has_its_marker_shape_and_names_its_kind(render, located):
    """Companies are circles (clustered); institutions diamonds; the support layer squares."""
    placed = located[located.geometry.notna()]
    assert {"company", "institution", "coworking"} <= set(placed["kind"])
    _, html = render(placed)
    markers = {m["name"]: m for m in marker_payloads(html)}
    for row in placed.itertuples():
        marker = markers[row.name]
        if row.kind == "company":
            assert COMPANY_CLASS in marker["style"]["className"], row.name
        else:
            shape = INSTITUTION_CLASS if row.kind == "institution" else SUPPORT_CLASS
            assert f'class="{shape}' in marker["icon"], row.name
        assert f"Kind: {t('kind_' + row.kind, 'en')}" in marker["popup"], row.name


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_legend_explains_the_marker_shapes_in_both_languages(lang):
    legend = legend_html("entities", [1.0, 2.0], lang)
    for group in ("company", "institution", "support"):
        assert t(f"legend_marker_{group}", lang) in legend
        assert f'class="medmap-legend-{group}"' in legend
    # The support label's hover text names every support kind (the filter's options).
    kinds = t("legend_marker_support_help", lang).replace(" or ", ", ").replace(" o ", ", ")
    assert len(kinds.split(", ")) == len(ENTITY_KINDS) - 2


def test_spanish_map_labels(render):
    _, html = render(lang="es")
    assert "Oficinas de empresas" in html and "Estaciones del Metro" in html


def test_class_breaks_are_whole_numbers_and_colours_grow():
    breaks = class_breaks(pd.Series([1, 1, 2, 3, 10]))
    assert breaks == sorted(set(breaks)) and all(b == int(b) for b in breaks)
    assert color_for(0, breaks) != color_for(10, breaks)
    assert color_for(None, breaks) == color_for(0, breaks)


def test_many_offices_are_counted_per_area_and_the_counts_add_up(render, layers):
    n = MAX_INDIVIDUAL_MARKERS * 3
    points = layers.barrios.sample_points(
        size=n // len(layers.barrios) + 1, rng=np.random.default_rng(7)
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
    located = locate_entities(synthetic, layers.barrios, layers.comunas)
    aggregates = aggregate_by_area(located, layers.barrios, layers.comunas)
    assert aggregates["count"].sum() == n
    _, html = render(located)
    assert html.count(AGGREGATE_CLASS) == len(aggregates)
    assert COMPANY_CLASS not in html


def test_the_map_script_carries_no_barrio_shapes_but_their_url(render, dataset):
    _, html = render()
    assert "/app/static/geo/barrios.json" in html and "/app/static/geo/comunas.json" in html
    # The raw 332 shapes are about 1 MB; only Sevilla's and the districts' outlines are inline.
    assert len(html) < 200_000, len(html)
    inline = html.count('"type": "Polygon"') + html.count('"type": "MultiPolygon"')
    assert inline <= 1 + len(dataset.districts)


def test_display_geometry_keeps_every_barrio_and_only_the_shown_properties(layers):
    import json

    files = display_geometry(layers.barrios, layers.comunas, layers.stations)
    barrios = json.loads(files["barrios"])
    assert len(barrios["features"]) == len(layers.barrios)
    assert {tuple(sorted(f["properties"])) for f in barrios["features"]} == {
        ("code", "comuna_code", "comuna_name", "name")
    }
    sevilla = [f for f in barrios["features"] if f["properties"]["code"] == "0407"]
    assert sevilla[0]["properties"]["name"] == "Sevilla"
    comunas = json.loads(files["comunas"])
    assert len(comunas["features"]) == len(layers.comunas)
    assert display_geometry(layers.barrios, layers.comunas, layers.stations) == files
    assert len(json.loads(files["stations"])["features"]) == len(layers.stations)
    assert "stations" not in display_geometry(
        layers.barrios, layers.comunas, None
    )  # same bytes: same cached URL


def test_geometry_files_are_content_addressed_and_written_once(tmp_path):
    from medmap.assets import GEO_URL, install_geo_files  # noqa: I001 (local to this test)

    urls = install_geo_files(tmp_path, {"barrios": b'{"a": 1}'})
    name = urls["barrios"].removeprefix(GEO_URL + "/")
    assert name.startswith("barrios-") and name.endswith(".json")
    assert (tmp_path / "geo" / name).read_bytes() == b'{"a": 1}'
    assert install_geo_files(tmp_path, {"barrios": b'{"a": 1}'}) == urls
    changed = install_geo_files(tmp_path, {"barrios": b'{"a": 2}'})
    assert changed["barrios"] != urls["barrios"]
    assert not list((tmp_path / "geo").glob(".*")), "no temporary file left behind"


def test_view_state_colours_barrios_with_values_and_focuses_the_chosen_ones(layers):
    values = pd.Series({"0407": 5.0, "0101": 1.0, "0301": 0.0})
    state = view_state(
        Choropleth(values, "entities", ("0407",)),
        "es",
        focus=default_bounds(layers.barrios, ["0407"]),
        token="t",
    )
    assert set(state["values"]) == {"0407", "0101"}
    assert state["values"]["0407"][0] != state["values"]["0101"][0] != NO_VALUE_COLOR
    assert state["values"]["0407"][1] == "5"
    assert state["selected"] == ["0407"] and state["metric"] == "Entidades"
    (south, west), (north, east) = state["focus"]
    sevilla = (
        layers.barrios[layers.barrios["code"] == "0407"].geometry.iloc[0].representative_point()
    )
    assert south < sevilla.y < north and west < sevilla.x < east
    urban = default_bounds(layers.barrios)
    assert urban[0][0] < south and urban[1][0] > north


def test_view_state_cannot_close_the_script_it_is_written_into():
    element = ViewState({"legend": "</script><script>alert(1)</script>", "x": "a&b"})
    assert "</" not in element.state_json and "&" not in element.state_json


def test_the_innovation_district_is_outlined_and_labelled_in_both_languages(render):
    _, html = render()
    assert html.count(f'"className": "{DISTRICT_CLASS}"') == 1
    assert "Innovation District" in html
    _, html_es = render(lang="es")
    assert "Distrito de Innovaci" in html_es


def test_unplaced_entities_are_listed_by_group_with_a_reason(located, dataset):
    labels = dict(zip(dataset.sectors["sector"], dataset.sectors["label_en"], strict=True))
    entries = unplaced_entries(located[located.geometry.isna()], labels, "en")
    city = located[located["location_precision"] == "city"]
    outside = located[located["location_precision"] == "outside"]
    assert [e["name"] for e in entries["city"]] == sorted(city["name"])
    assert len(entries["outside"]) == len(outside) > 0
    assert all(e["reason"] == "sources say only “in Medellín”" for e in entries["city"])
    # Every entity shown is on the map or in the box.
    on_map = located.geometry.notna().sum()
    assert on_map + len(entries["city"]) + len(entries["outside"]) == len(located)


def test_view_state_counts_what_the_colours_leave_out(layers, dataset, located):
    by_comuna = per_area(located, dataset.staff, dataset.funding, "comuna_code")["entities"]
    text = EntityText(sectors={}, staff={}, funding={}, source_urls={})
    view_layers = build_view_layers(
        located, layers, text, Choropleth(by_comuna, "entities", (), "comuna"), "en"
    )
    state = json.loads(
        view_layers.groups[0]
        ._children[
            next(k for k, v in view_layers.groups[0]._children.items() if isinstance(v, ViewState))
        ]
        .state_json
    )
    assert state["level"] == "comuna"
    assert set(state["values"]) <= set(layers.comunas["code"])
    not_counted = int(located["comuna_code"].isna().sum())
    assert f"{not_counted} of the entities shown" in state["legend"]
    assert len(state["unplaced"]["city"]) == (located["location_precision"] == "city").sum()


def test_a_district_placement_is_named_in_its_popup(render, located):
    district = located[located["location_precision"] == "district"]
    assert not district.empty and district.geometry.notna().all()
    _, html = render(district)
    assert "Innovation District" in html.split("medmap.addMarkers", 1)[1]


def test_each_update_first_releases_what_the_previous_one_left(render):
    """Issue #15: the release call runs before this view's markers and layer control."""
    _, html = render()
    release = html.index("medmap.releasePreviousView();")
    assert release < html.index("medmap.addMarkers(")
    assert release < html.index("L.control.layers(")
    assert html.count("medmap.releasePreviousView();") == 1
