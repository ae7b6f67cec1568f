"""The app's own CSS and page language (Streamlit): KPI grid, phone sizes, embedded view.

The rules live in ``css/*.css``; ``st.html`` sends a style-only file to Streamlit's
event container, so it takes no space on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import streamlit as st

CSS_DIR: Final = Path(__file__).parent / "css"
PAGE_LANG_JS: Final = (Path(__file__).parent / "js" / "page-lang.js").read_text(encoding="utf-8")
TOPBAR_KEY: Final = "topbar"  # title, language and "Share this view"
FILTERS_KEY: Final = (
    "filters"  # the filter bar (a grid: one row on a laptop, two columns on a phone)
)
KPI_KEY: Final = "kpis"  # the Map page's KPIs beside the map
YEAR_CONTROL_KEY: Final = "year-control"  # the year control, compact on phones
MAP_PICKERS_KEY: Final = "map-pickers"  # the two pickers of the areas' colours
MAP_FRAME_KEY: Final = "map-frame"  # the map's container, its height reserved (layout.css)
# A chart's place until the map is drawn (layout.css; ui.chart_beside_map, issue #10).
CHART_PENDING_KEY: Final = "chart-pending"


def apply(embedded: bool) -> None:
    """Once per run, from app.py."""
    # Also in the page serve.py serves (medmap.first_paint); here for app.py run directly.
    st.html(CSS_DIR / "first-paint.css")
    st.html(CSS_DIR / "layout.css")
    if embedded:
        st.html(CSS_DIR / "embed.css")


def set_page_language(lang: str) -> None:
    """``<html lang>`` follows the chosen language (app.py, after the page).

    ``lang`` is one of LANGS (checked by the language radio), never text from the link.
    """
    st.html(
        f'<span hidden data-medmap-lang="{lang}"></span><script>{PAGE_LANG_JS}</script>',
        unsafe_allow_javascript=True,
    )
