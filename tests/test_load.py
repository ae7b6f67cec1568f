"""A bounded load test on loopback: many concurrent sessions, each with its own view.

One server (this module's own, started fresh) serves 20 browser contexts that are all
open at the same time, each on a shared link with different filters; they reach
nothing but loopback. Every session
must show exactly the KPIs its own filters select, also after filters change through
the sidebar in some of them and after one session switches to an uploaded companies
file, which must stay private to that session. Everything waits on conditions with
deadlines; the whole test is bounded by a timeout marker.
"""

from __future__ import annotations

import functools
import re
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

import pandas as pd
import pytest
from playwright.sync_api import expect

from medmap.data import Dataset, load_dataset
from medmap.filters import Filters, Kpis, compute_kpis, filter_entities
from medmap.geo import load_layers
from medmap.i18n import format_count, t
from medmap.paths import data_dir, geo_dir
from medmap.upload import read_upload

from .browser import FILTERS, OSM_TILE, filter_multiselect
from .browser import wait_idle as wait_idle_within
from .conftest import (
    ARTIFACTS,
    ROOT,
    Server,
    free_port,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000  # per wait: generous, 20 sessions share two cores
RSS_LIMIT_MB = 1500  # a leak guard only, not a performance target
LOOPBACK = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "data:", "blob:", "about:")
DEAD_PORT = free_port()  # nothing listens here: the proxy for every non-loopback request
UPLOAD_ROW = "ruta-n"

# Shared links of the concurrent sessions: all valid, all different.
LINKS: tuple[str, ...] = (
    "",
    "sector=ai",
    "sector=software-services",
    "sector=technology",
    "sector=university",
    "sector=ai&kind=company",
    "sector=ai&kind=institution",
    "comuna=04",
    "comuna=14",
    "comuna=04&kind=company",
    "comuna=04&kind=institution",
    "kind=company",
    "kind=institution",
    "sector=telecom&sector=bpo-cx",
    "comuna=04&comuna=14",
    "comuna=13&sector=software-services",
    "sector=fintech&sector=proptech&kind=company",
    "comuna=04&sector=innovation-agency",
    "comuna=07&comuna=11",
    "lang=es&sector=digital-media",
)
UPLOADER = 0  # the session without filters uploads a file
# Sidebar changes made in some sessions while all the others stay open:
# link index -> (label key of the multiselect, option to add), or None for "Clear filters".
CHANGES: dict[int, tuple[str, str] | None] = {
    1: ("filter_kind", "institution"),
    2: None,
    7: ("filter_sector", "innovation-agency"),
    11: ("filter_comuna", "14"),
    19: ("filter_kind", "institution"),
}
FIELD_OF = {"filter_kind": "kinds", "filter_sector": "sectors", "filter_comuna": "comunas"}
PARAM_OF = {"filter_kind": "kind", "filter_sector": "sector", "filter_comuna": "comuna"}

# Applied in every frame of the load sessions: CSS keyframe animations (running spinners,
# skeletons) off. Twenty visible pages animating while they wait for the server cost
# more compositing than the whole server on two cores; nothing tested depends on them.
NO_ANIMATIONS = """document.addEventListener("DOMContentLoaded", () => {
    const style = document.createElement("style");
    style.textContent = "*, *::before, *::after { animation: none !important; }";
    document.head.appendChild(style);
});"""


# --- the figures each session must show ----------------------------------------------


def parse_link(query: str) -> tuple[str, Filters]:
    params = parse_qs(query)
    return params.get("lang", ["en"])[0], Filters(
        comunas=tuple(params.get("comuna", ())),
        barrios=tuple(params.get("barrio", ())),
        sectors=tuple(params.get("sector", ())),
        kinds=tuple(params.get("kind", ())),
    )


def kpis_for(entities: pd.DataFrame, filters: Filters, dataset: Dataset) -> Kpis:
    return compute_kpis(filter_entities(entities, filters), dataset.staff, dataset.funding)


def changed(filters: Filters, change: tuple[str, str] | None) -> Filters:
    if change is None:
        return Filters()
    key, value = change
    name = FIELD_OF[key]
    return Filters(**{**filters.__dict__, name: (*getattr(filters, name), value)})


# --- browser sessions ----------------------------------------------------------------


@dataclass
class Session:
    """One browser context (own cookies, own Streamlit session) and what it must show."""

    context: object
    page: object
    lang: str
    filters: Filters
    expected: Kpis
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # non-loopback requests (all must fail)
    left: list[str] = field(default_factory=list)  # non-loopback requests that got an answer


def open_session(
    browser, url: str, lang: str = "en", filters: Filters | None = None, expected=None
) -> Session:
    """A new context that can only reach loopback; the navigation is only started.

    Everything else goes to a proxy on a closed loopback port and fails there (and is
    recorded). Unlike request interception, this keeps the browser's HTTP and code
    caches, so a reload does not parse Streamlit's whole frontend again.
    """
    context = browser.new_context(
        viewport={"width": 1024, "height": 640},
        locale="en-US",
        reduced_motion="reduce",
        proxy={"server": f"http://127.0.0.1:{DEAD_PORT}", "bypass": "127.0.0.1,localhost"},
    )
    context.add_init_script(NO_ANIMATIONS)
    page = context.new_page()
    session = Session(context, page, lang, filters or Filters(), expected)
    page.on("dialog", lambda d: (session.dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: r.url.startswith(LOOPBACK) or session.blocked.append(r.url))
    page.on("requestfinished", lambda r: r.url.startswith(LOOPBACK) or session.left.append(r.url))
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    return session


def wait_idle(page) -> None:
    wait_idle_within(page, TIMEOUT_MS)  # 20 sessions share two cores


def metric_value(page, label: str):
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    return metric.locator('[data-testid="stMetricValue"]')


def shown_text(kpis: Kpis, lang: str) -> tuple[str, str]:
    return format_count(kpis.companies, lang), format_count(kpis.organisations, lang)


def expect_kpis(session: Session) -> None:
    """Wait until the session shows its expected KPIs and its script has finished."""
    page, lang = session.page, session.lang
    companies, institutions = shown_text(session.expected, lang)
    expect(metric_value(page, t("kpi_companies", lang))).to_have_text(companies, timeout=TIMEOUT_MS)
    expect(metric_value(page, t("kpi_organisations", lang))).to_have_text(
        institutions, timeout=TIMEOUT_MS
    )
    wait_idle(page)


def read_kpis(session: Session) -> tuple[str, str]:
    """The KPI texts as shown right now (no waiting for a particular value)."""
    page, lang = session.page, session.lang
    return (
        metric_value(page, t("kpi_companies", lang)).inner_text(timeout=TIMEOUT_MS),
        metric_value(page, t("kpi_organisations", lang)).inner_text(timeout=TIMEOUT_MS),
    )


def assert_all_show_their_own(sessions: list[Session]) -> None:
    for session in sessions:
        wait_idle(session.page)
    seen = [read_kpis(s) for s in sessions]
    wanted = [shown_text(s.expected, s.lang) for s in sessions]
    wrong = {i: (seen[i], wanted[i]) for i in range(len(sessions)) if seen[i] != wanted[i]}
    assert wrong == {}, f"sessions showing other figures (shown, expected): {wrong}"


def upload_notice(session: Session):
    return session.page.get_by_text(t("upload_active", session.lang), exact=True)


def change_filter(session: Session, change: tuple[str, str] | None) -> None:
    """Change the session's filters through the filter bar, as a user would."""
    page, lang = session.page, session.lang
    if change is None:
        page.locator(FILTERS).get_by_role("button", name=t("clear_filters", lang)).click()
        return
    key, value = change
    box = filter_multiselect(page, t(key, lang))
    box.click()
    entry = box.locator("input")
    name = option_name(key, value, lang)
    entry.fill(name)
    page.get_by_role("option", name=name, exact=True).wait_for(timeout=TIMEOUT_MS)
    entry.press("Enter")
    entry.press("Escape")


@functools.cache
def option_name(key: str, value: str, lang: str) -> str:
    """How the filter bar names an option (the link keeps ``value``)."""
    if key == "filter_kind":
        return t(f"kind_{value}", lang)
    if key == "filter_sector":
        sectors = load_dataset(data_dir()).sectors
        return dict(zip(sectors["sector"], sectors[f"label_{lang}"], strict=True))[value]
    comunas = load_layers(geo_dir()).comunas
    return f"{dict(zip(comunas['code'], comunas['name'], strict=True))[value]} ({value})"


def expect_url_after(session: Session, change: tuple[str, str] | None) -> None:
    if change is None:
        pattern = re.compile(r"[?&](sector|comuna|barrio|kind)=")
        expect(session.page).not_to_have_url(pattern, timeout=TIMEOUT_MS)
    else:
        wanted = urlencode({PARAM_OF[change[0]]: change[1]})
        expect(session.page).to_have_url(re.compile(re.escape(wanted)), timeout=TIMEOUT_MS)


def nav(page, lang: str, key: str) -> None:
    page.locator('[data-testid="stTopNavLink"]', has_text=t(key, lang)).click()


def health(server: Server) -> int:
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as response:
        return response.status


class Stopwatch:
    """Durations of the test's phases, shown as they end (outside pytest's capture)."""

    def __init__(self, capsys):
        self.capsys = capsys
        self.last = time.monotonic()
        self.phases: dict[str, float] = {}

    def say(self, text: str) -> None:
        with self.capsys.disabled():
            print(f"\n[load] {text}", end="", flush=True)

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.phases[name] = round(now - self.last, 1)
        self.last = now
        self.say(f"{name}: {self.phases[name]} s")


@pytest.fixture(scope="module")
def load_server() -> Iterator[Server]:
    """This module's own server, started fresh: the sessions are its first visitors."""
    server = start_server()
    yield server
    stop_server(server)


# --- tests ---------------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_concurrent_sessions_keep_their_own_view(
    browser, load_server, dataset, located, layers, record_property, capsys
):
    assert len(set(LINKS)) == len(LINKS) >= 20
    server, clock = load_server, Stopwatch(capsys)
    sessions: list[Session] = []
    try:
        # 1. All sessions open at the same time, each on a different link.
        for link in LINKS:
            lang, filters = parse_link(link)
            expected = kpis_for(located, filters, dataset)
            sessions.append(open_session(browser, f"{server.url}/?{link}", lang, filters, expected))
        for session in sessions:
            expect_kpis(session)
        assert_all_show_their_own(sessions)
        clock.lap("open")
        rss_open = server.rss_mb()
        record_property("server_rss_mb_sessions_open", round(rss_open, 1))
        clock.say(f"server RSS with {len(sessions)} sessions open: {rss_open:.0f} MB")

        # 2. Some sessions change a filter in the sidebar while the others stay open.
        for index, change in CHANGES.items():
            session = sessions[index]
            before = shown_text(session.expected, session.lang)
            session.filters = changed(session.filters, change)
            session.expected = kpis_for(located, session.filters, dataset)
            assert shown_text(session.expected, session.lang) != before, "a change must show"
            change_filter(session, change)
        for index, change in CHANGES.items():
            expect_url_after(sessions[index], change)
            expect_kpis(sessions[index])
        assert_all_show_their_own(sessions)
        clock.lap("change")

        # 3. One session uploads a one-row companies file (a real row) and switches to it.
        uploader = sessions[UPLOADER]
        header, row = (ROOT / "data" / "entities.csv").read_text(encoding="utf-8").split("\n")[:2]
        assert row.startswith(f"{UPLOAD_ROW},")
        raw = f"{header}\n{row}\n".encode()
        upload = read_upload(
            raw,
            dataset.sectors["sector"],
            layers.barrios,
            layers.comunas,
            districts=dataset.districts,
        )
        assert upload.errors == [] and len(upload.entities) == 1
        upload_kpis = kpis_for(upload.entities, uploader.filters, dataset)
        assert (upload_kpis.companies, upload_kpis.organisations) == (0, 1)

        page, lang = uploader.page, uploader.lang
        nav(page, lang, "page_companies")
        expect(page).to_have_url(re.compile(r"/companies"), timeout=TIMEOUT_MS)
        wait_idle(page)
        page.get_by_text(t("upload_title", lang), exact=True).click()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            files=[{"name": "ruta-n.csv", "mimeType": "text/csv", "buffer": raw}],
            timeout=TIMEOUT_MS,
        )
        expect(page.get_by_text(t("upload_valid_rows", lang, n="1"), exact=True)).to_be_visible(
            timeout=TIMEOUT_MS
        )
        wait_idle(page)
        page.get_by_text(t("upload_use", lang), exact=True).click()
        expect(upload_notice(uploader)).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_text(t("companies_count", lang, n=1, total=1))).to_be_visible(
            timeout=TIMEOUT_MS
        )
        wait_idle(page)
        nav(page, lang, "page_map")
        expect(page).not_to_have_url(re.compile(r"/companies"), timeout=TIMEOUT_MS)
        uploader.expected = upload_kpis
        expect_kpis(uploader)
        expect(upload_notice(uploader)).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "load-upload-session.png"))
        clock.lap("upload")

        # 4. The upload is private: reloaded sessions and a brand-new one show shipped data.
        others = [s for i, s in enumerate(sessions) if i != UPLOADER]
        for session in others:
            session.page.reload(wait_until="commit", timeout=TIMEOUT_MS)
        for session in others:
            expect_kpis(session)
            expect(upload_notice(session)).to_have_count(0)
        newcomer = open_session(
            browser, f"{server.url}/", expected=kpis_for(located, Filters(), dataset)
        )
        sessions.append(newcomer)
        expect_kpis(newcomer)
        expect(upload_notice(newcomer)).to_have_count(0)
        clock.lap("reload")

        # 5. Re-read every session at the end: each still shows exactly its own figures.
        assert_all_show_their_own(sessions)
        expect(upload_notice(uploader)).to_be_visible()
        assert [upload_notice(s).count() for s in sessions if s is not uploader] == [0] * (
            len(sessions) - 1
        )
        assert [s.dialogs for s in sessions] == [[]] * len(sessions)
        # Loopback only: the one thing the pages ask elsewhere for is base-map tiles.
        outside = [u for s in sessions for u in s.blocked if not OSM_TILE.match(u)]
        assert outside == []
        assert [u for s in sessions for u in s.left] == []
        errors = [s.page.locator('[data-testid="stException"]').count() for s in sessions]
        assert errors == [0] * len(sessions)

        assert health(server) == 200
        rss_end = server.rss_mb()
        clock.lap("final")
        record_property("server_rss_mb_end", round(rss_end, 1))
        record_property("phase_seconds", clock.phases)
        clock.say(f"server RSS at the end ({len(sessions)} sessions): {rss_end:.0f} MB\n")
        assert rss_open < RSS_LIMIT_MB and rss_end < RSS_LIMIT_MB, (rss_open, rss_end)
    finally:
        for session in sessions:
            session.context.close()
    assert health(server) == 200


FIRST_VISITORS = 5


@pytest.mark.timeout(150)
def test_concurrent_first_visitors_get_the_frame(browser):
    """People opening a shared link together on a just-started server all get the frame.

    Regression: a session whose first run began in Streamlit's pages/ mode while another
    session switched that process-wide mode off showed the page alone (no sidebar, link
    filters ignored), or kept widget ids that made its first interaction a no-op.
    """
    server = start_server()
    sessions: list[Session] = []
    try:
        for _ in range(FIRST_VISITORS):
            sessions.append(open_session(browser, f"{server.url}/about?sector=ai&lang=es"))
        for session in sessions:
            # Done when the About page's sources table is drawn (with or without the frame).
            session.page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT_MS)
            wait_idle(session.page)
        framed = [s.page.locator(FILTERS).count() == 1 for s in sessions]
        if not all(framed):
            ARTIFACTS.mkdir(exist_ok=True)
            sessions[framed.index(False)].page.screenshot(
                path=str(ARTIFACTS / "load-first-visitor-without-frame.png")
            )
        assert framed == [True] * FIRST_VISITORS
        chips = [
            filter_multiselect(s.page, t("filter_sector", "es")).locator("[data-tag]")
            for s in sessions
        ]
        for chip in chips:
            expect(chip).to_have_text([option_name("filter_sector", "ai", "es")])
        # Each visitor's first interaction takes effect.
        for session in sessions:
            session.page.locator(FILTERS).get_by_role(
                "button", name=t("clear_filters", "es")
            ).click()
        for session, chip in zip(sessions, chips, strict=True):
            expect(session.page).not_to_have_url(re.compile(r"sector="), timeout=TIMEOUT_MS)
            expect(chip).to_have_count(0)
    finally:
        for session in sessions:
            session.context.close()
        stop_server(server)
