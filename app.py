"""medmap: the frame. Page config, shared sidebar (filters, language, link), navigation."""

from pathlib import Path

import streamlit as st

from medmap import embed, runtime, state, styles
from medmap.i18n import t
from medmap.legacy_pages import require_frame
from medmap.sidebar import render_sidebar
from medmap.timeline import render_year_control

embedded = embed.is_embedded()
st.set_page_config(
    page_title="medmap · Medellín tech ecosystem",
    # A local file: a Material icon would be fetched from Google Fonts.
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
    # Embedded: the sidebar is still rendered (its widgets hold the link's filters), never shown.
    initial_sidebar_state="collapsed" if embedded else "auto",
)
require_frame()  # before any widget: the first run of a fresh server must not be a pages/ run
runtime.setup_static_assets()
styles.apply(embedded)
loaded = runtime.load_or_explain(state.current_lang())
render_sidebar(loaded.layers, loaded.dataset, runtime.get_years())
lang = state.current_lang()

page = st.navigation(
    [
        st.Page("pages/map.py", title=t("page_map", lang), icon=":material/map:", default=True),
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
st.title(t("app_title", lang))
if embedded:
    embed.source_link(lang)
else:
    st.container(key=styles.SUBTITLE_KEY).caption(t("app_subtitle", lang))
# Before the view is built: the year from a link applies on the first run.
render_year_control(loaded, runtime.get_years(), state.current_filters(), lang)
state.publish_view(loaded)  # the one load of this run, read by the page
page.run()
styles.set_page_language(
    lang
)  # last: the page's elements keep their places (the map is not remounted)
runtime.release_free_memory()
