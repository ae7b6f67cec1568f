"""Filters and the figures derived from them: pure functions over frames.

Empty selections mean "everything". A place filter (barrio or comuna) keeps
only entities with a known place; entities known only at city level cannot
match a neighbourhood.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from medmap.schemas import ORGANISATION_KINDS, ORIGIN_CLASSES

# Funding that a company raised (rounds, totals); acquisitions, fund sizes and
# public budgets are other kinds of money and are not summed with them.
RAISED_TYPES = ("round", "total_raised")
ORIGIN_NOT_REPORTED = "not-reported"
ORIGIN_OPTIONS = (*ORIGIN_CLASSES, ORIGIN_NOT_REPORTED)


@dataclass(frozen=True)
class Filters:
    """What the user chose; codes and slugs only, exactly as in the URL."""

    comunas: tuple[str, ...] = ()
    barrios: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    # "As of" this year; None shows every year. Entities with no year are kept or not.
    year: int | None = None
    undated: bool = True

    @property
    def is_empty(self) -> bool:
        chosen = (self.comunas, self.barrios, self.sectors, self.kinds, self.origins)
        return not any(chosen) and self.year is None


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
    if filters.origins:
        keep &= origin_codes(entities).isin(filters.origins)
    if filters.year is not None:
        year = year_in_medellin(entities)
        keep &= year.isna().to_numpy() & filters.undated | (year <= filters.year).fillna(False)
    keep = keep.astype(bool)
    # Nothing filtered out: the same frame (copy-on-write), not a copy of a large registry.
    return entities if keep.all() else entities[keep]


def origin_codes(entities: pd.DataFrame) -> pd.Series:
    """Each entity's origin class, ``not-reported`` where no source says (as in the URL)."""
    return entities["origin_class"].fillna(ORIGIN_NOT_REPORTED).replace("", ORIGIN_NOT_REPORTED)


def year_in_medellin(entities: pd.DataFrame) -> pd.Series:
    """The year a source says the entity is in Medellín from; missing when none says.

    ``arrived`` when stated; otherwise ``founded``, but only for homegrown entities:
    a company founded elsewhere (Skillshare, New York 2010) was not in Medellín then.
    """
    founded_here = entities["founded"].where(entities["origin_class"] == "homegrown")
    return entities["arrived"].fillna(founded_here).astype("Int64")


def timeline_years(entities: pd.DataFrame, funding: pd.DataFrame) -> list[int]:
    """The years the year control steps through: every year an entity arrives or a
    dated funding event happens, ascending."""
    years = set(year_in_medellin(entities).dropna().astype(int))
    years |= set(event_years(funding).dropna().astype(int))
    return sorted(years)


def event_years(funding: pd.DataFrame) -> pd.Series:
    """The year of each funding event (dates are partial: YYYY, YYYY-MM or YYYY-MM-DD)."""
    return pd.to_numeric(funding["date"].str[:4], errors="coerce").astype("Int64")


def as_of(frames: dict[str, pd.DataFrame], year: int | None) -> dict[str, pd.DataFrame]:
    """Staff, funding and series known by the end of ``year`` (all of them when None).

    Undated staff figures are kept (no source dates them); undated funding events are not
    (they cannot be placed in a year); series keep the periods that end by ``year``.
    """
    if year is None:
        return frames
    staff, funding, series = frames["staff"], frames["funding"], frames["series"]
    staff_year = pd.to_numeric(staff["as_of"].str[:4], errors="coerce")
    event_year = event_years(funding)
    return {
        "staff": staff[(staff_year.isna() | (staff_year <= year)).to_numpy(bool)],
        "funding": funding[(event_year.notna() & (event_year <= year)).to_numpy(bool)],
        "series": series[(series["period_end"] <= year).fillna(False).to_numpy(bool)],
    }


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
    # Every kind but companies: institutions and the support layer (coworkings, funds, ...).
    organisations: int


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
        organisations=int(entities["kind"].isin(ORGANISATION_KINDS).sum()),
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
