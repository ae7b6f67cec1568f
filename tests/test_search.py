import pandas as pd

from medmap.search import fold, search_entities


def test_fold_ignores_case_and_accents():
    assert fold("Medellín ÁREA") == "medellin area"


def test_search_keeps_rows_with_every_word():
    df = pd.DataFrame(
        {
            "name": ["Ruta N", "La Haus", "AI Fund"],
            "sector": ["innovation-agency", "proptech", "ai"],
        }
    )
    assert list(search_entities(df, "ruta")["name"]) == ["Ruta N"]
    assert list(search_entities(df, "  ")["name"]) == ["Ruta N", "La Haus", "AI Fund"]
    assert search_entities(df, "haus ai").empty
    assert list(search_entities(df, "PROPTECH haus")["name"]) == ["La Haus"]
