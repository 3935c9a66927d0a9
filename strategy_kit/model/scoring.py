"""Why an audience would care (fit and its contributions), and who comes first (priority).

Implements method.md §Fit and §Priority.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..case.schema import PRIORITY_RULES
from ..params import DateLike
from .fit import fit_parts
from .matrices import horizon, matrices, priority_weights, to_dates
from .timing import goal_peaks

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["score_contributions", "score_fit", "score_priority"]

RULES = PRIORITY_RULES  # gated, additive (their home: case.schema)


def _goal_rows(case: Case, goal: str | None) -> np.ndarray:
    mx = matrices(case)
    if goal is None:
        return np.arange(len(mx.goals))
    return np.array([mx.goals.get_loc(case.check("goal", goal))])


def _text(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(values, dtype=object), dtype="str")


def score_fit(case: Case, goal: str | None = None) -> pd.DataFrame:
    """How well each goal serves what each audience cares about.

    fit(a, g) = 1 − Πᵢ (1 − w(a, i)·s(g, i)) (the default ``noisy-or``), or with ``fit: mean``
    in case.yaml Σᵢ w(a, i)·s(g, i) / Σᵢ w(a, i); in [0, 1] (method.md §Fit).

    Parameters
    ----------
    case
        A loaded case.
    goal
        A goal id; None for every goal.

    Returns
    -------
    DataFrame
        ``audience, goal, fit``, goal by goal, audiences in file order.
    """
    g = _goal_rows(case, goal)
    mx = matrices(case)
    n_a = len(mx.audiences)
    return pd.DataFrame({
        "audience": _text(np.tile(mx.audiences.to_numpy(object), len(g))),
        "goal": _text(np.repeat(mx.goals.to_numpy(object)[g], n_a)),
        "fit": mx.fit[:, g].T.ravel(),
    })


def score_contributions(case: Case, audience: str, goal: str) -> pd.DataFrame:
    """Each interest's part of the fit of ``goal`` for ``audience``; the parts add up to it.

    noisy-or: contribution(a, g, i) = fit(a, g) · w(a, i)·s(g, i) / Σⱼ w(a, j)·s(g, j);
    mean: contribution(a, g, i) = w(a, i)·s(g, i) / Σⱼ w(a, j) (method.md §Fit).

    Parameters
    ----------
    case
        A loaded case.
    audience, goal
        Ids from the case.

    Returns
    -------
    DataFrame
        ``interest, interest_name, theme, weight, strength, contribution, hook``: one row per
        interest the audience has a weight on, the largest contribution first. ``hook`` is
        the goal's sentence for the interest ("" when the goal does not serve it).
    """
    a = matrices(case).audiences.get_loc(case.check("audience", audience))
    g = matrices(case).goals.get_loc(case.check("goal", goal))
    mx = matrices(case)
    i = np.flatnonzero(mx.weight[a] > 0)
    contribution = fit_parts(mx.weight[a], mx.strength[g], mx.fit_rule)[i]
    order = np.lexsort((-mx.weight[a, i], -contribution))
    i, contribution = i[order], contribution[order]
    return pd.DataFrame({
        "interest": _text(mx.interests.to_numpy(object)[i]),
        "interest_name": _text(mx.interest_names[i]),
        "theme": _text(mx.themes[i]),
        "weight": mx.weight[a, i],
        "strength": mx.strength[g, i],
        "contribution": contribution,
        "hook": _text(mx.hooks[g, i]),
    })


def check_rule(case: Case, rule: str | None) -> str:
    """The priority rule: ``rule``, or the case's (``case.yaml`` ``priority``)."""
    from ..errors import UnknownChoiceError

    rule = getattr(case, "priority_rule", "gated") if rule is None else rule
    if rule not in RULES:
        raise UnknownChoiceError("priority rule", rule, RULES)
    return rule


def priority_matrix(fit: np.ndarray, influence: np.ndarray, timing: np.ndarray,
                    w: np.ndarray, rule: str = "gated") -> np.ndarray:
    """Priority from fit, influence and timing (method.md §Priority).

    The three are of the same shape, or broadcastable; ``w`` holds the weights (fit,
    influence, timing) on its last axis.

    additive: w_f·fit + w_i·influence + w_t·timing.
    gated:    fit^w_f · opportunity^(w_i + w_t), opportunity = (w_i·influence + w_t·timing)
              / (w_i + w_t): a weighted geometric mean of fit and opportunity, 0 when fit is 0.
    """
    wf, wi, wt = (w[..., j] for j in range(3))
    if rule == "additive":
        p = wf * fit + wi * influence + wt * timing
    else:
        rest = wi + wt
        safe = np.where(rest > 0, rest, 1.0)
        opportunity = np.where(rest > 0, (wi * influence + wt * timing) / safe, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.power(np.clip(fit, 0.0, 1.0), wf) * np.power(opportunity, rest)
    return np.clip(p, 0.0, 1.0)


def score_priority(case: Case, goal: str | None = None, start: DateLike = None,
                   days: int | str | None = None,
                   weights: Mapping[str, float] | None = None,
                   rule: str | None = None) -> pd.DataFrame:
    """Rank the audiences for each goal by fit, influence and peak timing.

    The case's rule (``case.yaml`` ``priority``, method.md §Priority) combines them:

    - ``gated`` (default): priority = fit^w_fit · opportunity^(w_influence + w_timing), with
      opportunity = (w_influence·influence + w_timing·timing) / (w_influence + w_timing).
      An audience the goal gives no reason to care (fit 0) gets priority 0 and cannot
      outrank one with a reason.
    - ``additive``: priority = w_fit·fit + w_influence·influence + w_timing·timing.

    influence(a, g) is the goal's override (``goal_audiences.csv``) or the audience's
    influence; timing is the highest of the goal's timing over the horizon (method.md
    §Timing for a goal). The weights sum to 1.

    Parameters
    ----------
    case
        A loaded case.
    goal
        A goal id; None for every goal.
    start, days
        The horizon whose peak timing counts: ISO start date (default today) and length
        (default the case's).
    weights
        Overrides of the case's weights, a mapping with keys among ``fit``, ``influence``,
        ``timing`` (numbers ≥ 0; keys left out keep the case's value); rescaled to sum to 1.
    rule
        ``gated`` or ``additive``; None for the case's.

    Returns
    -------
    DataFrame
        ``audience, audience_name, group, goal, goal_name, fit, influence, timing,
        peak_date, fit_part, influence_part, timing_part, priority, rank, opportunity,
        rule``. The parts add up to ``priority``: with ``additive`` each is weight × value;
        with ``gated`` the priority is split in proportion to weight × value (all 0 when the
        priority is). ``opportunity`` is the gated rule's second factor. ``rank`` 1 is the
        highest within each goal (ties share the better rank). Sorted by goal, then rank.
    """
    rule = check_rule(case, rule)
    g = _goal_rows(case, goal)
    h = horizon(case, start, days)
    w = priority_weights(case, weights)
    mx = matrices(case)
    peaks, peak_days = goal_peaks(case, h)
    n_a, n_g = len(mx.audiences), len(g)
    fit = mx.fit[:, g]  # (A, G')
    influence = mx.goal_influence[:, g]
    timing = peaks[:, g]
    priority = priority_matrix(fit, influence, timing, w, rule)
    raw = {"fit_part": w[0] * fit, "influence_part": w[1] * influence,
           "timing_part": w[2] * timing}
    if rule == "additive":
        parts = raw
    else:
        total = sum(raw.values())
        scale = np.divide(priority, total, out=np.zeros_like(priority), where=total > 0)
        parts = {k: v * scale for k, v in raw.items()}
    rest = w[1] + w[2]
    opportunity = (w[1] * influence + w[2] * timing) / rest if rest > 0 \
        else np.ones_like(fit)
    # ranks on rounded values, so that ties in exact arithmetic stay ties
    rank = (pd.DataFrame(np.round(priority, 12))
            .rank(axis=0, method="min", ascending=False).to_numpy(np.int64))
    a_idx = np.tile(np.arange(n_a), n_g)
    g_idx = np.repeat(g, n_a)
    out = pd.DataFrame({
        "audience": _text(mx.audiences.to_numpy(object)[a_idx]),
        "audience_name": _text(mx.audience_names[a_idx]),
        "group": _text(mx.groups[a_idx]),
        "goal": _text(mx.goals.to_numpy(object)[g_idx]),
        "goal_name": _text(mx.goal_names[g_idx]),
        "fit": fit.T.ravel(),
        "influence": influence.T.ravel(),
        "timing": timing.T.ravel(),
        "peak_date": to_dates(peak_days[:, g].T.ravel()),
        **{k: v.T.ravel() for k, v in parts.items()},
        "priority": priority.T.ravel(),
        "rank": rank.T.ravel(),
        "opportunity": opportunity.T.ravel(),
        "rule": _text(np.full(n_a * n_g, rule, dtype=object)),
    })
    order = np.lexsort((a_idx, out["rank"].to_numpy(), np.repeat(np.arange(n_g), n_a)))
    return out.iloc[order].reset_index(drop=True)
