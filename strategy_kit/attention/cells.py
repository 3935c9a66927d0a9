"""One cell of an attention export: a date or a number, read one by one or a column at once.

The one-by-one readers (:func:`parse_date`, :func:`parse_number`, :func:`cell`) say exactly
what is wrong and where; the column readers (:func:`fast_dates`, :func:`fast_numbers`) read a
whole column of a block at C speed and return None as soon as any cell is not plainly what
they can vouch for, so that the block is read again one by one (docs/attention.md, "Large
exports").
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import AttentionFileError
from ..files.present import presentable

__all__ = ["DATE_FORMS", "attention_error", "cell", "fast_dates", "fast_numbers", "parse_date",
           "parse_number"]

DATE_FORMS = "YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, YYYY-MM-DDTHH:MM:SSZ, YYYYMMDD or YYYYMMDDHHMMSS"
_DASHED = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?Z?")
#: The date forms read a column at once (``9`` a digit, anything else itself): every cell of
#: the column exactly so, else the block is read one cell at a time.
_FAST_FORMS = {
    "9999-99-99": "%Y-%m-%d",
    "9999-99-99 99:99:99": "%Y-%m-%d %H:%M:%S",
    "9999-99-99T99:99:99Z": "%Y-%m-%dT%H:%M:%SZ",
    "99999999": "%Y%m%d",
    "99999999999999": "%Y%m%d%H%M%S",
    "99999999T999999Z": "%Y%m%dT%H%M%SZ",
}


def attention_error(path: Path, line: int | None, message: str, value: str | None = None,
                    allowed: str | None = None) -> AttentionFileError:
    """The reader's error for ``path``: shown from its case folder on, never a local folder."""
    return AttentionFileError(path, line, message, value, allowed, shown=presentable(path))


def cell(path: Path, line: int, row: list[str], names: list[str], column: str) -> str:
    """The stripped cell of ``column`` (a lower-case header name) in ``row``."""
    i = names.index(column)
    if i >= len(row):
        raise attention_error(path, line, f"row has no '{column}' value", ",".join(row))
    return row[i].strip()


def parse_date(path: Path, line: int, text: str) -> pd.Timestamp:
    """A date or time in one of ``DATE_FORMS`` (a time zone is ignored: days are UTC days)."""
    found = _DASHED.fullmatch(text) or _COMPACT.fullmatch(text)
    if found:
        try:
            return pd.Timestamp(*(int(g or 0) for g in found.groups()))
        except ValueError:
            pass
    hint = " (a spreadsheet may have rewritten the dates)" if "/" in text or "." in text else ""
    raise attention_error(path, line, f"unreadable date{hint}", text, DATE_FORMS)


def parse_number(path: Path, line: int, text: str, column: str, *, required: bool = True
                 ) -> float:
    """A finite number of 0 or more; an empty cell is NaN when not ``required``."""
    if not text and not required:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise attention_error(path, line, f"'{column}' is not a number", text)
    if value < 0:
        raise attention_error(path, line, f"negative '{column}'", text, "0 or more")
    return value


def _shaped(values: np.ndarray, shape: str) -> bool:
    """Whether every text of ``values`` has the ``shape`` of a fast date form.

    Character by character: a vectorised test on the characters' codes, not a regular
    expression run on each cell.
    """
    width = len(shape)
    try:  # one more character than the shape: a longer text keeps a non-NUL there
        codes = values.astype(f"U{width + 1}").view(np.uint32).reshape(len(values), width + 1)
    except (TypeError, ValueError):
        return False
    if codes[:, width].any():
        return False
    digits = [i for i, c in enumerate(shape) if c == "9"]
    if not ((codes[:, digits] >= ord("0")) & (codes[:, digits] <= ord("9"))).all():
        return False
    return all((codes[:, i] == ord(c)).all() for i, c in enumerate(shape) if c != "9")


def fast_dates(values: pd.Series) -> np.ndarray | None:
    """A column of dates as ``datetime64[us]``, or None unless every cell has one fast form.

    The form is the first cell's; every cell must have its shape digit for digit (pandas alone
    would also read ``2017092`` as a date) and be a real date, so the result is what
    :func:`parse_date` gives cell by cell.
    """
    if values.empty or values.dtype != object:
        return None
    texts = values.to_numpy(dtype=object)
    first = texts[0]
    if not isinstance(first, str):
        return None
    shape = re.sub(r"\d", "9", first)
    form = _FAST_FORMS.get(shape)
    if form is None or not _shaped(texts, shape):
        return None
    try:
        parsed = pd.to_datetime(values, format=form, errors="coerce")
    except (TypeError, ValueError):
        return None
    if parsed.isna().any():
        return None
    return parsed.to_numpy().astype("datetime64[us]")


def fast_numbers(values: pd.Series) -> np.ndarray | None:
    """A column of numbers as float64, or None unless every cell is a finite number ≥ 0.

    Each cell is converted by Python's own ``float`` (as :func:`parse_number` does), so the
    values are the same to the last bit; an empty cell, a word, ``nan`` or a negative number
    sends the block to the cell-by-cell reader, which says what is wrong.
    """
    try:
        numbers = values.to_numpy(dtype=object).astype(np.float64)
    except (TypeError, ValueError):
        return None
    if not (np.isfinite(numbers).all() and (numbers >= 0).all()):
        return None
    return numbers
