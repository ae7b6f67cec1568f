"""The year control: "as of year Y" with a play button, and the entities no source dates.

Rendered on every page (beside the map on the Map page, above the others). Its widgets
are keyed by their link parameters like the filters (``year=2015``, ``undated=false``);
playing steps the year in place, one full run per step, so the map updates without
remounting.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from medmap.filters import Filters, filter_entities, year_in_medellin
from medmap.i18n import format_count, t
from medmap.state import (
    ALL_YEARS,
    UNDATED_KEY,
    YEAR_KEY,
    set_view_value,
    take_from_widget,
    view_value,
    widget_key,
)
from medmap.styles import YEAR_CONTROL_KEY

PLAYING_KEY = "_playing"
LAST_STEP_KEY = "_last_year_step"
STEP_SECONDS = 1.2  # long enough to see each year's map before the next
YEAR_CONTROL_HEIGHT = 124  # px: the labelled slider (68), a gap (16), Play and the switch (40)


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


def render_year_control(
    located: pd.DataFrame, years: list[int], filters: Filters, lang: str
) -> None:
    """The slider, Play and the undated switch, in a box of fixed height (nothing below
    moves while their code loads). ``located`` are the entities the filters apply to."""
    options = year_options(years)
    playing = bool(st.session_state.get(PLAYING_KEY))
    # Always there, ticking only while playing: the page keeps the same elements, so the
    # map is never remounted. Before the slider: a step may set its value.
    st.fragment(_step, run_every=STEP_SECONDS if playing else None)(years)
    if st.session_state.get(YEAR_KEY) not in options:
        set_view_value(YEAR_KEY, ALL_YEARS)
    year_widget, undated_widget = widget_key(YEAR_KEY), widget_key(UNDATED_KEY)
    with st.container(key=YEAR_CONTROL_KEY, height=YEAR_CONTROL_HEIGHT, border=False):
        st.select_slider(
            t("year_control", lang),
            options,
            format_func=lambda y: t("year_all", lang) if y == ALL_YEARS else y,
            value=view_value(YEAR_KEY),
            key=year_widget,
            help=t("year_control_help", lang),
            on_change=take_from_widget,
            args=(YEAR_KEY, year_widget),
        )
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.button(
                t("year_pause" if playing else "year_play", lang),
                icon=":material/pause:" if playing else ":material/play_arrow:",
                on_click=_toggle_play,
                args=(years,),
                key="year_play",
            )
            undated = _undated_count(located, filters)
            st.toggle(
                t("year_undated", lang, n=format_count(undated, lang)),
                value=bool(view_value(UNDATED_KEY)),
                key=undated_widget,
                help=t("year_undated_help", lang),
                on_change=take_from_widget,
                args=(UNDATED_KEY, undated_widget),
            )


def _undated_count(located: pd.DataFrame, filters: Filters) -> int:
    """Entities of the current filters (any year) that no source dates."""
    shown = filter_entities(located, Filters(**{**filters.__dict__, "year": None}))
    return int(year_in_medellin(shown).isna().sum())


def _toggle_play(years: list[int]) -> None:
    playing = not st.session_state.get(PLAYING_KEY)
    st.session_state[PLAYING_KEY] = playing
    st.session_state[LAST_STEP_KEY] = time.monotonic()
    if playing and st.session_state.get(YEAR_KEY, ALL_YEARS) == ALL_YEARS:
        set_view_value(YEAR_KEY, next_stop(years, ALL_YEARS))  # from the start


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
    set_view_value(YEAR_KEY, following)
    if following == ALL_YEARS:
        st.session_state[PLAYING_KEY] = False
    st.rerun()
