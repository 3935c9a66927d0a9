"""Check the parameters a user gives (dates, horizons) at the boundary, with clear errors."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .errors import BadParameterError

DateLike = str | dt.date | pd.Timestamp | None


def parse_start(value: DateLike, name: str = "start") -> pd.Timestamp:
    """Return the planning start as a midnight Timestamp; empty or None means today."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return pd.Timestamp(dt.date.today())
    if isinstance(value, pd.Timestamp):
        return value.normalize()
    if isinstance(value, dt.date):
        return pd.Timestamp(value).normalize()
    if isinstance(value, str):
        try:
            return pd.Timestamp(dt.date.fromisoformat(value.strip()))
        except ValueError:
            pass
    raise BadParameterError(name, value, "a date written YYYY-MM-DD, for example 2026-01-15")


def parse_days(value: int | str | None, default: int, name: str = "days") -> int:
    """Return a horizon in days (1 to 3660); None or 0 means ``default``."""
    if value is None or value == "" or value == 0:
        return default
    try:
        days = int(value)
        if str(value).strip() != str(days) and not isinstance(value, int):
            raise ValueError
    except (TypeError, ValueError):
        raise BadParameterError(name, value, "a whole number of days from 1 to 3660") from None
    if not 1 <= days <= 3660:
        raise BadParameterError(name, value, "a whole number of days from 1 to 3660")
    return days
