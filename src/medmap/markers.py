"""The markers of a view and its "Not on the map" list, as plain data for the map's script.

Each marker is a dict that ``leaflet.MarkerLayer`` hands to ``medmap-map.js``: its place,
its accessible name, its tooltip and popup (escaped HTML), its shape and colours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import pandas as pd

from medmap.colors import OUTLINE_COLOR, SUPPORT_COLOR, UNKNOWN_SECTOR_COLOR
from medmap.escaping import leaflet_html
from medmap.i18n import format_count, t
from medmap.popups import entity_popup, entity_tooltip, sources_links

COMPANY_CLASS: Final = "medmap-company"
INSTITUTION_CLASS: Final = "medmap-institution"
# Coworkings, incubators, funds, associations and programmes: squares (data/README.md, "Kinds").
SUPPORT_CLASS: Final = "medmap-support"
APPROX_CLASS: Final = "medmap-approx"
AGGREGATE_CLASS: Final = "medmap-area-count"
# Precisions with no point on the map, as the "Not on the map" control groups them.
UNPLACED_GROUPS: Final = ("city", "outside")


@dataclass(frozen=True)
class EntityText:
    """Display text for markers: sector labels by slug; staff, funding by entity id; source
    URLs by source id; district labels by district code."""

    sectors: Mapping[str, str]
    staff: Mapping[str, str]
    funding: Mapping[str, str]
    source_urls: Mapping[str, str]
    districts: Mapping[str, str] = field(default_factory=dict)


def unplaced_entries(
    entities: pd.DataFrame, sector_labels: Mapping[str, str], lang: str
) -> dict[str, list[dict]]:
    """The entities with no map point, by group, as the map's "Not on the map" box lists them.

    Plain text (the box writes it with ``textContent``), sorted by name.
    """
    entries = {}
    for group in UNPLACED_GROUPS:
        rows = entities[entities["location_precision"] == group].sort_values("name")
        reason = t(f"unplaced_reason_{group}", lang)
        entries[group] = [
            {"name": name, "sector": sector_labels.get(sector, sector or ""), "reason": reason}
            for name, sector in zip(rows["name"], rows["sector"], strict=True)
        ]
    return entries


def entity_marker(row: Mapping, text: EntityText, colors: Mapping[str, str], lang: str) -> dict:
    """One entity's marker for ``MarkerLayer``: a diamond for institutions, a square for the
    support layer (coworkings, funds, ...), a circle for companies filled with its sector's
    colour inside a black outline (visible on every area colour); approximate points are
    dashed and hollow."""
    not_reported = t("not_reported", lang)
    sector = text.sectors.get(row["sector"], row["sector"] or "")
    popup = entity_popup(
        row,
        sector,
        text.staff.get(row["entity_id"], not_reported),
        text.funding.get(row["entity_id"], not_reported),
        sources_links(row["sources"], text.source_urls),
        lang,
        area=text.districts.get(row.get("district_code")),
    )
    marker = {
        "lat": round(row["geometry"].y, 6),
        "lon": round(row["geometry"].x, 6),
        "name": str(row["name"]),
        "tooltip": entity_tooltip(row, lang, sector),
        "popup": popup,
    }
    approx = bool(row["approximate"])
    approx_class = f" {APPROX_CLASS}" if approx else ""
    if row["kind"] == "institution":
        border = "dashed" if approx else "solid"
        marker["icon"] = (
            f'<div class="{INSTITUTION_CLASS}{approx_class}" '
            f'style="width:14px;height:14px;background:#2b2d42;border:2px {border} #fff;'
            'transform:rotate(45deg);box-shadow:0 0 2px #000"></div>'
        )
    elif row["kind"] != "company":
        border = "dashed" if approx else "solid"
        marker["icon"] = (
            f'<div class="{SUPPORT_CLASS}{approx_class}" '
            f'style="width:13px;height:13px;background:{SUPPORT_COLOR};border:2px {border} #fff;'
            'box-shadow:0 0 2px #000"></div>'
        )
    else:
        color = colors.get(row["sector"], UNKNOWN_SECTOR_COLOR)
        marker["style"] = {
            "radius": 7,
            "color": OUTLINE_COLOR,
            "weight": 1.5,
            "fillColor": color,
            "fillOpacity": 0.25 if approx else 0.9,
            "dashArray": "3 3" if approx else None,
            "className": f"{COMPANY_CLASS}{approx_class}",
        }
    return marker


def area_count_markers(aggregates: pd.DataFrame, lang: str) -> list[dict]:
    """One counted circle per area, for ``MarkerLayer``."""
    markers = []
    for row in aggregates.itertuples():
        label = t("area_count", lang, n=format_count(row.count, lang), area=row.name)
        markers.append(
            {
                "lat": round(row.lat, 6),
                "lon": round(row.lon, 6),
                "style": {
                    "radius": min(4 + math.sqrt(row.count) / 2, 30),
                    "color": OUTLINE_COLOR,
                    "weight": 1,
                    "fillColor": "#e4572e",
                    "fillOpacity": 0.7,
                    "className": AGGREGATE_CLASS,
                },
                "name": label,
                "tooltip": leaflet_html(label),
            }
        )
    return markers
