"""Bring your own data: read an uploaded companies CSV into valid rows and problems.

The upload is checked by the same entity schema as ``data/entities.csv``.
Common spreadsheet habits are handled with a notice rather than a refusal
(BOM, Windows-1252, ``;`` separators, decimal commas, extra columns); rows
with problems are left out and listed. Nothing is written anywhere.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import pandas as pd

from medmap.data import HEADER_LINE, entity_problems, validate_frame
from medmap.geo import locate_entities
from medmap.i18n import CATALOG, DEFAULT_LANG, t
from medmap.places import empty_resolved, resolve_place_names
from medmap.problems import Problem, line_of
from medmap.schemas import ENTITIES

UPLOAD_NAME: Final = "upload.csv"
MAX_UPLOAD_MB: Final = 2
MAX_UPLOAD_ROWS: Final = 5_000
COLUMNS: Final = tuple(ENTITIES.columns)
# Columns an upload may leave out (added to the schema after uploads existed): a missing
# one is read as all empty ("not reported") and reported as a notice, not an error.
OPTIONAL_COLUMNS: Final = ("origin_class",)
NUMERIC_COLUMNS: Final = ("lat", "lon")
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


@dataclass
class UploadResult:
    """Valid, located rows (possibly none) and every problem or notice.

    ``resolved`` lists the valid rows whose ``location_code`` gave a barrio or comuna
    name: ``line``, the name as ``written``, the official ``name`` and its ``code``.
    """

    entities: gpd.GeoDataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    resolved: pd.DataFrame = field(default_factory=empty_resolved)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.notice]


def template_csv() -> bytes:
    """An empty companies file with the schema's columns, to fill in."""
    return (",".join(COLUMNS) + "\n").encode("utf-8")


def _decode(raw: bytes) -> tuple[str | None, list[Problem]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(UPLOAD_NAME, 0, "", "utf16")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), [
            Problem(UPLOAD_NAME, 0, "", "latin1", notice=True)
        ]


def _rows(text: str) -> tuple[list[list[str]], list[Problem]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    notices = (
        [Problem(UPLOAD_NAME, HEADER_LINE, "", "semicolon", notice=True)]
        if delimiter == ";"
        else []
    )
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as err:
        return [], [Problem(UPLOAD_NAME, 0, "", "csv_unreadable", details=str(err))]
    return [r for r in rows if any(cell.strip() for cell in r)], notices


def _fix_decimal_commas(df: pd.DataFrame) -> list[Problem]:
    notices = []
    for column in NUMERIC_COLUMNS:
        if column not in df.columns:
            continue
        for index, value in df[column].items():
            if isinstance(value, str) and _DECIMAL_COMMA.match(value):
                df.loc[index, column] = value.replace(",", ".")
                notices.append(
                    Problem(
                        UPLOAD_NAME,
                        index + HEADER_LINE + 1,
                        column,
                        "decimal_comma",
                        value,
                        notice=True,
                    )
                )
    return notices


def read_upload(
    raw: bytes,
    sectors: Iterable[str],
    barrios: gpd.GeoDataFrame,
    comunas: gpd.GeoDataFrame,
    max_mb: float = MAX_UPLOAD_MB,
    max_rows: int = MAX_UPLOAD_ROWS,
    districts: pd.DataFrame | None = None,
) -> UploadResult:
    """Validate an uploaded companies CSV; keep the rows that pass, list every problem.

    ``districts`` (as ``data/districts.csv``) makes ``district`` placements usable.
    """
    size_mb = len(raw) / 1_000_000
    if size_mb > max_mb:
        return UploadResult(
            problems=[Problem(UPLOAD_NAME, 0, "", "too_large", f"{size_mb:.1f}", f"{max_mb:g}")]
        )
    if not raw.strip():
        return UploadResult(problems=[Problem(UPLOAD_NAME, 0, "", "empty_file")])
    text, problems = _decode(raw)
    if text is None:
        return UploadResult(problems=problems)
    rows, row_problems = _rows(text)
    problems += row_problems
    if not rows:
        return UploadResult(problems=problems or [Problem(UPLOAD_NAME, 0, "", "empty_file")])
    header, body = [h.strip() for h in rows[0]], rows[1:]
    problems += _header_problems(header, len(body), max_rows)
    if [p for p in problems if not p.notice]:
        return UploadResult(problems=problems)

    df, frame_problems = _frame(header, body)
    return _valid_rows(df, problems + frame_problems, sectors, barrios, comunas, districts)


def _header_problems(header: list[str], rows: int, max_rows: int) -> list[Problem]:
    """Columns duplicated, missing (an optional one only with a notice) or not in the
    schema (a notice); no rows, or too many."""
    duplicated = sorted({h for i, h in enumerate(header) if h in header[:i]})
    problems = [Problem(UPLOAD_NAME, HEADER_LINE, h, "duplicate_column") for h in duplicated]
    problems += [
        Problem(
            UPLOAD_NAME,
            HEADER_LINE,
            c,
            "optional_column_missing" if c in OPTIONAL_COLUMNS else "missing_column",
            notice=c in OPTIONAL_COLUMNS,
        )
        for c in COLUMNS
        if c not in header
    ]
    problems += [
        Problem(UPLOAD_NAME, HEADER_LINE, h, "extra_column", notice=True)
        for h in dict.fromkeys(header)
        if h not in COLUMNS
    ]
    if not rows:
        problems.append(Problem(UPLOAD_NAME, 0, "", "no_rows"))
    if rows > max_rows:
        problems.append(Problem(UPLOAD_NAME, 0, "", "too_many_rows", str(rows), str(max_rows)))
    return problems


def _frame(header: list[str], body: list[list[str]]) -> tuple[pd.DataFrame, list[Problem]]:
    """The rows as text in the schema's columns (a missing optional one empty), blanks as
    missing, decimal commas read; a row with surplus fields is a problem."""
    problems = [
        Problem(UPLOAD_NAME, i + HEADER_LINE + 1, "", "field_count", str(len(r)), str(len(header)))
        for i, r in enumerate(body)
        if len(r) > len(header)
    ]
    wide = [r + [""] * (len(header) - len(r)) for r in body]
    df = pd.DataFrame([r[: len(header)] for r in wide], columns=header, dtype="string")
    for column in OPTIONAL_COLUMNS:
        if column not in df.columns:
            df[column] = pd.Series(pd.NA, index=df.index, dtype="string")
    df = df[list(COLUMNS)].replace(r"^\s*$", pd.NA, regex=True)
    return df, problems + _fix_decimal_commas(df)


def _valid_rows(
    df: pd.DataFrame,
    problems: list[Problem],
    sectors: Iterable[str],
    barrios: gpd.GeoDataFrame,
    comunas: gpd.GeoDataFrame,
    districts: pd.DataFrame | None,
) -> UploadResult:
    """Keep the rows without errors: schema, place names, references, location, inside Medellín."""
    bad_lines = {p.row for p in problems if not p.notice and p.row > HEADER_LINE}
    typed, schema_problems = validate_frame("entities.csv", df)
    schema_problems = [_renamed(p) for p in schema_problems]
    problems += schema_problems
    bad_lines |= {p.row for p in schema_problems}
    if typed is None:
        # Re-validate only the rows pandera did not reject, to type them.
        keep = [i for i in df.index if i + HEADER_LINE + 1 not in bad_lines]
        typed, more = validate_frame("entities.csv", df.loc[keep])
        problems += [_renamed(p) for p in more]
        if typed is None:
            return UploadResult(problems=problems)
    names = resolve_place_names(typed, barrios, comunas, UPLOAD_NAME)
    typed = names.entities
    problems += names.problems
    bad_lines |= {p.row for p in names.problems}
    district_codes = () if districts is None else districts["district"]
    checks = entity_problems(
        typed,
        sectors,
        None,
        barrios["code"],
        comunas["code"],
        districts=district_codes,
        unresolved=names.unresolved,
    )
    checks = [_renamed(p) for p in checks]
    problems += checks
    bad_lines |= {p.row for p in checks}
    typed = typed[[i + HEADER_LINE + 1 not in bad_lines for i in typed.index]]
    located = locate_entities(typed, barrios, comunas, districts)
    outside = located["location_precision"].eq("coordinates") & located["barrio_code"].isna()
    for index in located.index[outside]:
        value = f"{located.loc[index, 'lat']}, {located.loc[index, 'lon']}"
        problems.append(
            Problem(UPLOAD_NAME, index + HEADER_LINE + 1, "lat", "outside_medellin", value)
        )
    kept = located[~outside]
    resolved = names.resolved[names.resolved["line"].isin([line_of(i) for i in kept.index])]
    return UploadResult(
        entities=kept, problems=sorted(problems), resolved=resolved.reset_index(drop=True)
    )


def _renamed(problem: Problem) -> Problem:
    """Problems from the shared checks name the uploaded file."""
    return Problem(
        UPLOAD_NAME,
        problem.row,
        problem.column,
        problem.code,
        problem.value,
        problem.details,
        problem.notice,
    )


def schema_rows(lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The upload schema as a table (column, required, type, rule), read from the pandera schema."""
    rows = []
    for name, column in ENTITIES.columns.items():
        rules = []
        for check in column.checks:
            code, _, details = str(check.error).partition("|")
            known = f"rule_{code}" in CATALOG
            rules.append(t(f"rule_{code}", lang, details=details) if known else code)
        rows.append(
            {
                "column": name,
                "required": not column.nullable,
                "type": t(_type_key(str(column.dtype)), lang),
                "rule": "; ".join(rules),
            }
        )
    return pd.DataFrame(rows)


def _type_key(dtype: str) -> str:
    return f"type_{dtype}" if f"type_{dtype}" in CATALOG else "type_text"
