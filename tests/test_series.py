"""The publishers' multi-year values, kept apart from the yearly series."""

from __future__ import annotations

from medmap.series import SERIES_METRICS, multi_year_rows


def test_multi_year_rows_are_the_ones_spanning_several_years(dataset):
    rows = multi_year_rows(dataset.series)
    assert len(rows) > 0
    assert (rows["period_start"] != rows["period_end"]).all()
    annual = dataset.series[dataset.series["period_start"] == dataset.series["period_end"]]
    assert len(rows) + len(annual) == len(dataset.series)
    ordered = rows.sort_values(["metric", "publisher", "period_end"])
    assert rows.index.tolist() == ordered.index.tolist()


def test_the_charted_metrics_exist_in_the_shipped_series(dataset):
    present = set(dataset.series["metric"])
    assert set(SERIES_METRICS) <= present
