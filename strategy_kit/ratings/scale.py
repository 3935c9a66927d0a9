"""What raters rate and how their answers become numbers (docs/method.md §Many raters).

Every rated table is one line of :data:`RATED`: the table, the columns naming an item and
the column holding its value. A table added to the case format (``goal_audiences``) is rated
as soon as it is listed here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..case.schema import KIND_OF_TABLE, TABLES
from ..errors import close_match

__all__ = ["DONT_KNOW", "LEVELS", "RATED", "Rated", "level_of", "likely_rating", "parse_value",
           "rated"]

#: The words of the scale and the number each stands for (the middle of its third).
LEVELS: dict[str, float] = {"low": 0.2, "medium": 0.5, "high": 0.8}
#: A number below LOW_BELOW is "low", above HIGH_ABOVE "high", in between "medium".
LOW_BELOW = 1 / 3
HIGH_ABOVE = 2 / 3
#: What a rater may write for "I don't know" (a blank cell means the same).
DONT_KNOW = ("don't know", "dont know", "don’t know", "?", "dk", "n/a", "na", "-")
ALLOWED = "low, medium or high, a number from 0 to 1, or blank / \"don't know\""


@dataclass(frozen=True)
class Rated:
    """A rated table: which columns name an item, which column holds its value."""

    table: str
    key: tuple[str, ...]
    value: str

    @property
    def sheet(self) -> str:
        """The sheet (and CSV file stem) of a rating workbook: the table, or its value."""
        return self.value if self.key == ("id",) else self.table

    def kinds(self) -> tuple[str, ...]:
        """The kind of thing each key column names (``audience``, ``interest``, …)."""
        t = TABLES[self.table]
        if self.key == ("id",):
            return (KIND_OF_TABLE[self.table],)
        return tuple(KIND_OF_TABLE[t.col(k).ref or ""] for k in self.key)


_SPEC = (
    Rated("audiences", ("id",), "influence"),
    Rated("audience_interests", ("audience", "interest"), "weight"),
    Rated("goal_interests", ("goal", "interest"), "strength"),
    Rated("goal_audiences", ("goal", "audience"), "influence"),
    Rated("moment_interests", ("moment", "interest"), "relevance"),
    Rated("format_audiences", ("format", "audience"), "fit"),
    Rated("ally_audiences", ("ally", "audience"), "reach"),
    Rated("frame_interests", ("frame", "interest"), "relevance"),
)
#: The rated tables of this case format, in the order of the rating sheets.
RATED: tuple[Rated, ...] = tuple(r for r in _SPEC if r.table in TABLES)


def rated(name: str) -> Rated:
    """The rated table whose table or sheet name is ``name``."""
    for r in RATED:
        if name in (r.table, r.sheet):
            return r
    raise KeyError(name)


def level_of(x: float) -> str:
    """The word of a number: low below 1/3, high above 2/3, medium in between."""
    return "low" if x < LOW_BELOW else "high" if x > HIGH_ABOVE else "medium"


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DECIMAL_COMMA = re.compile(r"^\d*,\d+$")


def parse_value(raw: object) -> float | None:
    """A rating as a number in [0, 1]; None for blank or "don't know".

    Raises ``ValueError`` (with what is allowed) for anything else.
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    if isinstance(raw, bool):
        raise ValueError(ALLOWED)
    if isinstance(raw, int | float):
        x = float(raw)
    else:
        text = str(raw).strip().lower()
        if text == "" or text in DONT_KNOW:
            return None
        if text in LEVELS:
            return LEVELS[text]
        if not _NUMBER.match(text):
            raise ValueError(ALLOWED)
        x = float(text)
    if not 0.0 <= x <= 1.0:
        raise ValueError(ALLOWED)
    return x


def likely_rating(text: str) -> str | None:
    """The rating a participant probably meant: ``0.6`` for ``0,6``, ``high`` for ``hihg``.

    A decimal comma is refused in a rating sheet as in the case's own tables (where
    ``case/checks.likely_fix`` proposes the same point), so both say the same thing.
    """
    t = text.strip().lower()
    if _DECIMAL_COMMA.match(t):
        return t.replace(",", ".")
    return close_match(t, tuple(LEVELS))
