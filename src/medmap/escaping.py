"""Escaping of text from data for every place it is shown: HTML, scripts, markdown, CSV.

Data is untrusted (uploads, other data directories): each output has its own rule,
and every module that shows data text goes through the function for its output.
"""

from __future__ import annotations

import html
import json
import re
from typing import Final

import pandas as pd

# folium writes tooltip and popup HTML into JavaScript template literals
# (`...`), so backticks, "${" and backslashes must not survive either.
_JS_TEMPLATE_ENTITIES: Final = {ord("`"): "&#96;", ord("$"): "&#36;", ord("\\"): "&#92;"}

_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
# Markdown autolinks bare URLs and e-mail addresses even when escaped; an invisible
# word joiner after "scheme:" and "www" and before "@" breaks those patterns.
_AUTOLINK_TRIGGER: Final = re.compile(r"(?i)(?<=:)|(?<=www)|(?=@)")
WORD_JOINER: Final = "\u2060"

# Cells a spreadsheet would run as formulas.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def html_text(value: object) -> str:
    """Text for Plotly labels and hovers (a small HTML subset); missing -> ""."""
    return "" if is_missing(value) else html.escape(str(value))


def leaflet_html(value: object) -> str:
    """Text safe inside HTML and inside folium's JS template literals; missing -> ""."""
    if is_missing(value):
        return ""
    return html.escape(str(value), quote=True).translate(_JS_TEMPLATE_ENTITIES)


_SCRIPT_JSON_ESCAPES: Final = {ord(c): f"\\u{ord(c):04x}" for c in "<>&`$"}


def script_json(value: object) -> str:
    """JSON that is safe inside a <script>: no closing tag, no HTML-significant characters,
    and nothing a JavaScript template literal would interpret (same values once parsed)."""
    return json.dumps(value, ensure_ascii=True, sort_keys=True).translate(_SCRIPT_JSON_ESCAPES)


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), else None (no ``javascript:`` or data URLs as links)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    return text if text.lower().startswith(("https://", "http://")) else None


def html_attribute(value: object) -> str:
    """Text inside a double-quoted HTML attribute (the embed code); missing -> "".
    Apostrophes stay as typed: the code is read and pasted by people."""
    return "" if is_missing(value) else html.escape(str(value), quote=False).replace('"', "&quot;")


_URL_ENDS: Final = {ord(c): f"%{ord(c):02X}" for c in "<> \t\r\n\\"}


def markdown_url(url: str) -> str:
    """A URL as a markdown link destination: in angle brackets (so parentheses are kept),
    with the characters that could end it percent-encoded."""
    return f"<{url.translate(_URL_ENDS)}>"


def markdown_text(text: str) -> str:
    """Data text for a markdown caption: markup characters escaped, autolinks broken."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK_TRIGGER.sub(WORD_JOINER, escaped)


def inline_code(text: str) -> str:
    """Data text inside a markdown code span (rendered literally; only backticks would end it)."""
    return text.replace("`", "'")


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Cells that a spreadsheet would run as formulas are prefixed with an apostrophe."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out
