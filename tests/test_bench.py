"""The benchmark harness runs end to end (``bench/run.py --quick``) and writes every figure.

No performance threshold is asserted here: the figures depend on the machine.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from .conftest import ROOT, chromium_path

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RAW_BARRIOS = ROOT.parent / "shared" / "data" / "geo" / "barrios.geojson"


@pytest.mark.timeout(600)
def test_quick_benchmark_writes_every_figure(tmp_path):
    chromium_path()  # skips (fails in CI) when Debian chromium is missing
    if not RAW_BARRIOS.is_file():
        pytest.skip(f"the naive baseline needs {RAW_BARRIOS}")
    out = tmp_path / "quick.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=580,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    report = json.loads(out.read_text())
    figures = report["figures"]
    assert set(figures) == {"medmap", "naive", "floor", "chartfloor", "mapfloor"}
    timings = {"map_drawn_cold_ms", "map_drawn_warm_ms", "page_complete_cold_ms"}
    timings |= {"page_complete_warm_ms", "bytes_first_load"}
    memory = {"rss_1_session_mb", "rss_all_sessions_mb", "rss_per_extra_session_mb"}
    for app, app_figures in figures.items():
        wanted = timings | (memory if app not in ("chartfloor", "mapfloor") else set())
        # May read 0: no layout shift, no task of 50 ms or more before the map.
        assert {"cls_load", "longtask_before_map_ms"} <= set(app_figures), app
        if app in ("medmap", "naive"):
            wanted |= {"filter_change_ms", "bytes_filter_change"}
        assert wanted <= set(app_figures), (app, sorted(wanted - set(app_figures)))
        for name, figure in app_figures.items():
            for stat in ("median", "min", "max"):
                value = figure[stat]
                assert isinstance(value, int | float), (app, name, stat, value)
                assert math.isfinite(value), (app, name, stat, value)
                # Others may read 0 (no browser task of 50 ms or more, no growth per session).
                if name in wanted - {"rss_per_extra_session_mb"}:
                    assert value > 0, (app, name, stat, value)
    assert report["ratios"]["map_drawn_warm_ms"]["chartfloor/floor"] > 0
    assert report["ratios"]["map_drawn_warm_ms"]["medmap/mapfloor"] > 0
    # The map is drawn no later than the page is complete, in every load of every app.
    for app, samples in report["samples"].items():
        for sample in samples:
            for load in (sample["cold"], sample["warm"]):
                assert 0 < load["ms"] <= load["complete_ms"], (app, load)
    assert report["targets"], "no target was checked"
    for row in report["targets"]:
        # Every verdict is the comparison it states, and is printed as such.
        assert math.isfinite(row["value"]) and math.isfinite(row["limit"]), row
        assert row["pass"] is (row["value"] <= row["limit"]), row
        verdict = "PASS" if row["pass"] else "FAIL"
        assert f"{verdict}  {row['target']}:" in result.stdout, row
    # Synthetic rows went to a temporary copy, never into data/.
    assert "synthetic-office" not in (ROOT / "data" / "entities.csv").read_text()
