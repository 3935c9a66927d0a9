"""Check the parameters a user gives (dates, horizons) at the boundary, with clear errors."""

from __future__ import annotations

import datetime as dt
import numbers
import re
from typing import TYPE_CHECKING

from .errors import BadParameterError

if TYPE_CHECKING:  # pandas is imported only when a Timestamp is made
    import pandas as pd

#: A date parameter: ISO text, a date, or a pandas Timestamp (a datetime, so a date too).
DateLike = str | dt.date | None


#: The dates the kit plans in: a date outside is a typo (0001-01-01, 20260-01-01), and the
#: engine's day arithmetic and pandas' timestamps (1677-2262) would fail on it later.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
DATE_RANGE = f"a date from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"

#: How reports, briefs and the explorer write a date: 1 Dec 2026 (``long_date``).
REPORT_DATE = "%-d %b %Y"

_DAYS = "a whole number of days from 1 to 3660 (0 or empty: the case's horizon)"


def check_date(value: object, name: str = "start") -> dt.date:
    """Return the date a parameter names; empty or None means today (standard library only)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return dt.date.today()
    day = _as_date(value)
    if day is not None:
        if not FIRST_DATE <= day <= LAST_DATE:
            raise BadParameterError(name, value, DATE_RANGE)
        return day
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        raise BadParameterError(name, value, "a date that exists in the calendar, YYYY-MM-DD")
    raise BadParameterError(name, value, "a date written YYYY-MM-DD, for example 2026-01-15")


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    return None


def parse_start(value: object, name: str = "start") -> pd.Timestamp:
    """Return the planning start as a midnight Timestamp; empty or None means today."""
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise BadParameterError(name, value, "a date written YYYY-MM-DD")
        check_date(value.date(), name)
        return value.normalize()
    return pd.Timestamp(check_date(value, name))


def parse_days(value: int | str | None, default: int, name: str = "days") -> int:
    """Return a horizon in days (1 to 3660); None or 0 means ``default``."""
    if not (value is None or isinstance(value, str | numbers.Number)):
        raise BadParameterError(name, value, _DAYS)  # a list or mapping: never str() it whole
    if value is None or value == "" or value == 0:
        return default
    try:
        days = int(value)
        if str(value).strip() != str(days) and not isinstance(value, int):
            raise ValueError
    except (TypeError, ValueError):
        raise BadParameterError(name, value, _DAYS) from None
    if not 1 <= days <= 3660:
        raise BadParameterError(name, value, _DAYS)
    return days


def long_date(v: object) -> str:
    """A date as a report writes it (1 Dec 2026); empty for a missing one (None, NaT, NaN)."""
    import pandas as pd

    return "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime(REPORT_DATE)
