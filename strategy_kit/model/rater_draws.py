"""Robustness from the raters: the ranking under resampled participants (method.md §Many raters).

Each draw resamples the voices (groups, or raters without a group) with replacement, then the
raters within each chosen group, recomputes the medians and ranks the audiences. With fewer
than five raters a bootstrap says little: each rater is left out in turn instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..ratings.aggregate import group_median, nanmedian
from ..ratings.read import Ratings, item_ids
from ..ratings.scale import rated

if TYPE_CHECKING:
    from ..case import Case
    from .matrices import Matrices

__all__ = ["BOOTSTRAP_MIN_RATERS", "RaterDraws", "rater_draws"]

#: From this many raters on, the draws are a bootstrap; below, leave-one-rater-out.
BOOTSTRAP_MIN_RATERS = 5
#: The tables whose values move a goal's ranking, and the matrix each fills.
_RANKING_TABLES = ("audiences", "audience_interests", "goal_interests", "moment_interests")


@dataclass(frozen=True)
class RaterDraws:
    """Rated values of every draw, as the arrays the priority formula takes."""

    method: str  # "bootstrap" or "leave-one-out"
    influence: np.ndarray  # (n, A)
    weight: np.ndarray  # (n, A, I)
    strength: np.ndarray  # (n, I)
    rel: np.ndarray  # (n, M, I)


def _voices(mat: np.ndarray, groups: np.ndarray, draws: int,
            rng: np.random.Generator) -> np.ndarray:
    """(draws, items) medians of a two-stage bootstrap: voices, then raters within them."""
    labels = list(pd.unique(groups))
    per_group = []
    for g in labels:
        rows = mat[groups == g]
        if len(rows) == 1:
            per_group.append(np.broadcast_to(rows[0], (draws, rows.shape[1])))
        else:
            pick = rng.integers(0, len(rows), size=(draws, len(rows)))
            per_group.append(nanmedian(rows[pick], axis=1))
    stacked = np.stack(per_group)  # (G, draws, items)
    chosen = rng.integers(0, len(labels), size=(draws, len(labels)))
    return nanmedian(stacked[chosen, np.arange(draws)[:, None], :], axis=1)


def _leave_one_out(mat: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(raters, items) medians with each rater left out in turn."""
    out = []
    for r in range(len(mat)):
        keep = np.arange(len(mat)) != r
        out.append(group_median(mat[keep], groups[keep]))
    return np.stack(out)


def _table_draws(case: Case, own: Case, ratings: Ratings, table: str, goal: str | None,
                 draws: int, seed: int, loo: bool) -> tuple[pd.DataFrame, np.ndarray]:
    r = rated(table)
    t = own.table(table)
    rows = np.ones(len(t), dtype=bool) if goal is None else (t["goal"] == goal).to_numpy()
    items = [i for i, keep in zip(item_ids(case, r), rows, strict=True) if keep]
    mat = ratings.matrix(table, items)
    groups = ratings.raters["group"].to_numpy(object)
    rng = np.random.default_rng([seed, _RANKING_TABLES.index(table)])
    vals = _leave_one_out(mat, groups) if loo else _voices(mat, groups, draws, rng)
    own_vals = t[r.value].to_numpy(float)[rows]
    return t[rows].reset_index(drop=True), np.where(np.isnan(vals), own_vals[None, :], vals)


def rater_draws(case: Case, mx: Matrices, goal: str, draws: int, seed: int) -> RaterDraws:
    """The rated values of ``draws`` resampled panels (or of each leave-one-out panel)."""
    ratings = case.ratings
    if ratings is None:
        raise ValueError("the case has no ratings")
    own = case.with_values("own")
    loo = len(ratings.raters) < BOOTSTRAP_MIN_RATERS
    n = len(ratings.raters) if loo else draws
    a_idx, i_idx, m_idx = mx.audiences.get_indexer, mx.interests.get_indexer, \
        mx.moments.get_indexer
    t, v = _table_draws(case, own, ratings, "audiences", None, draws, seed, loo)
    influence = np.zeros((n, len(mx.audiences)))
    influence[:, a_idx(t["id"])] = np.clip(v, 0.0, 1.0)
    t, v = _table_draws(case, own, ratings, "audience_interests", None, draws, seed, loo)
    weight = np.zeros((n, *mx.weight.shape))
    weight[:, a_idx(t["audience"]), i_idx(t["interest"])] = v
    t, v = _table_draws(case, own, ratings, "goal_interests", goal, draws, seed, loo)
    strength = np.zeros((n, len(mx.interests)))
    strength[:, i_idx(t["interest"])] = v
    t, v = _table_draws(case, own, ratings, "moment_interests", None, draws, seed, loo)
    rel = np.zeros((n, *mx.moment_relevance.shape))
    rel[:, m_idx(t["moment"]), i_idx(t["interest"])] = v
    return RaterDraws("leave-one-out" if loo else "bootstrap", influence, weight, strength, rel)
