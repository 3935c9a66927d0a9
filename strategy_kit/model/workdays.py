"""Working days: the one rule report, brief and calendar use to place a preparation date.

A working day is Monday to Friday and not a public holiday of any country the case names
(``case.yaml`` ``workdays: {countries: [LT, PL, DE]}``), as the ``holidays`` package lists
them. A preparation start or reminder that falls on another day moves to the previous working
day (method.md §Working days).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["holiday_name", "is_workday", "next_workday", "previous_workday"]

_EPOCH = dt.date(1970, 1, 1)
#: Never search further than this for a working day (a calendar with no working day at all).
_MAX_STEPS = 60


@lru_cache(maxsize=256)
def _holidays(countries: tuple[str, ...], year: int) -> dict[dt.date, str]:
    if not countries:
        return {}
    import holidays  # large: only when a case names countries

    out: dict[dt.date, str] = {}
    for code in countries:
        for day, name in holidays.country_holidays(code, years=year).items():
            out.setdefault(day, f"{name} ({code})")
    return out


def _as_date(day: int | dt.date) -> dt.date:
    return day if isinstance(day, dt.date) else _EPOCH + dt.timedelta(days=int(day))


def holiday_name(case: Case, day: int | dt.date) -> str | None:
    """Why ``day`` is not a working day ("Saturday", a holiday's name), or None when it is."""
    d = _as_date(day)
    if d.weekday() >= 5:
        return d.strftime("%A")
    return _holidays(tuple(case.workday_countries), d.year).get(d)


def is_workday(case: Case, day: int | dt.date) -> bool:
    """Monday to Friday and no public holiday of the case's countries."""
    return holiday_name(case, day) is None


def previous_workday(case: Case, day: int) -> int:
    """``day`` (a day number) if it is a working day, else the working day before it."""
    for step in range(_MAX_STEPS):
        if is_workday(case, day - step):
            return int(day - step)
    return int(day)


def next_workday(case: Case, day: int) -> int:
    """``day`` if it is a working day, else the next one (a date that cannot be earlier)."""
    for step in range(_MAX_STEPS):
        if is_workday(case, day + step):
            return int(day + step)
    return int(day)
