"""How much raters agree: per item (n, median, IQR, levels, a flag) and per table (alpha).

Implements docs/method.md §Many raters. ``krippendorff_alpha`` is the closed form of
Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", through the coincidence
matrix, in numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import BadParameterError
from .read import Ratings, item_ids
from .scale import HIGH_ABOVE, LOW_BELOW, RATED, level_of, rated

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["FLAGS", "alpha_interval", "item_agreement", "krippendorff_alpha", "table_agreement"]

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


def _interval_alphas(x: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """Interval alpha of each resample of the items of ``x`` (rows of ``picks``), at once.

    At the interval level the coincidence sums reduce to per-item sums: within item u with
    m_u values, S1 and S2 (sum and sum of squares), Σ n_uc n_uk (c − k)² = 2 (m_u S2 − S1²);
    the same over all pairable values gives D_e. So alpha = 1 − (n − 1) Σ_u 2 (m_u S2_u −
    S1_u²) / (m_u − 1) / (2 (n S2 − S1²)), a weighted sum over the items drawn.
    """
    ok = ~np.isnan(x)
    v = np.where(ok, x, 0.0)
    m = ok.sum(axis=0).astype(float)
    s1, s2 = v.sum(axis=0), (v * v).sum(axis=0)
    within = 2.0 * (m * s2 - s1 * s1) / (m - 1.0)
    w = np.zeros((len(picks), x.shape[1]))
    np.add.at(w, (np.repeat(np.arange(len(picks)), picks.shape[1]), picks.ravel()), 1.0)
    n, t1, t2 = w @ m, w @ s1, w @ s2
    expected = 2.0 * (n * t2 - t1 * t1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 1e-12, 1.0 - (n - 1.0) * (w @ within) / expected, np.nan)


def alpha_interval(mat: np.ndarray, draws: int = 1000, seed: int = 0,
                   level: str = "interval") -> tuple[float, float]:
    """The 95 % percentile-bootstrap interval of alpha, resampling the items (units).

    Each draw takes as many items as the table has, with replacement, keeping every rating of
    a chosen item, and recomputes alpha. Resampling the *raters* instead (as this kit did
    before) copies a rater onto itself: the copies agree perfectly, so the draws sit above
    the estimate and the interval's lower end was the estimate itself (docs/method.md).
    NaN, NaN when fewer than two pairable items.
    """
    x = np.asarray(mat, dtype=float)
    x = x[:, (~np.isnan(x)).sum(axis=0) >= 2]
    if x.shape[1] < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, x.shape[1], size=(draws, x.shape[1]))
    boot = (_interval_alphas(x, picks) if level == "interval"
            else np.array([krippendorff_alpha(x[:, p], level) for p in picks]))
    if not np.isfinite(boot).any():
        return float("nan"), float("nan")
    lo, hi = np.nanquantile(boot, [0.025, 0.975])
    return float(lo), float(hi)


def table_agreement(case: Case, ratings: Ratings | None = None, draws: int = 1000,
                    seed: int = 0) -> pd.DataFrame:
    """Krippendorff's alpha (interval) of every rated table, with a bootstrap interval.

    Returns
    -------
    DataFrame
        ``table, raters, items, alpha, alpha_low, alpha_high``: the 95 % percentile
        interval of alpha over ``draws`` resamples of the items (``alpha_interval``; NaN
        when undefined or when the table has a single rated item).
    """
    ratings = _ratings(case, ratings)
    rows = []
    for k, r in enumerate(RATED):
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
        lo, hi = alpha_interval(mat, draws, seed + k)
        rows.append({"table": r.table, "raters": int(who.sum()), "items": mat.shape[1],
                     "alpha": alpha, "alpha_low": lo, "alpha_high": hi})
    return pd.DataFrame(rows, columns=["table", "raters", "items", "alpha", "alpha_low",
                                       "alpha_high"])
