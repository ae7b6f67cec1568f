"""Run medmap as several app processes behind HAProxy on one machine (``make cluster``).

    python deploy/cluster.py [--replicas 2] [--port 8500] [--state-file run.json]

Starts ``--replicas`` ``streamlit run serve.py`` processes on free loopback ports, fills
``deploy/haproxy.cfg.tmpl`` with them and runs HAProxy in front on 127.0.0.1:PORT
(websockets proxied, sessions sticky by a cookie the balancer sets, ``/_stcore/health``
checks). It stays in the foreground: a replica that dies is started again on its port
(unless ``--no-restart``); Ctrl-C or SIGTERM stops every process it started, by PID.
README "Run for many readers" says when and how to use it.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("haproxy.cfg.tmpl")
HEALTH = "/_stcore/health"
START_TIMEOUT_S = 120  # a replica loads data, geometry and imports before it is healthy
STOP_TIMEOUT_S = 10


@dataclass
class Replica:
    name: str  # HAProxy's server name, and the value of its SERVERID cookie
    port: int
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_ports(n: int) -> list[int]:
    """``n`` distinct free loopback ports (held open together so none repeats)."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def render_config(bind: str, replicas: list[Replica], template: Path = TEMPLATE) -> str:
    """The HAProxy configuration for ``replicas`` behind ``bind`` (host:port)."""
    servers = "\n".join(f"    server {r.name} 127.0.0.1:{r.port} cookie {r.name}" for r in replicas)
    return Template(template.read_text()).substitute(bind=bind, servers=servers)


def _die_with_parent() -> None:
    """In the child: receive SIGTERM when this script dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_replica(replica: Replica, app: Path, python: str, env: dict[str, str]) -> None:
    command = [
        python,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(replica.port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        # Nothing edits the sources of a deployed app: no watcher threads.
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with replica.log.open("ab") as log:
        replica.process = subprocess.Popen(
            command,
            cwd=app.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches this script only; it stops them in order
            preexec_fn=_die_with_parent,
        )


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_healthy(urls: list[str], processes: list[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    waiting = set(urls)
    while waiting:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"process {process.pid} exited with {process.returncode}")
        waiting = {url for url in waiting if not healthy(url)}
        if waiting and time.monotonic() > deadline:
            raise RuntimeError(f"not healthy within {timeout:.0f} s: {sorted(waiting)}")
        if waiting:
            time.sleep(0.3)


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each running process, then SIGKILL what is left after STOP_TIMEOUT_S."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Stop(Exception):
    """SIGTERM or SIGINT arrived."""


def _raise_stop(signum: int, _frame: object) -> None:
    raise Stop(signal.Signals(signum).name)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8500, help="the balancer's port (8500)")
    parser.add_argument("--host", default="127.0.0.1", help="the balancer's address")
    parser.add_argument("--app", type=Path, default=ROOT / "serve.py", help="the app's entry")
    parser.add_argument("--python", default=sys.executable, help="runs `-m streamlit`")
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "haproxy")
    parser.add_argument("--state-file", type=Path, help="write the run's PIDs and ports (JSON)")
    parser.add_argument(
        "--no-restart", action="store_true", help="leave a dead replica out (tests)"
    )
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    run_dir = Path(tempfile.mkdtemp(prefix="medmap-cluster-"))
    # One cookie secret for all: a signed cookie (st.login) is valid on any replica.
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    replicas = [
        Replica(f"app{i + 1}", port, run_dir / f"app{i + 1}.log")
        for i, port in enumerate(free_ports(args.replicas))
    ]
    haproxy: subprocess.Popen | None = None
    failed = True  # keep the logs unless the run ends by a signal

    def started() -> list[subprocess.Popen]:
        return [p for p in [haproxy, *(r.process for r in replicas)] if p is not None]

    try:
        for replica in replicas:
            start_replica(replica, args.app, args.python, env)
        config = run_dir / "haproxy.cfg"
        config.write_text(render_config(f"{args.host}:{args.port}", replicas))
        subprocess.run([args.haproxy, "-c", "-q", "-f", str(config)], check=True)
        procs = [r.process for r in replicas if r.process is not None]
        wait_healthy([r.url for r in replicas], procs, START_TIMEOUT_S)
        haproxy = subprocess.Popen(
            [args.haproxy, "-db", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        url = f"http://{args.host}:{args.port}"
        wait_healthy([url], [haproxy], 30)
        state = {
            "url": url,
            "haproxy_pid": haproxy.pid,
            "config": str(config),
            "replicas": [
                {"name": r.name, "port": r.port, "pid": r.process.pid, "log": str(r.log)}
                for r in replicas
                if r.process is not None
            ],
        }
        if args.state_file:
            args.state_file.write_text(json.dumps(state, indent=2))
        for r in state["replicas"]:
            print(f"  {r['name']}: 127.0.0.1:{r['port']} pid {r['pid']} log {r['log']}")
        print(f"medmap: {url} ({len(replicas)} processes behind HAProxy; Ctrl-C stops all)")
        sys.stdout.flush()
        while True:
            if haproxy.poll() is not None:
                print(f"haproxy exited with {haproxy.returncode}", file=sys.stderr)
                return 1
            for replica in replicas:
                process = replica.process
                if process is None or process.poll() is None:
                    continue
                print(f"{replica.name} exited with {process.returncode}", file=sys.stderr)
                if args.no_restart:
                    replica.process = None
                else:
                    start_replica(replica, args.app, args.python, env)
                    print(f"{replica.name} restarted: pid {replica.process.pid}", file=sys.stderr)
            time.sleep(0.5)
    except Stop as why:
        print(f"stopping ({why})", file=sys.stderr)
        failed = False
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as err:
        print(f"cluster failed: {err}", file=sys.stderr)
        for replica in replicas:
            if replica.log.exists():
                print(f"--- {replica.log}\n{replica.log.read_text()[-1500:]}", file=sys.stderr)
        return 1
    finally:
        # Signals would interrupt the stopping itself.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop(started())
        if not failed:
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
