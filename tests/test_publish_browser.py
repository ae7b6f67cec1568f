"""Published views in Chromium, from file:// with every other request refused.

Each of the 12 links of ``bench/publish_links.txt`` (both languages) draws its barrios,
Sevilla and every chart with nothing leaving the folder, and shows what the live Map page
of the same link shows (KPIs, marker names, "not on the map", barrios, charts). The hostile data corpus publishes with no script run and its text shown as text.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from medmap import publish
from medmap.i18n import t

from .browser import MAP_IFRAME, kpi, wait_charts, wait_idle, wait_map
from .conftest import ROOT, guarded_page
from .test_hostile_browser import (  # noqa: F401 (hostile_dir is a fixture)
    INJECTED,
    NAMES,
    SECTOR_EN,
    SECTOR_ES,
    SOURCE_ID,
    SOURCE_TITLE,
    SOURCE_URL,
    hostile_dir,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

LINKS = publish.read_links((ROOT / "bench" / "publish_links.txt").read_text("utf-8"))
TIMEOUT_MS = 60_000

# In a map frame, live or published: the view's markers (by tooltip text, clustered or
# not), the barrio shapes drawn, the "not on the map" groups.
VIEW_JS = """() => {
    const map = window.map instanceof L.Map ? window.map
        : Object.values(window).find((v) => v instanceof L.Map);
    const text = (html) => new DOMParser().parseFromString(html, "text/html").body.textContent.trim();
    const seen = new Set(), names = [];
    const take = (layer) => {
        if (seen.has(L.stamp(layer)) || layer instanceof L.MarkerCluster) return;
        seen.add(L.stamp(layer));
        const tip = layer.getTooltip && layer.getTooltip();
        if (tip && !layer.feature) names.push(text(tip.getContent()));
    };
    for (const layer of Object.values(map._layers)) {
        if (layer instanceof L.MarkerClusterGroup) layer.getLayers().forEach(take);
        else if (layer instanceof L.Marker || layer instanceof L.CircleMarker) take(layer);
    }
    const barrios = Object.values(map._layers).filter((l) => l.feature && l._path
        && l._path.isConnected && "comuna_name" in l.feature.properties).length;
    const unplaced = [...document.querySelectorAll(".medmap-unplaced-toggle")]
        .map((b) => b.textContent.trim());
    return {names: names.sort(), barrios, unplaced,
            sevilla: document.querySelectorAll("path.medmap-sevilla").length};
}"""
VIEW_READY = """() => typeof L !== "undefined" && document.documentElement.dataset.medmapView
    && document.querySelector("path.medmap-sevilla") !== null
    && document.querySelectorAll(".leaflet-overlay-pane path").length > 300"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, Path]:
    """The 12 links published into one folder: link -> its folder."""
    source = publish.load_source(ROOT / "data", ROOT / "geo")
    out = tmp_path_factory.mktemp("published") / "site"
    written = publish.publish(source, LINKS, out)
    return {link: done.directory for link, done in zip(LINKS, written, strict=True)}


@pytest.fixture
def file_page(browser, request) -> Iterator:
    """A page that may read file:// only: every other request is refused and recorded."""
    with guarded_page(browser, request, ("file://",), {"width": 1280, "height": 900}) as page:
        yield page


def map_of(page, selector: str):
    frame = page.locator(selector).element_handle().content_frame()
    frame.wait_for_function(VIEW_READY, timeout=TIMEOUT_MS)
    return frame


def open_published(page, folder: Path) -> dict:
    """Open a published view; wait for its map and every chart; what it shows."""
    page.goto((folder / "index.html").as_uri())
    frame = map_of(page, "iframe.map")
    charts = page.locator("[data-chart]")
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).locator(".main-svg").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every((c) => c.dataset.drawn)",
        timeout=TIMEOUT_MS,
    )
    kpis = page.locator(".kpi").evaluate_all(
        "(els) => els.map((e) => [e.querySelector('dt').textContent, e.querySelector('dd').textContent])"
    )
    return {**frame.evaluate(VIEW_JS), "kpis": dict(kpis), "charts": charts.count()}


@pytest.mark.parametrize("link", LINKS)
def test_published_view_draws_from_file_with_the_network_off(site, file_page, link):
    shown = open_published(file_page, site[link])
    assert shown["barrios"] >= 300
    assert shown["sevilla"] == 1
    assert shown["charts"] >= 1
    assert len(shown["kpis"]) == 5
    assert file_page.blocked_requests == []
    assert file_page.errors == []
    lang = "es" if "lang=es" in link else "en"
    assert file_page.locator("html").get_attribute("lang") == lang
    live = file_page.locator("a.live")
    assert live.get_attribute("href").startswith(publish.DEFAULT_APP_URL)
    assert live.inner_text() == t("published_live", lang)


def open_live(page, url: str, charts: int) -> dict:
    """Open the live Map page; wait for its map and (after the map's report) ``charts``."""
    page.goto(url)
    wait_map(page)
    frame = map_of(page, MAP_IFRAME)
    drawn = page.locator('[data-testid="stPlotlyChart"] .main-svg >> nth=0')
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(charts, timeout=TIMEOUT_MS)
    if charts:
        drawn.wait_for(timeout=TIMEOUT_MS)
    wait_charts(page)
    wait_idle(page)
    return frame.evaluate(VIEW_JS)


@pytest.mark.parametrize("link", LINKS)
def test_published_view_shows_what_the_live_page_shows(site, server, page, file_page, link):
    published = open_published(file_page, site[link])
    live = open_live(page, server.url + "/" + link, published["charts"])
    for label, value in published["kpis"].items():
        assert kpi(page, label) == value, label
    assert published["names"] == live["names"]
    assert published["unplaced"] == live["unplaced"]
    assert published["sevilla"] == live["sevilla"] == 1
    assert published["barrios"] == live["barrios"]


# --- hostile data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(hostile_dir, tmp_path_factory) -> Path:  # noqa: F811 (the imported fixture)
    """The hostile corpus published by the command line, both languages."""
    out = tmp_path_factory.mktemp("hostile-published") / "site"
    links = out.parent / "links.txt"
    links.write_text("?\n?lang=es\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "medmap", "publish", "--links", str(links), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MEDMAP_DATA_DIR": str(hostile_dir)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


OPEN_POPUPS = """(names) => {
    // Each hostile marker's popup, opened as Leaflet opens it (its HTML set on the DOM).
    const map = Object.values(window).find((v) => v instanceof L.Map);
    const text = (html) => new DOMParser().parseFromString(html, "text/html").body.textContent.trim();
    const markers = [];
    for (const layer of Object.values(map._layers)) {
        const all = layer instanceof L.MarkerClusterGroup ? layer.getLayers() : [layer];
        markers.push(...all.filter((m) => m.getPopup && m.getPopup() && m.getTooltip()));
    }
    const seen = [];
    for (const name of names) {
        const marker = markers.find((m) => {
            const tip = text(m.getTooltip().getContent());
            return tip === name || tip.startsWith(`${name} (`);
        });
        if (!marker) { seen.push(null); continue; }
        const popup = L.popup().setLatLng(marker.getLatLng())
            .setContent(marker.getPopup().getContent()).openOn(map);
        const box = popup.getElement().querySelector(".leaflet-popup-content");
        seen.push({text: box.innerText, tags: [...box.querySelectorAll("*")].map((e) => e.tagName),
                   links: [...box.querySelectorAll("a")].map((a) => a.getAttribute("href"))});
    }
    return seen;
}"""


@pytest.mark.parametrize(("slug", "lang"), [("all", "en"), ("lang-es", "es")])
def test_hostile_data_publishes_as_text(hostile_site, file_page, slug, lang):
    shown = open_published(file_page, hostile_site / slug)
    frame = file_page.locator("iframe.map").element_handle().content_frame()
    for name in NAMES.values():
        assert any(n == name or n.startswith(f"{name} (") for n in shown["names"]), name
    popups = frame.evaluate(OPEN_POPUPS, list(NAMES.values()))
    assert None not in popups
    for name, popup in zip(NAMES.values(), popups, strict=True):
        assert popup["text"].startswith(name), popup["text"][:200]
        assert set(popup["tags"]) <= {"DIV", "B", "BR", "I", "A"}, popup["tags"]
        assert SOURCE_URL in popup["links"]
    sector = SECTOR_ES if lang == "es" else SECTOR_EN
    ticks = file_page.locator("#chart-sector_chart .ytick text").all_text_contents()
    assert sector in [tick.strip() for tick in ticks]
    file_page.locator(".sources-box summary").click()
    source = file_page.locator(".sources li", has_text=SOURCE_ID + " ·")
    assert source.locator("a").inner_text() == SOURCE_TITLE
    assert source.locator("a").get_attribute("href") == SOURCE_URL
    found = {f.url: f.evaluate(INJECTED) for f in file_page.frames}
    assert {url: f for url, f in found.items() if f} == {}
    assert file_page.dialogs == []
    assert file_page.errors == []
    assert file_page.blocked_requests == []


# --- the live download -------------------------------------------------------------------


def test_share_publishes_the_view_as_a_zip(server, page, file_page, tmp_path):
    import zipfile

    page.goto(server.url + "/?sector=fintech&lang=es")
    wait_map(page)
    wait_idle(page)
    page.get_by_role("button", name=t("share", "es")).click()
    button = page.get_by_role("button", name=t("publish_download", "es"))
    expect(button).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(t("publish_help", "es"))).to_be_visible()
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.click()
    archive = tmp_path / "view.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path)
    folder = tmp_path / "medmap-view"
    shown = open_published(file_page, folder)
    assert shown["sevilla"] == 1 and shown["barrios"] >= 300
    assert shown["kpis"][t("kpi_companies", "es")] == kpi(page, t("kpi_companies", "es"))
    live = file_page.locator("a.live").get_attribute("href")
    # The live share link's form (st.context.url has no trailing slash).
    assert live.rstrip("/").replace("/?", "?") == f"{server.url}?sector=fintech&lang=es"
    assert file_page.blocked_requests == []
