"""Free-text search over entity names, sectors and notes."""

from __future__ import annotations

import unicodedata

import pandas as pd

SEARCHED_COLUMNS = ("name", "sector", "origin", "presence", "note", "barrio_name", "comuna_name")


def fold(text: str) -> str:
    """Lower case without accents, so "medellin" finds "Medellín"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_entities(entities: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """Rows whose text contains every word of the query (accent- and case-insensitive)."""
    words = fold(query or "").split()
    if not words:
        return entities
    haystack = (
        entities[[c for c in SEARCHED_COLUMNS if c in entities.columns]]
        .astype("string")
        .fillna("")
        .agg(" ".join, axis=1)
        .map(fold)
    )
    keep = pd.Series(True, index=entities.index)
    for word in words:
        keep &= haystack.str.contains(word, regex=False)
    return entities[keep]
