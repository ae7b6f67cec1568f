"""The year control: "as of year Y" with a play button, and the entities no source dates.

Rendered by app.py above every page, before the view is built, so the year from a
link applies on the first run. Its widgets are URL-bound like the filters
(``year=2015``, ``undated=false``); playing steps the year in place, one full run
per step, so the map updates without remounting.
"""

from __future__ import annotations

import time

import streamlit as st

from medmap.filters import Filters, filter_entities, year_in_medellin
from medmap.i18n import format_count, t
from medmap.runtime import Loaded
from medmap.state import ALL_YEARS, UNDATED_KEY, YEAR_KEY
from medmap.styles import YEAR_CONTROL_KEY

PLAYING_KEY = "_playing"
LAST_STEP_KEY = "_last_year_step"
STEP_SECONDS = 1.2  # long enough to see each year's map before the next


def year_options(years: list[int]) -> list[str]:
    """The stops of the slider: every year from the first to the last, then "all"."""
    if not years:
        return [ALL_YEARS]
    return [*(str(year) for year in range(years[0], years[-1] + 1)), ALL_YEARS]


def next_stop(years: list[int], current: str) -> str:
    """Where playing goes from ``current``: the next year in which something happens
    (an entity arrives, a funding event), then "all" (from the start when on "all")."""
    if current == ALL_YEARS:
        return str(years[0]) if years else ALL_YEARS
    following = [year for year in years if year > int(current)]
    return str(following[0]) if following else ALL_YEARS


def render_year_control(loaded: Loaded, years: list[int], filters: Filters, lang: str) -> None:
    options = year_options(years)
    playing = bool(st.session_state.get(PLAYING_KEY))
    # Always there, ticking only while playing: the page keeps the same elements, so the
    # map below is never remounted. Before the slider: a step may set its value.
    st.fragment(_step, run_every=STEP_SECONDS if playing else None)(years)
    columns = st.container(key=YEAR_CONTROL_KEY).columns([5, 2, 3], vertical_alignment="bottom")
    slider_col, play_col, undated_col = columns
    with slider_col:
        st.select_slider(
            t("year_control", lang),
            options,
            value=ALL_YEARS,
            format_func=lambda y: t("year_all", lang) if y == ALL_YEARS else y,
            key=YEAR_KEY,
            help=t("year_control_help", lang),
            bind="query-params",
        )
    with play_col:
        st.button(
            t("year_pause" if playing else "year_play", lang),
            icon=":material/pause:" if playing else ":material/play_arrow:",
            on_click=_toggle_play,
            args=(years,),
            key="year_play",
        )
    with undated_col:
        undated = _undated_count(loaded, filters)
        st.toggle(
            t("year_undated", lang, n=format_count(undated, lang)),
            value=True,
            key=UNDATED_KEY,
            help=t("year_undated_help", lang),
            bind="query-params",
        )


def _undated_count(loaded: Loaded, filters: Filters) -> int:
    """Entities of the current filters (any year) that no source dates."""
    shown = filter_entities(loaded.located, Filters(**{**filters.__dict__, "year": None}))
    return int(year_in_medellin(shown).isna().sum())


def _toggle_play(years: list[int]) -> None:
    playing = not st.session_state.get(PLAYING_KEY)
    st.session_state[PLAYING_KEY] = playing
    st.session_state[LAST_STEP_KEY] = time.monotonic()
    if playing and st.session_state.get(YEAR_KEY, ALL_YEARS) == ALL_YEARS:
        st.session_state[YEAR_KEY] = next_stop(years, ALL_YEARS)  # from the start


def _step(years: list[int]) -> None:
    """While playing: one step per tick, then a full run that draws the new year.

    The fragment also runs within each full run; a step is taken only when a tick's
    time has passed since the last one, so the full run after a step does not step again.
    """
    now = time.monotonic()
    if not st.session_state.get(PLAYING_KEY):
        return
    if now - st.session_state.get(LAST_STEP_KEY, 0.0) < 0.8 * STEP_SECONDS:
        return
    st.session_state[LAST_STEP_KEY] = now
    following = next_stop(years, st.session_state.get(YEAR_KEY, ALL_YEARS))
    st.session_state[YEAR_KEY] = following
    if following == ALL_YEARS:
        st.session_state[PLAYING_KEY] = False
    st.rerun()
