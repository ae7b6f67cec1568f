"""The page Streamlit serves for each of the app's URLs, with medmap's first-paint stylesheet
and preloads of the code its first screen needs.

Streamlit's index.html is the same for every app. It lays its loading skeleton out in
the centred layout until the app's page config arrives (``layout="wide"``): served from
serve.py's routes with ``css/first-paint.css`` in its head, the page has the wide
layout's geometry before any script runs, so nothing moves when the app's first
messages arrive. And Streamlit fetches each kind of element's code when the first such
element arrives, so the map's frame waited ~0.5 s for the filters', KPIs' and year
control's code (bench/README.md): the page names that code as low-priority module
preloads, fetched while Streamlit starts. Any other URL falls through to Streamlit's
own copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import streamlit
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

FIRST_PAINT_CSS: Final = (Path(__file__).parent / "css" / "first-paint.css").read_text(
    encoding="utf-8"
)
STREAMLIT_INDEX: Final = Path(streamlit.__file__).parent / "static" / "index.html"
# Streamlit's code for the elements of the Map page's first screen (file name prefixes in
# its static/js), in the order fetched: filters, pickers, the map's frame, st.html, year
# control, toggle, KPIs, buttons (the map's frame later in the list drew it ~0.15 s later).
# Not the charts': Plotly's 4.7 MB chunk would hold the map back (issue #10).
FIRST_SCREEN_ELEMENTS: Final = (
    "Multiselect",
    "ButtonGroup",
    "ComponentInstance",
    "Html",
    "Slider",
    "Checkbox",
    "Metric",
    "Button",
)
# A static import between Streamlit's chunks (``from"./x.js"``, ``import"./x.js"``); dynamic
# imports (``import("./x.js")``) are loaded on demand and not followed.
_STATIC_IMPORT: Final = re.compile(r'(?:\bfrom|\bimport)\s*"\./([\w.$-]+\.js)"')
_CHUNK_NAME: Final = re.compile(r"^[\w.$-]+\.js$")


def with_stylesheet(index_html: str, css: str) -> str:
    """``index_html`` with ``css`` as the last stylesheet of its head (before the app's).

    Raises ``ValueError`` when there is no head to put it in, or when the CSS could end
    its ``<style>`` element early.
    """
    if "<" in css:
        raise ValueError("a stylesheet inlined in HTML must not contain '<'")
    return _before_head_end(index_html, f'<style id="medmap-first-paint">{css}</style>')


def module_closure(js_dir: Path, prefixes: Iterable[str]) -> list[str]:
    """The chunks of ``js_dir`` named ``<prefix>.<hash>.js``, then everything they import
    statically, each once, in the order found; missing files are skipped."""
    todo = [p.name for prefix in prefixes for p in sorted(js_dir.glob(f"{prefix}.*.js"))]
    found: dict[str, None] = {}
    while todo:
        name = todo.pop(0)
        if name in found or not (js_dir / name).is_file():
            continue
        found[name] = None
        todo.extend(_STATIC_IMPORT.findall((js_dir / name).read_text(encoding="utf-8")))
    return list(found)


def with_preloads(index_html: str, chunks: Iterable[str]) -> str:
    """``index_html`` with a low-priority module preload of each of Streamlit's ``chunks``
    (file names in its ``static/js``) that the page does not load already."""
    links = "".join(
        f'<link rel="modulepreload" crossorigin fetchpriority="low" href="./static/js/{name}">'
        for name in dict.fromkeys(chunks)
        if _CHUNK_NAME.match(name)
        and not re.search(rf"/static/js/{re.escape(name)}[\"']", index_html)
    )
    return _before_head_end(index_html, links)


def _before_head_end(index_html: str, html: str) -> str:
    head_end = index_html.find("</head>")
    if head_end < 0:
        raise ValueError("Streamlit's index.html has no </head>")
    return index_html[:head_end] + html + index_html[head_end:]


def routes(page_paths: Iterable[str], index: Path = STREAMLIT_INDEX) -> list[Route]:
    """Routes serving the app's pages (``"/"`` and each of ``page_paths``) with the
    first-paint stylesheet and preloads; none when Streamlit's index.html is not where
    expected."""
    if not index.is_file():
        return []
    page = with_stylesheet(index.read_text(encoding="utf-8"), FIRST_PAINT_CSS)
    page = with_preloads(
        page, module_closure(index.parent / "static" / "js", FIRST_SCREEN_ELEMENTS)
    )

    async def serve_page(_request: Request) -> HTMLResponse:
        # As Streamlit serves it: revalidated, since it names the current bundles.
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    paths = ["/", *(f"/{path.strip('/')}" for path in page_paths)]
    return [Route(path, serve_page, methods=["GET", "HEAD"]) for path in dict.fromkeys(paths)]
