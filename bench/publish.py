"""Benchmark of published views (issue #19): publish time, size, Lighthouse, static load.

    .venv/bin/python bench/publish.py [--lighthouse PATH] [--live] [--readers 50]

- publish time: one view by the command line (wall, data loading included), one view and
  50 views in one process (every sector in both languages, first 25 sectors);
- size of one published folder on disk, and gzip (what a gzip-serving host sends);
- Lighthouse 12 (mobile and desktop presets) on a published view served gzip by a
  static server on loopback; with ``--live``, the live Map page and a bare Streamlit
  page in the same run (``LIGHTHOUSE`` or ``--lighthouse``: the lighthouse CLI, with
  ``CHROME_PATH`` set to Debian chromium);
- static load: ``--readers`` concurrent readers each fetching the page and every file
  it loads from the same static server: requests per second and p95 latency.

Every process it starts it stops (servers by PID, in ``finally``).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import http.server
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from medmap import publish  # noqa: E402

GZIP_TYPES = (".html", ".js", ".css", ".json", ".txt", ".svg")
VIEW = "?sector=software-services&lang=es"  # the view Lighthouse opens
BARE_APP = 'import streamlit as st\n\nst.title("medmap")\nst.write("A bare Streamlit page.")\n'


# --- a gzip static server -------------------------------------------------------------


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Files of one folder, gzip-encoded when the reader accepts it (as a CDN would)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as any static host
    cache: dict[tuple, bytes] = {}
    lock = threading.Lock()

    def log_message(self, *args):  # quiet
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in GZIP_TYPES or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        if not path.is_file():
            self.send_error(404)
            return None
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)  # a republished file is new
        with self.lock:
            body = self.cache.get(key)
            if body is None:
                body = self.cache[key] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


def _serve_forever(directory: str, ports) -> None:
    handler = partial(GzipHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    ports.put(server.server_address[1])
    server.serve_forever()


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """A static server of ``directory`` in its own process (the readers of the load figure
    must not share its interpreter lock); stopped by PID on the way out."""
    ports = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve_forever, args=(str(directory), ports))
    process.start()
    try:
        yield f"http://127.0.0.1:{ports.get(timeout=30)}"
    finally:
        process.terminate()
        process.join(10)


# --- figures ----------------------------------------------------------------------------


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def page_files(folder: Path) -> list[Path]:
    """The files a published view loads (index.html, map.html and what they link), plotly
    included: a reader who scrolls to the charts gets it."""
    files = [folder / "index.html", folder / "map.html"]
    for page in files[:2]:
        text = page.read_text("utf-8")
        for url in re.findall(r'(?:src|href|data-plotly)="([^"#?:]+)"', text):
            path = (page.parent / url).resolve()
            if path.is_file() and path not in files:
                files.append(path)
    images = folder.parent / publish.ASSETS / "images"
    files += [images / "layers.png"] if (images / "layers.png").is_file() else []
    return files


def sizes(folder: Path) -> dict:
    files = page_files(folder)
    return {
        "files": len(files),
        "disk_bytes": sum(f.stat().st_size for f in files),
        "gzip_bytes": sum(
            len(gzip.compress(f.read_bytes(), 6)) if f.suffix in GZIP_TYPES else f.stat().st_size
            for f in files
        ),
        "plotly_gzip_bytes": len(gzip.compress(publish.PLOTLY_JS.read_bytes(), 6)),
    }


def lighthouse(cli: str, url: str, preset: str, work: Path) -> dict:
    out = work / f"lh-{preset}-{abs(hash(url))}.json"
    args = [
        cli,
        url,
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--quiet",
    ]
    if preset == "desktop":
        args.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or shutil.which("chromium")}
    done = subprocess.run(args, env=env, timeout=300, capture_output=True, text=True)
    if done.returncode != 0:  # reported in the figures, not fatal: the other figures stand
        return {"error": done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]}
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "tti_s": round(audits["interactive"]["numericValue"] / 1000, 1),
        "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 1),
        "fcp_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 1),
        "transfer_bytes": round(audits["total-byte-weight"]["numericValue"]),
    }


def static_load(base: str, paths: list[str], readers: int) -> dict:
    """``readers`` readers at once, each fetching every path once (gzip accepted)."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    lock = threading.Lock()

    def reader(_):
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        mine = []
        for path in paths:
            start = time.perf_counter()
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)

    start = time.perf_counter()
    with ThreadPoolExecutor(readers) as pool:
        list(pool.map(reader, range(readers)))
    seconds = time.perf_counter() - start
    latencies.sort()
    return {
        "readers": readers,
        "requests": len(latencies),
        "seconds": round(seconds, 2),
        "requests_per_s": round(len(latencies) / seconds),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "pages_per_s": round(readers / seconds, 1),
    }


def every_sector_links(source: publish.Source, n: int) -> list[str]:
    sectors = sorted(source.loaded.dataset.sectors["sector"])
    return [f"?sector={s}{lang}" for s in sectors for lang in ("", "&lang=es")][:n]


def live_lighthouse(cli: str, work: Path) -> dict:
    """The live Map page (medmap's serve.py) and a bare Streamlit page, mobile preset."""
    import harness

    bare = work / "bare" / "bare_app.py"
    bare.parent.mkdir()
    bare.write_text(BARE_APP)
    results = {}
    for name, script in (("live map page", ROOT / "serve.py"), ("bare streamlit", bare)):
        spec = harness.AppSpec(name, script, {}, 0, False, None, False)
        server = harness.start_server(spec)
        try:
            url = server.url + "/" + (VIEW if name == "live map page" else "")
            lighthouse(cli, url, "mobile", work)  # a warm-up: the server's first run
            results[name] = {"mobile": lighthouse(cli, url, "mobile", work)}
        finally:
            harness.stop_server(server)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", default=os.environ.get("LIGHTHOUSE", "lighthouse"))
    parser.add_argument("--live", action="store_true", help="also Lighthouse the live app")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per preset (0: none)")
    args = parser.parse_args(argv)

    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="medmap-bench-publish-") as tmp:
        work = Path(tmp)
        cli = subprocess.run(
            [sys.executable, "-m", "medmap", "publish", "--link", VIEW, "--out", str(work / "cli")],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "medmap", "publish", "--link", VIEW, "--out", str(work / "cli")],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        figures["cli_one_view_s"] = round(time.perf_counter() - start, 2)
        assert cli.returncode == 0, cli.stderr
        source, load_s = timed(publish.load_source, ROOT / "data", ROOT / "geo")
        figures["load_s"] = round(load_s, 2)
        _, one_s = timed(publish.publish, source, [VIEW], work / "one")
        figures["one_view_s"] = round(one_s, 2)
        links = every_sector_links(source, 50)
        _, many_s = timed(publish.publish, source, links, work / "many")
        figures["fifty_views_s"] = round(many_s, 2)
        figures["size"] = sizes(work / "one")

        with serve(work / "one") as base:
            url = base + "/index.html"
            runs: dict[str, list[dict]] = {"mobile": [], "desktop": []}
            for preset in runs:
                for _ in range(args.runs):
                    runs[preset].append(lighthouse(args.lighthouse, url, preset, work))
            figures["lighthouse_published"] = {
                preset: {key: statistics.median(r[key] for r in good) for key in good[0]}
                for preset, results in runs.items()
                if (good := [r for r in results if "error" not in r])
            }
            # Each run's score and blocking time: the machine is shared, runs vary.
            figures["lighthouse_published_runs"] = {
                preset: [r.get("error") or (r["performance"], r["tbt_ms"]) for r in results]
                for preset, results in runs.items()
            }
            paths = ["/" + str(f.relative_to(work / "one")) for f in page_files(work / "one")]
            figures["static_load"] = static_load(base, paths, args.readers)
        print(json.dumps(figures, indent=1), flush=True)  # the published view's, first
        if args.live:
            figures = {"lighthouse_live": live_lighthouse(args.lighthouse, work)}
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
