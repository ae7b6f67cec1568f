"""Soak: one Map page, many in-place filter changes; does anything grow?

    python bench/run.py --soak 1000                  # the filter bar's sector multiselect
    python bench/run.py --soak 1000 --soak-via chart # a click on a bar of the sector chart

One server (``serve.py``, as users start it), one page, no reload. The sector filter
alternates between two user actions, each one filter change: choose a sector, then
remove it again (click the chip's remove button in the filter bar's multiselect).
The chosen sector cycles through every sector with located companies. A sector is
chosen the way a user does it, either

- ``multiselect``: open the filter bar's sector multiselect, type the sector, click its
  option, click outside to close the list; or
- ``chart``: click the sector's bar in the sector chart beside the map (the app sets the
  sector filter from it).

Each change must update the map **in place**: the same map iframe (never remounted)
shows a new view token, and the KPI and charts are redrawn.

Every even change brings back the unfiltered view the page opened with, so rows taken
after even changes all show the same view and their element counts compare like with
like. Each row: JS heap used after a forced GC (CDP ``HeapProfiler.collectGarbage``
twice, then ``Runtime.getHeapUsage``: the renderer's whole V8 heap, page and same-origin
map iframe; ``dom_heap_mb`` is Blink's heap beside it, DOM nodes included), elements
(``<style>`` included) of the page and of the map iframe, Leaflet's view of the map
(layers, streamlit-folium's list of groups, click listeners on the map) and the
server's RSS. Growth is judged from the reference row (after the warm-up: V8 compiles
the page's hot code during the first ~100 changes, a few MB that stop growing) to the
last row.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import harness
from harness import AppSpec, MeasureError, Server, Tab

VIAS = ("multiselect", "chart")
QUIET_MS = 250  # medmap's map returns nothing on a filter change: no follow-up rerun
MAP_IFRAME = harness.MAP_IFRAME

# Counted in the page and in the map iframe, after the page has settled. The page count
# leaves out react-aria's live announcer (Streamlit's widgets announce "x selected" in
# it; each message goes away a few seconds later).
PROBE = """() => {
  const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
  if (frames.length !== 1) return null;
  const win = frames[0].contentWindow, doc = frames[0].contentDocument;
  let layers = 0;
  win.map.eachLayer(() => { layers += 1; });
  const listeners = (name) => ((win.map._events || {})[name] || []).length;
  const announced = [...document.querySelectorAll("[data-live-announcer]")]
    .reduce((n, e) => n + e.getElementsByTagName("*").length, 0);
  return {
    page_elements: document.getElementsByTagName("*").length - announced,
    page_styles: document.getElementsByTagName("style").length,
    iframe_elements: doc.getElementsByTagName("*").length,
    iframe_styles: doc.getElementsByTagName("style").length,
    leaflet_layers: layers,
    // streamlit-folium's list of the view's feature groups (on the map, or kept).
    kept_groups: (win.feature_group || []).length,
    map_click_listeners: listeners("click"),
    in_place: frames[0].dataset.soak === "1",
  };
}"""

MARK_MAP = f"""() => {{ document.querySelector('{MAP_IFRAME}').dataset.soak = "1"; }}"""

# The harness's own in-page records grow with every change (long tasks, script runs):
# emptied before each row so that they do not count as the app's growth.
FORGET_RECORDS = """() => {
  window.__benchLT.length = 0;
  window.__bench.runStarts.length = 0;
  window.__bench.runEnds.length = 0;
}"""

# Centre of the bar of a sector (its slug is the bar's customdata) in the sector chart.
SECTOR_BAR = """(sector) => {
  for (const gd of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
    const trace = (gd.data || [])[0], points = (gd.calcdata || [])[0];
    if (!trace || !points || !trace.customdata) continue;
    const bars = gd.querySelectorAll(".trace.bars .point path");
    for (let i = 0; i < points.length && i < bars.length; i++) {
      if (trace.customdata[points[i].i] !== sector) continue;
      bars[i].scrollIntoView({block: "center"});  // long charts reach below the fold
      const box = bars[i].getBoundingClientRect();
      if (box.width < 1 || box.height < 1) return null;
      return {x: box.x + box.width / 2, y: box.y + box.height / 2};
    }
  }
  return null;
}"""

# The figures of a row, in table order: (key, label, unit).
COLUMNS = (
    ("changes", "changes", ""),
    ("heap_mb", "JS heap", "MB"),
    ("dom_heap_mb", "DOM heap", "MB"),
    ("page_elements", "page elements", ""),
    ("iframe_elements", "map iframe elements", ""),
    ("iframe_styles", "iframe <style>", ""),
    ("leaflet_layers", "Leaflet layers", ""),
    ("kept_groups", "kept groups", ""),
    ("map_click_listeners", "map click listeners", ""),
    ("server_rss_mb", "server RSS", "MB"),
)


def workload(data_dir: Path) -> dict:
    """The sectors to cycle through: every sector with located companies, though not all
    of them (choosing one changes the KPI and the markers); and the barrios to draw."""
    from medmap.data import load_dataset
    from medmap.geo import load_barrios, load_comunas, locate_entities

    root = harness.ROOT
    barrios, comunas = load_barrios(root / "geo"), load_comunas(root / "geo")
    dataset = load_dataset(data_dir, barrios["code"], comunas["code"])
    located = locate_entities(dataset.entities, barrios, comunas)
    companies = located[located.geometry.notna() & (located["kind"] == "company")]
    counts = companies["sector"].value_counts()
    sectors = sorted(s for s, n in counts.items() if 0 < n < len(companies))
    if not sectors:
        raise SystemExit("soak: no sector has some but not all located companies")
    labels = dict(zip(dataset.sectors["sector"], dataset.sectors["label_en"], strict=True))
    # (slug, name): the chart's bars carry the slug, the filter's options show the name.
    return {"sectors": [(s, labels[s]) for s in sectors], "barrios": len(barrios)}


def open_page(browser, app: AppSpec, server, timeout_s: float) -> tuple[Tab, float]:
    """One page as ``harness.load`` opens it, minus what would grow for the harness's sake
    (the CDP Network domain keeps every response; no byte counting here)."""
    context = browser.new_context(viewport=harness.VIEWPORT, locale="en-US")
    context.add_init_script(harness.INIT_SCRIPT)
    tab = Tab(context, context.new_page(), harness.Traffic())
    try:
        tab.page.goto(server.url + "/", wait_until="commit", timeout=timeout_s * 1000)
        ready = harness.wait_ready(tab.page, harness._spec(app), timeout_s)
        tab.page.evaluate(MARK_MAP)
    except Exception:
        tab.close()
        raise
    return tab, ready["t"]


def heaps_mb(cdp) -> tuple[float, float]:
    """V8 heap and Blink heap used after a full GC (twice: the second collects what the
    first only unlinked, e.g. DOM wrappers)."""
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("HeapProfiler.collectGarbage")
    usage = cdp.send("Runtime.getHeapUsage")
    return usage["usedSize"] / 1e6, usage.get("embedderHeapUsedSize", 0) / 1e6


def row(tab: Tab, cdp, server: Server | object, changes: int) -> dict:
    tab.page.evaluate(FORGET_RECORDS)
    counts = tab.page.evaluate(PROBE)
    if counts is None:
        raise MeasureError("soak: the page does not show exactly one map iframe")
    if not counts.pop("in_place"):
        raise MeasureError(f"soak: the map iframe was remounted (by change {changes})")
    heap, dom_heap = heaps_mb(cdp)
    return {
        "changes": changes,
        "heap_mb": heap,
        "dom_heap_mb": dom_heap,
        **counts,
        "server_rss_mb": server.rss_mb(),
    }


def change_sector(
    tab: Tab,
    app: AppSpec,
    sector: tuple[str, str],
    choose: bool,
    timeout_s: float,
    via: str = "multiselect",
) -> float:
    """One filter change: choose ``sector`` (slug, name; nothing chosen before) or remove it.

    Returns the time from the click to the new view ready (map in place with a new
    view token, KPI changed, charts drawn, script idle), on the page's clock.
    """
    page = tab.page
    slug, name = sector
    box = harness.multiselect(page, "Sector")
    point = None
    if not choose:
        # The filter bar is at the top of the page, which a chart click may have scrolled
        # away: scrolled into view by Playwright it would sit under Streamlit's fixed header.
        page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
        target = box.locator(f'button[aria-label="Remove {name}"]')
    elif via == "multiselect":
        box.click()
        box.locator("input").fill(name)
        target = page.get_by_role("option", name=name, exact=True)
    else:
        point = page.evaluate(SECTOR_BAR, slug)
        if point is None:
            raise MeasureError(f"soak: no bar for {sector!r} in the sector chart")
    if point is None:
        target.wait_for(timeout=timeout_s * 1000)
    page.evaluate(harness.MARK_OLD_MAP)
    kpi_before = page.evaluate(harness.KPI_TEXT, app.kpi)
    if point is None:
        target.click()
    else:
        page.mouse.move(point["x"], point["y"])
        page.mouse.click(point["x"], point["y"])
    ready = harness.wait_ready(page, harness._spec(app, kpi_before), timeout_s, quiet_ms=QUIET_MS)
    elapsed = ready["t"] - page.evaluate("window.__bench.clickedAt")
    if choose and via == "multiselect":
        # Close the option list as a user does, with a click outside it (on the KPIs).
        page.locator('[data-testid="stMetric"]').first.click()
        page.get_by_role("listbox").wait_for(state="detached", timeout=timeout_s * 1000)
    chips = [c.strip() for c in box.locator("[data-tag]").all_inner_texts()]
    if chips != ([name] if choose else []):
        raise MeasureError(f"soak: {'chose' if choose else 'removed'} {sector!r}, chips: {chips}")
    return elapsed


def run(
    browser,
    app: AppSpec,
    server: Server | object,
    sectors: list[str],
    changes: int,
    marks: Iterable[int],
    reference: int,
    via: str = "multiselect",
    timeout_s: float = 120,
    progress: Callable[[dict, float], None] | None = None,
) -> dict:
    """Open one page, make ``changes`` filter changes, take a row after 0 and each mark.

    Marks must be even (the opening view is back then); growth is ``reference`` -> last.
    """
    if via not in VIAS:
        raise ValueError(f"soak: via must be one of {VIAS}")
    marks = {0, reference, changes, *marks}
    if changes < 2 or any(m % 2 or m > changes for m in marks):
        raise ValueError("soak: changes and marks must be even, marks <= changes")
    tab, load_ms = open_page(browser, app, server, timeout_s)
    try:
        cdp = tab.context.new_cdp_session(tab.page)
        rows = [row(tab, cdp, server, 0)]
        times: dict[str, list[float]] = {"choose": [], "remove": []}
        started = time.monotonic()
        for n in range(1, changes + 1):
            choose = n % 2 == 1
            sector = sectors[((n - 1) // 2) % len(sectors)]
            ms = change_sector(tab, app, sector, choose, timeout_s, via)
            times["choose" if choose else "remove"].append(ms)
            if n in marks:
                rows.append(row(tab, cdp, server, n))
                if progress is not None:
                    progress(rows[-1], time.monotonic() - started)
    finally:
        tab.close()
    return {
        "changes": changes,
        "via": via,
        "sectors": sectors,
        "reference": reference,
        "load_ms": load_ms,
        "rows": rows,
        "change_ms": times,
        **summary(rows, times, reference),
    }


def summary(rows: list[dict], times: dict[str, list[float]], reference: int) -> dict:
    """Growth from the reference row (and from change 2) to the last, and change times."""
    keys = [k for k, _, _ in COLUMNS if k != "changes"]
    last = rows[-1]

    def growth(start: dict) -> dict:
        return {k: last[k] - start[k] for k in keys}

    ref = next(r for r in rows if r["changes"] == reference)
    span = last["changes"] - ref["changes"]
    first = next((r for r in rows if r["changes"] == 2), ref)
    all_ms = times["choose"] + times["remove"]
    return {
        "growth": growth(ref),
        "heap_kb_per_change": (last["heap_mb"] - ref["heap_mb"]) * 1000 / span if span else 0.0,
        "growth_from_2": growth(first),
        "filter_change_ms_median": statistics.median(all_ms),
        "choose_ms_median": statistics.median(times["choose"]),
        "remove_ms_median": statistics.median(times["remove"]),
    }


def table(result: dict) -> str:
    def cell(value: float, unit: str, sign: str = "") -> str:
        return f"{value:{sign},.1f}" if unit == "MB" else f"{value:{sign},.0f}"

    head = [f"{label}{f' ({unit})' if unit else ''}" for _, label, unit in COLUMNS]
    lines = [head]
    for r in result["rows"]:
        lines.append([cell(r[k], unit) for k, _, unit in COLUMNS])
    for name, start in (("growth_from_2", 2), ("growth", result["reference"])):
        growth = result[name]
        lines.append(
            [f"growth {start}->{result['changes']}"]
            + [cell(growth[k], unit, "+") for k, _, unit in COLUMNS[1:]]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = [" | ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    text.insert(1, "-+-".join("-" * w for w in widths))
    text.insert(len(text) - 2, text[1])
    return "\n".join(text)


def check_targets(result: dict) -> list[dict]:
    """The targets of issue #15, from the reference row to the last."""
    growth = result["growth"]
    span = f"changes {result['reference']}->{result['changes']}"
    rows = []

    def target(text: str, value: float, limit: float, unit: str) -> None:
        rows.append(
            {"target": text, "value": value, "limit": limit, "unit": unit, "pass": value <= limit}
        )

    target(f"JS heap growth after GC <= 5 MB ({span})", growth["heap_mb"], 5.0, "MB")
    target(f"page element growth <= 0 ({span})", growth["page_elements"], 0, "")
    target(f"map iframe element growth <= 0 ({span})", growth["iframe_elements"], 0, "")
    target(f"map iframe <style> growth <= 0 ({span})", growth["iframe_styles"], 0, "")
    target(f"server RSS growth <= 10 MB ({span})", growth["server_rss_mb"], 10.0, "MB")
    return rows
