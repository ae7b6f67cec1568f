"""Place names in location_code: resolved to codes once per distinct value, or reported."""

from __future__ import annotations

import difflib
import time

import pandas as pd
import pytest

from medmap.places import _Names, fold_name, resolve_place_names


def rows(*pairs: tuple[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "location_precision": [precision for precision, _ in pairs],
            "location_code": [code for _, code in pairs],
        }
    )


def resolve(layers, *pairs):
    return resolve_place_names(rows(*pairs), layers.barrios, layers.comunas)


def test_fold_name_ignores_accents_case_punctuation_and_spacing():
    assert fold_name("  Moscú   No.2 ") == fold_name("moscu no 2") == "moscu no 2"
    assert fold_name("María Cano-Carambolas") == "maria cano carambolas"


def test_codes_stay_and_a_frame_of_codes_is_returned_as_is(layers):
    frame = rows(("barrio", "0407"), ("comuna", "14"), ("city", None))
    result = resolve_place_names(frame, layers.barrios, layers.comunas)
    assert result.entities is frame
    assert result.problems == []
    assert result.resolved.empty


@pytest.mark.parametrize(
    ("precision", "written", "code", "name"),
    [
        ("comuna", "El Poblado", "14", "El Poblado"),
        ("comuna", "  el   POBLADO ", "14", "El Poblado"),
        ("barrio", "El Poblado", "1418", "El Poblado"),
        ("barrio", "SEVILLA", "0407", "Sevilla"),
        ("barrio", "Bombona No 1", "1015", "Bomboná No.1"),
        ("comuna", "Belen", "16", "Belén"),
    ],
)
def test_a_name_resolves_to_its_level_code(layers, precision, written, code, name):
    result = resolve(layers, (precision, written))
    assert result.problems == []
    assert list(result.entities["location_code"]) == [code]
    assert result.resolved.to_dict("records") == [
        {"line": 2, "written": written, "name": name, "code": code}
    ]


def test_ambiguous_and_unknown_names_are_reported_with_candidates(layers):
    result = resolve(
        layers,
        ("barrio", "La Florida"),
        ("barrio", "Sevila"),
        ("comuna", "Santa Elena"),
        ("barrio", "xqzw"),
        ("barrio", "9999"),
    )
    assert [str(p) for p in result.problems] == [
        "entities.csv:2:location_code: the name 'La Florida' is shared by several places: "
        "La Florida (1417), La Florida (8001); write the code",
        "entities.csv:3:location_code: unknown place name 'Sevila'; closest: Sevilla (0407)",
        "entities.csv:4:location_code: unknown place name 'Santa Elena'; "
        "closest: Corregimiento de Santa Elena (90)",
        "entities.csv:5:location_code: unknown place name 'xqzw'; "
        "no official name is close: write the code",
    ]
    # A code-like value is left to the unknown-code check; problem rows keep what was written.
    assert list(result.entities["location_code"]) == [
        "La Florida",
        "Sevila",
        "Santa Elena",
        "xqzw",
        "9999",
    ]
    assert list(result.unresolved) == [0, 1, 3, 2]


def test_each_distinct_value_is_resolved_once(layers):
    n = 100_000
    frame = rows(*[("barrio", "el poblado"), ("comuna", "Belén"), ("barrio", "0407")] * (n // 4))
    start = time.perf_counter()
    result = resolve_place_names(frame, layers.barrios, layers.comunas)
    assert time.perf_counter() - start < 5
    assert set(result.entities["location_code"]) == {"1418", "16", "0407"}
    assert len(result.resolved) == 2 * (n // 4)


def test_closest_names_are_difflib_s_and_short_forms_come_first(layers):
    result = resolve(
        layers, ("barrio", "Manrique"), ("barrio", "San Javiér"), ("comuna", "Poblado")
    )
    assert [p.details for p in result.problems] == [
        "Manrique Oriental (0308), Manrique Central No.2 (0307), Manrique Central No.1 (0409)",
        "San Javier No.2 (1308), San Javier No.1 (1309), San José (8008)",
        "El Poblado (14), Robledo (07)",
    ]


def test_suggestions_match_difflib_on_every_name(layers):
    names = _Names(layers.barrios)
    # Each official name with one letter dropped: never a whole-word short form.
    queries = [name[:-1] for name in names.folded if len(name) > 4]
    closest = names._closest(queries)
    for query in queries:
        if any(f" {query} " in f" {name} " for name in names.folded):
            continue
        assert closest[query] == difflib.get_close_matches(query, names.folded, n=3), query


def test_a_file_of_street_addresses_is_reported_quickly(layers):
    frame = rows(*[("barrio", f"Calle {i // 50} # {i % 50}-{i % 7}") for i in range(5_000)])
    start = time.perf_counter()
    result = resolve_place_names(frame, layers.barrios, layers.comunas)
    assert time.perf_counter() - start < 5
    assert {p.code for p in result.problems} == {"unknown_name_no_close"}
