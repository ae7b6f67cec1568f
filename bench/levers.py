"""Server-side costs behind medmap's levers, measured in-process (no browser).

Each lever is something medmap does that the naive app does not; here is what
it saves per script run, on this machine (median of a few repetitions):

- shipped geometry: ``geo/barrios.geojson`` (coverage-simplified, 5 decimals) instead
  of the raw official file: read time and the size of the barrio layer's JavaScript;
- ``st.cache_resource`` for geometry and data: what loading them costs every run;
- ``returned_objects=["last_active_drawing"]``: the rerun it avoids is one whole
  script run per page load (counted in the browser: "script runs per page load");
- area counts beyond ``MAX_INDIVIDUAL_MARKERS``: measured in scale mode.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW_BARRIOS = ROOT.parent / "shared" / "data" / "geo" / "barrios.geojson"


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _layer_js_bytes(gdf) -> int:
    """Bytes of JavaScript folium writes for a GeoJson layer of ``gdf``."""
    import folium

    m = folium.Map(tiles=None)
    layer = folium.GeoJson(gdf).add_to(m)
    m.get_root().render()
    return len(layer._template.module.script(layer, {}).encode())


def measure(data_dir: Path, repeat: int = 3) -> dict:
    import geopandas as gpd

    from medmap.data import load_dataset
    from medmap.geo import load_barrios, load_comunas, load_metro_stations, locate_entities

    geo = ROOT / "geo"
    raw = gpd.read_file(RAW_BARRIOS)
    shipped = load_barrios(geo)

    def load_all() -> None:
        barrios, comunas = load_barrios(geo), load_comunas(geo)
        load_metro_stations(geo)
        dataset = load_dataset(data_dir, barrios["code"], comunas["code"])
        locate_entities(dataset.entities, barrios, comunas)

    return {
        "raw_barrios_file_bytes": RAW_BARRIOS.stat().st_size,
        "shipped_barrios_file_bytes": (geo / "barrios.geojson").stat().st_size,
        "read_raw_barrios_ms": _median_ms(lambda: gpd.read_file(RAW_BARRIOS), repeat),
        "read_shipped_barrios_ms": _median_ms(lambda: load_barrios(geo), repeat),
        "raw_barrio_layer_js_bytes": _layer_js_bytes(raw),
        "shipped_barrio_layer_js_bytes": _layer_js_bytes(shipped),
        "uncached_geo_and_data_load_ms": _median_ms(load_all, repeat),
    }
