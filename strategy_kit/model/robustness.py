"""How much the ranking of audiences depends on the judgements behind the weights.

Implements method.md §Robustness: every weight is perturbed by seeded multiplicative
lognormal noise, the priorities are recomputed for each draw, and the ranks are counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import BadParameterError
from ..params import DateLike
from ..ratings.aggregate import participant_case
from .fit import fit_values
from .matrices import Matrices, check_count, horizon, matrices, priority_weights
from .rater_draws import rater_draws
from .scoring import check_rule, priority_matrix, score_priority
from .timing import breakpoints, candidate_days, kernels

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["Robustness", "score_robustness"]

#: Fragile: top-three membership is a toss-up (P between these) …
FRAGILE_TOP3 = (0.2, 0.8)
#: … or a top-three audience keeps its exact rank in fewer than this share of the draws.
FRAGILE_KEEP = 0.5
#: Elements per chunk of draws (bounds memory: draws × audiences × interests).
_CHUNK_ELEMENTS = 500_000


@dataclass(frozen=True)
class Robustness:
    """The rank distribution of every audience under noisy weights (method.md §Robustness).

    Attributes
    ----------
    summary
        ``audience, audience_name, base_rank, median_rank, rank_p05, rank_p95, p_top3,
        fragile``, in base-rank order.
    distribution
        ``audience, rank, probability``: the share of draws in which the audience had that
        rank (ranks never reached are left out).
    sigma, draws, seed
        The noise and the number of draws used.
    source
        ``noise`` (perturbed weights) or ``raters`` (resampled participants, issue 15).
    method
        ``noise``, ``bootstrap`` (five raters or more) or ``leave-one-out``.
    participants
        With ``raters``: each participant's own ranking, ``rater, audience, rank`` (the
        rater's values, the group's where they gave none); None otherwise.
    """

    summary: pd.DataFrame
    distribution: pd.DataFrame
    sigma: float
    draws: int
    seed: int
    source: str = "noise"
    method: str = "noise"
    participants: pd.DataFrame | None = None


def _noise(seed: int, first: int, n: int, size: int) -> np.ndarray:
    """Standard normal noise (n, size) for draws first … first + n − 1.

    Each draw has its own stream, seeded by (seed, draw number): a draw's noise does not
    depend on how the draws are chunked, and fewer draws are a prefix of more.
    """
    return np.stack([np.random.default_rng([seed, d]).standard_normal(size)
                     for d in range(first, first + n)])


def _scatter(n: int, shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray,
             values: np.ndarray) -> np.ndarray:
    out = np.zeros((n, *shape))
    out[:, rows, cols] = values
    return out


@dataclass(frozen=True)
class _Judgements:
    """The judgements one goal's noise perturbs, found once for all the chunks of draws."""

    weight_at: tuple[np.ndarray, np.ndarray]  # the non-zero audience–interest weights
    rel_at: tuple[np.ndarray, np.ndarray]  # the non-zero moment relevances
    base: list[np.ndarray]  # their values, then strengths, influences, intensities, weights

    @classmethod
    def of(cls, mx: Matrices, g: int, w: np.ndarray) -> _Judgements:
        wr, wc = np.nonzero(mx.weight)
        rr, rc = np.nonzero(mx.moment_relevance)
        return cls((wr, wc), (rr, rc),
                   [mx.weight[wr, wc], mx.strength[g], mx.goal_influence[:, g], mx.intensity,
                    mx.moment_relevance[rr, rc], w])

    @property
    def size(self) -> int:
        """How many standard normal numbers one draw takes."""
        return sum(len(b) for b in self.base)


def _draw_priorities(mx: Matrices, j: _Judgements, k: np.ndarray, w: np.ndarray,
                     z: np.ndarray, sigma: float, rule: str = "gated") -> np.ndarray:
    """Priorities (n, A) of the draws whose standard normal noise is ``z`` (n, …)."""
    cuts = np.cumsum([len(b) for b in j.base])[:-1]
    # method.md §Robustness: x' = clip(x·exp(σZ), 0, 1)
    noisy = [np.clip(b[None, :] * np.exp(sigma * part), 0.0, 1.0)
             for b, part in zip(j.base, np.split(z, cuts, axis=1), strict=True)]
    n = len(z)
    weight = _scatter(n, mx.weight.shape, *j.weight_at, noisy[0])
    rel = _scatter(n, mx.moment_relevance.shape, *j.rel_at, noisy[4])
    pw = noisy[5]  # (n, 3)
    pw_total = pw.sum(axis=1, keepdims=True)
    pw = np.where(pw_total > 0, pw / np.where(pw_total > 0, pw_total, 1), w)
    return draw_priorities(mx, k, weight, noisy[1], noisy[2], noisy[3], rel, pw, rule)


#: Audiences per block of the timing product: a block's (draws × audiences × days) stays in
#: the processor's cache across every moment, two to three times faster on large cases.
_TIMING_BLOCK = 65_536


def _peaks(pressure: np.ndarray, k: np.ndarray) -> np.ndarray:
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


def score_robustness(case: Case, goal: str, start: DateLike = None,
                     days: int | str | None = None, sigma: float = 0.25, draws: int = 1000,
                     seed: int = 0, weights: Mapping[str, float] | None = None,
                     source: str | None = None, rule: str | None = None) -> Robustness:
    """Perturb every weight many times and report how each audience's rank moves.

    Each weight x becomes clip(x·exp(σ·Z), 0, 1), Z standard normal, independently for the
    audience–interest weights, the goal's strengths, the influences, the moments'
    intensities and relevances and the priority weights (method.md §Robustness).

    Parameters
    ----------
    case
        A loaded case.
    goal
        A goal id.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    sigma
        The noise: the standard deviation of log(x) (0 to 2; 0.25 ≈ ±25 %).
    draws
        How many perturbed copies to rank (1 to 100,000).
    seed
        The random seed; the same seed gives the same result.
    weights
        Overrides of the priority weights, as in ``score_priority``.
    source
        ``"raters"``: each draw resamples the participants of a case with ratings
        (method.md §Many raters; leave-one-rater-out below five raters); ``"noise"``: the
        noise model. Default: ``raters`` when the case has ratings, else ``noise``.
    rule
        The priority rule, as in ``score_priority`` (None: the case's).

    Returns
    -------
    Robustness
        ``summary`` and ``distribution``. ``fragile`` is True when P(top three) is between
        0.2 and 0.8, or when a top-three audience keeps its exact rank in fewer than half
        of the draws.
    """
    rule = check_rule(case, rule)
    base = score_priority(case, goal=goal, start=start, days=days, weights=weights, rule=rule)
    if isinstance(sigma, bool) or not isinstance(sigma, int | float | np.number) \
            or not 0 <= float(sigma) <= 2:
        raise BadParameterError("sigma", sigma, "a number from 0 to 2")
    draws = check_count(draws, "draws", 1, 100_000)
    seed = check_count(seed, "seed", 0, 2**63 - 1)
    source = _pick_source(case, source)
    h = horizon(case, start, days)
    w = priority_weights(case, weights)
    mx = matrices(case)
    g = mx.goals.get_loc(goal)
    k = kernels(case, h)
    k = k[:, candidate_days(k, breakpoints(mx, h))]
    n_a = len(mx.audiences)
    n_i, n_m = len(mx.interests), len(mx.moments)
    per_draw = n_a * (2 * n_i + n_m + k.shape[1]) + n_m * n_i
    chunk = max(1, min(draws, _CHUNK_ELEMENTS // per_draw))
    judged = _Judgements.of(mx, g, w)
    rd = rater_draws(case, mx, goal, draws, seed) if source == "raters" else None
    ga = case.goal_audiences
    fixed = np.asarray(mx.audiences.isin(ga.loc[ga["goal"] == goal, "audience"]))[None, :]
    draws = draws if rd is None else len(rd.influence)
    ranks = np.empty((draws, n_a), dtype=np.int64)
    for lo in range(0, draws, chunk):
        n = min(chunk, draws - lo)
        if rd is None:
            prio = _draw_priorities(mx, judged, k, w, _noise(seed, lo, n, judged.size),
                                    float(sigma), rule)
        else:
            part = slice(lo, lo + n)
            # a goal's own influence (goal_audiences.csv) stands for that goal in every draw
            influence = np.where(fixed, mx.goal_influence[:, g], rd.influence[part])
            prio = draw_priorities(mx, k, rd.weight[part], rd.strength[part], influence,
                                   np.broadcast_to(mx.intensity, (n, n_m)), rd.rel[part],
                                   np.broadcast_to(w, (n, 3)), rule)
        # rank 1 = highest; ties (rare under noise) go to the audience listed first
        order = np.argsort(-prio, axis=1, kind="stable")
        r = np.empty_like(order)
        np.put_along_axis(r, order, np.arange(1, n_a + 1)[None, :], axis=1)
        ranks[lo:lo + n] = r
    base_rank = base.set_index("audience")["rank"].reindex(mx.audiences).to_numpy()
    summary, distribution = _summarise(ranks, base_rank, mx)
    return Robustness(summary=summary, distribution=distribution, sigma=float(sigma),
                      draws=draws, seed=seed, source=source,
                      method="noise" if rd is None else rd.method,
                      participants=None if rd is None else participant_ranks(
                          case, goal, start, days, weights))


def _summarise(ranks: np.ndarray, base_rank: np.ndarray, mx: Matrices
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary and the distribution of the ranks (draws, A) the draws gave each audience.

    Counted from each audience's sorted ranks rather than an audiences × ranks table, which
    takes 800 MB at 10,000 audiences (issue 23); the shares and their running sums are
    added in the same order as over that table, so the numbers are the same.
    """
    draws, n_a = ranks.shape
    # the ranks each audience reached (sorted, audience by audience) and how often
    cells, counts = np.unique(np.arange(n_a)[None, :] * n_a + ranks - 1, return_counts=True)
    a_u, r_u = cells // n_a, cells % n_a + 1
    prob = counts / draws
    first = np.searchsorted(a_u, np.arange(n_a))  # each audience's first reached rank
    col = np.arange(len(cells)) - first[a_u]
    share = np.zeros((n_a, int(col.max()) + 1))
    share[a_u, col] = prob
    cum = share.cumsum(axis=1)  # running share, reached rank by reached rank
    reached = np.zeros_like(share, dtype=np.int64)
    reached[a_u, col] = r_u
    rows = np.arange(n_a)

    def quantile(q: float) -> np.ndarray:  # the smallest rank whose cumulative share ≥ q
        at = np.argmax(cum >= q - 1e-12, axis=1)
        return np.where(cum[rows, at] >= q - 1e-12, reached[rows, at], n_a + 1)

    top3 = np.bincount(a_u[r_u <= min(3, n_a)], minlength=n_a)  # reached ranks within the top 3
    p_top3 = np.where(top3 > 0, cum[rows, np.maximum(top3 - 1, 0)], 0.0)
    keep = (ranks == np.clip(base_rank, 1, n_a)[None, :]).sum(axis=0) / draws
    fragile = ((p_top3 > FRAGILE_TOP3[0]) & (p_top3 < FRAGILE_TOP3[1])) | (
        (base_rank <= 3) & (keep < FRAGILE_KEEP))
    summary = pd.DataFrame({
        "audience": pd.array(mx.audiences.to_numpy(object), dtype="str"),
        "audience_name": pd.array(mx.audience_names, dtype="str"),
        "base_rank": base_rank.astype(np.int64),
        "median_rank": quantile(0.5),
        "rank_p05": quantile(0.05),
        "rank_p95": quantile(0.95),
        "p_top3": p_top3,
        "fragile": fragile,
    })
    order = np.lexsort((np.arange(n_a), base_rank))
    summary = summary.iloc[order].reset_index(drop=True)
    position = np.empty(n_a, dtype=np.int64)
    position[order] = np.arange(n_a)
    by = np.lexsort((r_u, position[a_u]))  # audiences in base-rank order, then their ranks
    distribution = pd.DataFrame({
        "audience": pd.array(mx.audiences.to_numpy(object)[a_u[by]], dtype="str"),
        "rank": r_u[by].astype(np.int64),
        "probability": prob[by],
    })
    return summary, distribution


def _pick_source(case: Case, source: str | None) -> str:
    has = case.ratings is not None  # read with the case, never from the disk here
    if source is None:
        return "raters" if has else "noise"
    if source not in ("raters", "noise"):
        raise BadParameterError("source", source, "'raters' or 'noise'")
    if source == "raters" and not has:
        raise BadParameterError("source", source,
                                "'noise': the case was loaded without ratings (no ratings/ "
                                "folder, or ratings=False; docs/workshop.md)")
    return source


def participant_ranks(case: Case, goal: str, start: DateLike = None,
                      days: int | str | None = None,
                      weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Each participant's own ranking of one goal: ``rater, audience, rank``.

    A participant's view is their ratings, with the group's value where they gave none.
    """
    ratings = case.ratings
    frames = []
    for rater in ([] if ratings is None else ratings.raters["rater"]):
        p = score_priority(participant_case(case, ratings, rater), goal=goal, start=start,
                           days=days, weights=weights)
        frames.append(p[["audience", "rank"]].assign(rater=rater))
    if not frames:
        return pd.DataFrame({"rater": [], "audience": [], "rank": []})
    return pd.concat(frames, ignore_index=True)[["rater", "audience", "rank"]]
