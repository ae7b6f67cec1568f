"""Companies: a searchable, sortable table of the filtered entities, with CSV download."""

import streamlit as st

from medmap import state, ui
from medmap.escaping import csv_safe
from medmap.i18n import t
from medmap.search import search_entities
from medmap.tables import entity_table
from medmap.upload_panel import upload_section

view = state.view()
lang = view.lang

upload_section(view)

query = st.text_input(
    t("search", lang),
    key="q",
    placeholder=t("search_placeholder", lang),
    bind="query-params",
    max_chars=100,
)
shown = search_entities(view.shown, query)
table = entity_table(shown, view.data, view.sector_labels, lang)
st.caption(t("companies_count", lang, n=len(table), total=len(view.located)))

if table.empty:
    ui.empty_state(lang)
else:
    st.dataframe(
        ui.styled_figures(table, lang, counts=("staff",), money=("funding_usd",)),
        hide_index=True,
        width="stretch",
        height="auto" if len(table) <= 15 else 600,
        column_config={
            "name": st.column_config.TextColumn(t("col_name", lang), pinned=True),
            "kind": t("col_kind", lang),
            "sector": t("col_sector", lang),
            "sector_unverified": st.column_config.CheckboxColumn(
                t("col_sector_unverified", lang), help=t("col_sector_unverified_help", lang)
            ),
            "barrio": t("col_barrio", lang),
            "comuna": t("col_comuna", lang),
            "location_precision": t("col_location", lang),
            "staff": st.column_config.NumberColumn(
                t("col_staff", lang), help=t("col_staff_help", lang)
            ),
            "funding_usd": st.column_config.NumberColumn(
                t("col_funding", lang), help=t("col_funding_help", lang)
            ),
            "status": t("col_status", lang),
            "origin": t("col_origin", lang),
            "founded": st.column_config.NumberColumn(
                t("col_founded", lang), format="%d", help=t("col_founded_help", lang)
            ),
            "arrived": st.column_config.NumberColumn(
                t("col_arrived", lang), format="%d", help=t("col_arrived_help", lang)
            ),
            "sources": t("col_sources", lang),
            "source_links": st.column_config.ListColumn(t("col_source_links", lang)),
        },
    )
    st.download_button(
        t("download_csv", lang),
        csv_safe(table.drop(columns=["source_links"])).to_csv(index=False).encode("utf-8"),
        file_name="medmap-entities.csv",
        mime="text/csv",
        icon=":material/download:",
    )
