"""The explorer's state without a front end: the strategist's choices and the scores they give.

``ExplorerState`` holds what a strategist changed in ``notebooks/03-explore.ipynb`` (the goal,
the audiences, the horizon, the priority weights, the audiences' interest weights, the
robustness noise), recomputes the scores with the engine (memoised, so that a slider answers
within ~100 ms) and exports the adjusted weights as a copy of the case. It needs no widgets,
so tests drive it directly; the ipywidgets front end is :class:`strategy_kit.widgets.Explorer`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..case import Case
from ..case.locate import case_folder, is_workbook
from ..errors import BadParameterError, UnknownChoiceError
from ..model.matrices import PRIORITY_PARTS, check_count, matrices, priority_weights
from ..model.recommend import recommend_allies, recommend_formats, recommend_messages
from ..model.robustness import score_robustness
from ..model.scoring import score_contributions, score_priority
from ..model.timing import attention_drivers, score_timing
from ..model.windows import WindowRule, find_windows, window_rule
from ..params import long_date, parse_days, parse_start
from ..ratings.aggregate import participant_case
from ..ratings.load import case_ratings, load_case
from .export import EXPORT_FORMATS, write_export
from .lab import CASE_ENV

__all__ = ["ExplorerState"]

#: Fewer draws than the reports' 1,000: the explorer must answer within ~100 ms; the
#: probabilities it shows move by about ±3 points.
DRAWS = 200
COMPARE_DEFAULT = 5


_date = long_date  # the report's date format (params.REPORT_DATE)


def _load(case: str | Path | Case | None) -> Case:
    if isinstance(case, Case):
        return case
    if case is None or not str(case).strip():
        case = os.environ.get(CASE_ENV) or config.DEFAULT_CASE
    return load_case(case)


class ExplorerState:
    """The explorer's choices and adjusted weights; recomputes scores with the engine.

    The loaded case is never changed: adjusted interest weights make a new ``Case`` whose
    ``audience_interests`` table carries them (``case``).

    Parameters
    ----------
    case
        A ``Case``, a case folder or name under ``data/``; empty: ``$STRATEGY_KIT_CASE``,
        else ``belarus``.
    goal
        A goal id; empty: the case's first goal.
    audience
        The audience in focus; empty: the highest priority for the goal.
    compare
        Audiences to compare; empty: the five highest priorities (and the focus).
    start, days
        The planning horizon: ISO start (empty: today) and days (0: the case's horizon).
    sigma
        The robustness noise σ (0 to 2).
    draws
        Robustness draws per recomputation.
    threshold
        The window rule, as in ``find_windows`` (``0.5``, ``"80%"``); None: the case's.
    """

    def __init__(self, case: str | Path | Case | None = None, goal: str | None = None,
                 audience: str | None = None, compare: Sequence[str] | None = None,
                 start: object = None, days: int | str | None = None, sigma: float = 0.25,
                 draws: int = DRAWS, threshold: object = None) -> None:
        self.base = _load(case)
        self._group, self.view = self.base, "group"  # issue 15: the group's or one rater's
        self.rule: WindowRule = window_rule(self.base, threshold)
        self.draws = check_count(draws, "draws", 1, 100_000)
        self._memo: dict[Hashable, Any] = {}
        self._overrides: dict[tuple[str, str], float] = {}
        self._case, self._version = self.base, 0
        self.goal = self.base.check("goal", goal) if goal else self.base.ids("goal")[0]
        self.start = parse_start(start)  # type: ignore[arg-type]
        self.days = parse_days(days, self.base.horizon_days)  # type: ignore[arg-type]
        self.weights = {k: float(self.base.weights[k]) for k in PRIORITY_PARTS}
        self.sigma = _check_sigma(sigma)
        ranked = list(self._priority()["audience"])
        self.audience = self.base.check("audience", audience) if audience else ranked[0]
        self.compare = self._check_compare(compare or ranked[:COMPARE_DEFAULT])

    # -- choices ----------------------------------------------------------------------------

    def _check_compare(self, values: Sequence[str]) -> tuple[str, ...]:
        if isinstance(values, str):
            values = [values]
        chosen = {self.base.check("audience", a) for a in values}
        return tuple(a for a in self.base.ids("audience") if a in chosen)

    def update(self, *, goal: str | None = None, audience: str | None = None,
               compare: Sequence[str] | None = None, start: object = None,
               days: int | str | None = None, weights: Mapping[str, float] | None = None,
               sigma: float | None = None, threshold: object = None) -> None:
        """Change some choices; each is checked, and nothing changes if one is bad.

        ``threshold`` sets the window rule (``0.5``, ``"80%"``, a ``WindowRule``).
        """
        new: dict[str, Any] = {}
        if threshold is not None:
            new["rule"] = window_rule(self.base, threshold)
        if goal is not None:
            new["goal"] = self.base.check("goal", goal)
        if audience is not None:
            new["audience"] = self.base.check("audience", audience)
        if compare is not None:
            new["compare"] = self._check_compare(compare)
        if start is not None:
            new["start"] = parse_start(start)  # type: ignore[arg-type]
        if days is not None:
            new["days"] = parse_days(days, self.base.horizon_days)
        if weights is not None:
            merged = {**self.weights, **weights}
            priority_weights(self.base, merged)  # checks keys and values
            new["weights"] = {k: float(merged[k]) for k in PRIORITY_PARTS}
        if sigma is not None:
            new["sigma"] = _check_sigma(sigma)
        for k, v in new.items():
            setattr(self, k, v)

    # -- views: the group's medians or one participant's ratings (issue 15) ------------------

    def views(self) -> tuple[str, ...]:
        """``group``, then the participants' pseudonyms (only ``group`` without ratings)."""
        r = case_ratings(self._group)
        return ("group", *([] if r is None else r.raters["rater"]))

    def set_view(self, view: str) -> None:
        """Show the group's values (``group``) or one participant's (``R03``).

        A participant's view is their own ratings, the group's where they gave none; adjusted
        weights stay on top.
        """
        if view not in self.views():
            raise UnknownChoiceError("view", view, self.views())
        r = case_ratings(self._group)
        self.base = self._group if view == "group" else participant_case(self._group, r, view)
        self.view, self._case, self._version = view, None, self._version + 1

    # -- interest weights ------------------------------------------------------------------

    def case_weight(self, audience: str, interest: str) -> float:
        """The weight the case gives ``audience`` on ``interest`` (0 when it has no row)."""
        mx = matrices(self.base)
        return float(mx.weight[mx.audiences.get_loc(self.base.check("audience", audience)),
                               mx.interests.get_loc(self.base.check("interest", interest))])

    def interest_weight(self, audience: str, interest: str) -> float:
        """The weight in use: the adjusted one, else the case's."""
        key = (self.base.check("audience", audience), self.base.check("interest", interest))
        return self._overrides.get(key, self.case_weight(*key))

    def set_interest_weight(self, interest: str, value: float,
                            audience: str | None = None) -> None:
        """Set one audience's (default: the focus audience's) weight on an interest."""
        a = self.base.check("audience", audience or self.audience)
        i = self.base.check("interest", interest)
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
                or not 0.0 <= float(value) <= 1.0:
            raise BadParameterError(f"weight of '{i}'", value, "a number from 0 to 1")
        value = round(float(value), 4)
        old = self._overrides.get((a, i))
        if value == round(self.case_weight(a, i), 4):
            self._overrides.pop((a, i), None)
        else:
            self._overrides[(a, i)] = value
        if self._overrides.get((a, i)) != old:
            self._case, self._version = None, self._version + 1  # type: ignore[assignment]

    def changes(self) -> pd.DataFrame:
        """The adjusted interest weights: ``audience, interest, case_weight, weight``."""
        rows = [(a, i, self.case_weight(a, i), w) for (a, i), w in sorted(self._overrides.items())]
        return pd.DataFrame(rows, columns=["audience", "interest", "case_weight", "weight"])

    @property
    def weights_changed(self) -> bool:
        """True when the priority weights differ from the case's."""
        return not np.allclose(priority_weights(self.base, self.weights),
                               priority_weights(self.base, None))

    def reset(self) -> None:
        """Back to the case's interest and priority weights (the choices stay)."""
        self._overrides.clear()
        self._case, self._version = self.base, self._version + 1
        self.weights = {k: float(self.base.weights[k]) for k in PRIORITY_PARTS}

    def audience_interests(self) -> pd.DataFrame:
        """The ``audience_interests`` table with the adjusted weights (new pairs appended)."""
        t = self.base.audience_interests
        if not self._overrides:
            return t
        pos = {k: n for n, k in enumerate(zip(t["audience"], t["interest"], strict=True))}
        w = t["weight"].to_numpy(float).copy()
        new = [(a, i, v) for (a, i), v in self._overrides.items() if (a, i) not in pos]
        for (a, i), v in self._overrides.items():
            if (a, i) in pos:
                w[pos[(a, i)]] = v
        t["weight"] = w
        if new:
            extra = pd.DataFrame({c: [""] * len(new) for c in t.columns if c != "weight"})
            extra["audience"], extra["interest"] = [r[0] for r in new], [r[1] for r in new]
            extra["weight"] = [float(r[2]) for r in new]
            t = pd.concat([t, extra[t.columns].astype(t.dtypes.to_dict())], ignore_index=True)
        return t

    @property
    def case(self) -> Case:
        """The case with the adjusted interest weights (the loaded case when none are)."""
        if self._case is None:
            tables = {**self.base._tables, "audience_interests": self.audience_interests()}
            self._case = dataclasses.replace(self.base, _tables=MappingProxyType(tables),
                                             data_hash=f"{self.base.data_hash}-adjusted")
        return self._case

    # -- export ------------------------------------------------------------------------------

    def export(self, folder: str | Path | None = None, fmt: str | None = None) -> Path:
        """Write a copy of the case with the adjusted weights; the case is untouched.

        The copy is ``<case>-adjusted-<YYYYmmdd-HHMMSS>`` next to the case (or in ``folder``):
        the case's own files (``copy_case``: never a link, nothing else),
        ``audience_interests`` with the adjusted weights, and the priority weights of
        ``case.yaml`` when they were changed. ``fmt`` is ``folder``, ``xlsx`` or ``ods`` (a
        workbook, as ``strategy-kit convert`` writes it); by default the case's own form. The
        copy is loaded once to check it; on any failure nothing is left.

        Returns
        -------
        Path
            The new case folder or workbook.
        """
        a_ids = self.case.ids("audience")
        dead = [a for a, s in zip(a_ids, matrices(self.case).weight.sum(axis=1), strict=True)
                if s <= 0]
        if dead:
            raise BadParameterError("interest weights", ", ".join(dead),
                                    "at least one interest above 0 for every audience")
        src = self.base.path
        fmt = fmt or (src.suffix.lower().lstrip(".") if is_workbook(src) else "folder")
        if fmt not in EXPORT_FORMATS:
            raise BadParameterError("export format", fmt, ", ".join(EXPORT_FORMATS))
        suffix = "" if fmt == "folder" else f".{fmt}"
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        parent = Path(folder) if folder else src.parent
        if not folder and is_workbook(src) and src.stem == "case":
            parent = case_folder(src).parent  # beside the case's folder, not in it
        target = parent / f"{self.base.name}-adjusted-{stamp}{suffix}"
        n = 1
        while target.exists():
            n += 1
            target = parent / f"{self.base.name}-adjusted-{stamp}-{n}{suffix}"
        write_export(src, target, self._overrides,
                     priority_weights(self.base, self.weights) if self.weights_changed else None)
        return target

    # -- the scores -------------------------------------------------------------------------

    def _cached(self, key: Hashable, build: Callable[[], Any]) -> Any:
        if key not in self._memo:
            if len(self._memo) > 256:
                self._memo.clear()
            self._memo[key] = build()
        return self._memo[key]

    def _horizon(self) -> tuple[str, int]:
        return self.start.date().isoformat(), self.days

    def _priority(self) -> pd.DataFrame:
        c, (s, d), w = self.case, self._horizon(), tuple(self.weights.values())
        return self._cached(("priority", self._version, self.goal, s, d, w), lambda: score_priority(
            c, goal=self.goal, start=s, days=d, weights=self.weights))

    def priority(self) -> pd.DataFrame:
        """``score_priority`` of the goal with ``case_priority`` and the robustness columns."""
        s, d = self._horizon()
        w = tuple(self.weights.values())
        key = ("priority+", self._version, self.goal, s, d, w, self.sigma)

        def build() -> pd.DataFrame:
            base = self._cached(("base", self.goal, s, d), lambda: score_priority(
                self.base, goal=self.goal, start=s, days=d))
            rob = score_robustness(self.case, self.goal, start=s, days=d, sigma=self.sigma,
                                   draws=self.draws, seed=0, weights=self.weights,
                                   source="noise").summary  # the σ slider's noise
            out = self._priority().merge(
                base[["audience", "priority"]].rename(columns={"priority": "case_priority"}),
                on="audience", how="left")
            cols = ["audience", "median_rank", "rank_p05", "rank_p95", "p_top3", "fragile"]
            return out.merge(rob[cols], on="audience", how="left")

        return self._cached(key, build)

    def contributions(self) -> pd.DataFrame:
        """The focus audience's contributions to the goal's fit, with ``case_contribution``."""
        a, g = self.audience, self.goal

        def build() -> pd.DataFrame:
            now = score_contributions(self.case, a, g)
            was = score_contributions(self.base, a, g)[["interest", "contribution"]]
            out = now.merge(was.rename(columns={"contribution": "case_contribution"}),
                            on="interest", how="left")
            out["case_contribution"] = out["case_contribution"].fillna(0.0)
            return out

        return self._cached(("contrib", self._version, a, g), build)

    def timing(self) -> pd.DataFrame:
        """Timing per day (index) and audience (columns), every audience."""
        s, d = self._horizon()

        def build() -> pd.DataFrame:
            t = score_timing(self.case, start=s, days=d)
            ids = list(self.base.ids("audience"))
            return pd.DataFrame(t["timing"].to_numpy().reshape(len(ids), d).T,
                                index=pd.DatetimeIndex(t["date"].iloc[:d]), columns=ids)

        return self._cached(("timing", self._version, s, d), build)

    def windows(self) -> pd.DataFrame:
        """``find_windows`` of the focus audience."""
        s, d = self._horizon()
        return self._cached(("windows", self._version, self.audience, s, d, self.rule),
                            lambda: find_windows(self.case, self.audience, start=s, days=d,
                                                 threshold=self.rule))

    def level(self) -> float:
        """The timing a day of the focus audience needs to be in a window (the rule's)."""
        return self.rule.level(float(self.timing()[self.audience].max()))

    def moments(self) -> pd.DataFrame:
        """Each peak of each moment's pressure on the focus audience, with the timing there."""
        s, d = self._horizon()

        def build() -> pd.DataFrame:
            dr = attention_drivers(self.case, self.audience, start=s, days=d)
            cols = ["date", "moment_name", "kind", "pressure", "timing"]
            if dr.empty:
                return pd.DataFrame(columns=cols)
            m, day = dr["moment"].to_numpy(object), dr["date"].to_numpy("datetime64[D]")
            p = dr["pressure"].to_numpy()
            order = np.lexsort((day, m))
            m, day, p = m[order], day[order], p[order]
            new_run = np.r_[True, (m[1:] != m[:-1]) | (np.diff(day).astype(int) != 1)]
            run = np.cumsum(new_run)
            best = np.lexsort((-p, run))  # within each run, the highest pressure first
            first = best[np.r_[True, run[best][1:] != run[best][:-1]]]
            pk = dr.iloc[order[first]].sort_values("date")
            pk["timing"] = self.timing()[self.audience].reindex(pk["date"]).to_numpy()
            return pk[cols].reset_index(drop=True)

        return self._cached(("moments", self._version, self.audience, s, d), build)

    def recommendations(self) -> pd.DataFrame:
        """What to do for the focus audience: ``section, recommendation, score, when``."""
        s, d = self._horizon()
        a, g = self.audience, self.goal
        key = ("recs", self._version, a, g, s, d, tuple(self.weights.values()), self.sigma,
               self.rule)
        return self._cached(key, lambda: self._recommendations(a, g, s, d))

    def _recommendations(self, a: str, g: str, s: str, d: int) -> pd.DataFrame:
        rows: list[tuple[str, str, float, str]] = []
        me = self.priority().set_index("audience").loc[a]
        verdict = "fragile" if bool(me["fragile"]) else "stable"
        rows.append(("Rank", f"rank {int(me['rank'])} of {len(self.base.ids('audience'))}; "
                     f"under noise σ = {self.sigma:.2f} its rank runs {int(me['rank_p05'])}–"
                     f"{int(me['rank_p95'])} and it stays in the top three in "
                     f"{me['p_top3']:.0%} of draws: {verdict}", float(me["priority"]), ""))
        win = self.windows().sort_values("peak", ascending=False).head(2).sort_values("start")
        for _, w in win.iterrows():
            rows.append(("When", f"window {_date(w['start'])} – {_date(w['end'])}: "
                         + ", ".join(w["moment_names"]), float(w["peak"]),
                         self._prepare(w["prepare_by"])))
        if win.empty:
            rows.append(("When", f"no window ({self.rule.describe()}) in this horizon: build "
                         "the relationship now, and watch for crises", float("nan"), ""))
        f = recommend_formats(self.case, a, g, start=s, days=d)
        for _, r in f[f["fit"] > 0].head(3).iterrows():
            rows.append(("How", f"{r['name']} ({r['kind']}, {r['effort']} effort)",
                         float(r["fit"]), self._prepare(r["prepare_by"])))
        for _, r in recommend_allies(self.case, a).head(2).iterrows():
            rows.append(("With whom", f"{r['name']} ({r['kind']})", float(r["reach"]), ""))
        m = recommend_messages(self.case, a, g)
        for _, r in m.hooks.iterrows():
            rows.append(("What to say", f"{r['interest_name']}: {r['hook']}",
                         float(r["contribution"]), ""))
        for _, r in m.frames.head(2).iterrows():
            rows.append(("Frame", f"{r['name']} ({r['tone']}): {r['text']}", float(r["score"]),
                         ""))
        if m.warning:
            rows.append(("Warning", m.warning, float(m.negative_share), ""))
        return pd.DataFrame(rows, columns=["section", "recommendation", "score", "when"])

    def _prepare(self, day: object) -> str:
        if day is None or pd.isna(day):
            return ""
        if pd.Timestamp(day) < self.start:
            return f"start now (due {_date(day)})"
        return f"prepare by {_date(day)}"


def _check_sigma(sigma: object) -> float:
    if isinstance(sigma, bool) or not isinstance(sigma, int | float | np.number) \
            or not 0 <= float(sigma) <= 2:
        raise BadParameterError("sigma", sigma, "a number from 0 to 2")
    return float(sigma)
