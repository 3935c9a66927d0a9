"""Cells people open in a spreadsheet: text stays text, never a formula (OWASP CSV injection).

A spreadsheet that imports a CSV file evaluates a cell beginning with ``=``, ``+``, ``-`` or
``@`` (and, in some programs, a tab or a carriage return) as a formula: a case name such as
``=HYPERLINK("http://x","y")`` would become a live link in the sheet a participant opens.
:func:`neutralise` prefixes such text with a ``'`` (OWASP's advice, which spreadsheets show as
text); :func:`restore` undoes exactly that, so that the kit's readers get back what was written.

The rule is a bijection: text that already begins with one or more ``'`` followed by one of
those characters gets one more ``'``, and :func:`restore` removes one. Plain numbers (``-0.5``,
``+3``, ``1e-3``) are numbers, not formulas, and are left as they are.

Standard library only; frames are handled by duck typing (``DataFrame.map``).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

__all__ = ["FORMULA_START", "formula_like", "formula_warnings", "neutralise", "neutralise_frame",
           "restore", "restore_frame"]

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_RISKY = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

T = TypeVar("T")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (it is not a plain number)."""
    return text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text)


def neutralise(value: T) -> T | str:
    """``value`` as a CSV cell meant for people: formula-like text gets a leading ``'``.

    Anything that is not text (a number, a date, None) is returned as it is.
    """
    if not isinstance(value, str) or _NUMBER.fullmatch(value):
        return value
    return "'" + value if _RISKY.match(value) else value


def restore(value: T) -> T | str:
    """Undo :func:`neutralise`: ``'=x`` → ``=x``, ``''=x`` → ``'=x``; anything else unchanged."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def neutralise_frame(df: Any) -> Any:
    """A copy of a pandas frame with every text cell neutralised (numbers stay numbers)."""
    return df.map(neutralise) if len(df.columns) else df


def restore_frame(df: Any) -> Any:
    """A copy of a pandas frame with every cell :func:`restore`-d."""
    return df.map(restore) if len(df.columns) else df


def formula_warnings(tables: Any, limit: int = 20) -> list[str]:
    """One line per text cell of ``tables`` (name → frame) that a spreadsheet could run.

    ``validate`` prints them as warnings: the kit writes such text as text everywhere, but a
    person copying it into a spreadsheet by hand may not (docs/security.md).
    """
    found: list[str] = []
    for name, df in tables.items():
        for column in df.columns:
            for n, v in enumerate(df[column], start=2):
                if isinstance(v, str) and formula_like(v):
                    shown = v if len(v) <= 40 else v[:39] + "…"
                    found.append(f"{name}.csv, row {n}, column '{column}': '{shown}' begins "
                                 "like a spreadsheet formula (=, +, -, @, tab or carriage "
                                 "return); the kit writes it as text, but check it is meant")
    return found[:limit] + ([f"… and {len(found) - limit} more"] if len(found) > limit else [])
