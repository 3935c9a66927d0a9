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
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .body import Block, csv_rows, fast_columns
from .cells import attention_error, fast_dates, parse_date

__all__ = ["TRENDS_STEPS", "looks_like_trends", "looks_like_wide", "pick_series", "wide_records"]

#: Google Trends' first header cell, by the step of its rows.
TRENDS_STEPS = {"day": 1, "week": 7, "month": 30}
#: What Google Trends' "<1" (interest above zero, below one) is read as.
BELOW_ONE = 0.5
_DATE_NAMES = {"date", "day", "week", "month", "time", "datetime", "timestamp"}
_SLASHED = re.compile(r"(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})")
_Rows = list[tuple[int, list[str]]]
#: (line, date text, value text): the two cells of a row a wide table is read for.
_Cells = list[tuple[int, str, str]]


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


def _date_order(path: Path, rows: _Cells) -> str:
    """Day-month or month-day order of slashed dates, from the whole column (never a guess)."""
    firsts, seconds = [], []
    for _line, date, _value in rows:
        found = _SLASHED.fullmatch(date.strip())
        if found and len(found.group(1)) <= 2:
            firsts.append(int(found.group(1)))
            seconds.append(int(found.group(2)))
    if not firsts:
        return "ymd"
    if max(seconds) > 12 >= max(firsts):
        return "mdy"
    if max(firsts) > 12 >= max(seconds):
        return "dmy"
    raise attention_error(path, rows[0][0], "dates like 1/2/17 can be day/month or month/day "
                          "and no date of the file tells which; write them as YYYY-MM-DD",
                          rows[0][1])


def _parse_date(path: Path, line: int, text: str, order: str) -> pd.Timestamp:
    found = _SLASHED.fullmatch(text)
    if found and order != "ymd":
        a, b, y = (int(g) for g in found.groups())
        y = y + 2000 if y < 100 else y
        month, day = (a, b) if order == "mdy" else (b, a)
        try:
            return pd.Timestamp(y, month, day)
        except ValueError:
            pass
    return parse_date(path, line, text)


def pick_series(path: Path, header: list[str], first: tuple[int, list[str]],
                series: str | None, trends: bool) -> int:
    """The index of the column read.

    ``series`` picks it by name (or by its term, for Google Trends); by default the first
    column whose value on the first data row ``first`` is a number.
    """
    names = [h.strip() for h in header]
    columns = names[1:]
    if not columns:
        raise attention_error(path, first[0] - 1, "a date column and no series after it")
    if series is None:  # the first column whose first value is a number
        row = first[1]
        numeric = [i for i in range(1, len(names))
                   if i < len(row) and re.fullmatch(r"<1|[\d.,eE+-]*", row[i].strip())]
        if not numeric:
            raise attention_error(path, first[0], "no numeric column after the date column",
                                  ",".join(row), "a date column, then one number per series")
        col = numeric[0]
    else:
        short = [re.sub(r"\s*:\s*\(.+\)$", "", c).strip('"') for c in columns]
        matches = [i + 1 for i, (c, s) in enumerate(zip(columns, short, strict=True))
                   if series in (c, s)]
        if not matches:
            raise attention_error(path, None, "no such series", series,
                                  ", ".join(f"'{c}'" for c in columns))
        col = matches[0]
    step = TRENDS_STEPS.get(names[0].lower(), 1) if trends else 1
    if step > 1:
        raise attention_error(path, first[0] - 1, f"Google Trends rows by {names[0].lower()}, "
                              "not by day; Trends gives daily rows for a period of up to 9 "
                              "months: download a shorter period", names[0])
    return col


def _fast_block(block: Block, col: int, trends: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """(dates, values) of a block read column-wise, or None when a cell needs a closer look."""
    frame = fast_columns(block, sorted({0, col}))
    if frame is None or col == 0:
        return None
    when = fast_dates(frame[0])
    if when is None:
        return None
    text = frame[col].str.strip()
    empty = (text == "").to_numpy()
    below = (text == "<1").to_numpy() if trends else np.zeros(len(text), dtype=bool)
    rest = text[~(empty | below)]
    if not trends:
        rest = rest.str.replace(",", "", regex=False)
    try:
        numbers = rest.to_numpy(dtype=object).astype(np.float64)
    except (TypeError, ValueError):
        return None
    if not (np.isfinite(numbers).all() and (numbers >= 0).all()):
        return None
    values = np.full(len(text), math.nan)
    values[below] = BELOW_ONE
    values[~(empty | below)] = numbers
    return when, values


def _records(path: Path, name: str, rows: _Cells, trends: bool) -> pd.DataFrame:
    """The records of the cells of a wide table's column ``name``, read one by one."""
    order = _date_order(path, rows)
    out: dict[str, list] = {"line": [], "when": [], "share": []}
    for line, date, text in rows:
        when = _parse_date(path, line, date.strip(), order)
        text = text.strip()
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
                raise attention_error(path, line, f"'{name}' is not a number", text,
                                      "a number" + (" or <1" if trends else " (or empty)"))
            if value < 0:
                raise attention_error(path, line, f"negative '{name}'", text, "0 or more")
        for key, v in zip(out, (line, when, value), strict=True):
            out[key].append(v)
    return pd.DataFrame({"line": np.array(out["line"], dtype=np.int64),
                         "when": np.array(out["when"], dtype="datetime64[us]"),
                         "count": math.nan, "total": math.nan,
                         "share": np.array(out["share"], dtype=float)})


def wide_records(path: Path, header: list[str], col: int,
                 body: Callable[[], Iterable[Block]], trends: bool) -> pd.DataFrame:
    """The records (line, when, count, total, share) of column ``col`` of a wide table.

    ``body`` gives the blocks of the table's rows (afresh at each call). Every block is read
    column-wise when it can be; if one cannot, the table is read again cell by cell, keeping
    only the date and the picked column of each row (slashed dates are ordered from the whole
    column, so a block alone cannot say what they mean).
    """
    parts = []
    for block in body():
        fast = _fast_block(block, col, trends)
        if fast is None:
            break
        parts.append((np.arange(block.line, block.line + len(fast[0])), *fast))
    else:
        return pd.DataFrame({
            "line": np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.int64),
            "when": (np.concatenate([p[1] for p in parts]) if parts
                     else np.empty(0, "datetime64[us]")),
            "count": math.nan, "total": math.nan,
            "share": np.concatenate([p[2] for p in parts]) if parts else np.empty(0)})
    parts.clear()
    rows: _Cells = []
    for block in body():
        for n, row in csv_rows(path, block.data.decode("utf-8"), block.line):
            rows.append((n, row[0], row[col] if col < len(row) else ""))
    return _records(path, header[col].strip(), rows, trends)
