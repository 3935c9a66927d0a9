"""When an audience is listening: attention kernels, timing curves, drivers and windows.

Implements method.md §Attention kernel, §Timing and §Windows of opportunity.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from .matrices import (
    Horizon,
    Matrices,
    check_audiences,
    check_threshold,
    horizon,
    matrices,
    memo,
    to_dates,
)

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["attention_drivers", "find_windows", "score_timing"]

#: Attention below this is back at baseline: the decay tail is cut there, after
#: log2(1000) ≈ 10 half-lives (method.md §Attention kernel).
KERNEL_FLOOR = 1e-3
_TAIL_HALF_LIVES = math.log2(1 / KERNEL_FLOOR)
#: A moment is listed behind a window when its pressure reaches this share of the peak.
DRIVER_SHARE = 0.1
_DAYS_PER_YEAR = 365.2425


# -- kernels (method.md §Attention kernel) ----------------------------------------------------


def _shift_years(day: int, years: int) -> int:
    d = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
    try:
        moved = d.replace(year=d.year + years)
    except ValueError:  # 29 February in a year without one: the 28th
        moved = d.replace(year=d.year + years, day=28)
    return (moved - dt.date(1970, 1, 1)).days


def occurrences(mx: Matrices, first: int, last: int) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    """Every occurrence that can put attention on a day in [first, last].

    Returns (moment index, start day, end day), sorted by moment. A yearly moment recurs on
    the same calendar day from its first ``start`` on; the occurrences include the previous
    years' whose decay tail still reaches ``first`` (method.md §Attention kernel).
    """
    rows: list[tuple[int, int, int]] = []
    for m in range(len(mx.moments)):  # a loop over moments and years only
        s, e = int(mx.moment_start[m]), int(mx.moment_end[m])
        if not mx.yearly[m]:
            rows.append((m, s, e))
            continue
        reach = (e - s) + _TAIL_HALF_LIVES * mx.half_life[m] + 2  # hold + tail, in days
        n_lo = max(0, math.floor((first - s - reach) / _DAYS_PER_YEAR) - 1)
        n_hi = max(0, math.ceil((last + mx.lead[m] - s) / _DAYS_PER_YEAR) + 1)
        rows.extend((m, sn, sn + (e - s))
                    for sn in (_shift_years(s, n) for n in range(n_lo, n_hi + 1)))
    out = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return out[:, 0], out[:, 1], out[:, 2]


def _kernel_matrix(mx: Matrices, h: Horizon) -> np.ndarray:
    """Return k_m(t) for every moment and day of the horizon, shape (M, D).

    method.md §Attention kernel.
    """
    m_idx, s, e = occurrences(mx, h.first, h.last)
    out = np.zeros((len(mx.moments), h.days))
    if len(m_idx) == 0:
        return out
    t = h.grid[None, :].astype(float)
    s, e = s[:, None].astype(float), e[:, None].astype(float)
    lead = mx.lead[m_idx][:, None]
    half = mx.half_life[m_idx][:, None]
    # a crisis is not foreseen: no ramp; an event or anniversary ramps up over lead_days
    ramps = (mx.moment_kinds[m_idx] != "crisis")[:, None] & (lead > 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ramp = np.where(ramps, np.clip(1.0 + (t - s) / lead, 0.0, 1.0), 0.0)
    decay = np.exp2(-np.maximum(t - e, 0.0) / half)
    decay[decay < KERNEL_FLOOR] = 0.0  # the tail ends: attention is back at baseline
    k = np.where(t < s, ramp, np.where(t <= e, 1.0, decay))
    # the attention a moment draws is the strongest of its occurrences' on that day
    np.maximum.at(out, m_idx, k)
    return out


def breakpoints(mx: Matrices, h: Horizon) -> np.ndarray:
    """Days (offsets into the horizon) on which timing can peak, whatever the pressures.

    Between two consecutive breakpoints every occurrence's kernel keeps one form (0, a
    linear ramp, 1, an exponential decay), so each log(1 − p·k_m(t)) is concave in t, and
    so is their sum, log Πₘ(1 − p·k_m(t)), even where a moment's kernel is the larger of two
    occurrences' (a minimum of concave functions). A concave function is lowest at an end
    of the stretch: timing is highest on a breakpoint (method.md §Robustness).
    """
    m_idx, s, e = occurrences(mx, h.first, h.last)
    lead, half = mx.lead[m_idx], mx.half_life[m_idx]
    ramp = s - np.ceil(lead)
    cut = e + np.floor(half * _TAIL_HALF_LIVES)  # the tail's last day, give or take one
    points = np.concatenate([ramp - 1, ramp, s - np.floor(lead), s - 1, s, e, e + 1,
                             cut - 1, cut, cut + 1, cut + 2]) - h.first
    points = points[(points >= 0) & (points < h.days)].astype(np.int64)
    return np.unique(np.concatenate([points, [0, h.days - 1]]))


def kernels(case: Case, h: Horizon) -> np.ndarray:
    """The kernel matrix (M, D) of a horizon, cached per case."""
    def build() -> np.ndarray:
        k = _kernel_matrix(matrices(case), h)
        k.flags.writeable = False
        return k
    return memo(case, ("kernels", h.first, h.days), build)


def timing_matrix(case: Case, h: Horizon) -> np.ndarray:
    """timing(a, t) for every audience and day, shape (A, D) (method.md §Timing)."""
    def build() -> np.ndarray:
        mx, k = matrices(case), kernels(case, h)
        p = mx.intensity[None, :] * mx.relevance  # (A, M): the pressure at full attention
        quiet = np.ones((len(mx.audiences), h.days))  # Πₘ (1 − pressure)
        for m in np.flatnonzero(k.any(axis=1)):  # a loop over moments only
            days = np.flatnonzero(k[m])
            lo, hi = days[0], days[-1] + 1
            quiet[:, lo:hi] *= 1.0 - p[:, m, None] * k[m, None, lo:hi]
        out = np.clip(1.0 - quiet, 0.0, 1.0)
        out.flags.writeable = False
        return out
    return memo(case, ("timing", h.first, h.days), build)


def peak_timing(case: Case, h: Horizon) -> tuple[np.ndarray, np.ndarray]:
    """Each audience's highest timing in the horizon and the first day it is reached."""
    t = timing_matrix(case, h)
    at = t.argmax(axis=1)
    return t[np.arange(len(at)), at], h.first + at


def _pressure(mx: Matrices, k: np.ndarray, a: int) -> np.ndarray:
    """intensity_m · r(a, m) · k_m(t), shape (M, D)."""
    return (mx.intensity * mx.relevance[a])[:, None] * k


# -- public functions -------------------------------------------------------------------------


def score_timing(case: Case, start: DateLike = None, days: int | str | None = None,
                 audiences: str | list[str] | None = None) -> pd.DataFrame:
    """Each audience's timing on each day of the horizon.

    timing(a, t) = 1 − Πₘ (1 − intensity_m · r(a, m) · k_m(t)), in [0, 1]
    (method.md §Timing).

    Parameters
    ----------
    case
        A loaded case.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    audiences
        One audience id or a list; None for all.

    Returns
    -------
    DataFrame
        ``date, audience, timing``, one row per audience and day, audience by audience.
    """
    ids = check_audiences(case, audiences)
    h = horizon(case, start, days)
    mx = matrices(case)
    rows = mx.audiences.get_indexer(ids)
    t = timing_matrix(case, h)[rows]
    return pd.DataFrame({
        "date": np.tile(to_dates(h.grid), len(ids)),
        "audience": pd.array(np.repeat(np.asarray(ids, dtype=object), h.days), dtype="str"),
        "timing": t.ravel(),
    })


def attention_drivers(case: Case, audience: str, start: DateLike = None,
                      days: int | str | None = None) -> pd.DataFrame:
    """The moments behind an audience's timing: each moment's pressure on each day.

    pressure(a, m, t) = intensity_m · r(a, m) · k_m(t) (method.md §Timing).

    Parameters
    ----------
    case
        A loaded case.
    audience
        An audience id.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).

    Returns
    -------
    DataFrame
        ``date, moment, moment_name, kind, pressure``, rows with pressure above 0 only,
        sorted by date, then by pressure (highest first).
    """
    a = case.check("audience", audience)
    h = horizon(case, start, days)
    mx = matrices(case)
    p = _pressure(mx, kernels(case, h), mx.audiences.get_loc(a))
    m, d = np.nonzero(p)
    values = p[m, d]
    order = np.lexsort((-values, d))
    m, d, values = m[order], d[order], values[order]
    return pd.DataFrame({
        "date": to_dates(h.first + d),
        "moment": pd.array(mx.moments.to_numpy(object)[m], dtype="str"),
        "moment_name": pd.array(mx.moment_names[m], dtype="str"),
        "kind": pd.array(mx.moment_kinds[m], dtype="str"),
        "pressure": values,
    })


WINDOW_COLUMNS = ["audience", "start", "end", "peak_date", "peak", "moments", "moment_names",
                  "lead_days", "prepare_by"]


def windows_of(case: Case, a: int, h: Horizon, threshold: float) -> pd.DataFrame:
    """find_windows for the audience at row ``a``, parameters already checked."""
    mx = matrices(case)
    t = timing_matrix(case, h)[a]
    on = np.concatenate(([0], (t >= threshold).astype(np.int8), [0]))
    edges = np.diff(on)
    lo, hi = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # runs [lo, hi)
    rows = []
    if len(lo):
        p = _pressure(mx, kernels(case, h), a)
        for s, e in zip(lo, hi, strict=True):
            peak = s + int(t[s:e].argmax())
            main = int(p[:, peak].argmax())
            most = p[:, s:e].max(axis=1)
            behind = np.flatnonzero(most >= DRIVER_SHARE * t[peak])
            behind = [main] + [int(m) for m in behind[np.argsort(-most[behind], kind="stable")]
                               if m != main]
            lead = float(mx.lead[main])
            rows.append((h.first + s, h.first + e - 1, h.first + peak, float(t[peak]),
                         tuple(str(mx.moments[m]) for m in behind),
                         tuple(str(mx.moment_names[m]) for m in behind), lead,
                         h.first + s - math.ceil(lead)))
    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    return pd.DataFrame({
        "audience": pd.array([str(mx.audiences[a])] * len(rows), dtype="str"),
        "start": to_dates(np.array(cols[0], dtype=np.int64)),
        "end": to_dates(np.array(cols[1], dtype=np.int64)),
        "peak_date": to_dates(np.array(cols[2], dtype=np.int64)),
        "peak": np.array(cols[3], dtype=float),
        "moments": pd.Series(list(cols[4]), dtype=object),
        "moment_names": pd.Series(list(cols[5]), dtype=object),
        "lead_days": np.array(cols[6], dtype=float),
        "prepare_by": to_dates(np.array(cols[7], dtype=np.int64)),
    })


def find_windows(case: Case, audience: str, start: DateLike = None,
                 days: int | str | None = None, threshold: float = 0.5) -> pd.DataFrame:
    """Windows of opportunity: runs of days on which the audience's timing ≥ ``threshold``.

    Outreach for a window should start ``lead_days`` before it, the lead of the main moment
    behind it (method.md §Windows of opportunity).

    Parameters
    ----------
    case
        A loaded case.
    audience
        An audience id.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    threshold
        The timing a day needs to belong to a window, above 0 and at most 1.

    Returns
    -------
    DataFrame
        ``audience, start, end`` (inclusive), ``peak_date, peak`` (highest timing),
        ``moments, moment_names`` (tuples, main moment first), ``lead_days`` (the main
        moment's) and ``prepare_by`` (start − lead_days), one row per window, by date.
    """
    a = case.check("audience", audience)
    thr = check_threshold(threshold)
    h = horizon(case, start, days)
    return windows_of(case, matrices(case).audiences.get_loc(a), h, thr)
