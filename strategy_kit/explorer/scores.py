"""The explorer's scores: what ``ExplorerState`` shows, recomputed from its choices, memoised.

``StateScores`` is the part of :class:`~strategy_kit.explorer.state.ExplorerState` that turns
the strategist's choices (goal, horizon, weights, window rule, noise) into the tables the
explorer draws: priority with its robustness, contributions, timing, windows, moments and
recommendations. Each is kept by the choices it depends on, so that a slider answers within
~100 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd

from ..model.recommend import recommend_allies, recommend_formats, recommend_messages
from ..model.robustness import score_robustness
from ..model.scoring import score_contributions, score_priority
from ..model.timing import attention_drivers, score_timing
from ..model.windows import find_windows
from ..params import long_date

_date = long_date  # the report's date format (params.REPORT_DATE)

__all__ = ["StateScores"]


class StateScores:
    """The scores of an explorer's state (mixed into ``ExplorerState``, which holds the choices)."""

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
