"""The view's state: the link's keys, the current view, and the callbacks that change it.

The view lives in session state under the link's parameter names. A session's first
run reads the link into it (:func:`read_link`, :func:`load_link`); widgets start from it
and write back on change (:func:`widget_key`); every run writes it back into the link
(:func:`write_link`), codes and slugs only, while the widgets show names.
app.py builds the :class:`View` once per run (:func:`publish_view`); every page
starts with :func:`view`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd
import streamlit as st

from medmap.data import Dataset
from medmap.filters import Filters, as_of, barrio_options, dropped_values, filter_entities
from medmap.geo import Layers
from medmap.i18n import DEFAULT_LANG, LANGS
from medmap.legacy_pages import require_frame
from medmap.runtime import Loaded

# Widget keys double as URL parameter names.
LANG_KEY, COMUNA_KEY, BARRIO_KEY, SECTOR_KEY, KIND_KEY, ORIGIN_KEY = (
    "lang",
    "comuna",
    "barrio",
    "sector",
    "kind",
    "origin",
)
FILTER_KEYS = (COMUNA_KEY, BARRIO_KEY, SECTOR_KEY, KIND_KEY, ORIGIN_KEY)
YEAR_KEY, UNDATED_KEY = "year", "undated"
ALL_YEARS = "all"  # the year control's last stop: no year chosen
METRIC_KEY, LEVEL_KEY = "metric", "level"  # what the map's areas are coloured by, per what
DEFAULT_METRIC, DEFAULT_LEVEL = "entities", "barrio"
# Every key a link may hold, in the order links write them; FILTER_KEYS hold lists.
LINK_KEYS = (*FILTER_KEYS, YEAR_KEY, UNDATED_KEY, METRIC_KEY, LEVEL_KEY, LANG_KEY)
# What a widget holds when a link leaves its key out (filters: nothing chosen).
LINK_DEFAULTS = {
    YEAR_KEY: ALL_YEARS,
    UNDATED_KEY: True,
    METRIC_KEY: DEFAULT_METRIC,
    LEVEL_KEY: DEFAULT_LEVEL,
    LANG_KEY: DEFAULT_LANG,
}
_LINK_READ_KEY = "_link_read"  # this session has read its link into the widgets' state
_VERSION = "_version_"  # + key: how many times the app itself has set the key
MAP_KEY = "map"
MAP_DRAWN_KEY = "_map_drawn"  # this session's map has reported that it is drawn (issue #10)
UPLOAD_KEY = "_uploaded_entities"  # located rows of this session's upload, never shared
USE_UPLOAD_KEY = "use_upload"
NOTICE_KEY = "_link_notice"
_VIEW_KEY = "_view"  # this run's View, built by app.py before the page runs


@dataclass(frozen=True)
class View:
    """What the current page shows: language, filters and the data they select."""

    lang: str
    filters: Filters
    data: Dataset
    layers: Layers
    located: gpd.GeoDataFrame
    shown: gpd.GeoDataFrame
    sector_labels: dict[str, str]


def current_lang() -> str:
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def current_filters() -> Filters:
    return filters_from_state(st.session_state)


def filters_from_state(values: Mapping[str, object]) -> Filters:
    """The filters that widget state (or :func:`read_link`'s state) holds; missing keys
    take the widgets' defaults."""

    def codes(key: str) -> tuple[str, ...]:
        return tuple(values.get(key) or ())

    year = values.get(YEAR_KEY, ALL_YEARS)
    return Filters(
        comunas=codes(COMUNA_KEY),
        barrios=codes(BARRIO_KEY),
        sectors=codes(SECTOR_KEY),
        kinds=codes(KIND_KEY),
        origins=codes(ORIGIN_KEY),
        year=int(year) if isinstance(year, str) and year.isdigit() else None,
        undated=bool(values.get(UNDATED_KEY, True)),
    )


def query_for(
    filters: Filters, lang: str, metric: str = DEFAULT_METRIC, level: str = DEFAULT_LEVEL
) -> list[tuple[str, str]]:
    """The query string that reproduces a view (defaults are left out)."""
    values = (filters.comunas, filters.barrios, filters.sectors, filters.kinds, filters.origins)
    query = [(key, code) for key, codes in zip(FILTER_KEYS, values, strict=True) for code in codes]
    if filters.year is not None:
        query.append((YEAR_KEY, str(filters.year)))
    if not filters.undated:
        query.append((UNDATED_KEY, "false"))
    if metric != DEFAULT_METRIC:
        query.append((METRIC_KEY, metric))
    if level != DEFAULT_LEVEL:
        query.append((LEVEL_KEY, level))
    if lang != DEFAULT_LANG:
        query.append((LANG_KEY, lang))
    return query


def read_link(
    params: Mapping[str, Sequence[str]], allowed: Mapping[str, Sequence[str]]
) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The widgets' state a link asks for, and the values it asks for that are not allowed.

    ``params`` holds each key's raw values; ``allowed`` each key's valid ones. A filter
    keeps its valid values in order, once each; another key takes its first valid value
    (``undated`` as a bool). Keys a link leaves out are left out: widgets take defaults.
    """
    wanted = {key: [v for v in params.get(key, ()) if v != ""] for key in LINK_KEYS}
    dropped = dropped_values(wanted, allowed)
    state: dict[str, object] = {}
    for key, values in wanted.items():
        valid = set(allowed.get(key, ()))
        good = [v for v in dict.fromkeys(values) if v in valid]
        if key in FILTER_KEYS:
            if good:
                state[key] = good
        elif good:
            state[key] = good[0] == "true" if key == UNDATED_KEY else good[0]
    return state, dropped


def widget_key(key: str) -> str:
    """The key of the widget that shows and sets the view's ``key`` (a link parameter).

    The view lives under the link's keys; each widget starts from it (its default) and
    writes back on change (:func:`take_from_widget`). The widget's key changes with the
    language and whenever the app sets ``key`` itself (:func:`set_view_value`), so a
    fresh widget shows the new value: Streamlit keeps a multiselect's choice by its
    displayed labels (which change with the language), and a value pushed into a live
    multiselect through session state left the browser unable to send a later removal.
    """
    return f"_w_{key}_{current_lang()}_{st.session_state.get(_VERSION + key, 0)}"


def view_value(key: str) -> object:
    """The view's value of ``key``, or its default (filters: nothing chosen)."""
    value = st.session_state.get(key, LINK_DEFAULTS.get(key))
    return list(value or ()) if key in FILTER_KEYS else value


def set_view_value(key: str, value: object) -> None:
    """The app (not the key's widget) changes the view: a fresh widget will show it."""
    st.session_state[key] = value
    st.session_state[_VERSION + key] = st.session_state.get(_VERSION + key, 0) + 1


def take_from_widget(key: str, widget: str) -> None:
    """A widget's ``on_change``: the view takes the value the user chose."""
    st.session_state[key] = st.session_state[widget]


def link_query() -> list[tuple[str, str]]:
    """The query string of this session's view."""
    return query_for(
        current_filters(),
        current_lang(),
        st.session_state.get(METRIC_KEY) or DEFAULT_METRIC,
        st.session_state.get(LEVEL_KEY) or DEFAULT_LEVEL,
    )


def load_link(allowed: Mapping[str, Sequence[str]]) -> None:
    """A session's first run: the link's values into the widgets' state, and a notice of the
    values it could not use. Later runs keep what the user chose."""
    if st.session_state.get(_LINK_READ_KEY):
        return
    st.session_state[_LINK_READ_KEY] = True
    params = {key: st.query_params.get_all(key) for key in LINK_KEYS}
    values, dropped = read_link(params, allowed)
    for key, value in {**LINK_DEFAULTS, **values}.items():
        st.session_state[key] = value
    if dropped:
        st.session_state[NOTICE_KEY] = dropped


def write_link() -> None:
    """Every run, last: the link holds this view. Only the view's keys are written: others
    (``embed``, a page's own bound widget such as the Companies search) stay as they are."""
    wanted: dict[str, list[str]] = {}
    for key, value in link_query():
        wanted.setdefault(key, []).append(value)
    for key in LINK_KEYS:
        values = wanted.get(key, [])
        if st.query_params.get_all(key) == values:
            continue
        if values:
            st.query_params[key] = values
        else:
            del st.query_params[key]


def share_url(page_url: str, query: list[tuple[str, str]]) -> str:
    return f"{page_url}?{urlencode(query)}" if query else page_url


def sector_label_map(dataset: Dataset, lang: str) -> dict[str, str]:
    column = "label_es" if lang == "es" else "label_en"
    return dict(zip(dataset.sectors["sector"], dataset.sectors[column], strict=True))


def build_view(loaded: Loaded, lang: str, filters: Filters, uploaded=None) -> View:
    """The view of ``loaded`` through ``filters``; ``uploaded`` rows replace the entities."""
    dataset, located = loaded.dataset, loaded.located
    if filters.year is not None:
        frames = {"staff": dataset.staff, "funding": dataset.funding, "series": dataset.series}
        dataset = replace(dataset, **as_of(frames, filters.year))
    if uploaded is not None:
        # This session only: the user's rows replace the shipped entities; the shipped
        # staff and funding figures belong to shipped entities and are not attached.
        dataset = replace(dataset, staff=dataset.staff.iloc[0:0], funding=dataset.funding.iloc[0:0])
        located = uploaded
    return View(
        lang=lang,
        filters=filters,
        data=dataset,
        layers=loaded.layers,
        located=located,
        shown=filter_entities(located, filters),
        sector_labels=sector_label_map(dataset, lang),
    )


def publish_view(loaded: Loaded) -> View:
    """app.py, once per run after the sidebar: the view every page of this run reads."""
    uploaded = st.session_state.get(UPLOAD_KEY) if st.session_state.get(USE_UPLOAD_KEY) else None
    current = build_view(loaded, current_lang(), current_filters(), uploaded)
    st.session_state[_VIEW_KEY] = current
    return current


def view() -> View:
    """The current view for a page (its first line)."""
    require_frame()
    return st.session_state[_VIEW_KEY]


def forget_view() -> None:
    """app.py, after the page: the next run builds its own view, and a session kept for
    reconnection (2 minutes after its reader left) should not hold this one's frames."""
    st.session_state.pop(_VIEW_KEY, None)


# Callbacks: each receives what it needs through args, so none reloads data.


def prune_barrios(barrios: pd.DataFrame) -> None:
    """Keep only barrios inside the chosen comunas when the comunas change."""
    chosen = set(st.session_state.get(COMUNA_KEY, []))
    if chosen:
        valid = set(barrio_options(barrios, chosen))
        kept = [b for b in st.session_state.get(BARRIO_KEY, []) if b in valid]
        if kept != st.session_state.get(BARRIO_KEY, []):
            set_view_value(BARRIO_KEY, kept)


def clear_filters() -> None:
    for key in FILTER_KEYS:
        set_view_value(key, [])
    set_view_value(YEAR_KEY, ALL_YEARS)
    set_view_value(UNDATED_KEY, True)


def selected_sectors(chart_state: object, known: Collection[str]) -> list[str]:
    """Sector slugs of the bars selected in a chart (each bar carries its slug as customdata)."""
    selection = chart_state.get("selection") if isinstance(chart_state, dict) else None
    points = selection.get("points", []) if isinstance(selection, dict) else []
    sectors = set()
    for point in points:
        data = point.get("customdata") if isinstance(point, dict) else None
        data = data[0] if isinstance(data, list) and data else data
        if isinstance(data, str) and data in known:
            sectors.add(data)
    return sorted(sectors)


def set_sectors_from_chart(chart_key: str, known: Collection[str]) -> None:
    """A click on a bar (sector or company) filters everything by that bar's sector.

    A chart redrawn with new data can report the selection it had again: a selection
    already applied once is not applied twice (the sector filter may have been cleared).
    """
    sectors = selected_sectors(st.session_state.get(chart_key), known)
    applied = f"_applied_{chart_key}"
    if sectors and sectors != st.session_state.get(applied):
        set_view_value(SECTOR_KEY, sectors)
    st.session_state[applied] = sectors


def clicked_barrio(map_state: object, barrio_codes: Collection[str]) -> str | None:
    """The barrio code of the polygon a user clicked, from st_folium's returned state."""
    if not isinstance(map_state, dict):
        return None
    feature = map_state.get("last_active_drawing")
    properties = feature.get("properties") if isinstance(feature, dict) else None
    code = properties.get("code") if isinstance(properties, dict) else None
    return code if isinstance(code, str) and code in barrio_codes else None


def reported_drawn(map_state: object) -> bool:
    """Whether st_folium's returned state is the map's "drawn" report (``medmap-map.js``)."""
    return isinstance(map_state, dict) and map_state.get("drawn") is True


def map_drawn() -> bool:
    """Whether this session's map has been drawn once: from then on charts draw at once."""
    return bool(st.session_state.get(MAP_DRAWN_KEY, False))


def on_map_change(barrio_codes: Iterable[str]) -> None:
    """The map reported that it is drawn, or a click on a barrio selects it (through the
    barrio filter's own key)."""
    map_state = st.session_state.get(MAP_KEY)
    if reported_drawn(map_state):
        st.session_state[MAP_DRAWN_KEY] = True
        return
    code = clicked_barrio(map_state, set(barrio_codes))
    if code:
        set_view_value(BARRIO_KEY, [code])
        set_view_value(COMUNA_KEY, [])
