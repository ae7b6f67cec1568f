"""Colours: colour-blind-safe palettes, and the WCAG contrast that graphics keep on the map."""

from __future__ import annotations

import pandas as pd
import plotly.colors
import pytest

from medmap.charts import BAR_OUTLINE
from medmap.colors import (
    AREA_FILL_OPACITY,
    CHOROPLETH_COLORS,
    LEGEND_SWATCH_BORDER,
    NO_VALUE_COLOR,
    OKABE_ITO,
    OTHER_SECTOR_COLOR,
    OUTLINE_COLOR,
    blend,
    contrast_ratio,
    lightness,
    map_backgrounds,
    rgb,
    sector_colors,
)

NON_TEXT = 3.0  # WCAG 1.4.11


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#767676", "#ffffff", 4.54), ("#777777", "#ffffff", 4.48)],
)
def test_contrast_ratio_matches_wcag_reference_values(a, b, ratio):
    assert contrast_ratio(a, b) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(b, a) == contrast_ratio(a, b)


def test_colours_parse_as_browsers_write_them():
    assert rgb("#fff") == rgb("#FFFFFF") == rgb("rgb(255, 255, 255)") == (255, 255, 255)
    assert rgb("rgba(184, 29, 52, 0.5)") == (184, 29, 52)
    assert blend("#000000", "#ffffff", 0.5) == "#808080"


def test_the_choropleth_is_cividis_from_light_to_dark():
    samples = plotly.colors.sample_colorscale("cividis", len(CHOROPLETH_COLORS))
    cividis = [tuple(int(v) for v in s[4:-1].split(",")) for s in samples]
    assert [rgb(c) for c in CHOROPLETH_COLORS] == cividis[::-1]
    # "More" is darker, step by step, by a clearly visible step (CIE L*).
    steps = [
        lightness(a) - lightness(b)
        for a, b in zip(CHOROPLETH_COLORS[:-1], CHOROPLETH_COLORS[1:], strict=True)
    ]
    assert all(step > 10 for step in steps), steps
    assert lightness(NO_VALUE_COLOR) > lightness(CHOROPLETH_COLORS[0])
    # The ends stay apart without hue (greyscale, any colour-vision deficiency).
    assert contrast_ratio(CHOROPLETH_COLORS[0], CHOROPLETH_COLORS[-1]) >= NON_TEXT


def test_marker_outlines_keep_3_to_1_on_every_area_colour():
    backgrounds = map_backgrounds()
    assert len(backgrounds) == 2 * (len(CHOROPLETH_COLORS) + 1)
    worst = min(contrast_ratio(OUTLINE_COLOR, bg) for bg in backgrounds)
    assert worst >= NON_TEXT, worst


def test_institution_diamonds_keep_3_to_1_through_fill_or_white_border():
    # markers.entity_marker: #2b2d42 diamond with a white border; one of them must contrast.
    for bg in map_backgrounds():
        best = max(contrast_ratio("#2b2d42", bg), contrast_ratio("#ffffff", bg))
        assert best >= NON_TEXT, bg


def test_legend_swatches_and_chart_bars_are_outlined_at_3_to_1():
    # The legend box is white at .92 over the map; its darkest possible look:
    legend = min(
        (blend("#ffffff", bg, 0.92) for bg in map_backgrounds()),
        key=lambda c: contrast_ratio(c, LEGEND_SWATCH_BORDER),
    )
    assert contrast_ratio(LEGEND_SWATCH_BORDER, legend) >= NON_TEXT
    assert contrast_ratio(BAR_OUTLINE["color"], "#ffffff") >= NON_TEXT  # plot_bgcolor


def test_the_chosen_barrios_outline_is_the_black_outline():
    # medmap-map.js draws chosen barrios with text.chosen, which maps._area_text sets.
    from medmap.maps import _area_text

    text = _area_text("en")
    assert text["chosen"] == OUTLINE_COLOR and text["fillOpacity"] == AREA_FILL_OPACITY


def test_the_largest_sectors_get_okabe_ito_and_the_rest_grey():
    entities = pd.DataFrame(
        {
            "kind": ["company"] * 12 + ["institution"] * 5,
            "sector": ["a"] * 3 + ["b"] * 2 + list("cdefghi") + ["z"] * 5,
        }
    )
    colors = sector_colors(list("abcdefghijz"), entities)
    assert colors["a"] == OKABE_ITO[0] and colors["b"] == OKABE_ITO[1]
    # Ties by slug; only 7 colours; institutions do not count (their markers are diamonds).
    assert [colors[s] for s in "cdefg"] == list(OKABE_ITO[2:])
    assert colors["h"] == colors["i"] == colors["j"] == colors["z"] == OTHER_SECTOR_COLOR
    assert len(set(OKABE_ITO)) == len(OKABE_ITO) and OTHER_SECTOR_COLOR not in OKABE_ITO


def test_shipped_sectors_keep_their_colour_whatever_the_filter(dataset, located):
    colors = sector_colors(dataset.sectors["sector"], located)
    assert set(colors) == set(dataset.sectors["sector"])
    assert colors["software-services"] == OKABE_ITO[0]
    assert sum(c in OKABE_ITO for c in colors.values()) == len(OKABE_ITO)
