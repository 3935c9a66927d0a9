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

__all__ = ["ESTIMATED", "confirm_first", "explain_priority", "late_formats", "next_window",
           "no_reason_note", "top_moves", "window_move", "window_text"]


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


def _first_to_ask(s: AudienceStudy) -> pd.DataFrame:
    """The priority rows of the goal's audiences with a reason to care, the ones to ask first.

    With roles (issue 19), only deciders are offered as where to start, ranked by whom to ask.
    """
    from ..model.routes import score_pathway

    others = s.priority[s.priority["fit"] > 0]
    path = score_pathway(s.case, goal=s.goal, start=s.start, days=s.days)
    asked = path[path["ask_rank"] > 0].sort_values("ask_rank")["audience"].tolist()
    first = others.set_index("audience").reindex([a for a in asked if a in
                                                  set(others["audience"])]).reset_index()
    return first if not first.empty else others


def no_reason_note(s: AudienceStudy) -> str | None:
    """What to say when the goal serves none of the audience's interests (fit 0)."""
    r = s.row
    if r["fit"] > 0:
        return None
    from ..model.scoring import score_fit

    mine = score_fit(s.case)
    mine = mine[mine["audience"] == s.audience].sort_values("fit", ascending=False)
    best = mine.iloc[0] if len(mine) and mine["fit"].iloc[0] > 0 else None
    others = _first_to_ask(s)
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
    others = _first_to_ask(s)
    if not others.empty:
        o = others.iloc[0]
        moves.append(f"For this goal, start with {o['audience_name']} (priority "
                     f"{o['priority']:.2f}, fit {o['fit']:.2f}).")
    if not s.allies.empty:
        a = s.allies.iloc[0]
        moves.append(f"Keep the relationship warm through {a['name']} (reach {a['reach']:.2f}) "
                     "until a goal of yours serves their interests.")
    return moves[:3]


def next_window(s: AudienceStudy) -> str | None:
    """The next window you can still use, in words ("3 Aug 2027 – 9 Aug 2027"), None if none.

    The same window the top moves lead with (``model.preparation.lead_windows``).
    """
    from ..model.preparation import lead_windows

    nxt, _ = lead_windows(s.preparation)
    if nxt is None:
        return None
    return f"{long_date(nxt['start'])} – {long_date(nxt['end'])}"


def _who_move(s: AudienceStudy) -> str | None:
    """The move their role and stance call for (issue 19: whom to ask, through whom)."""
    from ..model.stance import stance_move
    from .pathway import ask_of

    p = s.pathway
    if p is None:
        return None
    names = s.case.labels("audience")
    name = names[s.audience]
    ask = ask_of(s.case, s.goal).rstrip(".")
    if p["role"] == "moves":
        reached = ", ".join(names[d] for d in p["reaches"][:2]) or "the goal's deciders"
        return (f"Do not ask {name} to grant this goal: brief them so that they move "
                f"{reached}" + (f", who can: {ask}." if ask else "."))
    if not str(p["stance"]):  # not placed on the spectrum: the ask alone, if any
        return f"Ask {name} to {ask[0].lower() + ask[1:]}." if ask else None
    verb, why = stance_move(str(p["stance"]))
    if p["stance"] == "opposed":
        return f"{verb} {name}: {why}."
    what = f" to {ask[0].lower() + ask[1:]}" if ask else " (no ask written yet: write one)"
    return f"{verb} {name} ({why}) and ask them{what}."


def _opponent_moves(s: AudienceStudy) -> list[str]:
    """Moves for an audience opposed to the goal: counter, prepare for their moments."""
    from ..model.stance import stance_move
    from .pathway import movers_of

    verb, why = stance_move("opposed")
    name = s.case.labels("audience")[s.audience]
    moves = [f"{verb} {name}: {why}."]
    w = next_window(s)
    if w:
        moves.append(f"Their next moment is {w}: a threat to prepare for (a rebuttal ready, "
                     "allies briefed), not a window to use.")
    restrain = movers_of(s.case, s.audience, s.goal)
    if restrain:
        moves.append("Work through " + " and ".join(m for m, _ in restrain)
                     + f", who reach {name}, to restrain them.")
    return moves[:3]


def top_moves(s: AudienceStudy) -> list[str]:
    """The three first things to do, from the study's windows, formats, allies and hooks."""
    if s.pathway is not None and s.pathway["stance"] == "opposed":
        return _opponent_moves(s)
    if s.row["fit"] <= 0:
        return _no_reason_moves(s)
    who = _who_move(s)
    moves = ([who] if who else []) + [window_move(s)]
    usable = s.formats[s.formats["fit"] > 0]
    if not usable.empty:
        f = usable.iloc[0]
        sg = str(f.get("safeguard", "") or "").strip().rstrip(".")
        moves.append(f"Use the format “{f['name']}” (fit {f['fit']:.2f}, effort {f['effort']})"
                     + (f"; safeguard: {sg}" if sg else "") + ".")
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
