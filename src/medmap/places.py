"""Barrio and comuna names written in ``location_code``, resolved to their official codes.

A row placed at ``barrio`` or ``comuna`` precision may name its place, as the
official layer of that level writes it, instead of giving its code: "El Poblado",
"el  poblado" and "EL POBLADO" are comuna 14 at ``comuna`` precision and barrio
1418 at ``barrio`` precision. Accents, case, punctuation and spacing are ignored
("Moscu No 2" is "Moscú No.2"). A name the layer gives to several places ("La
Florida": barrio 1417 and vereda 8001) is ambiguous; an unknown name is reported
with the closest official names. A known code stays as it is, and a
value that looks like a code but is not one is left to the unknown-code check of
:func:`medmap.data.entity_problems`, so its message does not change.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final, NamedTuple, Protocol

import pandas as pd

from medmap.problems import Problem, line_of
from medmap.search import fold

NAMED_LEVELS: Final = ("barrio", "comuna")
MAX_SUGGESTIONS: Final = 3
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


def _places(layer: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """Folded official name -> its (name, code) places, by code."""
    places: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, code in sorted(zip(layer["name"], layer["code"], strict=True), key=lambda p: p[1]):
        places[fold_name(str(name))].append((str(name), str(code)))
    return dict(places)


def _listed(places: list[tuple[str, str]]) -> str:
    return ", ".join(f"{name} ({code})" for name, code in places)


class _Outcome(NamedTuple):
    """What one distinct written value is: a place (``kind="code"``), a problem, or left alone."""

    kind: str  # "code", a problem code, or "" (looks like a code: the code check reports it)
    name: str = ""  # the official name, for "code"
    code: str = ""  # its code, for "code"
    details: str = ""  # the listed candidates, for a problem


def _resolve_one(value: str, places: dict[str, list[tuple[str, str]]]) -> _Outcome:
    folded = fold_name(value)
    found = places.get(folded, [])
    if len(found) == 1:
        return _Outcome("code", *found[0])
    if found:
        return _Outcome("ambiguous_name", details=_listed(found))
    if _CODE_LIKE.fullmatch(value.strip()):
        return _Outcome("")
    close = (
        difflib.get_close_matches(folded, list(places), n=MAX_SUGGESTIONS)
        or [
            # A short form of a long name: "Santa Elena" for "Corregimiento de Santa Elena".
            name
            for name in places
            if f" {folded} " in f" {name} "
        ][:MAX_SUGGESTIONS]
    )
    if not close:
        return _Outcome("unknown_name_no_close")
    return _Outcome("unknown_name", details=_listed([p for name in close for p in places[name]]))


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
        places = _places(layer)
        outcomes = {value: _resolve_one(value, places) for value in values.unique()}
        kinds = values.map({value: outcome.kind for value, outcome in outcomes.items()})
        named = values[kinds == "code"]
        if not named.empty:
            codes.loc[named.index] = named.map({v: o.code for v, o in outcomes.items()})
            resolved.append(
                pd.DataFrame(
                    {
                        "line": [line_of(i) for i in named.index],
                        "written": named.to_numpy(dtype=object),
                        "name": named.map({v: o.name for v, o in outcomes.items()}).to_numpy(
                            dtype=object
                        ),
                        "code": codes.loc[named.index].to_numpy(dtype=object),
                    }
                )
            )
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
