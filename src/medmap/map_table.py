"""The map as a table: the areas the choropleth colours, with the very values it colours them by.

A screen reader or a keyboard cannot read colours off a map; this table gives the
same numbers. It is built from the :class:`~medmap.maps.Choropleth` the map receives,
so the two cannot drift apart.
"""

from __future__ import annotations

import pandas as pd

from medmap.maps import Choropleth


def map_table(choropleth: Choropleth, areas: pd.DataFrame) -> pd.DataFrame:
    """One row per area in ``choropleth.values``: ``code``, ``name`` (from ``areas``, the
    level's shapes with ``code`` and ``name``) and ``value``, most first; a missing value
    (unreported staff or funding) stays missing and comes last."""
    values = choropleth.values
    names = areas.set_index("code")["name"]
    codes = values.index.astype(str)
    table = pd.DataFrame(
        {"code": codes, "name": codes.map(names), "value": values.to_numpy(dtype="float64")}
    )
    return table.sort_values(
        ["value", "code"], ascending=[False, True], na_position="last", ignore_index=True
    )
