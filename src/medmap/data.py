"""Read and validate the tabular data (``data/*.csv``) into typed frames.

One loader for the shipped data, ``MEDMAP_DATA_DIR`` and (later) uploads:
every problem is reported as ``file:row:column: message`` where ``row`` is the
line number in the file (the header is line 1). Nothing here writes files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors

from medmap.places import NamedLayers, resolve_place_names
from medmap.problems import HEADER_LINE, KNOWN_CODES, Problem, line_of
from medmap.schemas import BOOL_COLUMNS, CODED_PRECISIONS, SCHEMAS


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
    districts: pd.DataFrame
    entities: pd.DataFrame
    staff: pd.DataFrame
    funding: pd.DataFrame
    series: pd.DataFrame


def parse_csv_text(name: str, raw: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Decode UTF-8 (a BOM is accepted) and parse a CSV into string columns.

    Empty cells become missing values; nothing is coerced yet.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [Problem(name, line, "", "encoding", details=f"0x{raw[err.start]:02x}")]
    if not text.strip():
        return None, [Problem(name, 0, "", "empty_file")]
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        return None, [Problem(name, 0, "", "csv_unreadable", details=str(err))]
    header, body = rows[0], rows[1:]
    problems = [
        Problem(name, HEADER_LINE, col, "duplicate_column")
        for i, col in enumerate(header)
        if col in header[:i]
    ]
    problems += [
        Problem(name, i + HEADER_LINE + 1, "", "field_count", str(len(r)), str(len(header)))
        for i, r in enumerate(body)
        if len(r) != len(header) and any(r)
    ]
    if problems:
        return None, problems
    body = [r for r in body if any(r)]
    df = pd.DataFrame(body, columns=header, dtype="string")
    return df.replace("", pd.NA), []


def _failure_code(check: str) -> tuple[str, str]:
    """Problem code and details for a pandera failure (our checks carry ``code|details``)."""
    if check == "column_in_dataframe":
        return "missing_column", ""
    if check == "column_in_schema":
        return "unexpected_column", ""
    if check == "not_nullable":
        return "required", ""
    if check == "field_uniqueness":
        return "duplicate", ""
    if check.startswith("coerce_dtype"):
        return ("not_integer" if "Int" in check else "not_number"), ""
    if check.startswith("dtype("):
        return "wrong_type", ""
    code, _, details = check.partition("|")
    return (code, details) if code in KNOWN_CODES else ("check_failed", check)


def validate_frame(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate one parsed file against its schema; return typed frame or problems."""
    schema = SCHEMAS[name]
    try:
        typed = schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        problems = []
        cases = errors.failure_cases.to_dict("records")
        # A column that could not be coerced also fails its later checks as a whole
        # (type errors, no row): the cell-level coercion problems say it all.
        uncoerced = {c["column"] for c in cases if str(c["check"]).startswith("coerce_dtype")}
        for case in cases:
            check = str(case["check"])
            if case["column"] in uncoerced and not check.startswith("coerce_dtype"):
                continue
            value = "" if pd.isna(case["failure_case"]) else str(case["failure_case"])
            index = case["index"]
            code, details = _failure_code(check)
            if check in ("column_in_dataframe", "column_in_schema"):
                problems.append(Problem(name, HEADER_LINE, value, code))
                continue
            row = 0 if index is None or pd.isna(index) else line_of(index)
            column = "" if pd.isna(case["column"]) else str(case["column"])
            problems.append(Problem(name, row, column, code, value, details))
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
    name: str, df: pd.DataFrame, column: str, known: Iterable[str], code: str, split: bool = False
) -> list[Problem]:
    known = set(known)
    cells = df[column].dropna().astype(str)
    # Vectorised: only the rows holding an unknown reference are looked at one by one.
    refs = cells.str.split(";").explode() if split else cells
    bad = refs[[ref not in known for ref in refs.to_numpy(dtype=object)]]
    return [Problem(name, line_of(index), column, code, ref) for index, ref in bad.items()]


def location_problems(entities: pd.DataFrame, file: str = "entities.csv") -> list[Problem]:
    """A point is given only with 'coordinates'; a code only with 'barrio'/'comuna'/'district'."""
    # Vectorised (a registry may have 100,000 rows); problems come out row by row, in
    # the order of the checks below.
    precision = entities["location_precision"]
    lat, lon = entities["lat"].notna(), entities["lon"].notna()
    has_code = entities["location_code"].notna()
    stated = precision == "coordinates"
    coded = precision.isin(CODED_PRECISIONS)
    checks = [
        (stated & ~lat, "lat", "coordinates_required", False),
        (stated & ~lon, "lon", "coordinates_required", False),
        (
            stated & entities["location_source"].isna(),
            "location_source",
            "coordinates_required",
            False,
        ),
        (~stated & lat, "lat", "coordinates_not_allowed", True),
        (~stated & ~lat & lon, "lon", "coordinates_not_allowed", True),
        (coded & ~has_code, "location_code", "code_required", True),
        (~coded & has_code, "location_code", "code_not_used", True),
    ]
    found = []
    for order, (mask, column, code, with_value) in enumerate(checks):
        for position in np.flatnonzero(mask.to_numpy()):
            index = entities.index[position]
            value = str(precision.iloc[position]) if with_value else ""
            problem = Problem(file, line_of(index), column, code, value)
            found.append((position, order, problem))
    return [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]


def entity_problems(
    entities: pd.DataFrame,
    sectors: Iterable[str],
    sources: Iterable[str] | None,
    barrio_codes: Iterable[str] = (),
    comuna_codes: Iterable[str] = (),
    file: str = "entities.csv",
    districts: Iterable[str] | None = None,
    unresolved: Iterable[Hashable] = (),
) -> list[Problem]:
    """Checks of entity rows against the other files and the geometry.

    ``sources=None`` skips the source-id check (an uploaded file may cite its own sources);
    ``districts=None`` skips the district-code check. ``unresolved`` rows (index labels)
    hold a place name already reported by :func:`medmap.places.resolve_place_names`:
    their ``location_code`` is not reported again as an unknown code.
    """
    problems = _unknown_refs(file, entities, "sector", sectors, "unknown_sector")
    if sources is not None:
        problems += _unknown_refs(file, entities, "sources", sources, "unknown_source", split=True)
        problems += _unknown_refs(file, entities, "location_source", sources, "unknown_source")
    problems += location_problems(entities, file)
    for precision, codes in (("barrio", barrio_codes), ("comuna", comuna_codes)):
        codes = set(codes)
        if codes:
            subset = entities[
                (entities["location_precision"] == precision) & ~entities.index.isin(unresolved)
            ]
            problems += _unknown_refs(file, subset, "location_code", codes, f"unknown_{precision}")
    if districts is not None:
        subset = entities[entities["location_precision"] == "district"]
        problems += _unknown_refs(file, subset, "location_code", districts, "unknown_district")
    return problems


def cross_check(
    tables: Mapping[str, pd.DataFrame],
    barrio_codes: Iterable[str] = (),
    comuna_codes: Iterable[str] = (),
    unresolved: Iterable[Hashable] = (),
) -> list[Problem]:
    """Checks between files: every referenced id must exist (``unresolved``: see entity_problems)."""
    sources = tables["sources.csv"]["source_id"]
    entities = tables["entities.csv"]
    districts = tables["districts.csv"]
    barrio_codes = set(barrio_codes)
    problems = entity_problems(
        entities,
        tables["sectors.csv"]["sector"],
        sources,
        barrio_codes,
        comuna_codes,
        districts=districts["district"],
        unresolved=unresolved,
    )
    problems += _unknown_refs("districts.csv", districts, "source", sources, "unknown_source")
    if barrio_codes:
        problems += _unknown_refs(
            "districts.csv", districts, "barrios", barrio_codes, "unknown_barrio", split=True
        )
    for name in ("staff.csv", "funding.csv"):
        problems += _unknown_refs(
            name, tables[name], "entity_id", entities["entity_id"], "unknown_entity"
        )
    for name in ("staff.csv", "funding.csv", "series.csv"):
        problems += _unknown_refs(name, tables[name], "source_id", sources, "unknown_source")
    series = tables["series.csv"]
    for index in series.index[series["period_start"] > series["period_end"]]:
        problems.append(Problem("series.csv", line_of(index), "period_start", "period_order"))
    return problems


def read_tables(data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read and validate every file of a data directory, collecting all problems."""
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    if not data_dir.is_dir():
        return tables, [Problem(str(data_dir), 0, "", "data_dir_missing")]
    for name in SCHEMAS:
        path = data_dir / name
        if not path.is_file():
            problems.append(Problem(name, 0, "", "missing_file"))
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


def _checked(
    tables: dict[str, pd.DataFrame],
    barrio_codes: Iterable[str],
    comuna_codes: Iterable[str],
    names: NamedLayers | None,
) -> list[Problem]:
    """Resolve place names in entities.csv (with ``names``), then check across files.

    ``tables["entities.csv"]`` is replaced by the resolved frame: from here on rows carry codes.
    """
    problems: list[Problem] = []
    unresolved: Iterable[Hashable] = ()
    if names is not None:
        resolution = resolve_place_names(tables["entities.csv"], names.barrios, names.comunas)
        tables["entities.csv"] = resolution.entities
        problems, unresolved = resolution.problems, resolution.unresolved
    return problems + cross_check(tables, barrio_codes, comuna_codes, unresolved)


def validate_data_dir(
    data_dir: Path,
    barrio_codes: Iterable[str] = (),
    comuna_codes: Iterable[str] = (),
    names: NamedLayers | None = None,
) -> list[Problem]:
    """All problems of a data directory, or an empty list when it is valid.

    With ``names`` (the barrio and comuna layers), ``barrio``/``comuna`` rows may give
    a place name in ``location_code`` instead of its code.
    """
    tables, problems = read_tables(data_dir)
    if not problems:
        problems = _checked(tables, barrio_codes, comuna_codes, names)
    return sorted(problems)


def load_dataset(
    data_dir: Path,
    barrio_codes: Iterable[str] = (),
    comuna_codes: Iterable[str] = (),
    names: NamedLayers | None = None,
) -> Dataset:
    """Load a valid data directory, or raise :class:`DataError` listing every problem.

    With ``names``, place names in ``location_code`` are resolved: the entities carry codes.
    """
    tables, problems = read_tables(data_dir)
    if not problems:
        problems = _checked(tables, barrio_codes, comuna_codes, names)
    if problems:
        raise DataError(problems)
    return Dataset(**{name.removesuffix(".csv"): df for name, df in tables.items()})
