"""Map: the map of barrios and markers first and largest; the year, KPIs and charts beside it."""

from functools import partial

import folium
import streamlit as st
from streamlit_folium import st_folium

from medmap import runtime, shared, state, styles, timeline, ui
from medmap.i18n import format_count, t
from medmap.maps import MAP_HEIGHT, MAP_LEVELS, MAP_METRICS
from medmap.paths import geo_dir

KPI_ROW_HEIGHT = 80  # px: a label of up to two lines and its value

view = state.view()
lang, data = view.lang, view.data
# The pickers beside the map set these; the map comes first in the page, so read them here.
metric = state.view_value(state.METRIC_KEY)
level = state.view_value(state.LEVEL_KEY)
page = shared.compose(view, metric, level, runtime.geometry_urls(str(geo_dir())))

# Until this session's map reports that it is drawn, the charts and the map's table wait
# (placeholders of their size): their frontend code would hold up the map's (issue #10).
map_drawn = state.map_drawn()
map_col, side_col = st.columns([2, 1], gap="medium")
# A native height from the first paint (nothing below moves while the map loads);
# layout.css then fits it to the window.
with map_col, st.container(key=styles.MAP_FRAME_KEY, height=MAP_HEIGHT, border=False):
    st_folium(
        page.base_map,
        key=state.MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        # st_folium renders the map itself anyway; rendering its whole figure first would
        # build every element's script twice (a third of its time, issue #20).
        render=False,
        # The base map stays mounted; a filter change sends only these layers.
        feature_group_to_add=page.layers.groups,
        layer_control=folium.LayerControl(collapsed=True),
        # Only a barrio click (and the map's one "drawn" report) reruns the script;
        # pan and zoom stay in the browser.
        returned_objects=["last_active_drawing"],
        on_change=partial(state.on_map_change, frozenset(view.layers.barrios["code"])),
    )

with side_col:
    timeline.render_year_control(view.located, runtime.get_years(), view.filters, lang)
    # Three per row at every width, rows of fixed height: the KPIs take their place
    # from the first paint, whatever the language.
    with st.grid(
        3,
        wrap=False,
        min_column_width=90,
        row_height=KPI_ROW_HEIGHT,
        gap="xsmall",
        key=styles.KPI_KEY,
    ):
        for kpi in page.kpis:
            st.metric(kpi.label, kpi.value, help=kpi.help)
    if view.shown.empty:
        ui.empty_state(lang)
    # One above the other, labels collapsed (the options say what they do): as tall before
    # their code loads as after.
    with st.container(gap="xsmall", key=styles.MAP_PICKERS_KEY):
        pickers = (
            (state.METRIC_KEY, "map_metric", MAP_METRICS, metric, "picker"),
            (state.LEVEL_KEY, "map_level", MAP_LEVELS, level, "level"),
        )
        for key, label, options, value, names in pickers:
            widget = state.widget_key(key)
            st.segmented_control(
                t(label, lang),
                options,
                format_func=lambda option, names=names: t(f"{names}_{option}", lang),
                default=value,
                required=True,
                key=widget,
                label_visibility="collapsed",
                on_change=state.take_from_widget,
                args=(key, widget),
            )

with map_col:
    st.caption(t("map_caption", lang))
    if view.layers.stations is None:
        st.info(
            t("layer_missing", lang, layer=t("layer_metro", lang)), icon=":material/layers_clear:"
        )
    if page.layers.aggregated:
        st.caption(t("aggregated_note", lang, n=format_count(page.layers.located_companies, lang)))
    ui.map_as_table(page.choropleth, page.areas, lang, map_drawn)

# The charts (bench/run.py's "mapfloor" is this page cut here).
with side_col:
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
