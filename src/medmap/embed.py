"""Embedding: whether this run is an embedded view, the embed code, and the way back.

Streamlit's own ``?embed=true`` drops its toolbar; medmap then hides its sidebar and
navigation too (:mod:`medmap.controls`, :mod:`medmap.styles`) and says where the view comes from.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import streamlit as st

from medmap.escaping import html_attribute, markdown_text, markdown_url, safe_url
from medmap.i18n import t
from medmap.state import link_query, share_url

EMBED_PARAMS: Final = ("embed", "embed_options")  # Streamlit's, never medmap filters
EMBED_WIDTH: Final = "100%"
EMBED_HEIGHT: Final = 900


def is_embedded() -> bool:
    """This run is shown in another page's iframe through ``embed=true``."""
    return bool(st.context.is_embedded)


def embed_url(view_url: str) -> str:
    """A view's link with ``embed=true`` (and no other embed option)."""
    parts = urlsplit(view_url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in EMBED_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode([*query, ("embed", "true")])))


def embed_code(url: str, title: str, width: str = EMBED_WIDTH, height: int = EMBED_HEIGHT) -> str:
    """The ``<iframe>`` another site pastes to show ``url``; every attribute escaped."""
    return (
        f'<iframe src="{html_attribute(url)}" title="{html_attribute(title)}" '
        f'width="{html_attribute(width)}" height="{int(height)}" '
        'style="border:0" loading="lazy"></iframe>'
    )


def current_view_url() -> str:
    """This view's link on the full dashboard (no embed parameter: st.context.url has no query)."""
    return share_url(st.context.url or "", link_query())


def source_link(lang: str) -> None:
    """In an embedded view: a small link to the same view on the full dashboard."""
    label = markdown_text(t("embed_source", lang))
    url = safe_url(current_view_url())
    # Small, not a caption: a caption's faded colour would take the link under 4.5:1.
    st.markdown(f":small[[{label}]({markdown_url(url)})]" if url else f":small[{label}]")
