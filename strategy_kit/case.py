"""Load a case folder into an immutable :class:`Case`, or list every problem it has."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from . import config
from .errors import CaseError, Problem, UnknownChoiceError, close_match
from .precheck import list_cases, resolve_case_path
from .schema import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_WEIGHTS,
    ID_ALLOWED,
    ID_PATTERN,
    KIND_OF_TABLE,
    TABLE_OF_KIND,
    TABLES,
    Col,
    Table,
)

__all__ = ["Case", "list_cases", "load_case", "resolve_case_path"]


class _TableView:
    """A case table as an attribute; every read gets its own copy (copy-on-write, cheap)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Case | None, objtype: type | None = None) -> pd.DataFrame:
        if obj is None:
            return self  # type: ignore[return-value]
        return obj._tables[self.name].copy(deep=True)


@dataclass(frozen=True, eq=False)
class Case:
    """A loaded, validated case. Immutable: tables are handed out as copies.

    Attributes
    ----------
    name
        The case folder's name (``belarus``).
    path
        The case folder.
    title, description
        From ``case.yaml``.
    horizon_days
        The planning horizon in days (``case.yaml``, default 365).
    weights
        The priority weights ``fit``, ``influence``, ``timing``, summing to 1.
    guidance
        ``guidance.yaml``: ``recommendations``, ``pitfalls``, ``open_questions``.
    data_hash
        A short SHA-256 of every file of the case, shown in reports.
    """

    name: str
    path: Path
    title: str
    description: str
    horizon_days: int
    weights: Mapping[str, float]
    guidance: Mapping[str, Any]
    data_hash: str
    _tables: Mapping[str, pd.DataFrame] = field(repr=False)

    audiences = _TableView()
    interests = _TableView()
    audience_interests = _TableView()
    goals = _TableView()
    goal_interests = _TableView()
    moments = _TableView()
    moment_interests = _TableView()
    formats = _TableView()
    format_audiences = _TableView()
    allies = _TableView()
    ally_audiences = _TableView()
    frames = _TableView()
    frame_interests = _TableView()
    actions = _TableView()

    def ids(self, kind: str) -> tuple[str, ...]:
        """Ids of a kind (``audience``, ``goal``, …) in file order."""
        return tuple(self._tables[TABLE_OF_KIND[kind]]["id"])

    def names(self, kind: str) -> dict[str, str]:
        """Map of id to display name for a kind."""
        t = self._tables[TABLE_OF_KIND[kind]]
        return dict(zip(t["id"], t["name"] if "name" in t else t["id"], strict=True))

    def check(self, kind: str, value: object) -> str:
        """Return ``value`` if it is an id of ``kind``, else raise with the choices."""
        ids = self.ids(kind)
        if not isinstance(value, str) or value not in ids:
            raise UnknownChoiceError(kind, value, ids)
        return value


# -- locating cases ---------------------------------------------------------------------------


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


def _rows_too_wide(text: str) -> list[tuple[int, int, int]]:
    """(row, values, columns) of each row with more values than the header has columns."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    out = []
    for row in reader:
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            out.append((reader.line_num, len(row), len(header)))
    return out


def _read_csv(path: Path, table: Table, problems: list[Problem]) -> pd.DataFrame | None:
    if not path.is_file():
        if not table.optional_file:
            problems.append(Problem(path.name, "the file is missing", allowed="a CSV file"))
        return None
    text = _decode(path, problems)
    if text is None:
        return None
    too_wide = _rows_too_wide(text)
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


# -- column checks (pandera) ------------------------------------------------------------------


def _is_number(s: pd.Series, low: float, high: float = np.inf) -> pd.Series:
    v = pd.to_numeric(s, errors="coerce")
    return v.between(low, high)


def _is_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna() & s.str.fullmatch(
        r"\d{4}-\d{2}-\d{2}"
    )


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
        case "posdays":
            return [
                allowing_blank(lambda s: _is_number(s, 1e-9), "a number of days greater than 0")
            ]
        case "date":
            return [allowing_blank(_is_date, "a date that exists, written YYYY-MM-DD")]
        case "enum":
            allowed = ", ".join(col.values)
            return [allowing_blank(lambda s: s.isin(col.values), f"one of {allowed}")]
        case _:  # text, ref, refs: presence only; references are checked across tables
            if col.blank_ok:
                return []
            return [pa.Check(lambda s: s.str.strip() != "", name="a non-empty value")]


def _schema(table: Table) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {c.name: pa.Column(str, _checks(c), unique=c.kind == "id") for c in table.columns},
        strict=False,
    )


def _column_problems(table: Table, df: pd.DataFrame) -> list[Problem]:
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
            out.append(Problem(table.file, msg, row=row, column=f["column"], value=value,
                               allowed=allowed))
        return sorted(out, key=lambda p: (p.row or 0, p.column or ""))
    return []


# -- checks across columns and tables ---------------------------------------------------------


def _cross_problems(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    problems: list[Problem] = []
    ids = {name: list(df["id"]) for name, df in frames.items() if "id" in df.columns}
    for name, df in frames.items():
        table = TABLES[name]
        for col in table.columns:
            if col.kind not in ("ref", "refs") or col.ref not in ids:
                continue
            known = set(ids[col.ref])
            for row, cell in df[col.name].items():
                values = cell.split(";") if col.kind == "refs" else [cell]
                for v in (x.strip() for x in values):
                    if v and v not in known:
                        problems.append(
                            Problem(
                                table.file,
                                f"no {KIND_OF_TABLE[col.ref]} '{v}' in {col.ref}.csv",
                                row=int(row),
                                column=col.name,
                                value=v,
                                allowed=f"an id from {col.ref}.csv",
                                suggestion=close_match(v, ids[col.ref]),
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


# -- case.yaml and guidance.yaml --------------------------------------------------------------


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    text = _decode(path, problems)
    if text is None:
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problems.append(
            Problem(path.name, f"not valid YAML: {getattr(e, 'problem', None) or e}",
                    row=mark.line + 1 if mark else None, allowed="YAML, as in the template case")
        )
        return None


def _case_settings(path: Path, problems: list[Problem]) -> dict[str, Any]:
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
        problems.append(Problem("case.yaml", "expected keys and values", value=str(raw)[:40],
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
            problems.append(Problem("case.yaml", f"unknown key '{key}'", column=str(key),
                                    allowed=", ".join(sorted(known)),
                                    suggestion=close_match(key, known)))
    h = raw.get("horizon_days", DEFAULT_HORIZON_DAYS)
    if isinstance(h, bool) or not isinstance(h, int) or h < 1:
        problems.append(Problem("case.yaml", "bad horizon", column="horizon_days", value=str(h),
                                allowed="a whole number of days, 1 or more"))
    else:
        settings["horizon_days"] = h
    w = raw.get("weights", DEFAULT_WEIGHTS)
    if not isinstance(w, dict):
        problems.append(Problem("case.yaml", "bad weights", column="weights", value=str(w),
                                allowed="fit, influence and timing, each a number 0 or more"))
        return settings
    weights = {}
    for key, v in w.items():
        if key not in DEFAULT_WEIGHTS:
            problems.append(Problem("case.yaml", f"unknown weight '{key}'", column="weights",
                                    allowed="fit, influence, timing",
                                    suggestion=close_match(key, DEFAULT_WEIGHTS)))
        elif isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            problems.append(Problem("case.yaml", f"bad weight '{key}'", column="weights",
                                    value=str(v), allowed="a number, 0 or more"))
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


def _guidance(path: Path, problems: list[Problem]) -> dict[str, Any]:
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
              and isinstance(q.get("options", []), list))
        if not ok:
            problems.append(Problem("guidance.yaml", f"open question {n} is malformed",
                                    column="open_questions",
                                    allowed="question: text, options: a list of text"))
            continue
        qs.append(MappingProxyType({"question": q["question"],
                                    "options": tuple(str(o) for o in q.get("options", []))}))
    out["open_questions"] = tuple(qs)
    return out


# -- typing the validated tables --------------------------------------------------------------


def _typed(table: Table, df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in table.columns:
        s = df[c.name].str.strip()
        if c.kind in ("score", "days", "posdays"):
            df[c.name] = pd.to_numeric(s.replace("", np.nan)).astype(float)
        elif c.kind == "date":
            df[c.name] = pd.to_datetime(s.replace("", None), format="%Y-%m-%d")
        elif c.kind == "refs":
            df[c.name] = s.map(lambda v: tuple(x.strip() for x in v.split(";") if x.strip()))
        else:
            df[c.name] = s
    return df.reset_index(drop=True)


def _empty(table: Table) -> pd.DataFrame:
    return _typed(table, pd.DataFrame({c.name: pd.Series([], dtype=str) for c in table.columns}))


def _hash(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(path.iterdir()):
        if f.is_file() and f.suffix in (".csv", ".yaml"):
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


#: Cases already validated in this process, by folder and content hash (a case is immutable,
#: so handing out the same object is safe; any change to a file changes the hash).
_LOADED: dict[tuple[Path, str], Case] = {}
_LOADED_MAX = 8


def load_case(name_or_path: str | Path = config.DEFAULT_CASE) -> Case:
    """Load and validate a case folder.

    Parameters
    ----------
    name_or_path
        A folder path, or the name of a case under ``data/`` (default ``belarus``).

    Returns
    -------
    Case
        The immutable case, one typed DataFrame per table.

    Raises
    ------
    CaseNotFoundError
        No such folder.
    CaseError
        The case has problems; the error lists every one (file, row, column, value, allowed).
    """
    path = resolve_case_path(name_or_path)
    digest = _hash(path)
    cached = _LOADED.get((path, digest))
    if cached is not None:  # the same files: the same immutable case
        return cached
    problems: list[Problem] = []
    settings = _case_settings(path, problems)
    guidance = _guidance(path, problems)
    raw: dict[str, pd.DataFrame] = {}
    for table in TABLES.values():
        df = _read_csv(path / table.file, table, problems)
        if df is not None:
            problems.extend(_column_problems(table, df))
            raw[table.name] = df
    problems.extend(_cross_problems(raw))
    if problems:
        raise CaseError(path.name, problems)
    tables = {name: _typed(TABLES[name], df) for name, df in raw.items()}
    for table in TABLES.values():
        tables.setdefault(table.name, _empty(table))
    case = Case(
        name=path.name,
        path=path,
        title=settings["title"],
        description=settings["description"],
        horizon_days=settings["horizon_days"],
        weights=MappingProxyType(settings["weights"]),
        guidance=MappingProxyType(guidance),
        data_hash=digest,
        _tables=MappingProxyType(tables),
    )
    _LOADED[(path, digest)] = case
    while len(_LOADED) > _LOADED_MAX:
        _LOADED.pop(next(iter(_LOADED)))
    return case
