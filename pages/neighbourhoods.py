"""Neighbourhoods: comuna and barrio comparison, and a spotlight on Sevilla."""

import streamlit as st

from medmap import state, ui
from medmap.escaping import markdown_text
from medmap.filters import per_area
from medmap.geo import SEVILLA_CODE
from medmap.i18n import format_count, t
from medmap.neighbourhoods import area_table, spotlight_entities

view = state.view()
lang, data, layers = view.lang, view.data, view.layers

st.header(t("spotlight_title", lang))
spotlight = spotlight_entities(view.located)
intro, facts = st.columns([3, 2], gap="large")
with intro:
    st.markdown(t("spotlight_body", lang))
with facts:
    sevilla_count = int((view.located["barrio_code"] == SEVILLA_CODE).sum())
    st.metric(t("spotlight_in_sevilla", lang), format_count(sevilla_count, lang))
    st.caption(t("spotlight_note", lang))
for row in spotlight.itertuples():
    # Labels and captions render markdown: text from data is escaped first.
    label = f"{markdown_text(row.name)} · {markdown_text(row.barrio_name or '')}"
    with st.expander(label, icon=":material/place:"):
        st.text(row.presence if isinstance(row.presence, str) else t("not_reported", lang))
        if isinstance(row.note, str):
            st.caption(markdown_text(row.note))
        st.caption(f"{t('popup_sources', lang)}: {markdown_text(row.sources)}")

st.divider()
areas = (("by_comuna", "comuna_code", layers.comunas), ("by_barrio", "barrio_code", layers.barrios))
for column, (title, code_column, shapes) in zip(st.columns(2, gap="large"), areas, strict=True):
    with column:
        st.subheader(t(title, lang))
        table = area_table(per_area(view.shown, data.staff, data.funding, code_column), shapes)
        if table.empty:
            ui.empty_state(lang)
        else:
            st.dataframe(
                table, hide_index=True, width="stretch", column_config=ui.area_columns(lang)
            )
st.caption(t("area_note", lang))
