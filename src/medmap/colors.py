"""Colours: the sector palette and the choropleth's classes."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Final

import pandas as pd

# Sequential blues for the choropleth (ColorBrewer Blues, 5 classes).
CHOROPLETH_COLORS: Final = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_VALUE_COLOR: Final = "#f7f7f7"
# Qualitative colours for sectors (ColorBrewer Set1 + Dark2), assigned in sorted slug order.
SECTOR_COLORS: Final = (
    "#e41a1c",
    "#377eb8",
    "#4daf4a",
    "#984ea3",
    "#ff7f00",
    "#a65628",
    "#f781bf",
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#17becf",
)
UNKNOWN_SECTOR_COLOR: Final = "#444"
# Origin classes (Okabe-Ito: distinguishable with the common colour-vision deficiencies).
ORIGIN_COLORS: Final = {
    "homegrown": "#009E73",
    "colombian": "#E69F00",
    "international": "#0072B2",
    "not-reported": "#999999",
}


def sector_colors(sectors: Iterable[str]) -> dict[str, str]:
    """A stable colour per sector slug."""
    return {s: SECTOR_COLORS[i % len(SECTOR_COLORS)] for i, s in enumerate(sorted(set(sectors)))}


def class_breaks(values: pd.Series, classes: int = len(CHOROPLETH_COLORS)) -> list[float]:
    """Upper bounds of quantile classes over the positive values: whole numbers, distinct, ascending."""
    positive = values[values > 0].dropna()
    if positive.empty:
        return []
    quantiles = positive.quantile([(i + 1) / classes for i in range(classes)]).tolist()
    return sorted({float(math.ceil(q)) for q in quantiles})


def class_colors(breaks: list[float]) -> list[str]:
    """The colour of each class in ``breaks``: the darkest ones when there are fewer classes."""
    return list(CHOROPLETH_COLORS[len(CHOROPLETH_COLORS) - len(breaks) :])


def color_for(value: float | None, breaks: list[float]) -> str:
    if value is None or pd.isna(value) or value <= 0 or not breaks:
        return NO_VALUE_COLOR
    for upper, color in zip(breaks, class_colors(breaks), strict=True):
        if value <= upper:
            return color
    return CHOROPLETH_COLORS[-1]
