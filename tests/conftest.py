"""Shared fixtures: the shipped geometry and data, a live Streamlit server, Debian Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest

from medmap.data import Dataset, load_dataset
from medmap.geo import Layers, load_layers, locate_entities

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

# True once Streamlit has finished running the script (evaluated in the page).
IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    // The status widget also shows a "File change" prompt when the sources are edited
    // while the server runs; only the running indicator means the script is busy.
    return app !== null && app.getAttribute("data-test-script-state") === "notRunning"
        && (status === null || !/running/i.test(status.innerText));
}"""


@pytest.fixture(scope="session")
def layers() -> Layers:
    """The shipped geometry (read-only: tests that change it work on a copy)."""
    return load_layers(ROOT / "geo")


@pytest.fixture(scope="session")
def dataset(layers: Layers) -> Dataset:
    """The shipped, validated data."""
    return load_dataset(ROOT / "data", layers.barrios["code"], layers.comunas["code"])


@pytest.fixture(scope="session")
def located(dataset: Dataset, layers: Layers) -> gpd.GeoDataFrame:
    """Entities placed on the map exactly as the app places them."""
    return locate_entities(dataset.entities, layers.barrios, layers.comunas, dataset.districts)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ to break in tests."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def view_widget(widgets, key: str):
    """The AppTest widget showing the view's ``key`` (its key also names the language and
    how often the app set the value: ``state.widget_key``)."""
    found = [w for w in widgets if (w.key or "").startswith(f"_w_{key}_")]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, process: subprocess.Popen):
        self.url = url
        self.process = process

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024


def start_server(
    app: Path = ROOT / "serve.py",
    env: dict[str, str] | None = None,
    python: Path | str = sys.executable,
) -> Server:
    """Start ``streamlit run`` (serve.py, as users do) on a free loopback port; wait until healthy."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(python),
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=app.parent,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: a chatty server must never block on a full pipe.
        stderr=(log := tempfile.TemporaryFile()),  # noqa: SIM115 (lives as long as the server)
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"streamlit exited: {log.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, process)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture
def fresh_server() -> Iterator[Server]:
    """A new server per test (pages must open first on a fresh server)."""
    server = start_server()
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    server = start_server()
    yield server
    stop_server(server)


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "Debian chromium is not installed (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for the whole run: a second sync one cannot start inside it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()


@contextlib.contextmanager
def guarded_page(browser, request, allowed: tuple[str, ...], viewport: dict) -> Iterator:
    """A page whose requests may only reach URLs starting with ``allowed``: the others are
    refused and recorded (``page.blocked_requests``), as are page errors and dismissed
    dialogs; a failed test leaves a screenshot in test-artifacts/."""
    context = browser.new_context(viewport=viewport, locale="en-US")
    blocked: list[str] = []

    def route(route_obj):
        url = route_obj.request.url
        if url.startswith(allowed):
            route_obj.continue_()
        else:
            blocked.append(url)
            route_obj.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.blocked_requests = blocked
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, request):
    """A page whose requests may only reach loopback (base tiles and CDNs are blocked)."""
    loopback = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
    with guarded_page(browser, request, loopback, {"width": 1440, "height": 1000}) as page:
        yield page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
