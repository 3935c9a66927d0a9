"""How much a goal's priorities move when the panel is resampled (method.md §Many raters).

The noise against which a disputed item's two views are judged: a rank change smaller than
what resampling the participants does anyway is a near tie, not a disagreement that changes
the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ..params import DateLike
from .draws import draw_priorities
from .matrices import horizon, matrices, priority_weights
from .rater_draws import rater_draws
from .scoring import check_rule
from .timing import breakpoints, candidate_days, kernels

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["NOISE_DRAWS", "priority_noise"]

#: Resampled panels behind the noise of one goal (enough for a standard deviation).
NOISE_DRAWS = 200


def priority_noise(case: Case, goal: str, start: DateLike = None,
                   days: int | str | None = None, weights: Mapping[str, float] | None = None,
                   draws: int = NOISE_DRAWS, seed: int = 0) -> float:
    """How much a goal's priorities move across resampled panels.

    The median, over the audiences, of the standard deviation of their priority for ``goal``
    across the robustness draws of a case with ratings (a bootstrap of the participants, or
    each left out in turn below five).
    """
    rule = check_rule(case, None)
    mx = matrices(case)
    h = horizon(case, start, days)
    k = kernels(case, h)
    k = k[:, candidate_days(k, breakpoints(mx, h))]
    g = mx.goals.get_loc(goal)
    rd = rater_draws(case, mx, goal, draws, seed)
    n = len(rd.influence)
    ga = case.goal_audiences
    fixed = np.asarray(mx.audiences.isin(ga.loc[ga["goal"] == goal, "audience"]))[None, :]
    influence = np.where(fixed, mx.goal_influence[:, g], rd.influence)
    prio = draw_priorities(mx, k, rd.weight, rd.strength, influence,
                           np.broadcast_to(mx.intensity, (n, len(mx.moments))), rd.rel,
                           np.broadcast_to(priority_weights(case, weights), (n, 3)), rule)
    return float(np.median(prio.std(axis=0)))
