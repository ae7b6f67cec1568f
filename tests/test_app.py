"""AppTest: every page runs, filters drive KPIs and tables, links restore and sanitise."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from medmap.filters import Filters, compute_kpis, filter_entities, per_area
from medmap.i18n import t
from medmap.schemas import ENTITY_KINDS
from medmap.search import search_entities
from medmap.state import MAP_DRAWN_KEY, clicked_barrio, reported_drawn, selected_sectors
from tests.conftest import ROOT, view_widget

APP = str(ROOT / "app.py")
PAGES = [
    "pages/map.py",
    "pages/companies.py",
    "pages/neighbourhoods.py",
    "pages/jobs_funding.py",
    "pages/about.py",
]


def app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(scope="module")
def expected_companies(located, dataset):
    """The companies KPI computed from data/ for some filters, as the Map page must show it."""

    def count(filters: Filters) -> int:
        shown = filter_entities(located, filters)
        return compute_kpis(shown, dataset.staff, dataset.funding).companies

    return count


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_runs_in_both_languages(page, lang):
    at = app(lang=lang)
    at.switch_page(page).run()
    assert not at.exception
    assert at.button_group(key="lang").value == lang
    title = at.title[0].value
    assert ("Medellín tech ecosystem" in title) == (lang == "en")


def test_map_page_kpis_match_the_data(expected_companies, located):
    at = app()
    assert not at.exception
    assert metric(at, "Companies shown") == str(expected_companies(Filters()))
    # Organisations: every kind but companies (institutions and the support layer).
    organisations = (located["kind"] != "company").sum()
    assert metric(at, "Organisations") == str(organisations)


def test_sector_filter_drives_the_kpis(expected_companies):
    at = app()
    sector = "software-services"
    view_widget(at.multiselect, "sector").set_value([sector]).run()
    expected = expected_companies(Filters(sectors=(sector,)))
    assert expected != expected_companies(Filters())
    assert metric(at, "Companies shown") == str(expected)


def test_kind_filter_institutions_only(located):
    at = app()
    view_widget(at.multiselect, "kind").set_value(["institution"]).run()
    assert metric(at, "Companies shown") == "0"
    assert metric(at, "Organisations") == str((located["kind"] == "institution").sum())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_kind_is_a_filter_option_named_in_both_languages(located, lang):
    at = app(lang=lang)
    # Options are shown by name in the page's language; the link keeps the codes.
    assert view_widget(at.multiselect, "kind").options == [
        t(f"kind_{k}", lang) for k in ENTITY_KINDS
    ]
    support = [k for k in ENTITY_KINDS if k not in ("company", "institution")]
    view_widget(at.multiselect, "kind").set_value(support).run()
    assert at.query_params["kind"] == support
    assert metric(at, t("kpi_companies", lang)) == "0"
    expected = int(located["kind"].isin(support).sum())
    assert expected > 0
    assert metric(at, t("kpi_organisations", lang)) == str(expected)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_companies_table_names_each_kind_in_both_languages(located, lang):
    at = app(lang=lang)
    at.switch_page("pages/companies.py").run()
    table = at.dataframe[0].value
    expected = located["kind"].map(lambda k: t(f"kind_{k}", lang))
    assert sorted(table["kind"]) == sorted(expected)
    assert set(located["kind"]) == set(ENTITY_KINDS)  # every kind is in the shipped data


def test_shared_link_restores_barrio_and_language(expected_companies):
    at = app(barrio="0407", lang="es")
    assert view_widget(at.multiselect, "barrio").value == ["0407"]
    assert metric(at, "Empresas mostradas") == str(expected_companies(Filters(barrios=("0407",))))
    # The chip and the options show the name; the link keeps the code.
    barrio = view_widget(at.multiselect, "barrio")
    assert barrio.format_func("0407") == "Sevilla (0407)"
    assert "Sevilla (0407)" in barrio.options
    assert at.query_params["barrio"] == "0407"


def test_comuna_narrows_barrio_options():
    at = app(comuna="14")
    options = view_widget(at.multiselect, "barrio").options
    assert options and all(name.endswith(")") and name[-5:-3] == "14" for name in options)


def test_invalid_link_values_are_dropped_with_a_notice():
    at = app(
        barrio="9999", sector=["<script>alert(1)</script>", "fintech"], lang="xx", kind="robot"
    )
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "9999" in notice and "robot" in notice and "alert(1)" in notice
    assert view_widget(at.multiselect, "sector").value == ["fintech"]
    assert view_widget(at.multiselect, "barrio").value == []
    assert at.button_group(key="lang").value == "en"


def test_barrio_outside_the_chosen_comuna_is_dropped():
    at = app(comuna="14", barrio="0407")
    assert view_widget(at.multiselect, "barrio").value == []
    assert "0407" in " ".join(w.value for w in at.warning)


def test_map_click_selects_the_barrio_through_the_filter_key(expected_companies, layers):
    codes = set(layers.barrios["code"])
    click = {
        "last_active_drawing": {
            "type": "Feature",
            "properties": {"code": "0407", "name": "Sevilla"},
        }
    }
    assert clicked_barrio(click, codes) == "0407"
    assert clicked_barrio({"last_active_drawing": {"properties": {}}}, codes) is None
    assert clicked_barrio({"last_active_drawing": {"properties": {"code": "x"}}}, codes) is None
    assert clicked_barrio(None, codes) is None
    # What the click callback writes (state.set_view_value): the view's barrio and a new
    # version of its widget; the app then shows Sevilla in the filter and the KPIs.
    at = app()
    at.session_state["barrio"] = [clicked_barrio(click, codes)]
    at.session_state["_version_barrio"] = 1
    at.run()
    assert view_widget(at.multiselect, "barrio").value == ["0407"]
    assert metric(at, "Companies shown") == str(expected_companies(Filters(barrios=("0407",))))


def test_map_page_keeps_chart_places_until_the_map_reports_it_is_drawn():
    # What medmap-map.js sends once its barrios and markers are drawn, and what a click sends.
    drawn = {"last_active_drawing": None, "drawn": True}
    assert reported_drawn(drawn)
    assert not reported_drawn({"last_active_drawing": None})
    assert not reported_drawn({"drawn": "true"}) and not reported_drawn(None)
    assert clicked_barrio(drawn, {"0407"}) is None
    at = app()
    assert not at.get("plotly_chart")
    assert any(c.value.startswith("Chart loading") for c in at.caption)
    assert metric(at, "Companies shown")  # KPIs and the map do not wait
    at.session_state[MAP_DRAWN_KEY] = True  # what the report's callback sets
    at.run()
    assert len(at.get("plotly_chart")) >= 2
    assert not any(c.value.startswith("Chart loading") for c in at.caption)


def test_the_map_is_sent_with_each_element_built_once():
    # Rendering the whole figure before st_folium renders the map built every element's
    # script twice (issue #20): each marker's icon was set twice in what the browser runs.
    at = app()
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    calls = re.findall(r"\w+\.setIcon\(\w+\);", args["script"] + args["feature_group"])
    assert calls
    assert len(calls) == len(set(calls))


def test_clear_filters_button(expected_companies):
    at = app(sector="ai", kind="company", year="2015", origin="international")
    at.button(key="clear_filters").click().run()
    assert (
        view_widget(at.multiselect, "sector").value == []
        and view_widget(at.multiselect, "origin").value == []
    )
    assert view_widget(at.select_slider, "year").value == "all"
    assert metric(at, "Companies shown") == str(expected_companies(Filters()))


def test_empty_result_shows_a_helpful_state():
    at = app(barrio="5001")  # a rural vereda with no entity
    assert metric(at, "Companies shown") == "0"
    assert any("Nothing matches" in i.value for i in at.info)


def test_companies_page_search_and_download_match_the_table(located):
    at = app(sector="ai")
    at.switch_page("pages/companies.py").run()
    table = at.dataframe[0].value
    expected = filter_entities(located, Filters(sectors=("ai",)))
    assert sorted(table["name"]) == sorted(expected["name"])
    at.text_input(key="q").input("fund").run()
    table = at.dataframe[0].value
    searched = search_entities(expected, "fund")
    assert 0 < len(table) < len(expected)
    assert list(table["name"]) == list(searched["name"])


def test_neighbourhoods_page_spotlights_sevilla():
    at = app()
    at.switch_page("pages/neighbourhoods.py").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Ruta N") for label in labels)
    assert any(label.startswith("Universidad de Antioquia") for label in labels)


def about_table(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_about_page_lists_every_source(dataset):
    at = app()
    at.switch_page("pages/about.py").run()
    table = about_table(at, "source_id")
    assert set(table["source_id"]) == set(dataset.sources["source_id"])
    links = table["link"].dropna()
    assert all(link.startswith(("https://", "http://")) for link in links)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_about_page_counts_entities_by_kind(dataset, lang):
    at = app(lang=lang)
    at.switch_page("pages/about.py").run()
    table = about_table(at, "on_map").set_index("kind")
    entities = dataset.entities
    for kind in ENTITY_KINDS:
        assert table.loc[t(f"kind_{kind}", lang), "entities"] == (entities["kind"] == kind).sum()
    assert table.loc[t("total", lang), "entities"] == len(entities)
    placed = entities["location_precision"].isin(["coordinates", "barrio", "comuna", "district"])
    assert table.loc[t("total", lang), "on_map"] == placed.sum()


def test_invalid_data_dir_shows_the_problems_and_no_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "data"
    bad.mkdir()
    for f in (ROOT / "data").glob("*.csv"):
        (bad / f.name).write_bytes(f.read_bytes())
    staff = pd.read_csv(bad / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[0, "staff"] = "lots"
    staff.to_csv(bad / "staff.csv", index=False)
    monkeypatch.setenv("MEDMAP_DATA_DIR", str(bad))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "The data could not be loaded" in at.error[0].value
    assert "staff.csv:2:staff: 'lots' is not a whole number" in at.code[0].value


def test_huge_repetition_in_a_link_is_deduplicated():
    # Streamlit itself ignores a query string of more than 1,000 parameters; stay under it.
    at = app(sector=["ai"] * 400 + ["nope"] * 400, barrio=["0407"] * 150)
    assert not at.exception
    assert view_widget(at.multiselect, "sector").value == ["ai"]
    assert view_widget(at.multiselect, "barrio").value == ["0407"]
    notice = " ".join(w.value for w in at.warning)
    assert notice.count("nope") == 1


def geo_copy(tmp_path, drop=()):
    target = tmp_path / "geo"
    target.mkdir()
    for f in (ROOT / "geo").glob("*.geojson"):
        if f.name not in drop:
            (target / f.name).write_bytes(f.read_bytes())
    return target


def test_missing_metro_layer_is_noticed_and_the_rest_works(
    tmp_path, monkeypatch, expected_companies
):
    monkeypatch.setenv("MEDMAP_GEO_DIR", str(geo_copy(tmp_path, drop=("metro_stations.geojson",))))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("Metro stations is missing" in i.value for i in at.info)
    assert metric(at, "Companies shown") == str(expected_companies(Filters()))


def test_corrupted_geometry_shows_an_error_page(tmp_path, monkeypatch):
    geo = geo_copy(tmp_path)
    (geo / "barrios.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": ')
    monkeypatch.setenv("MEDMAP_GEO_DIR", str(geo))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "The data could not be loaded" in at.error[0].value
    assert at.code[0].value.startswith("barrios.geojson:0:: unreadable geometry file")


def test_chart_selection_becomes_the_sector_filter(expected_companies, dataset):
    known = set(dataset.sectors["sector"])
    state = {
        "selection": {
            "points": [{"customdata": "ai"}, {"customdata": ["fintech"]}, {"customdata": "x"}]
        }
    }
    assert selected_sectors(state, known) == ["ai", "fintech"]
    assert selected_sectors({"selection": {"points": []}}, known) == []
    assert selected_sectors(None, known) == []
    at = app()
    # What the chart's callback writes (state.set_view_value).
    at.session_state["sector"] = selected_sectors(state, known)
    at.session_state["_version_sector"] = 1
    at.run()
    assert view_widget(at.multiselect, "sector").value == ["ai", "fintech"]
    assert metric(at, "Companies shown") == str(
        expected_companies(Filters(sectors=("ai", "fintech")))
    )


def test_a_year_in_the_link_applies_on_the_first_run(expected_companies):
    at = app(year="2012", lang="es")
    assert not at.exception
    assert view_widget(at.select_slider, "year").value == "2012"
    as_of_2012 = expected_companies(Filters(year=2012))
    assert as_of_2012 < expected_companies(Filters())
    assert metric(at, "Empresas mostradas") == str(as_of_2012)


def test_entities_with_no_year_can_be_left_out(expected_companies, located):
    at = app(year="2019")
    shown = metric(at, "Companies shown")
    view_widget(at.toggle, "undated").set_value(False).run()
    hidden = metric(at, "Companies shown")
    assert int(hidden) == expected_companies(Filters(year=2019, undated=False)) < int(shown)
    assert int(shown) == expected_companies(Filters(year=2019))


def test_origin_filter_and_its_not_reported_add_up(expected_companies):
    total = expected_companies(Filters())
    counts = {}
    for origin in ("homegrown", "colombian", "international", "not-reported"):
        at = app(origin=origin)
        assert not at.exception
        counts[origin] = int(metric(at, "Companies shown"))
        assert counts[origin] == expected_companies(Filters(origins=(origin,)))
    assert sum(counts.values()) == total and counts["international"] > 0


def test_a_year_outside_the_timeline_is_dropped_with_a_notice(expected_companies):
    at = app(year="1700")
    assert not at.exception
    assert "year=" in " ".join(w.value for w in at.warning)
    assert view_widget(at.select_slider, "year").value == "all"
    assert metric(at, "Companies shown") == str(expected_companies(Filters()))


@pytest.mark.parametrize(("level", "metric_name"), [("barrio", "entities"), ("comuna", "staff")])
def test_map_as_a_table_lists_the_choropleths_values(located, dataset, level, metric_name):
    at = app(lang="es")
    expander = next(e for e in at.expander if e.label == "El mapa como tabla")
    assert not expander.table  # its frontend code waits for the map (issue #10)
    at.session_state[MAP_DRAWN_KEY] = True  # what the map's "drawn" report sets
    view_widget(at.button_group, "metric").set_value(metric_name).run()
    view_widget(at.button_group, "level").set_value(level).run()
    assert not at.exception
    expander = next(e for e in at.expander if e.label == "El mapa como tabla")
    table = expander.table[0].value
    values = per_area(located, dataset.staff, dataset.funding, f"{level}_code")[metric_name]
    got = table.set_index("Código").iloc[:, -1]
    assert sorted(got.index) == sorted(values.index)
    assert got[values.index].astype(float).tolist() == pytest.approx(
        values.astype(float).tolist(), nan_ok=True
    )
