"""The sections of an audience report: ``study_audience`` once, then one ``show_*`` per cell."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import plots
from ..case import Case
from ..config import TOC_MARK
from ..model.coverage import Coverage, plan_coverage
from ..model.recommend import (
    Messages,
    recommend_allies,
    recommend_formats,
    recommend_messages,
)
from ..model.robustness import Robustness, score_robustness
from ..model.scoring import score_contributions, score_priority
from ..model.timing import attention_drivers, find_windows, score_timing
from ..params import parse_days, parse_start
from ..plots.style import MAX_ROWS
from .display import cell_text, esc, show_figure, show_html, show_list, show_table, show_text
from .sections import THRESHOLD, as_case, long_date, plan_coverage_section, robustness_draws

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
                "start": self.start.date().isoformat(), "days": self.days}


def study_audience(case: str | Path | Case, audience: str, goal: str, start: object = "",
                   days: object = 0) -> AudienceStudy:
    """Compute every part of an audience report (checks the parameters first)."""
    c = as_case(case)
    c.check("audience", audience)
    c.check("goal", goal)
    t0 = parse_start(start)  # type: ignore[arg-type]
    n = parse_days(days, c.horizon_days)  # type: ignore[arg-type]
    return AudienceStudy(
        case=c, audience=audience, goal=goal, start=t0, days=n,
        priority=score_priority(c, goal=goal, start=t0, days=n),
        contributions=score_contributions(c, audience, goal),
        timing=score_timing(c, start=t0, days=n, audiences=[audience]),
        drivers=attention_drivers(c, audience, start=t0, days=n),
        windows=find_windows(c, audience, start=t0, days=n, threshold=THRESHOLD),
        formats=recommend_formats(c, audience, goal, start=t0, days=n),
        allies=recommend_allies(c, audience),
        messages=recommend_messages(c, audience, goal),
        robustness=score_robustness(c, goal, start=t0, days=n, draws=robustness_draws(c)),
        coverage=plan_coverage(c, goal, start=t0, days=n, threshold=THRESHOLD),
    )


def show_title(s: AudienceStudy) -> None:
    """The report's title and a one-line description of what it covers."""
    end = s.start + pd.Timedelta(days=s.days - 1)
    show_html(
        f"<h1>{esc(s.audience_name)}: {esc(s.goal_name)}</h1>"
        f'<p class="sk-lead">A strategy note for reaching <b>{esc(s.audience_name)}</b> on '
        f"<b>{esc(s.goal_name)}</b>, planning from {long_date(s.start)} to {long_date(end)} "
        f"({s.days} days). Case: {esc(s.case.title)}.</p>{TOC_MARK}"
    )


def _moves(s: AudienceStudy) -> list[str]:
    moves: list[str] = []
    if not s.windows.empty:
        w = s.windows.sort_values("peak", ascending=False).iloc[0]
        late = w["prepare_by"] < s.start
        prepare = (f"Start preparing now (it should have started on {long_date(w['prepare_by'])})"
                   if late else f"Prepare from {long_date(w['prepare_by'])}")
        moves.append(
            f"{prepare} for the window {long_date(w['start'])} – "
            f"{long_date(w['end'])} (peak attention {w['peak']:.2f}, driven by "
            f"{cell_text(w['moment_names']) or 'several moments'})."
        )
    else:
        moves.append(f"No window of opportunity above {THRESHOLD:.1f} in this horizon: build "
                     "the relationship now, and watch for crises that raise attention.")
    usable = s.formats[s.formats["fit"] > 0]
    if not usable.empty:
        f = usable.iloc[0]
        moves.append(f"Use the format “{f['name']}” (fit {f['fit']:.2f}, effort {f['effort']}).")
    if not s.allies.empty:
        a = s.allies.iloc[0]
        moves.append(f"Work with {a['name']} (reach {a['reach']:.2f}).")
    if not s.messages.hooks.empty:
        h = s.messages.hooks.iloc[0]
        moves.append(f"Lead with their interest in {h['interest_name']}: {h['hook']}")
    return moves[:3] if len(moves) > 3 else moves


def show_summary(s: AudienceStudy) -> None:
    """The priority score with its three parts, the rank, and the top three moves."""
    r = s.row
    w = s.case.weights
    n = len(s.priority)
    show_html(
        f'<p class="sk-lead">Priority <b>{r["priority"]:.2f}</b>, rank <b>{int(r["rank"])}</b> '
        f"of {n} audiences for this goal = {w['fit']:.2f} × fit {r['fit']:.2f} + "
        f"{w['influence']:.2f} × influence {r['influence']:.2f} + {w['timing']:.2f} × "
        f"timing {r['timing']:.2f} (peak attention on {long_date(r['peak_date'])}).</p>"
        "<p><b>Top three moves</b></p>"
    )
    show_list(_moves(s), ordered=True)
    if r["priority"] > 0 and r["fit_part"] < r["priority"] / 3:
        show_text([f"Note: this priority comes mostly from influence and timing, which do not "
                   f"depend on the goal; this goal itself serves little of what "
                   f"{s.audience_name} care about (fit {r['fit']:.2f}). Lower the influence "
                   "weight (case.yaml) to rank by fit."], css="sk-note")
    which = "every audience" if len(s.priority) <= MAX_ROWS else "the top audiences"
    show_figure(plots.plot_priority(s.priority, title=f"Priority of {which} for this goal",
                                    keep=s.audience))


def show_why(s: AudienceStudy) -> None:
    """Why they would care: fit and each interest's contribution."""
    fit = float(s.contributions["contribution"].sum())
    show_text([f"Fit {fit:.2f}: the share of what {s.audience_name} care about that this goal "
               "serves. Each bar is one interest's contribution; together they add up to the "
               "fit."])
    show_figure(plots.plot_contributions(s.contributions))
    cols = ["interest_name", "weight", "strength", "contribution", "hook"]
    show_table(s.contributions[s.contributions["contribution"] > 0][cols].rename(
        columns={"interest_name": "interest"}))


def show_when(s: AudienceStudy) -> None:
    """When they are listening: the attention timeline and the windows of opportunity."""
    show_figure(plots.plot_timeline(s.timing, s.drivers, s.windows, audience=s.audience,
                                    threshold=THRESHOLD))
    cols = ["start", "end", "peak_date", "peak", "moment_names", "prepare_by"]
    show_table(s.windows[cols].rename(columns={"moment_names": "moments behind it",
                                               "peak_date": "peak day",
                                               "prepare_by": "start preparing by"}),
               caption="Windows of opportunity",
               empty=f"No window with timing of at least {THRESHOLD} in this horizon.")


def show_how(s: AudienceStudy) -> None:
    """How to reach them: formats ranked by fit, with effort and preparation dates."""
    cols = ["name", "kind", "effort", "fit", "moment_name", "moment_date", "prepare_by"]
    f = s.formats.copy()
    show_table(f[cols].rename(columns={"moment_name": "tied to", "moment_date": "date",
                                       "prepare_by": "start preparing by"}),
               empty="No format in the case reaches this audience.")
    # "Late" only where there is a date to be late for: a tied moment, or a window.
    dated = (f["moment"].astype(str) != "") | (not s.windows.empty)
    late = f[(f["fit"] > 0) & dated & (f["prepare_by"] < s.start)]
    if not late.empty:
        show_text([f"Already late: preparation for {len(late)} format(s) should have started "
                   f"before {long_date(s.start)}: " + ", ".join(late["name"]) + "."], css="sk-note")
    out = f[(f["moment"].astype(str) != "") & ~f["in_horizon"].astype(bool)]
    if not out.empty:
        show_text([f"{len(out)} format(s) are tied to a moment outside this horizon and score 0: "
                   + ", ".join(out["name"])], css="sk-note")


def show_with_whom(s: AudienceStudy) -> None:
    """With whom: the allies and multipliers that reach this audience."""
    show_table(s.allies[["name", "kind", "reach"]],
               empty="No ally in the case reaches this audience yet.")


def show_what_to_say(s: AudienceStudy) -> None:
    """What to say: the goal's hooks for their top interests, frames ranked, a tone check."""
    m = s.messages
    show_html("<p><b>Hooks</b>: how this goal serves what they care about most.</p>")
    show_table(m.hooks[["interest_name", "hook"]].rename(columns={"interest_name": "interest"}))
    show_html("<p><b>Frames</b>, ranked by relevance to their interests (positive tone "
              "favoured).</p>")
    show_table(m.frames[["name", "tone", "connects_to", "text", "score"]].rename(
                   columns={"connects_to": "connects to"}),
               empty="No frame in the case speaks to this audience's interests.")
    if m.warning:
        show_html(f'<p class="sk-warning">{esc(m.warning)}</p>')
    else:
        show_text([f"Tone check: negative frames carry {m.negative_share:.0%} of the "
                   "recommended frames' score (a warning shows above one half)."], css="sk-note")


def show_plan_coverage(s: AudienceStudy) -> None:
    """Planned actions (actions.csv) against the windows of the top audiences."""
    plan_coverage_section(s.case, s.coverage)


def show_measured(s: AudienceStudy) -> None:
    """Measured media attention (the case's attention/ folder) beside the modelled timing."""
    from .measured import (
        attention_figure,
        attention_files,
        markdown_paragraphs,
        study_attention,
    )

    files = attention_files(s.case)
    if not files:
        show_text(["The case has no measured attention: put a Media Cloud or GDELT export in "
                   "its attention/ folder to compare the model with real coverage "
                   "(docs/attention.md)."], css="sk-note")
        return
    a = study_attention(s.case, files[0])
    first, last = a.series["date"].min(), a.series["date"].max()
    modelled = score_timing(s.case, start=first, days=(last - first).days + 1,
                            audiences=[s.audience])
    show_figure(attention_figure(a, modelled))
    about = markdown_paragraphs(a.readme)[1:2]  # the paragraph under the README's title
    if about:
        show_text([f"About {files[0].name}: {about[0]}"], css="sk-note")
    show_text([f"The dashed line is the timing the case's moments give {s.audience_name} over "
               "the measured days. Spikes the model misses point to a moment missing from "
               "moments.csv; a model that decays much slower or faster than the measured "
               "spikes points to a half_life_days to adjust (notebooks/04-attention.ipynb "
               "fits them)."])


def show_robustness(s: AudienceStudy) -> None:
    """How stable the ranking is when every judgement (weight) is perturbed."""
    summ = s.robustness.summary
    me = summ.set_index("audience").loc[s.audience]
    verdict = "fragile" if bool(me["fragile"]) else "stable"
    show_text([f"With every weight perturbed (multiplicative noise σ = {s.robustness.sigma:g}, "
               f"{s.robustness.draws:,} draws), "
               f"{s.audience_name} stays in the top three in {me['p_top3']:.0%} of draws; "
               f"its rank ranges from {int(me['rank_p05'])} to {int(me['rank_p95'])} "
               f"(5th–95th percentile): {verdict}."])
    show_figure(plots.plot_rank_stability(summ, s.robustness.distribution, keep=s.audience))
