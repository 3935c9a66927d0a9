"""The report section "When a crisis breaks": the audience's crisis playbook.

The rows come from ``model.crisis.crisis_playbook`` (method.md §Crisis playbooks); the brief
and the one-page playbook export use :func:`playbook_items`, so all three say the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .display import show_table, show_text

if TYPE_CHECKING:
    from .audience import AudienceStudy

__all__ = ["playbook_items", "show_crisis", "study_playbook"]


def study_playbook(s: AudienceStudy) -> pd.DataFrame:
    """The audience's crisis playbook over the study's horizon and window rule."""
    from ..model.crisis import crisis_playbook

    return crisis_playbook(s.case, s.audience, s.start, s.days, s.rule)


def _speed(days: float) -> str:
    if pd.isna(days):
        return "as fast as you can"
    n = int(days)
    return "the same day" if n == 0 else f"within {n} day{'s' if n != 1 else ''}"


def playbook_items(p: pd.DataFrame) -> list[dict[str, str]]:
    """Each kind of crisis as words: what opens, what to say and use, with whom, how fast."""
    out = []
    for r in p.itertuples(index=False):
        chance = "" if pd.isna(r.likelihood) else f"{r.likelihood:.0%} a year"
        out.append({
            "crisis": str(r.crisis_name), "likelihood": chance,
            "opens": (f"opens a window (attention {r.pressure:.2f})" if r.opens_window
                      else f"attention {r.pressure:.2f}, below a window"),
            "frame": str(r.frame) or "no frame of the case speaks to it",
            "frame_text": str(r.frame_text), "format": str(r.format) or "none fits",
            "ally": str(r.ally) or "no ally reaches them", "speed": _speed(r.response_days),
            "safeguard": str(r.safeguard),
        })
    return out


def show_crisis(s: AudienceStudy) -> None:
    """When a crisis breaks: which kinds of crisis open a window, and the prepared response."""
    p = study_playbook(s)
    if p.empty:
        show_text(["The case prepares for no kind of crisis: add one to moments.csv (kind "
                   "crisis, start left blank, with a likelihood and response_days) to get a "
                   "playbook."], css="sk-note")
        return
    opening = p[p["opens_window"]]
    lead = (f"{len(opening)} of the {len(p)} kinds of crisis the case prepares for would open "
            f"a window for {s.audience_name}" if len(opening)
            else f"None of the {len(p)} kinds of crisis the case prepares for would alone open "
                 f"a window for {s.audience_name}; the strongest still raises their attention")
    show_text([f"{lead}. Prepare the response now, so that it is out before attention fades: "
               "frame, format and ally below, and how fast it must come (method: "
               "docs/method.md, “Crisis playbooks”)."])
    rows = pd.DataFrame(playbook_items(p))
    cols = {"crisis": "crisis", "likelihood": "likelihood", "opens": "for them", "frame": "frame",
            "format": "format", "ally": "ally", "speed": "respond"}
    if rows["safeguard"].str.strip().ne("").any():
        cols["safeguard"] = "safeguard"
    show_table(rows[list(cols)].rename(columns=cols), caption="Crisis playbook")
