"""Many ratings → one case: the median of the raters, within groups then across them.

Implements docs/method.md §Many raters: each rated value is the median of the raters who
gave one; with groups, the median within each group, then the median of the groups, so that
each organisation has one voice; the case's own value stays where nobody rated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import UnknownChoiceError
from .read import Ratings, item_ids
from .scale import RATED

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["aggregate_case", "group_median", "nanmedian", "participant_case", "rated_tables",
           "with_values"]


def nanmedian(values: np.ndarray, axis: int = -2) -> np.ndarray:
    """The median along ``axis`` ignoring NaN (NaN where all are NaN); fast for few raters."""
    s = np.sort(values, axis=axis)  # NaN sorts last
    n = (~np.isnan(values)).sum(axis=axis, keepdims=True)
    lo = np.take_along_axis(s, np.maximum(n - 1, 0) // 2, axis=axis)
    hi = np.take_along_axis(s, n // 2 - (n == 0), axis=axis)
    out = np.where(n > 0, (lo + hi) / 2, np.nan)
    return np.squeeze(out, axis=axis)


def group_median(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The median within each group, then across groups, of a raters × items array.

    ``values`` may have leading draw axes (…, raters, items); NaN is "no rating". An item
    nobody rated is NaN.
    """
    labels = pd.unique(np.asarray(groups, dtype=object))
    if len(labels) == len(groups):
        return nanmedian(values, axis=-2)
    per_group = np.stack([nanmedian(values[..., np.asarray(groups) == g, :], axis=-2)
                          for g in labels], axis=-2)
    return nanmedian(per_group, axis=-2)


def rated_tables(case: Case, values: dict[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    """The rated tables of ``case`` holding ``values`` (NaN keeps the case's value).

    ``values`` maps a table name to one value per item (``item_ids`` order).
    """
    tables = {}
    for r in RATED:
        if r.table not in values:
            continue
        t = case.table(r.table)
        new = np.asarray(values[r.table], dtype=float)
        t[r.value] = np.where(np.isnan(new), t[r.value].to_numpy(float), new)
        tables[r.table] = t
    return tables


def with_values(case: Case, values: dict[str, np.ndarray], tag: str, note: str = "") -> Case:
    """A copy of ``case`` whose rated tables hold ``values`` (NaN keeps the case's value).

    ``tag`` goes on the data hash; ``note`` is the copy's ``values_note`` (one rater's view).
    """
    return case.with_tables(rated_tables(case, values), tag=tag, note=note)


def aggregate_case(case: Case, ratings: Ratings, data_hash: str) -> Case:
    """The case on the raters' (group) medians, holding ``ratings`` (``values == "raters"``).

    ``case`` is the case on its own values; ``data_hash`` names the content and the ratings.
    """
    own = case.with_values("own")
    groups = ratings.raters["group"].to_numpy(object)
    values = {r.table: group_median(ratings.matrix(r.table, item_ids(own, r)), groups)
              for r in RATED}
    return own.with_ratings(ratings, rated_tables(own, values), data_hash)


def participant_case(case: Case, ratings: Ratings, rater: str) -> Case:
    """One participant's view: their own ratings, the group's value where they gave none.

    ``case`` is the aggregated case; ``rater`` a pseudonym (``R03``) of ``ratings``.
    """
    labels = list(ratings.raters["rater"])
    if rater not in labels:
        raise UnknownChoiceError("rater", rater, labels)
    at = labels.index(rater)
    values = {r.table: ratings.matrix(r.table, item_ids(case, r))[at] for r in RATED}
    return with_values(case, values, f"-{rater}",
                       note=f"{rater}'s own ratings (the group's medians where they gave none)")
