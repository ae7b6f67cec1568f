"""Read and validate the tabular data (``data/*.csv``) into typed frames.

One loader for the shipped data, ``MEDMAP_DATA_DIR`` and (later) uploads:
every problem is reported as ``file:row:column: message`` where ``row`` is the
line number in the file (the header is line 1). Nothing here writes files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.errors

from medmap.schemas import BOOL_COLUMNS, SCHEMAS

HEADER_LINE = 1


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a data file, located as precisely as known."""

    file: str
    row: int  # line number in the file; 0 when the whole file is concerned
    column: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class DataError(Exception):
    """The data cannot be loaded; ``problems`` says why, line by line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Dataset:
    """The validated tables of one data directory."""

    sources: pd.DataFrame
    sectors: pd.DataFrame
    entities: pd.DataFrame
    staff: pd.DataFrame
    funding: pd.DataFrame
    series: pd.DataFrame


def _line_of(row_index: object) -> int:
    return int(row_index) + HEADER_LINE + 1  # type: ignore[call-overload]


def parse_csv_text(name: str, raw: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Decode UTF-8 (a BOM is accepted) and parse a CSV into string columns.

    Empty cells become missing values; nothing is coerced yet.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [
            Problem(name, line, "", f"unreadable encoding: not UTF-8 (byte 0x{raw[err.start]:02x})")
        ]
    if not text.strip():
        return None, [Problem(name, 0, "", "file is empty")]
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        return None, [Problem(name, 0, "", f"not a readable CSV file: {err}")]
    header, body = rows[0], rows[1:]
    problems = [
        Problem(name, HEADER_LINE, col, "duplicate column")
        for i, col in enumerate(header)
        if col in header[:i]
    ]
    problems += [
        Problem(name, i + HEADER_LINE + 1, "", f"has {len(r)} fields, the header has {len(header)}")
        for i, r in enumerate(body)
        if len(r) != len(header) and any(r)
    ]
    if problems:
        return None, problems
    body = [r for r in body if any(r)]
    df = pd.DataFrame(body, columns=header, dtype="string")
    return df.replace("", pd.NA), []


def _describe_failure(check: str, value: str) -> str:
    if check == "column_in_dataframe":
        return "missing column"
    if check == "column_in_schema":
        return "unexpected column"
    if check == "not_nullable":
        return "required value is empty"
    if check == "field_uniqueness":
        return f"duplicate value '{value}'"
    if check.startswith("coerce_dtype"):
        kind = "a whole number" if "Int" in check else "a number"
        return f"'{value}' is not {kind}"
    if check.startswith("dtype("):
        return f"wrong type {value}"
    return f"{check}: '{value}'" if value else check


def validate_frame(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate one parsed file against its schema; return typed frame or problems."""
    schema = SCHEMAS[name]
    try:
        typed = schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        problems = []
        for case in errors.failure_cases.to_dict("records"):
            check = str(case["check"])
            value = "" if pd.isna(case["failure_case"]) else str(case["failure_case"])
            index = case["index"]
            if check in ("column_in_dataframe", "column_in_schema"):
                problems.append(Problem(name, HEADER_LINE, value, _describe_failure(check, value)))
                continue
            row = 0 if index is None or pd.isna(index) else _line_of(index)
            column = "" if pd.isna(case["column"]) else str(case["column"])
            problems.append(Problem(name, row, column, _describe_failure(check, value), value))
        return None, problems
    for column in BOOL_COLUMNS.get(name, ()):
        typed[column] = typed[column].eq("true").astype(bool)
    # Text columns become plain objects with None for "not reported", so that
    # callers can test ``isinstance(value, str)`` instead of handling pd.NA.
    for column in typed.columns:
        if pd.api.types.is_string_dtype(typed[column]):
            typed[column] = typed[column].astype(object).where(typed[column].notna(), None)
    return typed, []


def _unknown_refs(
    name: str, df: pd.DataFrame, column: str, known: Iterable[str], what: str, split: bool = False
) -> list[Problem]:
    known = set(known)
    problems = []
    for index, cell in df[column].items():
        if pd.isna(cell):
            continue
        for ref in str(cell).split(";") if split else [str(cell)]:
            if ref not in known:
                problems.append(
                    Problem(name, _line_of(index), column, f"unknown {what} '{ref}'", ref)
                )
    return problems


def _location_problems(entities: pd.DataFrame) -> list[Problem]:
    """A point is given only with 'coordinates'; a code only with 'barrio'/'comuna'."""
    problems = []
    for index, row in entities.iterrows():
        line, precision = _line_of(index), row["location_precision"]
        has_point = pd.notna(row["lat"]) or pd.notna(row["lon"])
        if precision == "coordinates":
            for column in ("lat", "lon", "location_source"):
                if pd.isna(row[column]):
                    problems.append(
                        Problem(
                            "entities.csv", line, column, "required when precision is coordinates"
                        )
                    )
        elif has_point:
            problems.append(
                Problem(
                    "entities.csv",
                    line,
                    "lat" if pd.notna(row["lat"]) else "lon",
                    f"coordinates given but precision is '{precision}'",
                )
            )
        if precision in ("barrio", "comuna") and pd.isna(row["location_code"]):
            problems.append(
                Problem(
                    "entities.csv", line, "location_code", f"required when precision is {precision}"
                )
            )
        if precision not in ("barrio", "comuna") and pd.notna(row["location_code"]):
            problems.append(
                Problem(
                    "entities.csv",
                    line,
                    "location_code",
                    f"not used when precision is '{precision}'",
                )
            )
    return problems


def cross_check(
    tables: Mapping[str, pd.DataFrame],
    barrio_codes: Iterable[str] = (),
    comuna_codes: Iterable[str] = (),
) -> list[Problem]:
    """Checks between files: every referenced id must exist."""
    sources = tables["sources.csv"]["source_id"]
    entities = tables["entities.csv"]
    entity_ids = entities["entity_id"]
    problems = _unknown_refs(
        "entities.csv", entities, "sector", tables["sectors.csv"]["sector"], "sector"
    )
    problems += _unknown_refs("entities.csv", entities, "sources", sources, "source id", split=True)
    problems += _unknown_refs("entities.csv", entities, "location_source", sources, "source id")
    for name in ("staff.csv", "funding.csv"):
        problems += _unknown_refs(name, tables[name], "entity_id", entity_ids, "entity id")
    for name in ("staff.csv", "funding.csv", "series.csv"):
        problems += _unknown_refs(name, tables[name], "source_id", sources, "source id")
    problems += _location_problems(entities)
    for precision, codes in (("barrio", barrio_codes), ("comuna", comuna_codes)):
        codes = set(codes)
        if not codes:
            continue
        subset = entities[entities["location_precision"] == precision]
        problems += _unknown_refs(
            "entities.csv", subset, "location_code", codes, f"{precision} code"
        )
    series = tables["series.csv"]
    for index in series.index[series["period_start"] > series["period_end"]]:
        problems.append(
            Problem("series.csv", _line_of(index), "period_start", "starts after period_end")
        )
    return problems


def read_tables(data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read and validate every file of a data directory, collecting all problems."""
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    if not data_dir.is_dir():
        return tables, [Problem(str(data_dir), 0, "", "data directory not found")]
    for name in SCHEMAS:
        path = data_dir / name
        if not path.is_file():
            problems.append(Problem(name, 0, "", "missing file"))
            continue
        parsed, parse_problems = parse_csv_text(name, path.read_bytes())
        problems += parse_problems
        if parsed is None:
            continue
        typed, schema_problems = validate_frame(name, parsed)
        problems += schema_problems
        if typed is not None:
            tables[name] = typed
    return tables, problems


def validate_data_dir(
    data_dir: Path, barrio_codes: Iterable[str] = (), comuna_codes: Iterable[str] = ()
) -> list[Problem]:
    """All problems of a data directory, or an empty list when it is valid."""
    tables, problems = read_tables(data_dir)
    if not problems:
        problems = cross_check(tables, barrio_codes, comuna_codes)
    return sorted(problems)


def load_dataset(
    data_dir: Path, barrio_codes: Iterable[str] = (), comuna_codes: Iterable[str] = ()
) -> Dataset:
    """Load a valid data directory, or raise :class:`DataError` listing every problem."""
    tables, problems = read_tables(data_dir)
    if not problems:
        problems = cross_check(tables, barrio_codes, comuna_codes)
    if problems:
        raise DataError(problems)
    return Dataset(**{name.removesuffix(".csv"): df for name, df in tables.items()})
