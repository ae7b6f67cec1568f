"""Write the corpus of bad uploads and the exact problems each must produce.

Run from the repo root: ``python tests/bad_inputs/build_corpus.py``. The rows
are real rows of data/entities.csv (Ruta N, La Haus, Universidad Nacional);
each case breaks one thing, or (36–42) names a barrio or comuna instead of its
code. Expected messages, and the names each file resolves to codes, are written
here by hand, not computed by medmap, so the tests can catch a wrong message.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
IDS = ["ruta-n", "la-haus", "universidad-nacional-medellin"]


def base() -> pd.DataFrame:
    df = pd.read_csv(ROOT / "data" / "entities.csv", dtype=str, keep_default_na=False)
    return df.set_index("entity_id").loc[IDS].reset_index()


def to_csv(df: pd.DataFrame, delimiter: str = ",") -> str:
    out = io.StringIO()
    df.to_csv(out, index=False, sep=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return out.getvalue()


def with_cell(row: int, column: str, value: str) -> str:
    """``row`` is the file line (header = 1)."""
    df = base()
    df.loc[row - 2, column] = value
    return to_csv(df)


U = "upload.csv"
CASES: list[tuple[str, bytes | str, int, list[str]]] = [
    ("01-empty.csv", "", 0, [f"{U}:0:: file is empty"]),
    ("02-blank-lines.csv", "\n \n\n", 0, [f"{U}:0:: file is empty"]),
    (
        "03-header-only.csv",
        to_csv(base().iloc[0:0]),
        0,
        [f"{U}:0:: the file has a header but no rows"],
    ),
    (
        "04-utf16.csv",
        to_csv(base()).encode("utf-16"),
        0,
        [f"{U}:0:: the file is UTF-16; save it as 'CSV UTF-8'"],
    ),
    (
        "05-latin1.csv",
        to_csv(base()).encode("cp1252"),
        3,
        [
            f"{U}:0:: the file is not UTF-8; it was read as Windows-1252 (Latin-1): check accents, or save it as 'CSV UTF-8'"
        ],
    ),
    (
        "06-semicolons.csv",
        to_csv(base(), ";"),
        3,
        [f"{U}:1:: columns are separated by ';' (not ','): the file was read that way"],
    ),
    (
        "07-semicolons-decimal-commas.csv",
        to_csv(base().assign(lat=["", "", "6,26219"], lon=["", "", "-75,576968"]), ";"),
        3,
        [
            f"{U}:1:: columns are separated by ';' (not ','): the file was read that way",
            f"{U}:4:lat: decimal commas were read as decimal points: '6,26219'",
            f"{U}:4:lon: decimal commas were read as decimal points: '-75,576968'",
        ],
    ),
    (
        "08-duplicate-column.csv",
        to_csv(base())
        .replace("entity_id,name,", "entity_id,name,name,", 1)
        .replace("ruta-n,", "ruta-n,Ruta N,", 1),
        0,
        [f"{U}:1:name: duplicate column"],
    ),
    (
        "09-missing-column.csv",
        to_csv(base().drop(columns=["kind"])),
        0,
        [f"{U}:1:kind: missing column"],
    ),
    (
        "10-extra-column.csv",
        to_csv(base().assign(rating="5")),
        3,
        [f"{U}:1:rating: column not in the schema: ignored"],
    ),
    (
        "11-unknown-sector.csv",
        with_cell(2, "sector", "crypto"),
        2,
        [f"{U}:2:sector: unknown sector 'crypto'"],
    ),
    (
        "12-bad-kind.csv",
        with_cell(3, "kind", "startup"),
        2,
        [
            f"{U}:3:kind: must be one of: company, institution, coworking, incubator, fund, association, programme: 'startup'"
        ],
    ),
    (
        "13-bad-precision.csv",
        with_cell(3, "location_precision", "street"),
        2,
        [
            f"{U}:3:location_precision: must be one of: coordinates, barrio, comuna, district, city, outside: 'street'"
        ],
    ),
    ("14-empty-name.csv", with_cell(2, "name", ""), 2, [f"{U}:2:name: required value is empty"]),
    (
        "15-bad-id.csv",
        with_cell(3, "entity_id", "La Haus!"),
        2,
        [f"{U}:3:entity_id: not a valid slug: 'La Haus!'"],
    ),
    (
        "16-latitude-bogota.csv",
        with_cell(4, "lat", "4.711"),
        2,
        [f"{U}:4:lat: latitude outside Medellín's bounding box: '4.711'"],
    ),
    (
        "17-longitude-outside.csv",
        with_cell(4, "lon", "-74.07"),
        2,
        [f"{U}:4:lon: longitude outside Medellín's bounding box: '-74.07'"],
    ),
    (
        "18-point-in-envigado.csv",
        to_csv(base().assign(lat=["", "", "6.1635"], lon=["", "", "-75.4725"])),
        2,
        [f"{U}:4:lat: the point is not inside any barrio of Medellín: '6.1635, -75.4725'"],
    ),
    (
        "19-latitude-text.csv",
        with_cell(4, "lat", "north"),
        2,
        [f"{U}:4:lat: 'north' is not a number"],
    ),
    (
        "20-founded-text.csv",
        with_cell(2, "founded", "19xx"),
        2,
        [f"{U}:2:founded: '19xx' is not a whole number"],
    ),
    (
        "21-founded-1700.csv",
        with_cell(2, "founded", "1700"),
        2,
        [f"{U}:2:founded: not a plausible year: '1700'"],
    ),
    (
        "22-javascript-website.csv",
        with_cell(3, "website", "javascript:alert(1)"),
        2,
        [f"{U}:3:website: must start with https://: 'javascript:alert(1)'"],
    ),
    (
        "23-http-website.csv",
        with_cell(3, "website", "http://lahaus.com"),
        2,
        [f"{U}:3:website: must start with https://: 'http://lahaus.com'"],
    ),
    (
        "24-coordinates-without-lat.csv",
        with_cell(4, "lat", ""),
        2,
        [f"{U}:4:lat: required when precision is coordinates"],
    ),
    (
        "25-point-with-barrio-precision.csv",
        to_csv(base().assign(lat=["6.27", "", "6.26219"], lon=["-75.56", "", "-75.576968"])),
        2,
        [f"{U}:2:lat: coordinates given but precision is 'barrio'"],
    ),
    (
        "26-barrio-without-code.csv",
        with_cell(2, "location_code", ""),
        2,
        [f"{U}:2:location_code: required when precision is barrio"],
    ),
    (
        "27-city-with-code.csv",
        with_cell(3, "location_code", "0407"),
        2,
        [f"{U}:3:location_code: not used when precision is 'city'"],
    ),
    (
        "28-unknown-barrio.csv",
        with_cell(2, "location_code", "9999"),
        2,
        [f"{U}:2:location_code: unknown barrio code '9999'"],
    ),
    (
        "29-unknown-comuna.csv",
        to_csv(
            base().assign(
                location_precision=["comuna", "city", "coordinates"], location_code=["77", "", ""]
            )
        ),
        2,
        [f"{U}:2:location_code: unknown comuna code '77'"],
    ),
    (
        "30-unverified-yes.csv",
        with_cell(3, "sector_unverified", "yes"),
        2,
        [f"{U}:3:sector_unverified: must be one of: true, false: 'yes'"],
    ),
    (
        "31-sources-with-spaces.csv",
        with_cell(3, "sources", "S43, S1"),
        2,
        [f"{U}:3:sources: not a valid list of source ids (S1;S2): 'S43, S1'"],
    ),
    (
        "32-status-open.csv",
        with_cell(3, "status", "open"),
        2,
        [f"{U}:3:status: must be one of: active, closed, acquired, context: 'open'"],
    ),
    (
        "33-long-name.csv",
        with_cell(3, "name", "x" * 201),
        2,
        [f"{U}:3:name: must be 1–200 characters"],
    ),
    (
        "34-too-many-fields.csv",
        to_csv(base()).replace("\nla-haus,", "\nla-haus,", 1).rstrip("\n") + ",surplus\n",
        2,
        [f"{U}:4:: has 21 fields, the header has 20"],
    ),
    ("35-no-kind-value.csv", with_cell(3, "kind", ""), 2, [f"{U}:3:kind: required value is empty"]),
    # Barrio and comuna names instead of codes (geo/barrios.geojson, geo/comunas.geojson).
    ("36-barrio-name.csv", with_cell(2, "location_code", "Sevilla"), 3, []),
    (
        "37-barrio-name-accents-case-spacing.csv",
        with_cell(2, "location_code", "  JESUS   nazareno "),
        3,
        [],
    ),
    (
        "38-barrio-name-ambiguous.csv",
        with_cell(2, "location_code", "La Florida"),
        2,
        [
            f"{U}:2:location_code: the name 'La Florida' is shared by several places: La Florida (1417), La Florida (8001); write the code"
        ],
    ),
    (
        "39-barrio-name-unknown.csv",
        with_cell(2, "location_code", "Poblado"),
        2,
        [
            f"{U}:2:location_code: unknown place name 'Poblado'; closest: El Poblado (1418), Altos del Poblado (1408), Robledo (0717)"
        ],
    ),
    (
        "40-comuna-names.csv",
        to_csv(
            base().assign(
                location_precision=["comuna", "comuna", "coordinates"],
                location_code=["Aranjuez", "el poblado", ""],
            )
        ),
        3,
        [],
    ),
    (
        "41-comuna-name-unknown.csv",
        to_csv(
            base().assign(
                location_precision=["comuna", "city", "coordinates"],
                location_code=["Laureles", "", ""],
            )
        ),
        2,
        [f"{U}:2:location_code: unknown place name 'Laureles'; closest: Laureles Estadio (11)"],
    ),
    (
        "42-name-not-close.csv",
        with_cell(2, "location_code", "Prado Centro"),
        2,
        [
            f"{U}:2:location_code: unknown place name 'Prado Centro'; no official name is close: write the code"
        ],
    ),
    (
        # origin_class is optional for uploads: a notice, and every row is kept.
        "43-no-origin-class.csv",
        to_csv(base().drop(columns=["origin_class"])),
        3,
        [f"{U}:1:origin_class: optional column missing: left empty (not reported)"],
    ),
]

# Name-based files: each row whose name became a code (line, as written, official name, code).
RESOLVED = {
    "36-barrio-name.csv": [{"line": 2, "written": "Sevilla", "name": "Sevilla", "code": "0407"}],
    "37-barrio-name-accents-case-spacing.csv": [
        {"line": 2, "written": "  JESUS   nazareno ", "name": "Jesús Nazareno", "code": "1003"}
    ],
    "40-comuna-names.csv": [
        {"line": 2, "written": "Aranjuez", "name": "Aranjuez", "code": "04"},
        {"line": 3, "written": "el poblado", "name": "El Poblado", "code": "14"},
    ],
}

# A few cases must also read right in Spanish.
SPANISH = {
    "03-header-only.csv": [f"{U}:0:: el archivo tiene encabezado pero ninguna fila"],
    "11-unknown-sector.csv": [f"{U}:2:sector: sector desconocido 'crypto'"],
    "16-latitude-bogota.csv": [f"{U}:4:lat: latitud fuera del recuadro de Medellín: '4.711'"],
    "06-semicolons.csv": [
        f"{U}:1:: las columnas están separadas por ';' (no por ','): el archivo se leyó así"
    ],
    "38-barrio-name-ambiguous.csv": [
        f"{U}:2:location_code: el nombre 'La Florida' lo tienen varios lugares: La Florida (1417), La Florida (8001); escriba el código"
    ],
    "39-barrio-name-unknown.csv": [
        f"{U}:2:location_code: nombre de lugar desconocido 'Poblado'; los más parecidos: El Poblado (1418), Altos del Poblado (1408), Robledo (0717)"
    ],
    "41-comuna-name-unknown.csv": [
        f"{U}:2:location_code: nombre de lugar desconocido 'Laureles'; los más parecidos: Laureles Estadio (11)"
    ],
    "42-name-not-close.csv": [
        f"{U}:2:location_code: nombre de lugar desconocido 'Prado Centro'; ningún nombre oficial se parece: escriba el código"
    ],
}


def main() -> None:
    expected = {}
    for name, content, valid_rows, problems in CASES:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (HERE / name).write_bytes(data)
        expected[name] = {
            "valid_rows": valid_rows,
            "problems": problems,
            "problems_es": SPANISH.get(name),
            "resolved": RESOLVED.get(name, []),
        }
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
