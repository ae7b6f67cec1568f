"""The app's CSS files as Streamlit receives them (``medmap.styles``)."""

from __future__ import annotations

import re

import pytest

from medmap.maps import MAP_HEIGHT
from medmap.styles import CSS_DIR, MAP_FRAME_KEY


@pytest.mark.parametrize("name", ["first-paint.css", "layout.css", "embed.css"])
def test_css_has_no_angle_bracket(name):
    # st.html's sanitizer drops a whole style file with a "<" anywhere in it, comments
    # included: every rule would silently be gone.
    assert "<" not in (CSS_DIR / name).read_text(encoding="utf-8")


def test_the_map_frame_follows_the_window_from_at_least_450_px():
    css = (CSS_DIR / "first-paint.css").read_text(encoding="utf-8")
    heights = re.findall(
        rf"\.st-key-{MAP_FRAME_KEY} iframe \{{\s*height: clamp\((\d+)px, calc\(100s?vh - \d+px\), (\d+)px\)",
        css,
    )
    assert len(heights) == 2  # desktop, phone
    for low, high in heights:
        # The frame's first height (before this CSS) lies in the range it is fitted to.
        assert int(low) == 450 and int(low) <= MAP_HEIGHT <= int(high)
