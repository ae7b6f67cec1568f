"""The map comes first (issue #10), in Chromium: on a first visit the map is drawn before
any Plotly chart, each chart takes its placeholder's place without moving anything, and
later runs (a filter change) draw the charts at once, with the map updated in place.

The page records, frame by frame, when the map iframe first shows its barrios and
markers and when the first Plotly chart first shows its SVG: the test asserts their
order, not a time.
"""

from __future__ import annotations

import pytest

from .browser import (
    CHART_PENDING,
    MAP_IFRAME,
    TIMEOUT_MS,
    filter_multiselect,
    kpi,
    poll,
    wait_charts,
    wait_idle,
    wait_map,
)

pytestmark = pytest.mark.browser

# Runs in the page before its scripts: one check per animation frame.
RECORD_ORDER = """
(() => {
  if (window.top !== window) return;
  const o = window.__order = {mapDrawn: 0, firstChart: 0, placeholders: {}, pendingLater: 0};
  const tick = () => {
    const now = performance.now();
    const frame = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const doc = frame && frame.contentDocument;
    if (!o.mapDrawn && doc) {
      const barrios = doc.querySelectorAll(
        ".leaflet-overlay-pane path.leaflet-interactive:not(.medmap-company)").length;
      const markers = doc.querySelectorAll(".leaflet-marker-pane > *, path.medmap-company").length;
      if (barrios >= %(barrios)d && markers > 0) o.mapDrawn = now;
    }
    if (!o.firstChart && document.querySelector('[data-testid="stPlotlyChart"] .main-svg')) {
      o.firstChart = now;
    }
    for (const box of document.querySelectorAll('%(pending)s')) {
      if (o.firstChart) o.pendingLater += 1;
      const r = box.getBoundingClientRect();
      const key = [...box.classList].find((c) => c.startsWith("st-key-")).slice(7);
      o.placeholders[key] = {top: r.top + window.scrollY, height: r.height};
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""

# Where each chart sits once drawn, by its key (the placeholder's key without the prefix).
CHART_BOXES = """(prefix) => Object.fromEntries(
  Object.keys(window.__order.placeholders).map((key) => {
    const chart = document.querySelector(`.st-key-${key.slice(prefix.length + 1)}`);
    const r = chart ? chart.getBoundingClientRect() : null;
    return [key, r && {top: r.top + window.scrollY, height: r.height}];
  }))"""


def test_first_visit_draws_the_map_before_any_chart_and_nothing_moves(page, server, layers):
    page.add_init_script(RECORD_ORDER % {"barrios": len(layers.barrios), "pending": CHART_PENDING})
    page.goto(server.url + "/")
    wait_map(page)
    wait_charts(page)
    wait_idle(page)
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=TIMEOUT_MS)

    order = page.evaluate("window.__order")
    assert order["mapDrawn"] > 0, "the map was never seen drawn"
    assert order["firstChart"] > 0, "no Plotly chart was drawn"
    assert order["mapDrawn"] < order["firstChart"], order
    # The charts waited in placeholders of their own size, and took exactly their places.
    placeholders = order["placeholders"]
    assert placeholders, "no chart placeholder was shown while the map was drawn"
    charts = page.evaluate(CHART_BOXES, "chart-pending")
    for key, box in placeholders.items():
        assert charts[key] is not None, f"no chart replaced {key}"
        assert charts[key]["height"] == pytest.approx(box["height"], abs=1), key
        assert charts[key]["top"] == pytest.approx(box["top"], abs=1), key

    # Later runs draw the charts at once: a filter change shows no placeholder, and the
    # map is the same iframe, updated in place.
    page.locator(MAP_IFRAME).evaluate("(f) => { f.dataset.testMounted = 'first'; }")
    before = kpi(page, "Companies shown")
    box = filter_multiselect(page, "Origin")
    box.click()
    page.get_by_role("option", name="homegrown", exact=True).click()
    page.keyboard.press("Escape")
    poll(lambda: kpi(page, "Companies shown") != before, "the KPIs to follow the filter")
    wait_idle(page)
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=TIMEOUT_MS)
    assert page.evaluate("window.__order.pendingLater") == 0
    assert page.locator(MAP_IFRAME).evaluate("(f) => f.dataset.testMounted") == "first"
