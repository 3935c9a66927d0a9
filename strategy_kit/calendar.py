"""Windows of opportunity as an iCalendar file (RFC 5545) for any calendar program.

Every window of :func:`~strategy_kit.model.windows.find_windows` gives two all-day events: the
window itself, and a reminder on the day its preparation must start (a working day); the main
moment behind the windows is a third event, recurring by its rule (RRULE) where that is exact,
and estimated dates say so. Their UIDs are derived from
what the window *is* (case, audience, goal, main moment, year of that moment's occurrence), not
from its dates, which move when a weight changes: importing a re-export then updates the events
instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from icalendar import Alarm, Calendar, Event, vRecur, vText

from . import __version__
from .case import Case
from .errors import (
    BadParameterError,
    EmptyCalendarError,  # noqa: F401 - defined in errors.py
    )
from .files.output import check_output_file
from .model.matrices import horizon, matrices
from .model.occurrences import exact_rrule, is_confirmed
from .model.preparation import occurrence_near, plan_preparation
from .model.recommend import recommend_messages
from .model.scoring import score_fit
from .model.timing import score_timing
from .model.windows import WindowRule, best_moments, window_rule
from .params import DateLike
from .ratings.load import load_case

__all__ = ["EmptyCalendarError", "calendar_events", "write_calendar"]


CALENDAR_COLUMNS = ["uid", "kind", "start", "end", "summary", "description", "audience",
                    "goal", "moment", "year", "rrule"]
#: What an estimated date says, wherever it is shown (method.md §Recurrence).
ESTIMATED = "estimated — check the organisers' date"
PRODID = "-//strategy-kit//EN"
UID_DOMAIN = "strategy-kit"
#: The namespace of the kit's event UIDs (uuid5); never change it, or every UID changes.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "calendar.strategy-kit")
#: The reminder's alarm rings at this time of the preparation day (floating local time).
ALARM_AT = dt.timedelta(hours=9)


def _case(case: str | Path | Case) -> Case:
    return case if isinstance(case, Case) else load_case(case)


_EPOCH = dt.date(1970, 1, 1)


def _date(day: int) -> dt.date:
    """A day number (days since 1970-01-01, the engine's unit) as a date."""
    return _EPOCH + dt.timedelta(days=int(day))


def _day(value: object) -> int:
    return (pd.Timestamp(value).date() - _EPOCH).days


def _iso(day: object) -> str:
    if isinstance(day, int | np.integer):
        return _date(int(day)).isoformat()
    return pd.Timestamp(day).strftime("%Y-%m-%d")


def _uid(*parts: str) -> str:
    # The unit separator cannot occur in an id, so ("a-b", "c") and ("a", "b-c") differ.
    return f"{uuid.uuid5(UID_NAMESPACE, chr(31).join(parts)).hex}@{UID_DOMAIN}"


def _goal(case: Case, audience: str, goal: str | None) -> tuple[str, str]:
    """The goal id, and the note the description carries when it was not given."""
    if goal is not None and goal != "":
        return case.check("goal", goal), ""
    fits = score_fit(case)
    mine = fits[fits["audience"] == audience].reset_index(drop=True)
    best = mine.iloc[int(mine["fit"].to_numpy().argmax())]  # file order breaks ties
    return str(best["goal"]), (f"not given: the audience's best-fitting goal, "
                               f"fit {best['fit']:.2f}")


def _events(case: Case, audience: str, goal: str | None, start: DateLike,
            days: int | str | None, threshold: object) -> tuple[pd.DataFrame, str, str]:
    """calendar_events, plus the goal used and the note on how it was chosen."""
    audience = case.check("audience", audience)
    goal, goal_note = _goal(case, audience, goal)
    h = horizon(case, start, days)
    rule = window_rule(case, threshold)
    plan = plan_preparation(case, audience, goal, start=h.start, days=h.days, threshold=rule)
    a_name, g_name = case.names("audience")[audience], case.names("goal")[goal]
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, int], int] = {}
    for _, w in plan.iterrows():
        main, main_name = str(w["moments"][0]), str(w["moment_names"][0])
        year = pd.Timestamp(w["occurrence"]).year
        # A window that dips below the threshold for a day becomes two with the same main
        # moment; the second gets an ordinal so that the UIDs stay distinct (and stable).
        n = seen[(main, year)] = seen.get((main, year), 0) + 1
        text = _description(case, a_name, audience, g_name, goal, goal_note, w, rule)
        key = [case.name, audience, goal, main, str(year)] + ([str(n)] if n > 1 else [])
        opens = _iso(w["start"])
        prepare_day = pd.Timestamp(w["prepare_on"]).date()
        summary = (f"Late — start now: {main_name} window for {a_name} opens {opens}"
                   if w["late"] else f"Prepare: {main_name} window for {a_name} opens {opens}")
        rows.append({"uid": _uid(*key, "prepare"), "kind": "prepare", "start": prepare_day,
                     "end": prepare_day, "summary": summary, "description": text})
        rows.append({"uid": _uid(*key, "window"), "kind": "window",
                     "start": pd.Timestamp(w["start"]).date(),
                     "end": pd.Timestamp(w["end"]).date(),
                     "summary": f"Window: {main_name} ({a_name})", "description": text})
        for r in rows[-2:]:
            r.update(audience=audience, goal=goal, moment=main, year=year, rrule="")
        if n == 1 and main not in {r["moment"] for r in rows if r["kind"] == "moment"}:
            rows.append(_moment_event(case, audience, goal, main, w, h.first, h.last))
            rows[-1].update(summary=f"Moment: {rows[-1]['summary']} ({a_name})",
                            description=f"Audience: {a_name} [{audience}]\nGoal: {g_name} "
                                        f"[{goal}]\n{rows[-1]['description']}")
    frame = pd.DataFrame(rows, columns=CALENDAR_COLUMNS)
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    for col in ("uid", "kind", "summary", "description", "audience", "goal", "moment",
                "rrule"):
        frame[col] = frame[col].astype("str")
    frame["year"] = frame["year"].astype("int64")
    return frame, goal, goal_note


def _moment_event(case: Case, audience: str, goal: str, main: str, w: pd.Series,
                  first: int, last: int) -> dict[str, object]:
    """The main moment behind a window, as an event that recurs by its rule where exact."""
    mx = matrices(case)
    m = mx.moments.get_loc(main)
    occ = _day(w["occurrence"])
    length = int(mx.moment_end[m] - mx.moment_start[m])
    confirmed = next((e for s, e in mx.confirmed[m] if s == occ), None)
    end = confirmed if confirmed is not None else occ + length
    estimated = not is_confirmed(mx, m, occurrence_near(case, main, first, last, occ))
    name = str(mx.moment_names[m])
    rule = exact_rrule(mx, m, occ)
    text = [f"{name}: {_iso(occ)}" + (f" to {_iso(end)}" if end != occ else "")
            + (f" ({ESTIMATED})" if estimated else " (confirmed date)")]
    if rule:
        text.append(f"Recurs: {rule}; later dates are estimates until the organisers "
                    "publish them.")
    text.append(f"Case: {case.title} [{case.name}, data hash {case.data_hash}], scored on "
                f"{case.values_note}; made by strategy-kit {__version__}.")
    return {"uid": _uid(case.name, audience, goal, main, "moment"), "kind": "moment",
            "start": _date(occ), "end": _date(end),
            "summary": name + (" (estimated date)" if estimated else ""),
            "description": "\n".join(text), "audience": audience, "goal": goal,
            "moment": main, "year": _date(occ).year, "rrule": rule}


def _description(case: Case, a_name: str, audience: str, g_name: str, goal: str,
                 goal_note: str, w: pd.Series, rule: WindowRule) -> str:
    lines = [f"Audience: {a_name} [{audience}]",
             f"Goal: {g_name} [{goal}]" + (f" ({goal_note})" if goal_note else ""),
             f"Window of opportunity: {_iso(w['start'])} to {_iso(w['end'])}, peak attention "
             f"{w['peak']:.2f} on {_iso(w['peak_date'])} ({rule.describe()})",
             "Moments behind it: " + "; ".join(map(str, w["moment_names"]))]
    goals = case.goals.set_index("id")
    ask = str(goals.at[goal, "ask"]).strip() if "ask" in goals else ""  # issue 19
    lines.insert(2, f"Ask: {ask}" if ask else
                 "Ask: none written: an aspiration, not yet an objective (goals.csv ask)")
    safeguards = dict(zip(case.formats["name"], case.formats["safeguard"], strict=True))
    if w["estimated"]:
        lines.append(f"Dates {ESTIMATED}: " + "; ".join(map(str, w["estimated"])))
    if w["recesses"]:
        lines.append("Inside a recess (attention lowered): " + "; ".join(map(str, w["recesses"])))
    fmts = w["formats"]
    if fmts:
        lines.append("Recommended formats:")
        for f in fmts:
            tied = f" (tied to {f.tied_to})" if f.tied_to else ""
            if pd.isna(f.prepare_by):
                when = f.anchor
            else:
                when = (f"late, start now (it should have started by {_iso(f.prepare_by)})"
                        if f.late else f"start preparing by {_iso(f.prepare_by)}, "
                        f"{f.anchor}")
            lines.append(f"- {f.name}{tied}: fit {f.fit:.2f}, effort {f.effort}, {when}")
            if str(safeguards.get(f.name, "") or "").strip():
                lines.append(f"  Safeguard: {safeguards[f.name]}")
    else:
        lines.append("Recommended formats: none in the case reaches this audience for this "
                     "window.")
    frames = recommend_messages(case, audience, goal).frames  # issue 19: what to say, safely
    for f in frames.itertuples():
        lines.append(f"{'Lead frame' if f.use == 'lead' else 'Supporting frame'}: {f.name} "
                     f"({f.tone})" + (f". Safeguard: {f.safeguard}" if f.safeguard else ""))
    if w["late"]:
        lines.append(f"Late, start now: preparation should have started by "
                     f"{_iso(w['prepare_by'])} ({w['reason']}).")
    else:
        lines.append(f"Start preparing by {_iso(w['prepare_by'])}: {w['reason']}.")
    lines.append(f"Case: {case.title} [{case.name}, data hash {case.data_hash}], scored on "
                 f"{case.values_note}; made by strategy-kit {__version__}.")
    return "\n".join(lines)


def calendar_events(case: str | Path | Case, audience: str, goal: str | None = None,
                    start: DateLike = None, days: int | str | None = None,
                    threshold: object = None) -> pd.DataFrame:
    """The calendar entries of an audience's windows of opportunity, and their main moments.

    Parameters
    ----------
    case
        A loaded case, or a case name or folder.
    audience
        An audience id.
    goal
        A goal id; by default the audience's best-fitting goal (``score_fit``), which the
        description then says.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    threshold
        The timing a day needs to belong to a window, above 0 and at most 1.

    Returns
    -------
    DataFrame
        ``uid, kind, start, end, summary, description, audience, goal, moment, year, rrule``:
        for each window (by date) a ``prepare`` row (one day: the working day preparation must
        start, the earliest of the window's start − the main moment's ``lead_days`` and each
        dated format's preparation date) and a ``window`` row (``start`` to ``end``,
        inclusive, the window's days); after the first window of each main moment, a
        ``moment`` row (its occurrence, with ``rrule`` the moment's rule where exact, else
        ""). ``moment`` is the window's main moment and ``year`` the year of its
        occurrence; with case, audience and goal they make the stable ``uid``. The
        description lists audience, goal, the moments behind the window and the top three
        formats with a fit above 0 (untied, or tied to one of those moments).

    Raises
    ------
    UnknownChoiceError
        An audience or goal the case does not have; the message lists the choices.
    BadParameterError
        A bad start, days or threshold.
    """
    return _events(_case(case), audience, goal, start, days, threshold)[0]


def _why_empty(case: Case, audience: str, goal: str, start: DateLike,
               days: int | str | None, threshold: object, path: Path) -> str:
    """Why an audience has no window, and what would give it one."""
    h = horizon(case, start, days)
    rule = window_rule(case, threshold)
    best = best_moments(case, audience, h.start, h.days, goal=goal, top=1)
    span = f"{h.start.date()} and {h.end.date()}"
    if best.empty:
        why = (f"no moment of the case speaks to {audience} about {goal} between {span}; "
               "add one to moments.csv and moment_interests.csv")
    else:
        t = score_timing(case, h.start, h.days, audiences=[audience], goal=goal)
        peak = t.loc[t["timing"].idxmax()]
        b = best.iloc[0]
        level = rule.threshold if rule.rule == "absolute" else rule.floor
        why = (f"its highest attention for {goal} between {span} is {peak['timing']:.2f} "
               f"on {peak['date'].date()} (strongest moment: {b['moment_name']}), below the "
               f"window {'threshold' if rule.rule == 'absolute' else 'floor'} {level:.2f}; "
               "lower it with --threshold or windows: in case.yaml")
    kept = f" ({path} was left as it was)" if path.exists() else ""
    return f"nothing to export for {audience}: {why}. No file written{kept}."


def _check_out(out: str | Path) -> Path:
    path = Path(out).expanduser() if str(out).strip() else None
    if path is None or path.suffix.lower() != ".ics" or path.is_dir():
        raise BadParameterError("out", out, "a file name ending in .ics, for example "
                                            "lawmakers.ics")
    return path


def ics_text(text: str) -> str:
    """Case text as an ICS TEXT value may hold it: no control characters (RFC 5545 §3.3.11).

    Newlines and tabs stay (icalendar escapes newlines); ESC, BEL, NUL and the rest are
    dropped, so an OSC sequence in a name is plain, inert text in a calendar program.
    """
    return "".join(ch for ch in str(text)
                   if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _calendar(case: Case, events: pd.DataFrame, audience: str, goal: str, goal_note: str,
              alarm: bool) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    a_name, g_name = case.names("audience")[audience], case.names("goal")[goal]
    # icalendar leaves X- properties unescaped unless they are typed as TEXT (their default
    # type in RFC 5545 §3.8.8.2): case text with a newline would break the file.
    cal.add("x-wr-calname", vText(ics_text(f"{case.title}: {a_name}, {g_name}")))
    cal.add("x-wr-caldesc", vText(ics_text(
        f"Windows of opportunity for {a_name} on {g_name}"
        + (f" ({goal_note})" if goal_note else "")
        + (". No window in this horizon." if events.empty else "."))))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for r in events.itertuples(index=False):
        ev = Event()
        ev.add("uid", r.uid)
        ev.add("dtstamp", stamp)
        ev.add("sequence", 0)
        ev.add("dtstart", r.start.date())  # a date: VALUE=DATE, an all-day event
        ev.add("dtend", r.end.date() + dt.timedelta(days=1))  # exclusive (RFC 5545 §3.6.1)
        ev.add("summary", ics_text(r.summary))
        ev.add("description", ics_text(r.description))
        ev.add("categories", ["strategy-kit", {"prepare": "preparation", "moment": "moment"}
                              .get(r.kind, "window of opportunity")])
        if r.rrule:  # the moment's own rule, where it is exact (calendar.exact_rrule)
            ev.add("rrule", vRecur.from_ical(r.rrule))
        ev.add("transp", "TRANSPARENT")  # a day to note, not a busy day
        if alarm and r.kind == "prepare":
            al = Alarm()
            al.add("action", "DISPLAY")
            al.add("description", ics_text(r.summary))
            al.add("trigger", ALARM_AT, parameters={"RELATED": "START"})
            ev.add_component(al)
        cal.add_component(ev)
    return cal


def _write_atomic(path: Path, data: bytes) -> None:
    """The kit's one atomic writer (``files.atomic``): never a half-written file."""
    from .files.atomic import write_atomically

    write_atomically(path, data)


def write_calendar(case: str | Path | Case, audience: str, out: str | Path,
                   goal: str | None = None, start: DateLike = None,
                   days: int | str | None = None, threshold: object = None, *,
                   alarm: bool = True, allow_empty: bool = False) -> Path:
    """Write an audience's windows of opportunity as an iCalendar (``.ics``) file.

    Each window gives an all-day event for its days and an all-day reminder on the day its
    preparation must start (see :func:`calendar_events`), with a stable UID: importing a new
    export updates these events rather than duplicating them.

    Parameters
    ----------
    case
        A loaded case, or a case name or folder.
    audience
        An audience id.
    out
        The file to write; its name must end in ``.ics``. Folders are created; an existing
        file is replaced atomically.
    goal
        A goal id; by default the audience's best-fitting goal.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    threshold
        The window rule: None for the case's (``case.yaml`` ``windows:``), or as in
        ``find_windows`` (a number for an absolute threshold, ``"80%"`` for a share of the
        audience's peak).
    alarm
        Add an alarm at 09:00 on each preparation day.
    allow_empty
        Write a calendar without events when there is no window; by default that raises
        :class:`EmptyCalendarError`, saying why, and writes nothing.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    BadParameterError
        ``out`` does not end in ``.ics``, or a bad start, days or threshold; nothing is written.
    UnknownChoiceError
        An audience or goal the case does not have; nothing is written.
    EmptyCalendarError
        No window in the horizon (unless ``allow_empty``); nothing is written.
    """
    path = check_output_file(_check_out(out))  # before any work: exit 2 naming the path
    c = _case(case)
    events, goal_id, goal_note = _events(c, audience, goal, start, days, threshold)
    if events.empty and not allow_empty:
        raise EmptyCalendarError(_why_empty(c, audience, goal_id, start, days, threshold, path))
    cal = _calendar(c, events, audience, goal_id, goal_note, alarm)
    _write_atomic(path, cal.to_ical())
    return path
