"""Servers, browser and measurements shared by the three apps of the benchmark.

Every figure is taken the same way for every app:

- a server is ``streamlit run`` on a free loopback port, healthy on ``/_stcore/health``;
- every page is a new browser context (empty HTTP cache, no cookies) in one Debian
  Chromium; requests to anything but loopback go to a dead proxy and fail at once;
- "ready" means the app's map is drawn (``DrawnSpec``) **and** the script is idle
  (``data-test-script-state="notRunning"``, no running status widget, no stale
  element), and stays idle for ``QUIET_MS`` (a rerun that starts meanwhile, e.g.
  the one ``st_folium``'s default return value triggers, is waited for too);
- times are taken in the page (``performance.now()``), not in Python.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
QUIET_MS = 1500
VIEWPORT = {"width": 1440, "height": 1000}
PHONE = {"width": 390, "height": 844}
# Where issue #21 asks for the map frame's place on the first screen.
LAYOUT_SIZES = ((1440, 900), (1280, 720), (390, 844))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# --- in-page instrumentation -----------------------------------------------------------

# The map iframe shows what the spec asks: one map iframe, Leaflet's map loaded, and for
# medmap and naive the barrio paths and markers. Returns the number of area paths (or 1).
MAP_DRAWN = """(spec) => {
  const frames = [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')];
  if (frames.length !== 1) return 0;
  const win = frames[0].contentWindow, doc = frames[0].contentDocument;
  if (!win || !doc || !win.map || !win.map._loaded) return 0;
  if (!doc.querySelector(".leaflet-container")) return 0;
  const paths = doc.querySelectorAll(
    ".leaflet-overlay-pane path.leaflet-interactive:not(.medmap-company):not(.medmap-area-count)"
  ).length;
  if (paths < spec.minPaths) return 0;
  if (spec.markers) {
    const markers = doc.querySelectorAll(
      ".leaflet-marker-pane > *, path.medmap-company, path.medmap-area-count").length;
    if (markers === 0) return 0;
  }
  return Math.max(paths, 1);
}"""

# Runs in every frame (the app page and the map iframe) before any page script.
INIT_SCRIPT = """
(() => {
  const topSink = () => { try { return window.top.__benchLT; } catch (e) { return null; } };
  if (window.top === window) window.__benchLT = [];
  try {
    new PerformanceObserver((list) => {
      const sink = topSink();
      if (!sink) return;
      for (const e of list.getEntries()) {
        sink.push({
          d: e.duration, t: performance.timeOrigin + e.startTime,
          // The same-origin map iframe shares the page's event loop: its tasks reach
          // the page's observer too, attributed to an iframe container.
          frame: window.top === window && e.name === "self"
            && !(e.attribution || []).some((a) => a.containerType === "iframe")
            ? "page" : "map-iframe",
        });
      }
    }).observe({type: "longtask", buffered: true});
  } catch (e) {}
  if (window.top !== window) return;
  const b = window.__bench = {
    runStarts: [], runEnds: [], state: null, chosenAt: null, mapDrawnAt: 0, cls: 0,
    pendingMax: 0,
  };
  // "Map drawn": the first frame in which the map iframe shows what the app's spec asks
  // (window.__benchMapSpec, set by harness.load), whatever the script is still doing.
  window.__benchMapDrawn = __MAP_DRAWN__;
  const watchMap = () => {
    const spec = window.__benchMapSpec;
    if (spec && window.__benchMapDrawn(spec)) {
      b.mapDrawnAt = performance.now();
      return;
    }
    requestAnimationFrame(watchMap);
  };
  requestAnimationFrame(watchMap);
  // Cumulative layout shift as Lighthouse counts it: the largest session window (shifts
  // less than 1 s apart, at most 5 s long), shifts right after an input left out.
  let win = {value: 0, first: 0, last: 0};
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        if (win.value && e.startTime - win.last < 1000 && e.startTime - win.first < 5000) {
          win.value += e.value;
          win.last = e.startTime;
        } else {
          win = {value: e.value, first: e.startTime, last: e.startTime};
        }
        b.cls = Math.max(b.cls, win.value);
      }
    }).observe({type: "layout-shift", buffered: true});
  } catch (e) {}
  const check = () => {
    // The most chart placeholders the page has shown: that many charts must be drawn.
    b.pendingMax = Math.max(b.pendingMax,
      document.querySelectorAll('[class*="st-key-chart-pending"]').length);
    const app = document.querySelector('[data-testid="stApp"]');
    const s = app ? app.getAttribute("data-test-script-state") : null;
    if (s === b.state) return;
    if (s === "running") b.runStarts.push(performance.now());
    else if (b.state === "running") b.runEnds.push(performance.now());
    b.state = s;
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true,
    attributes: true, attributeFilter: ["data-test-script-state"]});
  // The moment the user picks an option of a select box (the start of a filter change),
  // and the moment of the latest click of any kind (e.g. a chip's remove button).
  document.addEventListener("click", (e) => {
    b.clickedAt = performance.now();
    if (e.target instanceof Element && e.target.closest('[role="option"]')) {
      b.chosenAt = performance.now();
    }
  }, true);
  // The moment the user steps a slider with the keyboard (the start of a year step).
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof Element && e.target.matches('input[type="range"]')) {
      b.chosenAt = performance.now();
    }
  }, true);
})();
"""

INIT_SCRIPT = INIT_SCRIPT.replace("__MAP_DRAWN__", MAP_DRAWN)

# True (with the time) once the map is drawn, the KPI changed and the script is idle.
READY = """
(spec) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  if (status && (status.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
                 || /running/i.test(status.innerText))) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  const paths = window.__benchMapDrawn(spec);
  if (!paths) return false;
  // After a filter change: a new map iframe, or the same one showing a new view token.
  const frame = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
  const old = frame.dataset.benchOld;
  const token = frame.contentDocument.documentElement.dataset.medmapView;
  if (old !== undefined && (old === "-" || token === old)) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  for (const chart of charts) {
    if (!chart.querySelector(".main-svg")) return false;
  }
  // A page load: at least the app's own charts (chartfloor's one), and as many as
  // medmap's chart placeholders (ui.chart_beside_map), which must all be gone.
  const load = spec.kpiBefore === null;
  if (load && charts.length < Math.max(spec.minCharts, window.__bench.pendingMax)) return false;
  if (document.querySelector('[class*="st-key-chart-pending"]')) return false;
  let kpi = null;
  if (spec.kpi) {
    const metric = [...document.querySelectorAll('[data-testid="stMetric"]')]
      .find((m) => m.innerText.trim().startsWith(spec.kpi));
    const value = metric && metric.querySelector('[data-testid="stMetricValue"]');
    if (!value) return false;
    kpi = value.innerText.trim();
    if (spec.kpiBefore !== null && kpi === spec.kpiBefore) return false;
  }
  return {t: performance.now(), runs: window.__bench.runStarts.length, kpi, paths};
}
"""

MARK_OLD_MAP = """() => {
  for (const f of document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]'))
    f.dataset.benchOld = (f.contentDocument && f.contentDocument.documentElement.dataset.medmapView) || "-";
}"""

KPI_TEXT = """(label) => {
  const metric = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .find((m) => m.innerText.trim().startsWith(label));
  const value = metric && metric.querySelector('[data-testid="stMetricValue"]');
  return value ? value.innerText.trim() : null;
}"""


# --- apps and servers ------------------------------------------------------------------


@dataclass(frozen=True)
class AppSpec:
    """One app as the harness runs and judges it."""

    name: str
    script: Path
    env: dict[str, str]
    min_paths: int  # barrio polygons that must be in the map iframe
    markers: bool  # the marker layer must have drawn something
    kpi: str | None  # label of the st.metric that a filter change must change
    has_filter: bool
    min_charts: int = 0  # Plotly charts a page load must have drawn ("page complete")


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    start_s: float
    log: object

    def rss_mb(self) -> float:
        return _proc_status_kb(self.process.pid, "VmRSS") / 1024

    def hwm_mb(self) -> float:
        return _proc_status_kb(self.process.pid, "VmHWM") / 1024


def _proc_status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/{pid}/status")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STANDALONE_CONFIG = """\
# Written by bench/run.py: serve static/ (a link to the repository's) and skip watching
# the code, like medmap does.
[server]
enableStaticServing = true
headless = true
fileWatcherType = "none"

[browser]
gatherUsageStats = false
"""


def standalone_app_dir(source: Path, target: Path) -> Path:
    """A folder to run ``source`` from: the file, ``static/`` -> repo ``static/``, config."""
    target.mkdir(parents=True)
    script = target / source.name
    shutil.copyfile(source, script)
    (target / "static").symlink_to(ROOT / "static", target_is_directory=True)
    (target / ".streamlit").mkdir()
    (target / ".streamlit" / "config.toml").write_text(STANDALONE_CONFIG)
    return script


def start_server(app: AppSpec, timeout_s: float = 120) -> Server:
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
    started = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app.script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=app.script.parent,
        env={**os.environ, **app.env},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = started + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{app.name}: streamlit exited: {log.read().decode()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(process, url, time.monotonic() - started, log)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app.name}: streamlit did not become healthy in {timeout_s} s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.log.close()


def server_log_tail(server: Server, chars: int = 3000) -> str:
    server.log.seek(0)
    return server.log.read().decode(errors="replace")[-chars:]


# --- browser ---------------------------------------------------------------------------


@contextlib.contextmanager
def chromium(extra_args: tuple[str, ...] = (), driver=None) -> Iterator[Browser]:
    """Debian Chromium, headless; every non-loopback request fails (a dead proxy).

    ``driver``: a running sync Playwright to launch from (a test run has one already, and
    a second cannot start inside it); by default one is started for the benchmark.

    Playwright's ``route()`` would also block, but request interception turns
    Chromium's HTTP cache off, so a filter change would re-download the map
    iframe's scripts that a real browser keeps: the proxy keeps the cache.
    """
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("Debian chromium is not installed (make bench installs it)")
    dead = free_port()
    args = [
        *CHROMIUM_ARGS,
        f"--proxy-server=http://127.0.0.1:{dead}",
        "--proxy-bypass-list=127.0.0.1;localhost",
        *extra_args,
    ]
    with contextlib.nullcontext(driver) if driver else sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()


def chromium_version() -> str:
    executable = shutil.which("chromium")
    if executable is None:
        return "missing"
    out = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=False
    ).stdout
    return out.strip()


@dataclass
class Traffic:
    """Bytes the page received: websocket payloads and HTTP responses (on the wire)."""

    ws: int = 0
    http: int = 0
    ws_frames: int = 0
    http_responses: int = 0
    blocked: list[str] = field(default_factory=list)

    def snapshot(self) -> tuple[int, int]:
        return self.ws, self.http


@dataclass
class Tab:
    context: BrowserContext
    page: Page
    traffic: Traffic

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()


def new_tab(browser: Browser, viewport: dict | None = None) -> Tab:
    phone = viewport is not None and viewport["width"] < 640
    context = browser.new_context(
        viewport=viewport or VIEWPORT, locale="en-US", is_mobile=phone, has_touch=phone
    )
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    traffic = Traffic()

    def on_frame(payload: str | bytes) -> None:
        traffic.ws += len(payload.encode() if isinstance(payload, str) else payload)
        traffic.ws_frames += 1

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    page.on(
        "requestfailed",
        lambda r: None if r.url.startswith("http://127.0.0.1") else traffic.blocked.append(r.url),
    )
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")

    def on_finished(event: dict) -> None:
        traffic.http += int(event.get("encodedDataLength", 0))
        traffic.http_responses += 1

    cdp.on("Network.loadingFinished", on_finished)
    return Tab(context, page, traffic)


# --- measurements ----------------------------------------------------------------------


class MeasureError(RuntimeError):
    pass


def _spec(app: AppSpec, kpi_before: str | None = None) -> dict:
    return {
        "minPaths": app.min_paths,
        "markers": app.markers,
        "kpi": app.kpi,
        "kpiBefore": kpi_before,
        "minCharts": app.min_charts,
    }


def wait_ready(page: Page, spec: dict, timeout_s: float, quiet_ms: float = QUIET_MS) -> dict:
    """Wait for READY, then for ``quiet_ms`` without a new script run; the time READY last held."""
    deadline = time.monotonic() + timeout_s
    while True:
        remaining = max(deadline - time.monotonic(), 0.1) * 1000
        try:
            handle = page.wait_for_function(READY, arg=spec, polling="raf", timeout=remaining)
        except PlaywrightTimeout as err:
            raise MeasureError(f"not ready within {timeout_s:.0f} s") from err
        ready = handle.json_value()
        handle.dispose()  # else the page keeps every result alive (a leak on long runs)
        try:
            page.wait_for_function(
                "n => window.__bench.runStarts.length > n",
                arg=ready["runs"],
                polling="raf",
                timeout=quiet_ms,
            ).dispose()
        except PlaywrightTimeout:
            return ready
        if time.monotonic() > deadline:
            raise MeasureError(f"script kept rerunning for {timeout_s:.0f} s")


LONGEST = """([since, until]) => {
  const out = {page: 0, "map-iframe": 0};
  for (const e of window.__benchLT) {
    if (e.t >= since && (until === null || e.t < until) && e.frame in out) {
      out[e.frame] = Math.max(out[e.frame], e.d);
    }
  }
  return out;
}"""


def longest_tasks_ms(
    page: Page, since_epoch_ms: float = 0, until_epoch_ms: float | None = None
) -> dict[str, float]:
    """The longest task (>= 50 ms, else 0) seen by the page and by its map iframe(s), of
    those that started in [since, until) (epoch ms; no end when ``until_epoch_ms`` is None)."""
    return page.evaluate(LONGEST, [since_epoch_ms, until_epoch_ms])


RUN_TIME = """(since) => {
  const b = window.__bench;
  let total = 0;
  b.runStarts.forEach((start, i) => {
    if (start < since) return;
    const end = b.runEnds.find((e) => e >= start);
    if (end !== undefined) total += end - start;
  });
  return total;
}"""


def script_running_ms(page: Page, since_ms: float = 0) -> float:
    """How long the page showed the script as running (all runs since ``since_ms``)."""
    return float(page.evaluate(RUN_TIME, since_ms))


def _longest(tasks: dict[str, float]) -> dict[str, float]:
    return {
        "longtask_ms": max(tasks.values()),
        "longtask_page_ms": tasks["page"],
        "longtask_iframe_ms": tasks["map-iframe"],
    }


def load(
    browser: Browser, app: AppSpec, server: Server, timeout_s: float, viewport: dict | None = None
) -> tuple[Tab, dict]:
    """Open the app in a new tab. Two times from the same navigation start (page clock):
    **map drawn**, the first frame in which the map shows its barrios and markers (whether
    or not a later run is still drawing charts), and **page complete**, ready with every
    Plotly chart drawn, no chart placeholder left and the script idle."""
    tab = new_tab(browser, viewport)
    try:
        tab.context.add_init_script(f"window.__benchMapSpec = {json.dumps(_spec(app))};")
        tab.page.goto(server.url + "/", wait_until="commit", timeout=timeout_s * 1000)
        ready = wait_ready(tab.page, _spec(app), timeout_s)
        drawn_at, origin = tab.page.evaluate("[window.__bench.mapDrawnAt, performance.timeOrigin]")
        if not drawn_at:
            raise MeasureError(f"{app.name}: page complete but no frame showed the map drawn")
        sample = {
            "ms": drawn_at,
            "complete_ms": ready["t"],
            "cls": tab.page.evaluate("window.__bench.cls"),
            "ws_bytes": tab.traffic.ws,
            "http_bytes": tab.traffic.http,
            "bytes": tab.traffic.ws + tab.traffic.http,
            **_longest(longest_tasks_ms(tab.page)),
            "longtask_before_map_ms": max(
                longest_tasks_ms(tab.page, 0, origin + drawn_at).values()
            ),
            "script_ms": script_running_ms(tab.page),
            "blocked": len(tab.traffic.blocked),
        }
    except Exception:
        tab.close()
        raise
    return tab, sample


# The map frame on the first screen: its top and height, its share of the page's width,
# and how much of it the first screen shows.
MAP_GEOMETRY = """() => {
    const frame = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    if (!frame) return null;
    const r = frame.getBoundingClientRect();
    return {top: r.top, height: r.height, share: r.width / window.innerWidth,
            visible: Math.max(0, Math.min(window.innerHeight, r.bottom) - Math.max(0, r.top))};
}"""


def map_geometry(page: Page, size: tuple[int, int]) -> dict:
    """The map frame's place at ``size`` (the page resized, its layout settled)."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(500)  # the resize's layout and the map's own invalidateSize
    geometry = page.evaluate(MAP_GEOMETRY)
    if geometry is None:
        raise MeasureError("no map frame on the page")
    return geometry


def multiselect(page: Page, label: str):
    """The multiselect labelled ``label`` (visible or collapsed), wherever the app puts it."""
    return page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=re.compile(f"^{label}"))
    )


def change_filter(tab: Tab, app: AppSpec, sector: str, timeout_s: float) -> dict:
    """Choose the sector named ``sector`` (as its option reads) in the Sector filter; time
    from the click on it to the new state, ready."""
    page = tab.page
    box = multiselect(page, "Sector")
    box.click()
    field_ = box.locator("input")
    field_.fill(sector)
    option = page.get_by_role("option", name=sector, exact=True)
    option.wait_for(timeout=timeout_s * 1000)
    page.evaluate(MARK_OLD_MAP)
    kpi_before = page.evaluate(KPI_TEXT, app.kpi)
    if kpi_before is None:
        raise MeasureError(f"{app.name}: no '{app.kpi}' metric on the page")
    epoch_before = page.evaluate("performance.timeOrigin + performance.now()")
    ws0, http0 = tab.traffic.snapshot()
    option.click()
    ready = wait_ready(page, _spec(app, kpi_before), timeout_s)
    chosen_at = page.evaluate("window.__bench.chosenAt")
    chips = box.locator("[data-tag]").all_inner_texts()
    if [c.strip() for c in chips] != [sector]:
        raise MeasureError(f"{app.name}: chose {sector!r}, the filter shows {chips}")
    sample = {
        "ms": ready["t"] - chosen_at,
        "ws_bytes": tab.traffic.ws - ws0,
        "http_bytes": tab.traffic.http - http0,
        "bytes": tab.traffic.ws - ws0 + tab.traffic.http - http0,
        **_longest(longest_tasks_ms(page, epoch_before)),
        "script_ms": script_running_ms(page, chosen_at),
        "kpi_before": kpi_before,
        "kpi_after": ready["kpi"],
    }
    page.keyboard.press("Escape")
    return sample


def step_year(tab: Tab, app: AppSpec, url: str, timeout_s: float) -> dict:
    """Open ``url`` (a view as of some year), then step the year control one year on with
    the keyboard, as a playing control does; time from the key to the new state, ready."""
    page = tab.page
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    wait_ready(page, _spec(app), timeout_s)
    thumb = page.locator(
        '[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]'
    ).first
    thumb.focus()
    page.evaluate(MARK_OLD_MAP)
    kpi_before = page.evaluate(KPI_TEXT, app.kpi)
    epoch_before = page.evaluate("performance.timeOrigin + performance.now()")
    ws0, http0 = tab.traffic.snapshot()
    page.keyboard.press("ArrowRight")
    ready = wait_ready(page, _spec(app, kpi_before), timeout_s)
    chosen_at = page.evaluate("window.__bench.chosenAt")
    return {
        "ms": ready["t"] - chosen_at,
        "bytes": tab.traffic.ws - ws0 + tab.traffic.http - http0,
        **_longest(longest_tasks_ms(page, epoch_before)),
        "kpi_before": kpi_before,
        "kpi_after": ready["kpi"],
    }


def open_sessions(
    browser: Browser, app: AppSpec, server: Server, count: int, timeout_s: float
) -> list[Tab]:
    """Open ``count`` more sessions, one after the other, each until its map is drawn.

    They stay open together (concurrent sessions); opening them one by one keeps
    each wait within ``timeout_s`` on a slow machine.
    """
    tabs: list[Tab] = []
    try:
        for _ in range(count):
            tab = new_tab(browser)
            tabs.append(tab)
            tab.page.goto(server.url + "/", wait_until="commit", timeout=timeout_s * 1000)
            wait_ready(tab.page, _spec(app), timeout_s)
    except Exception:
        for tab in tabs:
            tab.close()
        raise
    return tabs
