"""medmap.first_paint: every page URL is served with the stylesheet that gives the main
column its final width before any script runs (issue #21: the loading skeleton moved), and
with preloads of the code of the first screen's elements (the map's frame waited for it)."""

from __future__ import annotations

import gzip
import re
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from medmap.first_paint import (
    FIRST_PAINT_CSS,
    FIRST_SCREEN_ELEMENTS,
    STREAMLIT_INDEX,
    module_closure,
    routes,
    with_preloads,
    with_stylesheet,
)

STREAMLIT_JS = STREAMLIT_INDEX.parent / "static" / "js"

INDEX = "<html><head><title>x</title><script src='./static/js/a.js'></script></head><body></body></html>"


def test_the_stylesheet_is_the_last_thing_in_the_head():
    page = with_stylesheet(INDEX, "a { color: red }")
    assert page == INDEX.replace(
        "</head>", '<style id="medmap-first-paint">a { color: red }</style></head>'
    )


def test_a_stylesheet_that_could_end_its_element_or_a_page_without_head_is_refused():
    with pytest.raises(ValueError, match="<"):
        with_stylesheet(INDEX, "a { color: red }</style><script>alert(1)</script>")
    with pytest.raises(ValueError, match="</head>"):
        with_stylesheet("<html><body></body></html>", "a { color: red }")
    assert "<" not in FIRST_PAINT_CSS  # the shipped one is inlined as it is


def test_the_app_pages_have_routes_and_nothing_without_streamlits_page(tmp_path: Path):
    assert [r.path for r in routes(["companies", "/about/", "companies"])] == [
        "/",
        "/companies",
        "/about",
    ]
    assert routes(["companies"], index=tmp_path / "missing.html") == []


def test_the_closure_follows_static_imports_once_and_never_dynamic_ones(tmp_path: Path):
    chunks = {
        "Map.abc.js": 'import{a}from"./b.1.js";import"./c.2.js";const d=()=>import("./d.3.js")',
        "b.1.js": 'import{x}from"./c.2.js";export const a=1',
        "c.2.js": 'import"./Map.abc.js";import"./gone.9.js"',  # a cycle; a missing file
        "d.3.js": "export const later=1",
        "Other.xyz.js": "export const unrelated=1",
    }
    for name, text in chunks.items():
        (tmp_path / name).write_text(text)
    assert module_closure(tmp_path, ["Map", "Absent"]) == ["Map.abc.js", "b.1.js", "c.2.js"]


def test_preloads_are_added_once_for_chunks_the_page_does_not_load():
    page = with_preloads(INDEX, ["a.js", "b.x1.js", "a.js", 'bad"><script>.js'])
    assert page.count('rel="modulepreload"') == 1
    assert (
        '<link rel="modulepreload" crossorigin fetchpriority="low" href="./static/js/b.x1.js">'
        in page
    )
    assert "<script>.js" not in page


def fetch(url: str, gzip_ok: bool = False) -> tuple[Message, str]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        body = r.read()
        if r.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return r.headers, body.decode()


@pytest.mark.parametrize(
    "path",
    ["/", "/?embed=true&lang=es", "/companies", "/neighbourhoods", "/jobs_funding", "/about"],
)
def test_every_page_url_is_streamlits_page_with_the_stylesheet(server, path):
    headers, page = fetch(server.url + path)
    styled = with_stylesheet(STREAMLIT_INDEX.read_text(encoding="utf-8"), FIRST_PAINT_CSS)
    assert page == with_preloads(styled, module_closure(STREAMLIT_JS, FIRST_SCREEN_ELEMENTS))
    assert headers["Cache-Control"] == "no-cache"  # it names the current script bundles


def test_the_first_screens_element_code_is_preloaded_and_the_charts_is_not(server):
    _, page = fetch(server.url + "/")
    preloaded = set(re.findall(r'rel="modulepreload"[^>]*href="\./static/js/([^"]+)"', page))
    for prefix in FIRST_SCREEN_ELEMENTS:
        (chunk,) = STREAMLIT_JS.glob(f"{prefix}.*.js")  # Streamlit still names it so
        assert chunk.name in preloaded
    assert not any(name.startswith("PlotlyChart.") for name in preloaded)


def test_the_page_is_sent_compressed_as_streamlits_own(server):
    headers, page = fetch(server.url + "/companies", gzip_ok=True)
    assert headers.get("Content-Encoding") == "gzip"
    assert 'id="medmap-first-paint"' in page
