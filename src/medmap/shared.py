"""Work shared by the readers of one link: a view's KPIs, per-area values, labels, charts and
map, computed once per process and view key, bounded (the base map once per language).

Readers of the same link (filters, year, language, colouring) get the same
:class:`medmap.mapview.ViewFigures` and Map page; the map's "drawn" rerun finds them too.
Only views of the process's own data are shared: a session's uploaded companies are
computed for that session alone, never cached. The folium objects of a shared page are
handed out as copies, one per run: st_folium adds to the map it renders and renames its
elements.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import astuple, replace

import folium
import streamlit as st

from medmap import mapview, runtime
from medmap.paths import data_dir, geo_dir
from medmap.state import View

# Views kept per process (least recently used dropped first): a few hundred kB each.
MAX_VIEWS = 128


def view_key(view: View, metric: str, level: str) -> tuple:
    """What a view's figures depend on, besides the process's data (in the key too)."""
    return (str(data_dir()), str(geo_dir()), astuple(view.filters), view.lang, metric, level)


def is_shared(view: View) -> bool:
    """The view is of the process's own data (not of a session's upload)."""
    loaded = runtime.load()
    return view.located is loaded.located and view.layers is loaded.layers


@st.cache_resource(max_entries=MAX_VIEWS, show_spinner=False)
def _shared_figures(key: tuple, _view: View, metric: str, level: str) -> mapview.ViewFigures:
    return mapview.view_figures(_view, metric, level)


def view_figures(view: View, metric: str, level: str) -> mapview.ViewFigures:
    """The view's figures: shared by its link's readers, or this session's own (uploads)."""
    if not is_shared(view):
        return mapview.view_figures(view, metric, level)
    return _shared_figures(view_key(view, metric, level), view, metric, level)


@st.cache_resource(max_entries=MAX_VIEWS, show_spinner=False)
def _shared_base_map(key: tuple, _view: View, _urls: Mapping[str, str]) -> folium.Map:
    return mapview.view_base_map(_view, _urls)


@st.cache_resource(max_entries=MAX_VIEWS, show_spinner=False)
def _shared_page(
    key: tuple, _view: View, metric: str, level: str, _urls: Mapping[str, str]
) -> mapview.MapView:
    # Every link of a language has the same base map (a third of a new link's build).
    base_key = (str(data_dir()), str(geo_dir()), _view.lang, tuple(sorted(_urls.items())))
    return mapview.compose(
        _view,
        metric,
        level,
        _urls,
        view_figures(_view, metric, level),
        _shared_base_map(base_key, _view, _urls),
    )


def compose(view: View, metric: str, level: str, urls: Mapping[str, str]) -> mapview.MapView:
    """:func:`medmap.mapview.compose`, shared by the view's readers (the Map page's call).

    The map and its layers are this run's own copies (about 1 ms against 25 ms to build).
    """
    if not is_shared(view):
        return mapview.compose(view, metric, level, urls)
    key = (*view_key(view, metric, level), tuple(sorted(urls.items())))
    page = _shared_page(key, view, metric, level, urls)
    # Copied together: the layers may refer to the map's elements.
    base_map, layers = copy.deepcopy((page.base_map, page.layers))
    return replace(page, base_map=base_map, layers=layers)
