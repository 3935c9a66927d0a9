"""How much the ranking of audiences depends on the judgements behind the weights.

Implements method.md §Robustness: every weight is perturbed by seeded multiplicative
lognormal noise, the priorities are recomputed for each draw, and the ranks are counted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import BadParameterError
from ..params import DateLike
from ..ratings.aggregate import participant_case
from .draws import draw_priorities
from .matrices import Horizon, Matrices, check_count, horizon, matrices, memo, priority_weights
from .noise_draws import NoiseModel, noise
from .rater_draws import rater_draws
from .scoring import check_rule, score_priority
from .timing import breakpoints, candidate_days, kernels

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["Robustness", "robustness_of_goals", "score_robustness"]

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
    return robustness_of_goals(case, [goal], start, days, sigma, draws, seed, weights, source,
                               rule)[goal]


def robustness_of_goals(case: Case, goals: Sequence[str], start: DateLike = None,
                        days: int | str | None = None, sigma: float = 0.25, draws: int = 1000,
                        seed: int = 0, weights: Mapping[str, float] | None = None,
                        source: str | None = None, rule: str | None = None
                        ) -> dict[str, Robustness]:
    """``score_robustness`` of several goals: ``{goal: Robustness}``, the same numbers.

    A draw's noise is the same for every goal (seeded by the draw's number), and so are the
    perturbed weights, intensities and relevances it gives: they are drawn once per draw for
    all the goals, where one goal at a time drew them once per goal (issue 23: most of an
    overview's time on a large case).
    """
    rule = check_rule(case, rule)
    bases = {g: score_priority(case, goal=g, start=start, days=days, weights=weights, rule=rule)
             for g in goals}
    if isinstance(sigma, bool) or not isinstance(sigma, int | float | np.number) \
            or not 0 <= float(sigma) <= 2:
        raise BadParameterError("sigma", sigma, "a number from 0 to 2")
    draws = check_count(draws, "draws", 1, 100_000)
    seed = check_count(seed, "seed", 0, 2**63 - 1)
    source = _pick_source(case, source)
    h = horizon(case, start, days)
    w = priority_weights(case, weights)
    # The same draws for every audience report of a goal (a batch's kernel, the explorer):
    # computed once per case object and arguments, handed out as copies.
    key = ("robustness", tuple(goals), h, float(sigma), draws, seed, tuple(w), source, rule)
    kept = memo(case, key, lambda: _robustness_of_goals(
        case, list(goals), bases, h, w, float(sigma), draws, seed, source, rule,
        (start, days, weights)))
    return {g: dataclasses.replace(
        r, summary=r.summary.copy(), distribution=r.distribution.copy(),
        participants=None if r.participants is None else r.participants.copy())
        for g, r in kept.items()}


def _robustness_of_goals(case: Case, goals: list[str], bases: dict[str, pd.DataFrame],
                         h: Horizon, w: np.ndarray, sigma: float, draws: int, seed: int,
                         source: str, rule: str, horizon_args: tuple[Any, ...]
                         ) -> dict[str, Robustness]:
    mx = matrices(case)
    k = kernels(case, h)
    k = k[:, candidate_days(k, breakpoints(mx, h))]
    n_a = len(mx.audiences)
    n_i, n_m = len(mx.interests), len(mx.moments)
    per_draw = n_a * (2 * n_i + n_m + k.shape[1]) + n_m * n_i
    chunk = max(1, min(draws, _CHUNK_ELEMENTS // per_draw))
    found: dict[str, Robustness] = {}
    if source == "noise":
        model = NoiseModel.of(mx, w)
        idx = [int(mx.goals.get_loc(g)) for g in goals]
        ranks = {g: np.empty((draws, n_a), dtype=np.int64) for g in goals}
        for lo in range(0, draws, chunk):
            n = min(chunk, draws - lo)
            prios = model.priorities(mx, idx, k, noise(seed, lo, n, model.size), float(sigma),
                                     rule)
            for g, prio in zip(goals, prios, strict=True):
                ranks[g][lo:lo + n] = _ranks(prio)
        for g in goals:
            summary, distribution = _summarise(ranks[g], _base_rank(bases[g], mx), mx)
            found[g] = Robustness(summary=summary, distribution=distribution,
                                  sigma=float(sigma), draws=draws, seed=seed, source=source)
        return found
    for g in goals:  # resampled participants: each goal its own panels
        found[g] = _rater_robustness(case, mx, g, k, w, bases[g], chunk, draws, seed, rule,
                                     horizon_args, float(sigma))
    return found


def _ranks(prio: np.ndarray) -> np.ndarray:
    """Ranks (n, A) of priorities (n, A): 1 the highest, ties to the audience listed first."""
    n_a = prio.shape[1]
    order = np.argsort(-prio, axis=1, kind="stable")
    r = np.empty_like(order)
    np.put_along_axis(r, order, np.arange(1, n_a + 1)[None, :], axis=1)
    return r


def _base_rank(base: pd.DataFrame, mx: Matrices) -> np.ndarray:
    return base.set_index("audience")["rank"].reindex(mx.audiences).to_numpy()


def _rater_robustness(case: Case, mx: Matrices, goal: str, k: np.ndarray, w: np.ndarray,
                      base: pd.DataFrame, chunk: int, draws: int, seed: int, rule: str,
                      horizon_weights: tuple[DateLike, int | str | None,
                                             Mapping[str, float] | None],
                      sigma: float) -> Robustness:
    """One goal's robustness over resampled participants (method.md §Many raters)."""
    g = mx.goals.get_loc(goal)
    n_a, n_m = len(mx.audiences), len(mx.moments)
    rd = rater_draws(case, mx, goal, draws, seed)
    ga = case.goal_audiences
    fixed = np.asarray(mx.audiences.isin(ga.loc[ga["goal"] == goal, "audience"]))[None, :]
    draws = len(rd.influence)
    ranks = np.empty((draws, n_a), dtype=np.int64)
    for lo in range(0, draws, chunk):
        n = min(chunk, draws - lo)
        part = slice(lo, lo + n)
        # a goal's own influence (goal_audiences.csv) stands for that goal in every draw
        influence = np.where(fixed, mx.goal_influence[:, g], rd.influence[part])
        prio = draw_priorities(mx, k, rd.weight[part], rd.strength[part], influence,
                               np.broadcast_to(mx.intensity, (n, n_m)), rd.rel[part],
                               np.broadcast_to(w, (n, 3)), rule)
        ranks[lo:lo + n] = _ranks(prio)
    summary, distribution = _summarise(ranks, _base_rank(base, mx), mx)
    return Robustness(summary=summary, distribution=distribution, sigma=sigma,
                      draws=draws, seed=seed, source="raters", method=rd.method,
                      participants=participant_ranks(case, goal, *horizon_weights))


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
