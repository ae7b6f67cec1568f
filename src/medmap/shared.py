"""Work shared by the readers of one link: a view's KPIs, per-area values, labels and charts,
computed once per process and view key, bounded.

Readers of the same link (filters, year, language, colouring) get the same
:class:`medmap.mapview.ViewFigures`; the map's "drawn" rerun finds them too. Only views of
the process's own data are shared: a session's uploaded companies are computed for that
session alone, never cached. folium objects are never shared (st_folium adds to them as it
renders): :func:`compose` builds them per run from the shared figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple

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


def compose(view: View, metric: str, level: str, urls: Mapping[str, str]) -> mapview.MapView:
    """:func:`medmap.mapview.compose` with the view's figures shared (the Map page's call)."""
    return mapview.compose(view, metric, level, urls, view_figures(view, metric, level))
