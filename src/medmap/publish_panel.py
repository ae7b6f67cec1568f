""" "Publish this view" in "Share this view" (Streamlit): the zip download, hosting and embed code.

The page itself is built by :mod:`medmap.publish`, only when the button is clicked.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from medmap import publish, runtime
from medmap.embed import embed_code
from medmap.i18n import t
from medmap.state import USE_UPLOAD_KEY, link_query, share_url

ZIP_NAME = "medmap-view.zip"
# Where the reader will have put the folder: the embed code says to replace it.
HOSTED_EXAMPLE = "https://example.org/medmap-view/index.html"


@st.cache_resource(show_spinner=False)
def _source() -> publish.Source:
    """The shipped data and geometry as publish reads them, once per process."""
    return publish.source_of(runtime.load())


def _zip(query: str, app_url: str) -> bytes:
    return publish.publish_zip(_source(), query, app_url=app_url)


def publish_panel(lang: str) -> None:
    """The popover's "Publish this view" part (one call from controls._share_popover)."""
    st.markdown(f"**{t('publish_title', lang)}**")
    st.caption(t("publish_help", lang))
    if st.session_state.get(USE_UPLOAD_KEY):
        # An upload is for its session only (README, "Your own data"): never published.
        st.caption(t("publish_shipped_data", lang))
    st.download_button(
        t("publish_download", lang),
        # A callable: the zip is built when the button is clicked, not on every run.
        data=partial(_zip, share_url("", link_query()), st.context.url or publish.DEFAULT_APP_URL),
        file_name=ZIP_NAME,
        mime="application/zip",
        on_click="ignore",
        icon=":material/download:",
        key="publish_view",
    )
    st.caption(t("publish_embed_help", lang))
    st.code(embed_code(HOSTED_EXAMPLE, t("embed_title", lang)), language="html", wrap_lines=True)
