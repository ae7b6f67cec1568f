"""The city-level series (Ruta N, ACI, ProColombia...): one publisher at a time, never summed."""

from __future__ import annotations

import pandas as pd

# Metrics charted as yearly series, in display order.
SERIES_METRICS = ("companies_attracted", "jobs", "fdi_usd", "acti_pct_gdp")


def multi_year_rows(series: pd.DataFrame) -> pd.DataFrame:
    """Values covering several years (cumulative or multi-year totals), for a table."""
    rows = series[series["period_start"] != series["period_end"]]
    return rows[
        [
            "publisher",
            "metric",
            "period_start",
            "period_end",
            "value",
            "qualifier",
            "scope",
            "source_id",
        ]
    ].sort_values(["metric", "publisher", "period_end"])
