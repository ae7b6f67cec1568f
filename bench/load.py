"""Load bench: many readers as Streamlit websocket clients, against one process, the cluster and a bare page.

    python bench/load.py                         # 50 readers in 5 s, held 5 s, 3 waves, every target
    python bench/load.py --readers 100 --targets cluster2 --waves 3
    python bench/load.py --readers 40 --settle 5 --waves 1   # the size tests/test_load_bench.py runs

A reader does what a browser's first visit does on Streamlit's protocol: open
``/_stcore/stream`` with the subprotocol ``streamlit``, send a ``rerun_script`` BackMsg
carrying the page's query string, and wait for the ``script_finished`` ForwardMsg (the
"first run"); then it keeps the session ``--hold`` seconds and leaves. Readers arrive
evenly within ``--within`` seconds over a mix of shared links (``LINKS``). Per wave: first
run p50/p95/max, failures (no successful run, an exception element, a closed stream),
server CPU per reader (from /proc, every app process of the target), RSS before the wave,
with the readers connected, and ``--settle`` seconds after they left. Targets:

- ``one``: ``streamlit run serve.py``, one process (as ``make run``);
- ``cluster1``, ``cluster2``: ``deploy/cluster.py`` with 1 and 2 replicas (as ``make cluster``),
  readers through HAProxy, which spreads them (no cookie: each reader is a new visitor);
- ``bare``: ``bench/bare_app.py``, a title and a line of text (the floor).

Figures depend on the machine and on what else runs on it (bench/README.md, "Load").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("one", "cluster1", "cluster2", "bare")
# Shared links a wave's readers arrive on, in turn: the default view, a sector, a barrio
# (Sevilla), a year, an origin, Spanish.
LINKS = ("", "sector=ai", "barrio=0407", "year=2015", "origin=international", "lang=es")
FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
RUN_TIMEOUT_S = 120.0
START_TIMEOUT_S = 180.0
BAD_KINDS = ("garbage", "disconnect", "silent")
T = TypeVar("T")


@dataclass
class Reader:
    """One reader's outcome."""

    link: str
    kind: str = "reader"  # or one of BAD_KINDS
    first_run_s: float | None = None
    error: str | None = None
    server: str | None = None  # the balancer's SERVERID, behind the cluster

    @property
    def ok(self) -> bool:
        return self.first_run_s is not None and self.error is None


def rerun_message(query: str) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_script_hash = ""
    return msg.SerializeToString()


def stream_url(url: str) -> str:
    return url.replace("http://", "ws://", 1) + "/_stcore/stream"


def _server_cookie(ws) -> str | None:
    for value in ws.response.headers.get_all("Set-Cookie"):
        if value.startswith("SERVERID="):
            return value.split("=", 1)[1].split(";", 1)[0]
    return None


async def read(url: str, link: str, hold_s: float) -> Reader:
    """A reader: a first run of ``link``, the session held ``hold_s`` s, then left."""
    reader = Reader(link)
    try:
        async with connect(
            stream_url(url),
            subprotocols=[Subprotocol("streamlit")],
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
        ) as ws:
            reader.server = _server_cookie(ws)
            start = time.perf_counter()
            await ws.send(rerun_message(link))
            while reader.first_run_s is None:
                raw = await asyncio.wait_for(ws.recv(), RUN_TIMEOUT_S)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
                    reader.error = "exception: " + msg.delta.new_element.exception.message[:200]
                elif kind == "script_finished" and msg.script_finished == FINISHED:
                    reader.first_run_s = time.perf_counter() - start
            # Held like an open page: whatever the server sends is read.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(hold_s):
                    async for _ in ws:
                        pass
    except Exception as err:  # noqa: BLE001 (every way a reader can fail is a failure)
        reader.error = reader.error or f"{type(err).__name__}: {err}"[:300]
    return reader


async def misbehave(url: str, link: str, kind: str, hold_s: float) -> Reader:
    """A bad reader: garbage on the stream, gone in the middle of its run, or never reading."""
    reader = Reader(link, kind)
    with contextlib.suppress(Exception):
        # max_queue=1: a silent reader stops draining its socket after one message.
        async with connect(
            stream_url(url), subprotocols=[Subprotocol("streamlit")], max_queue=1
        ) as ws:
            if kind == "garbage":
                await ws.send(os.urandom(512))
                await ws.send("not a protobuf")  # a text frame
            elif kind == "disconnect":
                await ws.send(rerun_message(link))
                await asyncio.sleep(0.05)
                return reader  # closes mid-run
            elif kind == "silent":
                await ws.send(rerun_message(link))
            await asyncio.sleep(hold_s)
    return reader


async def wave(
    url: str, readers: int, within_s: float, hold_s: float, bad: int = 0, seed: int = 0
) -> list[Reader]:
    """``readers`` readers (plus ``bad`` bad ones mixed in) arriving evenly within ``within_s``."""
    kinds = ["reader"] * readers + [BAD_KINDS[i % len(BAD_KINDS)] for i in range(bad)]
    random.Random(seed).shuffle(kinds)
    step = within_s / max(1, len(kinds))

    async def arrive(i: int, kind: str) -> Reader:
        await asyncio.sleep(i * step)
        link = LINKS[i % len(LINKS)]
        if kind == "reader":
            return await read(url, link, hold_s)
        return await misbehave(url, link, kind, hold_s)

    return list(await asyncio.gather(*(arrive(i, k) for i, k in enumerate(kinds))))


def run(coro: Coroutine[None, None, T]) -> T:
    """``asyncio.run`` in a thread of its own: the caller's thread may already run a loop
    (Playwright's sync API keeps one in the test process)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --- the servers and what they use --------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (/proc/PID/stat), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Target:
    """A running target: the URL readers use, the app processes that serve them."""

    name: str
    url: str
    app_pids: list[int]
    app_urls: list[str]
    process: subprocess.Popen
    balancer_pid: int | None = None
    log: Path | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def alive(self) -> list[bool]:
        return [Path(f"/proc/{pid}").exists() for pid in self.app_pids]


def start_target(name: str, tmp: Path, python: str = sys.executable) -> Target:
    log = tmp / f"{name}.log"
    if name.startswith("cluster"):
        state_file = tmp / f"{name}.json"
        command = [python, str(ROOT / "deploy" / "cluster.py"), "--no-restart"]
        command += ["--replicas", name.removeprefix("cluster"), "--port", str(free_port())]
        command += ["--state-file", str(state_file)]
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not state_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{name} did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        state = json.loads(state_file.read_text())
        pids = [r["pid"] for r in state["replicas"]]
        urls = [f"http://127.0.0.1:{r['port']}" for r in state["replicas"]]
        return Target(name, state["url"], pids, urls, process, state["haproxy_pid"], log)
    app = ROOT / ("serve.py" if name == "one" else "bench/bare_app.py")
    port = free_port()
    command = [python, "-m", "streamlit", "run", str(app), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=app.parent, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{name} did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    return Target(name, url, [process.pid], [url], process, None, log)


# --- one wave, measured ----------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class WaveResult:
    target: str
    readers: int
    bad: int
    failures: int
    p50_s: float | None
    p95_s: float | None
    max_s: float | None
    cpu_per_reader_s: float
    balancer_cpu_s: float
    rss_before_mb: float
    rss_with_readers_mb: float
    rss_settled_mb: float
    share: dict[str, int] = field(default_factory=dict)  # readers per replica (cluster)
    alive_after: bool = True
    errors: list[str] = field(default_factory=list)


def measure_wave(
    target: Target,
    readers: int,
    within_s: float,
    hold_s: float,
    settle_s: float,
    bad: int = 0,
    seed: int = 0,
) -> WaveResult:
    pids = target.app_pids
    rss_before = sum(rss_mb(p) for p in pids)
    cpu_before = sum(cpu_seconds(p) for p in pids)
    lb_before = cpu_seconds(target.balancer_pid) if target.balancer_pid else 0.0
    peak: list[float] = []

    async def run_and_sample() -> list[Reader]:
        task = asyncio.create_task(wave(target.url, readers, within_s, hold_s, bad, seed))
        # RSS with the readers connected: sampled while the wave is on.
        while not task.done():
            peak.append(sum(rss_mb(p) for p in pids))
            await asyncio.sleep(0.5)
        return task.result()

    results = run(run_and_sample())
    cpu = sum(cpu_seconds(p) for p in pids) - cpu_before
    lb = (cpu_seconds(target.balancer_pid) - lb_before) if target.balancer_pid else 0.0
    time.sleep(settle_s)
    good = [r for r in results if r.kind == "reader"]
    times = [r.first_run_s for r in good if r.ok]
    share: dict[str, int] = {}
    for r in good:
        if r.server:
            share[r.server] = share.get(r.server, 0) + 1
    return WaveResult(
        target=target.name,
        readers=readers,
        bad=bad,
        failures=sum(not r.ok for r in good),
        p50_s=percentile(times, 0.5),
        p95_s=percentile(times, 0.95),
        max_s=max(times) if times else None,
        cpu_per_reader_s=cpu / max(1, readers),
        balancer_cpu_s=lb,
        rss_before_mb=rss_before,
        rss_with_readers_mb=max(peak, default=rss_before),
        rss_settled_mb=sum(rss_mb(p) for p in pids),
        share=share,
        alive_after=all(target.alive()) and all(healthy(u) for u in target.app_urls),
        errors=sorted({r.error for r in good if r.error})[:5],
    )


# --- the command ---------------------------------------------------------------------------


def fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"


def table(results: list[WaveResult]) -> str:
    head = "| target | wave | readers | failed | first run p50 / p95 / max | CPU per reader | RSS before / with readers / settled | share |"
    lines = [head, "|" + "---|" * 8]
    waves: dict[str, int] = {}
    for r in results:
        waves[r.target] = waves.get(r.target, 0) + 1
        share = " / ".join(f"{k} {v}" for k, v in sorted(r.share.items())) or "-"
        lines.append(
            f"| {r.target} | {waves[r.target]} | {r.readers}"
            + (f" (+{r.bad} bad)" if r.bad else "")
            + f" | {r.failures} | {fmt(r.p50_s)} / {fmt(r.p95_s)} / {fmt(r.max_s)}"
            + f" | {fmt(r.cpu_per_reader_s)} | {fmt(r.rss_before_mb, 'MB')} / "
            + f"{fmt(r.rss_with_readers_mb, 'MB')} / {fmt(r.rss_settled_mb, 'MB')} | {share} |"
        )
    return "\n".join(lines)


def medians(results: list[WaveResult]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for name in dict.fromkeys(r.target for r in results):
        rows = [r for r in results if r.target == name]
        out[name] = {}
        for key in ("p50_s", "p95_s", "max_s", "cpu_per_reader_s", "failures"):
            values = [getattr(r, key) for r in rows if getattr(r, key) is not None]
            out[name][key] = statistics.median(values) if values else None
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50, help="readers per wave (50)")
    parser.add_argument("--within", type=float, default=5.0, help="arrival window, s (5)")
    parser.add_argument("--hold", type=float, default=5.0, help="each session held, s (5)")
    parser.add_argument("--settle", type=float, default=60.0, help="RSS this long after, s (60)")
    parser.add_argument("--waves", type=int, default=3, help="waves per target (3)")
    parser.add_argument("--bad", type=int, default=0, help="bad readers mixed into each wave")
    parser.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    return parser.parse_args(argv)


def _stop_on_sigterm(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)  # the targets are stopped below


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    results: list[WaveResult] = []
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="medmap-load-") as tmp:
        try:
            # All targets up at once, waves taking turns: a busy spell of the machine
            # hits every target alike.
            for name in args.targets:
                targets.append(start_target(name, Path(tmp)))
            for i in range(args.waves):
                for target in targets:
                    result = measure_wave(
                        target, args.readers, args.within, args.hold, args.settle, args.bad, i
                    )
                    results.append(result)
                    print(table(results).splitlines()[-1], flush=True)
        finally:
            for target in targets:
                target.stop()
    print()
    print(table(sorted(results, key=lambda r: args.targets.index(r.target))))
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "loadavg_at_end": os.getloadavg(),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "medians": medians(results),
        "waves": [asdict(r) for r in results],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {args.out}")
    return 1 if any(r.failures or not r.alive_after for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
