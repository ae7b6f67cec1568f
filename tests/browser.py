"""Browser helpers shared by the browser tests: locators, waits on Streamlit and the map."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from medmap.maps import SEVILLA_CLASS
from medmap.styles import CHART_PENDING_KEY, FILTERS_KEY, TOPBAR_KEY

from .conftest import IDLE

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = {
    "map": "/",
    "companies": "/companies",
    "neighbourhoods": "/neighbourhoods",
    "jobs_funding": "/jobs_funding",
    "about": "/about",
}
TOPBAR = f".st-key-{TOPBAR_KEY}"  # title, language, Share: on every page, embedded too
FILTERS = f".st-key-{FILTERS_KEY}"  # the filter bar (not in an embedded view)
CHART_PENDING = f'[class*="st-key-{CHART_PENDING_KEY}"]'
TIMEOUT_MS = 60_000
# Base map tiles are the only third-party content the app may ask for (the page
# fixture aborts them).
OSM_TILE = re.compile(r"^https?://([a-z0-9-]+\.)?tile\.openstreetmap\.org/")


def wait_idle(page, timeout: int = TIMEOUT_MS) -> None:
    """Streamlit has finished running the script (no running status widget)."""
    page.wait_for_function(IDLE, timeout=timeout)


def map_frame(page):
    return page.frame_locator(MAP_IFRAME)


def wait_map(page) -> None:
    """The map iframe has drawn its barrios and the Sevilla highlight."""
    frame = map_frame(page)
    frame.locator(f"path.{SEVILLA_CLASS}").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    frame.locator(".leaflet-overlay-pane path.leaflet-interactive").first.wait_for(
        state="attached", timeout=TIMEOUT_MS
    )


def wait_charts(page, timeout: int = TIMEOUT_MS) -> None:
    """No chart placeholder is left: the map reported that it is drawn and the charts
    beside it took their places (the first visit draws the map first, issue #10)."""
    page.wait_for_function(
        f"() => !document.querySelector('{CHART_PENDING}')", timeout=timeout, polling=100
    )


def open_app(page, url: str, with_map: bool = True) -> None:
    page.goto(url)
    page.locator(TOPBAR).wait_for(state="attached", timeout=TIMEOUT_MS)
    if with_map:
        wait_map(page)
        wait_charts(page)
    wait_idle(page)


def filter_multiselect(page, label: str):
    """The filter bar's multiselect whose (collapsed) label starts with ``label``."""
    return page.locator(f'{FILTERS} [data-testid="stMultiSelect"]').filter(
        has=page.locator(
            '[data-testid="stWidgetLabel"]', has_text=re.compile(f"^{re.escape(label)}")
        )
    )


def kpi(page, label: str) -> str:
    """The value shown by the KPI whose label is ``label``."""
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def poll(check: Callable[[], object], what: str, timeout: float = 30.0, required: bool = True):
    """Call ``check`` until it returns something truthy; after ``timeout`` s fail, or
    return the last (falsy) value when not ``required``."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.1)  # polling interval, not a wait for something to happen
    if required:
        raise AssertionError(f"timed out waiting for {what} (last: {last!r})")
    return last
