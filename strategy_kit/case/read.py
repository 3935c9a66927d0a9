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
    DEFAULT_PRIORITY_RULE,
    DEFAULT_WEIGHTS,
    DEFAULT_WINDOW_GAP,
    DEFAULT_WINDOWS,
    PRIORITY_RULES,
    WINDOW_RULES,
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
                    row=mark.line + 1 if mark else None,
                    allowed="YAML, as in the template case: put text that contains ':', '#', "
                            "quotes or starts with '-', '[', '{', '&', '*' or '!' in double "
                            'quotes, e.g. title: "Belarus: the next year", and write a " '
                            'inside it as \\"; indent with spaces, not tabs')
        )
    return None


def _fraction(key: str, v: object, problems: list[Problem], low: float = 0.0,
              high: float = 1.0, above: bool = False) -> float | None:
    """A number of case.yaml in [low, high] (or (low, high] with ``above``), else a problem."""
    span = f"{'above' if above else 'from'} {low:g} {'and at most' if above else 'to'} {high:g}"
    if isinstance(v, bool) or not isinstance(v, int | float):
        fix = None
        if isinstance(v, str) and v.replace(",", ".", 1).replace(".", "", 1).isdigit():
            fix = v.replace(",", ".", 1)  # 0,7 typed for 0.7
        problems.append(Problem("case.yaml", f"'{key}' is not a number", column=key,
                                value=brief(v), allowed=f"a number {span}", suggestion=fix))
        return None
    x = float(v)
    if (x <= low if above else x < low) or x > high:
        fix = f"{x / 100:.2f}" if high == 1.0 and 1 < x <= 100 else None  # a percentage
        problems.append(Problem("case.yaml", f"'{key}' is out of range", column=key,
                                value=f"{v:g}", allowed=f"a number {span}", suggestion=fix))
        return None
    return x


def _weights(raw: Any, problems: list[Problem]) -> dict[str, float] | None:
    """The priority weights, each from 0 to 1, rescaled to add up to 1."""
    if not isinstance(raw, dict):
        problems.append(Problem("case.yaml", "bad weights", column="weights", value=brief(raw),
                                allowed="fit, influence and timing, each a number from 0 to 1"))
        return None
    weights = {}
    for key, v in raw.items():
        if key not in DEFAULT_WEIGHTS:
            problems.append(Problem("case.yaml", f"unknown weight '{brief(key)}'", column="weights",
                                    allowed="fit, influence, timing",
                                    suggestion=close_match(key, DEFAULT_WEIGHTS)))
            continue
        x = _fraction(f"weights.{key}", v, problems)
        if x is not None:
            weights[key] = x
    full = {k: weights.get(k, 0.0 if raw else DEFAULT_WEIGHTS[k]) for k in DEFAULT_WEIGHTS}
    total = sum(full.values())
    if total <= 0:
        if len(weights) == len(raw):
            problems.append(Problem("case.yaml", "the weights add up to 0", column="weights",
                                    allowed="at least one weight above 0"))
        return None
    return {k: v / total for k, v in full.items()}


def _choice(key: str, what: str, v: object, choices: tuple[str, ...],
            problems: list[Problem]) -> bool:
    """True when ``v`` is one of ``choices``; else a problem naming the key and the choices."""
    if v in choices:
        return True
    problems.append(Problem("case.yaml", f"unknown {what}", column=key, value=brief(v),
                            allowed=" or ".join(choices), suggestion=close_match(v, choices)))
    return False


def _windows(raw: Any, problems: list[Problem]) -> dict[str, Any]:
    """The window rule of case.yaml (method.md §Windows of opportunity)."""
    out: dict[str, Any] = dict(DEFAULT_WINDOWS)
    if not isinstance(raw, dict):
        problems.append(Problem("case.yaml", "bad windows", column="windows", value=brief(raw),
                                allowed="rule (relative or absolute), share, floor, threshold"))
        return out
    for key, v in raw.items():
        if key == "gap":  # windows this many days apart or closer are one (method.md)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 90:
                problems.append(Problem("case.yaml", "bad windows.gap", column="windows.gap",
                                        value=brief(v), allowed="a whole number of days from "
                                        f"0 to 90 (default {DEFAULT_WINDOW_GAP})"))
            else:
                out["gap"] = v
        elif key not in DEFAULT_WINDOWS:
            problems.append(Problem("case.yaml", f"unknown key 'windows.{brief(key)}'",
                                    column="windows",
                                    allowed="rule, share, floor, threshold, gap",
                                    suggestion=close_match(key, [*DEFAULT_WINDOWS, "gap"])))
        elif key == "rule":
            if _choice("windows.rule", "window rule", v, WINDOW_RULES, problems):
                out["rule"] = v
        else:
            x = _fraction(f"windows.{key}", v, problems, above=key != "floor")
            if x is not None:
                out[key] = x
    return out


KNOWN_KEYS = ("title", "description", "horizon_days", "weights", "priority", "windows",
              "workdays")


def _workdays(raw: Any, problems: list[Problem]) -> dict[str, Any]:
    """``workdays: {countries: [LT, PL, DE]}``: whose public holidays are not working days."""
    import holidays  # only when the case names countries: the package is large

    allowed = "countries: a list of ISO 3166 country codes such as [LT, PL, DE]"
    if not isinstance(raw, dict) or set(raw) - {"countries"}:
        problems.append(Problem("case.yaml", "bad workdays", column="workdays", value=brief(raw),
                                allowed=allowed))
        return {"countries": ()}
    codes = raw.get("countries") or []
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, list):
        problems.append(Problem("case.yaml", "bad workdays.countries",
                                column="workdays.countries", value=brief(codes),
                                allowed=allowed))
        return {"countries": ()}
    known = sorted(holidays.list_supported_countries())
    out = []
    for c in codes:
        code = str(c).strip().upper()
        if code not in known:
            problems.append(Problem("case.yaml", "unknown country", column="workdays.countries",
                                    value=brief(c), allowed="an ISO 3166 code the holidays "
                                    "package knows, such as LT, PL, DE, US",
                                    suggestion=close_match(code, known)))
        elif code not in out:
            out.append(code)
    return {"countries": tuple(out)}


_FILE: Any = object()  # read the file (the default), rather than keys a workbook holds


def case_settings(path: Path, problems: list[Problem], raw: Any = _FILE) -> dict[str, Any]:
    """The settings of ``case.yaml``, with defaults.

    Title, description, horizon, weights, priority rule and windows; every bad value is a
    problem naming the key, the value and the range. ``raw``: the keys and values already read
    elsewhere (a workbook's ``case`` sheet), checked the same way instead of reading
    ``case.yaml``.
    """
    settings: dict[str, Any] = {"title": path.name, "description": "",
                                "horizon_days": DEFAULT_HORIZON_DAYS,
                                "weights": dict(DEFAULT_WEIGHTS),
                                "priority": DEFAULT_PRIORITY_RULE,
                                "windows": dict(DEFAULT_WINDOWS)}
    f = path / "case.yaml"
    if raw is _FILE and not f.is_file():
        problems.append(Problem("case.yaml", "the file is missing",
                                allowed="a YAML file with title and description"))
        return settings
    if raw is _FILE:
        raw = _read_yaml(f, problems)
    if raw is None and not any(p.file == "case.yaml" for p in problems):
        raw = {}
    if raw is None:
        return settings
    if not isinstance(raw, dict):
        problems.append(Problem("case.yaml", "expected keys and values", value=brief(raw),
                                allowed=", ".join(KNOWN_KEYS)))
        return settings
    for key in ("title", "description"):
        v = raw.get(key)
        if not isinstance(v, str) or not v.strip():
            problems.append(Problem("case.yaml", f"'{key}' is missing or empty",
                                    column=key, allowed="a line of text"))
        else:
            settings[key] = v.strip()
    for key in raw:
        if key not in KNOWN_KEYS and close_match(key, KNOWN_KEYS):
            problems.append(Problem("case.yaml", f"unknown key '{brief(key)}'", column=brief(key),
                                    allowed=", ".join(sorted(KNOWN_KEYS)),
                                    suggestion=close_match(key, KNOWN_KEYS)))
    h = raw.get("horizon_days", DEFAULT_HORIZON_DAYS)
    if isinstance(h, bool) or not isinstance(h, int) or h < 1:
        problems.append(Problem("case.yaml", "bad horizon", column="horizon_days", value=brief(h),
                                allowed="a whole number of days, 1 or more"))
    else:
        settings["horizon_days"] = h
    rule = raw.get("priority", DEFAULT_PRIORITY_RULE)
    if _choice("priority", "priority rule", rule, PRIORITY_RULES, problems):
        settings["priority"] = rule
    settings["windows"] = _windows(raw.get("windows", DEFAULT_WINDOWS), problems)
    if "workdays" in raw:
        settings["workdays"] = _workdays(raw["workdays"], problems)
    weights = _weights(raw.get("weights", DEFAULT_WEIGHTS), problems)
    if weights is not None:
        settings["weights"] = weights
    return settings


def read_guidance(path: Path, problems: list[Problem], raw: Any = _FILE) -> dict[str, Any]:
    """The workshop's guidance of ``guidance.yaml`` (or ``raw``); empty tuples when none."""
    out: dict[str, Any] = {"recommendations": (), "pitfalls": (), "open_questions": ()}
    f = path / "guidance.yaml"
    if raw is _FILE and not f.is_file():
        return out
    if raw is _FILE:
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


