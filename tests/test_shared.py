"""medmap.shared: readers of one link share its figures and map; uploads never are, and each
run gets its own copy of the folium objects."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from medmap import mapview, runtime, shared
from medmap.filters import Filters
from medmap.geo import district_areas
from medmap.state import build_view
from tests.conftest import ROOT

URLS = {"barrios": "b.json", "comunas": "c.json", "stations": "s.json"}


@pytest.fixture(scope="module")
def loaded() -> runtime.Loaded:
    return runtime.load()  # the process's own data, as the app has it


def test_readers_of_one_link_share_its_figures(loaded):
    first = build_view(loaded, "en", Filters(sectors=("ai",)))
    second = build_view(loaded, "en", Filters(sectors=("ai",)))  # another session, same link
    assert shared.is_shared(first)
    figures = shared.view_figures(first, "entities", "barrio")
    assert shared.view_figures(second, "entities", "barrio") is figures
    # Another link, language or colouring is another view.
    assert (
        shared.view_figures(
            build_view(loaded, "es", Filters(sectors=("ai",))), "entities", "barrio"
        )
        is not figures
    )
    assert shared.view_figures(first, "staff", "barrio") is not figures
    assert shared.view_figures(first, "entities", "comuna") is not figures


def test_shared_figures_are_what_the_view_computes(loaded):
    view = build_view(loaded, "es", Filters(year=2015))
    own = mapview.view_figures(view, "funding", "comuna")
    cached = shared.view_figures(view, "funding", "comuna")
    assert cached.kpis == own.kpis
    assert cached.values.equals(own.values)
    assert cached.staff_labels == own.staff_labels
    assert cached.figures_missing == own.figures_missing
    assert [c.key for c in cached.company_charts] == [c.key for c in own.company_charts]
    assert cached.sector_chart.figure.to_dict() == own.sector_chart.figure.to_dict()


def test_an_upload_is_never_shared_nor_served_from_the_cache(loaded):
    filters = Filters()
    shipped = shared.view_figures(build_view(loaded, "en", filters), "entities", "barrio")
    uploaded = loaded.located.head(1).copy()  # this session's own companies
    view = build_view(loaded, "en", filters, uploaded=uploaded)
    assert not shared.is_shared(view)
    figures = shared.view_figures(view, "entities", "barrio")
    assert figures is not shipped
    assert figures.kpis != shipped.kpis  # one entity, not the shipped ones
    assert shared.view_figures(view, "entities", "barrio") is not figures  # computed each time
    # And the shipped view of the same link still gets the shipped figures.
    assert shared.view_figures(build_view(loaded, "en", filters), "entities", "barrio") is shipped


def test_folium_objects_are_new_for_every_run(loaded):
    view = build_view(loaded, "en", Filters())
    one = shared.compose(view, "entities", "barrio", URLS)
    two = shared.compose(view, "entities", "barrio", URLS)
    assert one.base_map is not two.base_map
    assert one.layers.groups[0] is not two.layers.groups[0]
    assert one.kpis is two.kpis  # shared, read-only


def rendered(page: mapview.MapView) -> str:
    """The page's map and layers as folium writes them, element ids made equal."""
    for group in page.layers.groups:  # what st_folium does to the map it renders
        group.add_to(page.base_map)
    html = page.base_map.get_root().render()
    return re.sub(r"_[0-9a-f]{32}", "_ID", html)


def test_a_run_changing_its_map_changes_no_other_runs(loaded):
    view = build_view(loaded, "es", Filters(sectors=("ai",)))
    fresh = rendered(mapview.compose(view, "entities", "barrio", URLS))
    first = shared.compose(view, "entities", "barrio", URLS)
    children = list(first.base_map._children)
    assert rendered(first) == fresh  # the shared map is the one the view builds
    # The next run's copy has not seen the layers the first run's rendering added.
    second = shared.compose(view, "entities", "barrio", URLS)
    assert list(second.base_map._children) == children
    assert rendered(second) == fresh


def test_every_link_of_a_language_is_drawn_on_one_base_map(loaded):
    # Built once per language (its elements keep their names in every copy), not per link.
    def base_map_name(lang: str, sectors: tuple[str, ...]) -> str:
        view = build_view(loaded, lang, Filters(sectors=sectors))
        return shared.compose(view, "entities", "barrio", URLS).base_map.get_name()

    assert base_map_name("en", ("ai",)) == base_map_name("en", ("fintech",))
    assert base_map_name("en", ("ai",)) != base_map_name("es", ("ai",))


def test_an_uploads_map_is_built_for_its_run(loaded):
    uploaded = loaded.located.head(1).copy()
    view = build_view(loaded, "en", Filters(), uploaded=uploaded)
    page = shared.compose(view, "entities", "barrio", URLS)
    shipped = shared.compose(build_view(loaded, "en", Filters()), "entities", "barrio", URLS)
    assert page.kpis != shipped.kpis
    assert rendered(page) != rendered(shipped)


def test_a_finished_run_leaves_no_view_in_the_session():
    """A session kept for reconnection after its reader left holds no frames of its view."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["sector"] = "ai"
    at.run()
    assert not at.exception
    assert at.metric  # the page was drawn from the view
    assert "_view" not in at.session_state


def test_district_areas_are_dissolved_once_and_handed_out_as_copies(loaded):
    districts, barrios = loaded.dataset.districts, loaded.layers.barrios
    first = district_areas(districts, barrios)
    second = district_areas(districts, barrios)
    assert first is not second and first.equals(second)
    first.iloc[0] = None  # a caller changing its copy changes nobody else's
    assert district_areas(districts, barrios).equals(second)
