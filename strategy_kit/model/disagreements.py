"""Which disagreements change the plan (method.md §Many raters).

For every disputed item (polarised or mixed), the ranking is computed twice through
``score_priority``: with the low half of the raters' view of that item and with the high
half's, all else at the group's values. A disagreement matters when a goal's first audience
or its top three differ between the two views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from ..ratings.aggregate import with_values
from ..ratings.agreement import item_agreement
from ..ratings.read import item_ids
from ..ratings.scale import rated
from .scoring import score_priority

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["Disagreements", "plan_disagreements", "views"]

DISPUTED = ("polarised", "mixed")
#: The rated tables that ``score_priority`` reads; a disputed item of another table (a
#: format's fit, an ally's reach, a frame's relevance) cannot change a ranking.
RANKING_TABLES = ("audiences", "audience_interests", "goal_interests", "goal_audiences",
                  "moment_interests")
COLUMNS = ["table", "item", "item_name", "flag", "n", "low_view", "high_view", "goal",
           "goal_name", "low_first", "high_first", "low_top3", "high_top3", "change"]


@dataclass(frozen=True)
class Disagreements:
    """The disputed items of a case with ratings, and those that change the plan.

    Attributes
    ----------
    changes
        One row per disputed item and goal whose plan differs between the two views:
        ``table, item, item_name, flag, n, low_view, high_view, goal, goal_name,
        low_first, high_first`` (audience names), ``low_top3, high_top3`` (names joined
        with ", ", in rank order) and ``change`` ("first audience" or "top three").
    disputed
        How many items are polarised or mixed.
    unchanged
        How many of them change nothing for the goals asked.
    """

    changes: pd.DataFrame
    disputed: int
    unchanged: int


def views(values: np.ndarray) -> tuple[float, float]:
    """The low and high views of one item: the medians of the lower and the upper half.

    With an odd number of ratings the middle one belongs to neither half.
    """
    v = np.sort(np.asarray(values, dtype=float))
    half = len(v) // 2
    return float(np.median(v[:half])), float(np.median(v[len(v) - half:]))


def _top(p: pd.DataFrame) -> dict[str, list[str]]:
    return {g: list(rows.sort_values("rank")["audience_name"].head(3))
            for g, rows in p.groupby("goal", sort=False)}


def plan_disagreements(case: Case, goal: str | None = None, start: DateLike = None,
                       days: int | str | None = None,
                       weights: Mapping[str, float] | None = None) -> Disagreements | None:
    """The disputed items whose two views give a goal another first audience or top three.

    Parameters
    ----------
    case
        A case loaded with its ratings.
    goal
        One goal id; None for every goal.
    start, days, weights
        As in ``score_priority``.

    Returns
    -------
    Disagreements or None
        None when the case holds no ratings (none in its folder, or loaded with
        ``ratings=False``, or ``without_ratings()``).
    """
    ratings = case.ratings
    if ratings is None:
        return None
    if goal is not None:
        case.check("goal", goal)
    items = item_agreement(case, ratings)
    disputed = items[items["flag"].isin(DISPUTED)]
    rows = []
    changed = set()
    names = case.names("goal")
    for it in disputed.itertuples(index=False):
        r = rated(it.table)
        # a goal's strengths move that goal's ranking only
        only = it.item.split("/")[0] if "goal" in r.key else goal
        if it.table not in RANKING_TABLES or (goal is not None and only != goal):
            continue
        ids = item_ids(case, r)
        col = ratings.matrix(r.table, [it.item])[:, 0]
        low, high = views(col[~np.isnan(col)])
        tops = []
        for x in (low, high):
            new = np.full(len(ids), np.nan)
            new[ids.index(it.item)] = x
            view = with_values(case, {r.table: new}, f"-{it.table}-{it.item}-{x}")
            tops.append(_top(score_priority(view, goal=only, start=start, days=days,
                                            weights=weights)))
        for g in tops[0]:
            lo, hi = tops[0][g], tops[1][g]
            change = ("first audience" if lo[0] != hi[0]
                      else "top three" if set(lo) != set(hi) else "")
            if change:
                changed.add((it.table, it.item))
                rows.append([it.table, it.item, it.item_name, it.flag, it.n, low, high, g,
                             names[g], lo[0], hi[0], ", ".join(lo), ", ".join(hi), change])
    changes = pd.DataFrame(rows, columns=COLUMNS)
    return Disagreements(changes=changes, disputed=len(disputed),
                         unchanged=len(disputed) - len(changed))
