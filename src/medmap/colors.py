"""Colours: the sector palette, the choropleth's classes, and the contrast they must keep.

Both palettes stay distinguishable with the common colour-vision deficiencies:

- **Amounts** (the choropleth) use *cividis* (Nuñez, Anderton & Renslow 2018, as in
  matplotlib and Plotly), 5 samples from its light end to its dark end: a darker area
  has more, and the order survives greyscale and deuteranopia alike.
- **Sectors** use Okabe–Ito's colour-blind-safe set (Okabe & Ito 2008). It has 8
  colours and the data has ~33 sectors: cycling them would give unrelated sectors
  the same colour and invite wrong readings. So the 7 sectors with most companies
  get the 7 chromatic colours (its black is kept for outlines) and every other
  sector a neutral grey. Colour is never the only cue: each marker's tooltip names
  its sector, the sector chart beside the map labels every bar, and approximate
  points are dashed and hollow, institutions diamonds, support organisations squares.

What must keep a WCAG 3:1 contrast (non-text contrast, 1.4.11) is what identifies a
graphic: marker outlines against every area fill they can sit on, the chosen barrios'
outline, legend swatch and chart bar outlines against their background. The classes
themselves need not contrast with each other: their values are also text (tooltips,
legend, the "map as a table"). Sevilla and the district are named by labels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Final

import pandas as pd

# cividis sampled at 0, 1/4, 1/2, 3/4, 1 (plotly.colors.sample_colorscale), light to dark.
CHOROPLETH_COLORS: Final = ("#fee838", "#bcad6c", "#7d7c76", "#424e6c", "#00224e")
NO_VALUE_COLOR: Final = "#f7f7f7"
# Areas are filled at this opacity over the base map (the JavaScript reads it from here).
AREA_FILL_OPACITY: Final = 0.65
# What lies under the areas: Leaflet's own background (no tiles yet, or none allowed)
# and OpenStreetMap's land colour drawn at the map's tile opacity over it.
LEAFLET_BACKGROUND: Final = "#dddddd"
OSM_LAND: Final = "#f2efe9"
TILE_OPACITY: Final = 0.6

# Okabe–Ito without its black, in the published order; the largest sector first.
OKABE_ITO: Final = (
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#009e73",  # bluish green
    "#f0e442",  # yellow
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#cc79a7",  # reddish purple
)
OTHER_SECTOR_COLOR: Final = "#999999"  # Okabe–Ito's grey
# Origin classes (Okabe–Ito: distinguishable with the common colour-vision deficiencies).
ORIGIN_COLORS: Final = {
    "homegrown": "#009E73",
    "colombian": "#E69F00",
    "international": "#0072B2",
    "not-reported": OTHER_SECTOR_COLOR,
}
UNKNOWN_SECTOR_COLOR: Final = "#444444"
# Outlines that identify a graphic on any area fill (black: >= 3:1 on every class).
OUTLINE_COLOR: Final = "#000000"
# Marker fills of the non-company kinds (shape tells them apart too: diamonds, squares).
INSTITUTION_COLOR: Final = "#2b2d42"
SUPPORT_COLOR: Final = "#1b6f6a"
LEGEND_SWATCH_BORDER: Final = "#595959"


def sector_colors(sectors: Iterable[str], entities: pd.DataFrame | None = None) -> dict[str, str]:
    """A colour for every sector slug: Okabe–Ito for the sectors with most companies in
    ``entities`` (ties by slug), grey for the rest.

    Pass the entities *before* filtering, so a sector keeps its colour as filters change.
    """
    known = sorted(set(sectors))
    counts: dict[str, int] = {}
    if entities is not None:
        counts = entities.loc[entities["kind"] == "company", "sector"].value_counts().to_dict()
    present = [s for s in known if counts.get(s, 0) > 0]
    largest = sorted(present, key=lambda s: (-counts[s], s))[: len(OKABE_ITO)]
    colors = dict.fromkeys(known, OTHER_SECTOR_COLOR)
    colors.update(zip(largest, OKABE_ITO, strict=False))
    return colors


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


# --- contrast (WCAG 2.x definitions) ---------------------------------------------------


def rgb(color: str) -> tuple[int, int, int]:
    """``#rgb``, ``#rrggbb`` or ``rgb(r, g, b)`` / ``rgba(...)`` (alpha ignored) as integers."""
    color = color.strip().lower()
    if color.startswith("rgb"):
        parts = color[color.index("(") + 1 : color.index(")")].replace("/", ",").split(",")
        r, g, b = (round(float(p)) for p in parts[:3])
        return r, g, b
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(color: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(color: str, background: str, opacity: float) -> str:
    """``color`` drawn at ``opacity`` over ``background``, as ``#rrggbb``."""
    mixed = (
        round(opacity * c + (1 - opacity) * b)
        for c, b in zip(rgb(color), rgb(background), strict=True)
    )
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def lightness(color: str) -> float:
    """CIE L* (0 black to 100 white) of an sRGB colour."""
    y = relative_luminance(color)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def map_backgrounds() -> list[str]:
    """Every colour an area can show on the map: each class and the no-value fill, drawn
    at the areas' opacity over the bare map and over OSM's land."""
    bases = (LEAFLET_BACKGROUND, blend(OSM_LAND, LEAFLET_BACKGROUND, TILE_OPACITY))
    fills = (*CHOROPLETH_COLORS, NO_VALUE_COLOR)
    return [blend(fill, base, AREA_FILL_OPACITY) for fill in fills for base in bases]
