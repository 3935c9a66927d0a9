"""Check a case's tables: each column (with pandera), then references across tables.

Each function returns the problems it found, with file, row (as a spreadsheet numbers it),
column, value, what is allowed and a close match.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import Problem, close_match
from ..params import FIRST_DATE, LAST_DATE
from .recurrence import ALLOWED as RECURRENCE_ALLOWED
from .recurrence import rule_problem
from .schema import (
    ID_ALLOWED,
    ID_PATTERN,
    KIND_OF_TABLE,
    TABLES,
    Col,
    Table,
)

__all__ = ["column_problems", "cross_problems"]


# -- column checks (pandera) ------------------------------------------------------------------


def _is_number(s: pd.Series, low: float, high: float = np.inf) -> pd.Series:
    v = pd.to_numeric(s, errors="coerce")
    return v.between(low, high)


def _is_date(s: pd.Series) -> pd.Series:
    days = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    in_range = days.between(pd.Timestamp(FIRST_DATE), pd.Timestamp(LAST_DATE))
    return in_range & s.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)


def _checks(col: Col) -> list[pa.Check]:
    def allowing_blank(fn: Any, name: str) -> pa.Check:
        if col.blank_ok:
            return pa.Check(lambda s: (s.str.strip() == "") | fn(s), name=name)
        return pa.Check(fn, name=name)

    match col.kind:
        case "id":
            return [pa.Check(lambda s: s.str.fullmatch(ID_PATTERN).fillna(False), name=ID_ALLOWED)]
        case "score":
            return [allowing_blank(lambda s: _is_number(s, 0.0, 1.0), "a number from 0 to 1")]
        case "days":
            return [allowing_blank(lambda s: _is_number(s, 0.0), "a number of days, 0 or more")]
        case "amount":  # issue 22: person-days, a budget
            return [allowing_blank(lambda s: _is_number(s, 0.0), "a number, 0 or more")]
        case "posdays":
            return [
                allowing_blank(lambda s: _is_number(s, 1e-9), "a number of days greater than 0")
            ]
        case "date":
            return [allowing_blank(_is_date, f"a date that exists, written YYYY-MM-DD, "
                                   f"from {FIRST_DATE.year} to {LAST_DATE.year}")]
        case "enum":
            allowed = ", ".join(col.values)
            return [allowing_blank(lambda s: s.isin(col.values), f"one of {allowed}")]
        case "recurrence":
            return [pa.Check(lambda s: s.map(lambda v: rule_problem(v) is None).astype(bool),
                             name=RECURRENCE_ALLOWED)]
        case _:  # text, ref, refs: presence only; references are checked across tables
            if col.blank_ok:
                return []
            return [pa.Check(lambda s: s.str.strip() != "", name="a non-empty value")]


def _schema(table: Table) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {c.name: pa.Column(str, _checks(c), unique=c.kind == "id") for c in table.columns},
        strict=False,
    )


def likely_fix(col: Col, value: str | None) -> str | None:
    """The value the user probably meant, for a bad number or date (None when no guess)."""
    if value is None:
        return None
    v = value.strip()
    if col.kind in ("score", "days", "posdays", "amount"):
        if re.fullmatch(r"-?\d+,\d+", v):  # a decimal comma: 0,7
            return v.replace(",", ".")
        pct = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*%?", v)
        if col.kind == "score" and pct:
            x = float(pct[1].replace(",", "."))
            if 1 < x <= 100:  # a percentage typed for a fraction: 70 → 0.70
                return f"{x / 100:.2f}"
        return None
    if col.kind == "date":
        m = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", v)
        if m:
            d, mo, y = int(m[1]), int(m[2]), m[3]
            first = f"{y}-{mo:02d}-{d:02d}" if mo <= 12 else f"{y}-{d:02d}-{mo:02d}"
            other = f"{y}-{d:02d}-{mo:02d}"
            if d <= 12 and mo <= 12 and d != mo:  # 12/03/2027: day first, or month first
                return f"{first}' (day first) or '{other}"
            return first
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", v):
            return v[:10]  # a date cell that also holds a time of day
        m = re.fullmatch(r"(\d{4})[./](\d{1,2})[./](\d{1,2})", v)
        if m:
            return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    return None


def column_problems(table: Table, df: pd.DataFrame) -> list[Problem]:
    """Problems of each column of one table: type, range, allowed values, ids, duplicates."""
    try:
        _schema(table).validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        out = []
        fc = e.failure_cases
        for _, f in fc.iterrows():
            row = None if pd.isna(f["index"]) else int(f["index"])
            value = None if pd.isna(f["failure_case"]) else str(f["failure_case"])
            if f["check"] == "field_uniqueness":
                msg, allowed = "duplicate id", "each id once in the table"
            else:
                msg, allowed = "bad value", str(f["check"])
            col = next((c for c in table.columns if c.name == f["column"]), None)
            out.append(Problem(table.file, msg, row=row, column=f["column"], value=value,
                               allowed=allowed,
                               suggestion=likely_fix(col, value) if col else None))
        return sorted(out, key=lambda p: (p.row or 0, p.column or ""))
    return []


# -- checks across columns and tables ---------------------------------------------------------


def cross_problems(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Problems across tables: references to unknown ids, and items left without interests."""
    problems: list[Problem] = []
    ids = {name: list(df["id"]) for name, df in frames.items() if "id" in df.columns}
    for name, df in frames.items():
        table = TABLES[name]
        for col in table.columns:
            if col.kind not in ("ref", "refs") or col.ref not in ids:
                continue
            known = set(ids[col.ref])
            cells = df[col.name]
            # a cell holding one known id as it is needs no look (most cells of a large table)
            for row, cell in cells[~cells.isin(ids[col.ref])].items():
                values = cell.split(";") if col.kind == "refs" else [cell]
                for v in (x.strip() for x in values):
                    if v and v not in known:
                        listed = col.kind == "refs" and "," in v
                        problems.append(
                            Problem(
                                table.file,
                                f"ids in a list are separated by ';', not ',' ('{v}')"
                                if listed else
                                f"no {KIND_OF_TABLE[col.ref]} '{v}' in {col.ref}.csv",
                                row=int(row),
                                column=col.name,
                                value=v,
                                allowed=f"ids from {col.ref}.csv separated by ';'" if listed
                                else f"an id from {col.ref}.csv",
                                suggestion=";".join(x.strip() for x in v.split(","))
                                if listed else close_match(v, ids[col.ref]),
                            )
                        )
        if table.key:
            dup = df[df.duplicated(list(table.key), keep="first")]
            for row, r in dup.iterrows():
                pair = ", ".join(f"{k} '{r[k]}'" for k in table.key)
                problems.append(
                    Problem(table.file, f"{pair} is listed twice", row=int(row),
                            allowed="each combination once")
                )
        if "end" in df.columns and "start" in df.columns:
            start = pd.to_datetime(df["start"], format="%Y-%m-%d", errors="coerce")
            end = pd.to_datetime(df["end"], format="%Y-%m-%d", errors="coerce")
            for row in df.index[end < start]:
                problems.append(
                    Problem(table.file, "end is before start", row=int(row), column="end",
                            value=df.at[row, "end"],
                            allowed=f"a date on or after {df.at[row, 'start']}")
                )
    problems.extend(_undated_problems(frames))
    for owner, link, col, score in (
        ("audiences", "audience_interests", "audience", "weight"),
        ("goals", "goal_interests", "goal", "strength"),
    ):
        if owner not in frames or link not in frames:
            continue
        lk = frames[link]
        positive = set(lk.loc[pd.to_numeric(lk[score], errors="coerce") > 0, col])
        for row, i in frames[owner]["id"].items():
            if i not in positive:
                problems.append(
                    Problem(f"{owner}.csv", f"{col} '{i}' has no interests", row=int(row),
                            column="id", value=i,
                            allowed=f"at least one row in {link}.csv with {score} above 0")
                )
    return problems




def _undated_problems(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """A moment without a start must be a crisis: a kind of crisis to prepare for."""
    df = frames.get("moments")
    if df is None or "start" not in df.columns or "kind" not in df.columns:
        return []
    out = []
    for row in df.index[(df["start"].str.strip() == "") & (df["kind"] != "crisis")]:
        out.append(Problem("moments.csv", f"moment '{df.at[row, 'id']}' has no start",
                           row=int(row), column="start", value="",
                           allowed="a date YYYY-MM-DD; only a crisis may be undated (a kind "
                           "of crisis to prepare for, with a likelihood)"))
    return out
