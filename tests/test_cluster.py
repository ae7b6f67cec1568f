"""``make cluster`` (deploy/cluster.py): app processes behind HAProxy, sticky by cookie, failover.

One cluster of two replicas for the module (started as ``make cluster`` starts it, with
``--no-restart`` so that a killed replica stays dead). Browsers on each replica; one
replica is killed with SIGKILL and its pages must show their view again through the
balancer on the other one. Stopping the script must stop every process it started.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from medmap.filters import Filters, filter_entities
from medmap.i18n import format_count, t

from .browser import MAP_IFRAME, TOPBAR, kpi, open_app, poll, wait_idle, wait_map
from .conftest import ARTIFACTS, ROOT, free_port

sys.path.insert(0, str(ROOT / "deploy"))
import cluster  # noqa: E402 (deploy/ is not a package)

pytestmark = pytest.mark.browser

RECOVER_S = 30  # the bound for a page on a dead process to show its view again
LINK = "sector=software-services"
EXCEPTION = '[data-testid="stException"]'


def haproxy_path() -> str:
    path = shutil.which("haproxy")
    if path is None:
        message = "Debian haproxy is not installed (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by the script) is dead too.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


class Cluster:
    def __init__(self, process: subprocess.Popen, state: dict):
        self.process = process
        self.url: str = state["url"]
        self.haproxy_pid: int = state["haproxy_pid"]
        self.replicas: dict[str, dict] = {r["name"]: r for r in state["replicas"]}

    def pids(self) -> list[int]:
        return [self.haproxy_pid, *(r["pid"] for r in self.replicas.values())]


def start_cluster(tmp: Path, replicas: int = 2, restart: bool = False) -> Cluster:
    state_file = tmp / "cluster.json"
    command = [
        sys.executable,
        str(ROOT / "deploy" / "cluster.py"),
        "--replicas",
        str(replicas),
        "--port",
        str(free_port()),
        "--state-file",
        str(state_file),
        "--haproxy",
        haproxy_path(),
    ]
    if not restart:
        command.append("--no-restart")
    log = (tmp / "cluster.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError((tmp / "cluster.log").read_text()[-3000:])
        time.sleep(0.3)
    return Cluster(process, json.loads(state_file.read_text()))


def stop_cluster(running: Cluster) -> int:
    running.process.send_signal(signal.SIGTERM)
    return running.process.wait(timeout=60)


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> Iterator[Cluster]:
    running = start_cluster(tmp_path_factory.mktemp("cluster"))
    yield running
    if running.process.poll() is None:
        stop_cluster(running)


def server_of(context) -> str | None:
    """The replica this browser is pinned to: the balancer's SERVERID cookie."""
    return next((c["value"] for c in context.cookies() if c["name"] == "SERVERID"), None)


def get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    return urllib.request.urlopen(request, timeout=10)


def watch_streams(page) -> None:
    """``page.streams``: (opened at, [frames received]) per /_stcore/stream websocket."""
    page.streams = []

    def opened(ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            frames = [0]
            page.streams.append((time.monotonic(), frames))
            ws.on("framereceived", lambda _payload: frames.__setitem__(0, frames[0] + 1))

    page.on("websocket", opened)


def test_config_is_a_filled_template(tmp_path):
    replicas = [
        cluster.Replica("app1", 41001, tmp_path / "1"),
        cluster.Replica("b2", 41002, tmp_path),
    ]
    config = cluster.render_config("127.0.0.1:8500", replicas)
    assert "bind 127.0.0.1:8500" in config
    assert "server app1 127.0.0.1:41001 cookie app1" in config
    assert "server b2 127.0.0.1:41002 cookie b2" in config
    assert "cookie SERVERID insert indirect nocache" in config
    assert "option httpchk GET /_stcore/health" in config
    assert "option redispatch" in config
    assert "timeout tunnel" in config  # the long-lived /_stcore/stream websocket
    assert "$" not in config  # every placeholder filled
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    check = subprocess.run(
        [haproxy_path(), "-c", "-f", str(path)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def set_serverid(response) -> str | None:
    """The SERVERID cookie the balancer set with this response, if any."""
    for header in response.headers.get_all("Set-Cookie") or ():
        if header.startswith("SERVERID="):
            return header.split("=", 1)[1].split(";", 1)[0]
    return None


def test_the_balancer_sets_a_sticky_cookie(two):
    with get(two.url + "/_stcore/health") as response:
        assert response.status == 200
        name = set_serverid(response)
    assert name in two.replicas
    # A request carrying the cookie goes to that replica and gets no new cookie.
    for _ in range(4):
        with get(two.url + "/", f"SERVERID={name}") as response:
            assert response.status == 200
            assert set_serverid(response) is None
    # Without a cookie, new readers are spread over both replicas.
    seen = set()
    for _ in range(6):
        with get(two.url + "/") as response:
            seen.add(set_serverid(response))
    assert seen == set(two.replicas)


def test_an_upload_reaches_the_process_of_its_session(two, browser):
    """Streamlit keeps an upload in the process that owns the session: the sticky
    cookie sends the upload's HTTP request there (and its XSRF cookie along)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = context.new_page()
        open_app(page, f"{two.url}/companies", with_map=False)
        assert server_of(context) in two.replicas
        page.get_by_text(t("upload_title", "en"), exact=True).click()
        header, row = (ROOT / "data" / "entities.csv").read_text(encoding="utf-8").split("\n")[:2]
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            files=[
                {"name": "one.csv", "mimeType": "text/csv", "buffer": f"{header}\n{row}\n".encode()}
            ]
        )
        expect(page.get_by_text(t("upload_valid_rows", "en", n="1"), exact=True)).to_be_visible(
            timeout=60_000
        )
        assert page.locator(EXCEPTION).count() == 0
    finally:
        context.close()


def test_pages_on_a_killed_process_show_their_view_on_the_other(
    two, browser, located, record_property
):
    expected = format_count(
        len(filter_entities(located, Filters(sectors=("software-services",)))), "en"
    )
    assert expected != format_count(len(located), "en")  # the link's view, not the default
    contexts, pages = {}, {}
    try:
        # New readers go to the replica with the fewest connections: open pages until
        # one is pinned to each replica.
        for _ in range(6):
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            watch_streams(page)
            open_app(page, f"{two.url}/?{LINK}")
            name = server_of(context)
            assert name in two.replicas
            if name in contexts:
                context.close()
                continue
            contexts[name], pages[name] = context, page
            if len(contexts) == len(two.replicas):
                break
        assert set(contexts) == set(two.replicas), "each replica got a page"
        for page in pages.values():
            assert kpi(page, t("kpi_companies", "en")) == expected

        victim, survivor = sorted(two.replicas)
        killed_at = time.monotonic()
        os.kill(two.replicas[victim]["pid"], signal.SIGKILL)
        poll(lambda: not alive(two.replicas[victim]["pid"]), "the replica to die", 10)

        page = pages[victim]
        start = time.monotonic()
        # Its browser reconnects through the balancer, which re-pins it to the survivor.
        poll(lambda: server_of(contexts[victim]) == survivor, "the page to move", RECOVER_S)

        def shows_view() -> bool:
            try:
                return kpi(page, t("kpi_companies", "en")) == expected
            except Exception:  # noqa: BLE001 (not rendered yet)
                return False

        # Not the old page's DOM: a new stream, opened after the kill, brought a run.
        def new_stream() -> bool:
            page.wait_for_timeout(100)  # lets Playwright deliver the websocket events
            return any(opened > killed_at and frames[0] > 3 for opened, frames in page.streams)

        try:
            poll(new_stream, "a new stream with a run", RECOVER_S)
        finally:
            page.screenshot(path=str(ARTIFACTS / "cluster-failover.png"))
        wait_idle(page)
        poll(shows_view, "the same KPI on the survivor", RECOVER_S - (time.monotonic() - start))
        wait_map(page)
        recovered = time.monotonic() - killed_at
        record_property("failover_s", round(recovered, 1))
        print(f"failover: view shown again {recovered:.1f} s after the kill")
        assert recovered <= RECOVER_S
        assert LINK in page.url  # the URL still holds the view
        expect(page.locator(TOPBAR)).to_be_visible()
        expect(page.locator(MAP_IFRAME)).to_be_visible()
        assert page.locator(EXCEPTION).count() == 0
        # The page on the survivor was never disturbed.
        other = pages[survivor]
        assert kpi(other, t("kpi_companies", "en")) == expected
        assert other.locator(EXCEPTION).count() == 0
        assert server_of(contexts[survivor]) == survivor
    finally:
        for context in contexts.values():
            context.close()


def test_a_dead_replica_is_started_again_and_stopping_stops_all(tmp_path):
    running = start_cluster(tmp_path, replicas=1, restart=True)
    pids = running.pids()
    assert all(alive(pid) for pid in pids)
    os.kill(running.replicas["app1"]["pid"], signal.SIGKILL)
    log = tmp_path / "cluster.log"
    restarted = poll(
        lambda: next(
            (
                int(x.rsplit(" ", 1)[1])
                for x in log.read_text().splitlines()
                if "app1 restarted: pid" in x
            ),
            None,
        ),
        "the replica to be started again",
        30,
    )
    pids.append(restarted)

    def serves() -> bool:
        try:
            with get(running.url + "/_stcore/health") as response:
                return response.status == 200
        except OSError:
            return False

    poll(serves, "the balancer to serve from the new replica", 180)
    assert stop_cluster(running) == 0
    poll(lambda: not any(alive(pid) for pid in pids), "every process to stop", 15)
