"""The priority formula over many drawn versions of a goal's judgements, all at once.

Robustness (perturbed judgements, or resampled participants) and a panel's noise rank the
audiences of hundreds of drawn cases: ``draw_priorities`` computes fit, timing and priority
for all of them at once, as ``score_priority`` does for one (method.md §Robustness).
The timing peak of large cases is computed only on the days that can hold it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .fit import fit_values
from .scoring import priority_matrix

if TYPE_CHECKING:
    from .matrices import Matrices

__all__ = ["draw_priorities"]

#: Audiences per block of the timing product: a block's (draws × audiences × days) stays in
#: the processor's cache across every moment, two to three times faster on large cases.
_TIMING_BLOCK = 65_536


def _every_day(pressure: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Peak timing (n, A): 1 − min over the candidate days of Π_m (1 − pressure·kernel).

    The product runs moment by moment over each moment's support only, one block of
    audiences at a time; the same operations in the same order as over all audiences at
    once, so the same numbers.
    """
    n, n_a, n_d = pressure.shape[0], pressure.shape[1], k.shape[1]
    spans = []
    for m in np.flatnonzero(k.any(axis=1)):  # a loop over moments only
        on = np.flatnonzero(k[m])
        spans.append((m, on[0], on[-1] + 1))  # the moment's support among the candidate days
    block = max(1, min(n_a, _TIMING_BLOCK // max(1, n * n_d)))
    peak = np.empty((n, n_a))
    quiet = np.empty((n, block, n_d))
    factor = np.empty_like(quiet)
    for a0 in range(0, n_a, block):
        a1 = min(n_a, a0 + block)
        q = quiet[:, : a1 - a0]
        q.fill(1.0)
        for m, lo, hi in spans:
            f = factor[:, : a1 - a0, : hi - lo]
            np.multiply(pressure[:, a0:a1, m, None], k[m, None, None, lo:hi], out=f)
            np.subtract(1.0, f, out=f)
            q[:, :, lo:hi] *= f
        peak[:, a0:a1] = 1.0 - q.min(axis=2)
    return peak


#: The share of (row, day) entries above which the bound prunes too little: every day instead.
_DENSE_SHARE = 0.1


def _peaks(pressure: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Peak timing (n, A) of pressures (n, A, M) under the kernels at the candidate days.

    Exact, with the bound of ``timing._exact_peaks``: S(t) = Σₘ p·k(t) (one matrix product)
    bounds −log Πₘ(1 − p·k(t)) from above, so a day whose bound is below the exact value on
    the row's best day by S cannot be the peak. The products on the days that can are taken
    moment by moment in the order :func:`_every_day` takes them, so the peak is the same
    number. In a large case one entry in a hundred is left (ten times faster); in a small one
    most are, and every day is computed.
    """
    n, n_a, n_m = pressure.shape
    p = pressure.reshape(n * n_a, n_m)
    s1 = p.astype(np.float32) @ k.astype(np.float32)  # (rows, C); bounds only, with a margin
    guess = s1.argmax(axis=1)
    pt = np.ascontiguousarray(p.T)  # (M, rows): one moment's pressures side by side
    moments = np.flatnonzero(k.any(axis=1))
    quiet = np.ones(len(p))
    for m in moments:  # exact on each row's best day by S
        quiet *= 1.0 - pt[m] * k[m, guess]
    u = p.max(axis=1, initial=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        floor = -np.log(quiet)  # −log Π(1 − p·k) there: the peak is at least this
        factor = 1.0 + u / (2.0 * (1.0 - u))  # inf when a moment is certain: every day stays
        need = np.where(np.isfinite(factor), (floor - 1e-6) / (factor * (1 + 1e-4)), 0.0)
    keep = s1 >= np.maximum(need, 1e-12).astype(np.float32)[:, None]
    keep[np.arange(len(p)), guess] = False  # known already
    if np.count_nonzero(keep) > _DENSE_SHARE * keep.size:
        return _every_day(pressure, k)
    rows, cols = np.divmod(np.flatnonzero(keep), keep.shape[1])
    other = np.ones(len(rows))
    for m in moments:
        other *= 1.0 - pt[m][rows] * k[m, cols]
    np.minimum.at(quiet, rows, other)  # the quietest day is the peak
    return (1.0 - quiet).reshape(n, n_a)


def draw_priorities(mx: Matrices, k: np.ndarray, weight: np.ndarray, strength: np.ndarray,
                    influence: np.ndarray, intensity: np.ndarray, rel: np.ndarray,
                    pw: np.ndarray, rule: str = "gated") -> np.ndarray:
    """Priorities (n, A) of n drawn versions of the judgements behind one goal's ranking.

    ``weight`` (n, A, I), ``strength`` (n, I), ``influence`` (n, A), ``intensity`` (n, M),
    ``rel`` (n, M, I) and ``pw`` (n, 3); ``k`` the kernels at the candidate days. Both the
    noise model and the raters' draws (``rater_draws``) go through this one formula.
    """
    total = weight.sum(axis=2)  # (n, A)
    safe = np.where(total > 0, total, 1.0)
    # method.md §Fit and §Relevance, draw by draw
    if mx.fit_rule == "mean":
        fit = fit_values(weight, strength[:, None, :], mx.fit_rule)[:, :, 0]
    else:  # an interest no draw's goal serves adds log(1 − 0) = 0: left out
        on = np.flatnonzero(strength.any(axis=0))
        fit = fit_values(weight[..., on], strength[:, None, on], mx.fit_rule)[:, :, 0]
    # method.md §Timing for a goal: interests count by their contribution to the fit
    served = weight * strength[:, None, :]  # (n, A, I)
    s_total = served.sum(axis=2)
    use = np.where((s_total > 0)[..., None], served, weight)
    use_total = np.where(s_total > 0, s_total, safe)
    pressure = intensity[:, None, :] * (use @ rel.transpose(0, 2, 1)) / use_total[..., None]
    # method.md §Timing at the candidate days only (exact for the peak)
    np.clip(pressure, 0.0, 1.0, out=pressure)
    # method.md §Priority
    return priority_matrix(fit, influence, _peaks(pressure, k), pw[:, None, :], rule)


