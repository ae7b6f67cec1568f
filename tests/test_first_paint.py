"""medmap.first_paint: every page URL is served with the stylesheet that gives the main
column its final width before any script runs (issue #21: the loading skeleton moved)."""

from __future__ import annotations

import gzip
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from medmap.first_paint import FIRST_PAINT_CSS, STREAMLIT_INDEX, routes, with_stylesheet

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
    assert page == with_stylesheet(STREAMLIT_INDEX.read_text(encoding="utf-8"), FIRST_PAINT_CSS)
    assert headers["Cache-Control"] == "no-cache"  # it names the current script bundles


def test_the_page_is_sent_compressed_as_streamlits_own(server):
    headers, page = fetch(server.url + "/companies", gzip_ok=True)
    assert headers.get("Content-Encoding") == "gzip"
    assert 'id="medmap-first-paint"' in page
