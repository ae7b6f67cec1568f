"""Barrio and comuna names written in ``location_code``, resolved to their official codes.

A row placed at ``barrio`` or ``comuna`` precision may name its place, as the
official layer of that level writes it, instead of giving its code: "El Poblado",
"el  poblado" and "EL POBLADO" are comuna 14 at ``comuna`` precision and barrio
1418 at ``barrio`` precision. Accents, case, punctuation and spacing are ignored
("Moscu No 2" is "Moscú No.2"). A name the layer gives to several places ("La
Florida": barrio 1417 and vereda 8001) is ambiguous (problem ``ambiguous_name``);
an unknown name is reported with the closest official names (``unknown_name``, or
``unknown_name_no_close``). A known code stays as it is, and a value that looks
like a code but is not one ("9999") is left to the unknown-code check of
:func:`medmap.data.entity_problems`, so its message does not change.
"""

from __future__ import annotations

import difflib
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, NamedTuple, Protocol

import numpy as np
import pandas as pd

from medmap.problems import Problem, line_of
from medmap.search import fold

NAMED_LEVELS: Final = ("barrio", "comuna")
MAX_SUGGESTIONS: Final = 3
_CUTOFF: Final = 0.6  # difflib's default similarity for a close name
_NEAR_CUTOFF: Final = _CUTOFF - 1e-9  # the same bound in numpy's floating point
_BLOCK: Final = 500  # queries compared at once (500 × 332 names × ~30 letters)
RESOLVED_COLUMNS: Final = ("line", "written", "name", "code")
# A code, not a name: one word with a digit ("0407", "Inst_11", "AE3", "14"; also "9999").
_CODE_LIKE = re.compile(r"[A-Za-z_]*\d[A-Za-z0-9_]*")
_NOT_LETTERS = re.compile(r"[\W_]+")


class NamedLayers(Protocol):
    """The barrio and comuna layers (as :class:`medmap.geo.Layers`): ``code`` and ``name``."""

    @property
    def barrios(self) -> pd.DataFrame: ...

    @property
    def comunas(self) -> pd.DataFrame: ...


def empty_resolved() -> pd.DataFrame:
    """No row resolved: the columns of :attr:`Resolution.resolved`."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in RESOLVED_COLUMNS})


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve_place_names` did to a frame of entities.

    ``entities`` carries codes where names were written; ``resolved`` lists each
    row whose name became a code (``line``, the name as ``written``, the official
    ``name`` and its ``code``); ``unresolved`` is the index of the rows whose name
    is reported in ``problems`` (ambiguous or unknown).
    """

    entities: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    resolved: pd.DataFrame = field(default_factory=empty_resolved)
    unresolved: pd.Index = field(default_factory=lambda: pd.Index([]))


def fold_name(text: str) -> str:
    """A place name with accents, case, punctuation and repeated spaces ignored."""
    return " ".join(_NOT_LETTERS.sub(" ", fold(text)).split())


class _Names:
    """The official names of one level, folded once: exact look-up and closest names."""

    def __init__(self, layer: pd.DataFrame):
        places: dict[str, list[tuple[str, str]]] = defaultdict(list)
        by_code = sorted(zip(layer["name"], layer["code"], strict=True), key=lambda p: str(p[1]))
        for name, code in by_code:
            places[fold_name(str(name))].append((str(name), str(code)))
        # Folded name -> its (name, code) places, by code; most names have one place.
        self.places = dict(places)
        self.folded = list(self.places)
        self._alphabet = {c: i for i, c in enumerate(sorted(set("".join(self.folded))))}
        self._counts = self._letter_counts(self.folded)
        self._lengths = np.array([len(name) for name in self.folded])

    def _letter_counts(self, texts: list[str]) -> np.ndarray:
        """One row per text, one column per letter of the official names: how many times."""
        counts = np.zeros((len(texts), len(self._alphabet)), dtype=np.int16)
        for row, text in enumerate(texts):
            for letter, times in Counter(text).items():
                if letter in self._alphabet:
                    counts[row, self._alphabet[letter]] = times
        return counts

    def outcomes(self, values: Iterable[str]) -> dict[str, _Outcome]:
        """What each distinct written value is."""
        outcomes: dict[str, _Outcome] = {}
        unknown: dict[str, str] = {}  # written value -> folded, for the closest names
        for value in values:
            folded = fold_name(value)
            found = self.places.get(folded, [])
            if len(found) == 1:
                outcomes[value] = _Outcome("code", *found[0])
            elif found:
                outcomes[value] = _Outcome("ambiguous_name", details=_listed(found))
            elif _CODE_LIKE.fullmatch(value.strip()):
                outcomes[value] = _Outcome("")
            else:
                unknown[value] = folded
        closest = self._closest(list(dict.fromkeys(unknown.values())))
        for value, folded in unknown.items():
            places = [place for name in closest[folded] for place in self.places[name]]
            outcomes[value] = (
                _Outcome("unknown_name", details=_listed(places))
                if places
                else _Outcome("unknown_name_no_close")
            )
        return outcomes

    def _closest(self, queries: list[str]) -> dict[str, list[str]]:
        """Up to three folded names per folded query, closest first.

        First the names holding the query as whole words (a short form: "Manrique" for
        "Manrique Central No.1"), then ``difflib.get_close_matches``. Its cheap upper bound
        (``quick_ratio``: the letters two names share) is computed for a block of queries
        at once, and only the names that pass it are compared letter by letter: the same
        result, without 5,000 × 332 comparisons for a file of 5,000 street addresses.
        """
        closest: dict[str, list[str]] = {}
        for start in range(0, len(queries), _BLOCK):
            block = queries[start : start + _BLOCK]
            lengths = np.array([len(query) for query in block])
            counts = self._letter_counts(block)
            shared = np.minimum(counts[:, None, :], self._counts[None, :, :]).sum(axis=2)
            bound = 2.0 * shared / (lengths[:, None] + self._lengths[None, :])
            for row, query in enumerate(block):
                holding = [
                    self.folded[j]
                    for j in np.flatnonzero(shared[row] == lengths[row])
                    if f" {query} " in f" {self.folded[j]} "
                ]
                similar = self._most_similar(query, bound[row])
                ranked = sorted(holding, key=lambda name, q=query: -_ratio(q, name)) + similar
                closest[query] = list(dict.fromkeys(ranked))[:MAX_SUGGESTIONS]
        return closest

    def _most_similar(self, query: str, bound: np.ndarray) -> list[str]:
        """``difflib.get_close_matches(query, names)``, comparing as few names as it can.

        Names are compared in decreasing order of their upper bound, and no longer once
        the bound is below the third best similarity found: it cannot change the result.
        """
        matcher = difflib.SequenceMatcher(b=query)
        found: list[tuple[float, str]] = []
        enough = _NEAR_CUTOFF  # the similarity a name must be able to reach to count
        for j in np.argsort(-bound, kind="stable"):
            if bound[j] < enough:
                break
            matcher.set_seq1(self.folded[j])
            if (ratio := matcher.ratio()) >= _CUTOFF:
                found.append((ratio, self.folded[j]))
                if len(found) >= MAX_SUGGESTIONS:
                    enough = heapq.nlargest(MAX_SUGGESTIONS, found)[-1][0] - 1e-9
        return [name for _, name in heapq.nlargest(MAX_SUGGESTIONS, found)]


def _ratio(query: str, name: str) -> float:
    return difflib.SequenceMatcher(a=name, b=query).ratio()


def _listed(places: list[tuple[str, str]]) -> str:
    return ", ".join(f"{name} ({code})" for name, code in places)


class _Outcome(NamedTuple):
    """What one distinct written value is: a place (``kind="code"``), a problem, or left alone."""

    kind: str  # "code", a problem code, or "" (looks like a code: the code check reports it)
    name: str = ""  # the official name, for "code"
    code: str = ""  # its code, for "code"
    details: str = ""  # the listed candidates, for a problem


def resolve_place_names(
    entities: pd.DataFrame,
    barrios: pd.DataFrame,
    comunas: pd.DataFrame,
    file: str = "entities.csv",
) -> Resolution:
    """Replace barrio and comuna names in ``location_code`` by their codes, or report them.

    ``barrios`` and ``comunas`` have ``code`` and ``name`` columns (the geo layers).
    Each distinct written value is resolved once, so a 100,000-row registry costs
    as much as its distinct names. The frame is returned unchanged when every
    value is already a code.
    """
    precision, written = entities["location_precision"], entities["location_code"]
    codes = written.copy()
    problems: list[Problem] = []
    resolved: list[pd.DataFrame] = []
    unresolved: list[object] = []
    for level, layer in zip(NAMED_LEVELS, (barrios, comunas), strict=True):
        chosen = precision.eq(level).fillna(False).astype(bool) & written.notna()
        values = written[chosen]
        values = values[~values.isin(set(layer["code"]))].astype(str)
        if values.empty:
            continue
        outcomes = _Names(layer).outcomes(values.unique())
        kinds = values.map({value: outcome.kind for value, outcome in outcomes.items()})
        named = values[kinds == "code"]
        if not named.empty:
            codes.loc[named.index] = named.map({v: o.code for v, o in outcomes.items()})
            resolved.append(_resolved_rows(named, outcomes))
        reported = values[~kinds.isin(["code", ""])]
        unresolved += list(reported.index)
        for index, value in reported.items():
            outcome = outcomes[value]
            problems.append(
                Problem(file, line_of(index), "location_code", outcome.kind, value, outcome.details)
            )
    if not resolved and not problems:
        return Resolution(entities)
    table = (
        pd.concat(resolved, ignore_index=True).sort_values("line", ignore_index=True)
        if resolved
        else empty_resolved()
    )
    return Resolution(
        entities.assign(location_code=codes),
        sorted(problems),
        table,
        pd.Index(unresolved),
    )


def _resolved_rows(named: pd.Series, outcomes: dict[str, _Outcome]) -> pd.DataFrame:
    """The upload panel's "written -> official name (code)" rows for names that resolved."""
    return pd.DataFrame(
        {
            "line": [line_of(i) for i in named.index],
            "written": named.to_numpy(dtype=object),
            "name": named.map({v: o.name for v, o in outcomes.items()}).to_numpy(dtype=object),
            "code": named.map({v: o.code for v, o in outcomes.items()}).to_numpy(dtype=object),
        }
    )
