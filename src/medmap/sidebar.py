"""The shared sidebar: language, the URL-bound filters, the link notice and "Share this view"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import streamlit as st

from medmap.data import Dataset
from medmap.embed import embed_code, embed_url
from medmap.escaping import inline_code, markdown_text
from medmap.filters import ORIGIN_OPTIONS, barrio_options, dropped_values
from medmap.geo import Layers
from medmap.i18n import DEFAULT_LANG, LANGS, t
from medmap.schemas import ENTITY_KINDS
from medmap.state import (
    BARRIO_KEY,
    COMUNA_KEY,
    FILTER_KEYS,
    FIND_BARRIO_KEY,
    KIND_KEY,
    LANG_KEY,
    NOTICE_KEY,
    ORIGIN_KEY,
    SECTOR_KEY,
    UPLOAD_KEY,
    USE_UPLOAD_KEY,
    YEAR_KEY,
    add_barrio_by_name,
    clear_filters,
    current_filters,
    current_lang,
    prune_barrios,
    query_for,
    requested,
    sector_label_map,
    share_url,
)
from medmap.timeline import year_options

MAX_SHOWN_DROPPED = 8


@dataclass(frozen=True)
class FilterBox:
    """One URL-bound multiselect: its key (= URL parameter), options and the names shown below."""

    key: str
    options: Sequence[str]
    names: dict[str, str] = field(default_factory=dict)
    on_change: Callable[[], None] | None = None


def render_sidebar(layers: Layers, dataset: Dataset, years: list[int]) -> None:
    """The shared sidebar of every page; ``years`` are the year control's (for link checks)."""
    barrios = layers.barrios
    barrio_names = dict(zip(barrios["code"], barrios["name"], strict=True))
    comunas = sorted(layers.comunas["code"])
    sectors = sorted(dataset.sectors["sector"])
    wanted = {key: requested(key) for key in (LANG_KEY, *FILTER_KEYS, YEAR_KEY)}
    valid_comunas = [c for c in wanted[COMUNA_KEY] if c in comunas]
    allowed = {
        LANG_KEY: LANGS,
        COMUNA_KEY: comunas,
        BARRIO_KEY: barrio_options(barrios, valid_comunas),
        SECTOR_KEY: sectors,
        KIND_KEY: ENTITY_KINDS,
        ORIGIN_KEY: ORIGIN_OPTIONS,
        YEAR_KEY: year_options(years),
    }
    dropped = dropped_values(wanted, allowed)
    if dropped and NOTICE_KEY not in st.session_state:
        st.session_state[NOTICE_KEY] = dropped

    with st.sidebar:
        lang = st.radio(
            t("language", DEFAULT_LANG), LANGS, key=LANG_KEY, horizontal=True, bind="query-params"
        )
        lang = lang if lang in LANGS else DEFAULT_LANG
        st.subheader(t("filters", lang))
        comuna_names = dict(zip(layers.comunas["code"], layers.comunas["name"], strict=True))
        chosen_comunas = _filter_box(
            FilterBox(COMUNA_KEY, comunas, comuna_names, partial(prune_barrios, barrios)), lang
        )
        options = barrio_options(barrios, chosen_comunas)
        st.selectbox(
            t("find_barrio", lang),
            options,
            index=None,
            key=FIND_BARRIO_KEY,
            format_func=lambda code: f"{barrio_names.get(code, code)} ({code})",
            placeholder=t("find_barrio_placeholder", lang),
            on_change=add_barrio_by_name,
        )
        _filter_box(FilterBox(BARRIO_KEY, options, barrio_names), lang)
        _filter_box(FilterBox(SECTOR_KEY, sectors, sector_label_map(dataset, lang)), lang)
        _filter_box(FilterBox(KIND_KEY, ENTITY_KINDS), lang)
        origin_names = {code: t(f"origin_{code}", lang) for code in ORIGIN_OPTIONS}
        _filter_box(FilterBox(ORIGIN_KEY, ORIGIN_OPTIONS, origin_names), lang)
        st.button(
            t("clear_filters", lang),
            on_click=clear_filters,
            icon=":material/filter_alt_off:",
            key="clear_filters",
        )
        _notices(lang)
        _share_popover(lang)


def _filter_box(box: FilterBox, lang: str) -> list[str]:
    chosen = st.multiselect(
        t(f"filter_{box.key}", lang),
        box.options,
        placeholder=t("choose", lang),
        key=box.key,
        help=t(f"filter_{box.key}_help", lang),
        bind="query-params",
        on_change=box.on_change,
    )
    if chosen and box.names:
        st.caption(
            " · ".join(f"`{inline_code(c)}` {markdown_text(box.names.get(c, c))}" for c in chosen)
        )
    return chosen


def _notices(lang: str) -> None:
    if st.session_state.get(USE_UPLOAD_KEY) and st.session_state.get(UPLOAD_KEY) is not None:
        st.info(t("upload_active", lang), icon=":material/person:")
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.warning(
            t("link_dropped", lang, values=describe_dropped(notice)), icon=":material/link_off:"
        )


def _share_popover(lang: str) -> None:
    # In a popover: the code block (with its copy button) and its 1.5 MB highlighter
    # chunk load when it is opened, not with every page (bench/README.md).
    with st.popover(t("copy_link", lang), icon=":material/share:", width="stretch"):
        st.caption(t("copy_link_help", lang))
        query = query_for(current_filters(), current_lang())
        link = share_url(st.context.url or "", query)
        st.code(link, language=None, wrap_lines=True)
        st.caption(t("embed_help", lang))
        code = embed_code(embed_url(link), t("embed_title", lang))
        st.code(code, language="html", wrap_lines=True)


def describe_dropped(dropped: dict[str, list[str]]) -> str:
    """The ignored link values as markdown: ``param=`v1`, `v2` (+n)``, data text escaped."""
    parts = []
    for param, values in dropped.items():
        shown = [inline_code(v[:40]) for v in values[:MAX_SHOWN_DROPPED]]
        more = f" (+{len(values) - MAX_SHOWN_DROPPED})" if len(values) > MAX_SHOWN_DROPPED else ""
        parts.append(f"{markdown_text(param)}=" + ", ".join(f"`{v}`" for v in shown) + more)
    return "; ".join(parts)
