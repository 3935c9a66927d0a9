"""When an audience is listening: attention kernels, timing curves, drivers and windows.

Implements method.md §Attention kernel and §Timing (the audience's, and a goal's). Windows of
opportunity are in ``windows``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from .matrices import (
    Horizon,
    Matrices,
    check_audiences,
    horizon,
    matrices,
    memo,
    to_dates,
)
from .occurrences import KERNEL_FLOOR, TAIL_HALF_LIVES, occurrences, recess_spans

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["KERNEL_FLOOR", "attention_drivers", "occurrences", "score_timing"]


#: A moment is listed behind a window when its pressure reaches this share of the peak.
DRIVER_SHARE = 0.1
_TAIL_HALF_LIVES = TAIL_HALF_LIVES


# -- kernels (method.md §Attention kernel) ----------------------------------------------------


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


def _noisy_or(p: np.ndarray, k: np.ndarray) -> np.ndarray:
    """1 − Πₘ (1 − p[..., m]·k[m, t]): pressures (…, M) and kernels (M, D) → timing (…, D)."""
    quiet = np.ones((*p.shape[:-1], k.shape[1]))
    for m in np.flatnonzero(k.any(axis=1)):  # a loop over moments only
        days = np.flatnonzero(k[m])
        lo, hi = days[0], days[-1] + 1
        quiet[..., lo:hi] *= 1.0 - p[..., m, None] * k[m, lo:hi]
    return np.clip(1.0 - quiet, 0.0, 1.0)


def pressures(mx: Matrices, goal: int | None = None) -> np.ndarray:
    """intensity_m · r(a, m), or · r(a, g, m) for a goal's timing: shape (A, M)."""
    rel = mx.relevance if goal is None else mx.goal_relevance[goal]
    return mx.intensity[None, :] * rel


def timing_matrix(case: Case, h: Horizon, goal: int | None = None) -> np.ndarray:
    """timing(a, t), or a goal's timing(a, g, t), for every audience and day: (A, D).

    method.md §Timing and §Timing for a goal.
    """
    def build() -> np.ndarray:
        mx = matrices(case)
        out = _noisy_or(pressures(mx, goal), kernels(case, h)) * recess_factor(case, h)
        out.flags.writeable = False
        return out
    return memo(case, ("timing", h.first, h.days, goal), build)


def recess_factor(case: Case, h: Horizon) -> np.ndarray:
    """Πᵣ (1 − intensity_r · [a named by r] · [t inside r]) for every audience and day: (A, D).

    A recess (kind ``recess``) lowers the attention of the audiences it names (all, when it
    names none) while it lasts, by its intensity (method.md §Recesses); 1 elsewhere.
    """
    def build() -> np.ndarray:
        mx = matrices(case)
        out = np.ones((len(mx.audiences), h.days))
        for m, s, e in recess_spans(mx, h.first, h.last):
            lo, hi = max(s, h.first) - h.first, min(e, h.last) - h.first + 1
            hit = mx.recess_reach[:, m]
            out[hit, lo:hi] *= 1.0 - float(mx.intensity[m])
        out.flags.writeable = False
        return out
    return memo(case, ("recess", h.first, h.days), build)


def candidate_days(k: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Of the breakpoint ``days``, those on which some audience's timing can peak.

    Timing grows with every kernel value, so a day whose kernels are all ≤ another day's
    can never be the strict peak: only the days on the Pareto front are kept. Exact.
    """
    active = k[k.any(axis=1)][:, days]
    if active.shape[0] == 0:
        return days[:1]
    cols, first = np.unique(active.T, axis=0, return_index=True)
    n = len(cols)
    if n * n * active.shape[0] > 50_000_000:  # too many to compare; still exact
        return np.sort(days[first])
    keep = np.ones(n, dtype=bool)
    for lo in range(0, n, 256):
        c = cols[lo:lo + 256]
        ge = (cols[None, :, :] >= c[:, None, :]).all(axis=2)
        gt = (cols[None, :, :] > c[:, None, :]).any(axis=2)
        keep[lo:lo + 256] = ~(ge & gt).any(axis=1)
    return np.sort(days[first[keep]])


#: Pairs (audience, goal) per block in goal_peaks, and (pair, day) entries per exact batch.
_PAIR_BLOCK = 8192
_EXACT_BATCH = 4_000_000


def _exact_peaks(p: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Peak timing and its first column, per row of pressures ``p`` (n, M), kernels (M, C).

    Exact, but computed only on the (row, day) entries that can hold the peak. With
    x = p·k(t) ≤ u = p_max < 1, −log(1 − x) = x + x²/2 + x³/3 + … ≤ x + x²/(2(1 − x))
    ≤ x·(1 + u/(2(1 − u))), so S(t) = Σₘ p·k(t) (one matrix product) bounds
    −log Πₘ(1 − p·k(t)) from above: a day whose bound is below the row's exact value on its
    best day by S cannot be the peak.
    """
    n = p.shape[0]
    peak, at = np.zeros(n), np.zeros(n, dtype=np.int64)
    kt = np.ascontiguousarray(k.T)  # (C, M): a day's kernels side by side, for gathers
    s1 = p.astype(np.float32) @ k.astype(np.float32)  # (n, C); bounds only, with a margin
    guess = s1.argmax(axis=1)
    quiet = np.prod(1.0 - p * kt[guess], axis=1)  # exact on each row's best day by S
    u = p.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        floor = -np.log(quiet)  # −log Π(1 − p·k) there: the peak is at least this
        factor = 1.0 + u / (2.0 * (1.0 - u))  # inf when a moment is certain: every day stays
        need = np.where(np.isfinite(factor), (floor - 1e-6) / (factor * (1 + 1e-4)), 0.0)
    keep = s1 >= np.maximum(need, 1e-12).astype(np.float32)[:, None]
    alive = quiet < 1.0
    peak[alive], at[alive] = 1.0 - quiet[alive], guess[alive]
    keep[np.arange(n), guess] = False  # known already
    flat = np.flatnonzero(keep)  # by row, then day
    if len(flat) == 0:
        return np.clip(peak, 0.0, 1.0), at
    rows, cols = np.divmod(flat, keep.shape[1])
    t = np.empty(len(rows))
    step = max(1, _EXACT_BATCH // max(1, p.shape[1]))
    for lo in range(0, len(rows), step):
        r, cc = rows[lo:lo + step], cols[lo:lo + step]
        t[lo:lo + step] = 1.0 - np.prod(1.0 - p[r] * kt[cc], axis=1)
    # a day beats the guess when it is higher, or as high and earlier (the first peak day)
    better = (t > peak[rows]) | ((t == peak[rows]) & (cols < at[rows]))
    rows, cols, t = rows[better], cols[better], t[better]
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        row_max = np.maximum.reduceat(t, starts)
        hit = t >= np.repeat(row_max, np.diff(np.r_[starts, len(rows)]))
        first = np.unique(rows[hit], return_index=True)[1]
        peak[rows[hit][first]] = t[hit][first]
        at[rows[hit][first]] = cols[hit][first]
    return np.clip(peak, 0.0, 1.0), at


def goal_peaks(case: Case, h: Horizon) -> tuple[np.ndarray, np.ndarray]:
    """Each audience's highest timing for each goal, and a day it is reached: (A, G) each.

    Computed on the days that can hold a peak only (method.md §Robustness: exact for the
    value), and there only where bounds allow a peak (``_exact_peaks``); the day is the first
    of those that reaches it, the horizon's first day when the peak is 0.
    """
    def build() -> tuple[np.ndarray, np.ndarray]:
        mx, k = matrices(case), kernels(case, h)
        if (recess_factor(case, h) < 1).any():  # recesses: every day, goal by goal (exact)
            return _peaks_with_recess(case, h)
        days = candidate_days(k, breakpoints(mx, h))
        kd = k[:, days]
        live = np.flatnonzero(kd.any(axis=1))
        n_a, n_g = len(mx.audiences), len(mx.goals)
        peak = np.zeros(n_a * n_g)
        at = np.zeros(n_a * n_g, dtype=np.int64)
        if len(live):
            p = (mx.intensity[live][None, None, :]
                 * mx.goal_relevance[:, :, live].transpose(1, 0, 2)).reshape(n_a * n_g, -1)
            for lo in range(0, len(p), _PAIR_BLOCK):
                peak[lo:lo + _PAIR_BLOCK], at[lo:lo + _PAIR_BLOCK] = _exact_peaks(
                    p[lo:lo + _PAIR_BLOCK], kd[live])
        peak = peak.reshape(n_a, n_g)
        day = np.where(peak > 0, h.first + days[at].reshape(n_a, n_g), h.first)
        for a in (peak, day):
            a.flags.writeable = False
        return peak, day
    return memo(case, ("goal_peaks", h.first, h.days), build)


def _peaks_with_recess(case: Case, h: Horizon) -> tuple[np.ndarray, np.ndarray]:
    """goal_peaks by timing every day of every goal, when a recess lowers some days."""
    n_g = len(matrices(case).goals)
    t = [timing_matrix(case, h, g) for g in range(n_g)]
    peak = np.stack([x.max(axis=1) for x in t], axis=1)
    at = np.stack([x.argmax(axis=1) for x in t], axis=1)
    day = np.where(peak > 0, h.first + at, h.first)
    for a in (peak, day):
        a.flags.writeable = False
    return peak, day


def pressure_of(mx: Matrices, k: np.ndarray, a: int, goal: int | None = None) -> np.ndarray:
    """intensity_m · r(a, m) · k_m(t) (or the goal's r(a, g, m)), shape (M, D)."""
    return pressures(mx, goal)[a][:, None] * k


# -- public functions -------------------------------------------------------------------------


def score_timing(case: Case, start: DateLike = None, days: int | str | None = None,
                 audiences: str | list[str] | None = None,
                 goal: str | None = None) -> pd.DataFrame:
    """Each audience's timing on each day of the horizon.

    timing(a, t) = 1 − Πₘ (1 − intensity_m · r(a, m) · k_m(t)), in [0, 1]
    (method.md §Timing); with a goal, r(a, g, m) counts only the interests through which the
    goal reaches the audience (method.md §Timing for a goal).

    Parameters
    ----------
    case
        A loaded case.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    audiences
        One audience id or a list; None for all.
    goal
        A goal id for the goal's timing; None (default) for the audience's attention to
        everything it cares about.

    Returns
    -------
    DataFrame
        ``date, audience, timing``, one row per audience and day, audience by audience.
    """
    ids = check_audiences(case, audiences)
    h = horizon(case, start, days)
    mx = matrices(case)
    g = None if goal is None else mx.goals.get_loc(case.check("goal", goal))
    rows = mx.audiences.get_indexer(ids)
    t = timing_matrix(case, h, g)[rows]
    return pd.DataFrame({
        "date": np.tile(to_dates(h.grid), len(ids)),
        "audience": pd.array(np.repeat(np.asarray(ids, dtype=object), h.days), dtype="str"),
        "timing": t.ravel(),
    })


def attention_drivers(case: Case, audience: str, start: DateLike = None,
                      days: int | str | None = None, goal: str | None = None) -> pd.DataFrame:
    """The moments behind an audience's timing: each moment's pressure on each day.

    pressure(a, m, t) = intensity_m · r(a, m) · k_m(t) (method.md §Timing); with a goal,
    r(a, g, m) instead (method.md §Timing for a goal).

    Parameters
    ----------
    case
        A loaded case.
    audience
        An audience id.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    goal
        A goal id for the goal's pressures; None for the audience's.

    Returns
    -------
    DataFrame
        ``date, moment, moment_name, kind, pressure``, rows with pressure above 0 only,
        sorted by date, then by pressure (highest first).
    """
    a = case.check("audience", audience)
    h = horizon(case, start, days)
    mx = matrices(case)
    g = None if goal is None else mx.goals.get_loc(case.check("goal", goal))
    p = pressure_of(mx, kernels(case, h), mx.audiences.get_loc(a), g)
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


