"""Read Google Trends exports and plain wide CSVs: a date column and one or more numeric series.

Google Trends' "Interest over time" CSV starts with ``Category: …`` and a blank line, then a
header ``Day`` (or ``Week``, ``Month``) and one column per search term, ``term: (Country)``;
``<1`` marks interest below one. News-analysis projects publish plain wide tables: a date
column, then one column per series (sentences, stories, or a percentage of them per day).
docs/attention.md says what each gives and how the kit reads it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

__all__ = ["TRENDS_STEPS", "looks_like_trends", "looks_like_wide", "wide_records"]

#: Google Trends' first header cell, by the step of its rows.
TRENDS_STEPS = {"day": 1, "week": 7, "month": 30}
#: What Google Trends' "<1" (interest above zero, below one) is read as.
BELOW_ONE = 0.5
_DATE_NAMES = {"date", "day", "week", "month", "time", "datetime", "timestamp"}
_SLASHED = re.compile(r"(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})")
_Rows = list[tuple[int, list[str]]]


def looks_like_trends(header: list[str], preamble: list[str]) -> bool:
    """Whether a header (and the lines before it) are Google Trends' interest over time."""
    first = header[0].strip().lower() if header else ""
    terms = [h for h in header[1:] if re.search(r":\s*\(.+\)\s*$", h)]
    return first in TRENDS_STEPS and (bool(terms) or any(
        p.lower().startswith("category:") for p in preamble))


def looks_like_wide(header: list[str], rows: _Rows) -> bool:
    """Whether a header names a date column first and the first row has a date there."""
    if len(header) < 2 or not rows:
        return False
    if header[0].strip().lower() in _DATE_NAMES:
        return True
    first = rows[0][1][0].strip() if rows[0][1] else ""
    return bool(_SLASHED.fullmatch(first) or re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}.*", first))


def _date_order(path: Path, rows: _Rows, error: type[Exception]) -> str:
    """Day-month or month-day order of slashed dates, from the whole column (never a guess)."""
    firsts, seconds = [], []
    for _line, row in rows:
        found = _SLASHED.fullmatch(row[0].strip())
        if found and len(found.group(1)) <= 2:
            firsts.append(int(found.group(1)))
            seconds.append(int(found.group(2)))
    if not firsts:
        return "ymd"
    if max(seconds) > 12 >= max(firsts):
        return "mdy"
    if max(firsts) > 12 >= max(seconds):
        return "dmy"
    raise error(path, rows[0][0], "dates like 1/2/17 can be day/month or month/day and no "
                "date of the file tells which; write them as YYYY-MM-DD", rows[0][1][0])


def _parse_date(path: Path, line: int, text: str, order: str, iso: object) -> pd.Timestamp:
    found = _SLASHED.fullmatch(text)
    if found and order != "ymd":
        a, b, y = (int(g) for g in found.groups())
        y = y + 2000 if y < 100 else y
        month, day = (a, b) if order == "mdy" else (b, a)
        try:
            return pd.Timestamp(y, month, day)
        except ValueError:
            pass
    return iso(path, line, text)  # type: ignore[operator,no-any-return]


def wide_records(path: Path, header: list[str], rows: _Rows, series: str | None,
                 trends: bool, error: type[Exception], iso: object) -> tuple[str, list[tuple]]:
    """The (line, date, value) records of one series of a wide table; its column's name.

    ``series`` picks a column by name (or by its term, for Google Trends); by default the
    first. ``error`` is the reader's error class and ``iso`` its ISO date parser.
    """
    names = [h.strip() for h in header]
    columns = names[1:]
    if not columns:
        raise error(path, rows[0][0] - 1, "a date column and no series after it")
    if series is None:  # the first column whose first value is a number
        first = rows[0][1]
        numeric = [i for i in range(1, len(names))
                   if i < len(first) and re.fullmatch(r"<1|[\d.,eE+-]*", first[i].strip())]
        if not numeric:
            raise error(path, rows[0][0], "no numeric column after the date column",
                        ",".join(first), "a date column, then one number per series")
        col = numeric[0]
    else:
        short = [re.sub(r"\s*:\s*\(.+\)$", "", c).strip('"') for c in columns]
        matches = [i + 1 for i, (c, s) in enumerate(zip(columns, short, strict=True))
                   if series in (c, s)]
        if not matches:
            raise error(path, None, "no such series", series,
                        ", ".join(f"'{c}'" for c in columns))
        col = matches[0]
    step = TRENDS_STEPS.get(names[0].lower(), 1) if trends else 1
    if step > 1:
        raise error(path, rows[0][0] - 1, f"Google Trends rows by {names[0].lower()}, not by "
                    "day; Trends gives daily rows for a period of up to 9 months: download a "
                    "shorter period", names[0])
    order = _date_order(path, rows, error)
    records = []
    for line, row in rows:
        when = _parse_date(path, line, row[0].strip(), order, iso)
        text = row[col].strip() if col < len(row) else ""
        if trends and text == "<1":
            value = BELOW_ONE
        elif not text:
            value = math.nan  # a missing day: interpolated later, and marked filled
        else:
            try:
                value = float(text.replace(",", "")) if not trends else float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise error(path, line, f"'{names[col]}' is not a number", text,
                            "a number" + (" or <1" if trends else " (or empty)"))
            if value < 0:
                raise error(path, line, f"negative '{names[col]}'", text, "0 or more")
        records.append((line, when, value))
    return names[col], records
