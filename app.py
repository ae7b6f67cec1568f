"""medmap: the frame. Page config, the controls above every page (filters, language, link),
navigation."""

from pathlib import Path

import streamlit as st

from medmap import embed, failover, runtime, state, styles
from medmap.controls import read_session_link, render_controls
from medmap.i18n import t
from medmap.legacy_pages import require_frame
from medmap.timeline import render_year_control

embedded = embed.is_embedded()
st.set_page_config(
    page_title="medmap · Medellín tech ecosystem",
    # A local file: a Material icon would be fetched from Google Fonts.
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
    # No sidebar: the filters are in the page (medmap.controls).
    initial_sidebar_state="collapsed",
)
require_frame()  # before any widget: the first run of a fresh server must not be a pages/ run
runtime.setup_static_assets()
styles.apply(embedded)
loaded = runtime.load_or_explain(state.current_lang())
read_session_link(loaded.layers, loaded.dataset, runtime.get_years())
lang = state.current_lang()

map_page = st.Page("pages/map.py", title=t("page_map", lang), icon=":material/map:", default=True)
page = st.navigation(
    [
        map_page,
        st.Page("pages/companies.py", title=t("page_companies", lang), icon=":material/business:"),
        st.Page(
            "pages/neighbourhoods.py",
            title=t("page_neighbourhoods", lang),
            icon=":material/location_city:",
        ),
        st.Page(
            "pages/jobs_funding.py",
            title=t("page_jobs_funding", lang),
            icon=":material/trending_up:",
        ),
        st.Page("pages/about.py", title=t("page_about", lang), icon=":material/info:"),
    ],
    position="hidden" if embedded else "top",
)
lang = render_controls(loaded.layers, loaded.dataset, embedded)
if page.url_path != map_page.url_path:  # the Map page has it beside the map
    render_year_control(loaded.located, runtime.get_years(), state.current_filters(), lang)
state.publish_view(loaded)  # the one load of this run, read by the page
try:
    page.run()
finally:
    state.forget_view()
state.write_link()  # last: the link holds what this run showed
# After the page: its elements keep their places (the map is not remounted).
styles.set_page_language(lang)
runtime.release_free_memory()
failover.rerun_after_reconnect()  # a page moved to another process runs again
