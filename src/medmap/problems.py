"""Problems found in data files: where (file, line, column), what (a code) and the value.

Its text is rendered from the code in the reader's language (the ``problem_<code>``
entries of :mod:`medmap.i18n`), so the CLI, the error page and the upload report
say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from medmap.i18n import CATALOG, DEFAULT_LANG, t

# Problems give line numbers in the file: the header is line 1, the first row line 2.
HEADER_LINE: Final = 1

# Every problem code that has a wording.
KNOWN_CODES: Final = frozenset(
    k.removeprefix("problem_") for k in CATALOG if k.startswith("problem_")
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a data file, located as precisely as known.

    ``row`` is the line number in the file (the header is line 1; 0 when the
    whole file is concerned). ``notice`` problems are reported but do not
    stop the rows from being used (e.g. an ignored extra column).
    """

    file: str
    row: int
    column: str
    code: str
    value: str = ""
    details: str = ""
    notice: bool = False

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return t(f"problem_{self.code}", lang, value=self.value, details=self.details)

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message()}"


def line_of(row_index: object) -> int:
    """The file line of a row read with a default index (0 is the first row after the header)."""
    return int(row_index) + HEADER_LINE + 1  # type: ignore[call-overload]
