"""Hostile data in a real browser: markup and script in the data files stay text.

A copy of data/ gets rows whose free-text fields carry HTML, script, template-literal
and markdown payloads, a hostile sector label and a hostile source. The app runs on it
(``MEDMAP_DATA_DIR``) and every place that shows those fields is opened in Chromium:
map tooltips and popups (inside the map iframe), the sector chart, the filter chips, the
Companies table, the Neighbourhoods spotlight and the About page, in both languages.
No dialog may open, no element may be injected, and the payloads must read literally.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from medmap.controls import LANG_NAMES
from medmap.i18n import t

from .browser import (
    MAP_IFRAME,
    OSM_TILE,
    TIMEOUT_MS,
    TOPBAR,
    filter_multiselect,
    map_frame,
    open_app,
    wait_idle,
)
from .conftest import ARTIFACTS, ROOT, Server, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


SCRIPT = "<script>alert('xss')</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
TEMPLATE = "`${alert(1)}` \\`${alert(2)}\\` ${`nested`}"
CLOSE = "</div></div><b>bold</b>"
MARKDOWN = "**bold** [click](javascript:alert(1)) ![px](https://attacker.example/p.png)"
PAYLOADS = (SCRIPT, IMG, SVG, TEMPLATE, CLOSE, MARKDOWN)
LONG_TEXT = ("Long <b>text</b> " + SCRIPT + " ") * 120  # about 5,000 characters
MAX_NAME = 200  # entities.csv: name is 1..200 characters (schemas.ENTITIES)
LONG_NAME = (IMG + " long name " + SCRIPT + " ") * 4
SECTOR = "hostile"
SECTOR_EN = "<b onmouseover=alert(1)>Hostile</b>"
SECTOR_ES = "<img src=x onerror=alert(1)>Hostil"
SOURCE_ID = "S900"
SOURCE_TITLE = f"{SCRIPT} [click](javascript:alert(1))"
SOURCE_URL = 'https://example.org/?q="><script>alert(1)</script>'
# Points inside barrios where the shipped data has no entity, far enough apart not to
# cluster at the opening zoom (representative points of 0101, 0301, 0601, 1201, 1601, 0801).
POINTS = {
    "0101": (6.29747, -75.54376),
    "0301": (6.28393, -75.54833),
    "0601": (6.30649, -75.57429),
    "1201": (6.26915, -75.59719),
    "1601": (6.23542, -75.58502),
    "0801": (6.25755, -75.55002),
}
# entity_id, kind, name, where (a POINTS key, or "sevilla" for barrio precision 0407)
ROWS = (
    ("hostile-script", "company", SCRIPT, "0101"),
    ("hostile-img", "institution", IMG, "0301"),
    ("hostile-svg", "company", SVG, "0601"),
    ("hostile-template", "company", TEMPLATE, "1201"),
    ("hostile-close", "coworking", CLOSE, "1601"),  # a support-layer square (#22)
    ("hostile-long", "company", LONG_NAME[:MAX_NAME], "0801"),
    ("hostile-markdown", "company", MARKDOWN, "sevilla"),
    ("hostile-sevilla", "institution", f"{SCRIPT} Sevilla", "sevilla"),
)
NAMES = {entity_id: name for entity_id, _, name, _ in ROWS}


# --- the hostile data directory --------------------------------------------------------


def _csv_rows(rows: list[dict[str, str]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    text = path.read_text(encoding="utf-8")
    columns = next(csv.reader([text.split("\n", 1)[0]]))
    path.write_text(text.rstrip("\n") + "\n" + _csv_rows(rows, columns), encoding="utf-8")


def hostile_entities(name_of_long: str) -> list[dict[str, str]]:
    rows = []
    for i, (entity_id, kind, name, where) in enumerate(ROWS):
        payload = PAYLOADS[i % len(PAYLOADS)]
        row = {
            "entity_id": entity_id,
            "name": name_of_long if entity_id == "hostile-long" else name,
            "kind": kind,
            "sector": SECTOR,
            "sector_unverified": "false",
            "status": "active",
            "origin": PAYLOADS[(i + 1) % len(PAYLOADS)],
            "presence": f"{payload} {MARKDOWN}",
            "address": IMG,
            "location_source": SOURCE_ID,
            "website": f"https://example.org/{entity_id}?q={SVG}",
            "sources": f"{SOURCE_ID};S1",
            "note": LONG_TEXT if entity_id == "hostile-long" else f"{MARKDOWN} {payload}",
        }
        if where == "sevilla":
            row |= {"location_precision": "barrio", "location_code": "0407"}
        else:
            lat, lon = POINTS[where]
            row |= {"location_precision": "coordinates", "lat": str(lat), "lon": str(lon)}
        rows.append(row)
    return rows


def validate(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "medmap", "validate", str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    """data/ plus hostile rows; first checks what the schema itself refuses."""
    directory = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(ROOT / "data", directory)
    _append(
        directory / "sectors.csv",
        [{"sector": SECTOR, "label_en": SECTOR_EN, "label_es": SECTOR_ES}],
    )
    entities = directory / "entities.csv"
    sources = directory / "sources.csv"
    shipped_entities, shipped_sources = entities.read_text("utf-8"), sources.read_text("utf-8")

    # What the schema refuses: a javascript: source URL and a 5,000-character name.
    _append(
        sources,
        [
            {
                "source_id": SOURCE_ID,
                "title": SOURCE_TITLE,
                "url": "javascript:alert(1)",
                "date": "2024",
            }
        ],
    )
    _append(entities, hostile_entities(name_of_long=LONG_TEXT))
    refused = validate(directory)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    problems = refused.stdout.splitlines()
    assert any(p.startswith("sources.csv:") and ":url:" in p for p in problems), problems
    assert any(p.startswith("entities.csv:") and ":name:" in p for p in problems), problems

    # The hostile data that passes: an https URL carrying markup, names of 200 characters.
    sources.write_text(shipped_sources, "utf-8")
    entities.write_text(shipped_entities, "utf-8")
    _append(
        sources,
        [{"source_id": SOURCE_ID, "title": SOURCE_TITLE, "url": SOURCE_URL, "date": "2024"}],
    )
    _append(entities, hostile_entities(name_of_long=LONG_NAME[:MAX_NAME]))
    accepted = validate(directory)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    return directory


@pytest.fixture(scope="module")
def hostile_server(hostile_dir: Path) -> Iterator[Server]:
    server = start_server(env={"MEDMAP_DATA_DIR": str(hostile_dir)})
    yield server
    stop_server(server)


# --- browser helpers -------------------------------------------------------------------

# Elements that only exist if a payload was parsed as markup, in any frame. Scripts: the
# map iframe's own inline scripts carry the payloads HTML-escaped (that is how folium
# passes tooltips and popups), so only a script made of a payload, or holding one raw,
# counts as injected.
INJECTED = """() => {
    const found = [];
    const selectors = [
        'img[src="x"]', "svg[onload]", "[onerror]", "[onmouseover]", "[onload]:not(iframe)",
        'a[href^="javascript:" i]', 'img[src*="attacker.example"]',
    ];
    for (const el of document.querySelectorAll(selectors.join(","))) {
        found.push(el.outerHTML.slice(0, 200));
    }
    for (const el of document.querySelectorAll("b, strong")) {
        if (el.textContent.trim() === "bold") found.push(el.outerHTML.slice(0, 200));
    }
    for (const s of document.scripts) {
        const text = s.textContent;
        if (/^\\s*alert\\(/.test(text) || /<script>alert|<svg onload|<img src=x/.test(text)) {
            found.push("script: " + text.slice(0, 200));
        }
    }
    return found;
}"""

# Map iframe: every marker (institution and support icons, company circles, clustered or not),
# its tooltip opened by Leaflet's own DOM mouseover handler, and what the tooltip shows.
# Clustered companies are brought out first with MarkerCluster's zoomToShowLayer.
MAP_HELPERS = """
window.__medmapTest = {
    // The view's layers are built by an eval inside streamlit-folium, not as globals:
    // reach them through the map.
    layers() { return Object.values(window.map._layers); },
    group() {
        return this.layers().find((v) => v instanceof L.MarkerClusterGroup);
    },
    institutions() {
        return this.layers().filter((v) => v instanceof L.Marker
            && !(v instanceof L.MarkerCluster) && v.getTooltip && v.getTooltip()
            && v.getElement && v.getElement()
            && v.getElement().querySelector(".medmap-institution, .medmap-support"));
    },
    companies() { return this.group().getLayers(); },
    text(html) {
        // Parse in an inert document: nothing in it loads or runs.
        return new DOMParser().parseFromString(html, "text/html").body.textContent.trim();
    },
    find(name) {
        const all = [...this.institutions(), ...this.companies()];
        return all.filter((m) => {
            // The name, possibly followed by the " (approximate: ...)" note.
            const text = this.text(m.getTooltip().getContent());
            return text === name || text.startsWith(`${name} (`);
        });
    },
    map() { return window.map; },
    drawn(marker) {
        // A marker's element stays referenced after a cluster takes it off the map.
        const el = marker.getElement();
        return el && el.isConnected ? el : null;
    },
    async show(marker) {
        // Centre the map on the marker, bring it out of its cluster if needed (zoom in,
        // spiderfy), and tell whether it is drawn inside the map.
        const map = this.map(), group = this.group();
        map.setView(marker.getLatLng(), map.getZoom(), {animate: false});
        if (group.hasLayer(marker) && !this.drawn(marker)) {
            const shown = await Promise.race([
                new Promise((resolve) => group.zoomToShowLayer(marker, () => resolve(true))),
                new Promise((resolve) => setTimeout(() => resolve(false), 15000)),
            ]);
            if (!shown) return false;
        }
        const el = this.drawn(marker);
        if (!el) return false;
        const box = el.getBoundingClientRect(), frame = map.getContainer().getBoundingClientRect();
        return box.width > 0 && box.left >= frame.left && box.right <= frame.right
            && box.top >= frame.top && box.bottom <= frame.bottom;
    },
    hover(marker) {
        const el = marker.getElement();
        el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
        const tip = marker.getTooltip().getElement();  // the tooltip Leaflet just opened
        const seen = tip && tip.isConnected && {
            text: tip.innerText.trim(),
            tags: [...tip.querySelectorAll("*")].map((e) => e.tagName),
        };
        el.dispatchEvent(new MouseEvent("mouseout", {bubbles: true}));
        return seen;
    },
    async hoverAll() {
        const seen = [];
        for (const marker of [...this.institutions(), ...this.companies()]) {
            seen.push((await this.show(marker)) ? this.hover(marker) : null);
        }
        return seen;
    },
    async point(name) {
        // Centre of the (only) marker named so, once shown; and whether it is on top there.
        const found = this.find(name);
        if (found.length !== 1 || !(await this.show(found[0]))) return null;
        const marker = found[0];
        const box = marker.getElement().getBoundingClientRect();
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        const hit = document.elementFromPoint(x, y);
        return {x, y, onTop: hit !== null && marker.getElement().contains(hit)};
    },
};
"""


def map_js(page):
    """The map iframe as a Frame, with the test helpers installed."""
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    frame.wait_for_function(
        "() => typeof L !== 'undefined' && window.map && Object.values(window.map._layers)"
        ".some((v) => v instanceof L.MarkerClusterGroup)",
        timeout=TIMEOUT_MS,
    )
    frame.evaluate(f"() => {{ {MAP_HELPERS} }}")
    return frame


def assert_nothing_injected(page) -> None:
    """No dialog, no injected element or script in the page or any of its frames."""
    found = {frame.url: frame.evaluate(INJECTED) for frame in page.frames}
    assert {url: f for url, f in found.items() if f} == {}
    assert page.dialogs == []
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def assert_only_expected_blocked(page) -> None:
    """Nothing tried to leave loopback but base-map tiles (no image or link from data)."""
    assert [u for u in page.blocked_requests if not OSM_TILE.match(u)] == []


def screenshot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"hostile-{name}.png"), full_page=full_page)


def switch_language(page, lang: str) -> None:
    page.locator(TOPBAR).get_by_text(LANG_NAMES[lang], exact=True).click()
    expect(
        page.locator('[data-testid="stTopNavLink"]', has_text=t("page_map", lang))
    ).to_be_visible(timeout=TIMEOUT_MS)
    wait_idle(page)


ALLOWED_TOOLTIP_TAGS = {"DIV", "I"}  # folium's wrapper, the "(approximate...)" note
ALLOWED_POPUP_TAGS = {"DIV", "B", "BR", "I", "A"}


def pointer_hover_and_popup(page, frame, entity_id: str, sector_label: str, lang: str) -> None:
    """Hover the entity's marker with the real pointer, then click it; both show text only."""
    name = NAMES[entity_id]
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    point = frame.evaluate("(name) => window.__medmapTest.point(name)", name)
    assert point is not None, f"no marker for {name!r}"
    tooltip = map_frame(page).locator(".leaflet-tooltip")
    popup = map_frame(page).locator(".leaflet-popup-content")
    if point["onTop"]:
        box = page.locator(MAP_IFRAME).bounding_box()
        x, y = box["x"] + point["x"], box["y"] + point["y"]
        # Come from elsewhere: the previous marker may have been at this very point.
        page.mouse.move(x, y + 100)
        page.mouse.move(x, y, steps=4)
        # This marker's tooltip: the name, maybe followed by "(approximate: ...)".
        own = re.compile(rf"^\s*{re.escape(name)}(\s+\(|\s*$)")
        expect(tooltip.filter(has_text=own)).to_have_count(1, timeout=TIMEOUT_MS)
        page.mouse.click(x, y)
    else:
        # Under another marker at the same point (the Ruta N complex): Leaflet's own
        # handlers get the events, as in a hover/click that reached this marker.
        frame.evaluate(
            """(name) => {
                const el = window.__medmapTest.find(name)[0].getElement();
                for (const type of ["mouseover", "click"]) {
                    el.dispatchEvent(new MouseEvent(type, {bubbles: true}));
                }
            }""",
            name,
        )
    expect(popup).to_have_count(1, timeout=TIMEOUT_MS)
    text = popup.inner_text()
    assert text.startswith(name), text[:300]
    assert f"{t('popup_sector', lang)}: {sector_label}" in text, text
    tags = set(popup.evaluate("(el) => [...el.querySelectorAll('*')].map((e) => e.tagName)"))
    assert tags <= ALLOWED_POPUP_TAGS, tags
    links = popup.locator("a").evaluate_all(
        "(links) => links.map((a) => [a.textContent, a.getAttribute('href')])"
    )
    assert [SOURCE_ID, SOURCE_URL] in links, links
    assert all(href.startswith("https://") for _, href in links), links
    expect(map_frame(page).locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
    wait_idle(page)
    screenshot(page, f"popup-{lang}-{entity_id}", full_page=False)
    # The close button may sit under the map's controls: Leaflet's own click handler.
    map_frame(page).locator(".leaflet-popup-close-button").dispatch_event("click")
    expect(popup).to_have_count(0, timeout=TIMEOUT_MS)


def sector_chart_labels(page) -> list[str]:
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator(".ytick text").first.wait_for(timeout=TIMEOUT_MS)
    return [x.strip() for x in chart.locator(".ytick text").all_text_contents()]


# --- tests -----------------------------------------------------------------------------


def test_map_tooltips_and_popups_show_payloads_as_text(hostile_server, page):
    open_app(page, hostile_server.url + "/", with_map=True)
    frame = map_js(page)

    seen = frame.evaluate("() => window.__medmapTest.hoverAll()")
    assert None not in seen, "a marker could not be shown or had no tooltip"
    assert all(set(s["tags"]) <= ALLOWED_TOOLTIP_TAGS for s in seen), seen
    texts = [s["text"] for s in seen]
    for name in NAMES.values():
        assert any(text.startswith(name) for text in texts), (name, texts)
    assert len(seen) >= len(ROWS)

    for entity_id in NAMES:
        pointer_hover_and_popup(page, frame, entity_id, SECTOR_EN, "en")

    assert SECTOR_EN in sector_chart_labels(page)
    wait_idle(page)
    screenshot(page, "map")
    assert_nothing_injected(page)
    assert_only_expected_blocked(page)


def test_filter_chip_chart_and_popups_in_spanish(hostile_server, page):
    open_app(page, hostile_server.url + f"/?sector={SECTOR}", with_map=True)
    # The chip shows the sector's name from the data, as text.
    chips = filter_multiselect(page, "Sector").locator("[data-tag]")
    expect(chips).to_have_text([SECTOR_EN])

    switch_language(page, "es")
    expect(chips).to_have_text([SECTOR_ES])
    map_frame(page).locator(".leaflet-overlay-pane path").first.wait_for(timeout=TIMEOUT_MS)
    assert sector_chart_labels(page) == [SECTOR_ES]
    frame = map_js(page)
    for entity_id in ("hostile-script", "hostile-img", "hostile-markdown", "hostile-sevilla"):
        pointer_hover_and_popup(page, frame, entity_id, SECTOR_ES, "es")
    wait_idle(page)
    screenshot(page, "map-es")
    assert_nothing_injected(page)
    assert_only_expected_blocked(page)


def grid_column(page, column: int) -> list[str]:
    cells = page.locator(f'[data-testid="stDataFrame"] td[aria-colindex="{column}"]')
    return [c.strip() for c in cells.all_text_contents()]


def test_companies_table_shows_payloads_as_text(hostile_server, page):
    open_app(page, hostile_server.url + "/companies?q=alert", with_map=False)
    count = re.compile(f"^{len(ROWS)} of [0-9]+ entities shown")
    expect(page.get_by_text(count)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stDataFrame"] td[aria-colindex="1"]')).to_have_count(
        len(ROWS), timeout=TIMEOUT_MS
    )
    assert sorted(grid_column(page, 1)) == sorted(NAMES.values())
    assert set(grid_column(page, 3)) == {SECTOR_EN}
    wait_idle(page)
    screenshot(page, "companies")

    switch_language(page, "es")
    expect(page.locator('[data-testid="stDataFrame"] td[aria-colindex="3"]').first).to_have_text(
        SECTOR_ES, timeout=TIMEOUT_MS
    )
    assert set(grid_column(page, 3)) == {SECTOR_ES}
    assert sorted(grid_column(page, 1)) == sorted(NAMES.values())
    wait_idle(page)
    screenshot(page, "companies-es")
    assert_nothing_injected(page)
    assert_only_expected_blocked(page)


def test_about_sources_table_shows_payloads_as_text(hostile_server, page):
    open_app(page, hostile_server.url + "/about", with_map=False)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=TIMEOUT_MS)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    first_column = page.locator('[data-testid="stDataFrame"] td[aria-colindex="1"]')
    # The hostile source is the table's last row: scroll the grid until it is drawn.
    for _ in range(40):
        if SOURCE_ID in [x.strip() for x in first_column.all_text_contents()]:
            break
        page.mouse.wheel(0, 600)
        expect(first_column.first).to_be_attached()
    row = page.locator('[data-testid="stDataFrame"] tr').filter(
        has=page.locator('td[aria-colindex="1"]', has_text=re.compile(f"^{SOURCE_ID}$"))
    )
    expect(row.locator('td[aria-colindex="2"]')).to_have_text(SOURCE_TITLE, timeout=TIMEOUT_MS)
    expect(row.locator('td[aria-colindex="4"]')).to_have_text(SOURCE_URL)
    wait_idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    grid.screenshot(path=str(ARTIFACTS / "hostile-about.png"))
    assert_nothing_injected(page)
    assert_only_expected_blocked(page)


def visible(text: str) -> str:
    """Text as a reader sees it: markdown_text's invisible word joiners removed."""
    return text.replace("\u2060", "").strip()


def test_neighbourhoods_spotlight_shows_payloads_as_text(hostile_server, page):
    # Expander labels and captions render markdown: names and notes must be escaped.
    open_app(page, hostile_server.url + "/neighbourhoods", with_map=False)
    spotlight = page.locator('[data-testid="stExpander"]')
    expect(spotlight.filter(has_text="Sevilla").first).to_be_visible(timeout=TIMEOUT_MS)
    label_texts = spotlight.locator('summary [data-testid="stMarkdownContainer"]')
    labels = [visible(x) for x in label_texts.all_inner_texts()]
    for entity_id in ("hostile-markdown", "hostile-sevilla"):
        assert f"{NAMES[entity_id]} · Sevilla" in labels, labels

    hostile = spotlight.filter(has=page.locator("summary", has_text="[click]"))
    hostile.locator("summary").click()
    details = hostile.locator('[data-testid="stExpanderDetails"]')
    expect(details.locator('[data-testid="stText"]')).to_have_text(f"{SCRIPT} {MARKDOWN}")
    caption = details.locator('[data-testid="stCaptionContainer"]').first
    expect(caption).to_be_visible()
    assert visible(caption.inner_text()) == f"{MARKDOWN} {SCRIPT}"
    wait_idle(page)
    screenshot(page, "neighbourhoods")
    assert_nothing_injected(page)
    assert_only_expected_blocked(page)


def test_neighbourhoods_spotlight_links_nothing_from_data(hostile_server, page):
    open_app(page, hostile_server.url + "/neighbourhoods", with_map=False)
    spotlight = page.locator('[data-testid="stExpander"]')
    expect(spotlight.filter(has_text="Sevilla").first).to_be_visible(timeout=TIMEOUT_MS)
    links = spotlight.locator("a[href]").evaluate_all("(a) => a.map((x) => x.href)")
    assert links == []
