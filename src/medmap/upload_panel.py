"""The Companies page's upload panel: a companies CSV checked, its problems shown, its rows used.

The valid rows live in this session's state only (:data:`medmap.state.UPLOAD_KEY`);
nothing is written to disk and no other session sees them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from medmap.i18n import format_count, t
from medmap.state import UPLOAD_KEY, USE_UPLOAD_KEY, View
from medmap.ui import problems_table, template_download
from medmap.upload import MAX_UPLOAD_MB, MAX_UPLOAD_ROWS, read_upload


def upload_section(view: View) -> None:
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
            file.getvalue(),
            view.data.sectors["sector"],
            view.layers.barrios,
            view.layers.comunas,
            districts=view.data.districts,
        )
        valid = 0 if result.entities is None else len(result.entities)
        if valid:
            st.session_state[UPLOAD_KEY] = result.entities
            st.success(
                t("upload_valid_rows", lang, n=format_count(valid, lang)), icon=":material/check:"
            )
            if not result.resolved.empty:
                st.caption(t("upload_resolved", lang, n=format_count(len(result.resolved), lang)))
                st.dataframe(resolved_table(result.resolved, lang), hide_index=True)
            st.toggle(t("upload_use", lang), key=USE_UPLOAD_KEY, persist_state="session")
        else:
            st.session_state.pop(UPLOAD_KEY, None)
            st.error(t("upload_no_valid_rows", lang), icon=":material/error:")
        if result.problems:
            st.dataframe(problems_table(result.problems, lang), hide_index=True, width="stretch")


def resolved_table(resolved: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The place names of an upload read as codes: row, as written, "El Poblado → 14"."""
    return pd.DataFrame(
        {
            t("col_row", lang): resolved["line"].astype(int).to_numpy(),
            t("col_written", lang): resolved["written"].to_numpy(),
            t("col_read_as", lang): (resolved["name"] + " → " + resolved["code"]).to_numpy(),
        }
    )
