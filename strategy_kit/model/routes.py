"""Whom to ask for a goal (its deciders) and who moves them (the routes): the pathway.

Implements method.md §Deciders and routes. A goal's deciders are the audiences whose role
for it is ``decides`` (``goal_audiences.csv`` over ``audiences.csv``; blank: decides), ranked
by their priority times their stance's factor (method.md §Stance). The audiences that
``move`` are ranked by how strongly they reach this goal's deciders over ``routes.csv``:

    reach(m, d) = max( r(m, d), maxₖ r(m, k)·r(k, d) )     (paths of at most two steps)
    move(m, g)  = Σ_d reach(m, d)·p(d, g) / Σ_d p(d, g)     over the goal's deciders d ≠ m

with p the decider's (gated) priority for the goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from .matrices import matrices, memo
from .scoring import score_priority
from .stance import STANCE_FACTOR, per_goal, stance_matrix

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["PATHWAY_COLUMNS", "SCORES_COLUMNS", "Reach", "case_reach", "has_roles",
           "priority_with_roles", "reach_matrix", "role_matrix", "roles_note", "route_matrix",
           "score_pathway"]

#: The columns of ``strategy-kit scores`` (docs/cli.md).
SCORES_COLUMNS = ["audience", "goal", "fit", "influence", "timing", "priority", "rank", "role",
                  "stance", "ask_rank", "move", "reaches"]
PATHWAY_COLUMNS = ["audience", "goal", "role", "stance", "priority", "ask_priority",
                   "ask_rank", "move", "move_rank", "reaches"]


def has_roles(case: Case) -> bool:
    """True when the case says who decides and who moves (any role at all)."""
    aud, ga = case.audiences, case.goal_audiences
    return bool((aud.get("role", pd.Series(dtype=str)).astype(str) != "").any()
                or (ga.get("role", pd.Series(dtype=str)).astype(str) != "").any())


def role_matrix(case: Case) -> np.ndarray:
    """role(a, g), ``decides`` or ``moves``: the goal's value, else the audience's, else decides."""
    return per_goal(case, "role", "decides")


def route_matrix(case: Case) -> np.ndarray:
    """r(from, to): the strength of each route in ``routes.csv``, 0 where none. (A, A)."""
    mx = matrices(case)
    r = np.zeros((len(mx.audiences), len(mx.audiences)))
    rt = case.routes
    if len(rt):
        r[mx.audiences.get_indexer(rt["from"]), mx.audiences.get_indexer(rt["to"])] = \
            np.clip(rt["strength"].to_numpy(float), 0.0, 1.0)
    np.fill_diagonal(r, 0.0)
    return r


def reach_matrix(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """reach(m, d) over paths of at most two steps, and the step between (-1: direct).

    reach(m, d) = max(r(m, d), maxₖ r(m, k)·r(k, d)), k ≠ m, d; the diagonal is 0. Only the
    audiences on some route enter the two-step product, so a large case without routes costs
    nothing (method.md §Deciders and routes).
    """
    n = len(r)
    reach, via = r.copy(), np.full((n, n), -1, dtype=np.int64)
    on = np.flatnonzero(r.any(axis=0) | r.any(axis=1))
    if len(on):
        sub = r[np.ix_(on, on)]
        two = sub[:, :, None] * sub[None, :, :]  # (m, k, d): r(m, k)·r(k, d)
        best_k = two.argmax(axis=1)
        best = np.take_along_axis(two, best_k[:, None, :], axis=1)[:, 0, :]
        better = best > sub
        block = reach[np.ix_(on, on)]
        reach[np.ix_(on, on)] = np.where(better, best, block)
        via_block = via[np.ix_(on, on)]
        via[np.ix_(on, on)] = np.where(better, on[best_k], via_block)
    np.fill_diagonal(reach, 0.0)
    np.fill_diagonal(via, -1)
    return reach, via


@dataclass(frozen=True)
class Reach:
    """reach(m, d) and the step between, kept for the audiences on some route only.

    The same values as ``reach_matrix(route_matrix(case))``, without its two audiences ×
    audiences matrices (1.6 GB at 10,000 audiences, all zero off the routes): rows and
    columns of an audience on no route are zero, and ``via`` is -1 there.
    """

    n: int  # audiences in the case
    on: np.ndarray  # the audiences on some route, ascending (A indices)
    reach: np.ndarray  # (k, k): reach among them
    via: np.ndarray  # (k, k): the audience between (A index), -1 for a direct route

    def _pos(self, a: int) -> int:
        i = int(np.searchsorted(self.on, a))
        return i if i < len(self.on) and self.on[i] == a else -1

    def row(self, m: int) -> np.ndarray:
        """reach(m, ·): how strongly audience ``m`` reaches each audience (A,)."""
        out = np.zeros(self.n)
        i = self._pos(m)
        if i >= 0:
            out[self.on] = self.reach[i]
        return out

    def column(self, d: int) -> np.ndarray:
        """reach(·, d): how strongly each audience reaches audience ``d`` (A,)."""
        out = np.zeros(self.n)
        i = self._pos(d)
        if i >= 0:
            out[self.on] = self.reach[:, i]
        return out

    def via_of(self, m: int, d: int) -> int:
        """The audience between ``m`` and ``d`` on the strongest route; -1 when direct."""
        i, j = self._pos(m), self._pos(d)
        return int(self.via[i, j]) if i >= 0 and j >= 0 else -1


def case_reach(case: Case) -> Reach:
    """The case's reach over ``routes.csv`` (method.md §Deciders and routes), computed once."""
    def build() -> Reach:
        mx = matrices(case)
        rt = case.routes
        n = len(mx.audiences)
        src = mx.audiences.get_indexer(rt["from"]) if len(rt) else np.zeros(0, np.int64)
        dst = mx.audiences.get_indexer(rt["to"]) if len(rt) else np.zeros(0, np.int64)
        cand = np.unique(np.concatenate([src, dst]))
        r = np.zeros((len(cand), len(cand)))
        if len(rt):  # as route_matrix, on the audiences the routes name
            r[np.searchsorted(cand, src), np.searchsorted(cand, dst)] = \
                np.clip(rt["strength"].to_numpy(float), 0.0, 1.0)
        np.fill_diagonal(r, 0.0)
        keep = np.flatnonzero(r.any(axis=0) | r.any(axis=1))
        reach, via = reach_matrix(r[np.ix_(keep, keep)])
        on = cand[keep]
        via = np.where(via >= 0, on[np.maximum(via, 0)], -1)
        for x in (on, reach, via):
            x.flags.writeable = False
        return Reach(n=n, on=on, reach=reach, via=via)
    return memo(case, ("reach",), build)


def score_pathway(case: Case, goal: str | None = None, start: DateLike = None,
                  days: int | str | None = None) -> pd.DataFrame:
    """For each goal: whom to ask (deciders, ranked) and who moves them (movers, ranked).

    Parameters
    ----------
    case
        A loaded case.
    goal
        A goal id; None for every goal.
    start, days
        The horizon of the priorities.

    Returns
    -------
    DataFrame
        ``audience, goal, role, stance, priority, ask_priority, ask_rank, move, move_rank,
        reaches``. ``ask_priority`` = priority × the stance's factor (method.md §Stance);
        ``ask_rank`` ranks the deciders by it (0 for movers and for deciders it gives 0:
        opponents are countered, not asked). ``move`` is how strongly the audience reaches
        this goal's deciders, weighted by their priority; ``move_rank`` ranks the movers by it
        (0 for deciders). ``reaches``: the deciders it reaches, the largest reach × priority
        first, as a tuple of ids. Rows in the order of ``score_priority``.
    """
    pr = score_priority(case, goal=goal, start=start, days=days)
    mx = matrices(case)
    roles, stances = role_matrix(case), stance_matrix(case)
    rc = case_reach(case)
    a = mx.audiences.get_indexer(pr["audience"])
    g = mx.goals.get_indexer(pr["goal"])
    role = roles[a, g]
    stance = np.array([s or "" for s in stances[a, g]], dtype=object)
    prio = pr["priority"].to_numpy(float)
    ask = prio * np.array([STANCE_FACTOR.get(s, 1.0) for s in stance])
    move = np.zeros(len(pr))
    reaches: list[tuple[str, ...]] = [()] * len(pr)
    ids = mx.audiences.to_numpy(object)
    p_full = np.zeros((len(mx.audiences), len(mx.goals)))
    p_full[a, g] = prio
    on = rc.on[rc.reach.any(axis=1)]  # the audiences that reach anyone
    for gg in np.unique(g):  # a loop over goals; each is a matrix-vector product
        rows = np.flatnonzero(g == gg)
        w = np.where(roles[:, gg] == "decides", p_full[:, gg], 0.0)
        total = w.sum() - w[a[rows]]  # the deciders other than the audience itself
        routed = np.isin(a[rows], rc.on)  # reach(m, ·) = 0 for an audience on no route
        num = np.zeros(len(rows))
        num[routed] = rc.reach[np.searchsorted(rc.on, a[rows][routed])] @ w[rc.on]
        move[rows] = np.divide(num, total, out=np.zeros(len(rows)), where=total > 0)
        for n in rows[np.isin(a[rows], on)]:
            carried = rc.row(a[n]) * w
            hit = np.flatnonzero(carried > 0)
            reaches[n] = tuple(str(x) for x in ids[hit[np.argsort(-carried[hit],
                                                                  kind="stable")]])
    out = pd.DataFrame({
        "audience": pr["audience"], "goal": pr["goal"],
        "role": pd.array(role.astype(str), dtype="str"),
        "stance": pd.array(stance.astype(str), dtype="str"),
        "priority": prio, "ask_priority": ask,
        "ask_rank": np.zeros(len(pr), dtype=np.int64), "move": move,
        "move_rank": np.zeros(len(pr), dtype=np.int64),
        "reaches": pd.Series(reaches, dtype=object),
    })
    dec = (out["role"] == "decides") & (out["ask_priority"] > 0)
    out.loc[dec, "ask_rank"] = (out[dec].groupby("goal")["ask_priority"]
                                .transform(lambda s: np.round(s, 12).rank(method="min",
                                                                          ascending=False))
                                .astype(np.int64))
    # an opponent is countered, never used to move the deciders (method.md §Stance)
    mov = (out["role"] == "moves") & (out["move"] > 0) & (out["stance"] != "opposed")
    out.loc[mov, "move_rank"] = (out[mov].groupby("goal")["move"]
                                 .transform(lambda s: np.round(s, 12).rank(method="min",
                                                                           ascending=False))
                                 .astype(np.int64))
    return out


def priority_with_roles(case: Case, goal: str | None = None, start: DateLike = None,
                        days: int | str | None = None) -> pd.DataFrame:
    """The table of ``strategy-kit scores``: ``score_priority`` and the pathway.

    Each row gets its role, stance, ask rank, move and the deciders it reaches (``;``-joined).
    """
    table = score_priority(case, goal=goal, start=start, days=days)
    path = score_pathway(case, goal=goal, start=start, days=days)
    return table.merge(path[["audience", "goal", "role", "stance", "ask_rank", "move",
                             "reaches"]].assign(reaches=path["reaches"].map(";".join)),
                       on=["audience", "goal"], how="left")


def roles_note(case: Case) -> str | None:
    """The one line ``validate`` prints for a case without roles; None when it has some."""
    if has_roles(case):
        return None
    return ("roles: none (audiences.csv role): every audience is treated as one that decides; "
            "add role and routes.csv to separate whom to ask from who moves them")
