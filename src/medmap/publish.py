"""Published views: one Map-page view written as a self-contained static folder (no server).

The live page and a published one render the same objects (:func:`medmap.mapview.compose`):
here the folium map becomes ``map.html`` (the same base map, with the view's layers added
and no web tiles), the Plotly figures become JSON drawn by a partial plotly.js, the KPIs
and texts come from the catalogue. Every file a page needs is in its folder, linked by
relative paths, so it works from ``file://`` and from any static host. Streamlit-free
except for :func:`publish_zip`'s callers.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final
from urllib.parse import parse_qsl, urlsplit

import folium
from branca.element import Element
from folium.elements import JSCSSMixin
from jinja2 import Environment, FileSystemLoader, select_autoescape

from medmap import assets, mapview
from medmap.controls import MAX_SHOWN_DROPPED, allowed_for_link
from medmap.data import DataError, Dataset, load_dataset
from medmap.escaping import is_missing, safe_url, script_json
from medmap.filters import Filters, timeline_years
from medmap.geo import GeoError, display_geometry, load_layers, locate_entities
from medmap.i18n import format_count, t
from medmap.leaflet import use_local_assets
from medmap.maps import GEOMETRY_ATTRIBUTION, unplaced_entries
from medmap.problems import Problem
from medmap.runtime import Loaded
from medmap.state import (
    DEFAULT_LEVEL,
    DEFAULT_METRIC,
    LANG_KEY,
    LEVEL_KEY,
    LINK_DEFAULTS,
    METRIC_KEY,
    View,
    build_view,
    filters_from_state,
    query_for,
    read_link,
    share_url,
)

HERE: Final = Path(__file__).parent
TEMPLATES: Final = HERE / "templates"
PAGE_CSS: Final = HERE / "css" / "published.css"
CHARTS_JS: Final = HERE / "js" / "published-charts.js"
# plotly.js "basic" (scatter, bar, pie): the Map page's charts are bars. Rebuilt and
# checked by scripts/build_plotly_bundle.sh; its licence is beside it.
PLOTLY_JS: Final = HERE / "vendor" / "plotly-basic.min.js"
PLOTLY_LICENSE: Final = HERE / "vendor" / "plotly-LICENSE.txt"
# The live bundle without jQuery (streamlit-folium's; no published script uses it):
# less to evaluate before the map draws on a phone.
PUBLISHED_BUNDLE: Final = assets._bundle(("leaflet.js", "leaflet.markercluster.js"))
PUBLISHED_BUNDLE_NAME: Final = f"medmap-map-{hashlib.sha256(PUBLISHED_BUNDLE).hexdigest()[:12]}.js"
MANIFEST: Final = ".medmap-publish.json"  # marks a folder publish wrote (and may rewrite)
DEFAULT_APP_URL: Final = "http://localhost:8501/"
ASSETS: Final = "assets"  # the folder of shared files, beside index.html
MAP_PAGE: Final = "map.html"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class PublishError(Exception):
    """Publishing refused: the message says why (nothing was written)."""


@dataclass(frozen=True)
class LinkView:
    """What a dashboard link asks for, read as the live page reads it."""

    filters: Filters
    lang: str
    metric: str
    level: str
    embed: bool
    dropped: dict[str, list[str]]

    @property
    def query(self) -> list[tuple[str, str]]:
        """The link of this view as the live page writes it (codes only, defaults left out)."""
        return query_for(self.filters, self.lang, self.metric, self.level)


def link_params(link: str) -> dict[str, list[str]]:
    """A link's query, each key's values in order: from ``?a=b&c=d``, ``a=b`` or a whole URL."""
    text = link.strip()
    if "://" in text or text.startswith("/"):
        text = urlsplit(text).query
    text = text.lstrip("?")
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return params


def read_view_link(link: str, allowed_for: Callable) -> LinkView:
    """``link`` as the live page's first run reads it: valid values kept, others dropped.

    ``allowed_for(params)`` gives each key's valid values for these params (barrios
    depend on the link's comunas: :func:`medmap.controls.allowed_for_link`).
    """
    params = link_params(link)
    values, dropped = read_link(params, allowed_for(params))
    state = {**LINK_DEFAULTS, **values}
    embed = any(v.lower() == "true" for v in params.get("embed", ()))
    return LinkView(
        filters=filters_from_state(state),
        lang=str(state[LANG_KEY]),
        metric=str(state.get(METRIC_KEY) or DEFAULT_METRIC),
        level=str(state.get(LEVEL_KEY) or DEFAULT_LEVEL),
        embed=embed,
        dropped=dropped,
    )


def dropped_text(dropped: Mapping[str, list[str]]) -> str:
    """The ignored values as plain text, cut as the live notice cuts them."""
    parts = []
    for param, values in dropped.items():
        shown = [v[:40] for v in values[:MAX_SHOWN_DROPPED]]
        more = f" (+{len(values) - MAX_SHOWN_DROPPED})" if len(values) > MAX_SHOWN_DROPPED else ""
        parts.append(f"{param}=" + ", ".join(shown) + more)
    return "; ".join(parts)


def dropped_notice(dropped: Mapping[str, list[str]], lang: str) -> str:
    """The live page's notice for a link's unusable values (plain text)."""
    return t("link_dropped", lang, values=dropped_text(dropped)) if dropped else ""


# --- data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Everything a publish run reads once: geometry, data, located entities, years."""

    loaded: Loaded
    years: list[int]
    geometry: dict[str, bytes]  # display geometry files, as the live app serves them


def load_source(data: Path, geo: Path) -> Source | list[Problem]:
    """The data and geometry for publishing, or the problems ``validate`` prints for them
    (the same checks: :func:`medmap.data.load_dataset` runs them)."""
    try:
        layers = load_layers(geo)
        dataset = load_dataset(data, layers.barrios["code"], layers.comunas["code"], layers)
    except (DataError, GeoError) as err:
        return list(err.problems)
    located = locate_entities(dataset.entities, layers.barrios, layers.comunas, dataset.districts)
    return source_of(Loaded(layers, dataset, located))


def source_of(loaded: Loaded) -> Source:
    """What publishing needs from data already loaded (the live app's)."""
    layers = loaded.layers
    return Source(
        loaded=loaded,
        years=timeline_years(loaded.located, loaded.dataset.funding),
        geometry=display_geometry(layers.barrios, layers.comunas, layers.stations),
    )


def allowed_params(source: Source) -> Callable:
    layers, dataset = source.loaded.layers, source.loaded.dataset
    return lambda params: allowed_for_link(layers, dataset, source.years, params)


# --- files -----------------------------------------------------------------------------


def _hashed(stem: str, content: bytes, suffix: str) -> str:
    return f"{stem}-{hashlib.sha256(content).hexdigest()[:12]}{suffix}"


def shape_script(url: str, content: bytes) -> bytes:
    """Geometry as a script (``fetch`` of a local file fails under ``file://``): it hands
    the shapes to ``medmap-map.js`` under the URL the map asks for, each feature as JSON
    text that the map parses a few at a time (one parse of the whole file was one long
    task on a phone). Without JSON's optional spaces: the same shapes, smaller."""
    shapes = json.loads(content)
    features = ",\n".join(
        json.dumps(json.dumps(f, separators=(",", ":"), ensure_ascii=False), ensure_ascii=True)
        for f in shapes.get("features", [])
    )
    return (
        "(window.medmapShapes = window.medmapShapes || {})"
        f'[{json.dumps(url)}] = {{"type": "FeatureCollection", "features": [\n{features}\n]}};\n'
    ).encode()


def asset_files(geometry: Mapping[str, bytes]) -> tuple[dict[str, bytes], dict[str, str]]:
    """The shared files of published views (name -> bytes, under ``assets/``), and the
    URLs the map is given for its geometry (as seen from ``map.html``)."""
    files = {
        PUBLISHED_BUNDLE_NAME: PUBLISHED_BUNDLE,
        "leaflet.css": _package_file("leaflet.css"),
        "MarkerCluster.css": _package_file("MarkerCluster.css"),
        "MarkerCluster.Default.css": _package_file("MarkerCluster.Default.css"),
    }
    urls = {}
    for stem, content in geometry.items():
        # A name, not a path: the map finds the shapes under it in medmapShapes.
        url = _hashed(stem, content, ".json")
        urls[stem] = url
        files[_hashed(stem, content, ".js")] = shape_script(url, content)
    images = Path(assets.xs_leaflet.BASE_DIR) / "images"
    for image in sorted(images.glob("*.png")):
        files[f"images/{image.name}"] = image.read_bytes()
    for path in (PAGE_CSS, CHARTS_JS, PLOTLY_JS):
        content = path.read_bytes()
        files[_hashed(path.name.split(".")[0], content, "".join(path.suffixes))] = content
    files["plotly-LICENSE.txt"] = PLOTLY_LICENSE.read_bytes()
    return files, urls


def _package_file(name: str) -> bytes:
    package, filename = assets._FILES[name]
    return (Path(package.BASE_DIR) / filename).read_bytes()


def _asset(files: Mapping[str, bytes], stem: str) -> str:
    """The content-hashed name of ``stem`` ("published" is not "published-charts")."""
    named = re.compile(rf"{re.escape(stem)}-[0-9a-f]{{12}}\.")
    return next(name for name in files if named.match(name))


# --- the page --------------------------------------------------------------------------


class _ShapeScripts(JSCSSMixin):
    """The geometry scripts in map.html's head, before the map's own script runs."""

    def __init__(self, links: list[tuple[str, str]]):
        super().__init__()
        self._name = "ShapeScripts"
        self.default_js = links


def map_html(page: mapview.MapView, shape_links: Sequence[str], prefix: str) -> str:
    """The view's folium map as a whole page: the live base map with the view's layers
    added (live, streamlit-folium sends them), a layer control, and no web tiles.

    ``prefix`` is the path from map.html to the folder of shared files.
    """
    m = page.base_map
    # Live, the tile layer gives the map its zoom range (MarkerCluster needs one).
    m.options["maxZoom"] = 19
    for name, child in list(m._children.items()):
        if isinstance(child, folium.TileLayer):
            del m._children[name]  # tiles would be requests outside the folder
    for group in page.layers.groups:
        group.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    use_local_assets(m)  # once over the whole page: the bundle linked once
    _ShapeScripts([(f"shapes{i}", url) for i, url in enumerate(shape_links)]).add_to(m)
    root = m.get_root()
    root.header.add_child(Element('<meta name="referrer" content="no-referrer">'))
    html = root.render()
    html = html.replace(
        f"{assets.STATIC_URL}/{assets.MAP_BUNDLE_NAME}", prefix + PUBLISHED_BUNDLE_NAME
    )
    return html.replace(f"{assets.STATIC_URL}/", prefix)


@dataclass(frozen=True)
class PageChart:
    key: str
    title: str
    height: int
    figure_json: str


def _charts(page: mapview.MapView) -> list[PageChart]:
    charts = [page.sector_chart, *page.company_charts] if page.sector_chart else []
    out = []
    for chart in charts:
        figure = json.loads(chart.figure.to_json())
        layout = figure.get("layout", {})
        title = layout.get("title", {})
        out.append(
            PageChart(
                key=chart.key,
                title=title.get("text", "") if isinstance(title, dict) else str(title),
                height=int(layout.get("height") or 320),
                figure_json=script_json(figure),
            )
        )
    return out


def cited_sources(view: View) -> list[dict[str, str]]:
    """The sources the view's entities cite, in the order of ``sources.csv``."""
    cited: set[str] = set()
    for value in view.shown["sources"].dropna():
        cited.update(s.strip() for s in str(value).split(";") if s.strip())
    rows = view.data.sources[view.data.sources["source_id"].isin(cited)]
    return [
        {
            "id": str(r.source_id),
            "title": str(r.title),
            "url": safe_url(r.url),
            "date": "" if is_missing(r.date) else str(r.date),
        }
        for r in rows.itertuples()
    ]


_DATE: Final = re.compile(r"\d{4}(-\d{2}){0,2}")


def data_date(dataset: Dataset) -> str:
    """The date of the data: its newest dated source (``2025``, ``2025-07``, ``2025-07-11``)."""
    dates = [d for d in dataset.sources["date"].dropna().astype(str) if _DATE.fullmatch(d)]
    return max(dates, key=lambda d: (d, len(d))) if dates else ""


def render_page(
    view: View,
    page: mapview.MapView,
    link: LinkView,
    *,
    app_url: str,
    prefix: str,
    files: Mapping[str, bytes],
    published: str,
) -> str:
    """index.html of one view (every data value escaped by the template)."""
    lang = view.lang
    live = safe_url(share_url(app_url, link.query))
    unplaced = unplaced_entries(view.shown[view.shown.geometry.isna()], view.sector_labels, lang)
    return _env.get_template("published.html").render(
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        title=t("app_title", lang),
        kpis=page.kpis,
        charts=_charts(page),
        figures_missing=page.figures_missing,
        aggregated=page.layers.aggregated,
        located_companies=format_count(page.layers.located_companies, lang),
        empty=view.shown.empty,
        notice=dropped_notice(link.dropped, lang),
        live_url=live,
        embed=link.embed,
        sources=cited_sources(view),
        data_date=data_date(view.data),
        published=published,
        unplaced=unplaced,
        unplaced_count=sum(len(rows) for rows in unplaced.values()),
        attribution=GEOMETRY_ATTRIBUTION,
        map_page=MAP_PAGE,
        css=prefix + _asset(files, "published"),
        charts_js=prefix + _asset(files, "published-charts"),
        plotly_js=prefix + _asset(files, "plotly-basic"),
    )


@dataclass(frozen=True)
class Written:
    """What publishing one view wrote."""

    directory: Path
    files: list[str]  # relative to the publish root
    notice: str


def publish_view(
    source: Source,
    link: str,
    directory: Path,
    *,
    app_url: str = DEFAULT_APP_URL,
    assets_prefix: str = f"{ASSETS}/",
    files: Mapping[str, bytes] | None = None,
    urls: Mapping[str, str] | None = None,
    published: str | None = None,
) -> Written:
    """Write ``directory/index.html`` and ``map.html`` of the view ``link`` asks for.

    The shared files are expected at ``assets_prefix`` (relative to ``directory``):
    :func:`publish` writes them.
    """
    if files is None or urls is None:
        files, urls = asset_files(source.geometry)
    asked = read_view_link(link, allowed_params(source))
    view = build_view(source.loaded, asked.lang, asked.filters)
    page = mapview.compose(view, asked.metric, asked.level, urls)
    shape_links = [assets_prefix + _hashed(s, source.geometry[s], ".js") for s in urls]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MAP_PAGE).write_text(map_html(page, shape_links, assets_prefix), "utf-8")
    index = render_page(
        view,
        page,
        asked,
        app_url=app_url,
        prefix=assets_prefix,
        files=files,
        published=published or date.today().isoformat(),
    )
    (directory / "index.html").write_text(index, "utf-8")
    return Written(directory, ["index.html", MAP_PAGE], dropped_notice(asked.dropped, asked.lang))


def check_target(out: Path, force: bool) -> None:
    """Refuse a non-empty folder that publish did not write (unless ``force``)."""
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file() and not force:
        raise PublishError(
            f"{out} is not empty and was not written by medmap publish; use --force to write there"
        )


def _clear_previous(out: Path) -> None:
    """Remove what an earlier publish listed in its manifest (nothing else)."""
    manifest = out / MANIFEST
    if not manifest.is_file():
        return
    try:
        previous = json.loads(manifest.read_text("utf-8")).get("files", [])
    except (ValueError, AttributeError):
        previous = []
    for name in previous:
        path = (out / name).resolve()
        if out.resolve() in path.parents and path.is_file():
            path.unlink()


def _slug(link: LinkView, taken: set[str]) -> str:
    parts = [f"{k}-{v}" for k, v in link.query] or ["all"]
    base = "_".join(parts).replace("/", "-")[:80]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def publish(
    source: Source,
    links: Sequence[str],
    out: Path,
    *,
    app_url: str = DEFAULT_APP_URL,
    force: bool = False,
    published: str | None = None,
) -> list[Written]:
    """One link: ``out/index.html``; several: one folder per link and an index page.

    The shared files go to ``out/assets``; ``out`` gets a manifest of what was written.
    """
    check_target(out, force)
    out.mkdir(parents=True, exist_ok=True)
    _clear_previous(out)
    files, urls = asset_files(source.geometry)
    published = published or date.today().isoformat()
    written: list[Written] = []
    names: list[str] = []
    if len(links) == 1:
        written.append(
            publish_view(
                source, links[0], out, app_url=app_url, files=files, urls=urls, published=published
            )
        )
        names += written[0].files
    else:
        taken: set[str] = set()
        entries = []
        allowed = allowed_params(source)
        for link in links:
            asked = read_view_link(link, allowed)
            slug = _slug(asked, taken)
            done = publish_view(
                source,
                link,
                out / slug,
                app_url=app_url,
                assets_prefix=f"../{ASSETS}/",
                files=files,
                urls=urls,
                published=published,
            )
            written.append(done)
            names += [f"{slug}/{name}" for name in done.files]
            entries.append(
                {
                    "slug": slug,
                    "query": share_url("", asked.query) or "?",
                    **_describe(source, asked),
                }
            )
        index = _env.get_template("published_index.html").render(
            title=t("app_title", "en"),
            entries=entries,
            published=published,
            css=f"{ASSETS}/{_asset(files, 'published')}",
        )
        (out / "index.html").write_text(index, "utf-8")
        names.append("index.html")
    (out / ASSETS).mkdir(exist_ok=True)
    for name, content in files.items():
        (out / ASSETS / name).parent.mkdir(exist_ok=True)
        (out / ASSETS / name).write_bytes(content)
        names.append(f"{ASSETS}/{name}")
    (out / MANIFEST).write_text(
        json.dumps(
            {"generator": "medmap publish", "published": published, "files": names}, indent=1
        ),
        "utf-8",
    )
    return written


def _describe(source: Source, asked: LinkView) -> dict[str, str]:
    view = build_view(source.loaded, asked.lang, asked.filters)
    return {"lang": asked.lang, "count": format_count(len(view.shown), asked.lang)}


def publish_zip(source: Source, link: str, *, app_url: str = DEFAULT_APP_URL) -> bytes:
    """The published folder of one view as a zip (the live page's download)."""
    with tempfile.TemporaryDirectory(prefix="medmap-publish-") as tmp:
        out = Path(tmp) / "medmap-view"
        publish(source, [link], out, app_url=app_url)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, str(path.relative_to(out.parent)))
        return buffer.getvalue()


def read_links(text: str) -> list[str]:
    """Links of a links file: one per line; blank lines and ``#`` comments skipped."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]
