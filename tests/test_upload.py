"""Uploads: the corpus of bad inputs, each with the exact problems it must produce."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from medmap.upload import COLUMNS, read_upload, template_csv
from tests.conftest import ROOT

CORPUS = Path(__file__).parent / "bad_inputs"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())


@pytest.fixture(scope="module")
def upload(dataset, layers):
    """Read an upload against the shipped sectors and geometry."""

    def read(raw: bytes, **limits):
        sectors = dataset.sectors["sector"]
        return read_upload(
            raw, sectors, layers.barrios, layers.comunas, districts=dataset.districts, **limits
        )

    return read


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_input_gives_its_exact_problems(name, upload):
    result = upload((CORPUS / name).read_bytes())
    expected = EXPECTED[name]
    assert [str(p) for p in result.problems] == expected["problems"]
    valid = 0 if result.entities is None else len(result.entities)
    assert valid == expected["valid_rows"]
    assert result.resolved.to_dict("records") == expected["resolved"]
    if expected["problems_es"]:
        spanish = [f"{p.file}:{p.row}:{p.column}: {p.message('es')}" for p in result.problems]
        assert spanish == expected["problems_es"]


def test_size_and_row_limits_have_their_own_messages(upload):
    raw = (CORPUS / "10-extra-column.csv").read_bytes()
    assert [str(p) for p in upload(raw, max_mb=0.001).problems] == [
        f"upload.csv:0:: the file is {len(raw) / 1e6:.1f} MB; the limit is 0.001 MB"
    ]
    assert "upload.csv:0:: 3 rows; the limit is 2" in [
        str(p) for p in upload(raw, max_rows=2).problems
    ]


def test_template_has_the_schema_columns_and_no_rows(upload):
    lines = template_csv().decode().splitlines()
    assert lines == [",".join(COLUMNS)]
    result = upload(template_csv())
    assert [str(p) for p in result.problems] == ["upload.csv:0:: the file has a header but no rows"]


def test_valid_rows_are_located_like_shipped_data(upload):
    result = upload((ROOT / "data" / "entities.csv").read_bytes())
    assert result.errors == []
    ruta_n = result.entities.set_index("entity_id").loc["ruta-n"]
    assert ruta_n["barrio_code"] == "0407"


def test_resolved_names_carry_their_code_to_the_map(upload):
    result = upload((CORPUS / "40-comuna-names.csv").read_bytes())
    rows = result.entities.set_index("entity_id")
    assert list(rows["location_code"]) == ["04", "14", None]
    assert list(rows["comuna_code"]) == ["04", "14", "07"]
    assert rows.loc["la-haus", "approximate"]


def test_an_address_is_kept_and_never_turned_into_a_point(upload):
    df = pd.read_csv(CORPUS / "36-barrio-name.csv", dtype=str, keep_default_na=False)
    df.loc[df["entity_id"] == "la-haus", "address"] = "Carrera 43A # 1-50, El Poblado"
    result = upload(df.to_csv(index=False).encode())
    assert result.errors == []
    rows = result.entities.set_index("entity_id")
    # La Haus: precision city with an address naming a barrio: no point, the address as written.
    assert rows.loc["la-haus", "location_precision"] == "city"
    assert rows.loc["la-haus", "geometry"] is None
    assert pd.isna(rows.loc["la-haus", "barrio_code"])
    assert rows.loc["la-haus", "address"] == "Carrera 43A # 1-50, El Poblado"
    # Ruta N: its point comes from its barrio name (Sevilla), its address is kept beside it.
    assert rows.loc["ruta-n", "address"] == "Calle 67 # 52-20"
    assert rows.loc["ruta-n", "barrio_code"] == "0407"


def test_the_upload_summary_shows_each_name_with_its_code(upload):
    from medmap.upload_panel import resolved_table

    result = upload((CORPUS / "40-comuna-names.csv").read_bytes())
    table = resolved_table(result.resolved, "es")
    assert table.to_dict("records") == [
        {"Fila": 2, "Como se escribió": "Aranjuez", "Leído como": "Aranjuez → 04"},
        {"Fila": 3, "Como se escribió": "el poblado", "Leído como": "El Poblado → 14"},
    ]
