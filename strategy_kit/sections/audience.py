"""The sections of an audience report: ``study_audience`` once, then one ``show_*`` per cell."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import plots
from ..case import Case
from ..config import TOC_MARK
from ..model.coverage import Coverage, plan_coverage
from ..model.matrices import horizon, matrices
from ..model.preparation import plan_preparation
from ..model.recommend import (
    Messages,
    recommend_allies,
    recommend_formats,
    recommend_messages,
)
from ..model.robustness import Robustness, score_robustness
from ..model.routes import score_pathway
from ..model.scoring import score_contributions, score_priority
from ..model.timing import attention_drivers, score_timing
from ..model.windows import WindowRule, best_moments, window_rule, windows_of
from ..params import parse_days, parse_start
from ..plots.style import MAX_ROWS
from .advice import (
    ESTIMATED,
    confirm_first,
    explain_priority,
    late_formats,
    next_window,
    no_reason_note,
    top_moves,
)
from .common import as_case, labelled, long_date, plan_coverage_section, robustness_draws
from .display import esc, show_figure, show_html, show_list, show_table, show_text
from .plan import show_plan_in_practice
from .scenarios import show_scenario_note

__all__ = [
    "AudienceStudy",
    "show_how",
    "show_measured",
    "show_plan_coverage",
    "show_robustness",
    "show_summary",
    "show_title",
    "show_what_to_say",
    "show_when",
    "show_why",
    "show_with_whom",
    "study_audience",
]


# -- the audience report ----------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceStudy:
    """Everything the audience report shows, computed once."""

    case: Case
    audience: str
    goal: str
    start: pd.Timestamp
    days: int
    priority: pd.DataFrame
    contributions: pd.DataFrame
    timing: pd.DataFrame
    drivers: pd.DataFrame
    windows: pd.DataFrame
    formats: pd.DataFrame
    allies: pd.DataFrame
    messages: Messages
    robustness: Robustness
    coverage: Coverage
    rule: WindowRule
    preparation: pd.DataFrame
    best: pd.DataFrame
    pathway: pd.Series | None = None  # issue 19: role, stance, ask and move (model.routes)

    @property
    def row(self) -> pd.Series:
        """The audience's row of the priority table."""
        return self.priority.set_index("audience").loc[self.audience]

    @property
    def audience_name(self) -> str:
        """The audience's display name."""
        return self.case.names("audience")[self.audience]

    @property
    def goal_name(self) -> str:
        """The goal's display name."""
        return self.case.names("goal")[self.goal]

    @property
    def parameters(self) -> dict[str, object]:
        """The parameters the study was computed with, for the provenance table."""
        return {"case": self.case.name, "audience": self.audience, "goal": self.goal,
                "start": self.start.date().isoformat(), "days": self.days,
                "windows": self.rule.short}

    @property
    def level(self) -> float:
        """The timing a day needs to be in a window, for this audience and goal."""
        t = self.timing["timing"].to_numpy()
        return self.rule.level(float(t.max()) if len(t) else 0.0)


def _pathway_row(c: Case, audience: str, goal: str, t0: pd.Timestamp, n: int) -> pd.Series:
    """The audience's row of ``score_pathway`` for the goal (role, stance, ask and move)."""
    p = score_pathway(c, goal=goal, start=t0, days=n)
    return p[p["audience"] == audience].iloc[0]


def study_audience(case: str | Path | Case, audience: str, goal: str, start: object = "",
                   days: object = 0, threshold: object = "") -> AudienceStudy:
    """Compute every part of an audience report (checks the parameters first).

    ``threshold`` is the window rule (``--threshold``): empty for the case's.
    """
    c = as_case(case)
    c.check("audience", audience)
    c.check("goal", goal)
    t0 = parse_start(start)  # type: ignore[arg-type]
    n = parse_days(days, c.horizon_days)  # type: ignore[arg-type]
    rule = window_rule(c, threshold if threshold not in ("", None) else None)
    prep = plan_preparation(c, audience, goal, start=t0, days=n, threshold=rule)
    mx, h = matrices(c), horizon(c, t0, n)
    return AudienceStudy(
        case=c, audience=audience, goal=goal, start=t0, days=n,
        priority=score_priority(c, goal=goal, start=t0, days=n),
        contributions=score_contributions(c, audience, goal),
        timing=score_timing(c, start=t0, days=n, audiences=[audience], goal=goal),
        drivers=attention_drivers(c, audience, start=t0, days=n, goal=goal),
        windows=windows_of(c, mx.audiences.get_loc(audience), h, rule, mx.goals.get_loc(goal)),
        formats=recommend_formats(c, audience, goal, start=t0, days=n),
        allies=recommend_allies(c, audience),
        messages=recommend_messages(c, audience, goal),
        robustness=score_robustness(c, goal, start=t0, days=n, draws=robustness_draws(c)),
        coverage=plan_coverage(c, goal, start=t0, days=n, threshold=rule),
        rule=rule, preparation=prep,
        best=best_moments(c, audience, start=t0, days=n, goal=goal),
        pathway=_pathway_row(c, audience, goal, t0, n),
    )


def show_title(s: AudienceStudy) -> None:
    """The report's title and a one-line description of what it covers."""
    end = s.start + pd.Timedelta(days=s.days - 1)
    show_html(
        f"<h1>{esc(s.audience_name)}: {esc(s.goal_name)}</h1>"
        f'<p class="sk-lead">A strategy note for reaching <b>{esc(s.audience_name)}</b> on '
        f"<b>{esc(s.goal_name)}</b>, planning from {long_date(s.start)} to {long_date(end)} "
        f"({s.days} days). Case: {esc(s.case.title)}, scored on {esc(s.case.values_note)}."
        f"</p>{TOC_MARK}"
    )
    show_scenario_note(s.case)  # issue 22


def show_summary(s: AudienceStudy) -> None:
    """How the priority is made, the top three moves, and the priority of every audience."""
    from .pathway import judgements_line, lead_sentence, no_ask_text, role_line

    if s.pathway is not None:  # plain words first, the formula below (issue 19)
        show_html(f'<p class="sk-lead"><b>{esc(lead_sentence(s.case, s.pathway, next_window(s)))}'
                  f"</b></p><p>{esc(no_ask_text(s.case, s.goal))} "
                  f"{esc(role_line(s.case, s.pathway))}</p>")  # the ask in full, then the role
    show_html(f'<p class="sk-note">{esc(judgements_line(s.case))}</p>')
    show_html(f'<p class="sk-lead">{esc(explain_priority(s))}</p>')
    note = no_reason_note(s)
    if note:
        show_html(f'<p class="sk-warning">{esc(note)}</p>')
    show_html("<p><b>Top three moves</b></p>")
    show_list(top_moves(s), ordered=True)
    confirm = confirm_first(s)  # issue 20: estimated dates behind the first moves
    if confirm:
        show_text([confirm], css="sk-note")
    r = s.row
    if r["rule"] == "additive" and r["fit"] > 0 and r["fit_part"] < r["priority"] / 3:
        show_text([f"Note: this priority comes mostly from influence and timing; this goal "
                   f"itself serves little of what {s.audience_name} care about (fit "
                   f"{r['fit']:.2f}). The gated rule (priority: gated in case.yaml) ranks by "
                   "reason to care first."], css="sk-note")
    if s.pathway is not None:  # issue 19: where everyone stands on this goal
        path = score_pathway(s.case, goal=s.goal, start=s.start, days=s.days)
        show_figure(plots.plot_spectrum(labelled(path, s.case), keep=s.audience,
                                        title="Spectrum of Allies for this goal"))
    which = "every audience" if len(s.priority) <= MAX_ROWS else "the top audiences"
    show_figure(plots.plot_priority(labelled(s.priority, s.case),
                                    title=f"Priority of {which} for this goal", keep=s.audience))


def show_why(s: AudienceStudy) -> None:
    """Why they would care: fit and each interest's contribution."""
    fit = float(s.contributions["contribution"].sum())
    if fit <= 0:
        show_text([f"Fit 0: this goal serves none of the interests of {s.audience_name}, so "
                   "they have no reason of their own to care about it (see the summary)."],
                  css="sk-warning")
        return
    if s.case.fit_rule == "mean":
        show_text([f"Fit {fit:.2f}: the share of what {s.audience_name} care about that this "
                   "goal serves (fit: mean). Each bar is one interest's contribution; together "
                   "they add up to the fit."])
    else:
        show_text([f"Fit {fit:.2f} = 1 − Π(1 − weight × strength) over the interests of "
                   f"{s.audience_name}: how strongly this goal gives them a reason to care. One "
                   "strong reason is enough, and an interest the goal does not serve takes "
                   "nothing away. Each bar is one interest's part (the fit shared in proportion "
                   "to weight × strength); together they add up to the fit."])
    show_figure(plots.plot_contributions(labelled(s.contributions, s.case)))
    cols = ["interest_name", "weight", "strength", "contribution", "hook"]
    show_table(s.contributions[s.contributions["contribution"] > 0][cols].rename(
        columns={"interest_name": "interest"}))


def show_when(s: AudienceStudy) -> None:
    """When they are listening: the attention timeline and the windows of opportunity."""
    if s.pathway is not None and s.pathway["stance"] == "opposed":
        show_text([f"{s.audience_name} oppose this goal: the moments below are theirs, threats "
                   "to prepare for (a rebuttal ready, allies briefed), not windows to use."],
                  css="sk-warning")
    drivers = labelled(s.drivers, s.case)
    estimated = {n for e in s.preparation["estimated"] for n in e}  # issue 20: say so
    if estimated:
        est = drivers["moment_name"].isin(estimated)
        drivers = drivers.assign(
            moment_name=drivers["moment_name"].where(~est, drivers["moment_name"] + " ("
                                                     + ESTIMATED + ")"),
            moment_label=drivers["moment_label"].where(~est,
                                                       drivers["moment_label"] + " (est.)"))
    show_figure(plots.plot_timeline(s.timing, drivers, s.windows,
                                    audience=s.audience, threshold=s.level,
                                    names=s.case.names("audience"),
                                    labels=s.case.labels("audience"),
                                    threshold_text=f"window from {s.level:.2f}",
                                    title="When they listen, on what this goal speaks to"))
    show_text([f"Timing for this goal counts each moment by how much it speaks to the "
               f"interests through which the goal reaches {s.audience_name}. Windows: "
               f"{s.rule.describe()} (here timing ≥ {s.level:.2f})."], css="sk-note")
    p = s.preparation
    table = p[["start", "end", "peak_date", "peak", "moment_names", "prepare_on"]].assign(
        prepare_on=[("now (late)" if late else long_date(d))
                    for d, late in zip(p["prepare_on"], p["late"], strict=True)],
        dates=[(f"{', '.join(map(str, e))}: {ESTIMATED}" if len(e) else "confirmed")
               + (f"; inside {', '.join(map(str, r))}" if len(r) else "")
               for e, r in zip(p["estimated"], p["recesses"], strict=True)])
    show_table(table.rename(columns={"moment_names": "moments behind it",
                                     "peak_date": "peak day",
                                     "prepare_on": "start preparing"}),
               caption="Windows of opportunity",
               empty="No window in this horizon.")
    if p.empty and not s.best.empty:
        show_table(s.best.rename(columns={"moment_name": "moment", "pressure": "attention"})
                   [["moment", "date", "attention"]],
                   caption="The strongest moments, though below the window floor")


def show_how(s: AudienceStudy) -> None:
    """How to reach them: formats ranked by fit, with effort and preparation dates."""
    cols = ["name", "kind", "effort", "fit", "moment_name", "moment_date", "prepare_by",
            "safeguard"]
    f = s.formats.copy()
    show_table(f[cols].rename(columns={"moment_name": "tied to", "moment_date": "date",
                                       "prepare_by": "start preparing by"}),
               empty="No format in the case reaches this audience.")
    late = late_formats(s)
    if not late.empty:
        show_text([f"Already late: preparation for {len(late)} format(s) should have started "
                   f"before {long_date(s.start)}: " + ", ".join(late["name"]) + "."], css="sk-note")
    out = f[(f["moment"].astype(str) != "") & ~f["in_horizon"].astype(bool)]
    if not out.empty:
        show_text([f"{len(out)} format(s) are tied to a moment outside this horizon and score 0: "
                   + ", ".join(out["name"])], css="sk-note")


def show_with_whom(s: AudienceStudy) -> None:
    """With whom: the allies and multipliers that reach this audience, and the routes."""
    from .pathway import route_table

    show_table(s.allies[["name", "kind", "reach"]],
               empty="No ally in the case reaches this audience yet.")
    if s.pathway is None or s.case.routes.empty:
        return
    mover = s.pathway["role"] == "moves"
    routes = route_table(s.case, s.audience, s.goal)
    routes.insert(3, "their priority for this goal", routes["audience"].map(
        dict(zip(s.priority["audience_name"], s.priority["priority"], strict=True))))
    show_table(routes,
               caption=("The deciders of this goal they reach (routes.csv, at most two steps): "
                        "why they matter for it" if mover else
                        "Who moves them (routes.csv, at most two steps)"),
               empty=("routes.csv gives them no route to this goal's deciders." if mover
                      else "No audience that moves others reaches them in routes.csv."))


def show_what_to_say(s: AudienceStudy) -> None:
    """What to say: the goal's hooks for their top interests, frames ranked, a tone check."""
    m = s.messages
    show_html("<p><b>Hooks</b>: how this goal serves what they care about most.</p>")
    show_table(m.hooks[["interest_name", "hook"]].rename(columns={"interest_name": "interest"}))
    show_html("<p><b>Frames</b>: the lead first (the case's core narrative, else the best "
              "positive frame), then support, ranked by how strongly each speaks to the "
              "interests through which this goal reaches them (positive tone favoured).</p>")
    show_table(m.frames[["use", "name", "tone", "connects_to", "text", "score", "safeguard"]]
               .rename(columns={"connects_to": "connects to"}),
               empty="No frame in the case speaks to this audience's interests.")
    if m.warning:
        show_html(f'<p class="sk-warning">{esc(m.warning)}</p>')
    else:
        show_text([f"Tone check: negative frames carry {m.negative_share:.0%} of the "
                   "recommended frames' score; a negative frame never leads when a positive one "
                   "speaks to them."], css="sk-note")


def show_plan_coverage(s: AudienceStudy) -> None:
    """Planned actions (actions.csv) against the windows of the top audiences."""
    plan_coverage_section(s.case, s.coverage)
    show_plan_in_practice(s)  # issue 22: owners, person-days, status, results


def show_measured(s: AudienceStudy) -> None:
    """Measured media attention (the case's attention/ folder) beside the modelled timing."""
    from .measured import attention_figure, attention_files, source_line, study_attention

    files = attention_files(s.case)
    if not files:  # no measurement, no section (the export drops the empty heading)
        return
    a = study_attention(s.case, files[0])
    first, last = a.series["date"].min(), a.series["date"].max()
    modelled = score_timing(s.case, start=first, days=(last - first).days + 1,
                            audiences=[s.audience])
    show_figure(attention_figure(a, modelled))
    show_text([source_line(a)], css="sk-note")
    show_text([f"The dashed line is the timing the case's moments give {s.audience_name} over "
               "the measured days. Spikes the model misses point to a moment missing from "
               "moments.csv; a model that decays much slower or faster than the measured "
               "spikes points to a half_life_days to adjust (notebooks/04-attention.ipynb "
               "fits them)."])


def show_robustness(s: AudienceStudy) -> None:
    """How stable the ranking is under perturbed weights, or resampled participants."""
    summ = s.robustness.summary
    me = summ.set_index("audience").loc[s.audience]
    verdict = "fragile" if bool(me["fragile"]) else "stable"
    how = {"bootstrap": f"With the participants resampled ({s.robustness.draws:,} draws of "
                        "the panel, medians recomputed), ",
           "leave-one-out": "With each participant left out in turn, "}  # issue 15
    show_text([how.get(s.robustness.method,
                       f"With every weight perturbed (multiplicative noise σ = "
                       f"{s.robustness.sigma:g}, {s.robustness.draws:,} draws), ") +
               f"{s.audience_name} stays in the top three in {me['p_top3']:.0%} of draws; "
               f"its rank ranges from {int(me['rank_p05'])} to {int(me['rank_p95'])} "
               f"(5th–95th percentile): {verdict}."])
    show_figure(plots.plot_rank_stability(
        labelled(summ, s.case), s.robustness.distribution, keep=s.audience,
        resampled="participants" if s.robustness.source == "raters" else "weights"))
