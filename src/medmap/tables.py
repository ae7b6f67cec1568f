"""Tables and labels for display and download: plain text, translated, never HTML."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from medmap.data import Dataset
from medmap.filters import largest_raised, latest_staff, origin_codes
from medmap.i18n import format_count, format_usd, t
from medmap.schemas import APPROXIMATE_PRECISIONS, ENTITY_KINDS


def entity_table(
    shown: pd.DataFrame, data: Dataset, sector_labels: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """The table rows for the Companies page and CSV download (plain text, no HTML)."""
    staff = latest_staff(data.staff).set_index("entity_id")
    funding = largest_raised(data.funding).set_index("entity_id")
    urls = dict(zip(data.sources["source_id"], data.sources["url"], strict=True))
    rows = pd.DataFrame(
        {
            "name": shown["name"],
            "kind": shown["kind"].map(lambda k: t(f"kind_{k}", lang)),
            "sector": shown["sector"].map(
                lambda s: sector_labels.get(s, s) if isinstance(s, str) else ""
            ),
            "sector_unverified": shown["sector_unverified"],
            "barrio": shown["barrio_name"].fillna("—"),
            "comuna": shown["comuna_name"].fillna("—"),
            "location_precision": shown["location_precision"].map(
                lambda p: t(f"precision_{p}", lang)
            ),
            "staff": shown["entity_id"].map(staff["staff"]).astype("Int64"),
            "funding_usd": shown["entity_id"].map(funding["amount_usd"]),
            "status": shown["status"].map(lambda s: t(f"status_{s}", lang)),
            "origin": origin_codes(shown).map(lambda o: t(f"origin_{o}", lang)),
            "founded": shown["founded"].astype("Int64"),
            "arrived": shown["arrived"].astype("Int64"),
            "sources": shown["sources"],
            "source_links": shown["sources"].map(
                lambda ids: [urls.get(i) for i in str(ids).split(";") if urls.get(i)]
            ),
        }
    )
    return rows.reset_index(drop=True)


def figure_labels(data: Dataset, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """Display text of each entity's latest staff and largest funding, with qualifiers."""
    staff = latest_staff(data.staff)
    funding = largest_raised(data.funding)
    return (
        {
            r.entity_id: qualified(format_count(r.staff, lang), r.qualifier, lang, r.as_of)
            for r in staff.itertuples()
        },
        {
            r.entity_id: qualified(format_usd(r.amount_usd, lang), r.qualifier, lang, r.date)
            for r in funding.itertuples()
        },
    )


def qualified(text: str, qualifier: str, lang: str, date: object = None) -> str:
    prefix = t(f"qualifier_{qualifier}", lang)
    when = f" ({date})" if isinstance(date, str) and date else ""
    return f"{prefix} {text}{when}".strip()


def kind_counts(entities: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Entities per kind (schema order) and how many have a map point, with a total row."""
    on_map = entities["location_precision"].isin(("coordinates", *APPROXIMATE_PRECISIONS))
    rows = [
        {
            "kind": t(f"kind_{kind}", lang),
            "entities": int((entities["kind"] == kind).sum()),
            "on_map": int((on_map & (entities["kind"] == kind)).sum()),
        }
        for kind in ENTITY_KINDS
    ]
    rows.append({"kind": t("total", lang), "entities": len(entities), "on_map": int(on_map.sum())})
    return pd.DataFrame(rows)
