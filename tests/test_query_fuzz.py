"""Property-based tests: random and malicious links never break the app."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from medmap.data import load_dataset
from medmap.geo import load_barrios, load_comunas
from tests.conftest import ROOT, view_widget

APP = str(ROOT / "app.py")
# Read at import, not from conftest's fixtures: hypothesis builds its strategies when
# the tests are decorated, before any fixture exists.
BARRIOS = load_barrios(ROOT / "geo")
COMUNAS = load_comunas(ROOT / "geo")
SECTORS = sorted(load_dataset(ROOT / "data", BARRIOS["code"], COMUNAS["code"]).sectors["sector"])
VALID = {
    "comuna": sorted(COMUNAS["code"]),
    "barrio": sorted(BARRIOS["code"]),
    "sector": SECTORS,
    "kind": ["company", "institution"],
    "lang": ["en", "es"],
}
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "`${alert(1)}`",
    "0407' OR '1'='1",
    "../../etc/passwd",
    "Ω≈ç√∫˜µ≤≥÷ 🚀",
    "\u202e0407",
    "x" * 5000,
]


def value_for(param: str):
    return st.one_of(
        st.sampled_from(VALID[param]),
        st.sampled_from(HOSTILE),
        st.text(min_size=1, max_size=40),
    )


links = st.fixed_dictionaries(
    {},
    optional={
        param: st.lists(value_for(param), min_size=1, max_size=4)
        for param in ("comuna", "barrio", "sector", "kind")
    }
    | {"lang": value_for("lang")},
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(links)
def test_any_link_renders_and_keeps_only_valid_values(link):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    requested = {k: v if isinstance(v, list) else [v] for k, v in link.items()}
    comunas = [c for c in requested.get("comuna", []) if c in VALID["comuna"]]
    allowed_barrios = (
        set(BARRIOS[BARRIOS["comuna_code"].isin(comunas)]["code"])
        if comunas
        else set(VALID["barrio"])
    )
    expected = {
        "comuna": list(dict.fromkeys(comunas)),
        "barrio": list(
            dict.fromkeys(b for b in requested.get("barrio", []) if b in allowed_barrios)
        ),
        "sector": list(
            dict.fromkeys(s for s in requested.get("sector", []) if s in VALID["sector"])
        ),
        "kind": list(dict.fromkeys(k for k in requested.get("kind", []) if k in VALID["kind"])),
    }
    for key, values in expected.items():
        assert view_widget(at.multiselect, key).value == values, key
    lang = requested.get("lang", ["en"])[0]
    assert at.button_group(key="lang").value == (lang if lang in VALID["lang"] else "en")
    invalid = any(
        v not in (allowed_barrios if k == "barrio" else VALID[k])
        for k, vs in requested.items()
        for v in vs
    )
    assert bool(at.warning) == invalid
    # The notice shows values as inert code, never as markup.
    for warning in at.warning:
        assert "<script>" not in warning.value or "`<script>" in warning.value
