"""Load a case folder into an immutable :class:`Case`, or list every problem it has."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

import pandas as pd

from .. import config
from ..errors import CaseError, Problem, UnknownChoiceError
from .checks import column_problems, cross_problems
from .locate import is_workbook, list_cases, resolve_case_path
from .read import case_settings, read_csv, read_guidance
from .scenario import apply_scenario, read_scenario, scenario_digest, scenario_settings
from .schema import DEFAULT_WINDOWS, TABLE_OF_KIND, TABLES
from .typed import empty_table as _empty
from .typed import typed_table as _typed
from .workbook import Workbook, read_workbook

__all__ = ["CHECKED_ENV", "VALUES", "Case", "RatingsLike", "checked_digests", "list_cases",
           "load_case", "resolve_case_path"]

#: Which values a case's rated columns hold: its own (its files'), or its raters' medians.
VALUES = ("own", "raters")


class RatingsLike(Protocol):
    """What a case knows of its ratings (``strategy_kit.ratings.read.Ratings``)."""

    raters: pd.DataFrame  # rater, group, round
    values: pd.DataFrame  # rater, table, item, value


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
        the same for a folder and the workbook converted from it; with the raters' medians, of
        the content and the ratings.
    ratings
        The ratings of the case's ``ratings/`` folder, read once when the case was loaded
        (``strategy_kit.load_case``; rounds and groups in ``ratings.raters``), or None: a case
        loaded without them, or one that has none. The model takes them from here, never from
        the disk.
    values
        Which values the rated columns hold: ``raters`` (the raters' medians) or ``own`` (the
        case's files'). ``values_note`` says it in words, for every page.

    Variants are made, never changed in place: ``with_values("own")``, ``without_ratings()``,
    ``with_tables(...)`` (an adjusted copy), ``with_ratings(...)`` (the ratings stage's).
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
    #: How interests combine into fit: ``noisy-or`` (default) or ``mean`` (``case.yaml``
    #: ``fit``; method.md §Fit).
    fit_rule: str = "noisy-or"
    windows: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType(dict(DEFAULT_WINDOWS)))
    ratings: RatingsLike | None = field(default=None, repr=False)
    values: str = "own"
    #: The values the case's files and ratings give, by ``values``: (tables, data hash).
    _variants: Mapping[str, tuple[Mapping[str, pd.DataFrame], str]] = field(
        default_factory=dict, repr=False)
    _note: str = field(default="", repr=False)  # values_note of a derived copy (one rater's)
    #: The scenario the case was loaded under (``scenarios/NAME.yaml``; docs/compare.md), or ''.
    scenario: str = ""
    #: Person-days a month the team can give its plan (``case.yaml`` ``capacity``), or None.
    capacity: float | None = None
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
    routes = _TableView()

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

    # -- what the case holds, and its variants ------------------------------------------------

    def table(self, name: str) -> pd.DataFrame:
        """A table by its name (``audience_interests``): a copy, like the attributes."""
        if name not in self._tables:
            raise UnknownChoiceError("table", name, tuple(self._tables), case=self.name)
        return self._tables[name].copy(deep=True)

    @property
    def values_note(self) -> str:
        """Which values the scores use, in words, for every page to say under its numbers.

        "medians of 6 raters (3 groups)", "the case's own values", or a derived copy's note.
        """
        if self._note:
            return self._note
        if self.values == "raters" and self.ratings is not None:
            raters = self.ratings.raters
            n, groups = len(raters), raters["group"].nunique()
            text = f"medians of {n} rater{'s' if n != 1 else ''}"
            if groups < n:
                text += f" ({groups} group{'s' if groups != 1 else ''})"
            rnd = int(raters["round"].max()) if len(raters) else 1
            return text + (f", round {rnd}" if rnd > 1 else "")
        return "the case's own values" + (" (its ratings set aside)" if self.ratings is not None
                                          else "")

    def _variant(self, values: str) -> tuple[Mapping[str, pd.DataFrame], str]:
        return self._variants.get(values) or (self._tables, self.data_hash)

    def with_tables(self, tables: Mapping[str, pd.DataFrame] | None = None, *,
                    tag: str = "", note: str = "", **named: pd.DataFrame) -> Case:
        """A copy using other tables (same columns and types); the files' values stay known.

        ``tag`` is appended to ``data_hash`` (``-adjusted``), so that the copy is never taken
        for the case; ``values`` and ``ratings`` stay (an adjusted copy of the raters' case is
        still scored on their medians where nothing was adjusted); ``note`` replaces
        ``values_note`` (``R03's ratings``).
        """
        new = {**(tables or {}), **named}
        unknown = [t for t in new if t not in self._tables]
        if unknown:
            raise UnknownChoiceError("table", unknown[0], tuple(self._tables), case=self.name)
        return dataclasses.replace(
            self, _tables=MappingProxyType({**self._tables, **new}),
            data_hash=f"{self.data_hash}{tag}", _variants=self._variant_map(),
            _note=note or self._note)

    def _variant_map(self) -> Mapping[str, tuple[Mapping[str, pd.DataFrame], str]]:
        return self._variants or MappingProxyType({self.values: (self._tables, self.data_hash)})

    def with_ratings(self, ratings: RatingsLike, tables: Mapping[str, pd.DataFrame],
                     data_hash: str) -> Case:
        """The case scored on its raters' values (``values`` ``raters``).

        ``tables`` are the medians (made by the ratings stage); ``ratings`` are kept for
        robustness and disagreements; the own values stay known (``with_values("own")``).
        """
        own = self._variant("own")
        merged = MappingProxyType({**self._tables, **tables})
        return dataclasses.replace(
            self, _tables=merged, data_hash=data_hash, ratings=ratings, values="raters", _note="",
            _variants=MappingProxyType({"own": own, "raters": (merged, data_hash)}))

    def with_values(self, values: str) -> Case:
        """The case on its ``own`` values or on its ``raters``' medians (ratings stay known).

        Raises
        ------
        UnknownChoiceError
            Not ``own`` or ``raters``, or ``raters`` for a case loaded without ratings.
        """
        have = tuple(v for v in VALUES if v in self._variant_map())
        if values not in have:
            raise UnknownChoiceError("values", values, have, case=self.name)
        if values == self.values and self._variants.get(values, (None,))[0] is self._tables:
            return self
        tables, digest = self._variant_map()[values]
        return dataclasses.replace(self, _tables=tables, data_hash=digest, values=values,
                                   _note="", _variants=self._variant_map())

    def without_ratings(self) -> Case:
        """The case on its own values with no ratings: no rater robustness, no disagreements."""
        tables, digest = self._variant("own")
        if self.ratings is None and self.values == "own" and tables is self._tables:
            return self
        return dataclasses.replace(self, _tables=tables, data_hash=digest, values="own",
                                   ratings=None, _note="",
                                   _variants=MappingProxyType({"own": (tables, digest)}))


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


#: Cases validated in this process, by folder and hash of files (immutable: shared safely).
_LOADED: dict[tuple[Path, str], Case] = {}
_LOADED_MAX = 8

#: How a process tells those it starts (workers, kernels) which cases it validated.
CHECKED_ENV = "STRATEGY_KIT_CHECKED"


def checked_digests() -> str:
    """The hashes of the files of the cases this process (or its parent) validated.

    Set as ``CHECKED_ENV`` for a child, it spares the child the same checks (reading and
    typing still run); an edited file has another hash and is checked as any other.
    """
    return ",".join(sorted({digest for _, digest in _LOADED} | _vouched()))


def _vouched() -> set[str]:
    return {d for d in os.environ.get(CHECKED_ENV, "").split(",") if d}


def load_case(name_or_path: str | Path = config.DEFAULT_CASE,
              scenario: str | None = None) -> Case:
    """Load and validate a case folder or workbook.

    Parameters
    ----------
    name_or_path
        A folder path, a workbook (``.xlsx``, ``.ods``; a folder holding one ``case.xlsx``), or
        the name of a case under ``data/`` (default ``belarus``).
    scenario
        The name of one of the case's ``scenarios/NAME.yaml`` (docs/compare.md): its overrides
        are written into the tables and settings before they are checked.

    Returns
    -------
    Case
        The immutable case, one typed DataFrame per table, on its own values (``values`` is
        ``own``, ``ratings`` None): this stage reads no ratings. ``strategy_kit.load_case``
        adds the ``ratings/`` folder's (the raters' medians).

    Raises
    ------
    CaseNotFoundError
        No such folder.
    CaseError
        The case has problems; the error lists every one (file, row, column, value, allowed).
    """
    path = resolve_case_path(name_or_path)
    digest = _hash(path) + (f":{scenario}:{scenario_digest(path, scenario)}" if scenario else "")
    scen = read_scenario(path, scenario) if scenario else None
    cached = _LOADED.get((path, digest))
    if cached is not None:  # the same files: the same immutable case
        return cached
    problems: list[Problem] = []
    settings, guidance, raw, book = _read(path, problems)
    applied = None
    if scen is not None and not problems:  # issue 22: a scenario's cells, checked as the case's
        settings = scenario_settings(scen, path, settings, problems)
        applied = apply_scenario(scen, raw, problems)
    found: list[Problem] = []
    if problems or digest not in _vouched():  # else checked by the process that started us
        for name, df in raw.items():
            found.extend(column_problems(TABLES[name], df))
        found.extend(cross_problems(raw))
    mine, found = applied.relabel(found) if applied else ([], found)
    problems.extend(mine + (book.relabel(found) if book else found))
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
        fit_rule=settings.get("fit", "noisy-or"),
        windows=MappingProxyType(settings["windows"]),
        scenario=scenario or "",
        capacity=settings.get("capacity"),
        workday_countries=tuple(settings.get("workdays", {}).get("countries", ())),
    )
    case = dataclasses.replace(case, _variants=MappingProxyType(
        {"own": (case._tables, case.data_hash)}))
    _LOADED[(path, digest)] = case
    while len(_LOADED) > _LOADED_MAX:
        _LOADED.pop(next(iter(_LOADED)))
    return case
