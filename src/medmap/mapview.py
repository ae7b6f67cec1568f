"""One Map-page view as objects any renderer takes: the KPI row, the folium map, its layers, the charts.

The live Map page hands these objects to Streamlit; a published page hands the same
objects to a static renderer. Neither computes a KPI, a layer or a figure of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from medmap.charts import company_figures, sector_chart
from medmap.colors import sector_colors
from medmap.filters import compute_kpis, per_area
from medmap.i18n import format_count, format_usd, t
from medmap.maps import (
    Choropleth,
    ViewLayers,
    build_base_map,
    build_view_layers,
    district_labels,
)
from medmap.markers import EntityText
from medmap.state import View
from medmap.tables import figure_labels


@dataclass(frozen=True)
class Kpi:
    """One headline figure: its label, its value as shown, and what it counts."""

    key: str
    label: str
    value: str
    help: str


@dataclass(frozen=True)
class Chart:
    """A chart beside the map: its widget key and figure."""

    key: str
    figure: go.Figure


@dataclass(frozen=True)
class MapView:
    """Everything the Map page shows for one view, in the order it shows it."""

    kpis: tuple[Kpi, ...]
    base_map: folium.Map
    layers: ViewLayers
    choropleth: Choropleth
    areas: gpd.GeoDataFrame  # the coloured level's areas, for the map as a table
    sector_chart: Chart | None  # None when nothing is shown
    company_charts: tuple[Chart, ...]  # staff, funding: those with a reporting company
    figures_missing: int  # companies shown that report neither staff nor funding


def kpi_row(view: View) -> tuple[Kpi, ...]:
    """The KPI row of the view, labels and values in its language."""
    lang, data = view.lang, view.data
    kpis = compute_kpis(view.shown, data.staff, data.funding)
    not_reported = t("not_reported", lang)
    on_map = int(view.shown.geometry.notna().sum())
    return (
        Kpi(
            "companies",
            t("kpi_companies", lang),
            format_count(kpis.companies, lang),
            t("kpi_companies_help", lang),
        ),
        Kpi(
            "staff",
            t("kpi_staff", lang),
            format_count(kpis.staff_total, lang) if kpis.staff_reporting else not_reported,
            t("kpi_staff_help", lang, n=kpis.staff_reporting, total=kpis.companies),
        ),
        Kpi(
            "funding",
            t("kpi_funding", lang),
            format_usd(kpis.funding_total, lang) if kpis.funding_reporting else not_reported,
            t("kpi_funding_help", lang, n=kpis.funding_reporting, total=kpis.companies),
        ),
        Kpi(
            "organisations",
            t("kpi_organisations", lang),
            format_count(kpis.organisations, lang),
            t("kpi_organisations_help", lang),
        ),
        Kpi(
            "on_map",
            t("kpi_on_map", lang),
            t(
                "kpi_on_map_value",
                lang,
                n=format_count(on_map, lang),
                total=format_count(len(view.shown), lang),
            ),
            t("kpi_on_map_help", lang),
        ),
    )


@dataclass(frozen=True)
class ViewFigures:
    """What a view computes besides its folium objects: the same for every reader of its
    link, so it can be shared (``medmap.shared``). Read-only: renderers never change it."""

    kpis: tuple[Kpi, ...]
    values: pd.Series  # the choropleth's value per area of the level
    colors: dict[str, str]  # sector -> colour
    staff_labels: dict[str, str]
    funding_labels: dict[str, str]
    sector_chart: Chart | None
    company_charts: tuple[Chart, ...]
    figures_missing: int


def view_figures(view: View, metric: str, level: str) -> ViewFigures:
    """The KPIs, per-area values, labels and charts of ``view`` (no folium object)."""
    lang, data = view.lang, view.data
    colors = sector_colors(data.sectors["sector"], view.located)
    staff_labels, funding_labels = figure_labels(data, lang)
    sectors, company, missing = None, (), 0
    if not view.shown.empty:
        sectors = Chart("sector_chart", sector_chart(view.shown, view.sector_labels, colors, lang))
        figures = company_figures(view.shown, data.staff, data.funding, lang)
        missing = figures.missing
        company = tuple(
            Chart(chart.key, chart.figure(lang, colors))
            for chart in figures.charts
            if not chart.rows.empty
        )
    return ViewFigures(
        kpis=kpi_row(view),
        values=per_area(view.shown, data.staff, data.funding, f"{level}_code")[metric],
        colors=colors,
        staff_labels=staff_labels,
        funding_labels=funding_labels,
        sector_chart=sectors,
        company_charts=company,
        figures_missing=missing,
    )


def view_base_map(view: View, urls: Mapping[str, str]) -> folium.Map:
    """The map under the view's layers: the same for every filter of one language."""
    layers, data = view.layers, view.data
    return build_base_map(
        barrios=layers.barrios, urls=urls, lang=view.lang, districts=data.districts
    )


def compose(
    view: View,
    metric: str,
    level: str,
    urls: Mapping[str, str],
    figures: ViewFigures | None = None,
    base_map: folium.Map | None = None,
) -> MapView:
    """The Map page of ``view``, its areas coloured by ``metric`` per ``level``.

    ``urls`` are the display geometry's files (barrios, comunas, stations) as the
    renderer serves them. ``figures`` and ``base_map``: the view's :func:`view_figures`
    and :func:`view_base_map` when already built (shared by the readers of a link, and
    the base map by every link of a language). :mod:`medmap.shared` keeps one page per
    link and gives each run a copy, since st_folium adds to what it renders.
    """
    lang, data = view.lang, view.data
    figures = figures or view_figures(view, metric, level)
    barrios = view.layers.barrios
    if base_map is None:
        base_map = view_base_map(view, urls)
    # One Choropleth for the map and its table: the same values, so they cannot drift.
    choropleth = Choropleth(
        values=figures.values,
        metric=metric,
        selected=view.filters.barrios,
        level=level,
    )
    layers = build_view_layers(
        view.shown,
        view.layers,
        EntityText(
            sectors=view.sector_labels,
            staff=figures.staff_labels,
            funding=figures.funding_labels,
            source_urls=dict(zip(data.sources["source_id"], data.sources["url"], strict=True)),
            districts=district_labels(data.districts, lang),
        ),
        choropleth,
        lang,
        figures.colors,
    )
    return MapView(
        kpis=figures.kpis,
        base_map=base_map,
        layers=layers,
        choropleth=choropleth,
        areas=barrios if level == "barrio" else view.layers.comunas,
        sector_chart=figures.sector_chart,
        company_charts=figures.company_charts,
        figures_missing=figures.figures_missing,
    )
