"""Accessibility checked by a machine: axe-core on every page, both languages, desktop and
phone, and inside the map's iframe. No violation of impact serious or critical; the rest
is written to ``test-artifacts/axe-report.md``.

Then what axe cannot see: a visible focus on every control a keyboard reaches (filters,
metric picker, "Share this view", the map's layer control), the map on a phone's first
screen, and KPI texts never cut, from 360 px to 1920 px.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from medmap.colors import contrast_ratio
from medmap.controls import LANG_NAMES
from medmap.i18n import t

from .browser import FILTERS, MAP_IFRAME, PAGES, TIMEOUT_MS, TOPBAR, open_app, wait_idle
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


# --- keyboard: a visible focus on every control -----------------------------------------

# The focused element (inside the map iframe when focus is there) and its four nearest
# ancestors: how each is drawn while focused, then once blurred (after the re-render and
# any transition); focus is then put back, so the next Tab continues from it.
FOCUS_STYLES = """async () => {
    let doc = document;
    let el = doc.activeElement;
    while (el && el.tagName === "IFRAME" && el.contentDocument) {
        doc = el.contentDocument;
        el = doc.activeElement;
    }
    if (!el || el === doc.body) return null;
    const win = doc.defaultView;
    const finite = (d) => Promise.all(d.getAnimations()
        .filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => null)));
    const settled = async () => {
        await new Promise((r) => win.requestAnimationFrame(() => win.requestAnimationFrame(r)));
        await finite(doc);
    };
    const chain = [];
    for (let e = el; e && chain.length < 5; e = e.parentElement) chain.push(e);
    const look = () => chain.map((e) => {
        const s = win.getComputedStyle(e);
        return {
            outline: [s.outlineStyle, parseFloat(s.outlineWidth) || 0, s.outlineColor],
            shadow: s.boxShadow,
            borders: [s.borderTopColor, s.borderRightColor, s.borderBottomColor, s.borderLeftColor],
        };
    });
    await settled();
    const focused = look();
    el.blur();
    await settled();
    const blurred = look();
    el.focus();
    await settled();
    const name = el.className && el.className.baseVal !== undefined
        ? el.className.baseVal : String(el.className || "");
    return {
        what: (doc === document ? "" : "map ") + el.tagName.toLowerCase() + " " + name.slice(0, 60),
        label: el.getAttribute("aria-label") || el.getAttribute("title") || el.innerText || "",
        testids: chain.map((e) => (e.dataset ? e.dataset.testid || "" : "")),
        focused,
        blurred,
    };
}"""


def focus_is_visible(seen: dict) -> bool:
    """An outline or a shadow appears on focus, or a border changes colour by 3:1 or more
    (WCAG 2.4.7, with 2.4.13's contrast between the focused and unfocused states)."""
    for on, off in zip(seen["focused"], seen["blurred"], strict=True):
        style, width, _ = on["outline"]
        if style != "none" and width > 0 and on["outline"] != off["outline"]:
            return True
        if on["shadow"] != "none" and on["shadow"] != off["shadow"]:
            return True
        if any(
            contrast_ratio(a, b) >= 3 for a, b in zip(on["borders"], off["borders"], strict=True)
        ):
            return True
    return False


def keyboard_targets(lang: str) -> dict[str, object]:
    """What a keyboard user must reach, by a test on the focused element's description."""

    def input_named(label):
        return lambda s: s["what"].startswith("input") and s["label"] == label

    return {
        "language": lambda s: (
            "stButtonGroup" in s["testids"] and s["label"].strip() in LANG_NAMES.values()
        ),
        **{
            f"filter {key}": input_named(t(f"filter_{key}", lang))
            for key in ("comuna", "barrio", "sector", "kind", "origin")
        },
        # A button's text starts with its icon's ligature name.
        "clear filters": lambda s: s["label"].strip().endswith(t("clear_filters", lang)),
        "share this view": lambda s: "stPopoverButton" in s["testids"],
        "metric picker": lambda s: (
            "stButtonGroup" in s["testids"] and s["label"].strip() == t("picker_entities", lang)
        ),
        "layer control": lambda s: "leaflet-control-layers-toggle" in s["what"],
        "not on the map": lambda s: "medmap-unplaced-toggle" in s["what"],
    }


def test_every_control_is_reached_by_tab_with_a_visible_focus(page, server):
    open_app(page, server.url + "/")
    targets = keyboard_targets("en")
    found: dict[str, dict] = {}
    page.locator("body").focus()
    for _ in range(120):
        page.keyboard.press("Tab")
        seen = page.evaluate(FOCUS_STYLES)
        if seen is None:
            continue
        for name, matches in targets.items():
            if name not in found and matches(seen):
                found[name] = seen
        if len(found) == len(targets):
            break
    assert set(found) == set(targets), f"not reached by Tab: {set(targets) - set(found)}"
    invisible = {name: seen["what"] for name, seen in found.items() if not focus_is_visible(seen)}
    assert invisible == {}, f"no visible focus: {invisible}"

    # "Share this view" opens and closes from the keyboard.
    share = page.locator(f'{TOPBAR} [data-testid="stPopoverButton"]')
    share.focus()
    page.keyboard.press("Enter")
    body = page.locator('[data-testid="stPopoverBody"]')
    expect(body.locator('[data-testid="stCode"]').first).to_be_visible()
    page.keyboard.press("Escape")
    expect(body).to_have_count(0)

    # The layer control opens with Enter and focus lands, visibly, on its first layer.
    frame = page.locator(MAP_IFRAME).content_frame
    frame.locator(".leaflet-control-layers-toggle").focus()
    page.keyboard.press("Enter")
    expect(frame.locator(".leaflet-control-layers")).to_have_class(re.compile("expanded"))
    seen = page.evaluate(FOCUS_STYLES)
    assert seen["what"].startswith("map input") and focus_is_visible(seen), seen
    page.keyboard.press("Escape")
    expect(frame.locator(".leaflet-control-layers")).not_to_have_class(re.compile("expanded"))


# --- phone and every width: the map on the first screen, KPI texts whole ----------------

PHONE = {"width": 390, "height": 844}
WIDTHS = (1920, 1200, 768, 360)
# Every KPI label and value element whose text does not fit its box (cut or ellipsed).
CUT_KPI_TEXTS = """() => [...document.querySelectorAll(
        '[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')]
    .flatMap((box) => [box, ...box.querySelectorAll("*")])
    .filter((e) => e.clientWidth > 0 && e.scrollWidth > e.clientWidth)
    .map((e) => [e.closest("[data-testid]").dataset.testid, e.innerText, e.scrollWidth,
        e.clientWidth])"""
# Segmented controls (the metric picker) whose options run off their edge.
CUT_PICKERS = """() => [...document.querySelectorAll('[data-testid="stButtonGroup"]')]
    .flatMap((group) => [...group.querySelectorAll("div")].filter((d) => d.querySelector(":scope > button")))
    .filter((row) => row.scrollWidth > row.clientWidth)
    .map((row) => [row.innerText, row.scrollWidth, row.clientWidth])"""
# The layout after a resize: drawn, and the sidebar's collapse transition finished.
SETTLED = """async () => {
    const finite = (d) => Promise.all(d.getAnimations()
        .filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => null)));
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await frames();
    await finite(document);
    await frames();
}"""


# The share of the map's area its own boxes (legend, "Not on the map", layers) cover.
MAP_BOXES_SHARE = """() => {
    const map = document.querySelector(".leaflet-container").getBoundingClientRect();
    const boxes = [".medmap-legend", ".medmap-unplaced", ".leaflet-control-layers"]
        .map((s) => document.querySelector(s).getBoundingClientRect());
    return boxes.reduce((sum, b) => sum + b.width * b.height, 0) / (map.width * map.height);
}"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_on_a_phone_the_map_fills_the_first_screen(page, server, lang):
    page.set_viewport_size(PHONE)
    open_app(page, f"{server.url}/?lang={lang}")
    frame = page.locator(MAP_IFRAME).bounding_box()
    visible = min(PHONE["height"], frame["y"] + frame["height"]) - frame["y"]
    assert visible >= 450, frame
    assert page.evaluate(CUT_KPI_TEXTS) + page.evaluate(CUT_PICKERS) == []
    # The filters are above the map in two columns; year, KPIs and charts come after it.
    filters = page.locator(FILTERS).bounding_box()
    assert filters["y"] + filters["height"] <= frame["y"]
    for below in ('[data-testid="stMetric"]', '[data-testid="stPlotlyChart"]'):
        assert page.locator(below).first.bounding_box()["y"] > frame["y"] + frame["height"]
    # The map's own boxes start as small buttons that a tap opens.
    map_doc = page.locator(MAP_IFRAME).element_handle().content_frame()
    assert map_doc.evaluate(MAP_BOXES_SHARE) <= 0.15
    legend = map_doc.locator(".medmap-legend .medmap-box-toggle")
    expect(legend).to_have_attribute("aria-expanded", "false")
    legend.click()
    expect(legend).to_have_attribute("aria-expanded", "true")
    expect(map_doc.locator(".medmap-legend b").first).to_be_visible()
    legend.click()  # closed again for the screenshot
    page.mouse.move(0, 0)  # no barrio tooltip in it
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-390x844-{lang}.png"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-map-{lang}.png"))


@pytest.mark.parametrize("lang", ["en", "es"])
# The shipped view (large counts, US$) and one whose figures read "not reported".
@pytest.mark.parametrize("query", ["", "&kind=institution"])
def test_no_kpi_text_or_metric_option_is_cut_at_any_width(page, server, lang, query):
    page.set_viewport_size({"width": WIDTHS[0], "height": 1000})
    open_app(page, f"{server.url}/?lang={lang}{query}")
    expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(5, timeout=TIMEOUT_MS)
    cut = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        page.evaluate(SETTLED)
        if found := page.evaluate(CUT_KPI_TEXTS) + page.evaluate(CUT_PICKERS):
            cut[width] = found
    assert cut == {}
    if not query:
        page.set_viewport_size({"width": 1440, "height": 1000})
        page.evaluate(SETTLED)
        page.screenshot(path=str(ARTIFACTS / f"desktop-map-{lang}.png"))
