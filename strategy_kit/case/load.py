"""Load a case folder into an immutable :class:`Case`, or list every problem it has."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..errors import CaseError, Problem, UnknownChoiceError
from .checks import column_problems, cross_problems
from .locate import is_workbook, list_cases, resolve_case_path
from .read import case_settings, read_csv, read_guidance
from .schema import (
    DEFAULT_WINDOWS,
    TABLE_OF_KIND,
    TABLES,
    Table,
)
from .workbook import Workbook, read_workbook

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
    priority_rule
        How the parts combine into priority: ``gated`` (default) or ``additive``
        (``case.yaml`` ``priority``; method.md §Priority).
    windows
        The window rule (``case.yaml`` ``windows``): ``rule`` (``relative`` or ``absolute``),
        ``share``, ``floor``, ``threshold`` (method.md §Windows of opportunity).
    guidance
        ``guidance.yaml``: ``recommendations``, ``pitfalls``, ``open_questions``.
    data_hash
        A short SHA-256 of the case's content (tables, settings, guidance), shown in reports:
        the same for a folder and the workbook converted from it.
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
    priority_rule: str = "gated"
    windows: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType(dict(DEFAULT_WINDOWS)))
    #: Public holidays of these countries are not working days (``case.yaml`` ``workdays``).
    workday_countries: tuple[str, ...] = ()

    audiences = _TableView()
    interests = _TableView()
    audience_interests = _TableView()
    goals = _TableView()
    goal_interests = _TableView()
    goal_audiences = _TableView()
    moments = _TableView()
    moment_interests = _TableView()
    moment_dates = _TableView()
    moment_audiences = _TableView()
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

    def labels(self, kind: str) -> dict[str, str]:
        """Map of id to short label (the optional ``label`` column), else the name."""
        t = self._tables[TABLE_OF_KIND[kind]]
        names = self.names(kind)
        if "label" not in t:
            return names
        return {i: (lab or names[i]) for i, lab in zip(t["id"], t["label"], strict=True)}

    def check(self, kind: str, value: object) -> str:
        """Return ``value`` if it is an id of ``kind``, else raise with the choices."""
        ids = self.ids(kind)
        if not isinstance(value, str) or value not in ids:
            raise UnknownChoiceError(kind, value, ids, case=self.name)
        return value


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
    if path.is_file():  # a workbook
        h.update(path.read_bytes())
        return h.hexdigest()[:12]
    for f in sorted(path.iterdir()):
        if f.is_file() and f.suffix in (".csv", ".yaml"):
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def _content_hash(settings: Mapping[str, Any], guidance: Mapping[str, Any],
                  tables: Mapping[str, pd.DataFrame]) -> str:
    """A short SHA-256 of what the case says: the same for a folder and its workbook."""
    def plain(o: object) -> object:
        return dict(o) if isinstance(o, Mapping) else str(o)

    h = hashlib.sha256(json.dumps([settings, guidance], sort_keys=True, default=plain).encode())
    for name in TABLES:
        h.update(name.encode() + b"\0" + tables[name].to_csv(index=False).encode() + b"\0")
    return h.hexdigest()[:12]


def case_name(path: Path) -> str:
    """A case's name: its folder's, or its workbook's without the extension."""
    if not is_workbook(path):
        return path.name
    return path.parent.name if path.stem == "case" else path.stem


def _read(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], dict[str, Any],
                                                      dict[str, pd.DataFrame], Workbook | None]:
    """Settings, guidance and raw text tables of a folder or a workbook."""
    if is_workbook(path):
        book = read_workbook(path, problems)
        return book.settings, book.guidance, book.frames, book
    settings = case_settings(path, problems)
    guidance = read_guidance(path, problems)
    raw: dict[str, pd.DataFrame] = {}
    for table in TABLES.values():
        df = read_csv(path / table.file, table, problems)
        if df is not None:
            raw[table.name] = df
    return settings, guidance, raw, None


#: Cases already validated in this process, by folder and content hash (a case is immutable,
#: so handing out the same object is safe; any change to a file changes the hash).
_LOADED: dict[tuple[Path, str], Case] = {}
_LOADED_MAX = 8


def load_case(name_or_path: str | Path = config.DEFAULT_CASE) -> Case:
    """Load and validate a case folder or workbook.

    Parameters
    ----------
    name_or_path
        A folder path, a workbook (``.xlsx``, ``.ods``; a folder holding one ``case.xlsx``), or
        the name of a case under ``data/`` (default ``belarus``).

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
    settings, guidance, raw, book = _read(path, problems)
    found: list[Problem] = []
    for name, df in raw.items():
        found.extend(column_problems(TABLES[name], df))
    found.extend(cross_problems(raw))
    problems.extend(book.relabel(found) if book else found)
    if problems:
        raise CaseError(path.name, problems)
    tables = {name: _typed(TABLES[name], df) for name, df in raw.items()}
    for table in TABLES.values():
        tables.setdefault(table.name, _empty(table))
    case = Case(
        name=case_name(path),
        path=path,
        title=settings["title"],
        description=settings["description"],
        horizon_days=settings["horizon_days"],
        weights=MappingProxyType(settings["weights"]),
        guidance=MappingProxyType(guidance),
        data_hash=_content_hash(settings, guidance, tables),
        _tables=MappingProxyType(tables),
        priority_rule=settings["priority"],
        windows=MappingProxyType(settings["windows"]),
        workday_countries=tuple(settings.get("workdays", {}).get("countries", ())),
    )
    _LOADED[(path, digest)] = case
    while len(_LOADED) > _LOADED_MAX:
        _LOADED.pop(next(iter(_LOADED)))
    return case
