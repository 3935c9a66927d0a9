"""Load a case with its ratings: the public ``load_case`` (docs/workshop.md).

A case with a ``ratings/`` folder is read, its ratings checked once, and every rated value
replaced by the raters' median (``aggregate``); the ``Case`` then holds the ratings
(``case.ratings``, with rounds and groups), says ``case.values == "raters"`` and still knows
its own values (``case.with_values("own")``, ``case.without_ratings()``). A case without one is
loaded as it is. Cached by the case's content hash and its ratings files' hash.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .. import config
from ..case import Case
from ..case import load_case as load_own_values
from .aggregate import aggregate_case
from .read import Ratings, ratings_files, ratings_folder, read_ratings

__all__ = ["case_ratings", "load_case", "own_values"]

#: Cases with their raters' medians, by case, its content hash and its ratings files' hash.
_RATED: dict[tuple[Path, str, str], Case | None] = {}
_RATED_MAX = 8


def _ratings_hash(path: Path) -> str:
    h = hashlib.sha256()
    folder = ratings_folder(path)
    for f in ratings_files(path):
        h.update(f.relative_to(folder).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def _rated(own: Case) -> Case | None:
    """The case on its raters' medians, holding its ratings; None when it has no ratings."""
    key = (own.path, own.data_hash, _ratings_hash(own.path))
    if key not in _RATED:
        ratings = read_ratings(own)
        # The data hash says what the numbers came from: the case's content and its ratings.
        digest = hashlib.sha256(f"{own.data_hash}:{key[2]}".encode()).hexdigest()[:12]
        _RATED[key] = None if ratings is None else aggregate_case(own, ratings, digest)
        while len(_RATED) > _RATED_MAX:
            _RATED.pop(next(iter(_RATED)))
    return _RATED[key]


def load_case(name_or_path: str | Path = config.DEFAULT_CASE, *, ratings: bool = True,
              scenario: str | None = None) -> Case:
    """Load and validate a case folder; with ratings, its values are the raters' medians.

    Parameters
    ----------
    name_or_path
        A folder, a workbook, or the name of a case under ``data/`` (default ``belarus``).
    ratings
        Use the ``ratings/`` folder (in the case's folder, or beside its workbook) when there
        is one (default); False for the case's own values and no ratings at all: robustness
        then perturbs the judgements and there are no disagreements.
    scenario
        One of the case's ``scenarios/NAME.yaml`` (docs/compare.md); its cells win over the
        raters' medians.

    Raises
    ------
    CaseNotFoundError
        No such folder.
    CaseError
        The case or its ratings have problems; every one is listed (file, sheet, cell).
    """
    if scenario:  # issue 22
        return _with_scenario(name_or_path, ratings, scenario)
    own = load_own_values(name_or_path)
    if not ratings or not ratings_folder(own.path).is_dir():
        return own
    rated = _rated(own)
    return own if rated is None else rated


def _with_scenario(name_or_path: str | Path, ratings: bool, scenario: str) -> Case:
    """The case under a scenario: the raters' medians, then the scenario's own cells."""
    scen = load_own_values(name_or_path, scenario=scenario)
    if not ratings or not ratings_folder(scen.path).is_dir():
        return scen
    rated = _rated(load_own_values(scen.path))
    if rated is None or rated.ratings is None:
        return scen
    from ..case.scenario import read_scenario
    from .scale import RATED

    digest = hashlib.sha256(f"{scen.data_hash}:{_ratings_hash(scen.path)}".encode())
    on_scenario = aggregate_case(scen, rated.ratings, digest.hexdigest()[:12])
    tables: dict[str, pd.DataFrame] = {}
    for o in read_scenario(scen.path, scenario).overrides:
        for r in RATED:
            if r.table == o.table and r.value in o.cells and not o.drop:
                t = tables.get(r.table, on_scenario.table(r.table))
                own = scen.table(r.table)
                hit = own[list(o.key)].eq(pd.Series(o.key)).all(axis=1)
                t.loc[hit.to_numpy(), r.value] = own.loc[hit, r.value].to_numpy()
                tables[r.table] = t
    if not tables:
        return on_scenario
    return on_scenario.with_ratings(rated.ratings, tables, on_scenario.data_hash)


def case_ratings(case: Case) -> Ratings | None:
    """The ratings a case was loaded with (``case.ratings``); None when it has none.

    Never reads the disk: a case loaded with ``ratings=False``, or derived with
    ``without_ratings()``, has none.
    """
    return case.ratings  # type: ignore[return-value]


def own_values(case: Case) -> Case:
    """The case on its own values, its ratings still known (``case.with_values("own")``)."""
    return case.with_values("own")
