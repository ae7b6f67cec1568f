"""Declarative schemas of the files in ``data/``.

Check errors are problem codes (``code|details``) worded by :mod:`medmap.problems`.

Each CSV is read as text and validated here; pandera reports every failing
cell with its row, which the loader turns into ``file:row:column: message``.
Checks that span columns or files live in :mod:`medmap.data`.
"""

from __future__ import annotations

from typing import Final

import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

# Bounding box of Medellín's barrios and veredas (geo/SOURCES.md), in degrees.
MEDELLIN_BBOX: Final = (
    -75.71931,
    6.16290,
    -75.47185,
    6.37487,
)  # min lon, min lat, max lon, max lat

# The support layer (coworkings, incubators and accelerators, funds and angel networks,
# clusters and associations, programmes and events) has kinds of its own (data/README.md).
ENTITY_KINDS: Final = (
    "company",
    "institution",
    "coworking",
    "incubator",
    "fund",
    "association",
    "programme",
)
# Every kind that is not a company: institutions and the support layer.
ORGANISATION_KINDS: Final = ENTITY_KINDS[1:]
STATUSES: Final = ("active", "closed", "acquired", "context")
# Where an entity comes from, as its sources state (data/README.md); empty = not reported.
ORIGIN_CLASSES: Final = ("homegrown", "colombian", "international")
LOCATION_PRECISIONS: Final = ("coordinates", "barrio", "comuna", "district", "city", "outside")
# Precisions whose map point is derived from a polygon, so it is approximate.
APPROXIMATE_PRECISIONS: Final = ("barrio", "comuna", "district")
# Precisions that name their place in ``location_code`` (a barrio, comuna or district code).
CODED_PRECISIONS: Final = APPROXIMATE_PRECISIONS
QUALIFIERS: Final = ("exact", "approx", "min", "planned", "forecast")
# "global": a company-wide headcount across several countries (data/README.md).
STAFF_SCOPES: Final = ("medellin", "colombia", "global")
FUNDING_TYPES: Final = (
    "round",
    "total_raised",
    "debt",
    "acquisition",
    "fund_size",
    "investment",
    "sale",
    "public_investment",
    "budget",
)

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SOURCE_ID = r"^[A-Za-z0-9]+$"
SOURCE_LIST = r"^[A-Za-z0-9]+(?:;[A-Za-z0-9]+)*$"
CODE_LIST = r"^[A-Za-z0-9_]+(?:;[A-Za-z0-9_]+)*$"
YEAR = r"^\d{4}$"
PARTIAL_DATE = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"
BOOL_TEXT: Final = ("true", "false")


def _text(*checks: Check, required: bool = False, unique: bool = False) -> Column:
    return Column(str, checks=list(checks), nullable=not required, unique=unique)


def _pattern(regex: str, what: str) -> Check:
    return Check.str_matches(regex, error=f"format|{what}")


def _one_of(values: tuple[str, ...]) -> Check:
    return Check.isin(values, error=f"one_of|{', '.join(values)}")


def _number(dtype: str, *checks: Check, required: bool = False) -> Column:
    return Column(dtype, checks=list(checks), nullable=not required, coerce=True)


NON_NEGATIVE = Check.ge(0, error="negative")

SOURCES = DataFrameSchema(
    {
        "source_id": _text(_pattern(SOURCE_ID, "source id"), required=True, unique=True),
        "title": _text(required=True),
        "url": _text(Check.str_startswith("https://", error="https")),
        "date": _text(),
    },
    strict=True,
    ordered=False,
)

SECTORS = DataFrameSchema(
    {
        "sector": _text(_pattern(SLUG, "slug"), required=True, unique=True),
        "label_en": _text(required=True),
        "label_es": _text(required=True),
    },
    strict=True,
)

# A named area made of several barrios (e.g. the Innovation District): a `district` placement.
DISTRICTS = DataFrameSchema(
    {
        "district": _text(_pattern(SLUG, "slug"), required=True, unique=True),
        "label_en": _text(required=True),
        "label_es": _text(required=True),
        "barrios": _text(_pattern(CODE_LIST, "list of barrio codes (0407;1004)"), required=True),
        "source": _text(_pattern(SOURCE_ID, "source id"), required=True),
    },
    strict=True,
)

ENTITIES = DataFrameSchema(
    {
        "entity_id": _text(_pattern(SLUG, "slug"), required=True, unique=True),
        "name": _text(Check.str_length(1, 200, error="length"), required=True),
        "kind": _text(_one_of(ENTITY_KINDS), required=True),
        "sector": _text(_pattern(SLUG, "sector slug")),
        "sector_unverified": _text(_one_of(BOOL_TEXT), required=True),
        "status": _text(_one_of(STATUSES), required=True),
        "origin": _text(),
        "origin_class": _text(_one_of(ORIGIN_CLASSES)),
        "presence": _text(),
        "address": _text(),
        "location_precision": _text(_one_of(LOCATION_PRECISIONS), required=True),
        "location_code": _text(),
        "lat": _number(
            "Float64",
            Check.in_range(MEDELLIN_BBOX[1], MEDELLIN_BBOX[3], error="lat_bbox"),
        ),
        "lon": _number(
            "Float64",
            Check.in_range(
                MEDELLIN_BBOX[0],
                MEDELLIN_BBOX[2],
                error="lon_bbox",
            ),
        ),
        "location_source": _text(_pattern(SOURCE_ID, "source id")),
        "founded": _number("Int64", Check.in_range(1800, 2100, error="year")),
        "arrived": _number("Int64", Check.in_range(1800, 2100, error="year")),
        "website": _text(Check.str_startswith("https://", error="https")),
        "sources": _text(_pattern(SOURCE_LIST, "list of source ids (S1;S2)"), required=True),
        "note": _text(),
    },
    strict=True,
)

STAFF = DataFrameSchema(
    {
        "entity_id": _text(_pattern(SLUG, "slug"), required=True),
        "staff": _number("Int64", NON_NEGATIVE, required=True),
        "qualifier": _text(_one_of(QUALIFIERS), required=True),
        "as_of": _text(_pattern(PARTIAL_DATE, "date (YYYY, YYYY-MM or YYYY-MM-DD)")),
        "scope": _text(_one_of(STAFF_SCOPES), required=True),
        "source_id": _text(_pattern(SOURCE_ID, "source id"), required=True),
        "note": _text(),
    },
    strict=True,
)

FUNDING = DataFrameSchema(
    {
        "event_id": _text(_pattern(SLUG, "slug"), required=True, unique=True),
        "entity_id": _text(_pattern(SLUG, "slug"), required=True),
        "amount_usd": _number("Float64", NON_NEGATIVE),
        "amount_cop": _number("Float64", NON_NEGATIVE),
        "event_type": _text(_one_of(FUNDING_TYPES), required=True),
        "round": _text(),
        "date": _text(_pattern(PARTIAL_DATE, "date (YYYY, YYYY-MM or YYYY-MM-DD)")),
        "qualifier": _text(_one_of(QUALIFIERS), required=True),
        "source_id": _text(_pattern(SOURCE_ID, "source id"), required=True),
        "note": _text(),
    },
    strict=True,
)

SERIES = DataFrameSchema(
    {
        "series_id": _text(_pattern(SLUG, "slug"), required=True, unique=True),
        "publisher": _text(required=True),
        "metric": _text(_pattern(r"^[a-z0-9_]+$", "metric name"), required=True),
        "period_start": _number("Int64", Check.in_range(1900, 2100, error="year"), required=True),
        "period_end": _number("Int64", Check.in_range(1900, 2100, error="year"), required=True),
        "value": _number("Float64", required=True),
        "qualifier": _text(_one_of(QUALIFIERS), required=True),
        "scope": _text(),
        "derived": _text(_one_of(BOOL_TEXT), required=True),
        "source_id": _text(_pattern(SOURCE_ID, "source id"), required=True),
        "note": _text(),
    },
    strict=True,
)

# File name -> schema, in the order files are checked (referenced files first).
SCHEMAS: Final[dict[str, pa.DataFrameSchema]] = {
    "sources.csv": SOURCES,
    "sectors.csv": SECTORS,
    "districts.csv": DISTRICTS,
    "entities.csv": ENTITIES,
    "staff.csv": STAFF,
    "funding.csv": FUNDING,
    "series.csv": SERIES,
}
BOOL_COLUMNS: Final = {"entities.csv": ("sector_unverified",), "series.csv": ("derived",)}
