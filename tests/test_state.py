"""View state: the share link, the view a page sees, and the pages/-mode guard."""

from __future__ import annotations

import sys
from urllib.parse import parse_qs, urlsplit

from medmap.controls import MAX_SHOWN_DROPPED, describe_dropped
from medmap.filters import Filters
from medmap.legacy_pages import in_pages_directory_run
from medmap.runtime import Loaded
from medmap.state import build_view, query_for, read_link, share_url


def test_share_link_holds_every_filter_and_a_non_default_language():
    filters = Filters(comunas=("04",), barrios=("0407", "1004"), sectors=("ai",), kinds=())
    url = share_url("http://127.0.0.1:8501/companies", query_for(filters, "es"))
    parts = urlsplit(url)
    assert parts.path == "/companies"
    assert parse_qs(parts.query) == {
        "comuna": ["04"],
        "barrio": ["0407", "1004"],
        "sector": ["ai"],
        "lang": ["es"],
    }
    assert share_url("http://x/", query_for(Filters(), "en")) == "http://x/"


def test_share_link_encodes_what_it_carries():
    url = share_url("http://x/", [("sector", "a&b=c d")])
    assert parse_qs(urlsplit(url).query) == {"sector": ["a&b=c d"]}


def test_view_filters_the_located_entities(layers, dataset, located):
    loaded = Loaded(layers, dataset, located)
    view = build_view(loaded, "es", Filters(sectors=("ai",)))
    assert len(view.shown) == (located["sector"] == "ai").sum() > 0
    assert view.sector_labels["ai"] == dataset.sectors.set_index("sector").loc["ai", "label_es"]
    assert len(view.data.staff) == len(dataset.staff)


def test_an_upload_replaces_the_entities_and_drops_the_shipped_figures(layers, dataset, located):
    uploaded = located.head(3)
    view = build_view(Loaded(layers, dataset, located), "en", Filters(), uploaded)
    assert list(view.shown["entity_id"]) == list(uploaded["entity_id"])
    assert view.data.staff.empty and view.data.funding.empty
    assert not dataset.staff.empty  # the shared dataset is untouched


def test_dropped_link_values_are_listed_escaped_and_capped():
    values = [f"v{i}" for i in range(MAX_SHOWN_DROPPED + 3)] + ["`x`"]
    text = describe_dropped({"sector": values, "kind": ["robot"]})
    assert text.startswith("sector=`v0`, `v1`")
    assert f"(+{len(values) - MAX_SHOWN_DROPPED})" in text
    assert "`x`" not in text and "kind=`robot`" in text


def test_pages_mode_is_read_from_the_call_stack():
    def _mpa_v1():  # the name Streamlit's legacy runner has, but not in Streamlit's files
        return in_pages_directory_run(sys._getframe())

    assert in_pages_directory_run(sys._getframe()) is False
    assert _mpa_v1() is False  # only Streamlit's own runner counts


def test_a_run_started_by_streamlits_legacy_runner_is_recognised():
    # A function with the legacy runner's name, compiled as if it were Streamlit's file.
    runner = compile(
        "def _mpa_v1(check):\n    return check(sys._getframe())\n",
        "/site-packages/streamlit/runtime/scriptrunner/script_runner.py",
        "exec",
    )
    scope = {"sys": sys}
    exec(runner, scope)
    assert scope["_mpa_v1"](in_pages_directory_run) is True


ALLOWED = {
    "sector": ["ai", "fintech"],
    "barrio": ["0407"],
    "year": ["2012", "all"],
    "undated": ["true", "false"],
    "metric": ["entities", "staff"],
    "lang": ["en", "es"],
}


def test_read_link_keeps_valid_values_once_in_order_and_names_the_rest():
    state, dropped = read_link(
        {
            "sector": ["fintech", "x", "ai", "fintech"],
            "year": ["1999", "2012"],
            "undated": ["false"],
            "lang": ["xx"],
            "barrio": [""],
        },
        ALLOWED,
    )
    assert state == {"sector": ["fintech", "ai"], "year": "2012", "undated": False}
    assert dropped == {"sector": ["x"], "year": ["1999"], "lang": ["xx"]}


def test_a_link_read_and_written_again_is_the_same_link():
    filters = Filters(sectors=("ai",), barrios=("0407",), year=2012, undated=False)
    query = query_for(filters, "es", metric="staff", level="comuna")
    assert ("metric", "staff") in query and ("level", "comuna") in query
    params: dict[str, list[str]] = {}
    for key, value in query:
        params.setdefault(key, []).append(value)
    state, dropped = read_link(params, {**ALLOWED, "level": ["barrio", "comuna"]})
    assert dropped == {}
    assert state == {
        "sector": ["ai"],
        "barrio": ["0407"],
        "year": "2012",
        "undated": False,
        "metric": "staff",
        "level": "comuna",
        "lang": "es",
    }
    # Defaults are left out of a link.
    assert query_for(Filters(), "en") == []
