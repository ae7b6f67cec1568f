"""Accessibility checked by a machine: axe-core on every page, both languages, desktop and
phone, and inside the map's iframe. No violation of impact serious or critical; the rest
is written to ``test-artifacts/axe-report.md``.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from medmap.i18n import t

from .browser import MAP_IFRAME, PAGES, open_app, wait_idle
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1440, 1000), "phone": (390, 844)}
BLOCKING = ("serious", "critical")
REPORT: list[str] = []


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    lines = ["# axe-core: what remains below serious", "", *sorted(set(REPORT))]
    (ARTIFACTS / "axe-report.md").write_text("\n".join(lines) + "\n")


def violations(axe: Axe, target, where: str) -> list[str]:
    """Blocking violations as readable lines; the others go to the report."""
    blocking = []
    for violation in axe.run(target).response["violations"]:
        nodes = violation["nodes"]
        line = (
            f"- {where}: {violation['impact']} `{violation['id']}` on {len(nodes)} element(s),"
            f" e.g. `{nodes[0]['target'][0]}`: {violation['help']}"
        )
        (blocking if violation["impact"] in BLOCKING else REPORT).append(line)
    return blocking


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(page, server, axe, name, lang, size):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    open_app(page, f"{server.url}{PAGES[name]}?lang={lang}", with_map=name == "map")
    wait_idle(page)
    where = f"{name} ({lang}, {size})"
    found = violations(axe, page, where)
    if name == "map":
        frame = page.locator(MAP_IFRAME).element_handle().content_frame()
        found += violations(axe, frame, f"map iframe ({lang}, {size})")
    assert found == []
    page.wait_for_function(f"() => document.documentElement.lang === '{lang}'")


def test_the_map_iframe_and_its_markers_have_names(page, server):
    open_app(page, server.url + "/")
    iframe = page.locator(MAP_IFRAME)
    # Streamlit titles component iframes with the component's name (the tests find the
    # map by it); the map sets the accessible name, which takes precedence over a title.
    expect(iframe).to_have_attribute("aria-label", t("map_label", "en"))
    frame = iframe.element_handle().content_frame()
    named = frame.evaluate(
        "() => [...document.querySelectorAll('.leaflet-marker-pane .medmap-icon')]"
        ".map((m) => m.getAttribute('aria-label'))"
    )
    assert named and all(named), named
