"""The app's own CSS (Streamlit): the compact KPI grid, phone sizes, the embedded view.

The rules live in ``css/*.css``; ``st.html`` sends a style-only file to Streamlit's
event container, so it takes no space on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import streamlit as st

CSS_DIR: Final = Path(__file__).parent / "css"
KPI_KEY: Final = "kpis"  # the container of the Map page's KPIs (layout.css: .st-key-kpis)


def apply(embedded: bool) -> None:
    """Once per run, from app.py."""
    st.html(CSS_DIR / "layout.css")
    if embedded:
        st.html(CSS_DIR / "embed.css")
