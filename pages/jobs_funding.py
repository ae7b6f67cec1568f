"""Jobs & funding: the publishers' yearly series and the companies' reported figures."""

import streamlit as st

from medmap import state, ui
from medmap.charts import (
    annual_series_chart,
    company_figures,
    funding_timeline_chart,
    origin_timeline_chart,
)
from medmap.colors import sector_colors
from medmap.filters import year_in_medellin
from medmap.i18n import t
from medmap.series import SERIES_METRICS, multi_year_rows

view = state.view()
lang, data = view.lang, view.data
colors = sector_colors(data.sectors["sector"], view.located)
year = view.filters.year

st.header(t("origin_timeline_title", lang))
companies = view.shown[view.shown["kind"] == "company"]
years = year_in_medellin(companies)
st.caption(t("origin_timeline_note", lang, n=int(years.isna().sum()), total=len(companies)))
st.plotly_chart(
    origin_timeline_chart(companies, years, year, lang),
    key="origin_timeline",
    config={"displayModeBar": False},
)
st.divider()

st.header(t("city_series_title", lang))
st.caption(t("city_series_note", lang))
metrics = [m for m in SERIES_METRICS if (data.series["metric"] == m).any()]
columns = st.columns(2, gap="medium")
for i, metric in enumerate(metrics):
    with columns[i % 2]:
        st.plotly_chart(
            annual_series_chart(
                data.series,
                metric,
                t(f"series_{metric}", lang),
                t(f"series_{metric}_axis", lang),
                lang,
                year,
            ),
            key=f"series_{metric}",
            config={"displayModeBar": False},
        )
with st.expander(t("multi_year_title", lang), icon=":material/date_range:"):
    st.dataframe(multi_year_rows(data.series), hide_index=True, width="stretch")

st.divider()
st.header(t("company_figures_title", lang))
st.caption(t("company_figures_note", lang))
if view.shown.empty:
    ui.empty_state(lang)
else:
    figures = company_figures(view.shown, data.staff, data.funding, lang)
    if figures.missing:
        st.caption(t("no_figures", lang, n=figures.missing))
    for column, chart in zip(st.columns(2, gap="medium"), figures.charts, strict=True):
        with column:
            if chart.rows.empty:
                st.info(t("no_company_figures", lang), icon=":material/info:")
            else:
                st.plotly_chart(
                    chart.figure(lang, colors),
                    key=f"jf_{chart.key}",
                    config={"displayModeBar": False},
                )
    events = data.funding.merge(view.shown[["entity_id", "name"]], on="entity_id")
    if events["amount_usd"].notna().any():
        st.plotly_chart(
            funding_timeline_chart(events, lang, year),
            key="funding_timeline",
            config={"displayModeBar": False},
        )
