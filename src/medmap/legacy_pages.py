"""The workaround for Streamlit's legacy ``pages/`` mode on a fresh server's first run.

Cause: with a ``pages/`` folder beside the entry script, Streamlit starts in its
old multipage mode (auto-discovery) until ``st.navigation`` first runs. So the
first run of a fresh server runs a page URL's file alone, without app.py (no
sidebar, no filters from the link), and even app.py gets other widget ids than in
later runs, so a first interaction would be lost. ``pages/`` is the product's
layout, so instead of renaming it each run is routed through the frame.

Checked on Streamlit 1.67.0 (``PagesManager.uses_pages_directory`` and the
``_mpa_v1`` runner function). Guarded by ``tests/test_browser.py::
test_every_page_opens_first_on_fresh_server`` (every page URL first on a fresh
server) and ``tests/test_load.py::test_concurrent_first_visitors_get_the_frame``.
"""

from __future__ import annotations

import sys

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_frame() -> None:
    """Make sure every run goes through app.py's frame and ``st.navigation``.

    Switching the legacy mode off, as ``st.navigation`` itself does, and rerunning
    fixes both symptoms above.
    """
    if in_pages_directory_run(sys._getframe(1)):
        PagesManager.uses_pages_directory = False
        st.rerun()


def in_pages_directory_run(frame) -> bool:
    """Whether the run that called from ``frame`` was started in pages/ mode.

    Read from the call stack, not from Streamlit's process-wide flag: when two
    sessions start together on a fresh server, the first one clears the flag
    while the second is already running in that mode.
    """
    while frame is not None:
        if frame.f_code.co_name == "_mpa_v1" and "streamlit" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False
