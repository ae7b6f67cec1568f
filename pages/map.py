"""Map: KPIs, the map of barrios and markers, and the charts beside it."""

import folium
import streamlit as st
from streamlit_folium import st_folium

from medmap import ui
from medmap.charts import company_values_chart, sector_chart
from medmap.filters import compute_kpis, per_area
from medmap.i18n import format_count, format_usd, t
from medmap.maps import (
    MAP_METRICS,
    MAX_INDIVIDUAL_MARKERS,
    build_base_map,
    build_view_layers,
    sector_colors,
)
from medmap.tables import figure_labels

view = ui.view()
lang, data = view.lang, view.data
kpis = compute_kpis(view.shown, data.staff, data.funding)
colors = sector_colors(data.sectors["sector"])

kpi_cols = st.columns(4)
kpi_cols[0].metric(
    t("kpi_companies", lang), format_count(kpis.companies, lang), help=t("kpi_companies_help", lang)
)
kpi_cols[1].metric(
    t("kpi_staff", lang),
    format_count(kpis.staff_total, lang) if kpis.staff_reporting else t("not_reported", lang),
    help=t("kpi_staff_help", lang, n=kpis.staff_reporting, total=kpis.companies),
)
kpi_cols[2].metric(
    t("kpi_funding", lang),
    format_usd(kpis.funding_total, lang) if kpis.funding_reporting else t("not_reported", lang),
    help=t("kpi_funding_help", lang, n=kpis.funding_reporting, total=kpis.companies),
)
kpi_cols[3].metric(
    t("kpi_institutions", lang),
    format_count(kpis.institutions, lang),
    help=t("kpi_institutions_help", lang),
)

if view.shown.empty:
    ui.empty_state(lang)

map_col, chart_col = st.columns([3, 2], gap="medium")
with map_col:
    metric = (
        st.segmented_control(
            t("map_metric", lang),
            MAP_METRICS,
            format_func=lambda m: t(f"metric_{m}", lang),
            default="entities",
            key="map_metric",
        )
        or "entities"
    )
    staff_labels, funding_labels = figure_labels(data, lang)
    barrios, comunas = view.layers.barrios, view.layers.comunas
    urls = ui.geometry_urls(str(ui.geo_dir()))
    base_map = build_base_map(
        barrios=barrios,
        barrios_url=urls["barrios"],
        comunas_url=urls["comunas"],
        stations_url=urls.get("stations"),
        lang=lang,
    )
    view_layers = build_view_layers(
        barrios=barrios,
        comunas=comunas,
        entities=view.shown,
        sources=data.sources,
        sector_labels=view.sector_labels,
        staff_labels=staff_labels,
        funding_labels=funding_labels,
        barrio_values=per_area(view.shown, data.staff, data.funding)[metric],
        metric=metric,
        lang=lang,
        selected_barrios=view.filters.barrios,
        colors=colors,
    )
    st_folium(
        base_map,
        key=ui.MAP_KEY,
        height=620,
        use_container_width=True,
        # The base map stays mounted; a filter change sends only these layers.
        feature_group_to_add=view_layers,
        layer_control=folium.LayerControl(collapsed=True),
        # Only a barrio click reruns the script; pan and zoom stay in the browser.
        returned_objects=["last_active_drawing"],
        on_change=ui.select_barrio_from_map,
    )
    st.caption(t("map_caption", lang))
    if view.layers.stations is None:
        st.info(
            t("layer_missing", lang, layer=t("layer_metro", lang)), icon=":material/layers_clear:"
        )
    located_companies = int((view.shown.geometry.notna() & (view.shown["kind"] == "company")).sum())
    if located_companies > MAX_INDIVIDUAL_MARKERS:
        st.caption(t("aggregated_note", lang, n=format_count(located_companies, lang)))
    unplaced = int(view.shown.geometry.isna().sum())
    if unplaced:
        st.caption(t("no_point", lang, n=unplaced))

with chart_col:
    if not view.shown.empty:
        st.plotly_chart(
            sector_chart(view.shown, view.sector_labels, colors, lang),
            key="sector_chart",
            on_select=lambda: ui.set_sectors_from_chart("sector_chart"),
            selection_mode="points",
            config={"displayModeBar": False},
        )
        st.caption(t("chart_sectors_help", lang))
        for key, values, column, title, axis, money in ui.company_chart_inputs(view):
            if values.empty:
                continue
            st.plotly_chart(
                company_values_chart(values, column, title, axis, lang, colors, money=money),
                key=key,
                on_select=lambda key=key: ui.set_sectors_from_chart(key),
                selection_mode="points",
                config={"displayModeBar": False},
            )
        st.caption(t("chart_company_help", lang))
