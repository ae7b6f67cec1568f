"""The Map page's view objects: KPI row and composition, shared by the live and published pages."""

from __future__ import annotations

import pytest

from medmap.filters import Filters, compute_kpis
from medmap.i18n import format_count, t
from medmap.mapview import compose, kpi_row
from medmap.runtime import Loaded
from medmap.state import build_view

URLS = {"barrios": "b.json", "comunas": "c.json", "stations": "s.json"}


@pytest.fixture
def loaded(dataset, layers, located) -> Loaded:
    return Loaded(dataset=dataset, located=located, layers=layers)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_kpi_row_labels_and_counts_follow_the_view(loaded, lang):
    view = build_view(loaded, lang, Filters(sectors=("fintech",)))
    kpis = {kpi.key: kpi for kpi in kpi_row(view)}
    counted = compute_kpis(view.shown, view.data.staff, view.data.funding)
    assert kpis["companies"].label == t("kpi_companies", lang)
    assert kpis["companies"].value == format_count(counted.companies, lang)
    on_map = int(view.shown.geometry.notna().sum())
    assert kpis["on_map"].value == t(
        "kpi_on_map_value",
        lang,
        n=format_count(on_map, lang),
        total=format_count(len(view.shown), lang),
    )


def test_compose_gives_the_charts_of_the_view_and_none_for_an_empty_one(loaded):
    full = compose(build_view(loaded, "en", Filters()), "entities", "barrio", URLS)
    assert full.sector_chart is not None
    assert {c.key for c in full.company_charts} == {"staff_chart", "funding_chart"}
    assert len(full.areas) == len(loaded.layers.barrios)
    nothing = compose(build_view(loaded, "en", Filters(barrios=("9999",))), "staff", "comuna", URLS)
    assert nothing.sector_chart is None and nothing.company_charts == ()
    assert len(nothing.areas) == len(loaded.layers.comunas)
    assert nothing.choropleth.metric == "staff"
