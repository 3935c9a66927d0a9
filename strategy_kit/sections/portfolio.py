"""The sections of the portfolio overview: ``study_portfolio``, then one ``show_*`` per cell."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import plots
from ..case import Case
from ..config import TOC_MARK
from ..model.coverage import Coverage, plan_coverage
from ..model.preparation import plan_preparation
from ..model.recommend import (
    recommend_portfolio_allies,
)
from ..model.robustness import Robustness, robustness_of_goals
from ..model.routes import score_pathway
from ..model.scoring import score_priority
from ..model.timing import score_timing
from ..model.windows import WindowRule, window_rule
from ..params import parse_days, parse_start
from .common import as_case, labelled, long_date, plan_coverage_section, robustness_draws
from .display import esc, show_figure, show_html, show_table, show_text
from .pathway import NO_ASK, ask_of, judgements_line
from .plan import show_plan_in_practice
from .scenarios import show_scenario_note

#: Goals per Spectrum-of-Allies figure in the overview, so that each prints on one page.
SPECTRUM_GOALS = 3

__all__ = [
    "PortfolioStudy",
    "show_ally_leverage",
    "show_calendar",
    "show_heatmap",
    "show_influence_fit",
    "show_portfolio_coverage",
    "show_portfolio_summary",
    "show_portfolio_title",
    "show_rank_stability",
    "study_portfolio",
]


# -- the portfolio overview -------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioStudy:
    """Everything the overview shows, computed once."""

    case: Case
    goal: str  # a goal id, or "all"
    start: pd.Timestamp
    days: int
    priority: pd.DataFrame
    timing: pd.DataFrame
    allies: pd.DataFrame
    robustness: dict[str, Robustness]
    coverage: Coverage
    rule: WindowRule
    leads: pd.DataFrame

    @property
    def goals(self) -> list[str]:
        """The goal ids the overview covers."""
        return list(self.case.ids("goal")) if self.goal == "all" else [self.goal]

    @property
    def parameters(self) -> dict[str, object]:
        """The parameters the study was computed with, for the provenance table."""
        return {"case": self.case.name, "goal": self.goal,
                "start": self.start.date().isoformat(), "days": self.days,
                "windows": self.rule.short}


def study_portfolio(case: str | Path | Case, goal: str = "all", start: object = "",
                    days: object = 0, threshold: object = "") -> PortfolioStudy:
    """Compute every part of the overview, for one goal or ``all``.

    ``threshold`` is the window rule (``--threshold``): empty for the case's.
    """
    c = as_case(case)
    goal = goal or "all"
    if goal != "all":
        c.check("goal", goal)
    t0 = parse_start(start)  # type: ignore[arg-type]
    n = parse_days(days, c.horizon_days)  # type: ignore[arg-type]
    goals = list(c.ids("goal")) if goal == "all" else [goal]
    rule = window_rule(c, threshold if threshold not in ("", None) else None)
    allies = pd.concat([recommend_portfolio_allies(c, g, start=t0, days=n).assign(goal=g)
                        for g in goals])
    allies = (allies.groupby(["ally", "name", "kind"], as_index=False)
              .agg(leverage=("leverage", "mean"), audiences=("audiences", "max"))
              .sort_values("leverage", ascending=False))
    return PortfolioStudy(
        case=c, goal=goal, start=t0, days=n,
        priority=score_priority(c, goal=None if goal == "all" else goal, start=t0, days=n),
        timing=score_timing(c, start=t0, days=n),
        allies=allies,
        robustness=robustness_of_goals(c, goals, start=t0, days=n, draws=robustness_draws(c)),
        coverage=_coverage_of(c, goals, t0, n, rule),
        rule=rule,
        leads=_leads(c, goals, t0, n, rule),
    )


def _leads(case: Case, goals: list[str], start: pd.Timestamp, days: int,
           rule: WindowRule) -> pd.DataFrame:
    """Per goal: whom to ask, through whom, its strongest window and when to start preparing.

    Whom to ask is the first decider (``model.routes``: rank by priority × stance factor),
    never an audience that only moves others; through whom, the two strongest movers.
    """
    pr = score_priority(case, start=start, days=days)
    path = score_pathway(case, start=start, days=days)
    labels = case.labels("audience")
    rows = []
    for g in goals:
        mine = path[path["goal"] == g]
        asked = mine[mine["ask_rank"] > 0].sort_values("ask_rank")
        first = str(asked.iloc[0]["audience"]) if not asked.empty else None
        top = (pr[(pr["goal"] == g) & (pr["audience"] == first)].iloc[0] if first
               else pr[(pr["goal"] == g)].iloc[0])
        movers = mine[mine["move_rank"] > 0].sort_values("move_rank")["audience"].head(2)
        prep = plan_preparation(case, str(top["audience"]), g, start=start, days=days,
                                threshold=rule)
        if prep.empty:
            window, when = "none in this horizon", "build the relationship now"
        else:
            w = prep.sort_values("peak", ascending=False).iloc[0]
            window = (f"{long_date(w['start'])} – {long_date(w['end'])} "
                      f"({w['moment_names'][0]})"
                      + (" — estimated, check the organisers' date" if len(w["estimated"])
                         else ""))
            when = "now (late)" if w["late"] else long_date(w["prepare_by"])
        ask = ask_of(case, g)
        rows.append({"goal": case.names("goal")[g],
                     "ask": ask or NO_ASK,
                     "whom to ask": top["audience_name"] if first else "no decider to ask",
                     "through": ", ".join(labels[m] for m in movers) or "no route recorded",
                     "priority": top["priority"], "fit": top["fit"],
                     "best window": window, "start preparing": when})
    return pd.DataFrame(rows)


def _coverage_of(case: Case, goals: list[str], start: pd.Timestamp, days: int,
                 rule: WindowRule) -> Coverage:
    """Plan coverage over several goals: a window or action counts once, covered if any."""
    parts = [plan_coverage(case, g, start=start, days=days, threshold=rule) for g in goals]
    windows = pd.concat([p.windows for p in parts], ignore_index=True)
    actions = pd.concat([p.actions for p in parts], ignore_index=True)
    if not windows.empty:
        windows = (windows.groupby(["audience", "start", "end"], as_index=False, sort=False)
                   .agg(peak=("peak", "max"),
                        actions=("actions", lambda v: tuple(sorted({a for t in v for a in t}))),
                        covered=("covered", "any")))
    if not actions.empty:
        actions = actions.drop_duplicates("action")
    return Coverage(windows=windows, actions=actions)


def show_portfolio_title(s: PortfolioStudy) -> None:
    """The overview's title and scope."""
    scope = "all goals" if s.goal == "all" else s.case.names("goal")[s.goal]
    end = s.start + pd.Timedelta(days=s.days - 1)
    show_html(
        f"<h1>Portfolio overview: {esc(scope)}</h1>"
        f'<p class="sk-lead">{len(s.case.ids("audience"))} audiences, {len(s.goals)} goal(s), '
        f"planning from {long_date(s.start)} to {long_date(end)}. Case: {esc(s.case.title)}, "
        f"scored on {esc(s.case.values_note)}.</p>"
        f"{TOC_MARK}"
    )
    show_scenario_note(s.case)  # issue 22


def show_portfolio_summary(s: PortfolioStudy) -> None:
    """The lead: for each goal, whom to ask, through whom, their best window, when to start."""
    show_html('<p class="sk-lead">For each goal: the ask, whom to ask (the first of those who '
              "can grant it, by priority and stance), through whom (the audiences whose routes "
              "reach its deciders most strongly), the strongest window of opportunity and the "
              "day to start preparing for it.</p>")
    show_html(f'<p class="sk-note">{esc(judgements_line(s.case))}</p>')
    show_table(s.leads)
    path = score_pathway(s.case, goal=None if s.goal == "all" else s.goal, start=s.start,
                         days=s.days)
    goals = list(dict.fromkeys(path["goal"]))
    parts = [goals[i:i + SPECTRUM_GOALS] for i in range(0, len(goals), SPECTRUM_GOALS)]
    for n, chunk in enumerate(parts, start=1):  # a few goals a figure: each fits a page
        title = "Spectrum of Allies, per goal" + (f" ({n} of {len(parts)})"
                                                  if len(parts) > 1 else "")
        show_figure(plots.plot_spectrum(labelled(path[path["goal"].isin(chunk)], s.case),
                                        title=title))


def show_heatmap(s: PortfolioStudy) -> None:
    """Audience × goal priority heatmap, and the ranked table for a single goal."""
    show_figure(plots.plot_heatmap(labelled(s.priority, s.case), value="priority"))
    if s.goal != "all":
        show_figure(plots.plot_priority(labelled(s.priority, s.case)))


def _best_goal_rows(s: PortfolioStudy) -> pd.DataFrame:
    p = s.priority.sort_values("priority", ascending=False)
    return p.drop_duplicates("audience").sort_values("priority", ascending=False)


def show_influence_fit(s: PortfolioStudy) -> None:
    """The influence–fit grid (power–interest grid, quantified), on each audience's best goal."""
    rows = _best_goal_rows(s)
    title = ("Influence–fit grid, each audience on its best goal" if s.goal == "all"
             else "Influence–fit grid")
    show_figure(plots.plot_influence_fit(labelled(rows, s.case).assign(goal="best goal",
                                                                       goal_label=""),
                                         title=title))
    cols = ["audience_name", "group", "goal_name", "fit", "influence", "timing", "priority"]
    show_table(rows[cols].rename(columns={"audience_name": "audience", "goal_name": "best goal"})
               if s.goal == "all" else rows[cols].drop(columns="goal_name")
               .rename(columns={"audience_name": "audience"}))


def show_calendar(s: PortfolioStudy) -> None:
    """When each audience is listening: a calendar strip, week by week."""
    # the audiences by their best priority: a capped calendar then shows the top ones
    order = {a: n for n, a in enumerate(_best_goal_rows(s)["audience"])}
    timing = s.timing.sort_values(["audience", "date"], key=lambda c: c.map(order)
                                  if c.name == "audience" else c, kind="stable")
    show_figure(plots.plot_calendar(timing, names=s.case.names("audience"),
                                    labels=s.case.labels("audience")))


def show_ally_leverage(s: PortfolioStudy) -> None:
    """Which allies reach the most priority: Σ reach × priority over the audiences."""
    show_table(s.allies[["name", "kind", "leverage", "audiences"]],
               empty="No ally in the case reaches any audience yet.")


def show_portfolio_coverage(s: PortfolioStudy) -> None:
    """Planned actions against the windows of each goal's top three audiences."""
    plan_coverage_section(s.case, s.coverage)
    show_plan_in_practice(s)  # issue 22: owners, person-days, status, results, counts


def show_rank_stability(s: PortfolioStudy) -> None:
    """How stable each goal's ranking is under perturbed weights (or resampled participants)."""
    if len(s.robustness) == 1:
        (r,) = s.robustness.values()
        show_figure(plots.plot_rank_stability(
            labelled(r.summary, s.case), r.distribution,
            resampled="participants" if r.source == "raters" else "weights"))
        return
    top3 = pd.concat([r.summary.assign(goal=g) for g, r in s.robustness.items()])
    names = s.case.names("goal")
    grid = labelled(top3.assign(goal_name=top3["goal"].map(names)), s.case)
    show_figure(plots.plot_heatmap(grid, value="p_top3",
                                   title="Chance of staying in the top three, per goal"))
    fragile = top3[top3["fragile"]]
    audiences = s.case.names("audience")
    panel = any(r.source == "raters" for r in s.robustness.values())  # resampled participants
    show_text([f"{len(fragile)} audience–goal ranking(s) are fragile: "
               + ("another draw of the participants" if panel else "a small change in the "
                  "weights") + " moves them in or out of the top three, or reorders it."],
              css="sk-note")
    if not fragile.empty:
        show_table(pd.DataFrame({
            "goal": [names[g] for g in fragile["goal"]],
            "audience": [audiences[a] for a in fragile["audience"]],
            "rank": fragile["base_rank"].to_numpy(),
            "in the top three": [f"{p:.0%} of draws" for p in fragile["p_top3"]],
        }).sort_values(["goal", "rank"]), caption="Fragile rankings")
