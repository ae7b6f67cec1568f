import pandas as pd

from medmap.data import load_dataset
from medmap.geo import load_barrios, load_comunas, locate_entities
from medmap.tables import csv_safe, entity_table, figure_labels, qualified
from tests.conftest import ROOT

BARRIOS = load_barrios(ROOT / "geo")
COMUNAS = load_comunas(ROOT / "geo")
DATASET = load_dataset(ROOT / "data", BARRIOS["code"], COMUNAS["code"])
LOCATED = locate_entities(DATASET.entities, BARRIOS, COMUNAS)


def test_csv_safe_defuses_spreadsheet_formulas():
    df = pd.DataFrame(
        {"name": ['=HYPERLINK("x")', "+1", "@SUM(A1)", "Ruta N", None], "n": [1, 2, 3, 4, 5]}
    )
    out = csv_safe(df)
    assert list(out["name"][:4]) == ['\'=HYPERLINK("x")', "'+1", "'@SUM(A1)", "Ruta N"]
    assert pd.isna(out["name"][4])
    assert list(out["n"]) == [1, 2, 3, 4, 5]


def test_entity_table_states_unknowns_and_links_sources():
    labels = dict(zip(DATASET.sectors["sector"], DATASET.sectors["label_es"], strict=True))
    table = entity_table(LOCATED, DATASET, labels, "es").set_index("name")
    ruta_n = table.loc[table.index.str.startswith("Ruta N")].iloc[0]
    assert ruta_n["barrio"] == "Sevilla"
    assert ruta_n["location_precision"] == "aproximada: en algún lugar de su barrio"
    assert all(link.startswith("https://") for link in ruta_n["source_links"])
    city_only = table[table["location_precision"].str.startswith("solo se sabe")]
    assert (city_only["barrio"] == "—").all()
    assert table["staff"].isna().any()  # unreported stays missing, not zero


def test_figure_labels_carry_qualifier_and_date():
    staff, funding = figure_labels(DATASET, "en")
    assert staff["ai-fund"].startswith("about 50")
    assert "2019" in staff["ai-fund"]
    assert funding["la-haus"].startswith("US$135M")
    assert qualified("1,264", "min", "es", "2018") == "más de 1,264 (2018)"
