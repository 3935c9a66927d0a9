"""Read a case's files: the CSV tables as text frames, ``case.yaml`` and ``guidance.yaml``.

Every problem found is appended to a list of :class:`~strategy_kit.errors.Problem`; nothing
raises on bad input. The checks of values are in ``checks``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from ..errors import Problem, brief, close_match
from ..files.inside import links_out, outside
from .schema import Table
from .settings import default_settings, parse_settings
from .yamlfile import YamlRefused, load_yaml

__all__ = ["MAX_FIELD_CHARS", "case_settings", "folder_problems", "read_csv", "read_guidance"]

#: The longest cell of a case, in a CSV table or a workbook (docs/case-format.md): what an
#: .xlsx cell holds, so that a folder and its workbook hold the same text and a convert never
#: cuts. Python's csv module stops at 131,072 characters with a traceback; the kit reads any
#: length and reports a longer cell, naming the limit.
MAX_FIELD_CHARS = 32_767
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # the file's size bounds a cell
_COLUMN_NAME = re.compile(r"[\w .()-]{1,40}")


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


def _outside(path: Path, problems: list[Problem]) -> bool:
    """Whether ``path`` leads out of its case folder (or round a loop): a problem, not read."""
    reason = outside(path, path.parent)
    if reason:
        problems.append(Problem(path.name, reason, allowed="a file inside the case folder "
                                "(copy the file into the case instead of linking to it)"))
    return reason is not None


def folder_problems(root: Path) -> list[Problem]:
    """The links out of the case, and link loops, in its folders (``attention/``, …)."""
    return [Problem(rel, reason, allowed="files inside the case folder (copy them in instead "
                    "of linking to them)") for rel, reason in links_out(root, top=False)]


def read_csv(path: Path, table: Table, problems: list[Problem]) -> pd.DataFrame | None:
    """A case table as text, rows numbered as a spreadsheet does; None when unreadable."""
    if _outside(path, problems):
        return None
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
                # a header that is no column name (a file that is not a table) is not quoted
                suggestion=close_match(c, [x for x in df.columns if x not in required
                                           and _COLUMN_NAME.fullmatch(x)]),
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


_FILE: Any = object()  # read the file (the default), rather than keys a workbook holds


def case_settings(path: Path, problems: list[Problem], raw: Any = _FILE) -> dict[str, Any]:
    """The settings of ``case.yaml``, with defaults.

    Title, description, horizon, weights, priority rule and windows, checked by
    ``settings.parse_settings``: every bad value is a problem naming the key, the value and
    the range. ``raw``: the keys and values already read
    elsewhere (a workbook's ``case`` sheet), checked the same way instead of reading
    ``case.yaml``.
    """
    settings = default_settings(path.name)
    f = path / "case.yaml"
    if raw is _FILE:
        problems.extend(folder_problems(path))  # read once per case folder: its folders too
        if _outside(f, problems):
            return settings
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
    parse_settings(raw, settings, problems)
    return settings


def read_guidance(path: Path, problems: list[Problem], raw: Any = _FILE) -> dict[str, Any]:
    """The workshop's guidance of ``guidance.yaml`` (or ``raw``); empty tuples when none."""
    out: dict[str, Any] = {"recommendations": (), "pitfalls": (), "open_questions": ()}
    f = path / "guidance.yaml"
    if raw is _FILE and _outside(f, problems):
        return out
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


