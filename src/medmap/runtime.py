"""Process-wide caches (geometry, data, static files), the start-up warm-up, memory housekeeping.

Everything here is loaded once per server process and shared read-only by the
sessions; ``serve.py`` fills it before the first visitor (bench/README.md).
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import streamlit as st

from medmap.assets import install_geo_files, install_static_assets
from medmap.data import DataError, Dataset, load_dataset
from medmap.filters import timeline_years
from medmap.geo import GeoError, Layers, display_geometry, load_layers, locate_entities
from medmap.i18n import t
from medmap.paths import data_dir, geo_dir, project_root
from medmap.problems import Problem


@dataclass(frozen=True)
class Loaded:
    """What every run works from: the geometry, the validated dataset, its located entities."""

    layers: Layers
    dataset: Dataset
    located: gpd.GeoDataFrame


@st.cache_resource(show_spinner=False)
def setup_static_assets() -> str:
    """Copy Leaflet & co. and medmap's map scripts into static/ once per server process."""
    return str(install_static_assets(project_root() / "static"))


@st.cache_resource(show_spinner=False)
def get_layers(geo: str) -> Layers:
    """Geometry, read once per process (read-only, shared by sessions)."""
    return load_layers(Path(geo))


@st.cache_resource(show_spinner=False)
def get_data(data: str, geo: str) -> tuple[Dataset, gpd.GeoDataFrame]:
    """The validated dataset and its located entities, once per process."""
    layers = get_layers(geo)
    dataset = load_dataset(Path(data), layers.barrios["code"], layers.comunas["code"], layers)
    located = locate_entities(dataset.entities, layers.barrios, layers.comunas, dataset.districts)
    return dataset, located


@st.cache_resource(show_spinner=False)
def get_years() -> list[int]:
    """The years of the shipped data's timeline (entities dated in Medellín, funding)."""
    loaded = load()
    return timeline_years(loaded.located, loaded.dataset.funding)


@st.cache_resource(show_spinner=False)
def geometry_urls(geo: str) -> dict[str, str]:
    """URLs of the display geometry in static/, written once per process and geometry."""
    layers = get_layers(geo)
    files = display_geometry(layers.barrios, layers.comunas, layers.stations)
    return install_geo_files(project_root() / "static", files)


def load() -> Loaded:
    """The shipped (or ``MEDMAP_*_DIR``) geometry and data; raises DataError or GeoError."""
    layers = get_layers(str(geo_dir()))
    dataset, located = get_data(str(data_dir()), str(geo_dir()))
    return Loaded(layers, dataset, located)


def load_or_explain(lang: str) -> Loaded:
    """Load everything, or show the problems as a page and stop (the server stays up)."""
    try:
        loaded = load()
    except (DataError, GeoError) as err:
        show_problems(err.problems, lang)
        st.stop()
    freeze_loaded_heap()
    return loaded


def show_problems(problems: list[Problem], lang: str) -> None:
    st.error(t("data_error_title", lang), icon=":material/error:")
    st.write(t("data_error_body", lang))
    lines = (f"{p.file}:{p.row}:{p.column}: {p.message(lang)}" for p in problems)
    st.code("\n".join(lines), language=None, wrap_lines=True)


def warm_up() -> None:
    """Fill the process caches before the first visitor (serve.py's start-up hook).

    What the first page would otherwise pay for: static files, geometry, the validated
    and located dataset, the display geometry files, the imports of every page. Bad
    data is left for the page to explain. streamlit-folium is not imported here: it
    registers its component on import, which only works inside the running app.
    """
    import medmap.charts  # noqa: F401 (plotly)
    import medmap.maps  # noqa: F401 (folium)

    setup_static_assets()
    try:
        loaded = load()
        urls = geometry_urls(str(geo_dir()))
    except (DataError, GeoError):
        return
    _warm_default_views(loaded, urls)
    freeze_loaded_heap()
    release_free_memory()


def _warm_default_views(loaded: Loaded, urls: Mapping[str, str]) -> None:
    """The dashboard's own link in each language: most first visits open it, and its
    figures (KPIs, per-area values, charts) and map are then shared (:mod:`medmap.shared`)."""
    from medmap import shared
    from medmap.filters import Filters
    from medmap.i18n import LANGS
    from medmap.state import DEFAULT_LEVEL, DEFAULT_METRIC, build_view

    for lang in LANGS:
        shared.compose(build_view(loaded, lang, Filters()), DEFAULT_METRIC, DEFAULT_LEVEL, urls)


@st.cache_resource(show_spinner=False)
def freeze_loaded_heap() -> bool:
    """Once per process, after the first load: hide the objects alive now from the GC.

    Streamlit runs a full garbage collection after every script run; without this it
    walks every imported module and the cached geometry and data each time (about
    0.24 s holding the GIL per run on 2 cores, bench/README.md).
    """
    gc.collect()
    gc.freeze()
    return True


def _glibc_malloc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl)
        return None


_MALLOC_TRIM = _glibc_malloc_trim()


def release_free_memory() -> bool:
    """Give the memory freed by the last run back to the system (glibc only).

    Each run happens in its own thread, and glibc keeps what a thread's run freed in
    that thread's arena: at 100,000 offices, 10 sessions held ~100 MB more than they
    use (RSS per extra session 16-18 MB, with this 3-4 MB; bench/README.md).
    """
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True
