"""Read a case's files: the CSV tables as text frames, ``case.yaml`` and ``guidance.yaml``.

Every problem found is appended to a list of :class:`~strategy_kit.errors.Problem`; nothing
raises on bad input. The checks of values are in ``checks``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from ..errors import Problem, brief, close_match
from .schema import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_WEIGHTS,
    Table,
)
from .yamlfile import YamlRefused, load_yaml

__all__ = ["MAX_FIELD_CHARS", "case_settings", "read_csv", "read_guidance"]

#: The longest cell read from a CSV table (docs/case-format.md). Python's csv module stops at
#: 131,072 characters with a traceback; the kit reads any length and reports a longer cell.
MAX_FIELD_CHARS = 1_000_000
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # the file's size bounds a cell


# -- reading files ----------------------------------------------------------------------------


def _decode(path: Path, problems: list[Problem]) -> str | None:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")  # a BOM, as Excel writes it, is fine
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problems.append(
            Problem(
                path.name,
                f"the file is not UTF-8 text (byte 0x{data[e.start]:02x} on line {line})",
                row=line,
                allowed="UTF-8; in a spreadsheet, save as 'CSV UTF-8'",
            )
        )
        return None


def _scan(name: str, text: str) -> tuple[list[tuple[int, int, int]], list[Problem]]:
    """Rows too wide, and cells too long.

    (row, values, columns) of each row with more values than the header has columns, and the
    problems of cells longer than ``MAX_FIELD_CHARS``.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    wide, long = [], []
    n = 1
    for n, row in enumerate(reader, start=2):  # rows as a spreadsheet numbers them
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            wide.append((n, len(row), len(header)))
        for i, cell in enumerate(row):
            if len(cell) > MAX_FIELD_CHARS:
                column = header[i].strip() if i < len(header) else f"value {i + 1}"
                long.append(Problem(name, f"a cell of {len(cell):,} characters", row=n,
                                    column=column, allowed=f"at most {MAX_FIELD_CHARS:,} "
                                    "characters in a cell"))
    for i, cell in enumerate(header):
        if len(cell) > MAX_FIELD_CHARS:
            long.insert(0, Problem(name, f"a header of {len(cell):,} characters", row=1,
                                   column=f"column {i + 1}", allowed="a column name"))
    return wide, long


def read_csv(path: Path, table: Table, problems: list[Problem]) -> pd.DataFrame | None:
    """A case table as text, rows numbered as a spreadsheet does; None when unreadable."""
    if not path.is_file():
        if not table.optional_file:
            problems.append(Problem(path.name, "the file is missing", allowed="a CSV file"))
        return None
    text = _decode(path, problems)
    if text is None:
        return None
    # Line ends as Windows (CR LF), Unix (LF) or old Mac programs (CR alone) write them, even
    # mixed in one file, as Python's universal newlines read them.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    too_wide, too_long = _scan(path.name, text)
    problems.extend(too_long)
    if too_long:
        return None
    for line, saw, n in too_wide:
        problems.append(Problem(
            path.name, f"this row has {saw} values but the header has {n} columns", row=line,
            allowed="one value per column: write decimals with a point (0.5, not 0,5) and "
                    "put text that contains commas in double quotes"))
    if too_wide:  # pandas would shift the columns silently
        return None
    try:
        df = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        problems.append(Problem(path.name, f"not a readable CSV table: {e}".strip()))
        return None
    df.columns = [str(c).strip() for c in df.columns]
    df.index = df.index + 2  # rows as a spreadsheet shows them: the header is row 1
    df = df[~(df == "").all(axis=1)]  # blank lines at the end are common, and harmless
    required = [c.name for c in table.columns if c.required]
    header = text.splitlines()[0] if text else ""
    if ";" in header and not set(required) <= set(df.columns):
        problems.append(
            Problem(
                path.name,
                "the columns are separated by ';', as some spreadsheets save CSV",
                row=1,
                allowed="comma-separated values; in a spreadsheet, save as 'CSV UTF-8 (comma "
                "delimited)'",
            )
        )
        return None
    missing = [c for c in required if c not in df.columns]
    for c in missing:
        problems.append(
            Problem(
                path.name,
                f"missing column '{c}'",
                row=1,
                allowed="columns " + ", ".join(required),
                suggestion=close_match(c, [x for x in df.columns if x not in required]),
            )
        )
    if missing:
        return None
    if df.empty and not table.optional_file:
        problems.append(Problem(path.name, "the table has no rows", allowed="at least one row"))
        return None
    for c in table.columns:
        if c.name not in df.columns:
            df[c.name] = ""
    return df


# -- case.yaml and guidance.yaml --------------------------------------------------------------


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    text = _decode(path, problems)
    if text is None:
        return None
    try:
        return load_yaml(text)
    except YamlRefused as e:
        problems.append(Problem(path.name, e.problem, row=e.line,
                                allowed="plain YAML, as in the template case"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problems.append(
            Problem(path.name, f"not valid YAML: {brief(getattr(e, 'problem', None) or e, 200)}",
                    row=mark.line + 1 if mark else None, allowed="YAML, as in the template case")
        )
    return None


def case_settings(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """The settings of ``case.yaml`` (title, description, horizon, weights), with defaults."""
    settings: dict[str, Any] = {"title": path.name, "description": "",
                                "horizon_days": DEFAULT_HORIZON_DAYS,
                                "weights": dict(DEFAULT_WEIGHTS)}
    f = path / "case.yaml"
    if not f.is_file():
        problems.append(Problem("case.yaml", "the file is missing",
                                allowed="a YAML file with title and description"))
        return settings
    raw = _read_yaml(f, problems)
    if raw is None and not any(p.file == "case.yaml" for p in problems):
        raw = {}
    if raw is None:
        return settings
    if not isinstance(raw, dict):
        problems.append(Problem("case.yaml", "expected keys and values", value=brief(raw),
                                allowed="title, description, horizon_days, weights"))
        return settings
    for key in ("title", "description"):
        v = raw.get(key)
        if not isinstance(v, str) or not v.strip():
            problems.append(Problem("case.yaml", f"'{key}' is missing or empty",
                                    column=key, allowed="a line of text"))
        else:
            settings[key] = v.strip()
    known = {"title", "description", "horizon_days", "weights"}
    for key in raw:
        if key not in known and close_match(key, known):
            problems.append(Problem("case.yaml", f"unknown key '{brief(key)}'", column=brief(key),
                                    allowed=", ".join(sorted(known)),
                                    suggestion=close_match(key, known)))
    h = raw.get("horizon_days", DEFAULT_HORIZON_DAYS)
    if isinstance(h, bool) or not isinstance(h, int) or h < 1:
        problems.append(Problem("case.yaml", "bad horizon", column="horizon_days", value=brief(h),
                                allowed="a whole number of days, 1 or more"))
    else:
        settings["horizon_days"] = h
    w = raw.get("weights", DEFAULT_WEIGHTS)
    if not isinstance(w, dict):
        problems.append(Problem("case.yaml", "bad weights", column="weights", value=brief(w),
                                allowed="fit, influence and timing, each a number 0 or more"))
        return settings
    weights = {}
    for key, v in w.items():
        if key not in DEFAULT_WEIGHTS:
            problems.append(Problem("case.yaml", f"unknown weight '{brief(key)}'", column="weights",
                                    allowed="fit, influence, timing",
                                    suggestion=close_match(key, DEFAULT_WEIGHTS)))
        elif isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            problems.append(Problem("case.yaml", f"bad weight '{brief(key)}'", column="weights",
                                    value=brief(v), allowed="a number, 0 or more"))
        else:
            weights[key] = float(v)
    full = {k: weights.get(k, 0.0 if w else DEFAULT_WEIGHTS[k]) for k in DEFAULT_WEIGHTS}
    total = sum(full.values())
    if total <= 0:
        problems.append(Problem("case.yaml", "the weights add up to 0", column="weights",
                                allowed="at least one weight above 0"))
    else:
        settings["weights"] = {k: v / total for k, v in full.items()}
    return settings


def read_guidance(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """The workshop's guidance of ``guidance.yaml``; empty tuples when there is none."""
    out: dict[str, Any] = {"recommendations": (), "pitfalls": (), "open_questions": ()}
    f = path / "guidance.yaml"
    if not f.is_file():
        return out
    raw = _read_yaml(f, problems)
    if raw is None:
        return out
    if not isinstance(raw, dict):
        problems.append(Problem("guidance.yaml", "expected keys and values",
                                allowed="recommendations, pitfalls, open_questions"))
        return out
    for key in ("recommendations", "pitfalls"):
        v = raw.get(key) or []
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            problems.append(Problem("guidance.yaml", f"'{key}' must be a list of text",
                                    column=key, allowed="a list of text lines"))
        else:
            out[key] = tuple(v)
    qs = []
    for n, q in enumerate(raw.get("open_questions") or [], start=1):
        ok = (isinstance(q, dict) and isinstance(q.get("question"), str)
              and isinstance(q.get("options", []), list)
              and all(isinstance(o, str | int | float) for o in q.get("options", [])))
        if not ok:
            problems.append(Problem("guidance.yaml", f"open question {n} is malformed",
                                    column="open_questions",
                                    allowed="question: text, options: a list of text"))
            continue
        qs.append(MappingProxyType({"question": q["question"],
                                    "options": tuple(str(o) for o in q.get("options", []))}))
    out["open_questions"] = tuple(qs)
    return out


