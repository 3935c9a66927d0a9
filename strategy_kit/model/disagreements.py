"""Which disagreements change the plan (method.md §Many raters, "Which disagreements matter").

For every disputed item (polarised or mixed) of every rated table, the plan is made twice:
with the low half of the raters' view of that item and with the high half's, all else at the
group's values. The item changes the plan when the two views give

- a goal another first audience or another top three (priority, ``score_priority``), by more
  than the noise a resampled panel shows (``panel_noise``), or
- an audience's report another first format, first ally or lead frame (``recommend_*``), by
  more than a near tie (:data:`NEAR_TIE`).

Each item is listed once, with the goals it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from ..ratings.aggregate import with_values
from ..ratings.agreement import item_agreement
from ..ratings.read import item_ids
from ..ratings.scale import rated
from .panel_noise import priority_noise
from .recommend import recommend_allies, recommend_formats, recommend_messages
from .scoring import score_priority

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["NEAR_TIE", "Disagreements", "clear_change", "plan_disagreements", "views"]

DISPUTED = ("polarised", "mixed")
#: Two options whose scores (fit, reach, frame score, priority) lie within this are a tie:
#: which comes first between them is not a disagreement worth the room's time.
NEAR_TIE = 0.02
#: The rated tables that ``score_priority`` reads.
RANKING_TABLES = ("audiences", "audience_interests", "goal_interests", "goal_audiences",
                  "moment_interests")
COLUMNS = ["table", "item", "item_name", "flag", "n", "low_view", "high_view", "goals",
           "goal_names", "changes", "what"]
DETAIL_COLUMNS = ["table", "item", "goal", "goal_name", "change", "audience", "low", "high"]


@dataclass(frozen=True)
class Disagreements:
    """The disputed items of a case with ratings, and those that change the plan.

    Attributes
    ----------
    changes
        One row per disputed item that changes the plan: ``table, item, item_name, flag, n,
        low_view, high_view, goals`` (ids joined with ", "), ``goal_names`` ("every goal"
        when it is all of them), ``changes``
        (what changes: "first audience", "top three", "first format", "first ally", "lead
        frame", joined with ", ") and ``what`` (one sentence per change, joined with "; ").
    details
        One row per change: ``table, item, goal, goal_name, change, audience`` (the
        audience whose report changes; empty for a ranking), ``low, high`` (the names
        under each view).
    disputed
        How many items are polarised or mixed.
    unchanged
        How many of them change nothing for the goals asked.
    """

    changes: pd.DataFrame
    details: pd.DataFrame
    disputed: int
    unchanged: int


def views(values: np.ndarray) -> tuple[float, float]:
    """The low and high views of one item: the medians of the lower and the upper half.

    With an odd number of ratings the middle one belongs to neither half.
    """
    v = np.sort(np.asarray(values, dtype=float))
    half = len(v) // 2
    return float(np.median(v[:half])), float(np.median(v[len(v) - half:]))


def clear_change(low: pd.Series, high: pd.Series, top: int, margin: float) -> bool:
    """Whether the first ``top`` options differ between two views by more than ``margin``.

    ``low`` and ``high`` are scores by option (higher is better). An option is *surely* in
    the first ``top`` of a view when it beats the option after them by more than
    ``margin``, *possibly* when it lies within ``margin`` of the last of them. The views
    differ when an option surely in one is not possibly in the other: options within the
    margin of each other are a tie either way.
    """
    lo = low.to_numpy(float)
    hi = high.reindex(low.index).to_numpy(float)
    if len(lo) <= top:
        return False
    sure_lo, maybe_lo = _sure_and_possible(lo, top, margin)
    sure_hi, maybe_hi = _sure_and_possible(hi, top, margin)
    return bool((sure_lo & ~maybe_hi).any() or (sure_hi & ~maybe_lo).any())


def _sure_and_possible(x: np.ndarray, top: int, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the options surely and possibly among the first ``top`` of scores ``x``."""
    ranked = np.sort(x)[::-1]
    last, after = ranked[top - 1], ranked[top]
    order = np.argsort(-x, kind="stable")
    first = np.zeros(len(x), dtype=bool)
    first[order[:top]] = True
    return first & (x > after + margin), x >= last - margin


def _first(s: pd.Series, names: Mapping[str, str], top: int = 1) -> str:
    return ", ".join(names.get(i, i) for i in s.sort_values(ascending=False,
                                                            kind="stable").index[:top])


def _rankings(view: Case, goals: list[str], start: DateLike, days: int | str | None,
              weights: Mapping[str, float] | None) -> dict[str, pd.Series]:
    p = score_priority(view, goal=goals[0] if len(goals) == 1 else None, start=start,
                       days=days, weights=weights)
    goal_of = p["goal"].to_numpy(object)
    audience, priority = p["audience"].to_numpy(object), p["priority"].to_numpy(float)
    return {g: pd.Series(priority[goal_of == g], index=audience[goal_of == g]) for g in goals}


#: The report choice each table's items move (an audience's weights move its frames).
CHOICE_OF_TABLE = {"format_audiences": "first format", "ally_audiences": "first ally",
                   "frame_interests": "lead frame", "audience_interests": "lead frame"}


def _report_choice(view: Case, change: str, audience: str, goal: str, start: DateLike,
                   days: int | str | None) -> pd.Series:
    """The scores behind an audience's first format, first ally or lead frame."""
    if change == "first format":
        f = recommend_formats(view, audience, goal, start=start, days=days)
        return f.set_index("format")["fit"]
    if change == "first ally":
        return recommend_allies(view, audience).set_index("ally")["reach"]
    m = recommend_messages(view, audience, goal, top=1000).frames
    return m.set_index("frame")["score"]


def _audiences_of(table: str, item: str, case: Case) -> list[str]:
    """The audiences whose report choices an item of ``table`` can move."""
    parts = item.split("/")
    if table in ("format_audiences", "ally_audiences"):
        return [parts[1]]
    if table == "audience_interests":
        return [parts[0]]
    if table == "frame_interests":  # a frame speaks to every audience that holds the interest
        ai = case.audience_interests
        return list(dict.fromkeys(ai.loc[(ai["interest"] == parts[1]) & (ai["weight"] > 0),
                                         "audience"]))
    return []


def plan_disagreements(case: Case, goal: str | None = None, start: DateLike = None,
                       days: int | str | None = None,
                       weights: Mapping[str, float] | None = None) -> Disagreements | None:
    """The disputed items whose two views change a goal's ranking or a report's choices.

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
    goal_names = case.names("goal")
    goals = [goal] if goal is not None else list(case.goals["id"])
    items = item_agreement(case, ratings)
    disputed = items[items["flag"].isin(DISPUTED)]
    noise: dict[str, float] = {}

    def margin(g: str) -> float:
        if g not in noise:
            noise[g] = max(NEAR_TIE, priority_noise(case, g, start, days, weights))
        return noise[g]

    audience_names = case.names("audience")
    names = {"first audience": audience_names, "top three": audience_names,
             "first format": case.names("format"), "first ally": case.names("ally"),
             "lead frame": case.names("frame")}
    rows, details = [], []
    for it in disputed.itertuples(index=False):
        r = rated(it.table)
        own = it.item.split("/")[0] if "goal" in r.key else None
        if own is not None and goal is not None and own != goal:
            continue  # a goal's strengths move that goal only
        item_goals = [own] if own is not None else goals
        col = ratings.matrix(r.table, [it.item])[:, 0]
        low, high = views(col[~np.isnan(col)])
        ids = item_ids(case, r)
        pair = []
        for x in (low, high):
            new = np.full(len(ids), np.nan)
            new[ids.index(it.item)] = x
            pair.append(with_values(case, {r.table: new}, f"-{it.table}-{it.item}-{x}"))
        found: list[list[str]] = []  # goal, change, audience, low, high

        def compare(change: str, lo: pd.Series, hi: pd.Series, g: str, audience: str,
                    top: int, m: float, found: list[list[str]] = found) -> None:
            if clear_change(lo, hi, top, m):
                found.append([g, change, audience, _first(lo, names[change], top),
                              _first(hi, names[change], top)])

        if it.table in RANKING_TABLES:
            lo_rank, hi_rank = (_rankings(v, item_goals, start, days, weights) for v in pair)
            for g in item_goals:
                before = len(found)
                compare("first audience", lo_rank[g], hi_rank[g], g, "", 1, margin(g))
                if len(found) == before:
                    compare("top three", lo_rank[g], hi_rank[g], g, "", 3, margin(g))
        change = CHOICE_OF_TABLE.get(it.table, "")
        for audience in _audiences_of(it.table, it.item, case):
            # a format's fit, an ally's reach and a frame's score do not depend on the goal:
            # the first goal stands for all (the report of every goal changes alike)
            lo_c, hi_c = (_report_choice(v, change, audience, item_goals[0], start, days)
                          for v in pair)
            if clear_change(lo_c, hi_c, 1, NEAR_TIE):
                found += [[g, change, audience, _first(lo_c, names[change]),
                           _first(hi_c, names[change])] for g in item_goals]
        if not found:
            continue
        details += [[it.table, it.item, g, goal_names[g], change, a, lo, hi]
                    for g, change, a, lo, hi in found]
        rows.append(_item_row(it, low, high, found, goal_names, audience_names, len(goals)))
    return Disagreements(changes=pd.DataFrame(rows, columns=COLUMNS),
                         details=pd.DataFrame(details, columns=DETAIL_COLUMNS),
                         disputed=len(disputed), unchanged=len(disputed) - len(rows))


def _item_row(it: object, low: float, high: float, found: list[list[str]],
              goal_names: Mapping[str, str], audience_names: Mapping[str, str],
              n_goals: int) -> list[object]:
    """One line per item: the goals it changes and, once per change, what changes."""
    goals = list(dict.fromkeys(g for g, *_ in found))
    said: dict[tuple[str, str, str, str], list[str]] = {}
    for g, change, a, lo, hi in found:
        said.setdefault((change, a, lo, hi), []).append(g)
    what = []
    for (change, a, lo, hi), gs in said.items():
        where = (f"for {audience_names.get(a, a)}" if a else "")
        which = ("in every goal's report" if a and len(gs) == n_goals > 1
                 else "goal " + ", ".join(f"'{goal_names[g]}'" for g in gs))
        what.append(f"{change} {where} ({which}): {lo} (low view) or {hi} (high view)"
                    .replace("  ", " "))
    label: Callable[[str], str] = goal_names.__getitem__
    return [it.table, it.item, it.item_name, it.flag, it.n, low, high,  # type: ignore[attr-defined]
            ", ".join(goals),
            "every goal" if len(goals) == n_goals > 1 else ", ".join(map(label, goals)),
            ", ".join(dict.fromkeys(c for _, c, *_ in found)), "; ".join(what)]
