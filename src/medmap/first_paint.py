"""The page Streamlit serves for each of the app's URLs, with medmap's first-paint stylesheet.

Streamlit's index.html is the same for every app and lays its loading skeleton out in
the centred layout until the app's page config arrives (``layout="wide"``). Served from
serve.py's routes with ``css/first-paint.css`` in its head, the page has the wide
layout's geometry before any script runs, so nothing moves when the app's first
messages arrive. Any other URL falls through to Streamlit's own copy.
"""

from __future__ import annotations

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


def with_stylesheet(index_html: str, css: str) -> str:
    """``index_html`` with ``css`` as the last stylesheet of its head (before the app's).

    Raises ``ValueError`` when there is no head to put it in, or when the CSS could end
    its ``<style>`` element early.
    """
    if "<" in css:
        raise ValueError("a stylesheet inlined in HTML must not contain '<'")
    head_end = index_html.find("</head>")
    if head_end < 0:
        raise ValueError("Streamlit's index.html has no </head>")
    style = f'<style id="medmap-first-paint">{css}</style>'
    return index_html[:head_end] + style + index_html[head_end:]


def routes(page_paths: Iterable[str], index: Path = STREAMLIT_INDEX) -> list[Route]:
    """Routes serving the app's pages (``"/"`` and each of ``page_paths``) with the
    first-paint stylesheet; none when Streamlit's index.html is not where expected."""
    if not index.is_file():
        return []
    page = with_stylesheet(index.read_text(encoding="utf-8"), FIRST_PAINT_CSS)

    async def serve_page(_request: Request) -> HTMLResponse:
        # As Streamlit serves it: revalidated, since it names the current bundles.
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    paths = ["/", *(f"/{path.strip('/')}" for path in page_paths)]
    return [Route(path, serve_page, methods=["GET", "HEAD"]) for path in dict.fromkeys(paths)]
