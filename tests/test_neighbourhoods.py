"""Neighbourhoods tables: figures per area with names, and the Sevilla spotlight."""

from __future__ import annotations

import pandas as pd

from medmap.geo import SEVILLA_CODE, UDEA_CAMPUS_CODE
from medmap.neighbourhoods import area_table, spotlight_entities


def test_area_table_names_areas_and_puts_most_entities_first():
    figures = pd.DataFrame(
        {"entities": [1, 3, 3], "staff": [None, 5, None], "funding": [None, None, 2.0]},
        index=pd.Index(["01", "04", "14"], name="comuna_code"),
    )
    areas = pd.DataFrame({"code": ["01", "04", "14"], "name": ["Popular", "Aranjuez", "Poblado"]})
    table = area_table(figures, areas)
    assert list(table["code"]) == ["04", "14", "01"]
    assert list(table["name"]) == ["Aranjuez", "Poblado", "Popular"]
    assert pd.isna(table.set_index("code").loc["01", "staff"])  # unreported stays empty


def test_spotlight_lists_sevilla_and_the_campus_institutions_first():
    located = pd.DataFrame(
        {
            "name": ["Zeta", "Ruta N", "UdeA", "Elsewhere"],
            "kind": ["company", "institution", "institution", "company"],
            "barrio_code": [SEVILLA_CODE, SEVILLA_CODE, UDEA_CAMPUS_CODE, "1401"],
        }
    )
    spotlight = spotlight_entities(located)
    assert list(spotlight["name"]) == ["Ruta N", "UdeA", "Zeta"]
