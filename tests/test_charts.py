"""Plotly figures: what each chart draws from hand-made frames, escaped, gaps never zero."""

from __future__ import annotations

import pandas as pd

from medmap.charts import (
    annual_series_chart,
    company_figures,
    funding_timeline_chart,
    sector_chart,
)

ENTITIES = pd.DataFrame(
    {
        "entity_id": ["a", "b", "c", "u"],
        "name": ["<b>Alpha</b>", "Beta", "Gamma", "Uni"],
        "kind": ["company", "company", "company", "institution"],
        "sector": ["ai", "ai", "fintech", "university"],
    }
)
STAFF = pd.DataFrame(
    {
        "entity_id": ["a", "a", "u"],
        "staff": [10, 40, 900],
        "qualifier": ["exact", "approx", "exact"],
        "as_of": ["2019", "2021", "2020"],
        "scope": ["medellin"] * 3,
        "source_id": ["S1", "S2", "S3"],
    }
)
FUNDING = pd.DataFrame(
    {
        "entity_id": ["b", "b", "c"],
        "amount_usd": [5e6, 2e7, None],
        "event_type": ["round", "round", "round"],
        "round": ["Seed", "Series A", "Seed"],
        "date": ["2020", "2022-03", None],
        "qualifier": ["exact", "exact", "exact"],
        "source_id": ["S4", "S5", "S6"],
    }
)


def test_sector_chart_counts_entities_per_sector_and_carries_the_slug():
    fig = sector_chart(ENTITIES, {"ai": "AI <i>", "fintech": "Fintech"}, {"ai": "#123456"}, "en")
    bar = fig.data[0]
    counts = dict(zip(bar.customdata, bar.x, strict=True))
    assert counts == {"ai": 2, "fintech": 1, "university": 1}
    assert "AI &lt;i&gt;" in bar.y and "<i>" not in "".join(bar.y)
    assert list(bar.x) == sorted(bar.x)  # largest bar last: drawn at the top


def test_company_figures_keep_only_reporting_companies_and_count_the_rest():
    figures = company_figures(ENTITIES, STAFF, FUNDING, "es")
    staff, funding = figures.charts
    assert list(staff.rows["entity_id"]) == ["a"]  # the institution's staff is not a company's
    assert staff.rows["staff"].tolist() == [40]  # the latest figure
    assert list(funding.rows["entity_id"]) == ["b"]  # c reports no amount
    assert funding.rows["amount_usd"].tolist() == [2e7]  # the largest raise
    assert figures.missing == 1  # c reports neither
    assert staff.title != funding.title and funding.money and not staff.money


def test_company_chart_escapes_names_and_marks_qualifiers():
    staff, _ = company_figures(ENTITIES, STAFF, FUNDING, "en").charts
    bar = staff.figure("en", {"ai": "#123456"}).data[0]
    assert bar.y == ("&lt;b&gt;Alpha&lt;/b&gt;",)
    assert bar.text == ("~40",)
    assert bar.marker.color == ("#123456",)


def test_annual_series_leaves_missing_years_as_gaps():
    series = pd.DataFrame(
        {
            "publisher": ["Ruta N", "Ruta N", "ACI"],
            "metric": ["jobs"] * 3,
            "period_start": [2015, 2018, 2016],
            "period_end": [2015, 2018, 2016],
            "value": [100, 300, 50],
            "qualifier": ["exact"] * 3,
            "source_id": ["S1", "S2", "S3"],
        }
    )
    fig = annual_series_chart(series, "jobs", "Jobs", "jobs", "en")
    traces = {trace.name: trace for trace in fig.data}
    assert set(traces) == {"Ruta N", "ACI"}  # one line per publisher, never summed
    assert list(traces["Ruta N"].x) == [2015, 2016, 2017, 2018]
    ruta_n = traces["Ruta N"].y
    assert ruta_n[0] == 100 and ruta_n[3] == 300
    assert pd.isna(ruta_n[1]) and pd.isna(ruta_n[2])


def test_funding_timeline_draws_only_dated_amounts_at_their_year():
    events = FUNDING.merge(ENTITIES[["entity_id", "name"]], on="entity_id")
    fig = funding_timeline_chart(events, "en")
    points = [(x, y) for trace in fig.data for x, y in zip(trace.x, trace.y, strict=True)]
    assert sorted(points) == [(2020, 5e6), (2022, 2e7)]
