"""Load a case with its ratings: the public ``load_case`` (docs/workshop.md).

A case with a ``ratings/`` folder is read, its ratings checked, and every rated value
replaced by the raters' median (``aggregate``); a case without one is loaded as it is.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from .. import config
from ..case import Case, memo
from ..case import load_case as load_own_values
from .aggregate import aggregate_case
from .read import Ratings, ratings_files, ratings_folder, read_ratings

__all__ = ["case_ratings", "load_case", "own_values"]

#: Aggregated cases and their ratings, by case, its content hash and its ratings files' hash.
_RATED: dict[tuple[Path, str, str], tuple[Case, Ratings]] = {}
_RATED_MAX = 8


def _ratings_hash(path: Path) -> str:
    h = hashlib.sha256()
    folder = ratings_folder(path)
    for f in ratings_files(path):
        h.update(f.relative_to(folder).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def _rated(raw: Case) -> tuple[Case, Ratings] | None:
    key = (raw.path, raw.data_hash, _ratings_hash(raw.path))
    if key not in _RATED and (kept := memo.recall(("rated", *key))) is not None:
        _RATED[key] = kept  # rated in this kernel for an earlier notebook (batch)
    if key not in _RATED:
        ratings = read_ratings(raw)
        if ratings is None:
            return None
        rated = aggregate_case(raw, ratings)
        # The data hash says what the numbers came from: the case's content and its ratings.
        digest = hashlib.sha256(f"{raw.data_hash}:{key[2]}".encode()).hexdigest()[:12]
        _RATED[key] = (dataclasses.replace(rated, data_hash=digest), ratings)
        memo.remember(("rated", *key), _RATED[key])
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
    if not ratings or not ratings_folder(raw.path).is_dir():
        return raw
    found = _rated(raw)
    return raw if found is None else found[0]


def case_ratings(case: Case) -> Ratings | None:
    """The (checked) ratings of a case's folder; None when it has none.

    A case whose folder is gone (a case built in a temporary folder) has no ratings to read.
    """
    path = case.path
    if not ratings_folder(path).is_dir():
        return None
    found = _rated(load_own_values(path))
    return None if found is None else found[1]


def own_values(case: Case) -> Case:
    """The case as its own files give it, without the raters' medians."""
    return load_own_values(case.path)
