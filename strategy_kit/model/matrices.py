"""A case as dense numpy matrices, built once per :class:`~strategy_kit.case.Case` and cached.

The engine works on these arrays, never on the long tables directly: every score is a matrix
product or an element-wise formula over them (method.md §Fit, §Relevance). The cache is a
``WeakKeyDictionary`` keyed by the Case object (hashable by identity), so a case's matrices
live exactly as long as the case.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from ..case.settings import PRIORITY_PARTS as PRIORITY_PARTS  # noqa: PLC0414  (re-exported)
from ..case.settings import override_weights
from ..errors import BadParameterError, UnknownChoiceError
from ..params import DateLike, parse_days, parse_start
from .fit import fit_values

if TYPE_CHECKING:
    from ..case import Case

T = TypeVar("T")

#: How many horizons (start, days) of derived arrays to keep per case.
MEMO_SIZE = 16


@dataclass(frozen=True, eq=False)
class Matrices:
    """Ids, labels and dense score matrices of one case (rows and columns in file order)."""

    audiences: pd.Index
    audience_names: np.ndarray
    groups: np.ndarray
    influence: np.ndarray  # (A,)
    goal_influence: np.ndarray  # (A, G): influence(a, g), goal_audiences.csv over influence(a)
    interests: pd.Index
    interest_names: np.ndarray
    themes: np.ndarray
    goals: pd.Index
    goal_names: np.ndarray
    weight: np.ndarray  # (A, I): w(a, i)
    weight_share: np.ndarray  # (A, I): w(a, i) / Σᵢ w(a, i)
    strength: np.ndarray  # (G, I): s(g, i)
    hooks: np.ndarray  # (G, I): the goal's hook for an interest, "" when none
    fit: np.ndarray  # (A, G)
    moments: pd.Index
    moment_names: np.ndarray
    moment_kinds: np.ndarray
    moment_start: np.ndarray  # (M,) day numbers (days since 1970-01-01)
    moment_end: np.ndarray  # (M,) day numbers; = start when the moment has no end
    yearly: np.ndarray  # (M,) bool: the moment recurs (a keyword or a rule)
    recurrence: np.ndarray  # (M,) its recurrence: none, yearly or an RFC 5545 rule
    dated: np.ndarray  # (M,) bool: False for an undated crisis (a kind to prepare for)
    recess: np.ndarray  # (M,) bool: a recess lowers attention instead of drawing it
    confirmed: tuple[tuple[tuple[int, int], ...], ...]  # per moment: (start, end) confirmed
    recess_reach: np.ndarray  # (A, M) bool: the audiences each recess affects
    intensity: np.ndarray  # (M,)
    half_life: np.ndarray  # (M,)
    lead: np.ndarray  # (M,)
    moment_relevance: np.ndarray  # (M, I): rel(m, i)
    relevance: np.ndarray  # (A, M): r(a, m)
    goal_relevance: np.ndarray  # (G, A, M): r(a, g, m), weighted by the goal's contributions
    frames: pd.Index
    frame_relevance: np.ndarray  # (F, I): rel(f, i)
    frame_table: pd.DataFrame = field(repr=False)
    fit_rule: str = "noisy-or"  # case.yaml ``fit`` (method.md §Fit)
    memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)


def _dense(link: pd.DataFrame, row: str, col: str, value: str, rows: pd.Index,
           cols: pd.Index) -> np.ndarray:
    out = np.zeros((len(rows), len(cols)))
    out[rows.get_indexer(link[row]), cols.get_indexer(link[col])] = link[value].to_numpy(float)
    return out


def day_numbers(dates: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Dates as integer day numbers (days since 1970-01-01)."""
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64)


def to_dates(days: np.ndarray | int) -> np.ndarray:
    """Integer day numbers back to ``datetime64[us]`` (the unit of the case's date columns)."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[us]")


def _readonly(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


def _goal_relevance(share: np.ndarray, strength: np.ndarray, rel_m: np.ndarray,
                    relevance: np.ndarray) -> np.ndarray:
    """r(a, g, m) = Σᵢ c(a,g,i)·rel(m,i) / Σᵢ c(a,g,i), c = w(a,i)·s(g,i)/Σⱼ w(a,j): (G, A, M).

    The interests count by their contribution to the fit (method.md §Timing for a goal);
    where the goal serves none of the audience's interests (fit 0), r(a, m) stands in.
    """
    fit = share @ strength.T  # (A, G): Σᵢ c(a, g, i), the fit before clipping
    num = np.einsum("ai,gi,mi->gam", share, strength, rel_m, optimize=True)  # Σᵢ c·rel
    out = np.where((fit.T > 0)[:, :, None],
                   num / np.where(fit.T > 0, fit.T, 1.0)[:, :, None], relevance[None, :, :])
    return np.clip(out, 0.0, 1.0)


def _named_audiences(case: Case, A: pd.Index, M: pd.Index,
                     recess: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which audiences each moment names, and which each recess affects: (A, M) bool each.

    Named in moments.csv ``audiences`` or moment_audiences.csv; a recess that names none
    affects every audience.
    """
    named = np.zeros((len(A), len(M)), dtype=bool)
    mom = case.moments
    if "audiences" in mom.columns:
        for j, ids in enumerate(mom["audiences"]):
            named[A.get_indexer(list(ids or ())), j] = True
    ma = case.moment_audiences
    named[A.get_indexer(ma["audience"]), M.get_indexer(ma["moment"])] = True
    reach = np.where(named.any(axis=0)[None, :], named, True) & recess[None, :]
    return named, reach


def _restricted(relevance: np.ndarray, named: np.ndarray, ma: pd.DataFrame, A: pd.Index,
                M: pd.Index) -> np.ndarray:
    """r(a, m) restricted to the audiences a moment names.

    0 for the others; moment_audiences.csv's strength for those it lists there (method.md
    §Moments that name their audiences and goals).
    """
    out = np.where(named.any(axis=0)[None, :] & ~named, 0.0, relevance)
    out[A.get_indexer(ma["audience"]), M.get_indexer(ma["moment"])] = np.clip(
        ma["strength"].to_numpy(float), 0.0, 1.0)
    return out


def _decided(case: Case, G: pd.Index, M: pd.Index, goal_rel: np.ndarray,
             relevance: np.ndarray) -> np.ndarray:
    """r(a, g, m) for moments that name their audiences or the goals they decide.

    For the goals a moment decides, max(r(a, g, m), r(a, m)); 0 for the other goals
    (method.md §Moments that name their audiences and goals).
    """
    out = np.array(goal_rel)
    out[:, relevance == 0] = 0.0  # an audience a moment does not name stays unreached
    ma = case.moment_audiences
    a_idx = pd.Index(case.ids("audience")).get_indexer(ma["audience"])
    out[:, a_idx, M.get_indexer(ma["moment"])] = relevance[a_idx, M.get_indexer(ma["moment"])]
    mom = case.moments
    if "goals" not in mom.columns:
        return out
    for j, ids in enumerate(mom["goals"]):
        if ids:
            mine = np.zeros(len(G), dtype=bool)
            mine[G.get_indexer(list(ids))] = True
            out[mine, :, j] = np.maximum(out[mine, :, j], relevance[None, :, j])
            out[~mine, :, j] = 0.0
    return out


def _confirmed(case: Case, M: pd.Index) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Per moment, the (start, end) day numbers of its confirmed dates (moment_dates.csv)."""
    md = case.moment_dates
    out: list[list[tuple[int, int]]] = [[] for _ in range(len(M))]
    if md.empty:
        return tuple(() for _ in M)
    s = day_numbers(md["start"])
    e = day_numbers(md["end"].fillna(md["start"]))
    for m, a, b in zip(M.get_indexer(md["moment"]), s, e, strict=True):
        out[m].append((int(a), int(max(a, b))))
    return tuple(tuple(sorted(x)) for x in out)


def _build(case: Case) -> Matrices:
    aud, intr, goals = case.audiences, case.interests, case.goals
    moments, frames = case.moments, case.frames
    A, N, G = pd.Index(aud["id"]), pd.Index(intr["id"]), pd.Index(goals["id"])  # N: interests
    M, F = pd.Index(moments["id"]), pd.Index(frames["id"])
    w = _dense(case.audience_interests, "audience", "interest", "weight", A, N)
    total = w.sum(axis=1, keepdims=True)
    # the loader guarantees a positive weight per audience; guard anyway (method.md §Fit)
    share = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    gi = case.goal_interests
    s = _dense(gi, "goal", "interest", "strength", G, N)
    hooks = np.full((len(G), len(N)), "", dtype=object)
    hooks[G.get_indexer(gi["goal"]), N.get_indexer(gi["interest"])] = gi["hook"].to_numpy(object)
    rel_m = _dense(case.moment_interests, "moment", "interest", "relevance", M, N)
    rel_f = _dense(case.frame_interests, "frame", "interest", "relevance", F, N)
    influence = np.clip(aud["influence"].to_numpy(float), 0.0, 1.0)
    ga = case.goal_audiences
    goal_influence = np.repeat(influence[:, None], len(G), axis=1)
    goal_influence[A.get_indexer(ga["audience"]), G.get_indexer(ga["goal"])] = np.clip(
        ga["influence"].to_numpy(float), 0.0, 1.0)
    relevance = np.clip(share @ rel_m.T, 0.0, 1.0)  # method.md §Relevance
    dated = moments["start"].notna().to_numpy(bool)
    start = np.where(dated, day_numbers(moments["start"].fillna(pd.Timestamp(0))), 0)
    end = np.where(moments["end"].isna(), start,
                   day_numbers(moments["end"].fillna(moments["start"]).fillna(pd.Timestamp(0))))
    kinds = moments["kind"].to_numpy(object)
    named, recess_reach = _named_audiences(case, A, M, kinds == "recess")
    relevance = _restricted(relevance, named, case.moment_audiences, A, M)
    goal_relevance = _decided(case, G, M,
                              _goal_relevance(share, s, rel_m, relevance), relevance)
    relevance[:, kinds == "recess"] = 0.0  # a recess draws no attention: it lowers it
    goal_relevance[:, :, kinds == "recess"] = 0.0
    mx = Matrices(
        audiences=A,
        audience_names=aud["name"].to_numpy(object),
        groups=aud["group"].to_numpy(object),
        influence=influence,
        goal_influence=goal_influence,
        interests=N,
        interest_names=intr["name"].to_numpy(object),
        themes=intr["theme"].to_numpy(object),
        goals=G,
        goal_names=goals["name"].to_numpy(object),
        weight=w,
        weight_share=share,
        strength=s,
        hooks=hooks,
        fit=fit_values(w, s, getattr(case, "fit_rule", "noisy-or")),  # method.md §Fit
        moments=M,
        moment_names=moments["name"].to_numpy(object),
        moment_kinds=moments["kind"].to_numpy(object),
        moment_start=start,
        moment_end=np.maximum(end, start),
        yearly=(moments["recurrence"] != "none").to_numpy(bool),
        recurrence=moments["recurrence"].to_numpy(object),
        dated=dated,
        recess=kinds == "recess",
        confirmed=_confirmed(case, M),
        recess_reach=recess_reach,
        intensity=moments["intensity"].to_numpy(float),
        half_life=moments["half_life_days"].to_numpy(float),
        lead=moments["lead_days"].to_numpy(float),
        moment_relevance=rel_m,
        relevance=relevance,
        goal_relevance=goal_relevance,
        frames=F,
        frame_relevance=rel_f,
        frame_table=frames,
        fit_rule=getattr(case, "fit_rule", "noisy-or"),
    )
    _readonly(mx.influence, goal_influence, mx.goal_relevance, mx.dated, mx.recess,
              mx.recess_reach)
    _readonly(w, share, s, hooks, mx.fit, start, mx.moment_end, mx.yearly,
              mx.intensity, mx.half_life, mx.lead, rel_m, mx.relevance, rel_f)
    return mx


class _Entry:
    def __init__(self, case: Case) -> None:
        self.matrices = _build(case)
        self.memo: OrderedDict[Hashable, Any] = OrderedDict()


_CACHE: weakref.WeakKeyDictionary[Case, _Entry] = weakref.WeakKeyDictionary()
_LOCK = threading.RLock()


def _entry(case: Case) -> _Entry:
    with _LOCK:
        e = _CACHE.get(case)
        if e is None:
            e = _CACHE[case] = _Entry(case)
        return e


def matrices(case: Case) -> Matrices:
    """The case's matrices, built on first use."""
    return _entry(case).matrices


def memo(case: Case, key: Hashable, build: Callable[[], T]) -> T:
    """A value derived from the case (say, the kernels of one horizon), computed once."""
    e = _entry(case)
    with _LOCK:
        if key in e.memo:
            e.memo.move_to_end(key)
            return e.memo[key]  # type: ignore[no-any-return]
    value = build()
    with _LOCK:
        e.memo[key] = value
        while len(e.memo) > MEMO_SIZE:
            e.memo.popitem(last=False)
    return value


# -- parameters, checked at the boundary ------------------------------------------------------


@dataclass(frozen=True)
class Horizon:
    """The planning horizon: ``days`` days from ``start`` (a midnight Timestamp)."""

    start: pd.Timestamp
    days: int

    @property
    def first(self) -> int:
        """The first day, as a day number."""
        return int(day_numbers(np.array([self.start.to_datetime64()]))[0])

    @property
    def last(self) -> int:
        """The last day (inclusive), as a day number."""
        return self.first + self.days - 1

    @property
    def grid(self) -> np.ndarray:
        """Day numbers of every day of the horizon."""
        return self.first + np.arange(self.days, dtype=np.int64)

    @property
    def end(self) -> pd.Timestamp:
        """The last day (inclusive)."""
        return self.start + pd.Timedelta(days=self.days - 1)


def horizon(case: Case, start: DateLike, days: int | str | None) -> Horizon:
    """Check ``start`` and ``days`` (method.md §Timing: the horizon)."""
    return Horizon(parse_start(start), parse_days(days, case.horizon_days))


def check_audiences(case: Case, audiences: object) -> list[str]:
    """One audience id, a list of them, or None for all; each checked."""
    if audiences is None:
        return list(case.ids("audience"))
    if isinstance(audiences, str):
        audiences = [audiences]
    try:
        values = list(audiences)  # type: ignore[call-overload]
    except TypeError:
        raise UnknownChoiceError("audience", audiences, case.ids("audience"),
                                 case=case.name) from None
    return [case.check("audience", a) for a in values]


def priority_weights(case: Case, weights: Mapping[str, float] | None) -> np.ndarray:
    """The priority weights (fit, influence, timing), summing to 1 (method.md §Priority).

    ``weights`` overrides the case's weights; keys it leaves out keep the case's value
    (``case.settings.override_weights`` checks them, as for case.yaml's).
    """
    w = np.array(list(override_weights(case.weights, weights).values()))  # checked in case/
    return w / w.sum()


def check_count(value: object, name: str, low: int = 1, high: int = 1_000_000) -> int:
    """A whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) \
            or not low <= int(value) <= high:
        raise BadParameterError(name, value, f"a whole number from {low} to {high}")
    return int(value)
