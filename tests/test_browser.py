"""End-to-end checks in Debian Chromium against a live server: what a user sees and does.

Every test waits on conditions (Streamlit idle, elements present, counts reached),
never on fixed sleeps. Screenshots go to ``test-artifacts/`` (and ``docs/map.png``).
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, quote, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from medmap.colors import NO_VALUE_COLOR
from medmap.filters import Filters, compute_kpis, filter_entities
from medmap.geo import SEVILLA_CODE, load_metro_stations
from medmap.i18n import t
from medmap.maps import SEVILLA_CLASS
from medmap.markers import COMPANY_CLASS, INSTITUTION_CLASS

from .browser import (
    FILTERS,
    MAP_IFRAME,
    OSM_TILE,
    PAGES,
    TIMEOUT_MS,
    TOPBAR,
    filter_multiselect,
    map_frame,
    open_app,
    poll,
    wait_idle,
    wait_map,
)
from .conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.browser

# The page icon is a local file, so nothing comes from Google Fonts either.
ALLOWED_BLOCKED_HOSTS = OSM_TILE


# --- the data the screens must agree with --------------------------------------------


# ``dataset`` and ``located`` come from conftest: the app's own loading and placing.


def company_markers(entities: pd.DataFrame) -> int:
    """How many company markers build_view_layers draws for these (filtered) entities."""
    return int(((entities["kind"] == "company") & entities.geometry.notna()).sum())


@pytest.fixture(scope="module")
def sector(located: pd.DataFrame) -> str:
    """A sector with located companies, but fewer than all located companies."""
    total = company_markers(located)
    counts = {
        s: company_markers(filter_entities(located, Filters(sectors=(s,))))
        for s in sorted(located["sector"].dropna().unique())
    }
    candidates = [s for s, n in counts.items() if 0 < n < total]
    assert candidates, "no sector has some but not all located companies"
    return max(candidates, key=lambda s: (counts[s], s))


# --- helpers ---------------------------------------------------------------------------


NEXT_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def count_company_markers(page) -> int:
    """Visible company markers plus the companies folded into clusters."""
    frame = map_frame(page)
    loose = frame.locator(f"path.{COMPANY_CLASS}").count()
    clustered = sum(int(x) for x in frame.locator(".marker-cluster span").all_inner_texts())
    return loose + clustered


# Barrio polygons drawn after (above) a given path of the same SVG.
BARRIO_PATHS_ABOVE = """(path) =>
    [...path.ownerSVGElement.querySelectorAll("path.leaflet-interactive")]
        .filter((p) => !p.matches(".medmap-company, .medmap-area-count"))
        .filter((p) => path.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING)
        .length"""


def count_uncoloured_barrios(page) -> int:
    return map_frame(page).locator(f'path.leaflet-interactive[fill="{NO_VALUE_COLOR}"]').count()


def stable_marker_count(page, expected: int | None = None) -> int:
    """The company marker count once cluster animations settle (two equal reads in a row)."""
    previous: list[int] = []

    def settled():
        n = count_company_markers(page)
        previous.append(n)
        ok = len(previous) >= 2 and previous[-1] == previous[-2]
        if expected is not None:
            ok = ok and n == expected
        return ok

    poll(settled, f"a stable company marker count{'' if expected is None else f' of {expected}'}")
    return previous[-1]


multiselect = filter_multiselect


def sector_label(dataset, sector: str, lang: str = "en") -> str:
    """A sector's name as the filter's options and chips show it."""
    return dict(zip(dataset.sectors["sector"], dataset.sectors[f"label_{lang}"], strict=True))[
        sector
    ]


SEVILLA_CHIP = f"Sevilla ({SEVILLA_CODE})"


def expect_chips(page, label: str, values: list[str]) -> None:
    """The multiselect shows exactly these chips (chips render a moment after the run ends)."""
    tags = multiselect(page, label).locator("[data-tag]")
    if values:
        expect(tags).to_have_text(values, timeout=TIMEOUT_MS)
    else:
        expect(multiselect(page, label).locator("input")).to_be_attached()
        expect(tags).to_have_count(0)


def query(page) -> dict[str, list[str]]:
    """The address bar's query. Read in the page: the sync API's ``page.url`` only
    catches up with history.replaceState when Playwright processes events."""
    return parse_qs(urlsplit(page.evaluate("location.href")).query)


def assert_no_error(page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside ``stMain``, so ``full_page`` alone would
    stop at the viewport; the viewport is stretched to the content for the shot."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stSidebarContent"]']
            .map((s) => document.querySelector(s)).filter(Boolean).map((e) => e.scrollHeight))"""
    )
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.evaluate(NEXT_FRAMES)
        wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    page.set_viewport_size(size)
    page.evaluate(NEXT_FRAMES)


def record_resource_types(page) -> dict[str, str]:
    """URL -> resource type of every request the page (and its iframes) makes."""
    types: dict[str, str] = {}
    page.on("request", lambda r: types.setdefault(r.url, r.resource_type))
    return types


# --- tests -----------------------------------------------------------------------------


def test_map_drawn_with_local_assets_only(page, server, located):
    types = record_resource_types(page)
    open_app(page, server.url + "/")
    frame = map_frame(page)

    barrio_paths = frame.locator(
        f".leaflet-overlay-pane path.leaflet-interactive:not(.{COMPANY_CLASS})"
    )
    assert barrio_paths.count() >= 300
    expect(frame.locator(f"path.{SEVILLA_CLASS}")).to_have_count(1)
    # Leaflet.markercluster loaded and drew every located company (as markers or clusters).
    expected = company_markers(located)
    assert stable_marker_count(page, expected) == expected

    scripts_and_styles = [
        url
        for url in page.blocked_requests
        if types.get(url) in ("script", "stylesheet", "font", "xhr", "fetch", "document")
    ]
    assert scripts_and_styles == [], f"third-party scripts/CSS requested: {scripts_and_styles}"
    others = [url for url in page.blocked_requests if not ALLOWED_BLOCKED_HOSTS.match(url)]
    assert others == [], f"unexpected third-party requests: {others}"
    assert page.dialogs == []
    assert_no_error(page)

    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    page.screenshot(path=str(docs / "map.png"))  # the 1440x1000 viewport, for the README
    screenshot(page, "map.png")


def test_institution_tooltips(page, server):
    open_app(page, server.url + "/")
    frame = map_frame(page)
    icons = frame.locator(f"div.{INSTITUTION_CLASS}")
    assert icons.count() > 0
    texts: set[str] = set()
    tooltips = frame.locator(".leaflet-tooltip")
    for i in range(icons.count()):
        icon = icons.nth(i)
        # Several institutions share a point (e.g. the Ruta N complex): a real pointer
        # would only reach the top one, so Leaflet's own mouseover is dispatched instead.
        icon.dispatch_event("mouseover")
        expect(tooltips.first).to_be_attached()
        texts.update(t.strip() for t in tooltips.all_inner_texts())
        icon.dispatch_event("mouseout")
        expect(tooltips).to_have_count(0)
    assert any("Ruta N" in t for t in texts), texts
    assert any("Universidad de Antioquia" in t for t in texts), texts


def test_layer_control_and_barrio_tooltip(page, server, dataset, located):
    open_app(page, server.url + "/")
    frame = map_frame(page)
    frame.locator(".leaflet-control-layers").hover()
    overlays = frame.locator(".leaflet-control-layers-overlays label")
    expect(overlays).to_have_count(7)
    names = [x.strip() for x in overlays.all_inner_texts()]
    assert names[:5] == [
        "Barrios",
        "Comunas",
        "Innovation District",
        "Sevilla (Ruta N)",
        "Metro stations",
    ]

    # Metro stations are off until chosen; then every station is drawn.
    stations = frame.locator(".leaflet-overlay-pane path")
    before = stations.count()
    overlays.filter(has_text="Metro stations").locator("input").check()
    n_stations = len(load_metro_stations(ROOT / "geo"))
    poll(lambda: stations.count() - before >= n_stations, f"{n_stations} metro stations")

    # A barrio's tooltip names it and gives the chosen metric for the current view.
    entities = len(filter_entities(located, Filters(barrios=(SEVILLA_CODE,))))
    tooltip = frame.locator(".leaflet-tooltip")
    hovered = page.evaluate(
        """(code) => {
          const win = document.querySelector('iframe[title="streamlit_folium.st_folium"]')
            .contentWindow;
          let found = null;
          win.map.eachLayer((layer) => {
            if (layer.feature && layer.feature.properties.code === code && layer.getTooltip())
              found = layer;
          });
          if (!found) return false;
          found.openTooltip(found.getBounds().getCenter());
          return true;
        }""",
        SEVILLA_CODE,
    )
    assert hovered
    expect(tooltip.first).to_have_text(
        re.compile(rf"Barrio: Sevilla\s*Comuna: .+\s*Entities: {entities}$")
    )


def test_sector_filter_changes_company_markers(page, server, dataset, located, sector):
    open_app(page, server.url + "/")
    before = stable_marker_count(page, company_markers(located))
    expected = company_markers(filter_entities(located, Filters(sectors=(sector,))))
    assert expected != before
    page.locator(MAP_IFRAME).evaluate("(frame) => { frame.dataset.testMounted = 'before'; }")
    uncoloured_before = count_uncoloured_barrios(page)

    box = multiselect(page, "Sector")
    box.click()
    field = box.locator("input")
    label = sector_label(dataset, sector)
    field.fill(label)
    page.get_by_role("option", name=label, exact=True).wait_for(timeout=TIMEOUT_MS)
    field.press("Enter")
    field.press("Escape")

    # The chip shows the sector's name; the link keeps its slug.
    poll(lambda: query(page).get("sector") == [sector], f"sector={sector} in the URL")
    wait_idle(page)
    wait_map(page)
    assert stable_marker_count(page, expected) == expected
    expect_chips(page, "Sector", [label])
    # The map was updated in place (no remount, shapes not resent): the same iframe,
    # with fewer barrios coloured for fewer companies.
    assert page.locator(MAP_IFRAME).evaluate("(frame) => frame.dataset.testMounted") == "before"
    poll(lambda: count_uncoloured_barrios(page) > uncoloured_before, "barrio colours to follow")
    assert page.dialogs == []


def test_shared_link_restores_view_in_spanish(page, server, dataset, located):
    # ``page`` is a new browser context: no cookies or session from other tests.
    assert len(page.context.cookies()) == 0
    open_app(page, server.url + f"/?barrio={SEVILLA_CODE}&lang=es")

    expect(page.locator('[data-testid="stTopNavLink"]', has_text="Mapa")).to_be_visible()
    expect(page.get_by_text("Empresas mostradas", exact=True)).to_be_visible()
    expect(page.locator(f'{FILTERS} [data-testid="stMultiSelect"]')).to_have_count(5)
    expect(page.locator(FILTERS).get_by_role("button", name="Quitar filtros")).to_be_visible()
    expect_chips(page, "Barrio", [SEVILLA_CHIP])

    shown = filter_entities(located, Filters(barrios=(SEVILLA_CODE,)))
    companies = compute_kpis(shown, dataset.staff, dataset.funding).companies
    assert companies > 0
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text("Empresas mostradas", exact=True)
    )
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(str(companies))
    expect(map_frame(page).locator(f"path.{SEVILLA_CLASS}")).to_have_count(1)
    # The highlight is drawn above the barrio polygons (they arrive later, fetched).
    sevilla = map_frame(page).locator(f"path.{SEVILLA_CLASS}")
    assert sevilla.evaluate(BARRIO_PATHS_ABOVE) == 0
    assert page.dialogs == []
    assert_no_error(page)
    screenshot(page, "shared-link-es.png")

    # "Share this view": the link (code block with a copy button) is drawn only when
    # the popover opens, and reproduces the view.
    topbar = page.locator(TOPBAR)
    expect(topbar.locator('[data-testid="stCode"]')).to_have_count(0)
    topbar.get_by_role("button", name=re.compile("Compartir")).click()
    # The link first; the embed code below it (tests/test_embed.py).
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]').first
    expect(code).to_be_visible()
    screenshot(page, "share-popover-es.png")
    link = code.inner_text().strip()
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == server.url and parts.path in ("", "/"), link
    assert parse_qs(parts.query) == {"lang": ["es"], "barrio": [SEVILLA_CODE]}
    open_app(page, link)
    expect_chips(page, "Barrio", [SEVILLA_CHIP])
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(str(companies))


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens_first_on_fresh_server(fresh_server, page, dataset, sector, name):
    # fresh_server first: it outlives the page, so a failure screenshot shows the live app.
    with_map = name == "map"
    open_app(page, fresh_server.url + PAGES[name] + f"?lang=es&sector={sector}", with_map)

    expect(page.locator('[data-testid="stTopNavLink"]', has_text="Mapa")).to_be_visible()
    expect(page.locator(f'{FILTERS} [data-testid="stMultiSelect"]')).to_have_count(5)
    expect(page.locator(FILTERS).get_by_role("button", name="Quitar filtros")).to_be_visible()
    expect_chips(page, "Sector", [sector_label(dataset, sector, "es")])
    assert query(page).get("sector") == [sector]
    assert_no_error(page)
    assert page.dialogs == []
    screenshot(page, f"page-{name}.png")


def test_invalid_link_values_are_dropped_with_a_warning(page, server):
    bad_sector = "<script>alert(1)</script>"
    open_app(page, server.url + f"/?barrio=9999&sector={quote(bad_sector)}&lang=xx")

    warning = page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    expect(warning).to_be_visible()
    text = warning.inner_text()
    # Each dropped value is named, as typed: shown as text, never run or rendered as markup.
    for shown in ("barrio=9999", "lang=xx", f"sector={bad_sector}"):
        assert shown in text, text
    assert page.dialogs == []
    expect(warning.locator("script")).to_have_count(0)
    assert_no_error(page)
    # The view falls back to English, no filters, and the whole map.
    expect(page.locator('[data-testid="stTopNavLink"]', has_text="Map")).to_be_visible()
    expect_chips(page, "Barrio", [])
    expect_chips(page, "Sector", [])
    assert map_frame(page).locator(".leaflet-overlay-pane path.leaflet-interactive").count() >= 300
    screenshot(page, "invalid-link.png")


FREE_POINT_IN_PATH = """(path) => {
    // A point inside this (non-interactive) path where the pointer reaches a barrio
    // polygon rather than a marker, cluster or label; nearest the middle first.
    const box = path.getBoundingClientRect();
    const toUser = path.getScreenCTM().inverse();
    const candidates = [];
    for (let i = 1; i < 30; i++) for (let j = 1; j < 30; j++) {
        const x = box.left + (box.width * i) / 30, y = box.top + (box.height * j) / 30;
        const p = path.ownerSVGElement.createSVGPoint();
        p.x = x;
        p.y = y;
        if (!path.isPointInFill(p.matrixTransform(toUser))) continue;
        const hit = document.elementFromPoint(x, y);
        if (hit && hit.tagName === "path" && hit.classList.contains("leaflet-interactive")
            && !hit.classList.contains("medmap-company")) {
            const dx = x - (box.left + box.width / 2), dy = y - (box.top + box.height / 2);
            candidates.push([dx * dx + dy * dy, x, y]);
        }
    }
    candidates.sort((a, b) => a[0] - b[0]);
    return {
        left: box.left, top: box.top,
        point: candidates.length ? {x: candidates[0][1], y: candidates[0][2]} : null,
    };
}"""


def test_map_click_selects_barrio(page, server):
    open_app(page, server.url + "/")
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    sevilla = map_frame(page).locator(f"path.{SEVILLA_CLASS}")

    animating = map_frame(page).locator(".leaflet-zoom-anim")

    def box():
        return sevilla.bounding_box()  # main-page coordinates

    def settled_box():
        """Sevilla's box once the map stops moving: no zoom animation, two equal reads."""
        seen: list[dict] = []

        def check():
            if animating.count():
                seen.clear()
                return False
            seen.append(box())
            return len(seen) >= 2 and seen[-1] == seen[-2]

        poll(check, "the map to stop moving")
        return seen[-1]

    # At the opening zoom Sevilla is a few pixels wide and hidden under the company
    # cluster and institution icons of the Ruta N complex: zoom in on it with the wheel.
    deadline = time.monotonic() + 90
    current = settled_box()
    while current["width"] < 150:
        assert time.monotonic() < deadline, f"could not zoom in on Sevilla ({current})"
        page.mouse.move(current["x"] + current["width"] / 2, current["y"] + current["height"] / 2)
        page.mouse.wheel(0, -120)
        # A wheel event Leaflet swallows (busy, mid-render) leaves the zoom as it was:
        # wait a bounded time for the zoom, then scroll again.
        poll(
            lambda current=current: box()["width"] > current["width"] * 1.5,
            "the map to zoom in",
            timeout=5,
            required=False,
        )
        current = settled_box()

    found = sevilla.evaluate(FREE_POINT_IN_PATH)
    assert found["point"], "no clickable point of the Sevilla barrio polygon"
    outer = box()
    page.mouse.click(
        outer["x"] - found["left"] + found["point"]["x"],
        outer["y"] - found["top"] + found["point"]["y"],
    )

    poll(lambda: query(page).get("barrio") == [SEVILLA_CODE], f"barrio={SEVILLA_CODE} in URL")
    wait_idle(page)
    expect_chips(page, "Barrio", [SEVILLA_CHIP])
    assert page.dialogs == []


def metric_text(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_entity_shown_is_reachable_from_the_map(page, server, dataset, located, lang):
    open_app(page, server.url + ("/?lang=es" if lang == "es" else "/"))
    frame = map_frame(page)
    groups = {}
    for group in ("city", "outside"):
        button = frame.locator(f'button[data-group="{group}"]')
        expect(button).to_have_text(
            re.compile(rf"^{re.escape(t('unplaced_' + group, lang))}: \d+$")
        )
        groups[group] = int(button.inner_text().rsplit(": ", 1)[1])
    on_map, total = re.fullmatch(
        r"(\d+) \w+ (\d+)", metric_text(page, t("kpi_on_map", lang))
    ).groups()
    # Every entity shown is on the map or in the box, and the box holds what the data says.
    assert int(on_map) + groups["city"] + groups["outside"] == int(total) == len(located)
    assert groups["city"] == (located["location_precision"] == "city").sum() > 0
    kpis = compute_kpis(located, dataset.staff, dataset.funding)
    context = int((located["status"] == "context").sum())
    assert metric_text(page, t("kpi_companies", lang)) == str(kpis.companies)
    assert kpis.companies + kpis.organisations + context == int(total)
    # A company known only to be "in Medellín" is found by name in the opened list.
    city_company = sorted(
        located[(located["location_precision"] == "city") & (located["kind"] == "company")]["name"]
    )[0]
    frame.locator('button[data-group="city"]').click()
    listed = frame.locator("#medmap-unplaced-city li")
    expect(listed.filter(has_text=city_company)).to_have_count(1)
    expect(frame.locator('button[data-group="city"]')).to_have_attribute("aria-expanded", "true")
    screenshot(page, f"unplaced-{lang}.png")
    # The box follows the filters: one sector, only its unplaced entities.
    sector = located.loc[located["location_precision"] == "city", "sector"].mode()[0]
    open_app(page, server.url + f"/?sector={sector}" + ("&lang=es" if lang == "es" else ""))
    expected = int(
        ((located["sector"] == sector) & (located["location_precision"] == "city")).sum()
    )
    expect(map_frame(page).locator('button[data-group="city"]')).to_have_text(
        re.compile(rf": {expected}$")
    )
