"""Plotly figures for jobs, funding, sectors and the publishers' series.

Plotly renders a small HTML subset in labels and hovers, so names from data
are escaped. Missing figures are not drawn as zero: they are left out and
counted in a caption by the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from medmap.colors import OKABE_ITO, ORIGIN_COLORS, OUTLINE_COLOR
from medmap.escaping import html_text
from medmap.filters import ORIGIN_OPTIONS, largest_raised, latest_staff, origin_codes
from medmap.i18n import format_count, format_usd, t

FONT = dict(family="Source Sans Pro, sans-serif", size=13)
QUALIFIER_MARK = {"approx": "~", "min": ">", "planned": "plan ", "forecast": "fcst ", "exact": ""}
# Sector bars are outlined, so a light sector colour still stands out 3:1 from the white.
BAR_OUTLINE = dict(color=OUTLINE_COLOR, width=1)


def _layout(
    fig: go.Figure, title: str, x_title: str = "", y_title: str = "", height: int = 320
) -> go.Figure:
    fig.update_layout(
        title=dict(text=html_text(title), font=dict(size=15)),
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=45, b=10),
        xaxis_title=x_title,
        yaxis_title=y_title,
        showlegend=False,
        plot_bgcolor="white",
        colorway=list(OKABE_ITO),  # publishers, event types: colour-blind-safe categories
    )
    fig.update_xaxes(gridcolor="#eee")
    return fig


def sector_chart(
    entities: pd.DataFrame, sector_labels: Mapping[str, str], colors: Mapping[str, str], lang: str
) -> go.Figure:
    """Entities per sector; each bar carries its sector slug for click-to-filter."""
    counts = entities["sector"].dropna().value_counts().sort_values()
    fig = go.Figure(
        go.Bar(
            x=counts.values,
            y=[html_text(sector_labels.get(s, s)) for s in counts.index],
            orientation="h",
            marker_color=[colors.get(s, "#888") for s in counts.index],
            marker_line=BAR_OUTLINE,
            customdata=list(counts.index),
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_xaxes(tick0=0, dtick=max(1, math.ceil(counts.max() / 5)) if len(counts) else 1)
    return _layout(
        fig,
        t("chart_sectors", lang),
        t("axis_entities", lang),
        height=max(220, 24 * len(counts) + 80),
    )


def company_values_chart(
    values: pd.DataFrame,
    value_column: str,
    title: str,
    axis: str,
    lang: str,
    colors: Mapping[str, str],
    money: bool = False,
) -> go.Figure:
    """One bar per company with a reported value (``values`` has name, sector, qualifier, date, source_id)."""
    ordered = values.sort_values(value_column)
    fmt = format_usd if money else format_count
    labels = [
        f"{QUALIFIER_MARK.get(q, '')}{fmt(v, lang)}"
        for v, q in zip(ordered[value_column], ordered["qualifier"], strict=True)
    ]
    hover = [
        f"<b>{html_text(n)}</b><br>{lab} · {html_text(d) or t('not_reported', lang)}<br>{t('hover_source', lang)}: {html_text(s)}"
        for n, lab, d, s in zip(
            ordered["name"], labels, ordered["date"], ordered["source_id"], strict=True
        )
    ]
    fig = go.Figure(
        go.Bar(
            x=ordered[value_column],
            y=[html_text(n) for n in ordered["name"]],
            orientation="h",
            text=labels,
            textposition="auto",
            marker_color=[colors.get(s, "#888") for s in ordered["sector"]],
            marker_line=BAR_OUTLINE,
            customdata=list(ordered["sector"]),
            hovertext=hover,
            hoverinfo="text",
        )
    )
    if money:
        fig.update_xaxes(type="log")
    return _layout(fig, title, axis, height=max(220, 26 * len(ordered) + 80))


@dataclass(frozen=True)
class CompanyChart:
    """One bar chart of a figure the shown companies report (staff, or largest funding)."""

    key: str
    rows: pd.DataFrame  # name, sector, the value column, qualifier, date, source_id
    column: str
    title: str
    axis: str
    money: bool

    def figure(self, lang: str, colors: Mapping[str, str]) -> go.Figure:
        return company_values_chart(
            self.rows, self.column, self.title, self.axis, lang, colors, money=self.money
        )


@dataclass(frozen=True)
class CompanyFigures:
    """The staff and funding charts of the companies shown, and how many report neither."""

    charts: tuple[CompanyChart, CompanyChart]
    missing: int


def company_figures(
    shown: pd.DataFrame, staff: pd.DataFrame, funding: pd.DataFrame, lang: str
) -> CompanyFigures:
    """Latest staff and largest raise of each company shown that reports one."""
    companies = shown.loc[shown["kind"] == "company", ["entity_id", "name", "sector"]]
    latest = latest_staff(staff).rename(columns={"as_of": "date"})
    largest = largest_raised(funding)
    # The few reporting companies first, so a large registry is not merged whole.
    staff_rows = companies[companies["entity_id"].isin(latest["entity_id"])].merge(
        latest, on="entity_id"
    )
    funding_rows = companies[companies["entity_id"].isin(largest["entity_id"])].merge(
        largest, on="entity_id"
    )
    reporting = set(staff_rows["entity_id"]) | set(funding_rows["entity_id"])
    charts = (
        CompanyChart(
            "staff_chart", staff_rows, "staff", t("chart_staff", lang), t("axis_staff", lang), False
        ),
        CompanyChart(
            "funding_chart",
            funding_rows,
            "amount_usd",
            t("chart_funding", lang),
            t("axis_funding", lang),
            True,
        ),
    )
    return CompanyFigures(charts, missing=len(companies) - len(reporting))


def mark_year(fig: go.Figure, year: int | None, lang: str) -> go.Figure:
    """A dashed vertical line at the year the view is "as of" (nothing when all years)."""
    if year is not None:
        fig.add_vline(
            x=year,
            line_dash="dash",
            line_color="#444",
            annotation_text=html_text(t("chart_as_of", lang, year=year)),
            annotation_position="top left",
        )
    return fig


def origin_timeline_chart(
    companies: pd.DataFrame, years: pd.Series, year: int | None, lang: str
) -> go.Figure:
    """Companies per year they came to Medellín (``years``, aligned with ``companies``),
    stacked by origin class; companies with no year are left out (the page says how many)."""
    dated = companies.assign(_year=years).dropna(subset=["_year"])
    origins = origin_codes(dated)
    fig = go.Figure()
    for origin in ORIGIN_OPTIONS:
        rows = dated[origins == origin]
        if rows.empty:
            continue
        counts = rows.groupby("_year").size()
        fig.add_trace(
            go.Bar(
                x=counts.index.astype(int),
                y=counts.to_numpy(),
                name=html_text(t(f"origin_{origin}", lang)),
                marker_color=ORIGIN_COLORS[origin],
                hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>",
            )
        )
    fig = _layout(
        fig, t("chart_origin_timeline", lang), t("axis_year", lang), t("axis_companies", lang)
    )
    fig.update_layout(barmode="stack", showlegend=True, legend=dict(orientation="h", y=-0.25))
    fig.update_xaxes(tickformat="d")
    return mark_year(fig, year, lang)


def annual_series_chart(
    series: pd.DataFrame, metric: str, title: str, axis: str, lang: str, year: int | None = None
) -> go.Figure:
    """Annual values of one metric, one line per publisher; missing years stay gaps."""
    annual = series[(series["metric"] == metric) & (series["period_start"] == series["period_end"])]
    fig = go.Figure()
    if annual.empty:
        return _layout(fig, title, t("axis_year", lang), axis)
    years = range(int(annual["period_start"].min()), int(annual["period_end"].max()) + 1)
    for publisher, rows in annual.groupby("publisher", sort=True):
        by_year = rows.set_index("period_start").reindex(years)
        fig.add_trace(
            go.Scatter(
                x=list(years),
                y=by_year["value"].astype("Float64").astype(float).tolist(),
                mode="lines+markers",
                connectgaps=False,
                name=html_text(publisher),
                hovertext=[
                    ""
                    if pd.isna(v)
                    else f"<b>{html_text(publisher)}</b> · {y}<br>{QUALIFIER_MARK.get(q, '')}{format_count(v, lang)}"
                    f"<br>{t('hover_source', lang)}: {html_text(s)}"
                    for y, v, q, s in zip(
                        years,
                        by_year["value"],
                        by_year["qualifier"],
                        by_year["source_id"],
                        strict=True,
                    )
                ],
                hoverinfo="text",
            )
        )
    fig = _layout(fig, title, t("axis_year", lang), axis)
    fig.update_layout(
        showlegend=True, legend=dict(title=t("publisher", lang), orientation="h", y=-0.25)
    )
    fig.update_xaxes(dtick=1)
    return mark_year(fig, year, lang)


def funding_timeline_chart(events: pd.DataFrame, lang: str, year: int | None = None) -> go.Figure:
    """Dated funding events in US$ (log scale), one colour per event type."""
    dated = events[events["date"].notna() & events["amount_usd"].notna()].copy()
    # Dates are partial (YYYY, YYYY-MM or YYYY-MM-DD): plot them at their year.
    dated["when"] = dated["date"].str[:4].astype(int)
    fig = go.Figure()
    for event_type, rows in dated.groupby("event_type", sort=True):
        fig.add_trace(
            go.Scatter(
                x=rows["when"],
                y=rows["amount_usd"],
                mode="markers",
                marker=dict(size=11),
                name=html_text(t(f"funding_{event_type}", lang)),
                hovertext=[
                    f"<b>{html_text(n)}</b><br>{html_text(t(f'funding_{event_type}', lang))} {html_text(r)} · {html_text(d)}"
                    f"<br>{QUALIFIER_MARK.get(q, '')}{format_usd(a, lang)}<br>{t('hover_source', lang)}: {html_text(s)}"
                    for n, r, d, q, a, s in zip(
                        rows["name"],
                        rows["round"],
                        rows["date"],
                        rows["qualifier"],
                        rows["amount_usd"],
                        rows["source_id"],
                        strict=True,
                    )
                ],
                hoverinfo="text",
            )
        )
    fig = _layout(
        fig,
        t("chart_funding_timeline", lang),
        t("axis_year", lang),
        t("axis_funding", lang),
        height=380,
    )
    fig.update_yaxes(type="log", dtick=1)
    years = dated["when"]
    if not years.empty:
        fig.update_xaxes(dtick=1, range=[years.min() - 0.5, years.max() + 0.5], tickformat="d")
    fig.update_layout(showlegend=True, legend=dict(orientation="h", y=-0.2))
    return mark_year(fig, year, lang)
