"""serve.py: the entry point loads everything at start-up, before the first visitor."""

from __future__ import annotations

import gc
import platform
import sys

import pytest
import streamlit as st

from medmap import ui


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
    ui.warm_up()
    assert gc.get_freeze_count() > 0

    def must_not_run(*args, **kwargs):
        raise AssertionError("loaded again after warm_up")

    for name in ("load_barrios", "load_comunas", "load_dataset", "locate_entities"):
        monkeypatch.setattr(ui, name, must_not_run)
    layers = ui.get_layers(str(ui.geo_dir()))
    dataset, located = ui.get_data(str(ui.data_dir()), str(ui.geo_dir()))
    assert len(layers.barrios) > 300 and len(dataset.entities) == len(located) > 0
    assert ui.geometry_urls(str(ui.geo_dir()))["barrios"].endswith(".json")


@pytest.mark.skipif(
    not (sys.platform == "linux" and platform.libc_ver()[0] == "glibc"), reason="glibc only"
)
def test_free_memory_goes_back_to_the_system_on_glibc():
    assert ui.release_free_memory() is True


def test_warm_up_leaves_bad_data_to_the_page(empty_caches, monkeypatch, tmp_path):
    monkeypatch.setenv("MEDMAP_DATA_DIR", str(tmp_path))  # no CSV files at all
    ui.warm_up()  # no exception: the page shows the problems to the first visitor
    assert gc.get_freeze_count() == 0
