"""Map: KPIs, the map of barrios and markers, and the charts beside it."""

from functools import partial

import folium
import streamlit as st
from streamlit_folium import st_folium

from medmap import mapview, runtime, state, styles, ui
from medmap.i18n import format_count, t
from medmap.maps import MAP_HEIGHT, MAP_LEVELS, MAP_METRICS
from medmap.paths import geo_dir

view = state.view()
lang, data = view.lang, view.data

kpi_cols = st.container(key=styles.KPI_KEY).columns(5)  # a grid on phones (styles)
for col, kpi in zip(kpi_cols, mapview.kpi_row(view), strict=True):
    col.metric(kpi.label, kpi.value, help=kpi.help)

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
    page = mapview.compose(view, metric, level, runtime.geometry_urls(str(geo_dir())))
    with st.container(key=styles.MAP_FRAME_KEY):  # its height kept while it loads
        st_folium(
            page.base_map,
            key=state.MAP_KEY,
            height=MAP_HEIGHT,
            use_container_width=True,
            # The base map stays mounted; a filter change sends only these layers.
            feature_group_to_add=page.layers.groups,
            layer_control=folium.LayerControl(collapsed=True),
            # Only a barrio click (and the map's one "drawn" report) reruns the script;
            # pan and zoom stay in the browser.
            returned_objects=["last_active_drawing"],
            on_change=partial(state.on_map_change, frozenset(view.layers.barrios["code"])),
        )
    st.caption(t("map_caption", lang))
    if view.layers.stations is None:
        st.info(
            t("layer_missing", lang, layer=t("layer_metro", lang)), icon=":material/layers_clear:"
        )
    if page.layers.aggregated:
        st.caption(t("aggregated_note", lang, n=format_count(page.layers.located_companies, lang)))
    ui.map_as_table(page.choropleth, page.areas, lang, map_drawn)

with chart_col:
    known_sectors = frozenset(data.sectors["sector"])
    if page.sector_chart is not None:
        chart = page.sector_chart
        ui.chart_beside_map(
            chart.figure,
            chart.key,
            partial(state.set_sectors_from_chart, chart.key, known_sectors),
            lang,
            map_drawn,
        )
        st.caption(t("chart_sectors_help", lang))
        if page.figures_missing:
            st.caption(t("no_figures", lang, n=page.figures_missing))
        for chart in page.company_charts:
            ui.chart_beside_map(
                chart.figure,
                chart.key,
                partial(state.set_sectors_from_chart, chart.key, known_sectors),
                lang,
                map_drawn,
            )
        st.caption(t("chart_company_help", lang))
