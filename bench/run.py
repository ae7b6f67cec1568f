"""Browser benchmark of medmap against a naive map app and an empty-map floor.

    python bench/run.py [--quick] [--scale N] [--samples K] [--out bench/results/latest.json]
    python bench/run.py --soak 1000          # one page, 1,000 in-place filter changes (soak.py)

Starts each app with ``streamlit run`` on 127.0.0.1, drives Debian Chromium with
Playwright, prints a table (median [min-max] per figure, medmap's ratios to
naive and floor, PASS/FAIL per target) and writes every figure to a JSON file.
See bench/README.md for what each app is and how each figure is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import harness
import levers
import soak
import synthetic
from harness import ROOT, AppSpec

RAW_BARRIOS = ROOT.parent / "shared" / "data" / "geo" / "barrios.geojson"
APPS = ("medmap", "naive", "floor", "chartfloor", "mapfloor")
KPI_LABEL = "Companies shown"
QUICK_SCALE = 600  # just over medmap.maps.MAX_INDIVIDUAL_MARKERS: both marker paths run
LARGE_SCALE = 5000  # above this, the naive app gets one sample and may time out
LIBRARIES = (
    "streamlit",
    "streamlit-folium",
    "folium",
    "branca",
    "geopandas",
    "pandas",
    "shapely",
    "pyogrio",
    "plotly",
    "pandera",
    "playwright",
)

# name -> (label, unit); the order of the table.
FIGURES = {
    "map_drawn_cold_ms": ("map drawn, cold server", "ms"),
    "map_drawn_warm_ms": ("map drawn, warm server", "ms"),
    "page_complete_cold_ms": ("page complete (charts drawn, idle), cold", "ms"),
    "page_complete_warm_ms": ("page complete (charts drawn, idle), warm", "ms"),
    "cls_load": ("layout shift (CLS) of a page load, desktop", "cls"),
    "cls_phone": ("layout shift (CLS) of a page load, phone 390x844", "cls"),
    "charts_after_map_cold_ms": ("charts drawn after the map, cold", "ms"),
    "charts_after_map_warm_ms": ("charts drawn after the map, warm", "ms"),
    **{
        f"map_{what}_{w}x{h}": (f"map frame {label}, {w}x{h}", unit)
        for w, h in harness.LAYOUT_SIZES
        for what, label, unit in (
            ("top", "top", "px"),
            ("height", "height", "px"),
            ("share", "share of the width", "x"),
            ("visible", "visible on the first screen", "px"),
        )
    },
    "longtask_before_map_ms": ("longest browser task before the map is drawn", "ms"),
    "filter_change_ms": ("filter change -> new map, KPIs, charts", "ms"),
    "year_step_ms": ("year step (play) -> new map, KPIs, charts", "ms"),
    "bytes_year_step": ("bytes per year step (WS + HTTP)", "B"),
    "bytes_first_load": ("bytes, first load (WS + HTTP)", "B"),
    "ws_bytes_first_load": ("  of which websocket payload", "B"),
    "bytes_filter_change": ("bytes per filter change (WS + HTTP)", "B"),
    "ws_bytes_filter_change": ("  of which websocket payload", "B"),
    "rss_1_session_mb": ("server RSS, 1 session", "MB"),
    "rss_all_sessions_mb": ("server RSS, all sessions", "MB"),
    "rss_per_extra_session_mb": ("RSS per extra session", "MB"),
    "script_runs_per_load": ("script runs per page load (warm)", "runs"),
    "script_running_warm_ms": ("  script running, warm load", "ms"),
    "script_running_filter_ms": ("  script running, filter change", "ms"),
    "longtask_load_ms": ("longest browser task, load", "ms"),
    "longtask_filter_ms": ("longest browser task, filter change", "ms"),
    "server_start_s": ("server start to healthy", "s"),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 sample, 3 sessions, small N")
    parser.add_argument("--scale", type=int, default=None, metavar="N", help="N synthetic offices")
    parser.add_argument("--samples", type=int, default=None, metavar="K", help="default 5")
    parser.add_argument("--sessions", type=int, default=None, help="concurrent sessions (10)")
    parser.add_argument(
        "--out", type=Path, default=None, help="default bench/results/latest.json (soak.json)"
    )
    parser.add_argument(
        "--apps", default=",".join(APPS), help="comma-separated subset of " + ",".join(APPS)
    )
    parser.add_argument("--timeout", type=float, default=None, help="seconds per wait")
    parser.add_argument(
        "--medmap-app",
        type=Path,
        default=ROOT / "app.py",
        help="app.py of another medmap checkout to measure as 'medmap' (its src/ goes first "
        "on PYTHONPATH), e.g. a patched copy to try a change with the same harness",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=APP_PY",
        help="also measure another medmap checkout (e.g. a patched copy) as NAME, in the same "
        "interleaved loop, for a fair A/B with medmap; repeatable",
    )
    parser.add_argument(
        "--soak",
        type=int,
        default=None,
        metavar="N",
        help="instead of the benchmark: one medmap page, N in-place filter changes (even), "
        "heap/DOM/RSS every --soak-every changes -> bench/results/soak.json",
    )
    parser.add_argument(
        "--soak-every", type=int, default=100, metavar="K", help="a row every K changes (100)"
    )
    parser.add_argument(
        "--soak-via",
        choices=soak.VIAS,
        default="multiselect",
        help="how a sector is chosen: the sidebar multiselect (default) or a sector chart bar",
    )
    args = parser.parse_args(argv)
    if args.soak is not None and (args.soak < 2 or args.soak % 2 or args.soak_every % 2):
        parser.error("--soak and --soak-every want even numbers (--soak >= 2)")
    if args.out is None:
        name = "latest.json" if args.soak is None else "soak.json"
        args.out = ROOT / "bench" / "results" / name
    if args.quick:
        args.samples = args.samples or 1
        args.sessions = args.sessions or 3
        args.scale = args.scale if args.scale is not None else QUICK_SCALE
    args.samples = args.samples or 5
    args.sessions = args.sessions or 10
    if args.samples < 1 or args.sessions < 2:
        parser.error("--samples must be >= 1 and --sessions >= 2")
    if args.scale is not None and args.scale < 1:
        parser.error("--scale must be >= 1")
    args.apps = [a.strip() for a in args.apps.split(",") if a.strip()]
    unknown = set(args.apps) - set(APPS)
    if unknown:
        parser.error(f"unknown apps: {sorted(unknown)}")
    args.variants = {}
    for item in args.variant:
        name, _, path = item.partition("=")
        if not name or name in APPS or not path or not Path(path).is_file():
            parser.error(f"--variant wants NAME=path/to/app.py (a new name): {item!r}")
        args.variants[name] = Path(path)
    args.apps += list(args.variants)
    if args.timeout is None:
        args.timeout = 300.0 if args.scale is None or args.scale <= LARGE_SCALE else 600.0
    return args


# --- set-up ----------------------------------------------------------------------------


def workload(data_dir: Path) -> dict:
    """The sector to choose and what the filtered view must show, from the app's own data."""
    import geopandas as gpd

    from medmap.data import load_dataset
    from medmap.filters import Filters, compute_kpis, filter_entities, timeline_years
    from medmap.geo import load_barrios, load_comunas, locate_entities

    barrios = load_barrios(ROOT / "geo")
    comunas = load_comunas(ROOT / "geo")
    dataset = load_dataset(data_dir, barrios["code"], comunas["code"])
    located = locate_entities(dataset.entities, barrios, comunas)
    placed = located[located.geometry.notna()]
    companies = placed[placed["kind"] == "company"]
    counts = companies["sector"].value_counts()
    candidates = counts[(counts > 0) & (counts < len(companies))]
    if candidates.empty:
        raise SystemExit("no sector has some but not all located companies")
    sector = max(candidates.items(), key=lambda kv: (kv[1], kv[0]))[0]
    shown = filter_entities(located, Filters(sectors=(sector,)))

    def as_of(year: int) -> int:
        return compute_kpis(filter_entities(located, Filters(year=year)), *figures).companies

    figures = (dataset.staff, dataset.funding)
    years = timeline_years(located, dataset.funding)
    # The last step of the year control that changes the companies shown (None: no dates).
    steps = [y for y in range(years[0], years[-1]) if as_of(y) != as_of(y + 1)] if years else []
    step_from = steps[-1] if steps else None
    return {
        "year_step_from": step_from,
        "year_step_kpi_after": None if step_from is None else as_of(step_from + 1),
        "sector": sector,
        # As the filter shows it (English): the harness picks the option by this name.
        "sector_label": dict(
            zip(dataset.sectors["sector"], dataset.sectors["label_en"], strict=True)
        )[sector],
        "entities": len(located),
        "located_offices": len(placed),
        "located_companies": len(companies),
        "sector_located_companies": int(counts[sector]),
        "medmap_kpi_after": compute_kpis(shown, dataset.staff, dataset.funding).companies,
        "naive_kpi_after": int((shown["kind"] == "company").sum()),
        "barrios_shipped": len(barrios),
        "barrios_raw": len(gpd.read_file(RAW_BARRIOS)),
    }


def medmap_spec(name: str, app_py: Path, env: dict[str, str], work: dict) -> AppSpec:
    """medmap, or another checkout of it (whose src/ then goes first on PYTHONPATH).

    Served as users run it: through the ``serve.py`` next to ``app_py`` when there is one.
    """
    env = dict(env)
    if app_py.resolve() != (ROOT / "app.py").resolve():
        src = app_py.resolve().parent / "src"
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(src), os.environ.get("PYTHONPATH", "")) if p
        )
    entry = app_py.resolve().parent / "serve.py"
    script = entry if entry.is_file() else app_py.resolve()
    return AppSpec(name, script, env, work["barrios_shipped"], True, KPI_LABEL, True)


def map_floor_app(target: Path) -> Path:
    """medmap's Map page with its charts taken out: the best "map first" can reach.

    Built here from the repository's entry, pages and config (the rest of medmap is the
    installed package), never shipped: ``pages/map.py`` is cut before its chart column.
    """
    target.mkdir(parents=True)
    for name in ("serve.py", "app.py"):
        shutil.copyfile(ROOT / name, target / name)
    for name in ("pages", "assets", ".streamlit"):
        shutil.copytree(ROOT / name, target / name)
    (target / "static").symlink_to(ROOT / "static", target_is_directory=True)
    page = target / "pages" / "map.py"
    text = page.read_text(encoding="utf-8")
    cut = text.find("\n# The charts ")
    if cut < 0:
        raise SystemExit("bench: mapfloor: pages/map.py has no '# The charts' block to cut")
    page.write_text(text[: cut + 1], encoding="utf-8")
    return target / "serve.py"


def app_specs(
    tmp: Path, data_dir: Path | None, work: dict, args: argparse.Namespace
) -> dict[str, AppSpec]:
    env = {"BENCH_REPO_ROOT": str(ROOT)}
    if data_dir is not None:
        env["MEDMAP_DATA_DIR"] = str(data_dir)
    bench = ROOT / "bench"
    specs = {
        "medmap": medmap_spec("medmap", args.medmap_app, env, work),
        "naive": AppSpec(
            "naive",
            harness.standalone_app_dir(bench / "naive_app.py", tmp / "naive"),
            env,
            work["barrios_raw"],
            True,
            KPI_LABEL,
            True,
        ),
        "floor": AppSpec(
            "floor",
            harness.standalone_app_dir(bench / "floor_app.py", tmp / "floor"),
            env,
            0,
            False,
            None,
            False,
        ),
        "chartfloor": AppSpec(
            "chartfloor",
            harness.standalone_app_dir(bench / "chart_floor_app.py", tmp / "chartfloor"),
            env,
            0,
            False,
            None,
            False,
            min_charts=1,
        ),
        "mapfloor": AppSpec(
            "mapfloor",
            map_floor_app(tmp / "mapfloor"),
            env,
            work["barrios_shipped"],
            True,
            None,
            False,
        ),
    }
    for name, app_py in args.variants.items():
        specs[name] = medmap_spec(name, app_py, env, work)
    return specs


# --- one sample: fresh server, cold page, warm page, filter change, N sessions ----------


def large_scale(args: argparse.Namespace) -> bool:
    """Scale runs where the naive app is measured once (2 sessions) and may time out."""
    return args.scale is not None and args.scale > LARGE_SCALE


def sessions_for(name: str, i: int, args: argparse.Namespace) -> int | None:
    """How many sessions to open in sample ``i`` (None: no memory phase).

    A naive session costs two full script runs of a 7.5 MB map, so naive's
    memory phase runs in its first sample only (its RSS figures have n=1); it
    is a baseline, the memory targets are absolute. In large scale mode naive
    gets 2 sessions.
    """
    if name in ("chartfloor", "mapfloor"):
        return None  # baselines for the map timings, not for memory
    if name != "naive":
        return args.sessions
    if i > 0:
        return None
    return 2 if large_scale(args) else args.sessions


def progress(i: int, n: int, name: str, sample: dict, seconds: float) -> str:
    text = f"bench: sample {i + 1}/{n} {name}: cold {sample['cold']['ms']:.0f} ms"
    text += f", warm {sample['warm']['ms']:.0f} ms"
    if "filter" in sample:
        text += f", filter {sample['filter']['ms']:.0f} ms"
    if "rss_all_sessions_mb" in sample:
        text += f", RSS {sample['rss_all_sessions_mb']:.0f} MB ({sample['sessions']} sessions)"
    return text + f" ({seconds:.0f} s)"


def run_iteration(
    browser, app: AppSpec, args: argparse.Namespace, work: dict, sessions: int | None
) -> dict:
    """One sample: fresh server, cold page, warm page (+ filter change), then ``sessions``."""
    server = harness.start_server(app, timeout_s=max(args.timeout, 120))
    tabs = []
    sample: dict = {"server_start_s": server.start_s}
    try:
        tab, cold = harness.load(browser, app, server, args.timeout)
        tabs.append(tab)
        sample["cold"] = cold
        sample["cold"]["runs"] = tab.page.evaluate("window.__bench.runStarts.length")
        sample["rss_1_session_mb"] = server.rss_mb()
        tab, warm = harness.load(browser, app, server, args.timeout)
        tabs.append(tab)
        warm["runs"] = tab.page.evaluate("window.__bench.runStarts.length")
        sample["warm"] = warm
        if app.name.startswith("medmap"):
            # Issue #21: layout shift on a phone, and the map frame on each first screen.
            phone_tab, phone = harness.load(
                browser, app, server, args.timeout, viewport=harness.PHONE
            )
            sample["phone"] = phone
            sample["geometry"] = {
                f"{w}x{h}": harness.map_geometry(phone_tab.page, (w, h))
                for w, h in reversed(harness.LAYOUT_SIZES)
            }
            phone_tab.close()
        if app.has_filter:
            change = harness.change_filter(tab, app, work["sector_label"], args.timeout)
            expected = work["naive_kpi_after" if app.name == "naive" else "medmap_kpi_after"]
            got = "".join(ch for ch in change["kpi_after"] if ch.isdigit())
            if got != str(expected):
                raise harness.MeasureError(
                    f"{app.name}: KPI shows {change['kpi_after']!r} after the filter, "
                    f"expected {expected}"
                )
            sample["filter"] = change
        if app.name == "medmap" and work["year_step_from"] is not None:
            url = f"{server.url}/?year={work['year_step_from']}"
            step = harness.step_year(tab, app, url, args.timeout)
            got = "".join(ch for ch in step["kpi_after"] if ch.isdigit())
            if got != str(work["year_step_kpi_after"]):
                raise harness.MeasureError(
                    f"medmap: KPI shows {step['kpi_after']!r} after the year step, "
                    f"expected {work['year_step_kpi_after']}"
                )
            sample["year_step"] = step
        if sessions is not None:
            tabs += harness.open_sessions(browser, app, server, sessions - 2, args.timeout)
            sample["rss_all_sessions_mb"] = server.rss_mb()
            sample["sessions"] = len(tabs)
        sample["hwm_mb"] = server.hwm_mb()
        sample["blocked_hosts"] = sorted(
            {u.split("/")[2] for t in tabs for u in t.traffic.blocked if "://" in u}
        )
    except Exception as err:
        raise harness.MeasureError(
            f"{app.name}: {err}\n--- server log ---\n{harness.server_log_tail(server)}"
        ) from err
    finally:
        for tab in tabs:
            tab.close()
        harness.stop_server(server)
    return sample


def figures_of(samples: list[dict]) -> dict[str, list[float]]:
    values: dict[str, list[float]] = {name: [] for name in FIGURES}
    for s in samples:
        values["server_start_s"].append(s["server_start_s"])
        values["map_drawn_cold_ms"].append(s["cold"]["ms"])
        values["map_drawn_warm_ms"].append(s["warm"]["ms"])
        values["page_complete_cold_ms"].append(s["cold"]["complete_ms"])
        values["page_complete_warm_ms"].append(s["warm"]["complete_ms"])
        for when in ("cold", "warm"):
            values[f"charts_after_map_{when}_ms"].append(s[when]["complete_ms"] - s[when]["ms"])
        if "phone" in s:
            values["cls_phone"].append(s["phone"]["cls"])
            for size, geometry in s["geometry"].items():
                for what, value in geometry.items():
                    values[f"map_{what}_{size}"].append(value)
        for load in (s["cold"], s["warm"]):
            values["cls_load"].append(load["cls"])
            values["longtask_before_map_ms"].append(load["longtask_before_map_ms"])
            values["bytes_first_load"].append(load["bytes"])
            values["ws_bytes_first_load"].append(load["ws_bytes"])
            values["longtask_load_ms"].append(load["longtask_ms"])
        values["script_runs_per_load"].append(s["warm"]["runs"])
        values["script_running_warm_ms"].append(s["warm"]["script_ms"])
        if "filter" in s:
            values["filter_change_ms"].append(s["filter"]["ms"])
            values["bytes_filter_change"].append(s["filter"]["bytes"])
            values["ws_bytes_filter_change"].append(s["filter"]["ws_bytes"])
            values["longtask_filter_ms"].append(s["filter"]["longtask_ms"])
            values["script_running_filter_ms"].append(s["filter"]["script_ms"])
        if "year_step" in s:
            values["year_step_ms"].append(s["year_step"]["ms"])
            values["bytes_year_step"].append(s["year_step"]["bytes"])
        values["rss_1_session_mb"].append(s["rss_1_session_mb"])
        if "rss_all_sessions_mb" in s:
            values["rss_all_sessions_mb"].append(s["rss_all_sessions_mb"])
            values["rss_per_extra_session_mb"].append(
                (s["rss_all_sessions_mb"] - s["rss_1_session_mb"]) / (s["sessions"] - 1)
            )
    return {k: v for k, v in values.items() if v}


def stats(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "samples": values,
    }


# --- targets ---------------------------------------------------------------------------


def med(figures: dict, app: str, name: str) -> float | None:
    fig = figures.get(app, {}).get(name)
    return None if fig is None else fig["median"]


def check_targets(
    figures: dict, scale: int | None, sessions: int, app: str = "medmap"
) -> list[dict]:
    """Each target: ``app``'s median against a limit (absolute or relative to a baseline)."""
    rows = []

    def target(text: str, value: float | None, limit: float | None, unit: str) -> None:
        ok = None if value is None or limit is None else value <= limit
        rows.append({"target": text, "value": value, "limit": limit, "unit": unit, "pass": ok})

    def rel(name: str, base: str, factor: float) -> float | None:
        b = med(figures, base, name)
        return None if b is None else factor * b

    def m(name: str) -> float | None:
        return med(figures, app, name)

    if scale is None:
        # Issue #10: the map first (it never waits for a chart), the charts right after it.
        for when, factor in (("cold", 1.3), ("warm", 1.5)):
            name = f"map_drawn_{when}_ms"
            target(
                f"map drawn, {when} <= {factor} x floor", m(name), rel(name, "floor", factor), "ms"
            )
            target(
                f"map drawn, {when} <= 1.1 x mapfloor", m(name), rel(name, "mapfloor", 1.1), "ms"
            )
        # Issue #21: charts right behind the map, nothing jumps, the map on the first screen.
        for when in ("cold", "warm"):
            name = f"charts_after_map_{when}_ms"
            target(f"charts drawn <= 1.5 s after the map, {when}", m(name), 1500.0, "ms")
        target("layout shift of a page load (CLS), desktop <= 0.1", m("cls_load"), 0.1, "cls")
        target("layout shift of a page load (CLS), phone <= 0.1", m("cls_phone"), 0.1, "cls")
        for w, h in harness.LAYOUT_SIZES[:2]:
            bottom = (
                None
                if m(f"map_top_{w}x{h}") is None
                else m(f"map_top_{w}x{h}") + m(f"map_height_{w}x{h}")
            )
            target(f"whole map frame on the first screen at {w}x{h}", bottom, float(h), "px")
        visible = m("map_visible_390x844")
        target(
            "map on a 390x844 phone's first screen >= 450 px (as -px)",
            None if visible is None else -visible,
            -450.0,
            "px",
        )
        target(
            "map drawn, cold <= 0.35 x naive",
            m("map_drawn_cold_ms"),
            rel("map_drawn_cold_ms", "naive", 0.35),
            "ms",
        )
        target("filter change <= 350 ms", m("filter_change_ms"), 350.0, "ms")
        target(
            "year step <= 1.2 x filter change",
            m("year_step_ms"),
            None if m("filter_change_ms") is None else 1.2 * m("filter_change_ms"),
            "ms",
        )
        target(
            "filter change <= 0.25 x naive",
            m("filter_change_ms"),
            rel("filter_change_ms", "naive", 0.25),
            "ms",
        )
        target(
            "bytes per filter change <= 0.01 x naive",
            m("bytes_filter_change"),
            rel("bytes_filter_change", "naive", 0.01),
            "B",
        )
        target(
            f"server RSS with {sessions} sessions <= 400 MB", m("rss_all_sessions_mb"), 400.0, "MB"
        )
        target("RSS per extra session <= 5 MB", m("rss_per_extra_session_mb"), 5.0, "MB")
        return rows
    else:
        target(f"filter change <= 1.5 s (N={scale})", m("filter_change_ms"), 1500.0, "ms")
        target(
            f"map drawn, cold <= 3 x floor (N={scale})",
            m("map_drawn_cold_ms"),
            rel("map_drawn_cold_ms", "floor", 3.0),
            "ms",
        )
        target(
            f"map drawn, warm <= 3 x floor (N={scale})",
            m("map_drawn_warm_ms"),
            rel("map_drawn_warm_ms", "floor", 3.0),
            "ms",
        )
        longest = [
            figures.get(app, {}).get(name, {}).get("max")
            for name in ("longtask_load_ms", "longtask_filter_ms")
        ]
        longest = [x for x in longest if x is not None]
        target(
            f"no browser long task > 1 s (N={scale}, max over samples)",
            max(longest) if longest else None,
            1000.0,
            "ms",
        )
    target(f"server RSS with {sessions} sessions <= 600 MB", m("rss_all_sessions_mb"), 600.0, "MB")
    target("RSS per extra session <= 15 MB", m("rss_per_extra_session_mb"), 15.0, "MB")
    return rows


# --- output ----------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        for size, suffix in ((1 << 20, "MB"), (1 << 10, "kB")):
            if value >= size:
                return f"{value / size:.2f} {suffix}"
        return f"{value:.0f} B"
    if unit == "ms":
        return f"{value:,.0f}"
    if unit == "runs":
        return f"{value:g}"
    if unit == "cls":
        return f"{value:.3f}"
    return f"{value:,.1f}"


def ratio_columns(apps: list[str]) -> list[tuple[str, str]]:
    """(numerator, denominator): medmap against each baseline, each variant against medmap."""
    if "medmap" not in apps:
        return []
    bases = ("naive", "floor", "chartfloor", "mapfloor")
    pairs = [("medmap", base) for base in bases if base in apps]
    if {"chartfloor", "floor"} <= set(apps):
        pairs.append(("chartfloor", "floor"))  # what one Plotly chart beside the map costs
    if {"mapfloor", "floor"} <= set(apps):
        pairs.append(("mapfloor", "floor"))  # what medmap's map page costs without charts
    return pairs + [(a, "medmap") for a in apps if a not in APPS]


def table(figures: dict, apps: list[str], failed: set[str] = frozenset()) -> str:
    """Median [min-max] per app; "failed" for an app with no sample (see ``failures``)."""
    pairs = ratio_columns(apps)
    head = ["figure (median [min-max])", *apps, *(f"{n}/{d}" for n, d in pairs)]
    rows = [head]
    for name, (label, unit) in FIGURES.items():
        if not any(name in figures.get(a, {}) for a in apps):
            continue
        row = [f"{label} ({unit})"]
        for app in apps:
            fig = figures.get(app, {}).get(name)
            row.append(
                ("failed" if app in failed and not figures.get(app) else "-")
                if fig is None
                else f"{fmt(fig['median'], unit)} [{fmt(fig['min'], unit)}-{fmt(fig['max'], unit)}]"
            )
        for num_app, den_app in pairs:
            num, den = med(figures, num_app, name), med(figures, den_app, name)
            row.append("-" if num is None or not den else f"{num / den:.2f}x")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def targets_text(rows: list[dict]) -> str:
    out = []
    for row in rows:
        verdict = {True: "PASS", False: "FAIL", None: "n/a "}[row["pass"]]
        value, limit = fmt(row["value"], row["unit"]), fmt(row["limit"], row["unit"])
        unit = "" if row["unit"] == "B" else f" {row['unit']}"
        out.append(f"{verdict}  {row['target']}: {value}{unit} (limit {limit}{unit})")
    return "\n".join(out)


def ratios(figures: dict, apps: list[str]) -> dict:
    """Median ratios: medmap to naive and floor; each variant to medmap."""
    out: dict[str, dict[str, float]] = {}
    for num_app, den_app in ratio_columns(apps):
        for name in FIGURES:
            num, den = med(figures, num_app, name), med(figures, den_app, name)
            if num is not None and den:
                out.setdefault(name, {})[f"{num_app}/{den_app}"] = num / den
    return out


def meta(args: argparse.Namespace) -> dict:
    def meminfo() -> float:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
        return 0.0

    def cpu() -> str:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
        return platform.processor()

    def git(*cmd: str) -> str:
        out = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True, check=False)
        return out.stdout.strip()

    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gb": meminfo(),
        "cpu": cpu(),
        "loadavg_start": os.getloadavg(),
        "chromium": harness.chromium_version(),
        "python": platform.python_version(),
        "versions": versions,
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "args": {
            "quick": args.quick,
            "scale": args.scale,
            "samples": args.samples,
            "sessions": args.sessions,
            "apps": args.apps,
            "timeout_s": args.timeout,
            "medmap_app": str(args.medmap_app),
            "variants": {k: str(v) for k, v in args.variants.items()},
        },
    }


def on_sigterm(*_: object) -> None:
    print("bench: terminated (SIGTERM); stopping servers and browser", file=sys.stderr, flush=True)
    sys.exit(143)


def write_report(
    args: argparse.Namespace,
    info: dict,
    work: dict,
    samples: dict[str, list[dict]],
    failures: list[dict],
    lever_costs: dict,
    started: float,
    final: bool = False,
) -> dict:
    """Figures, ratios and targets of the samples so far, written to ``args.out``.

    Written after every sample too (``complete: false``), so that an interrupted
    run leaves what it measured.
    """
    figures = {
        name: {fig: stats(v) for fig, v in figures_of(runs).items()}
        for name, runs in samples.items()
    }
    info = {
        **info,
        "complete": final,
        "loadavg_end": os.getloadavg(),
        "duration_s": round(time.monotonic() - started, 1),
    }
    report = {
        "meta": info,
        "workload": work,
        "figures": figures,
        "ratios": ratios(figures, args.apps),
        "targets": check_targets(figures, args.scale, args.sessions),
        "variant_targets": {
            name: check_targets(figures, args.scale, args.sessions, name) for name in args.variants
        },
        "levers": lever_costs,
        "failures": failures,
        "samples": samples,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(json.dumps(report, indent=2, default=str) + "\n")
    tmp.replace(args.out)
    return report


def soak_main(args: argparse.Namespace) -> int:
    """``--soak N``: one medmap page, N in-place filter changes; what grows (see soak.py)."""
    from medmap.assets import install_static_assets

    install_static_assets(ROOT / "static")
    started = time.monotonic()
    info = meta(args)
    info["args"].update(soak=args.soak, soak_every=args.soak_every, soak_via=args.soak_via)
    print(
        f"soak: {info['date']}  {info['nproc']} CPUs, {info['memory_gb']} GB, "
        f"{info['chromium']}, Python {info['python']}, commit {info['git_commit']}"
        f"{' (dirty)' if info['git_dirty'] else ''}, load {info['loadavg_start']}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="medmap-soak-") as tmp_name:
        data_dir = None
        if args.scale is not None:
            data_dir = synthetic.make_data_dir(ROOT, Path(tmp_name) / "data", args.scale)
        env = {"BENCH_REPO_ROOT": str(ROOT)}
        if data_dir is not None:
            env["MEDMAP_DATA_DIR"] = str(data_dir)
        work = soak.workload(data_dir or ROOT / "data")
        sectors = work["sectors"]
        app = medmap_spec("medmap", args.medmap_app, env, {"barrios_shipped": work["barrios"]})
        print(
            f"soak: {args.soak} changes via the {args.soak_via}, sectors {', '.join(sectors)}",
            flush=True,
        )
        # Rows after change 2, every --soak-every changes and at the end; growth is judged
        # from the first of those after the warm-up (--soak-every, or 2 for short runs).
        marks = {2, *range(args.soak_every, args.soak + 1, args.soak_every)}
        reference = args.soak_every if args.soak_every < args.soak else 2

        def progress(row: dict, seconds: float) -> None:
            print(
                f"soak: {row['changes']:>5} changes: heap {row['heap_mb']:.1f} MB "
                f"(DOM {row['dom_heap_mb']:.1f}), elements page {row['page_elements']}, "
                f"iframe {row['iframe_elements']} ({row['iframe_styles']} <style>), "
                f"RSS {row['server_rss_mb']:.1f} MB ({seconds:.0f} s)",
                flush=True,
            )

        server = harness.start_server(app, timeout_s=max(args.timeout, 120))
        try:
            with harness.chromium() as browser:
                result = soak.run(
                    browser,
                    app,
                    server,
                    sectors,
                    args.soak,
                    marks,
                    reference,
                    args.soak_via,
                    args.timeout,
                    progress,
                )
        except harness.MeasureError as err:
            print(f"soak FAILED: {err}\n--- server log ---\n{harness.server_log_tail(server)}")
            return 1
        finally:
            harness.stop_server(server)
    targets = soak.check_targets(result)
    info.update(loadavg_end=os.getloadavg(), duration_s=round(time.monotonic() - started, 1))
    report = {"meta": info, "soak": result, "targets": targets}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print()
    print(
        f"medmap soak — {args.soak} filter changes on one page (sector via the "
        f"{args.soak_via}), {info['duration_s']:.0f} s"
    )
    print(soak.table(result))
    print(
        f"median filter change {result['filter_change_ms_median']:,.0f} ms "
        f"(choose a sector {result['choose_ms_median']:,.0f} ms, "
        f"remove it {result['remove_ms_median']:,.0f} ms); "
        f"JS heap {result['heap_kb_per_change']:+.1f} kB per change from change {reference}"
    )
    print()
    print(targets_text(targets))
    print(f"\nwritten: {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A plain kill stops the run through the finally blocks: servers and browser go too.
    signal.signal(signal.SIGTERM, on_sigterm)
    if args.soak is not None:
        return soak_main(args)
    if not RAW_BARRIOS.is_file():
        raise SystemExit(
            f"bench: the raw barrios GeoJSON the naive app reads is missing: {RAW_BARRIOS}\n"
            "(it is ../shared/data/geo/barrios.geojson, next to the repository)"
        )
    from medmap.assets import install_static_assets

    install_static_assets(ROOT / "static")
    started = time.monotonic()
    info = meta(args)
    print(
        f"bench: {info['date']}  {info['nproc']} CPUs, {info['memory_gb']} GB, "
        f"{info['chromium']}, Python {info['python']}, load {info['loadavg_start']}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="medmap-bench-") as tmp_name:
        tmp = Path(tmp_name)
        data_dir = None
        if args.scale is not None:
            print(f"bench: generating {args.scale} synthetic offices ...", flush=True)
            data_dir = synthetic.make_data_dir(ROOT, tmp / "data", args.scale)
        work = workload(data_dir or ROOT / "data")
        print(
            f"bench: filter = sector {work['sector']!r} "
            f"({work['sector_located_companies']} of {work['located_companies']} located "
            f"companies)",
            flush=True,
        )
        specs = app_specs(tmp, data_dir, work, args)
        print("bench: in-process lever costs ...", flush=True)
        lever_costs = levers.measure(
            data_dir or ROOT / "data", repeat=1 if args.quick or args.scale else 3
        )
        samples: dict[str, list[dict]] = {name: [] for name in args.apps}
        failures: list[dict] = []
        with harness.chromium() as browser:
            # Apps take turns, so that a slow spell of the machine hits them all alike.
            for i in range(args.samples):
                for name in args.apps:
                    once = name == "naive" and large_scale(args)
                    if once and i > 0:
                        continue
                    t0 = time.monotonic()
                    sessions = sessions_for(name, i, args)
                    try:
                        sample = run_iteration(browser, specs[name], args, work, sessions)
                    except harness.MeasureError as err:
                        failures.append({"app": name, "sample": i + 1, "error": str(err)})
                        print(f"bench: sample {i + 1} {name} FAILED: {err}", flush=True)
                        write_report(args, info, work, samples, failures, lever_costs, started)
                        continue
                    samples[name].append(sample)
                    print(
                        progress(i, args.samples, name, sample, time.monotonic() - t0), flush=True
                    )
                    write_report(args, info, work, samples, failures, lever_costs, started)
    report = write_report(args, info, work, samples, failures, lever_costs, started, final=True)
    figures, targets, variant_targets = (
        report["figures"],
        report["targets"],
        report["variant_targets"],
    )
    mode = "shipped data" if args.scale is None else f"scale N={args.scale}"
    print()
    print(
        f"medmap benchmark — {mode}, {args.samples} sample(s), {args.sessions} sessions, "
        f"{report['meta']['duration_s']:.0f} s"
    )
    print(table(figures, args.apps, {f["app"] for f in failures}))
    print()
    print(targets_text(targets))
    for name, rows in variant_targets.items():
        print(f"\nvariant {name} ({args.variants[name]}):")
        print(targets_text(rows))
    for failure in failures:
        first_line = failure["error"].splitlines()[0]
        print(f"failed sample: {failure['app']} #{failure['sample']}: {first_line}")
    print()
    print("in-process costs behind the levers (median ms / bytes):")
    for name, value in lever_costs.items():
        print(f"  {name}: {value:,.0f}")
    print(f"\nwritten: {args.out}")
    missing = [name for name, runs in samples.items() if not runs]
    if missing and not (missing == ["naive"] and large_scale(args)):
        print(f"bench: no sample completed for {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
