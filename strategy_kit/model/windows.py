"""Windows of opportunity: the days an audience listens most, by the case's window rule.

Implements method.md §Windows of opportunity. The rule comes from ``case.yaml`` (``windows:``);
a call, the command line (``--threshold``) or the explorer can override it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..case.settings import override_windows
from ..params import DateLike
from .matrices import Horizon, horizon, matrices, to_dates
from .occurrences import recess_spans
from .timing import DRIVER_SHARE, kernels, pressure_of, timing_matrix

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["WindowRule", "best_moments", "find_windows", "window_rule"]


@dataclass(frozen=True)
class WindowRule:
    """Which days are a window (method.md §Windows of opportunity).

    ``relative``: timing ≥ max(floor, share × the audience's own peak over the horizon);
    ``absolute``: timing ≥ threshold. Either way the fading tail of a moment already past
    at the horizon's start is not a window.
    """

    rule: str = "relative"
    share: float = 0.8
    floor: float = 0.05
    threshold: float = 0.5
    #: Runs of days at most this many days apart are one window (``windows: gap``).
    gap: int = 7

    def level(self, reference: float) -> float:
        """The timing a day needs, for an audience whose peak (tail left out) is ``reference``."""
        if self.rule == "absolute":
            return self.threshold
        return max(self.floor, self.share * reference)

    def describe(self) -> str:
        """The rule in words, for reports and calendars."""
        if self.rule == "absolute":
            return f"days with timing of at least {self.threshold:.2f}"
        return (f"days within {self.share:.0%} of the audience's peak attention in the horizon, "
                f"and at least {self.floor:.2f}")

    @property
    def short(self) -> str:
        """The rule in a few words (a figure's threshold line)."""
        if self.rule == "absolute":
            return f"threshold {self.threshold:.2f}"
        return f"{self.share:.0%} of peak (floor {self.floor:.2f})"


def window_rule(case: Case, threshold: object = None) -> WindowRule:
    """The window rule: the case's ``windows:`` settings, overridden by ``threshold``.

    ``threshold`` may be None (the case's rule), a number (the absolute rule at that
    threshold, as before), a text such as ``"80%"`` (the relative rule at that share of the
    peak, with the case's floor), a number as text (``"0.4"``), a mapping of ``windows:``
    keys, or a :class:`WindowRule`; ``case.settings.override_windows`` checks it.
    """
    if isinstance(threshold, WindowRule):
        return threshold
    return WindowRule(**override_windows(getattr(case, "windows", None) or {}, threshold))


def _tail_days(t: np.ndarray) -> int:
    """How many days at the horizon's start are a fading tail (timing falls from day 0)."""
    rising = np.flatnonzero(np.diff(t) >= 0)
    end = int(rising[0]) if len(rising) else len(t)
    return end if t[0] > 0 else 0


def windows_of(case: Case, a: int, h: Horizon, rule: WindowRule,
               goal: int | None = None) -> pd.DataFrame:
    """find_windows for the audience at row ``a``, parameters already checked."""
    mx = matrices(case)
    t = np.array(timing_matrix(case, h, goal)[a])
    t[:_tail_days(t)] = 0.0  # a moment already past is no window
    level = rule.level(float(t.max()))
    on = np.concatenate(([0], ((t >= level) & (t > 0)).astype(np.int8), [0]))
    edges = np.diff(on)
    lo, hi = _merged(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), rule.gap)
    recesses = [(m, s, e) for m, s, e in recess_spans(mx, h.first, h.last)
                if mx.recess_reach[a, m]]
    rows = []
    if len(lo):
        p = pressure_of(mx, kernels(case, h), a, goal)
        for s, e in zip(lo, hi, strict=True):
            peak = s + int(t[s:e].argmax())
            main = int(p[:, peak].argmax())
            most = p[:, s:e].max(axis=1)
            behind = np.flatnonzero(most >= DRIVER_SHARE * t[peak])
            behind = [main] + [int(m) for m in behind[np.argsort(-most[behind], kind="stable")]
                               if m != main]
            lead = float(mx.lead[main])
            prepare = h.first + s - math.ceil(lead)
            inside = tuple(str(mx.moment_names[m]) for m, rs, re_ in recesses
                           if rs <= h.first + e - 1 and re_ >= h.first + s)
            rows.append((h.first + s, h.first + e - 1, h.first + peak, float(t[peak]),
                         tuple(str(mx.moments[m]) for m in behind),
                         tuple(str(mx.moment_names[m]) for m in behind), lead,
                         prepare, prepare < h.first, inside))
    cols = list(zip(*rows, strict=True)) if rows else [()] * 10
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
        "late": np.array(cols[8], dtype=bool),
        "recesses": pd.Series(list(cols[9]), dtype=object),
    })


def _merged(lo: np.ndarray, hi: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Runs [lo, hi) with at most ``gap`` days between them joined into one (method.md)."""
    if len(lo) < 2:
        return lo, hi
    keep = np.r_[True, (lo[1:] - hi[:-1]) > gap]  # a run that starts a new window
    starts = np.flatnonzero(keep)
    ends = np.r_[starts[1:], len(lo)] - 1
    return lo[starts], hi[ends]


def _ids(case: Case, audience: str, goal: str | None) -> tuple[int, int | None]:
    mx = matrices(case)
    a = mx.audiences.get_loc(case.check("audience", audience))
    g = None if goal is None else mx.goals.get_loc(case.check("goal", goal))
    return a, g


def find_windows(case: Case, audience: str, start: DateLike = None,
                 days: int | str | None = None, threshold: object = None,
                 goal: str | None = None) -> pd.DataFrame:
    """Windows of opportunity: runs of days on which the audience listens most.

    By the case's rule (``case.yaml`` ``windows:``; default: days within 80 % of the
    audience's own peak timing over the horizon, never below 0.05), or ``threshold``. The
    fading tail of a moment already past at the horizon's start is not a window. Outreach
    for a window should start ``lead_days`` before it, the lead of the main moment behind it
    (method.md §Windows of opportunity).

    Parameters
    ----------
    case
        A loaded case.
    audience
        An audience id.
    start, days
        The horizon: ISO start date (default today) and length (default the case's).
    threshold
        None for the case's rule; a number above 0 and at most 1 for the absolute rule at
        that timing (as in earlier versions); ``"80%"`` for the relative rule at that share
        of the peak; a mapping of ``windows:`` settings; or a ``WindowRule``.
    goal
        A goal id: the goal's timing (method.md §Timing for a goal); None for the
        audience's attention to everything it cares about.

    Returns
    -------
    DataFrame
        ``audience, start, end`` (inclusive), ``peak_date, peak`` (highest timing),
        ``moments, moment_names`` (tuples, main moment first), ``lead_days`` (the main
        moment's), ``prepare_by`` (start − lead_days) and ``late`` (prepare_by is before
        the horizon's start: start now), one row per window, by date.
    """
    a, g = _ids(case, audience, goal)
    rule = window_rule(case, threshold)
    h = horizon(case, start, days)
    return windows_of(case, a, h, rule, g)


def best_moments(case: Case, audience: str, start: DateLike = None,
                 days: int | str | None = None, goal: str | None = None,
                 top: int = 3) -> pd.DataFrame:
    """The moments that bring the audience's attention highest, even when weak.

    Returns
    -------
    DataFrame
        ``moment, moment_name, date, pressure``: for each moment, its highest pressure on
        the audience in the horizon and the first day of it, strongest first, ``top`` rows
        at most (none when no moment speaks to the audience in the horizon).
    """
    a, g = _ids(case, audience, goal)
    h = horizon(case, start, days)
    mx = matrices(case)
    p = pressure_of(mx, kernels(case, h), a, g)
    best = p.max(axis=1)
    order = [int(m) for m in np.argsort(-best, kind="stable") if best[m] > 0][:top]
    return pd.DataFrame({
        "moment": pd.array([str(mx.moments[m]) for m in order], dtype="str"),
        "moment_name": pd.array([str(mx.moment_names[m]) for m in order], dtype="str"),
        "date": to_dates(np.array([h.first + int(p[m].argmax()) for m in order],
                                  dtype=np.int64)),
        "pressure": np.array([float(best[m]) for m in order], dtype=float),
    })
