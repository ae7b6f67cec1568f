"""The few Streamlit pieces the pages share: cached data, the filter state, notices.

This module owns filter state. The sidebar widgets are keyed by their URL
parameter name and bound to the query string, so a copied link restores the
view; pages read the state through :func:`view`.
"""

from __future__ import annotations

import ctypes
import gc
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from medmap.assets import install_geo_files, install_static_assets
from medmap.data import DataError, Dataset, load_dataset
from medmap.filters import (
    Filters,
    barrio_options,
    dropped_values,
    filter_entities,
    largest_raised,
    latest_staff,
)
from medmap.geo import (
    GeoError,
    display_geometry,
    load_barrios,
    load_comunas,
    load_metro_stations,
    locate_entities,
)
from medmap.i18n import DEFAULT_LANG, LANGS, format_count, format_usd, t
from medmap.paths import data_dir, geo_dir, project_root
from medmap.problems import Problem
from medmap.schemas import ENTITY_KINDS
from medmap.upload import MAX_UPLOAD_MB, MAX_UPLOAD_ROWS, read_upload, template_csv

# Widget keys double as URL parameter names (bind="query-params").
LANG_KEY, COMUNA_KEY, BARRIO_KEY, SECTOR_KEY, KIND_KEY = (
    "lang",
    "comuna",
    "barrio",
    "sector",
    "kind",
)
FILTER_KEYS = (COMUNA_KEY, BARRIO_KEY, SECTOR_KEY, KIND_KEY)
MAP_KEY = "map"
UPLOAD_KEY = "_uploaded_entities"  # located rows of this session's upload, never shared
USE_UPLOAD_KEY = "use_upload"
NOTICE_KEY = "_link_notice"
MAX_SHOWN_DROPPED = 8


@dataclass(frozen=True)
class Layers:
    barrios: gpd.GeoDataFrame
    comunas: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame | None


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


@st.cache_resource(show_spinner=False)
def setup_static_assets() -> str:
    """Copy Leaflet & co. into static/ once per server process."""
    return str(install_static_assets(project_root() / "static"))


@st.cache_resource(show_spinner=False)
def geometry_urls(geo: str) -> dict[str, str]:
    """URLs of the display geometry in static/, written once per process and geometry."""
    layers = get_layers(geo)
    files = display_geometry(layers.barrios, layers.comunas, layers.stations)
    return install_geo_files(project_root() / "static", files)


@st.cache_resource(show_spinner=False)
def get_layers(geo: str) -> Layers:
    """Geometry, read once per process (read-only, shared by sessions)."""
    path = Path(geo)
    return Layers(load_barrios(path), load_comunas(path), load_metro_stations(path))


@st.cache_resource(show_spinner=False)
def get_data(data: str, geo: str) -> tuple[Dataset, gpd.GeoDataFrame]:
    """The validated dataset and its located entities, once per process."""
    layers = get_layers(geo)
    dataset = load_dataset(Path(data), layers.barrios["code"], layers.comunas["code"])
    return dataset, locate_entities(dataset.entities, layers.barrios, layers.comunas)


def load_or_explain() -> tuple[Layers, Dataset, gpd.GeoDataFrame]:
    """Load everything, or show the problems as a page and stop (the server stays up)."""
    try:
        layers = get_layers(str(geo_dir()))
        dataset, located = get_data(str(data_dir()), str(geo_dir()))
    except (DataError, GeoError) as err:
        show_problems(err.problems)
        st.stop()
    freeze_loaded_heap()
    return layers, dataset, located


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
        get_layers(str(geo_dir()))
        get_data(str(data_dir()), str(geo_dir()))
        geometry_urls(str(geo_dir()))
    except (DataError, GeoError):
        return
    freeze_loaded_heap()
    release_free_memory()


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


def show_problems(problems: list[Problem]) -> None:
    lang = current_lang()
    st.error(t("data_error_title", lang), icon=":material/error:")
    st.write(t("data_error_body", lang))
    lines = (f"{p.file}:{p.row}:{p.column}: {p.message(lang)}" for p in problems)
    st.code("\n".join(lines), language=None, wrap_lines=True)


def require_frame() -> None:
    """Make sure every run goes through app.py's frame and ``st.navigation``.

    With a ``pages/`` folder, the first run of a fresh server uses Streamlit's
    old auto-discovery: a page URL runs the page alone, without app.py (no
    sidebar, no filters from the link), and even app.py gets other widget ids
    than in later runs, so a first interaction would be lost. Switching that
    mode off, as ``st.navigation`` itself does, and rerunning fixes both.
    """
    if _in_pages_directory_run():
        PagesManager.uses_pages_directory = False
        st.rerun()


def _in_pages_directory_run() -> bool:
    """Whether this very run was started in pages/ mode.

    Read from the call stack, not from Streamlit's process-wide flag: when two
    sessions start together on a fresh server, the first one clears the flag
    while the second is already running in that mode.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_mpa_v1" and "streamlit" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def current_lang() -> str:
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def _requested(key: str) -> list[str]:
    """Raw values a link asks for, read before the bound widget cleans them."""
    return [v for v in st.query_params.get_all(key) if v != ""]


def _prune_barrios() -> None:
    """Keep only barrios inside the chosen comunas when the comunas change."""
    chosen = set(st.session_state.get(COMUNA_KEY, []))
    if chosen:
        layers = get_layers(str(geo_dir()))
        valid = set(barrio_options(layers.barrios, chosen))
        st.session_state[BARRIO_KEY] = [
            b for b in st.session_state.get(BARRIO_KEY, []) if b in valid
        ]


def _add_barrio_by_name() -> None:
    code = st.session_state.get("_find_barrio")
    if code:
        current = list(st.session_state.get(BARRIO_KEY, []))
        if code not in current:
            st.session_state[BARRIO_KEY] = [*current, code]
        st.session_state["_find_barrio"] = None


def clear_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = []


def render_sidebar(layers: Layers, dataset: Dataset) -> None:
    """The shared sidebar: language, filters, link notice and the shareable link."""
    barrios = layers.barrios
    comuna_names = dict(zip(layers.comunas["code"], layers.comunas["name"], strict=True))
    barrio_names = dict(zip(barrios["code"], barrios["name"], strict=True))
    sectors = sorted(dataset.sectors["sector"])

    requested = {key: _requested(key) for key in (LANG_KEY, *FILTER_KEYS)}
    allowed_comunas = sorted(layers.comunas["code"])
    valid_comunas = [c for c in requested[COMUNA_KEY] if c in allowed_comunas]
    allowed = {
        LANG_KEY: LANGS,
        COMUNA_KEY: allowed_comunas,
        BARRIO_KEY: barrio_options(barrios, valid_comunas),
        SECTOR_KEY: sectors,
        KIND_KEY: ENTITY_KINDS,
    }
    dropped = dropped_values(requested, allowed)
    if dropped and NOTICE_KEY not in st.session_state:
        st.session_state[NOTICE_KEY] = dropped

    with st.sidebar:
        lang = st.radio(
            t("language", DEFAULT_LANG),
            LANGS,
            key=LANG_KEY,
            horizontal=True,
            bind="query-params",
        )
        lang = lang if lang in LANGS else DEFAULT_LANG
        st.subheader(t("filters", lang))
        chosen_comunas = st.multiselect(
            t("filter_comuna", lang),
            allowed_comunas,
            placeholder=t("choose", lang),
            key=COMUNA_KEY,
            help=t("filter_comuna_help", lang),
            bind="query-params",
            on_change=_prune_barrios,
        )
        _selected_names(chosen_comunas, comuna_names)
        options = barrio_options(barrios, chosen_comunas)
        st.selectbox(
            t("find_barrio", lang),
            options,
            index=None,
            key="_find_barrio",
            format_func=lambda code: f"{barrio_names.get(code, code)} ({code})",
            placeholder=t("find_barrio_placeholder", lang),
            on_change=_add_barrio_by_name,
        )
        chosen_barrios = st.multiselect(
            t("filter_barrio", lang),
            options,
            placeholder=t("choose", lang),
            key=BARRIO_KEY,
            help=t("filter_barrio_help", lang),
            bind="query-params",
        )
        _selected_names(chosen_barrios, barrio_names)
        sector_labels = sector_label_map(dataset, lang)
        chosen_sectors = st.multiselect(
            t("filter_sector", lang),
            sectors,
            placeholder=t("choose", lang),
            key=SECTOR_KEY,
            help=t("filter_sector_help", lang),
            bind="query-params",
        )
        _selected_names(chosen_sectors, sector_labels)
        st.multiselect(
            t("filter_kind", lang),
            ENTITY_KINDS,
            placeholder=t("choose", lang),
            key=KIND_KEY,
            help=t("filter_kind_help", lang),
            bind="query-params",
        )
        st.button(
            t("clear_filters", lang), on_click=clear_filters, icon=":material/filter_alt_off:"
        )
        if st.session_state.get(USE_UPLOAD_KEY) and st.session_state.get(UPLOAD_KEY) is not None:
            st.info(t("upload_active", lang), icon=":material/person:")
        notice = st.session_state.get(NOTICE_KEY)
        if notice:
            st.warning(
                t("link_dropped", lang, values=_describe_dropped(notice)),
                icon=":material/link_off:",
            )
        # In a popover: the code block (with its copy button) and its 1.5 MB highlighter
        # chunk load when it is opened, not with every page (bench/README.md).
        with st.popover(t("copy_link", lang), icon=":material/share:", width="stretch"):
            st.caption(t("copy_link_help", lang))
            st.code(
                share_url(st.context.url or "", current_query()), language=None, wrap_lines=True
            )


def _selected_names(codes: list[str], names: dict[str, str]) -> None:
    if codes:
        st.caption(" · ".join(f"`{_code(c)}` {markdown_text(names.get(c, c))}" for c in codes))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
# Markdown autolinks bare URLs and e-mail addresses even when escaped; an invisible
# word joiner after "scheme:" and "www" and before "@" breaks those patterns.
_AUTOLINK_TRIGGER = re.compile(r"(?i)(?<=:)|(?<=www)|(?=@)")
WORD_JOINER = "\u2060"


def markdown_text(text: str) -> str:
    """Data text for a markdown caption: markup characters escaped, autolinks broken."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK_TRIGGER.sub(WORD_JOINER, escaped)


def _code(text: str) -> str:
    """Data text inside an inline code span (rendered literally; only backticks would end it)."""
    return text.replace("`", "'")


def _describe_dropped(dropped: dict[str, list[str]]) -> str:
    parts = []
    for param, values in dropped.items():
        shown = [_code(v[:40]) for v in values[:MAX_SHOWN_DROPPED]]
        more = f" (+{len(values) - MAX_SHOWN_DROPPED})" if len(values) > MAX_SHOWN_DROPPED else ""
        parts.append(f"{markdown_text(param)}=" + ", ".join(f"`{v}`" for v in shown) + more)
    return "; ".join(parts)


def sector_label_map(dataset: Dataset, lang: str) -> dict[str, str]:
    column = "label_es" if lang == "es" else "label_en"
    return dict(zip(dataset.sectors["sector"], dataset.sectors[column], strict=True))


def current_filters() -> Filters:
    def codes(key: str) -> tuple[str, ...]:
        return tuple(st.session_state.get(key) or ())

    return Filters(codes(COMUNA_KEY), codes(BARRIO_KEY), codes(SECTOR_KEY), codes(KIND_KEY))


def current_query() -> list[tuple[str, str]]:
    """The query string that reproduces the current view."""
    query = [(key, code) for key in FILTER_KEYS for code in st.session_state.get(key) or ()]
    lang = current_lang()
    if lang != DEFAULT_LANG:
        query.append((LANG_KEY, lang))
    return query


def share_url(page_url: str, query: list[tuple[str, str]]) -> str:
    return f"{page_url}?{urlencode(query)}" if query else page_url


def view() -> View:
    """The current view for a page."""
    require_frame()
    layers, dataset, located = load_or_explain()
    filters = current_filters()
    lang = current_lang()
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is not None and st.session_state.get(USE_UPLOAD_KEY):
        # This session only: the user's rows replace the shipped entities; the shipped
        # staff and funding figures belong to shipped entities and are not attached.
        dataset = replace(dataset, staff=dataset.staff.iloc[0:0], funding=dataset.funding.iloc[0:0])
        located = uploaded
    return View(
        lang=lang,
        filters=filters,
        data=dataset,
        layers=layers,
        located=located,
        shown=filter_entities(located, filters),
        sector_labels=sector_label_map(dataset, lang),
    )


def selected_sectors(chart_state: object, known: set[str]) -> list[str]:
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


def set_sectors_from_chart(chart_key: str) -> None:
    """A click on a bar (sector or company) filters everything by that bar's sector."""
    _, dataset, _ = load_or_explain()
    sectors = selected_sectors(st.session_state.get(chart_key), set(dataset.sectors["sector"]))
    if sectors:
        st.session_state[SECTOR_KEY] = sectors


def clicked_barrio(map_state: object, barrio_codes: set[str]) -> str | None:
    """The barrio code of the polygon a user clicked, from st_folium's returned state."""
    if not isinstance(map_state, dict):
        return None
    feature = map_state.get("last_active_drawing")
    properties = feature.get("properties") if isinstance(feature, dict) else None
    code = properties.get("code") if isinstance(properties, dict) else None
    return code if isinstance(code, str) and code in barrio_codes else None


def select_barrio_from_map() -> None:
    """A click on a barrio polygon selects it, through the barrio filter's own key."""
    layers = get_layers(str(geo_dir()))
    code = clicked_barrio(st.session_state.get(MAP_KEY), set(layers.barrios["code"]))
    if code:
        st.session_state[BARRIO_KEY] = [code]
        st.session_state[COMUNA_KEY] = []


def empty_state(lang: str) -> None:
    st.info(
        f"**{t('empty_title', lang)}**  \n{t('empty_body', lang)}", icon=":material/search_off:"
    )


def company_chart_inputs(view: View) -> list[tuple[str, pd.DataFrame, str, str, str, bool]]:
    """Rows for the staff and funding bar charts of the companies shown, with a caption of gaps."""
    lang = view.lang
    companies = view.shown.loc[view.shown["kind"] == "company", ["entity_id", "name", "sector"]]
    staff = latest_staff(view.data.staff).rename(columns={"as_of": "date"})
    funding = largest_raised(view.data.funding)
    # The few reporting companies first, so a large registry is not merged whole.
    staff_rows = companies[companies["entity_id"].isin(staff["entity_id"])].merge(
        staff, on="entity_id"
    )
    funding_rows = companies[companies["entity_id"].isin(funding["entity_id"])].merge(
        funding, on="entity_id"
    )
    missing = len(companies) - len(set(staff_rows["entity_id"]) | set(funding_rows["entity_id"]))
    if missing and len(companies):
        st.caption(t("no_figures", lang, n=missing))
    return [
        ("staff_chart", staff_rows, "staff", t("chart_staff", lang), t("axis_staff", lang), False),
        (
            "funding_chart",
            funding_rows,
            "amount_usd",
            t("chart_funding", lang),
            t("axis_funding", lang),
            True,
        ),
    ]


def area_columns(lang: str) -> dict:
    """Column labels for the per-area tables."""
    return {
        "code": t("col_code", lang),
        "name": t("col_area", lang),
        "entities": st.column_config.NumberColumn(t("metric_entities", lang)),
        "staff": st.column_config.NumberColumn(t("metric_staff", lang)),
        "funding": st.column_config.NumberColumn(t("metric_funding", lang)),
    }


def upload_section(view: View) -> None:
    """Companies page: upload a companies CSV, see its problems, use its valid rows (this session)."""
    lang = view.lang
    with st.expander(t("upload_title", lang), icon=":material/upload_file:"):
        st.markdown(
            t("upload_help", lang, mb=MAX_UPLOAD_MB, rows=format_count(MAX_UPLOAD_ROWS, lang))
        )
        template_download(lang)
        file = st.file_uploader(t("upload_label", lang), type=["csv", "txt"], key="upload_file")
        if file is None:
            return
        result = read_upload(
            file.getvalue(), view.data.sectors["sector"], view.layers.barrios, view.layers.comunas
        )
        valid = 0 if result.entities is None else len(result.entities)
        if valid:
            st.session_state[UPLOAD_KEY] = result.entities
            st.success(
                t("upload_valid_rows", lang, n=format_count(valid, lang)), icon=":material/check:"
            )
            st.toggle(t("upload_use", lang), key=USE_UPLOAD_KEY, persist_state="session")
        else:
            st.session_state.pop(UPLOAD_KEY, None)
            st.error(t("upload_no_valid_rows", lang), icon=":material/error:")
        if result.problems:
            st.dataframe(problems_table(result.problems, lang), hide_index=True, width="stretch")


def problems_table(problems: list[Problem], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col_row", lang): [p.row for p in problems],
            t("col_column", lang): [p.column for p in problems],
            t("col_problem", lang): [p.message(lang) for p in problems],
            t("col_value", lang): [p.value for p in problems],
            t("col_severity", lang): [t("notice" if p.notice else "error", lang) for p in problems],
        }
    )


def template_download(lang: str) -> None:
    """The empty companies file to fill in (Companies and About pages)."""
    st.download_button(
        t("upload_template", lang),
        template_csv(),
        file_name="medmap-companies-template.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def styled_figures(df: pd.DataFrame, lang: str, counts=(), money=()) -> object:
    """A table whose missing figures read "not reported" and whose numbers follow the locale,
    while the columns stay numeric (so they still sort as numbers)."""
    formats = {c: (lambda v, lang=lang: format_count(v, lang)) for c in counts}
    formats |= {c: (lambda v, lang=lang: format_usd(v, lang)) for c in money}
    return df.style.format(formats, na_rep=t("not_reported", lang))
