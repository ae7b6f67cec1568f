"""The controls above every page: title, language and "Share this view"; the filter bar; the
link's notice.

Widgets are keyed by their link parameter (:mod:`medmap.state`) and show names in the
reader's language, while the link keeps codes and slugs (``state.write_link``). The
filter bar is in the page, not in a sidebar: visible without a click on a desktop, and
nothing appears beside the page after it is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from medmap.data import Dataset
from medmap.embed import embed_code, embed_url, source_link
from medmap.escaping import inline_code, markdown_text
from medmap.filters import ORIGIN_OPTIONS, barrio_options
from medmap.geo import Layers
from medmap.i18n import LANGS, t
from medmap.maps import MAP_LEVELS, MAP_METRICS
from medmap.schemas import ENTITY_KINDS
from medmap.state import (
    BARRIO_KEY,
    COMUNA_KEY,
    KIND_KEY,
    LANG_KEY,
    LEVEL_KEY,
    METRIC_KEY,
    NOTICE_KEY,
    ORIGIN_KEY,
    SECTOR_KEY,
    UNDATED_KEY,
    UPLOAD_KEY,
    USE_UPLOAD_KEY,
    YEAR_KEY,
    clear_filters,
    current_lang,
    link_query,
    load_link,
    prune_barrios,
    sector_label_map,
    share_url,
    take_from_widget,
    view_value,
    widget_key,
)
from medmap.styles import FILTERS_KEY, TOPBAR_KEY
from medmap.timeline import year_options

MAX_SHOWN_DROPPED = 8
LANG_NAMES = {"en": "English", "es": "Español"}
LANG_WIDTH, SHARE_WIDTH = 160, 150  # px: side by side on a 360 px phone
FILTER_MIN_WIDTH = 170  # px: six in a row from a laptop up, two per row on a phone


@dataclass(frozen=True)
class FilterBox:
    """One filter: its key (= link parameter), options (codes) and their names."""

    key: str
    options: Sequence[str]
    names: Callable[[str], str]
    on_change: Callable[[], None] | None = None


def link_options(
    layers: Layers, dataset: Dataset, years: list[int], comunas: Sequence[str] = ()
) -> dict[str, Sequence[str]]:
    """The values a link may hold, per key; barrios narrowed to ``comunas`` when given."""
    return {
        LANG_KEY: LANGS,
        COMUNA_KEY: sorted(layers.comunas["code"]),
        BARRIO_KEY: barrio_options(layers.barrios, comunas),
        SECTOR_KEY: sorted(dataset.sectors["sector"]),
        KIND_KEY: ENTITY_KINDS,
        ORIGIN_KEY: ORIGIN_OPTIONS,
        YEAR_KEY: year_options(years),
        UNDATED_KEY: ("true", "false"),
        METRIC_KEY: MAP_METRICS,
        LEVEL_KEY: MAP_LEVELS,
    }


def read_session_link(layers: Layers, dataset: Dataset, years: list[int]) -> None:
    """A session's first run: the link's view into the widgets' state (barrios narrowed to
    the link's comunas)."""
    params = {COMUNA_KEY: st.query_params.get_all(COMUNA_KEY)}
    load_link(allowed_for_link(layers, dataset, years, params))


def allowed_for_link(
    layers: Layers, dataset: Dataset, years: list[int], params: Mapping[str, Sequence[str]]
) -> dict[str, Sequence[str]]:
    """The values a link may hold, barrios narrowed to the link's valid comunas (pure: the
    live page and a published one read a link alike)."""
    comunas = set(layers.comunas["code"])
    linked = [c for c in params.get(COMUNA_KEY, ()) if c in comunas]
    return link_options(layers, dataset, years, linked)


def render_controls(layers: Layers, dataset: Dataset, embedded: bool) -> str:
    """The top of every page; returns the language."""
    lang = current_lang()
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key=TOPBAR_KEY):
        st.title(t("app_title", lang), width="content", help=t("app_subtitle", lang))
        st.space("stretch")
        if embedded:
            source_link(lang)
        else:
            st.segmented_control(
                t("language", lang),
                LANGS,
                required=True,
                format_func=LANG_NAMES.get,
                key=LANG_KEY,
                label_visibility="collapsed",
                width=LANG_WIDTH,  # its place from the first paint: the title wraps once
            )
            _share_popover(lang)
    lang = current_lang()
    if not embedded:
        _filter_bar(layers, dataset, lang)
    _notices(lang)
    return lang


def _filter_bar(layers: Layers, dataset: Dataset, lang: str) -> None:
    barrios = layers.barrios
    barrio_names = dict(zip(barrios["code"], barrios["name"], strict=True))
    comuna_names = dict(zip(layers.comunas["code"], layers.comunas["name"], strict=True))
    sectors = sector_label_map(dataset, lang)
    chosen_comunas = st.session_state.get(COMUNA_KEY) or []
    # By name, so typing "Sevilla" finds it; the code tells same-named barrios apart.
    by_name = sorted(barrio_options(barrios, chosen_comunas), key=lambda c: barrio_names[c])
    boxes = (
        FilterBox(
            COMUNA_KEY,
            sorted(comuna_names),
            lambda c: f"{comuna_names.get(c, c)} ({c})",
            lambda: prune_barrios(barrios),
        ),
        FilterBox(BARRIO_KEY, by_name, lambda c: f"{barrio_names.get(c, c)} ({c})"),
        FilterBox(SECTOR_KEY, sorted(sectors, key=sectors.get), lambda s: sectors.get(s, s)),
        FilterBox(KIND_KEY, ENTITY_KINDS, lambda k: t(f"kind_{k}", lang)),
        FilterBox(ORIGIN_KEY, ORIGIN_OPTIONS, lambda o: t(f"origin_{o}", lang)),
    )
    with st.grid(6, min_column_width=FILTER_MIN_WIDTH, gap="xsmall", key=FILTERS_KEY):
        for box in boxes:
            chosen = [v for v in view_value(box.key) if v in box.options]
            # Labels collapsed: the box is as tall before its code loads as after (no
            # shift); the placeholder names the filter and screen readers get the label.
            st.multiselect(
                t(f"filter_{box.key}", lang),
                box.options,
                default=chosen,
                format_func=box.names,
                placeholder=t(f"filter_{box.key}_all", lang),
                key=widget_key(box.key),
                help=t(f"filter_{box.key}_help", lang),
                label_visibility="collapsed",
                on_change=_chosen,
                args=(box, widget_key(box.key)),
            )
        st.button(
            t("clear_filters", lang),
            on_click=clear_filters,
            icon=":material/filter_alt_off:",
            key="clear_filters",
            width="stretch",
        )


def _chosen(box: FilterBox, widget: str) -> None:
    take_from_widget(box.key, widget)
    if box.on_change is not None:
        box.on_change()


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
    with st.popover(t("share", lang), icon=":material/share:", width=SHARE_WIDTH):
        st.markdown(f"**{t('copy_link', lang)}**")
        st.caption(t("copy_link_help", lang))
        link = share_url(st.context.url or "", link_query())
        st.code(link, language=None, wrap_lines=True)
        st.caption(t("embed_help", lang))
        code = embed_code(embed_url(link), t("embed_title", lang))
        st.code(code, language="html", wrap_lines=True)
        from medmap.publish_panel import publish_panel  # publish reads links with this module

        publish_panel(lang)


def describe_dropped(dropped: Mapping[str, list[str]]) -> str:
    """The ignored link values as markdown: ``param=`v1`, `v2` (+n)``, data text escaped."""
    parts = []
    for param, values in dropped.items():
        shown = [inline_code(v[:40]) for v in values[:MAX_SHOWN_DROPPED]]
        more = f" (+{len(values) - MAX_SHOWN_DROPPED})" if len(values) > MAX_SHOWN_DROPPED else ""
        parts.append(f"{markdown_text(param)}=" + ", ".join(f"`{v}`" for v in shown) + more)
    return "; ".join(parts)
