"""When each moment happens: its occurrences by its rule, and which dates are confirmed.

A moment recurs by its ``recurrence`` (``none``, ``yearly`` or an RFC 5545 rule, expanded by
``case/recurrence.py``); a multi-day moment keeps its length. ``moment_dates.csv`` lists
confirmed dates of particular years: such a date replaces the rule's estimate of that year.
Every other occurrence is an estimate, except the date listed in ``moments.csv`` itself and
a ``yearly`` anniversary, whose calendar day is known (method.md §Recurrence and confirmed
dates).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np

from ..case.recurrence import starts_between

if TYPE_CHECKING:
    from .matrices import Matrices

__all__ = ["KERNEL_FLOOR", "TAIL_HALF_LIVES", "exact_rrule", "is_confirmed", "occurrence_table",
           "occurrences", "recess_spans"]

#: Attention below this is back at baseline: the decay tail is cut there, after
#: log2(1000) ≈ 10 half-lives (method.md §Attention kernel).
KERNEL_FLOOR = 1e-3
TAIL_HALF_LIVES = math.log2(1 / KERNEL_FLOOR)
_EPOCH = dt.date(1970, 1, 1)


def _date(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day))


def _num(d: dt.date) -> int:
    return (d - _EPOCH).days


def _moment_rows(mx: Matrices, m: int, first: int, last: int) -> list[tuple[int, int, int, bool]]:
    """(moment, start, end, confirmed) of moment ``m`` that can reach [first, last]."""
    s, e = int(mx.moment_start[m]), int(mx.moment_end[m])
    length = e - s
    reach = length + TAIL_HALF_LIVES * mx.half_life[m] + 2  # hold + tail, in days
    lo = _date(max(-700_000, int(first - reach - 1)))
    hi = _date(min(2_900_000, int(last + mx.lead[m] + 400)))
    confirmed = mx.confirmed[m]
    years = {_date(cs).year for cs, _ in confirmed}
    rows = []
    for d in starts_between(str(mx.recurrence[m]), _date(s), lo, hi):
        if d.year in years:
            continue  # the organisers' date of that year replaces the estimate
        sn = _num(d)
        rows.append((m, sn, sn + length, sn == s))
    rows.extend((m, cs, ce, True) for cs, ce in confirmed if lo <= _date(cs) <= hi)
    return sorted(rows)


def occurrence_table(mx: Matrices, first: int,
                     last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every occurrence that can put attention on a day in [first, last].

    Returns (moment index, start day, end day, confirmed), sorted by moment then start. An
    undated moment (a kind of crisis to prepare for) and a recess have no attention of
    their own and no occurrence here; recesses are in :func:`recess_spans`.
    """
    key = ("occ", first, last)
    cached = mx.memo.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    rows: list[tuple[int, int, int, bool]] = []
    for m in range(len(mx.moments)):  # a loop over moments only
        if mx.dated[m] and not mx.recess[m]:
            rows.extend(_moment_rows(mx, m, first, last))
    out = np.array([r[:3] for r in rows], dtype=np.int64).reshape(-1, 3)
    conf = np.array([r[3] for r in rows], dtype=bool)
    result = (out[:, 0], out[:, 1], out[:, 2], conf)
    for a in result:
        a.flags.writeable = False
    mx.memo[key] = result
    return result


def occurrences(mx: Matrices, first: int, last: int) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    """(moment index, start day, end day) of :func:`occurrence_table`."""
    idx, s, e, _ = occurrence_table(mx, first, last)
    return idx, s, e


def recess_spans(mx: Matrices, first: int, last: int) -> list[tuple[int, int, int]]:
    """(moment index, first day, last day) of every recess overlapping [first, last]."""
    out = []
    for m in np.flatnonzero(mx.recess & mx.dated):
        for _, s, e, _c in _moment_rows(mx, int(m), first, last):
            if e >= first and s <= last:
                out.append((int(m), s, e))
    return out


def is_confirmed(mx: Matrices, m: int, start: int) -> bool:
    """Whether the occurrence of moment ``m`` starting on day ``start`` is a confirmed date."""
    if start == int(mx.moment_start[m]) or str(mx.recurrence[m]) == "none":
        return True
    if mx.moment_kinds[m] == "anniversary" and str(mx.recurrence[m]) == "yearly":
        return True  # the same calendar day every year: nothing to confirm
    return any(cs == start for cs, _ in mx.confirmed[m])


def exact_rrule(mx: Matrices, m: int, start: int) -> str:
    """Moment ``m``'s rule as an RFC 5545 RRULE from its occurrence on ``start``, or "".

    "" when the rule is not exact: a confirmed date replaces one of its later estimates, or a
    ``yearly`` moment on 29 February (the kit moves it to the 28th, RRULE skips the year).
    """
    rec = str(mx.recurrence[m])
    if rec == "none" or any(cs >= start for cs, _ in mx.confirmed[m]):
        return ""
    if rec == "yearly":
        d = _date(start)
        return "" if (d.month, d.day) == (2, 29) else "FREQ=YEARLY"
    return rec.upper().removeprefix("RRULE:")
