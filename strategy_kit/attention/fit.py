"""Spikes and half-lives of measured attention.

The method is described in ``docs/attention.md``; the section names in comments below refer to it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import BadParameterError
from ..params import DateLike, parse_start

__all__ = ["FIT_DAYS", "MIN_PEAK", "find_spikes", "fit_half_life", "spike_half_lives"]

_MAX_HALF_LIFE = 3650.0  # days; a fit at this bound means the attention did not decay
#: The most days after a peak that a half-life is fitted on: news attention decays
#: exponentially for about the first one to two weeks only, then more slowly (docs/attention.md,
#: "Half-lives": Igarashi et al. 2022; Prieto Curiel et al. 2019).
FIT_DAYS = 14
#: A spike whose peak is below this fraction of the series' highest value is ignored: on a
#: zero baseline one stray story would otherwise be a spike.
MIN_PEAK = 0.02
_SPIKE_COLUMNS = ["start", "peak_date", "peak_share", "baseline", "end", "peak_ratio"]


# --- spikes (docs/attention.md, "Spikes") -------------------------------------------------------


def _share(series: pd.DataFrame | pd.Series) -> pd.Series:
    """Return the share as a float Series on a gap-free daily DatetimeIndex."""
    allowed = "a frame with columns 'date' and 'share' (as load_attention returns) or a Series"
    if isinstance(series, pd.DataFrame):
        missing = [c for c in ("date", "share") if c not in series.columns]
        if missing:
            raise BadParameterError("series", f"a frame without {missing}", allowed)
        share = pd.Series(series["share"].to_numpy(), index=pd.DatetimeIndex(series["date"]))
    elif isinstance(series, pd.Series):
        try:
            share = pd.Series(series.to_numpy(), index=pd.DatetimeIndex(series.index))
        except (TypeError, ValueError):
            raise BadParameterError("series", "a Series not indexed by dates", allowed) from None
    else:
        raise BadParameterError("series", type(series).__name__, allowed)
    share = pd.to_numeric(share, errors="coerce").astype("float64")
    share.index = share.index.normalize()
    share = share.groupby(level=0).mean().sort_index()
    if share.notna().sum() == 0:
        raise BadParameterError("series", "no share values", allowed + " with shares")
    full = pd.date_range(share.index.min(), share.index.max(), freq="D")
    return share.reindex(full).interpolate("linear", limit_direction="both")


def find_spikes(
    series: pd.DataFrame | pd.Series,
    min_ratio: float = 2.0,
    k: float = 4.0,
    window: int = 28,
    min_days: int = 7,
    gap: int = 1,
    min_share: float = 0.0,
    min_peak: float = MIN_PEAK,
) -> pd.DataFrame:
    """Find spikes of attention above a robust baseline.

    The baseline of a day is the median share of the ``window`` quiet days before it (days
    inside an earlier spike are left out), its noise the scaled median absolute deviation
    (MAD). A spike starts on a day above ``max(baseline + k·MAD, min_ratio·baseline,
    min_share)``; it ends on its last day above the release level halfway between the baseline
    and the threshold, allowing ``gap`` days below it.

    Parameters
    ----------
    series
        The frame of :func:`load_attention`, or a Series of shares indexed by date.
    min_ratio
        How many times the baseline a spike must reach.
    k
        How many MADs (scaled to a standard deviation) above the baseline a spike must reach.
    window
        The number of quiet days the baseline looks back over.
    min_days
        The number of quiet days needed before a spike can be found.
    gap
        Days below the release level that do not end a spike.
    min_share
        A floor on the threshold, for series whose baseline is zero.
    min_peak
        Spikes whose peak is below this fraction of the series' highest value are left out.

    Returns
    -------
    pandas.DataFrame
        One row per spike: ``start``, ``peak_date``, ``peak_share``, ``baseline`` (the share
        before the spike), ``end`` and ``peak_ratio`` (peak / baseline; inf on a zero baseline).
        Empty (with these columns) when there is no spike, or when the series is shorter than
        ``min_days`` (a spike needs a baseline before it: one in the first days is not seen).
    """
    share = _share(series)
    x = share.to_numpy()
    top = float(np.nanmax(x))
    quiet: list[float] = []
    found = []
    i = 0
    checked = False
    while i < len(x):
        past = np.asarray(quiet[-window:])
        if len(past) < max(min_days, 1):
            quiet.append(x[i])
            i += 1
            continue
        base = float(np.median(past))
        mad = 1.4826 * float(np.median(np.abs(past - base)))
        threshold = max(base + k * mad, min_ratio * base, min_share)
        if not checked:
            checked = True
            high = np.flatnonzero((past > threshold) & (past >= min_peak * top))
            if len(high):
                # The series starts inside a spike: there was no baseline before it, so it
                # is not reported; its days are skipped until they fall back to the release
                # level, and the baseline is measured afresh after it.
                release = base + 0.5 * (threshold - base)
                quiet = quiet[: int(high[0])]
                while i < len(x) and x[i] > release:
                    i += 1
                continue
        if x[i] <= threshold:
            quiet.append(x[i])
            i += 1
            continue
        # Hysteresis: noise around the threshold on the way down does not start a new spike.
        release = base + 0.5 * (threshold - base)
        end = j = i
        while j + 1 < len(x) and j + 1 - end <= gap + 1:
            j += 1
            if x[j] > release:
                end = j
        peak = i + int(np.argmax(x[i : end + 1]))
        ratio = x[peak] / base if base > 0 else math.inf
        if x[peak] >= min_peak * top:
            found.append((share.index[i], share.index[peak], x[peak], base, share.index[end],
                          ratio))
        i = end + 1
    out = pd.DataFrame(found, columns=_SPIKE_COLUMNS)
    for column in ("start", "peak_date", "end"):
        out[column] = pd.to_datetime(out[column])
    return out


# --- half-lives (docs/attention.md, "Half-lives") -----------------------------------------------


def _fit(
    share: pd.Series,
    peak: pd.Timestamp,
    baseline: float | None,
    until: pd.Timestamp | None,
    max_days: int,
    floor: float,
    window: int,
) -> tuple[float, float, int, float]:
    """Return the half-life in days, R² on the share scale, the points and the amplitude."""
    if baseline is None:
        before = share[(share.index < peak) & (share.index >= peak - pd.Timedelta(days=window))]
        baseline = float(before.median()) if len(before) else float(share.min())
    last = peak + pd.Timedelta(days=max_days)
    if until is not None:
        last = min(last, until)
    after = share[(share.index >= peak) & (share.index <= last)]
    excess = after.to_numpy() - baseline
    if len(excess) == 0 or excess[0] <= 0:
        return math.nan, math.nan, 0, math.nan
    # The decay ends where the excess, smoothed over a week, falls to `floor` of the peak's.
    smooth = pd.Series(excess).rolling(7, center=True, min_periods=1).mean().to_numpy()
    low = np.flatnonzero(smooth <= floor * excess[0])
    n = int(low[0]) if len(low) else len(excess)
    if n < 3:
        return math.nan, math.nan, n, math.nan
    t = np.arange(n, dtype=float)
    y = excess[:n]
    # Least squares on the share scale: for a rate r the best amplitude is Σy·e^(−rt) / Σe^(−2rt),
    # so the fit is a search over r alone, coarse on a log grid and then fine around the best.
    def best(rates: np.ndarray) -> int:
        curves = np.exp(-np.outer(rates, t))
        amps = curves @ y / np.sum(curves**2, axis=1)
        return int(np.argmin(np.sum((y - amps[:, None] * curves) ** 2, axis=1)))

    rates = math.log(2) / np.geomspace(_MAX_HALF_LIFE, 0.1, 400)
    i = best(rates)
    if i == 0:  # the best half-life is the longest tried: no decay
        return math.nan, math.nan, n, math.nan
    rates = np.linspace(rates[i - 1], rates[min(i + 1, len(rates) - 1)], 401)
    rate = rates[best(rates)]
    curve = np.exp(-rate * t)
    fitted = curve * (curve @ y) / (curve @ curve)
    total = float(np.sum((y - y.mean()) ** 2))
    r2 = 1 - float(np.sum((y - fitted) ** 2)) / total if total > 0 else math.nan
    return math.log(2) / rate, r2, n, float((curve @ y) / (curve @ curve))


def fit_half_life(
    series: pd.DataFrame | pd.Series,
    peak_date: DateLike,
    baseline: float | None = None,
    until: DateLike = None,
    max_days: int = FIT_DAYS,
    floor: float = 0.1,
    window: int = 28,
) -> float:
    """Fit the half-life of attention after a peak: share = baseline + A·2^(−t / half-life).

    The excess share over the baseline is fitted by least squares on the share scale, from the
    peak (t = 0) until its weekly mean first falls to ``floor`` of the peak excess.

    Parameters
    ----------
    series
        The frame of :func:`load_attention`, or a Series of shares indexed by date.
    peak_date
        The day of the peak (``YYYY-MM-DD`` or a date).
    baseline
        The share the attention decays to; by default the median of the ``window`` days
        before the peak.
    until
        The last day that may be fitted (for example the day before the next spike).
    max_days
        The most days after the peak that are fitted (``FIT_DAYS``, two weeks: the decay is
        exponential only that long).
    floor
        Where the decay is taken to end, as a fraction of the peak excess.
    window
        Days before the peak for the default baseline.

    Returns
    -------
    float
        The half-life in days; NaN when fewer than three days stand above the baseline after
        the peak or the attention does not decay.
    """
    share = _share(series)
    peak = parse_start(peak_date, "peak_date")
    if not share.index[0] <= peak <= share.index[-1]:
        raise BadParameterError(
            "peak_date", peak_date,
            f"a day from {share.index[0]:%Y-%m-%d} to {share.index[-1]:%Y-%m-%d}",
        )
    last = parse_start(until, "until") if until is not None else None
    return _fit(share, peak, baseline, last, max_days, floor, window)[0]


def spike_half_lives(
    series: pd.DataFrame | pd.Series,
    max_days: int = FIT_DAYS,
    floor: float = 0.1,
    **spike_options: Any,
) -> pd.DataFrame:
    """Find the spikes of a series and fit each one's half-life.

    Each spike is fitted from its peak until the day before the next spike starts (at most
    ``max_days`` after the peak: ``FIT_DAYS``, two weeks), against the baseline
    :func:`find_spikes` measured before it.

    Parameters
    ----------
    series
        The frame of :func:`load_attention`, or a Series of shares indexed by date.
    max_days
        The most days after a peak that are fitted.
    floor
        Where a decay is taken to end, as a fraction of the peak excess.
    **spike_options
        Passed to :func:`find_spikes` (``min_ratio``, ``k``, ``window``, …).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`find_spikes` plus ``half_life_days`` (NaN when it cannot be
        fitted), ``r2`` (the fit's R² on the share scale, 1 is a perfect fit), ``points``
        (the days fitted), ``fit_start`` and ``fit_end`` (the first and last day fitted) and
        ``amplitude`` (A, the fitted excess at the peak). Empty, with these columns, when
        :func:`find_spikes` finds no spike.
    """
    share = _share(series)
    spikes = find_spikes(share, **spike_options)
    fits = []
    nexts = list(spikes["start"].iloc[1:]) + [None] if len(spikes) else []
    for row, next_start in zip(spikes.itertuples(index=False), nexts, strict=True):
        until = None if next_start is None else next_start - pd.Timedelta(days=1)
        fits.append(_fit(share, row.peak_date, row.baseline, until, max_days, floor, 0))
    out = spikes.copy()
    out["half_life_days"] = [f[0] for f in fits]
    out["r2"] = [f[1] for f in fits]
    out["points"] = pd.Series([f[2] for f in fits], dtype="int64")
    out["fit_start"] = pd.to_datetime(out["peak_date"])
    out["fit_end"] = out["fit_start"] + pd.to_timedelta(
        [max(f[2] - 1, 0) for f in fits], unit="D")
    out["amplitude"] = pd.Series([f[3] for f in fits], dtype="float64")
    return out
