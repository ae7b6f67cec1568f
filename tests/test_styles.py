"""The app's CSS files as Streamlit receives them (``medmap.styles``)."""

from __future__ import annotations

import re

import pytest

from medmap.maps import MAP_HEIGHT
from medmap.styles import CSS_DIR, MAP_FRAME_KEY


@pytest.mark.parametrize("name", ["layout.css", "embed.css"])
def test_css_has_no_angle_bracket(name):
    # st.html's sanitizer drops a whole style file with a "<" anywhere in it, comments
    # included: every rule would silently be gone.
    assert "<" not in (CSS_DIR / name).read_text(encoding="utf-8")


def test_the_reserved_map_height_is_the_maps_height():
    css = (CSS_DIR / "layout.css").read_text(encoding="utf-8")
    rule = re.search(rf"\.st-key-{MAP_FRAME_KEY}\s*\{{\s*min-height:\s*(\d+)px", css)
    assert rule is not None and int(rule.group(1)) == MAP_HEIGHT
