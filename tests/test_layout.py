"""The Map page's first screen in Chromium: the whole map on a laptop, filters in reach.

Geometry, not times: at each size the map frame (with its legend) is inside the first
screen, at least 450 px high, and the filters are visible without a click (#21).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import FILTERS, MAP_IFRAME, open_app
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

# The map's whole frame and its legend on the first screen; its share of the page width.
DESKTOPS = {(1440, 900): 0.55, (1280, 720): 0.5, (1920, 1080): 0.55}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("size", list(DESKTOPS))
def test_on_a_laptop_the_whole_map_is_on_the_first_screen(page, server, size, lang):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, f"{server.url}/?lang={lang}")
    frame = page.locator(MAP_IFRAME).bounding_box()
    assert frame["y"] + frame["height"] <= height, frame
    assert frame["height"] >= 450, frame
    assert frame["width"] >= DESKTOPS[size] * width, frame
    # The map grows with the window: the frame's bottom stays near the screen's.
    assert height - (frame["y"] + frame["height"]) <= 60, frame
    legend = page.locator(MAP_IFRAME).content_frame.locator(".medmap-legend")
    expect(legend.locator(".medmap-box-toggle")).to_have_attribute("aria-expanded", "true")
    box = legend.bounding_box()  # in the page's coordinates
    assert box["y"] + box["height"] <= height, box
    # Nothing cuts the frame off: its container is as tall as it (it was 520 px at 1440 x
    # 900, hiding the legend's lower half and the attribution).
    shown = page.locator(".st-key-map-frame").bounding_box()
    assert shown["y"] + shown["height"] >= frame["y"] + frame["height"] - 1, (shown, frame)
    assert box["y"] + box["height"] <= shown["y"] + shown["height"], (box, shown)
    # Every filter is visible without a click, above the map.
    boxes = page.locator(f'{FILTERS} [data-testid="stMultiSelect"]')
    expect(boxes).to_have_count(5)
    for i in range(5):
        expect(boxes.nth(i)).to_be_in_viewport()
        assert boxes.nth(i).bounding_box()["y"] < frame["y"]
    # The KPIs and the first chart beside the map, not below it.
    kpi = page.locator('[data-testid="stMetric"]').first.bounding_box()
    assert kpi["x"] > frame["x"] + frame["width"] and kpi["y"] < frame["y"] + frame["height"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-{width}x{height}-{lang}.png"))


# The main column's width when it first appears (Streamlit's loading skeleton).
FIRST_WIDTH = """
new MutationObserver((_, observer) => {
  const column = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (column) {
    window.__firstColumnWidth = column.getBoundingClientRect().width;
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


@pytest.mark.parametrize("path", ["/", "/companies"])
def test_the_page_has_its_final_width_from_the_first_paint(page, server, path):
    # Streamlit lays its skeleton out centred (736 px) until the page config arrives; a
    # page whose elements arrived in the same frame jumped (layout shift 0.21, #21).
    page.set_viewport_size({"width": 1440, "height": 900})
    page.add_init_script(FIRST_WIDTH)
    open_app(page, f"{server.url}{path}", with_map=path == "/")
    column = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert column["width"] == 1440
    assert page.evaluate("window.__firstColumnWidth") == column["width"]
