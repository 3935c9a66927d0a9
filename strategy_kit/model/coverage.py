"""The plan against the windows: which windows have a planned action, which actions miss.

Implements method.md §Plan coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from .matrices import check_count, day_numbers, horizon, matrices
from .scoring import score_priority
from .timing import timing_matrix
from .windows import window_rule, windows_of

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["Coverage", "plan_coverage"]


@dataclass(frozen=True)
class Coverage:
    """Planned actions (``actions.csv``) against the windows of opportunity.

    Attributes
    ----------
    windows
        ``audience, start, end, peak, actions, covered``: the windows of the goal's top
        audiences, by priority then date; ``actions`` is a tuple of the action ids that
        cover the window, ``covered`` whether there is at least one.
    actions
        ``action, audience, start, end, in_window, attention, of_peak``: the goal's actions
        that overlap the horizon; ``in_window`` is False for an action outside all of its
        audience's windows; ``attention`` is the audience's highest timing for the goal
        during the action's days in the horizon, ``of_peak`` that as a share of its peak.
    """

    windows: pd.DataFrame
    actions: pd.DataFrame


def _overlaps(a_start: np.ndarray, a_end: np.ndarray, w_start: np.ndarray,
              w_end: np.ndarray) -> np.ndarray:
    """(actions, windows): whether each action's days meet each window's days."""
    return (a_start[:, None] <= w_end[None, :]) & (a_end[:, None] >= w_start[None, :])


def plan_coverage(case: Case, goal: str, start: DateLike = None, days: int | str | None = None,
                  top: int = 3, threshold: object = None) -> Coverage:
    """Which windows of the goal's top audiences have a planned action, and which don't.

    An action covers a window when it is for the same audience and goal and its days meet
    the window's preparation period or the window itself, from ``prepare_by`` to ``end``
    (method.md §Plan coverage). An action without an end lasts one day.

    Parameters
    ----------
    case
        A loaded case.
    goal
        A goal id.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    top
        How many of the goal's highest-priority audiences to check (1 or more).
    threshold
        The window rule: None for the case's, or as in ``find_windows``.

    Returns
    -------
    Coverage
        ``windows`` and ``actions``; both frames are empty (with their columns) when there
        is nothing to list, for instance a case without ``actions.csv``.
    """
    top = check_count(top, "top", 1, 1_000_000)
    rule = window_rule(case, threshold)
    pr = score_priority(case, goal=goal, start=start, days=days)
    h = horizon(case, start, days)
    mx = matrices(case)
    acts = case.actions
    acts = acts[acts["goal"] == goal]
    a_start = day_numbers(acts["start"])
    a_end = np.where(acts["end"].isna(), a_start, day_numbers(acts["end"].fillna(acts["start"])))
    keep = (a_start <= h.last) & (a_end >= h.first)
    acts, a_start, a_end = acts[keep], a_start[keep], a_end[keep]
    a_aud = acts["audience"].to_numpy(object)
    a_ids = acts["id"].to_numpy(object)
    g = mx.goals.get_loc(goal)

    def windows(aud: str) -> pd.DataFrame:
        return windows_of(case, mx.audiences.get_loc(aud), h, rule, g)

    # method.md §Plan coverage: the attention during each action, not only the windows
    timing = timing_matrix(case, h, g)
    rows_a = mx.audiences.get_indexer(a_aud) if len(a_aud) else np.array([], dtype=int)
    attention = np.array([timing[r, max(s0, h.first) - h.first: min(e0, h.last) - h.first + 1]
                          .max() for r, s0, e0 in zip(rows_a, a_start, a_end, strict=True)],
                         dtype=float)
    peak = timing.max(axis=1)[rows_a] if len(rows_a) else np.array([], dtype=float)
    of_peak = np.divide(attention, peak, out=np.zeros_like(attention), where=peak > 0)

    in_window = np.zeros(len(acts), dtype=bool)
    for aud in pd.unique(a_aud):  # one audience at a time: a handful of windows each
        w = windows(aud)
        mine = a_aud == aud
        hit = _overlaps(a_start[mine], a_end[mine], day_numbers(w["prepare_by"]),
                        day_numbers(w["end"]))
        in_window[mine] = hit.any(axis=1)
    rows = []
    for aud in pr["audience"].head(top):
        w = windows(aud)
        mine = a_aud == aud
        hit = _overlaps(a_start[mine], a_end[mine], day_numbers(w["prepare_by"]),
                        day_numbers(w["end"]))
        covering = [tuple(str(x) for x in a_ids[mine][hit[:, j]]) for j in range(len(w))]
        rows.append(pd.DataFrame({
            "audience": w["audience"], "start": w["start"], "end": w["end"],
            "peak": w["peak"], "actions": pd.Series(covering, dtype=object),
            "covered": np.array([len(c) > 0 for c in covering], dtype=bool),
        }))
    win = (pd.concat(rows, ignore_index=True) if rows else pd.DataFrame())
    actions = pd.DataFrame({
        "action": pd.array(a_ids, dtype="str"),
        "audience": pd.array(a_aud, dtype="str"),
        "start": acts["start"].to_numpy(),
        "end": np.asarray(a_end, dtype="datetime64[D]").astype("datetime64[us]"),
        "in_window": in_window,
        "attention": attention,
        "of_peak": of_peak,
    })
    return Coverage(windows=win.reset_index(drop=True), actions=actions)
