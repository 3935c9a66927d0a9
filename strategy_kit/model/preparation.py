"""When to start preparing for each window: one rule for the report and the calendar.

Implements method.md §Preparation. A window's preparation starts at the earliest of its main
moment's lead and the leads of the formats recommended for it; a date already past is
"late — start now", on the plan's first day, never a date before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from .matrices import day_numbers, horizon, matrices, to_dates
from .occurrences import is_confirmed
from .recommend import recommend_formats
from .timing import occurrences
from .windows import window_rule, windows_of
from .workdays import holiday_name, next_workday, previous_workday

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["FormatPlan", "lead_windows", "plan_preparation"]

#: How many recommended formats a window's preparation considers.
TOP_FORMATS = 3


@dataclass(frozen=True)
class FormatPlan:
    """One recommended format for a window, with the day its preparation must start."""

    name: str
    fit: float
    effort: str
    tied_to: str  # the tied moment's name, "" when untied
    prepare_by: pd.Timestamp  # NaT for a format with no dated occasion: any time
    anchor: str  # why that day: "90 days before …", or "any time: …"
    late: bool  # prepare_by is before the plan's first day


def _day(day: int) -> pd.Timestamp:
    return pd.Timestamp(to_dates(np.array([day], dtype=np.int64))[0])


def _iso(day: int) -> str:
    return _day(day).date().isoformat()


def occurrence_near(case: Case, moment: str, first: int, last: int, near: int) -> int:
    """The start (day number) of the moment's occurrence behind the days [first, last]."""
    mx = matrices(case)
    j = mx.moments.get_loc(moment)
    idx, starts, _ = occurrences(mx, first, last)
    mine = starts[idx == j]
    if len(mine) == 0:
        return int(mx.moment_start[j])
    return int(mine[np.argmin(np.abs(mine - near))])


def workday_before(case: Case, day: int, reason: str) -> tuple[int, str]:
    """The working day on or before ``day`` (method.md §Working days), and the reason.

    The reason says so when the day moved.
    """
    moved = previous_workday(case, day)
    if moved == day:
        return day, reason
    return moved, f"{reason}; moved from {_iso(day)}, {holiday_name(case, day)}, to the " \
                  "previous working day"


def _formats(case: Case, formats: pd.DataFrame, moments: tuple[str, ...], first: int,
             last: int, peak: int, plan_first: int) -> list[FormatPlan]:
    """The top formats for one window: untied, or tied to a moment behind it (fit > 0).

    A tied format is timed by that moment's occurrence behind the window, an untied one by
    the window's start (method.md §Formats).
    """
    usable = formats[(formats["fit"] > 0)
                     & ((formats["moment"] == "") | formats["moment"].isin(moments))]
    out = []
    for f in usable.head(TOP_FORMATS).itertuples(index=False):
        lead = math.ceil(float(f.lead_days))
        if not f.moment:  # no dated occasion: any time, never an invented date
            out.append(FormatPlan(str(f.name), float(f.fit), str(f.effort), "", pd.NaT,
                                  f"any time: no dated occasion ({lead} days of preparation)",
                                  False))
            continue
        if f.moment:
            day = occurrence_near(case, str(f.moment), first, last, peak)
            anchor = f"{lead} days before {f.moment_name} ({_iso(day)})"
        else:
            day = first
            anchor = f"{lead} days before the window opens"
        when, anchor = workday_before(case, day - lead, anchor)
        out.append(FormatPlan(str(f.name), float(f.fit), str(f.effort), str(f.moment_name),
                              _day(when), anchor, when < plan_first))
    return out


def plan_preparation(case: Case, audience: str, goal: str, start: DateLike = None,
                     days: int | str | None = None, threshold: object = None) -> pd.DataFrame:
    """Each window of the audience for the goal, with the day its preparation must start.

    Parameters
    ----------
    case
        A loaded case.
    audience, goal
        Ids from the case.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    threshold
        The window rule: None for the case's, or as in ``find_windows``.

    Returns
    -------
    DataFrame
        ``audience, goal, start, end, peak_date, peak, moments, moment_names`` (as in
        ``find_windows`` for the goal), ``occurrence`` (the start of the main moment's
        occurrence behind the window), ``prepare_by`` (the earliest of start − the main
        moment's lead and each listed format's date, on a working day), ``prepare_on``
        (``prepare_by``, or the plan's first working day when that has passed), ``late``,
        ``reason`` (why that day: which lead time, and any move to a working day),
        ``formats`` (a tuple of :class:`FormatPlan`), ``estimated`` (the names of the moments
        behind the window whose date is an estimate, not confirmed) and ``recesses`` (names
        of recesses the window falls in for this audience), one row per window by date.
    """
    a = case.check("audience", audience)
    g = case.check("goal", goal)
    h = horizon(case, start, days)
    mx = matrices(case)
    w = windows_of(case, mx.audiences.get_loc(a), h, window_rule(case, threshold),
                   mx.goals.get_loc(g))
    formats = recommend_formats(case, a, g, start=h.start, days=h.days)
    rows = []
    for r in w.itertuples(index=False):
        first, last = (int(day_numbers(np.array([d]))[0]) for d in (r.start, r.end))
        peak = int(day_numbers(np.array([r.peak_date]))[0])
        main, main_name = str(r.moments[0]), str(r.moment_names[0])
        fmts = _formats(case, formats, r.moments, first, last, peak, h.first)
        lead = math.ceil(float(r.lead_days))
        prepare, reason = workday_before(
            case, first - lead, f"{lead} days before the window opens, the lead of {main_name}")
        for f in fmts:
            if pd.isna(f.prepare_by):
                continue  # "any time": it moves no date
            day = int(day_numbers(np.array([f.prepare_by.to_datetime64()]))[0])
            if day < prepare:
                prepare, reason = day, f"{f.anchor}, for {f.name}"
        occ = occurrence_near(case, main, first, last, peak)
        estimated = tuple(
            str(n) for m, n in zip(r.moments, r.moment_names, strict=True)
            if not is_confirmed(mx, mx.moments.get_loc(m),
                                occurrence_near(case, str(m), first, last, peak)))
        on = prepare if prepare >= h.first else next_workday(case, h.first)
        rows.append((first, last, peak, r.peak, r.moments, r.moment_names, occ, prepare,
                     on, prepare < h.first, reason, tuple(fmts), estimated,
                     tuple(r.recesses)))
    cols = list(zip(*rows, strict=True)) if rows else [()] * 14
    day = [to_dates(np.array(cols[i], dtype=np.int64)) for i in range(12)
           if i in (0, 1, 2, 6, 7, 8)]
    return pd.DataFrame({
        "audience": pd.array([a] * len(rows), dtype="str"),
        "goal": pd.array([g] * len(rows), dtype="str"),
        "start": day[0], "end": day[1], "peak_date": day[2],
        "peak": np.array(cols[3], dtype=float),
        "moments": pd.Series(list(cols[4]), dtype=object),
        "moment_names": pd.Series(list(cols[5]), dtype=object),
        "occurrence": day[3], "prepare_by": day[4], "prepare_on": day[5],
        "late": np.array(cols[9], dtype=bool),
        "reason": pd.array(list(cols[10]), dtype="str"),
        "formats": pd.Series(list(cols[11]), dtype=object),
        "estimated": pd.Series(list(cols[12]), dtype=object),
        "recesses": pd.Series(list(cols[13]), dtype=object),
    })


def lead_windows(plan: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    """The window to lead with, and the strongest of the horizon (method.md §Preparation).

    The first is the earliest window not yet over, whose preparation can still start in time
    or is late (start now); the second the one with the highest peak attention (the earliest
    of equals). Both None without a window; the same row when the next is also the strongest.
    """
    if plan.empty:
        return None, None
    nxt = plan.sort_values(["start", "peak"], ascending=[True, False], kind="stable").iloc[0]
    best = plan.sort_values(["peak", "start"], ascending=[False, True], kind="stable").iloc[0]
    return nxt, best
