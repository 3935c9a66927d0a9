"""How much raters agree: per item (n, median, IQR, levels, a flag) and per table (alpha).

Implements docs/method.md §Many raters. ``krippendorff_alpha`` is the closed form of
Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", through the coincidence
matrix, in numpy.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import BadParameterError
from .read import Ratings, item_ids
from .scale import HIGH_ABOVE, LOW_BELOW, RATED, level_of, rated

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["FLAGS", "item_agreement", "krippendorff_alpha", "table_agreement"]

LEVELS_OF_MEASUREMENT = ("nominal", "ordinal", "interval", "ratio")
#: consensus: at most this share of raters outside the median's level (RAND/UCLA: 2 of 9).
CONSENSUS_OUTSIDE = 0.25
#: polarised: at least this share low and at least this share high (RAND/UCLA).
POLARISED_SHARE = 1 / 3
FLAGS = ("polarised", "mixed", "consensus", "single")


def _delta2(values: np.ndarray, counts: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's squared difference δ²(c, k) between every pair of values."""
    c, k = values[:, None], values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        s = c + k
        return np.where(s == 0, 0.0, ((c - k) / np.where(s == 0, 1, s)) ** 2)
    cum = np.cumsum(counts)  # ordinal: the ranks between c and k, halving the ends
    lo, hi = np.minimum.outer(np.arange(len(values)), np.arange(len(values))), \
        np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
    between = cum[hi] - cum[lo] + counts[lo]
    return (between - (counts[lo] + counts[hi]) / 2) ** 2


def krippendorff_alpha(ratings: np.ndarray | pd.DataFrame, level: str = "interval") -> float:
    """Krippendorff's alpha of a raters × items array (NaN = missing).

    alpha = 1 − D_o / D_e, the observed disagreement within items over the disagreement
    expected by chance, from the coincidence matrix of the pairable values (items with at
    least two ratings). 1 is perfect agreement, 0 agreement at chance.

    Parameters
    ----------
    ratings
        Raters in rows, items in columns; NaN where a rater gave no value.
    level
        ``interval`` (default), ``ratio``, ``ordinal`` or ``nominal``.

    Returns
    -------
    float
        Alpha; NaN when fewer than two pairable values or no variation at all.
    """
    if level not in LEVELS_OF_MEASUREMENT:
        raise BadParameterError("level", level, ", ".join(LEVELS_OF_MEASUREMENT))
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2:
        raise BadParameterError("ratings", f"an array of shape {x.shape}",
                                "a 2-D array: raters × items")
    x = x[:, (~np.isnan(x)).sum(axis=0) >= 2]  # only pairable items count
    if x.size == 0:
        return float("nan")
    values, inverse = np.unique(x[~np.isnan(x)], return_inverse=True)
    # counts[u, c]: how many raters gave item u the value c
    counts = np.zeros((x.shape[1], len(values)))
    u = np.nonzero(~np.isnan(x).T)[0]
    np.add.at(counts, (u, _inverse_for(x, inverse)), 1.0)
    m = counts.sum(axis=1)
    # the coincidence matrix: o[c, k] = Σ_u (n_uc n_uk − [c = k] n_uc) / (m_u − 1)
    wu = 1.0 / (m - 1.0)
    o = (counts * wu[:, None]).T @ counts - np.diag((counts * wu[:, None]).sum(axis=0))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    d2 = _delta2(values, n_c, level)
    expected = (n_c[:, None] * n_c[None, :] * d2).sum()
    if n < 2 or expected == 0:
        return float("nan")
    return float(1.0 - (n - 1.0) * (o * d2).sum() / expected)


def _inverse_for(x: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """The value index of every non-missing cell, in item-major order."""
    idx = np.full(x.shape, -1)
    idx[~np.isnan(x)] = inverse
    t = idx.T
    return t[t >= 0]


def _ratings(case: Case, ratings: Ratings | None) -> Ratings:
    if ratings is None:
        from .load import case_ratings

        ratings = case_ratings(case)
    return ratings if ratings is not None else Ratings(
        raters=pd.DataFrame({"rater": [], "group": [], "round": []}),
        values=pd.DataFrame({"rater": [], "table": [], "item": [], "value": []}))


def _flag(v: np.ndarray, median: float) -> str:
    n = len(v)
    if n < 2:
        return "single"
    low, high = (v < LOW_BELOW).sum(), (v > HIGH_ABOVE).sum()
    if low >= POLARISED_SHARE * n and high >= POLARISED_SHARE * n:
        return "polarised"
    outside = sum(level_of(x) != level_of(median) for x in v)
    return "consensus" if outside <= CONSENSUS_OUTSIDE * n else "mixed"


def item_name(case: Case, table: str, item: str) -> str:
    """A rated item in words: "Influence of Journalists", "Journalists × Rights"."""
    r = rated(table)
    names = [case.names(k).get(i, i) for k, i in zip(r.kinds(), item.split("/"), strict=True)]
    return f"{r.value.capitalize()} of {names[0]}" if r.key == ("id",) else " × ".join(names)


def item_agreement(case: Case, ratings: Ratings | None = None) -> pd.DataFrame:
    """Agreement on every rated item, most disputed first.

    Returns
    -------
    DataFrame
        ``table, item, item_name, n, median, q1, q3, iqr, low, medium, high, flag,
        value``: ``low/medium/high`` count the raters at each level; ``flag`` is
        ``polarised`` (at least a third low and a third high), ``consensus`` (at most a
        quarter outside the median's level), ``mixed`` or ``single`` (one rater);
        ``value`` is the case's aggregated value. Empty when the case has no ratings.
    """
    ratings = _ratings(case, ratings)
    rows = []
    for r in RATED:
        items = item_ids(case, r)
        mat = ratings.matrix(r.table, items)
        agg = case.table(r.table)[r.value].to_numpy(float)
        for j, item in enumerate(items):
            v = mat[:, j][~np.isnan(mat[:, j])]
            if len(v) == 0:
                continue
            q1, med, q3 = np.quantile(v, [0.25, 0.5, 0.75])
            rows.append({
                "table": r.table, "item": item, "item_name": item_name(case, r.table, item),
                "n": len(v), "median": med, "q1": q1, "q3": q3, "iqr": q3 - q1,
                "low": int((v < LOW_BELOW).sum()),
                "medium": int(((v >= LOW_BELOW) & (v <= HIGH_ABOVE)).sum()),
                "high": int((v > HIGH_ABOVE).sum()), "flag": _flag(v, med), "value": agg[j]})
    cols = ["table", "item", "item_name", "n", "median", "q1", "q3", "iqr", "low", "medium",
            "high", "flag", "value"]
    out = pd.DataFrame(rows, columns=cols)
    rank = out["flag"].map({f: i for i, f in enumerate(FLAGS)})
    out = out.assign(_r=rank).sort_values(["_r", "iqr", "n"], ascending=[True, False, False],
                                          kind="stable")
    return out.drop(columns="_r").reset_index(drop=True)


def table_agreement(case: Case, ratings: Ratings | None = None, draws: int = 500,
                    seed: int = 0) -> pd.DataFrame:
    """Krippendorff's alpha (interval) of every rated table, with a rater-bootstrap interval.

    Returns
    -------
    DataFrame
        ``table, raters, items, alpha, alpha_low, alpha_high``: the 95 % interval of alpha
        over ``draws`` resamples of the raters (with replacement; NaN when undefined or
        when the table has a single rated item).
    """
    ratings = _ratings(case, ratings)
    rng = np.random.default_rng(seed)
    rows = []
    for r in RATED:
        mat = ratings.matrix(r.table, item_ids(case, r))
        who = ~np.isnan(mat).all(axis=1)
        mat = mat[who][:, ~np.isnan(mat[who]).all(axis=0)]
        if mat.shape[1] == 0:
            continue
        if mat.shape[1] < 2:  # alpha compares items: one item says nothing
            rows.append({"table": r.table, "raters": int(who.sum()), "items": mat.shape[1],
                         "alpha": np.nan, "alpha_low": np.nan, "alpha_high": np.nan})
            continue
        alpha = krippendorff_alpha(mat)
        boot = np.array([krippendorff_alpha(mat[rng.integers(0, len(mat), len(mat))])
                         for _ in range(draws)]) if len(mat) >= 2 else np.array([np.nan])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo, hi = (np.nanquantile(boot, [0.025, 0.975]) if np.isfinite(boot).any()
                      else (np.nan, np.nan))
        rows.append({"table": r.table, "raters": int(who.sum()), "items": mat.shape[1],
                     "alpha": alpha, "alpha_low": float(lo), "alpha_high": float(hi)})
    return pd.DataFrame(rows, columns=["table", "raters", "items", "alpha", "alpha_low",
                                       "alpha_high"])
