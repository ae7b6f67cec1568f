"""Filters and the figures derived from them: pure functions over frames.

Empty selections mean "everything". A place filter (barrio or comuna) keeps
only entities with a known place; entities known only at city level cannot
match a neighbourhood.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

# Funding that a company raised (rounds, totals); acquisitions, fund sizes and
# public budgets are other kinds of money and are not summed with them.
RAISED_TYPES = ("round", "total_raised")


@dataclass(frozen=True)
class Filters:
    """What the user chose; codes and slugs only, exactly as in the URL."""

    comunas: tuple[str, ...] = ()
    barrios: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.comunas or self.barrios or self.sectors or self.kinds)


def barrio_options(barrios: pd.DataFrame, comunas: Iterable[str] = ()) -> list[str]:
    """Barrio codes, narrowed to the chosen comunas when there are any."""
    chosen = set(comunas)
    rows = barrios[barrios["comuna_code"].isin(chosen)] if chosen else barrios
    return sorted(rows["code"])


def filter_entities(entities: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The entities the filters keep (located frame from :func:`medmap.geo.locate_entities`)."""
    keep = pd.Series(True, index=entities.index)
    if filters.barrios:
        keep &= entities["barrio_code"].isin(filters.barrios).fillna(False)
    elif filters.comunas:
        keep &= entities["comuna_code"].isin(filters.comunas).fillna(False)
    if filters.sectors:
        keep &= entities["sector"].isin(filters.sectors).fillna(False)
    if filters.kinds:
        keep &= entities["kind"].isin(filters.kinds)
    keep = keep.astype(bool)
    # Nothing filtered out: the same frame (copy-on-write), not a copy of a large registry.
    return entities if keep.all() else entities[keep]


def dropped_values(
    requested: Mapping[str, Iterable[str]], allowed: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
    """Values asked for in a link that are not valid options, per parameter."""
    dropped: dict[str, list[str]] = {}
    for param, values in requested.items():
        valid = set(allowed.get(param, ()))
        bad = [v for v in dict.fromkeys(values) if v not in valid]
        if bad:
            dropped[param] = bad
    return dropped


def latest_staff(staff: pd.DataFrame) -> pd.DataFrame:
    """The most recent reported Medellín headcount per entity (planned figures excluded).

    Undated figures rank below dated ones; ties keep the larger, dated-later row.
    """
    current = staff[(staff["scope"] == "medellin") & (staff["qualifier"] != "planned")].copy()
    current["_order"] = current["as_of"].fillna("")
    current = current.sort_values(["entity_id", "_order", "staff"])
    return current.groupby("entity_id", as_index=False).tail(1).drop(columns="_order")


def largest_raised(funding: pd.DataFrame) -> pd.DataFrame:
    """The largest reported amount raised (round or total) per entity, in US$."""
    raised = funding[funding["event_type"].isin(RAISED_TYPES) & funding["amount_usd"].notna()]
    raised = raised.sort_values(["entity_id", "amount_usd"])
    return raised.groupby("entity_id", as_index=False).tail(1)


@dataclass(frozen=True)
class Kpis:
    companies: int
    staff_total: int
    staff_reporting: int
    funding_total: float
    funding_reporting: int
    institutions: int


def compute_kpis(entities: pd.DataFrame, staff: pd.DataFrame, funding: pd.DataFrame) -> Kpis:
    """Headline figures for the filtered entities; only reported values are summed."""
    is_company = (entities["kind"] == "company") & (entities["status"] != "context")
    ids = set(entities.loc[is_company, "entity_id"])
    staff_rows = latest_staff(staff)
    staff_rows = staff_rows[staff_rows["entity_id"].isin(ids)]
    funding_rows = largest_raised(funding)
    funding_rows = funding_rows[funding_rows["entity_id"].isin(ids)]
    return Kpis(
        companies=int(is_company.sum()),
        staff_total=int(staff_rows["staff"].sum()),
        staff_reporting=len(staff_rows),
        funding_total=float(funding_rows["amount_usd"].sum()),
        funding_reporting=len(funding_rows),
        institutions=int((entities["kind"] == "institution").sum()),
    )


def per_area(
    entities: pd.DataFrame, staff: pd.DataFrame, funding: pd.DataFrame, area: str = "barrio_code"
) -> pd.DataFrame:
    """Entities, reported staff and funding per area code (``barrio_code`` or ``comuna_code``).

    Only entities placed in an area count; staff and funding are summed over
    the entities that report them, and stay missing where none does.
    """
    placed = entities.loc[entities[area].notna(), ["entity_id", area]]
    counts = placed.groupby(area)["entity_id"].count()

    def summed(rows: pd.DataFrame, column: str) -> pd.Series:
        # Only the reporting entities are joined (a registry may have 100,000 rows).
        reporting = placed[placed["entity_id"].isin(rows["entity_id"])]
        joined = reporting.merge(rows[["entity_id", column]], on="entity_id")
        return joined.groupby(area)[column].sum(min_count=1).reindex(counts.index)

    return pd.DataFrame(
        {
            "entities": counts,
            "staff": summed(latest_staff(staff), "staff"),
            "funding": summed(largest_raised(funding), "amount_usd"),
        }
    ).rename_axis(area)
