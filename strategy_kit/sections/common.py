"""What both reports share.

The plan-coverage table, the appendix (open questions, method, provenance) and the helpers of
every section.
Notebooks hold no logic: ``01-audience-strategy.ipynb`` calls ``study_audience``
(``audience``) once and then one ``show_*`` function per cell; the overview notebook does the
same with ``study_portfolio`` (``portfolio``). Every case string is escaped on its way out
(``display``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__, config, plots
from ..case import Case
from ..model.coverage import Coverage
from ..params import long_date
from ..ratings.load import load_case
from .display import esc, show_figure, show_html, show_list, show_table, show_text

__all__ = [
    "ROBUSTNESS_DRAWS",
    "ROBUSTNESS_WORK",
    "as_case",
    "labelled",
    "robustness_draws",
    "long_date",
    "plan_coverage_section",
    "show_method",
    "show_open_questions",
    "show_provenance",
    "show_workshop_advice",
]


#: The robustness draws of a report (method.md §Robustness) …
ROBUSTNESS_DRAWS = 1000
#: … as long as a report's Monte-Carlo work stays within this many audience-values
#: (draws × audiences × (interests + moments + 100)); larger cases get fewer draws, never
#: fewer than ``ROBUSTNESS_MIN_DRAWS``. The report says how many were used.
ROBUSTNESS_WORK = 20_000_000
ROBUSTNESS_MIN_DRAWS = 50


def robustness_draws(case: Case) -> int:
    """How many robustness draws a report of ``case`` makes (all of them for usual cases).

    The work of one draw grows with audiences × (interests + moments + days considered):
    a 5,000-audience case would take minutes at 1,000 draws. Belarus-sized cases keep 1,000.
    """
    per_draw = len(case.ids("audience")) * (len(case.ids("interest")) + len(case.ids("moment"))
                                            + 100)
    return max(ROBUSTNESS_MIN_DRAWS, min(ROBUSTNESS_DRAWS, ROBUSTNESS_WORK // max(1, per_draw)))


def as_case(case: str | Path | Case) -> Case:
    """The case itself, or the case of that name or folder, loaded."""
    return case if isinstance(case, Case) else load_case(case)


def labelled(df: pd.DataFrame, case: Case) -> pd.DataFrame:
    """``df`` with a ``<kind>_label`` column beside each id column.

    For audience, goal, interest and moment: the case's short labels, for axes and legends;
    the names stay for hover text and tables.
    """
    out = df
    for kind in ("audience", "goal", "interest", "moment"):
        if kind in out.columns:
            out = out.assign(**{f"{kind}_label": out[kind].map(case.labels(kind)).fillna("")})
    return out




def _examples_labelled(case: Case, cov: Coverage) -> Coverage:
    """``cov`` with every example action's id written ``EXAMPLE: id`` (actions and windows)."""
    from .pathway import is_example

    ex = {str(r["id"]) for _, r in case.actions.iterrows() if is_example(r)}
    if not ex:
        return cov

    def tag(a: object) -> str:
        return f"EXAMPLE: {a}" if str(a) in ex else str(a)

    actions = cov.actions.assign(action=cov.actions["action"].map(tag)) \
        if not cov.actions.empty else cov.actions
    windows = cov.windows.assign(actions=cov.windows["actions"].map(
        lambda t: tuple(tag(a) for a in t))) if not cov.windows.empty else cov.windows
    return Coverage(windows=windows, actions=actions)


def plan_coverage_section(case: Case, cov: Coverage) -> None:
    """The coverage chart and its counts (shared by the audience report and the overview)."""
    if case.actions.empty:
        show_text(["The case has no actions.csv: add planned actions to see which windows "
                   "are covered."], css="sk-note")
        return
    cov = _examples_labelled(case, cov)  # issue 19: EXAMPLE rows say so wherever they appear
    examples = int(cov.actions["action"].str.startswith("EXAMPLE").sum()) \
        if not cov.actions.empty else 0
    if examples:
        show_text([f"{examples} of {len(cov.actions)} action(s) are EXAMPLE rows of the case "
                   "(actions.csv example: yes, or EXAMPLE in their resources): illustrations, "
                   "not a real plan."], css="sk-warning")
    show_figure(plots.plot_coverage(cov.windows, cov.actions, names=case.names("audience"),
                                    labels=case.labels("audience")))
    gaps = cov.windows[~cov.windows["covered"]] if not cov.windows.empty else cov.windows
    outside = cov.actions[~cov.actions["in_window"]] if not cov.actions.empty else cov.actions
    show_text([f"{len(gaps)} of {len(cov.windows)} window(s) of the top audiences have no "
               f"planned action (gaps); {len(outside)} of {len(cov.actions)} action(s) fall "
               "outside every window of their audience."])
    if not outside.empty and "attention" in outside:
        names = case.names("audience")
        show_table(pd.DataFrame({
            "action": outside["action"],
            "audience": [names[a] for a in outside["audience"]],
            "start": outside["start"],
            "attention during it": outside["attention"],
            "share of their peak": [f"{v:.0%}" for v in outside["of_peak"]],
        }), caption="Actions outside every window: the audience's attention during each")


def show_workshop_advice(s: Any) -> None:
    """What the workshop advised: its recommendations and pitfalls (guidance.yaml)."""
    g = s.case.guidance
    if not (g["recommendations"] or g["pitfalls"]):
        show_text(["The case records no recommendations or pitfalls (guidance.yaml)."],
                  css="sk-note")
        return
    if g["recommendations"]:
        show_html("<p><b>Recommendations</b></p>")
        show_list(g["recommendations"])
    if g["pitfalls"]:
        show_html("<p><b>Pitfalls to avoid</b></p>")
        show_list(g["pitfalls"])


def show_open_questions(s: Any) -> None:
    """The questions the workshop left open (guidance.yaml)."""
    g = s.case.guidance
    if not g["open_questions"]:
        show_text(["The case records no open questions (guidance.yaml)."], css="sk-note")
        return
    for q in g["open_questions"]:
        show_html(f"<p><b>{esc(q['question'])}</b></p>")
        if q["options"]:
            show_list(q["options"])


def show_method(s: Any) -> None:
    """The method, quoted from docs/method.md, folded: the reader opens it when needed."""
    path = config.METHOD_DOC
    if not path.is_file():
        show_text([f"The method is documented in docs/method.md of strategy-kit {__version__}."])
        return
    body = _method_html(path.read_text(encoding="utf-8"))
    show_html('<details class="sk-method"><summary>How every number in this report is '
              f"computed (docs/method.md)</summary>{body}</details>")


@functools.lru_cache(maxsize=2)
def _method_html(doc: str) -> str:
    """docs/method.md as HTML, its title dropped and its headings demoted.

    Kept by its text: a batch's kernel renders it once, not for every report.
    """
    import mistune

    lines = doc.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]  # its title: the report's section heading says "Method" already
    # Demote headings so that the method does not compete with the report's sections.
    text = "\n".join("##" + ln if ln.startswith("#") else ln for ln in lines)
    return mistune.html(text)  # the project's own documentation, not case text


def show_provenance(s: Any) -> None:
    """Where the numbers come from: case, its values, data hash, kit version, parameters, time."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    rows = pd.DataFrame({"item": ["case", "case folder", "values", "data hash", "strategy-kit",
                                  "parameters", "generated"],
                         "value": [s.case.title, s.case.path.name, s.case.values_note,
                                   s.case.data_hash, __version__, json.dumps(s.parameters), now]})
    show_table(rows)
