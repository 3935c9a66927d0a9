"""The plan in practice: who does what, the work per month against capacity, done actions.

Reads the optional columns of ``actions.csv`` (docs/compare.md §The plan in practice):
``owner`` (blank: ``who``), ``person_days``, ``budget``, ``status`` (blank: ``planned``),
``indicator`` and ``result``, and ``capacity`` (person-days a month) in ``case.yaml``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .timing import score_timing

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["STATUSES", "action_results", "monthly_load", "plan_actions", "status_counts"]

STATUSES = ("planned", "done", "dropped")


def plan_actions(case: Case, goal: str | None = None, audience: str | None = None
                 ) -> pd.DataFrame:
    """Every action with its owner and status filled in, by start date.

    Returns
    -------
    DataFrame
        ``action, owner, what, start, end, audience, goal, person_days, budget, status,
        indicator, result`` (``end`` the start for a one-day action).
    """
    a = case.actions
    if goal is not None:
        a = a[a["goal"] == case.check("goal", goal)]
    if audience is not None:
        a = a[a["audience"] == case.check("audience", audience)]
    owner = a["owner"].where(a["owner"].str.strip() != "", a["who"])
    status = a["status"].where(a["status"].str.strip() != "", "planned")
    out = pd.DataFrame({
        "action": a["id"], "owner": owner, "what": a["what"], "start": a["start"],
        "end": a["end"].fillna(a["start"]), "audience": a["audience"], "goal": a["goal"],
        "person_days": a["person_days"], "budget": a["budget"], "status": status,
        "indicator": a["indicator"], "result": a["result"],
    })
    return out.sort_values(["start", "action"], kind="stable").reset_index(drop=True)


def monthly_load(case: Case, actions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The person-days of the actions not dropped, per calendar month, against capacity.

    An action's person-days are spread evenly over its days (start to end), so that a
    two-month action loads both months (method.md §The plan in practice).

    Returns
    -------
    DataFrame
        ``month`` (first day), ``person_days``, ``capacity`` (NaN without one), ``over``
        (True where the month needs more than the capacity), ``actions`` (their ids).
    """
    acts = plan_actions(case) if actions is None else actions
    acts = acts[(acts["status"] != "dropped") & acts["person_days"].notna()]
    rows = []
    for r in acts.itertuples():
        days = pd.date_range(r.start, max(r.end, r.start), freq="D")
        share = float(r.person_days) / len(days)
        for month, n in days.to_period("M").value_counts().items():
            rows.append((month.to_timestamp(), share * n, r.action))
    cap = getattr(case, "capacity", None)
    if not rows:
        return pd.DataFrame({"month": pd.Series([], dtype="datetime64[ns]"),
                             "person_days": pd.Series([], dtype=float),
                             "capacity": pd.Series([], dtype=float),
                             "over": pd.Series([], dtype=bool),
                             "actions": pd.Series([], dtype=object)})
    df = pd.DataFrame(rows, columns=["month", "person_days", "action"])
    out = df.groupby("month").agg(person_days=("person_days", "sum"),
                                  actions=("action", lambda s: tuple(dict.fromkeys(s))))
    out = out.reset_index()
    out.insert(2, "capacity", np.nan if cap is None else float(cap))
    out.insert(3, "over", out["person_days"] > out["capacity"] + 1e-9)
    return out


def status_counts(case: Case) -> pd.DataFrame:
    """Planned, done and dropped actions per goal (goals in file order, all of them)."""
    acts = plan_actions(case)
    counts = pd.crosstab(acts["goal"], acts["status"]).reindex(
        index=list(case.ids("goal")), columns=list(STATUSES), fill_value=0)
    counts = counts.fillna(0).astype(int).reset_index().rename(columns={"index": "goal"})
    counts.columns.name = None
    counts.insert(1, "goal_name", counts["goal"].map(case.labels("goal")))
    return counts


def action_results(case: Case, audience: str | None = None) -> pd.DataFrame:
    """Done actions: their indicator and result beside the attention their audience had then.

    ``attention`` is the audience's highest timing for the action's goal during the action's
    days (as in plan coverage), whenever they were.

    Returns
    -------
    DataFrame
        ``action, what, audience, goal, start, end, indicator, result, attention``.
    """
    acts = plan_actions(case, audience=audience)
    done = acts[acts["status"] == "done"]
    att = []
    for r in done.itertuples():
        n = int((r.end - r.start).days) + 1
        t = score_timing(case, start=r.start, days=n, audiences=[r.audience], goal=r.goal)
        att.append(float(t["timing"].max()) if len(t) else np.nan)
    return pd.DataFrame({"action": done["action"], "what": done["what"],
                         "audience": done["audience"], "goal": done["goal"],
                         "start": done["start"], "end": done["end"],
                         "indicator": done["indicator"], "result": done["result"],
                         "attention": att}).reset_index(drop=True)
