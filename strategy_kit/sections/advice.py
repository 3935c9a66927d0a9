"""The lead of an audience report: how the priority is made, and the top moves.

Everything here is text built from the study's frames, so that the advice never contradicts
its numbers: the priority is explained in the form the case's rule has (method.md §Priority),
the first move comes from the same preparation plan as the calendar (method.md §Preparation),
and an audience without a reason to care is told so plainly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .common import long_date
from .display import cell_text

if TYPE_CHECKING:
    from .audience import AudienceStudy

__all__ = ["ESTIMATED", "confirm_first", "explain_priority", "late_formats", "no_reason_note",
           "top_moves", "window_move", "window_text"]


def explain_priority(s: AudienceStudy) -> str:
    """One sentence: the priority, its rank and how its parts make it (plain text)."""
    r, w = s.row, s.case.weights
    head = f"Priority {r['priority']:.2f}, rank {int(r['rank'])} of {len(s.priority)} " \
           "audiences for this goal"
    peak = f"(peak attention for this goal on {long_date(r['peak_date'])})"
    if r["rule"] == "additive":
        return (f"{head} = {w['fit']:.2f} × fit {r['fit']:.2f} + {w['influence']:.2f} × "
                f"influence {r['influence']:.2f} + {w['timing']:.2f} × timing "
                f"{r['timing']:.2f} {peak}.")
    rest = w["influence"] + w["timing"]
    return (f"{head} = fit {r['fit']:.2f}^{w['fit']:.2f} × opportunity "
            f"{r['opportunity']:.2f}^{rest:.2f}, where opportunity = ({w['influence']:.2f} × "
            f"influence {r['influence']:.2f} + {w['timing']:.2f} × timing {r['timing']:.2f}) / "
            f"{rest:.2f} {peak}. Without a reason to care (fit 0) the priority is 0, whatever "
            "the influence and timing.")


def no_reason_note(s: AudienceStudy) -> str | None:
    """What to say when the goal serves none of the audience's interests (fit 0)."""
    r = s.row
    if r["fit"] > 0:
        return None
    from ..model.scoring import score_fit

    mine = score_fit(s.case)
    mine = mine[mine["audience"] == s.audience].sort_values("fit", ascending=False)
    best = mine.iloc[0] if len(mine) and mine["fit"].iloc[0] > 0 else None
    others = s.priority[(s.priority["fit"] > 0)]
    lines = [f"This goal serves none of the interests of {s.audience_name}: they have no "
             "reason to care about it"]
    if r["rule"] == "additive":
        lines.append(f"(the additive rule still gives them priority {r['priority']:.2f} from "
                     "influence and timing alone)")
    text = " ".join(lines) + "."
    if best is not None:
        text += (f" Their best-fitting goal is {s.case.names('goal')[best['goal']]} (fit "
                 f"{best['fit']:.2f}).")
    if not others.empty:
        text += f" For this goal, start with {others.iloc[0]['audience_name']}."
    return text


#: What an estimated date says wherever it is shown (method.md §Recurrence).
ESTIMATED = "estimated — check the organisers' date"


def _when(w: pd.Series) -> str:
    if w["late"]:
        return f"start preparing now (it should have started on {long_date(w['prepare_by'])})"
    return f"prepare from {long_date(w['prepare_by'])}"


def window_text(w: pd.Series) -> str:
    """One window in words: its days, peak, moments, estimated dates and recesses."""
    text = (f"the window {long_date(w['start'])} – {long_date(w['end'])} (peak attention "
            f"{w['peak']:.2f}, driven by {cell_text(w['moment_names']) or 'several moments'}")
    est = tuple(w.get("estimated", ()))
    if est and set(est) == set(w["moment_names"]):
        text += f"; dates {ESTIMATED}"
    elif est:
        text += f"; dates of {cell_text(est)} {ESTIMATED}"
    if len(w.get("recesses", ())):
        text += f"; inside {cell_text(w['recesses'])}: attention lowered"
    return text + ")"


def window_move(s: AudienceStudy) -> str:
    """The first move: the next window still usable, then the strongest; or the best moments.

    Both come from the same preparation plan as the calendar (model.preparation.lead_windows).
    """
    from ..model.preparation import lead_windows

    nxt, best = lead_windows(s.preparation)
    if nxt is not None and best is not None:
        first = (f"Next window: {_when(nxt)} for {window_text(nxt)}; lead time: "
                 f"{nxt['reason']}.")
        if nxt["start"] == best["start"]:
            return first[:1].upper() + first[1:] + " It is also the strongest of the horizon."
        return (f"{first} Then the strongest window of the horizon: {_when(best)} for "
                f"{window_text(best)} — the highest attention, but later; the next one is "
                "the first you can still prepare for.")
    if s.best.empty:
        return ("No moment in the case speaks to them about this goal in this horizon: build "
                "the relationship now, and add the moments they follow to moments.csv.")
    b = s.best.iloc[0]
    return (f"No window of opportunity in this horizon ({s.rule.describe()}): their attention "
            f"for this goal peaks at only {b['pressure']:.2f}, with {b['moment_name']} on "
            f"{long_date(b['date'])}. Use that moment, and build the relationship before it.")


def confirm_first(s: AudienceStudy) -> str | None:
    """The moments whose dates to confirm first: estimated, and behind the lead windows."""
    from ..model.preparation import lead_windows

    nxt, best = lead_windows(s.preparation)
    names: list[str] = []
    for w in (nxt, best):
        if w is not None:
            names += [str(n) for n in w["estimated"] if str(n) not in names]
    if not names or s.row["fit"] <= 0:
        return None
    return (f"Confirm these dates first: {'; '.join(names)}. They drive the first moves and "
            "are estimates from the moment's rule (add the organisers' date to "
            "moment_dates.csv).")


def _no_reason_moves(s: AudienceStudy) -> list[str]:
    """Moves for an audience the goal gives no reason to care: look elsewhere first."""
    from ..model.scoring import score_fit

    fits = score_fit(s.case)
    mine = fits[(fits["audience"] == s.audience) & (fits["fit"] > 0)]
    moves = []
    if not mine.empty:
        best = mine.sort_values("fit", ascending=False).iloc[0]
        moves.append(f"Do not lead with this goal with {s.audience_name}: approach them on "
                     f"{s.case.names('goal')[best['goal']]} instead (fit {best['fit']:.2f}).")
    others = s.priority[s.priority["fit"] > 0]
    if not others.empty:
        o = others.iloc[0]
        moves.append(f"For this goal, start with {o['audience_name']} (priority "
                     f"{o['priority']:.2f}, fit {o['fit']:.2f}).")
    if not s.allies.empty:
        a = s.allies.iloc[0]
        moves.append(f"Keep the relationship warm through {a['name']} (reach {a['reach']:.2f}) "
                     "until a goal of yours serves their interests.")
    return moves[:3]


def top_moves(s: AudienceStudy) -> list[str]:
    """The three first things to do, from the study's windows, formats, allies and hooks."""
    if s.row["fit"] <= 0:
        return _no_reason_moves(s)
    moves = [window_move(s)]
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
    return moves[:3]


def late_formats(s: AudienceStudy) -> pd.DataFrame:
    """Formats whose preparation should already have started (a date to be late for)."""
    f = s.formats
    dated = (f["moment"].astype(str) != "") | (not s.windows.empty)
    return f[(f["fit"] > 0) & dated & (f["prepare_by"] < s.start)]
