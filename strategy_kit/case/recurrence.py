"""How a moment recurs: the keywords ``none`` and ``yearly``, or an RFC 5545 rule.

A rule such as ``FREQ=YEARLY;BYMONTH=2;BYDAY=2FR`` (the second Friday of February) is read
and expanded by python-dateutil's ``rrule``; ``yearly`` keeps its meaning of the same calendar
day every year (29 February → 28 February in other years). docs/method.md §Recurrence.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dateutil.rrule import rrule, rrulestr

__all__ = ["KEYWORDS", "is_rule", "rule_problem", "starts_between"]

KEYWORDS = ("none", "yearly")
#: Whole days only: a moment is an all-day event, so no rule may recur within a day.
FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYYEARDAY",
          "BYWEEKNO", "BYDAY", "BYSETPOS", "WKST")
ALLOWED = ("none, yearly, or an RFC 5545 rule of whole days such as "
           "FREQ=YEARLY;BYMONTH=2;BYDAY=2FR (the second Friday of February)")


def is_rule(text: str) -> bool:
    """True when ``text`` is written as an RFC 5545 rule (``KEY=VALUE;…``), not a keyword."""
    return "=" in text


def rule_problem(text: str) -> str | None:
    """Why ``text`` is not a recurrence the kit reads, or None when it is."""
    t = text.strip()
    if t in KEYWORDS:
        return None
    if not is_rule(t):
        return "not a recurrence"
    parts = [p for p in t.upper().removeprefix("RRULE:").split(";") if p]
    names = [p.split("=", 1)[0] for p in parts]
    unknown = [n for n in names if n not in _PARTS]
    if unknown:
        return f"'{unknown[0]}' is not a part of a rule of whole days"
    freq = dict(p.split("=", 1) for p in parts if "=" in p).get("FREQ")
    if freq not in FREQUENCIES:
        return "FREQ must be YEARLY, MONTHLY, WEEKLY or DAILY"
    try:
        r = _rule(t.upper().removeprefix("RRULE:"), dt.date(2000, 1, 1))
        if r.after(dt.datetime(2000, 1, 1), inc=True) is None:
            return "the rule gives no date at all (a month above 12, a 31 February?)"
    except (ValueError, TypeError, KeyError, IndexError) as e:
        return f"not a valid RFC 5545 rule ({e})"
    return None


@lru_cache(maxsize=512)
def _rule(text: str, start: dt.date) -> rrule:
    r = rrulestr(text, dtstart=dt.datetime.combine(start, dt.time()), forceset=False)
    if not isinstance(r, rrule):  # pragma: no cover - forceset=False with one RRULE
        raise ValueError("one RRULE only")
    return r


def _shift_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a year without one: the 28th
        return d.replace(year=d.year + years, day=28)


def starts_between(recurrence: str, start: dt.date, lo: dt.date, hi: dt.date) -> list[dt.date]:
    """The occurrences' first days in [lo, hi] of a moment first held on ``start``.

    ``none``: the listed date only. ``yearly``: the same calendar day each year from
    ``start`` on. A rule: its occurrences from ``start`` on (DTSTART), as dateutil expands
    them; the listed date itself counts only when the rule produces it.
    """
    rec = recurrence.strip()
    if rec == "none":
        return [start] if lo <= start <= hi else []
    if rec == "yearly":
        first = max(0, lo.year - start.year - 1)
        out = []
        for n in range(first, max(first, hi.year - start.year + 1) + 1):
            d = _shift_years(start, n)
            if lo <= d <= hi:
                out.append(d)
        return out
    r = _rule(rec.upper().removeprefix("RRULE:"), start)
    begin, end = (dt.datetime.combine(d, dt.time()) for d in (max(lo, start), hi))
    return [x.date() for x in r.between(begin, end, inc=True)]
