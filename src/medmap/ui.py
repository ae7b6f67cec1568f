"""Page pieces the pages share: empty state, figure tables, area columns, the template download,
the map as a table, a chart that waits for the map."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from medmap.i18n import format_count, format_usd, t
from medmap.map_table import map_table
from medmap.maps import Choropleth
from medmap.problems import Problem
from medmap.styles import CHART_PENDING_KEY
from medmap.upload import template_csv


def empty_state(lang: str) -> None:
    st.info(
        f"**{t('empty_title', lang)}**  \n{t('empty_body', lang)}", icon=":material/search_off:"
    )


def area_columns(lang: str) -> dict:
    """Column labels for the per-area tables."""
    return {
        "code": t("col_code", lang),
        "name": t("col_area", lang),
        "entities": st.column_config.NumberColumn(t("metric_entities", lang)),
        "staff": st.column_config.NumberColumn(t("metric_staff", lang)),
        "funding": st.column_config.NumberColumn(t("metric_funding", lang)),
    }


def problems_table(problems: list[Problem], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col_row", lang): [p.row for p in problems],
            t("col_column", lang): [p.column for p in problems],
            t("col_problem", lang): [p.message(lang) for p in problems],
            t("col_value", lang): [p.value for p in problems],
            t("col_severity", lang): [t("notice" if p.notice else "error", lang) for p in problems],
        }
    )


def template_download(lang: str) -> None:
    """The empty companies file to fill in (Companies and About pages)."""
    st.download_button(
        t("upload_template", lang),
        template_csv(),
        file_name="medmap-companies-template.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def styled_figures(df: pd.DataFrame, lang: str, counts=(), money=()) -> object:
    """A table whose missing figures read "not reported" and whose numbers follow the locale,
    while the columns stay numeric (so they still sort as numbers)."""
    formats = {c: (lambda v, lang=lang: format_count(v, lang)) for c in counts}
    formats |= {c: (lambda v, lang=lang: format_usd(v, lang)) for c in money}
    return df.style.format(formats, na_rep=t("not_reported", lang))


def map_as_table(choropleth: Choropleth, areas: pd.DataFrame, lang: str, ready: bool) -> None:
    """Under the map: its areas and values as a real table (read by screen readers).

    Until the map is drawn (``ready``) the collapsed expander holds only its caption: the
    table's 0.9 MB of frontend code would otherwise load before the map's.
    """
    rows = map_table(choropleth, areas)
    metric = t(f"metric_{choropleth.metric}", lang)
    with st.expander(t("map_table", lang), icon=":material/table_view:"):
        st.caption(
            t(
                "map_table_help",
                lang,
                level=t(f"legend_title_{choropleth.level}", lang),
                metric=metric,
                area=t(f"legend_level_{choropleth.level}", lang),
            )
        )
        if rows.empty:
            st.caption(t("map_table_empty", lang))
            return
        if not ready:
            st.caption(t("map_table_pending", lang))
            return
        money = choropleth.metric == "funding"
        shown = rows.rename(
            columns={"code": t("col_code", lang), "name": t("col_area", lang), "value": metric}
        )
        st.table(
            styled_figures(shown, lang, counts=() if money else (metric,), money=(metric,) * money),
            hide_index=True,
            height="content" if len(rows) <= 15 else 420,
        )


def chart_beside_map(
    figure: go.Figure, key: str, on_select: Callable[[], None], lang: str, ready: bool
) -> None:
    """A clickable Plotly chart beside the map or, until the map is drawn, a box of its size.

    The first chart on a page loads and evaluates Plotly's 4.7 MB chunk in one long task
    on the main thread that the map iframe shares: the map comes first (issue #10).
    """
    if not ready:
        box = st.container(
            height=int(figure.layout.height), border=False, key=f"{CHART_PENDING_KEY}-{key}"
        )
        box.caption(t("chart_pending", lang))
        return
    st.plotly_chart(
        figure,
        key=key,
        on_select=on_select,
        selection_mode="points",
        config={"displayModeBar": False},
    )
