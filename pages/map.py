"""Map: KPIs, the map of barrios and markers, and the charts beside it."""

from functools import partial

import folium
import streamlit as st
from streamlit_folium import st_folium

from medmap import runtime, state, styles, ui
from medmap.charts import company_figures, sector_chart
from medmap.colors import sector_colors
from medmap.filters import compute_kpis, per_area
from medmap.i18n import format_count, format_usd, t
from medmap.maps import (
    MAP_HEIGHT,
    MAP_LEVELS,
    MAP_METRICS,
    Choropleth,
    EntityText,
    build_base_map,
    build_view_layers,
    district_labels,
)
from medmap.paths import geo_dir
from medmap.tables import figure_labels

view = state.view()
lang, data = view.lang, view.data
kpis = compute_kpis(view.shown, data.staff, data.funding)
colors = sector_colors(data.sectors["sector"], view.located)

kpi_cols = st.container(key=styles.KPI_KEY).columns(5)  # a grid on phones (styles)
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
on_map = int(view.shown.geometry.notna().sum())
kpi_cols[4].metric(
    t("kpi_on_map", lang),
    t(
        "kpi_on_map_value",
        lang,
        n=format_count(on_map, lang),
        total=format_count(len(view.shown), lang),
    ),
    help=t("kpi_on_map_help", lang),
)

if view.shown.empty:
    ui.empty_state(lang)

# Until this session's map reports that it is drawn, the charts and the map's table wait
# (placeholders of their size): their frontend code would hold up the map's (issue #10).
map_drawn = state.map_drawn()
map_col, chart_col = st.columns([3, 2], gap="medium")
with map_col:
    # One row that wraps: the two pickers sit side by side where they fit, stacked where not.
    pickers = st.container(horizontal=True, gap="small", key=styles.MAP_PICKERS_KEY)
    metric = (
        pickers.segmented_control(
            t("map_metric", lang),
            MAP_METRICS,
            format_func=lambda m: t(f"metric_{m}", lang),
            default="entities",
            key="map_metric",
        )
        or "entities"
    )
    level = (
        pickers.segmented_control(
            t("map_level", lang),
            MAP_LEVELS,
            format_func=lambda level: t(f"level_{level}", lang),
            default="barrio",
            key="map_level",
            help=t("map_level_help", lang),
        )
        or "barrio"
    )
    staff_labels, funding_labels = figure_labels(data, lang)
    barrios = view.layers.barrios
    base_map = build_base_map(
        barrios=barrios,
        urls=runtime.geometry_urls(str(geo_dir())),
        lang=lang,
        districts=data.districts,
    )
    # One Choropleth for the map and its table: the same values, so they cannot drift.
    choropleth = Choropleth(
        values=per_area(view.shown, data.staff, data.funding, f"{level}_code")[metric],
        metric=metric,
        selected=view.filters.barrios,
        level=level,
    )
    view_layers = build_view_layers(
        view.shown,
        view.layers,
        EntityText(
            sectors=view.sector_labels,
            staff=staff_labels,
            funding=funding_labels,
            source_urls=dict(zip(data.sources["source_id"], data.sources["url"], strict=True)),
            districts=district_labels(data.districts, lang),
        ),
        choropleth,
        lang,
        colors,
    )
    with st.container(key=styles.MAP_FRAME_KEY):  # its height kept while it loads
        st_folium(
            base_map,
            key=state.MAP_KEY,
            height=MAP_HEIGHT,
            use_container_width=True,
            # The base map stays mounted; a filter change sends only these layers.
            feature_group_to_add=view_layers.groups,
            layer_control=folium.LayerControl(collapsed=True),
            # Only a barrio click (and the map's one "drawn" report) reruns the script;
            # pan and zoom stay in the browser.
            returned_objects=["last_active_drawing"],
            on_change=partial(state.on_map_change, frozenset(barrios["code"])),
        )
    st.caption(t("map_caption", lang))
    if view.layers.stations is None:
        st.info(
            t("layer_missing", lang, layer=t("layer_metro", lang)), icon=":material/layers_clear:"
        )
    if view_layers.aggregated:
        st.caption(t("aggregated_note", lang, n=format_count(view_layers.located_companies, lang)))
    areas = barrios if level == "barrio" else view.layers.comunas
    ui.map_as_table(choropleth, areas, lang, map_drawn)

with chart_col:
    if not view.shown.empty:
        known_sectors = frozenset(data.sectors["sector"])
        ui.chart_beside_map(
            sector_chart(view.shown, view.sector_labels, colors, lang),
            "sector_chart",
            partial(state.set_sectors_from_chart, "sector_chart", known_sectors),
            lang,
            map_drawn,
        )
        st.caption(t("chart_sectors_help", lang))
        figures = company_figures(view.shown, data.staff, data.funding, lang)
        if figures.missing:
            st.caption(t("no_figures", lang, n=figures.missing))
        for chart in figures.charts:
            if chart.rows.empty:
                continue
            ui.chart_beside_map(
                chart.figure(lang, colors),
                chart.key,
                partial(state.set_sectors_from_chart, chart.key, known_sectors),
                lang,
                map_drawn,
            )
        st.caption(t("chart_company_help", lang))
