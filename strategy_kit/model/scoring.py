"""Why an audience would care (fit and its contributions), and who comes first (priority).

Implements method.md §Fit and §Priority.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from .matrices import horizon, matrices, priority_weights, to_dates
from .timing import peak_timing

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["score_contributions", "score_fit", "score_priority"]

PRIORITY_COLUMNS = ["audience", "audience_name", "group", "goal", "goal_name", "fit",
                    "influence", "timing", "peak_date", "fit_part", "influence_part",
                    "timing_part", "priority", "rank"]


def _goal_rows(case: Case, goal: str | None) -> np.ndarray:
    mx = matrices(case)
    if goal is None:
        return np.arange(len(mx.goals))
    return np.array([mx.goals.get_loc(case.check("goal", goal))])


def _text(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(values, dtype=object), dtype="str")


def score_fit(case: Case, goal: str | None = None) -> pd.DataFrame:
    """How well each goal serves what each audience cares about.

    fit(a, g) = Σᵢ w(a, i)·s(g, i) / Σᵢ w(a, i), in [0, 1] (method.md §Fit).

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

    contribution(a, g, i) = w(a, i)·s(g, i) / Σⱼ w(a, j) (method.md §Fit).

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
    contribution = mx.weight_share[a, i] * mx.strength[g, i]
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


def priority_matrix(fit: np.ndarray, influence: np.ndarray, timing: np.ndarray,
                    w: np.ndarray) -> np.ndarray:
    """Weighted mean of fit (…, A, G), influence (…, A) and peak timing (…, A)."""
    p = w[..., 0, None, None] * fit + (w[..., 1, None] * influence
                                       + w[..., 2, None] * timing)[..., None]
    return np.clip(p, 0.0, 1.0)


def score_priority(case: Case, goal: str | None = None, start: DateLike = None,
                   days: int | str | None = None,
                   weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Rank the audiences for each goal by fit, influence and peak timing.

    priority(a, g) = w_fit·fit(a, g) + w_influence·influence(a) + w_timing·maxₜ timing(a, t),
    the weights summing to 1 (method.md §Priority).

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

    Returns
    -------
    DataFrame
        ``audience, audience_name, group, goal, goal_name, fit, influence, timing,
        peak_date, fit_part, influence_part, timing_part, priority, rank``. ``*_part`` is
        weight × value and the parts add up to ``priority``; ``rank`` 1 is the highest
        within each goal (ties share the better rank). Sorted by goal, then rank.
    """
    g = _goal_rows(case, goal)
    h = horizon(case, start, days)
    w = priority_weights(case, weights)
    mx = matrices(case)
    peak, peak_day = peak_timing(case, h)
    n_a, n_g = len(mx.audiences), len(g)
    fit = mx.fit[:, g]  # (A, G')
    parts = {
        "fit_part": w[0] * fit,
        "influence_part": np.broadcast_to((w[1] * mx.influence)[:, None], fit.shape),
        "timing_part": np.broadcast_to((w[2] * peak)[:, None], fit.shape),
    }
    priority = np.clip(parts["fit_part"] + parts["influence_part"] + parts["timing_part"],
                       0.0, 1.0)
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
        "influence": mx.influence[a_idx],
        "timing": peak[a_idx],
        "peak_date": to_dates(peak_day[a_idx]),
        **{k: v.T.ravel() for k, v in parts.items()},
        "priority": priority.T.ravel(),
        "rank": rank.T.ravel(),
    })
    order = np.lexsort((a_idx, out["rank"].to_numpy(), np.repeat(np.arange(n_g), n_a)))
    return out.iloc[order].reset_index(drop=True)
