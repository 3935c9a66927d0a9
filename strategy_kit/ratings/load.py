"""Load a case with its ratings: the public ``load_case`` (docs/workshop.md).

A case with a ``ratings/`` folder is read, its ratings checked, and every rated value
replaced by the raters' median (``aggregate``); a case without one is loaded as it is.
"""

from __future__ import annotations

from pathlib import Path

from .. import config
from ..case import Case, resolve_case_path
from ..case import load_case as load_own_values
from .aggregate import aggregate_case
from .read import RATINGS_DIR, Ratings, read_ratings

__all__ = ["case_ratings", "load_case", "own_values"]

#: Aggregated cases and their ratings, by folder and content hash (ratings/ is in the hash).
_RATED: dict[tuple[Path, str], tuple[Case, Ratings]] = {}
_RATED_MAX = 8


def _rated(raw: Case) -> tuple[Case, Ratings] | None:
    key = (raw.path, raw.data_hash)
    if key not in _RATED:
        ratings = read_ratings(raw)
        if ratings is None:
            return None
        _RATED[key] = (aggregate_case(raw, ratings), ratings)
        while len(_RATED) > _RATED_MAX:
            _RATED.pop(next(iter(_RATED)))
    return _RATED[key]


def load_case(name_or_path: str | Path = config.DEFAULT_CASE, *, ratings: bool = True) -> Case:
    """Load and validate a case folder; with ratings, its values are the raters' medians.

    Parameters
    ----------
    name_or_path
        A folder path, or the name of a case under ``data/`` (default ``belarus``).
    ratings
        Use the ``ratings/`` folder when there is one (default); False for the case's own
        values.

    Raises
    ------
    CaseNotFoundError
        No such folder.
    CaseError
        The case or its ratings have problems; every one is listed (file, sheet, cell).
    """
    raw = load_own_values(name_or_path)
    if not ratings or not (raw.path / RATINGS_DIR).is_dir():
        return raw
    found = _rated(raw)
    return raw if found is None else found[0]


def case_ratings(case: Case) -> Ratings | None:
    """The (checked) ratings of a case's folder; None when it has none."""
    path = resolve_case_path(case.path)
    if not (path / RATINGS_DIR).is_dir():
        return None
    found = _rated(load_own_values(path))
    return None if found is None else found[1]


def own_values(case: Case) -> Case:
    """The case as its own files give it, without the raters' medians."""
    return load_own_values(case.path)
