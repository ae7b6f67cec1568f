"""serve.py: the entry point loads everything at start-up, before the first visitor."""

from __future__ import annotations

import gc
import platform
import sys
import threading
from pathlib import Path

import pytest
import streamlit as st

from medmap import runtime
from medmap.paths import geo_dir


@pytest.fixture
def empty_caches():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()
    gc.unfreeze()


def test_serve_py_is_an_app_with_a_start_up_hook():
    import serve

    assert isinstance(serve.app, st.App)
    assert serve.app._user_lifespan is serve.lifespan


def test_after_warm_up_the_first_page_loads_nothing(empty_caches, monkeypatch):
    runtime.warm_up()
    assert gc.get_freeze_count() > 0

    def must_not_run(*args, **kwargs):
        raise AssertionError("loaded again after warm_up")

    for name in ("load_layers", "load_dataset", "locate_entities", "display_geometry"):
        monkeypatch.setattr(runtime, name, must_not_run)
    loaded = runtime.load()
    assert len(loaded.layers.barrios) > 300
    assert len(loaded.dataset.entities) == len(loaded.located) > 0
    assert runtime.geometry_urls(str(geo_dir()))["barrios"].endswith(".json")


@pytest.mark.skipif(
    not (sys.platform == "linux" and platform.libc_ver()[0] == "glibc"), reason="glibc only"
)
def test_memory_freed_in_a_run_thread_goes_back_to_the_system_on_glibc():
    def rss_mb() -> float:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if "VmRSS" in x)
        return int(line.split()[1]) / 1024

    def run():
        # ~150 MB of malloc'd blocks in this thread's arena; every 50th kept, so glibc
        # cannot give the space back by itself (as after a Streamlit run).
        blocks = [bytearray(1500) for _ in range(100_000)]
        run.kept = blocks[::50]

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    before = rss_mb()
    assert runtime.release_free_memory() is True
    assert before - rss_mb() > 50, (before, rss_mb())


def test_warm_up_leaves_bad_data_to_the_page(empty_caches, monkeypatch, tmp_path):
    monkeypatch.setenv("MEDMAP_DATA_DIR", str(tmp_path))  # no CSV files at all
    runtime.warm_up()  # no exception: the page shows the problems to the first visitor
    assert gc.get_freeze_count() == 0


def test_after_warm_up_the_dashboards_own_link_is_computed_in_each_language(
    empty_caches, monkeypatch
):
    from medmap import mapview, shared
    from medmap.filters import Filters
    from medmap.i18n import LANGS
    from medmap.state import DEFAULT_LEVEL, DEFAULT_METRIC, build_view

    runtime.warm_up()

    def must_not_run(*args, **kwargs):
        raise AssertionError("computed again after warm_up")

    monkeypatch.setattr(mapview, "view_figures", must_not_run)
    loaded = runtime.load()
    for lang in LANGS:
        view = build_view(loaded, lang, Filters())
        figures = shared.view_figures(view, DEFAULT_METRIC, DEFAULT_LEVEL)
        assert figures is not None
    # Another link is computed when a reader opens it.
    with pytest.raises(AssertionError, match="computed again"):
        shared.view_figures(build_view(loaded, "en", Filters(sectors=("ai",))), "staff", "barrio")


def test_the_served_app_does_not_watch_its_code(monkeypatch):
    # Watching it cost each new session ~0.1 s before its first message (bench/README.md).
    from streamlit import config

    monkeypatch.chdir(Path(__file__).parent.parent)  # where `make run` starts the server
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("server.fileWatcherType") == "none"
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)
