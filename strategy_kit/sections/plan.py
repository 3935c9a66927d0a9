"""The plan in practice, in a report: who does what, work per month, done actions' results.

Shown under "Plan coverage" in the audience report (that audience's actions) and the
portfolio overview (every action of the goals in scope, and the counts of planned, done and
dropped actions per goal). Nothing is shown for a case without actions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..model.plan import action_results, monthly_load, plan_actions, status_counts
from .display import esc, show_html, show_table

__all__ = ["show_plan_in_practice", "who_does_what"]


def _window(actions: pd.DataFrame, coverage: Any) -> pd.Series:
    """'in a window', 'outside windows' or '—' (outside the horizon or the top audiences)."""
    cov = getattr(coverage, "actions", None)
    if cov is None or cov.empty:
        return pd.Series("—", index=actions.index)
    hit = dict(zip(cov["action"], cov["in_window"], strict=True))
    return actions["action"].map(
        lambda a: "—" if a not in hit else ("in a window" if hit[a] else "outside windows"))


def who_does_what(case: Any, actions: pd.DataFrame, coverage: Any = None) -> pd.DataFrame:
    """The table "Who does what": owner, what, dates, window, person-days, budget, status."""
    names = case.labels("audience")
    return pd.DataFrame({
        "owner": actions["owner"], "what": actions["what"],
        "audience": actions["audience"].map(names), "start": actions["start"],
        "end": actions["end"], "window": _window(actions, coverage),
        "person-days": actions["person_days"], "budget": actions["budget"],
        "status": actions["status"],
    })


def _capacity(case: Any, actions: pd.DataFrame) -> None:
    load = monthly_load(case, actions)
    if load.empty:
        return
    table = pd.DataFrame({"month": load["month"].dt.strftime("%b %Y"),
                          "person-days": load["person_days"].round(1),
                          "capacity": load["capacity"],
                          "over capacity": load["over"].map({True: "OVER", False: ""})})
    over = load[load["over"]]
    if len(over):
        months = ", ".join(f"{m:%b %Y} ({p:.1f} of {c:g})" for m, p, c in
                           zip(over["month"], over["person_days"], over["capacity"], strict=True))
        show_html(f'<p class="sk-warning">Over capacity ({esc(f"{over.iloc[0].capacity:g}")} '
                  f"person-days a month, case.yaml): {esc(months)}. Move, share or drop "
                  "actions in those months.</p>")
    elif load["capacity"].isna().all():
        show_html('<p class="sk-note">No capacity in case.yaml: add <code>capacity:</code> '
                  "(person-days a month) to flag the months that need more.</p>")
    show_table(table, caption="Person-days per month (actions not dropped)")


def _results(case: Any, audience: str | None) -> None:
    done = action_results(case, audience)
    if done.empty:
        return
    show_table(pd.DataFrame({
        "what": done["what"], "audience": done["audience"].map(case.labels("audience")),
        "when": done["start"], "indicator": done["indicator"], "result": done["result"],
        "attention then": done["attention"]}),
        caption="Done actions: what would show it worked, what it achieved, and the "
                "audience's attention at the time (0–1)")


def show_plan_in_practice(s: Any) -> None:
    """Who does what, person-days per month against capacity, done actions' results.

    ``s`` is an audience study (that audience's actions for its goal) or a portfolio study
    (every action of its goals, with the counts per goal).
    """
    case = s.case
    audience = getattr(s, "audience", None)
    if audience is not None:
        acts = plan_actions(case, goal=s.goal, audience=audience)
    else:
        acts = plan_actions(case)
        goals = getattr(s, "goals", None)
        if goals is not None:
            acts = acts[acts["goal"].isin(list(goals))]
    if acts.empty:
        return
    if audience is None:
        counts = status_counts(case)
        show_table(counts[counts["goal"].isin(acts["goal"])].drop(columns="goal")
                   .rename(columns={"goal_name": "goal"}),
                   caption="Actions per goal: planned, done, dropped")
    show_table(who_does_what(case, acts, getattr(s, "coverage", None)),
               caption="Who does what")
    _capacity(case, acts)
    _results(case, audience)
