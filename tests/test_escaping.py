"""Escaping of data text for each output: Leaflet HTML, scripts, markdown, URLs, CSV."""

from __future__ import annotations

import json

import pandas as pd

from medmap.escaping import (
    WORD_JOINER,
    csv_safe,
    html_text,
    inline_code,
    leaflet_html,
    markdown_text,
    safe_url,
    script_json,
)


def test_leaflet_html_neutralises_html_and_js_template_literals():
    hostile = "<img src=x onerror=alert(1)>`${alert(2)}`\\"
    out = leaflet_html(hostile)
    assert "<" not in out and "`" not in out and "${" not in out and "\\" not in out
    assert (
        leaflet_html(None) == "" and leaflet_html(float("nan")) == "" and leaflet_html(pd.NA) == ""
    )


def test_plotly_text_is_html_escaped_and_missing_is_empty():
    assert html_text("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert html_text(None) == "" and html_text(float("nan")) == ""


def test_only_http_urls_become_links():
    assert safe_url("https://example.org") == "https://example.org"
    assert safe_url(" HTTP://example.org ") == "HTTP://example.org"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<b>") is None
    assert safe_url(None) is None


def test_script_json_cannot_close_its_script():
    value = {"a": "</script><script>alert(1)</script>", "b": "x&y `${alert(2)}`"}
    text = script_json(value)
    assert "</" not in text and "<" not in text and "&" not in text
    assert "`" not in text and "${" not in text
    assert json.loads(text) == value
    assert "\\u003c/script\\u003e" in text


def test_markdown_text_escapes_markup_and_breaks_autolinks():
    out = markdown_text("**bold** [x](javascript:alert(1)) https://a.org me@b.org www.c.org")
    assert "**" not in out.replace("\\*", "")
    assert "\\[x\\]" in out
    assert f"https\\:{WORD_JOINER}//a" in out and f"me{WORD_JOINER}@b" in out
    assert f"www{WORD_JOINER}" in out
    assert markdown_text("Ruta N") == "Ruta N"


def test_inline_code_cannot_end_its_span():
    assert inline_code("a`b``c") == "a'b''c"


def test_csv_safe_defuses_spreadsheet_formulas():
    df = pd.DataFrame(
        {"name": ['=HYPERLINK("x")', "+1", "@SUM(A1)", "Ruta N", None], "n": [1, 2, 3, 4, 5]}
    )
    out = csv_safe(df)
    assert list(out["name"][:4]) == ['\'=HYPERLINK("x")', "'+1", "'@SUM(A1)", "Ruta N"]
    assert pd.isna(out["name"][4])
    assert list(out["n"]) == [1, 2, 3, 4, 5]
