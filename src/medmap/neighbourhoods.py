"""Tables for the Neighbourhoods page: figures per area and the Sevilla spotlight."""

from __future__ import annotations

import pandas as pd

from medmap.geo import SEVILLA_CODE, UDEA_CAMPUS_CODE

SPOTLIGHT_BARRIOS = (SEVILLA_CODE, UDEA_CAMPUS_CODE)


def area_table(figures: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Figures per area with the area's name, most entities first; unreported stays empty."""
    names = areas.set_index("code")["name"]
    table = figures.reset_index().rename(columns={figures.index.name: "code"})
    table.insert(1, "name", table["code"].map(names))
    return table.sort_values(["entities", "staff"], ascending=False, na_position="last")


def spotlight_entities(located: pd.DataFrame) -> pd.DataFrame:
    """Entities in Sevilla and on the University of Antioquia campus next to it."""
    rows = located[located["barrio_code"].isin(SPOTLIGHT_BARRIOS)]
    # Institutions first, companies last, the support layer between.
    order = rows["kind"].map({"institution": 0, "company": 2}).fillna(1)
    return rows.assign(_order=order).sort_values(["_order", "name"]).drop(columns="_order")
