"""About: what medmap shows, its sources, licences and method."""

import streamlit as st

from medmap import state, ui
from medmap.escaping import safe_url
from medmap.i18n import t
from medmap.tables import kind_counts
from medmap.upload import schema_rows

view = state.view()
lang = view.lang

st.markdown(t("about_what", lang))
st.header(t("about_counts_title", lang))
st.caption(t("about_counts", lang))
st.dataframe(
    kind_counts(view.data.entities, lang),
    hide_index=True,
    column_config={
        "kind": t("col_kind", lang),
        "entities": t("col_entities", lang),
        "on_map": t("col_on_map", lang),
    },
)
st.header(t("about_method_title", lang))
st.markdown(t("about_method", lang))
st.header(t("about_sources_title", lang))
sources = view.data.sources.assign(link=view.data.sources["url"].map(safe_url))
st.dataframe(
    sources[["source_id", "title", "date", "link"]],
    hide_index=True,
    width="stretch",
    column_config={
        "source_id": t("col_source_id", lang),
        "title": t("col_title", lang),
        "date": t("col_date", lang),
        "link": st.column_config.LinkColumn(t("col_link", lang)),
    },
)
st.header(t("about_schema_title", lang))
st.markdown(t("about_schema", lang))
st.dataframe(
    schema_rows(lang),
    hide_index=True,
    width="stretch",
    column_config={
        "column": t("col_column", lang),
        "required": st.column_config.CheckboxColumn(t("col_required", lang)),
        "type": t("col_type", lang),
        "rule": t("col_rule", lang),
    },
)
ui.template_download(lang)
st.header(t("about_licences_title", lang))
st.markdown(t("about_licences", lang))
