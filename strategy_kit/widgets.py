"""The interactive explorer of ``notebooks/03-explore.ipynb``: controls and live figures.

``ExplorerState`` holds what a strategist changed (the goal, the audiences, the horizon, the
priority weights, the audiences' interest weights, the robustness noise) and recomputes the
scores with the engine; it needs no front end, so tests drive it directly. ``Explorer`` puts
ipywidgets controls around it and four Plotly ``FigureWidget``s that are updated in place.
In a batch run (``Explorer.show(interactive=False)``) the same figures are drawn once, static.
``launch_lab`` starts JupyterLab on 127.0.0.1 with the notebook open.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import ipywidgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import config
from ._matrices import PRIORITY_PARTS, check_count, matrices, priority_weights
from .case import Case, load_case
from .display import esc, show_figure, show_html
from .errors import BadParameterError, RunError, StrategyKitError
from .params import parse_days, parse_start
from .plots import PALETTE, PART_COLOURS, PART_LABELS, TEMPLATE
from .recommend import recommend_allies, recommend_formats, recommend_messages
from .robustness import score_robustness
from .scoring import score_contributions, score_priority
from .timing import attention_drivers, find_windows, score_timing

__all__ = ["CASE_ENV", "Explorer", "ExplorerState", "launch_lab"]

#: The case ``launch_lab`` opened; the notebook's empty ``case`` parameter falls back to it.
CASE_ENV = "STRATEGY_KIT_CASE"
THRESHOLD = 0.5
#: Fewer draws than the reports' 1,000: the explorer must answer within ~100 ms; the
#: probabilities it shows move by about ±3 points.
DRAWS = 200
COMPARE_DEFAULT = 5
#: Moments labelled on the timeline (the strongest peaks); the others show on hover.
LABELLED_MOMENTS = 4
NOTEBOOK = "03-explore.ipynb"
_WARN, _MUTED, _CASE_MARK = "#D55E00", "#6b6b6b", "#333333"


def _t(s: object, limit: int | None = None) -> str:
    """A case string made safe for Plotly text (which renders some tags), maybe shortened."""
    raw = "" if s is None or (isinstance(s, float) and np.isnan(s)) else str(s)
    if limit and len(raw) > limit:
        raw = raw[: limit - 1].rstrip() + "…"
    return html.escape(raw, quote=False)


def _short(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _title(text: str, sub: str) -> str:
    """A title and a smaller grey line under it (both already escaped)."""
    return f"{text}<br><span style='font-size:12px;color:{_MUTED}'>{sub}</span>"


def _date(v: object) -> str:
    return "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%-d %b %Y")


def _labels(names: Sequence[str], ids: Sequence[str]) -> list[str]:
    short = [_t(n, 30) for n in names]
    dup = pd.Series(short).duplicated(keep=False).tolist()
    return [f"{s} ({_t(i)})" if d else s for s, i, d in zip(short, ids, dup, strict=True)]


def _load(case: str | Path | Case | None) -> Case:
    if isinstance(case, Case):
        return case
    if case is None or not str(case).strip():
        case = os.environ.get(CASE_ENV) or config.DEFAULT_CASE
    return load_case(case)


# -- the state, without a front end ------------------------------------------------------------


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
    """

    def __init__(self, case: str | Path | Case | None = None, goal: str | None = None,
                 audience: str | None = None, compare: Sequence[str] | None = None,
                 start: object = None, days: int | str | None = None, sigma: float = 0.25,
                 draws: int = DRAWS) -> None:
        self.base = _load(case)
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
               sigma: float | None = None) -> None:
        """Change some choices; each is checked, and nothing changes if one is bad."""
        new: dict[str, Any] = {}
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

    def export(self, folder: str | Path | None = None) -> Path:
        """Write a copy of the case folder with the adjusted weights; the case is untouched.

        The copy is ``<case>-adjusted-<YYYYmmdd-HHMMSS>/`` next to the case (or ``folder``):
        every file of the case, ``audience_interests.csv`` with the adjusted weights, and
        ``case.yaml`` with the priority weights when they were changed. The copy is loaded
        once to check it.

        Returns
        -------
        Path
            The new case folder.
        """
        a_ids = self.case.ids("audience")
        dead = [a for a, s in zip(a_ids, matrices(self.case).weight.sum(axis=1), strict=True)
                if s <= 0]
        if dead:
            raise BadParameterError("interest weights", ", ".join(dead),
                                    "at least one interest above 0 for every audience")
        src = self.base.path
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        parent = Path(folder) if folder else src.parent
        target = parent / f"{src.name}-adjusted-{stamp}"
        n = 1
        while target.exists():
            n += 1
            target = parent / f"{src.name}-adjusted-{stamp}-{n}"
        shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        try:
            _write_interests(src / "audience_interests.csv",
                             target / "audience_interests.csv", self._overrides)
            if self.weights_changed:
                _write_weights(target / "case.yaml", priority_weights(self.base, self.weights))
            load_case(target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
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
                                   draws=self.draws, seed=0, weights=self.weights).summary
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
        return self._cached(("windows", self._version, self.audience, s, d), lambda: find_windows(
            self.case, self.audience, start=s, days=d, threshold=THRESHOLD))

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
        key = ("recs", self._version, a, g, s, d, tuple(self.weights.values()), self.sigma)
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
            rows.append(("When", f"no window with timing ≥ {THRESHOLD} in this horizon: build "
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


def _spaced(mom: pd.DataFrame, n: int, gap_days: int = 30) -> set[int]:
    """The rows of the strongest moment peaks, at most n, no two within ``gap_days``."""
    chosen: list[int] = []
    for k in mom["pressure"].sort_values(ascending=False, kind="stable").index:
        d = mom.at[k, "date"]
        if all(abs((d - mom.at[j, "date"]).days) >= gap_days for j in chosen):
            chosen.append(k)
        if len(chosen) == n:
            break
    return set(chosen)


def _check_sigma(sigma: object) -> float:
    if isinstance(sigma, bool) or not isinstance(sigma, int | float | np.number) \
            or not 0 <= float(sigma) <= 2:
        raise BadParameterError("sigma", sigma, "a number from 0 to 2")
    return float(sigma)


def _fmt(v: float) -> str:
    return f"{round(float(v), 4):g}"


def _write_interests(src: Path, dst: Path, overrides: Mapping[tuple[str, str], float]) -> None:
    """Rewrite only the weight cells that changed, keeping every other cell as written."""
    df = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [str(c).strip() for c in df.columns]
    df = df[~(df == "").all(axis=1)]
    key = list(zip(df["audience"].str.strip(), df["interest"].str.strip(), strict=True))
    pos = {k: df.index[n] for n, k in enumerate(key)}
    extra = []
    for (a, i), v in overrides.items():
        if (a, i) in pos:
            df.at[pos[(a, i)], "weight"] = _fmt(v)
        else:
            extra.append({**dict.fromkeys(df.columns, ""), "audience": a, "interest": i,
                          "weight": _fmt(v)})
    if extra:
        df = pd.concat([df, pd.DataFrame(extra, columns=df.columns)], ignore_index=True)
    df.to_csv(dst, index=False, lineterminator="\n", encoding="utf-8")


def _write_weights(path: Path, w: np.ndarray) -> None:
    """Set the weights in case.yaml, keeping its comments when the block is plain."""
    import yaml

    text = path.read_text(encoding="utf-8-sig")
    want = {k: round(float(v), 4) for k, v in zip(PRIORITY_PARTS, w, strict=True)}
    block = "weights:\n" + "".join(f"  {k}: {v:g}\n" for k, v in want.items())
    new = re.sub(r"(?m)^weights:[ \t]*(#.*)?\n(?:[ \t]+.*\n?)*", block, text)
    if new == text:
        new = text.rstrip("\n") + "\n" + block
    loaded = yaml.safe_load(new)
    if not isinstance(loaded, dict) or loaded.get("weights") != want:
        loaded = yaml.safe_load(text) or {}
        loaded["weights"] = want
        new = "# weights set in the strategy-kit explorer\n" + yaml.safe_dump(
            loaded, sort_keys=False, allow_unicode=True)
    path.write_text(new, encoding="utf-8")


# -- figures, updated in place ------------------------------------------------------------------


class _Figures:
    """The four figures; ``update`` assigns new trace data, never builds new figures."""

    def __init__(self, state: ExplorerState, widget: bool) -> None:
        make = go.FigureWidget if widget else go.Figure
        self.widget = widget
        self.state = state
        base = state.base
        self._ids = list(base.ids("audience"))
        self._names = base.names("audience")
        self._themes = list(dict.fromkeys(base.interests["theme"]))
        self._keys: dict[str, Hashable] = {}
        lay = dict(template=TEMPLATE, margin=dict(l=20, r=30, t=80, b=40),
                   title=dict(x=0.01, xref="container", xanchor="left"))
        right = dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top",
                     yref="paper", font=dict(size=12))
        self.priority = make(layout=dict(lay, barmode="stack", height=360,
                                         margin=dict(l=20, r=30, t=125, b=40),
                                         legend=dict(traceorder="normal")))
        for part, colour in PART_COLOURS.items():
            self.priority.add_bar(orientation="h", name=PART_LABELS[part], marker_color=colour,
                                  hovertemplate="%{customdata}<extra></extra>")
        self.priority.add_scatter(mode="markers", name="the case's priority",
                                  marker=dict(symbol="line-ns-open", size=22, color=_CASE_MARK,
                                              line=dict(width=2.5)),
                                  hovertemplate="in the case: %{x:.2f}<extra></extra>")
        self.priority.add_scatter(mode="text", showlegend=False, textposition="middle right",
                                  cliponaxis=False, hoverinfo="skip")
        self.priority.update_xaxes(range=[0, 1], title_text="priority = fit part + influence "
                                   "part + timing part (| = the case's)")
        self.priority.update_yaxes(autorange="reversed")
        self.contributions = make(layout=dict(lay, barmode="overlay", height=360,
                                              legend=dict(right, title=dict(text="theme"))))
        for k, theme in enumerate(self._themes):
            self.contributions.add_bar(orientation="h", name=_t(theme, 24),
                                       marker_color=PALETTE[k % len(PALETTE)],
                                       textposition="outside", cliponaxis=False,
                                       hovertemplate="%{customdata}<extra></extra>")
        self.contributions.add_scatter(mode="markers", name="the case's",
                                       marker=dict(symbol="line-ns-open", size=16,
                                                   color=_CASE_MARK, line=dict(width=2)),
                                       hovertemplate="in the case: %{x:.2f}<extra></extra>")
        self.contributions.update_yaxes(autorange="reversed")
        self.contributions.update_xaxes(title_text="contribution to fit (they add up to the "
                                        "fit; | = the case's)")
        self.timeline = make(layout=dict(lay, height=440, hovermode="x unified", legend=right))
        for n, a in enumerate(self._ids):
            self.timeline.add_scatter(mode="lines", name=_t(self._names[a], 30),
                                      line=dict(color=PALETTE[n % len(PALETTE)], width=1.5),
                                      hovertemplate="%{y:.2f}")
        self.timeline.add_scatter(mode="markers+text", name="moment", textposition="top center",
                                  marker=dict(symbol="diamond", size=9, color=_WARN,
                                              line=dict(width=1, color="white")),
                                  textfont=dict(size=11, color="#5a2a00"), cliponaxis=False,
                                  hovertemplate="%{customdata}<extra></extra>")
        self.timeline.update_yaxes(range=[0, 1.1], title_text="timing (attention, 0–1)")
        self.timeline.update_xaxes(showgrid=False)
        self.table = make(go.Table(
            columnwidth=[118, 385, 55, 150],
            header=dict(values=["<b>what</b>", "<b>recommendation</b>", "<b>score</b>",
                                "<b>when</b>"], fill_color=PART_COLOURS["fit"],
                        font=dict(color="white", size=13), align="left", height=30),
            cells=dict(values=[[], [], [], []], align=["left", "left", "right", "left"],
                       font=dict(size=12.5), height=24, line=dict(color="#dddddd"))),
            layout=dict(lay, margin=dict(l=10, r=10, t=80, b=10), height=400))
        self._configure()

    def _configure(self) -> None:
        if self.widget:  # follow the window's width; no Plotly logo
            for fig in self.all:
                fig._config = {"responsive": True, "displaylogo": False}

    @property
    def all(self) -> list[go.Figure]:
        """The figures, in the order shown."""
        return [self.priority, self.contributions, self.timeline, self.table]

    def _due(self, name: str, key: Hashable) -> bool:
        if self._keys.get(name) == key:
            return False
        self._keys[name] = key
        return True

    def update(self) -> None:
        """Bring every figure whose inputs changed up to date."""
        s = self.state
        h = (s.start, s.days)
        w = tuple(s.weights.values())
        if self._due("priority", (s._version, s.goal, h, w, s.sigma, s.compare, s.audience)):
            self._update_priority(s.priority())
        if self._due("contributions", (s._version, s.audience, s.goal)):
            self._update_contributions(s.contributions())
        if self._due("timeline", (s._version, h, s.compare, s.audience)):
            self._update_timeline(s.timing(), s.windows(), s.moments())
        if self._due("table", (s._version, s.audience, s.goal, h, w, s.sigma)):
            self._update_table(s.recommendations())

    def _update_priority(self, pr: pd.DataFrame) -> None:
        s = self.state
        df = pr[pr["audience"].isin(set(s.compare) | {s.audience})]
        df = df.sort_values(["priority", "audience"], ascending=[False, True])
        labels = _labels(list(df["audience_name"]), list(df["audience"]))
        labels = [f"<b>{lb}</b>" if a == s.audience else lb
                  for lb, a in zip(labels, df["audience"], strict=True)]
        wn = priority_weights(s.base, s.weights)
        flags = [f" {p:.2f} · top 3: {q:.0%}" + (" · fragile" if f else "")
                 for p, q, f in zip(df["priority"], df["p_top3"], df["fragile"], strict=True)]
        n = len(pr)
        ranks = [f"<br>priority {p:.2f}: rank {r} of {n} ({lo}–{hi} under noise σ = "
                 f"{s.sigma:.2f})" for p, r, lo, hi in zip(df["priority"], df["rank"],
                                                          df["rank_p05"], df["rank_p95"],
                                                          strict=True)]
        goal = s.base.names("goal")[s.goal]
        with self.priority.batch_update():
            for k, part in enumerate(PRIORITY_PARTS):
                tr = self.priority.data[k]
                tr.x, tr.y = df[f"{part}_part"].to_numpy(), labels
                tr.customdata = [f"<b>{_t(m)}</b><br>{part} {v:.2f} × weight {wn[k]:.2f} = "
                                 f"{x:.2f}{rk}" for m, v, x, rk in zip(
                                     df["audience_name"], df[part], df[f"{part}_part"], ranks,
                                     strict=True)]
            self.priority.data[3].x, self.priority.data[3].y = df["case_priority"].to_numpy(), \
                labels
            tr = self.priority.data[4]
            tr.x, tr.y, tr.text = df["priority"].to_numpy(), labels, flags
            self.priority.layout.title.text = _title("Priority of the audiences",
                                                     f"for the goal: {_t(goal, 90)}")
            self.priority.layout.height = 170 + 34 * len(df)
            self.priority.layout.yaxis.categoryarray = labels
            self.priority.layout.yaxis.categoryorder = "array"

    def _update_contributions(self, c: pd.DataFrame) -> None:
        s = self.state
        df = c.sort_values(["contribution", "weight"], ascending=False, kind="stable")
        labels = _labels(list(df["interest_name"]), list(df["interest"]))
        name = s.base.names("audience")[s.audience]
        fit, was = float(df["contribution"].sum()), float(df["case_contribution"].sum())
        top = max(df["contribution"].to_numpy().max(initial=0),
                  df["case_contribution"].to_numpy().max(initial=0), 0.05)
        theme = df["theme"].to_numpy(object)
        x = df["contribution"].to_numpy()
        hover = np.array([
            f"<b>{_t(n)}</b><br>weight {w:.2f} × strength {st:.2f} / Σ weight = {c:.2f}<br><i>"
            + ("<br>".join(textwrap.wrap(_t(h), 60)) or "(no hook)") + "</i>"
            for n, w, st, c, h in zip(df["interest_name"], df["weight"], df["strength"], x,
                                      df["hook"], strict=True)], dtype=object)
        y = np.array(labels, dtype=object)
        with self.contributions.batch_update():
            # colours for the themes this audience has, in order: distinct up to eight
            present = list(dict.fromkeys(theme))
            for k, th in enumerate(self._themes):
                on = theme == th
                tr = self.contributions.data[k]
                tr.x, tr.y, tr.customdata = x[on], y[on], hover[on]
                tr.showlegend = th in present
                tr.marker.color = (PALETTE[present.index(th) % len(PALETTE)] if th in present
                                   else _MUTED)
                tr.text = [f"{v:.2f}" for v in x[on]]
            tr = self.contributions.data[-1]
            tr.x, tr.y = df["case_contribution"].to_numpy(), labels
            self.contributions.layout.title.text = _title(
                f"Why they would care: fit {fit:.2f}"
                + (f" (in the case {was:.2f})" if abs(fit - was) > 5e-4 else ""), _t(name, 90))
            self.contributions.layout.height = 180 + 26 * len(df)
            self.contributions.layout.xaxis.range = [0, top * 1.25]
            self.contributions.layout.yaxis.categoryarray = labels
            self.contributions.layout.yaxis.categoryorder = "array"

    def _update_timeline(self, t: pd.DataFrame, wins: pd.DataFrame, mom: pd.DataFrame) -> None:
        s = self.state
        shown = set(s.compare) | {s.audience}
        x = t.index.to_numpy()
        shapes = [dict(type="rect", xref="x", yref="paper", x0=w0, x1=w1 + pd.Timedelta(days=1),
                       y0=0, y1=1, fillcolor="#009E73", opacity=0.15, line_width=0,
                       layer="below") for w0, w1 in zip(wins["start"], wins["end"], strict=True)]
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, y0=THRESHOLD, y1=THRESHOLD,
                           line=dict(color=_MUTED, dash="dash", width=1)))
        name = s.base.names("audience")[s.audience]
        with self.timeline.batch_update():
            for n, a in enumerate(self._ids):
                tr = self.timeline.data[n]
                tr.visible = a in shown
                tr.x, tr.y = x, t[a].to_numpy()
                tr.line.width = 4 if a == s.audience else 1.5
                tr.opacity = 1.0 if a == s.audience else 0.7
            tr = self.timeline.data[-1]
            tr.x, tr.y = mom["date"].to_numpy(), mom["timing"].to_numpy(float)
            strong = _spaced(mom, LABELLED_MOMENTS, max(14, s.days // 6))
            tr.text = [_t(m, 18) if k in strong else "" for k, m in mom["moment_name"].items()]
            tr.customdata = [f"<b>{_t(m)}</b> ({_t(k)})<br>pressure {p:.2f}" for m, k, p in
                             zip(mom["moment_name"], mom["kind"], mom["pressure"], strict=True)]
            self.timeline.layout.shapes = shapes
            self.timeline.layout.xaxis.range = [x[0], x[-1]]
            self.timeline.layout.title.text = _title(
                "When they are listening",
                f"thick line: {_t(name, 60)}; shaded: its windows (timing ≥ {THRESHOLD})")

    def redraw(self, fig: go.FigureWidget) -> None:
        """Draw a figure again once it is on the page, unchanged to the eye.

        A FigureWidget inside a box is first drawn into a detached element: plotly.js then
        takes the default width (700 px) instead of the column's, and measures every table
        row as 0 px high. A relayout (and for the table a restyle) measures again.
        """
        fig.layout.autosize = False
        fig.layout.autosize = True
        if fig is self.table:
            cells = self.table.data[0].cells
            cells.height = 24.01 if cells.height == 24 else 24

    def _update_table(self, r: pd.DataFrame) -> None:
        text = ["<br>".join(_t(x) for x in textwrap.wrap(str(v), 42)) for v in r["recommendation"]]
        when = ["<br>".join(_t(x) for x in textwrap.wrap(str(v), 20)) for v in r["when"]]
        lines = [max(a.count("<br>"), b.count("<br>")) + 1 for a, b in zip(text, when, strict=True)]
        name = self.state.base.names("audience")[self.state.audience]
        with self.table.batch_update():
            self.table.data[0].cells.values = [
                [f"<b>{_t(v)}</b>" for v in r["section"]], text,
                ["" if pd.isna(v) else f"{v:.2f}" for v in r["score"]], when]
            self.table.data[0].cells.fill.color = [
                ["#ffffff" if i % 2 == 0 else "#eef4fa" for i in range(len(r))]]
            self.table.layout.height = 100 + sum(10 + 19 * n for n in lines)
            self.table.layout.title.text = _title("What to do", _t(name, 90))


# -- the widget ---------------------------------------------------------------------------------


class _Box(ipywidgets.VBox):
    """The explorer's outer box; gets its figures ready each time it is displayed."""

    before_display: Callable[[], None] | None = None

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if self.before_display is not None:
            self.before_display()
        return super()._repr_mimebundle_(**kwargs)


class Explorer:
    """The interactive explorer: controls on the left, four live figures on the right.

    ``Explorer(case)`` displays itself as the last expression of a cell; ``show(False)``
    draws the same figures static instead (batch runs, HTML export). Arguments are those of
    :class:`ExplorerState`; the state is ``explorer.state``.
    """

    def __init__(self, case: str | Path | Case | None = None, **choices: Any) -> None:
        self.state = ExplorerState(case, **choices)
        self._widget: Any = None
        self._figures: _Figures | None = None
        self._syncing = False
        self._to_redraw = [0, 0, 0, 0]  # per figure: displays not yet redrawn

    # -- display --------------------------------------------------------------------------

    @property
    def widget(self) -> Any:
        """The ipywidgets box of controls and figures, built on first use."""
        if self._widget is None:
            self._build()
        return self._widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _before_display(self) -> None:
        self._to_redraw = [n + 1 for n in self._to_redraw]
        assert self._figures is not None
        for fig in self._figures.all:
            # A FigureWidget refreshes the state a new view draws from only when it is
            # displayed itself, not as a child of a box: do it for it, or the view starts
            # from the state the figure was created with plus a replay of the edits.
            fig._repr_mimebundle_()

    def _on_figure_drawn(self, k: int, change: dict[str, Any]) -> None:
        # a figure reports its first drawing in a new view: redraw it then, once per display
        if change["new"] and self._to_redraw[k] > 0 and self._figures is not None:
            self._to_redraw[k] -= 1
            self._figures.redraw(self._figures.all[k])

    def show(self, interactive: bool = True) -> None:
        """Display the live explorer, or (``interactive=False``) its figures as static ones."""
        from IPython.display import display

        if interactive:
            display(self)
            return
        s = self.state
        names = s.base.names("audience")
        end = s.start + pd.Timedelta(days=s.days - 1)
        show_html(f"<p>Case <b>{esc(s.base.title)}</b>; goal <b>{esc(s.base.names('goal')[s.goal])}"
                  f"</b>; focus <b>{esc(names[s.audience])}</b>; planning {_date(s.start)} – "
                  f"{_date(end)}. Run the notebook with <code>interactive = True</code> in "
                  "JupyterLab to move the weights.</p>")
        figs = _Figures(s, widget=False)
        figs.update()
        for f in figs.all:
            show_figure(f)

    # -- controls -------------------------------------------------------------------------

    def _build(self) -> None:
        W = ipywidgets  # noqa: N806

        s, base = self.state, self.state.base
        self._figures = _Figures(s, widget=True)
        for k, fig in enumerate(self._figures.all):
            fig.observe(lambda ch, k=k: self._on_figure_drawn(k, ch), names="_js2py_traceDeltas")

        def wide() -> Any:  # one Layout per widget: a shared one hides them all together
            return W.Layout(width="100%")

        st = {"description_width": "120px"}
        self.goal = W.Dropdown(options=[(n, i) for i, n in base.names("goal").items()],
                               value=s.goal, description="Goal", layout=wide(), style=st)
        self.audience = W.Dropdown(options=[(n, i) for i, n in base.names("audience").items()],
                                   value=s.audience, description="Look closely at",
                                   layout=wide(), style=st)
        self.compare = {a: W.Checkbox(value=a in s.compare, description=_short(n, 42),
                                      tooltip=n, indent=False, layout=W.Layout(width="auto"))
                        for a, n in base.names("audience").items()}
        self.start = W.DatePicker(value=s.start.date(), description="Start", style=st)
        self.days = W.IntSlider(value=s.days, min=30, max=max(730, s.days), step=15,
                                description="Horizon (days)", continuous_update=False,
                                layout=wide(), style=st)
        self.weights = {k: W.FloatSlider(value=round(s.weights[k], 4), min=0, max=1, step=0.05,
                                         description=PART_LABELS[k].split(" (")[0].capitalize(),
                                         continuous_update=False, readout_format=".2f",
                                         layout=wide(), style=st) for k in PRIORITY_PARTS}
        self.shares = W.HTML()
        names = base.names("interest")
        themes = dict(zip(base.interests["id"], base.interests["theme"], strict=True))
        self.interests = {i: W.FloatSlider(min=0, max=1, step=0.01, readout_format=".2f",
                                           tooltip=f"{n} ({themes[i]})",
                                           continuous_update=False, layout=wide(),
                                           style={"description_width": "0px"})
                          for i, n in names.items()}
        # the full name above each slider: interest names are long sentences
        self._interest_rows = {
            i: W.VBox([W.HTML(f"<div style='font-size:12px;line-height:15px'>{esc(n)} "
                              f"<span style='color:{_MUTED}'>· {esc(themes[i])}</span></div>",
                              layout=W.Layout(margin="4px 0 -6px 4px")),
                       self.interests[i]],
                   # no shrinking in the scrolled box, or the sliders are squeezed out
                   layout=W.Layout(width="100%", flex="0 0 auto"))
            for i, n in names.items()}
        for row in self._interest_rows.values():
            row.add_class("sk-interest")
        self.all_interests = W.Checkbox(value=False, description="show every interest",
                                        indent=False)
        self.interest_box = W.VBox(list(self._interest_rows.values()),
                                   layout=W.Layout(max_height="420px", overflow="auto"))
        self.interest_title = W.HTML()
        self.sigma = W.FloatSlider(value=s.sigma, min=0, max=1, step=0.05,
                                   description="Noise σ", continuous_update=False,
                                   readout_format=".2f", layout=wide(), style=st)
        self.reset = W.Button(description="Reset to case", icon="undo",
                              tooltip="Back to the case's interest and priority weights")
        self.export = W.Button(description="Export adjusted weights", icon="save",
                               button_style="primary", layout=W.Layout(width="auto"),
                               tooltip="Write a copy of the case with these weights")
        self.status = W.HTML()

        self._watch(self.goal, lambda v: s.update(goal=v))
        self._watch(self.audience, self._on_audience)
        for cb in self.compare.values():
            self._watch(cb, lambda _: s.update(
                compare=[a for a, c in self.compare.items() if c.value]))
        self._watch(self.start, lambda v: v and s.update(start=v))
        self._watch(self.days, lambda v: s.update(days=v))
        for k, sl in self.weights.items():
            self._watch(sl, lambda v, k=k: s.update(weights={k: v}))
        for i, sl in self.interests.items():
            self._watch(sl, lambda v, i=i: s.set_interest_weight(i, v))
        self._watch(self.all_interests, lambda _: self._sync_interests())
        self._watch(self.sigma, lambda v: s.update(sigma=v))
        self.reset.on_click(lambda _: self._run(self._on_reset))
        self.export.on_click(lambda _: self._run(self._on_export))

        def head(text: str) -> Any:
            return W.HTML(f"<b style='font-size:14px'>{text}</b>",
                          layout=W.Layout(margin="10px 0 0 0"))

        controls = W.VBox([
            self.goal, self.audience,
            head("Audiences to compare"),
            W.VBox(list(self.compare.values())),
            head("Planning"), self.start, self.days,
            head("Priority weights"), *self.weights.values(), self.shares,
            self.interest_title, self.all_interests, self.interest_box,
            head("Robustness"), self.sigma,
            W.HBox([self.reset, self.export],
                   layout=W.Layout(margin="12px 0 0 0", flex_flow="row wrap")),
            self.status,
        ], layout=W.Layout(width="350px", min_width="350px", padding="0 12px 0 0"))
        figures = W.VBox(self._figures.all, layout=W.Layout(flex="1 1 auto", min_width="0"))
        intro = W.HTML(
            f"<h3 style='margin:0'>{esc(base.title)}</h3><p style='margin:4px 0 8px 0'>"
            "Change a control and the figures follow. Your changes stay here until you "
            "<b>export</b> them; the case itself is never changed.</p>")
        self._widget = _Box([intro, W.HBox([controls, figures])])
        self._widget.before_display = self._before_display
        self._sync_interests()
        self._refresh()

    def _watch(self, widget: Any, fn: Callable[[Any], Any]) -> None:
        def handler(change: dict[str, Any]) -> None:
            if not self._syncing:
                self._run(lambda: fn(change["new"]))
        widget.observe(handler, names="value")

    def _run(self, fn: Callable[[], Any]) -> None:
        """Apply a change and refresh; a bad value is reported in the status line."""
        try:
            fn()
            self._refresh()
        except StrategyKitError as e:
            self._say(str(e), error=True)
        except Exception as e:  # a strategist sees no traceback in a widget callback
            self._say(f"Something went wrong: {type(e).__name__}: {e}", error=True)

    def _say(self, message: str, error: bool = False) -> None:
        colour = _WARN if error else "#00694f"
        self.status.value = f"<div style='color:{colour};margin-top:6px'>{message}</div>"

    def _on_audience(self, value: str) -> None:
        self.state.update(audience=value)
        self._sync_interests()

    def _on_reset(self) -> None:
        self.state.reset()
        self._syncing = True
        try:
            for k, sl in self.weights.items():
                sl.value = round(self.state.weights[k], 4)
        finally:
            self._syncing = False
        self._sync_interests()
        self._say("Back to the case's weights.")

    def _on_export(self) -> None:
        s = self.state
        if s.changes().empty and not s.weights_changed:
            self._say("Nothing to export: the weights are the case's.")
            return
        path = s.export()
        self._say(f"Saved a copy of the case with your weights ({len(s.changes())} interest "
                  f"weight(s){', priority weights' if s.weights_changed else ''}) in<br>"
                  f"<code>{esc(path)}</code><br>Check it with <code>strategy-kit validate "
                  f"{esc(path)}</code>. The case itself is unchanged.")

    def _sync_interests(self) -> None:
        """Show the focus audience's weights on the interest sliders (no recomputation)."""
        s = self.state
        a = s.audience
        names = s.base.names("interest")
        rows = [(i, s.interest_weight(a, i), s.case_weight(a, i)) for i in self.interests]
        order = sorted(range(len(rows)), key=lambda n: (-rows[n][2], -rows[n][1], n))
        self._syncing = True
        try:
            for i, w, c in rows:
                sl = self.interests[i]
                sl.value = w
                changed = abs(w - c) > 5e-5
                sl.style.handle_color = _WARN if changed else None
                sl.tooltip = f"{names[i]}: case {c:.2f}" + (f", now {w:.2f}" if changed
                                                            else "")
                self._interest_rows[i].layout.display = "" if (
                    self.all_interests.value or c > 0 or w > 0) \
                    else "none"
            self.interest_box.children = [self._interest_rows[rows[n][0]] for n in order]
        finally:
            self._syncing = False
        name = esc(s.base.names("audience")[a])
        self.interest_title.value = (
            f"<b style='font-size:14px'>What {name} care about</b><br><span style='color:"
            f"{_MUTED}'>an orange handle: changed from the case</span>")

    def _refresh(self) -> None:
        s = self.state
        for i, sl in self.interests.items():
            changed = abs(sl.value - s.case_weight(s.audience, i)) > 5e-5
            sl.style.handle_color = _WARN if changed else None
        wn = priority_weights(s.base, s.weights)
        self.shares.value = ("<span style='color:#6b6b6b'>rescaled to add up to 1: " + " · ".join(
            f"{k} {v:.0%}" for k, v in zip(PRIORITY_PARTS, wn, strict=True)) + "</span>")
        assert self._figures is not None
        self._figures.update()
        if not s.compare:
            self._say("Tick at least one audience to compare; the focus audience is shown.")
        elif self.status.value.startswith("<div style='color:" + _WARN):
            self.status.value = ""


# -- JupyterLab ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_server(port: int, token: str, proc: subprocess.Popen[Any],
                     timeout: float) -> bool:
    """Wait until the server answers on 127.0.0.1 (never through a proxy); False if it died."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            opener.open(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1).close()
            return True
        except OSError:
            time.sleep(0.3)
    return False


def lab_command(port: int, token: str, root: Path, open_browser: bool = False) -> list[str]:
    """The JupyterLab command line ``launch_lab`` runs: local only, nothing fetched online."""
    return [sys.executable, "-m", "jupyter", "lab", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            f"--ServerApp.open_browser={open_browser}",
            # no news feed and no update check: the kit never phones home (DESIGN.md)
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            f"--LabApp.default_url=/lab/tree/notebooks/{NOTEBOOK}",
            # containers often run as root, which JupyterLab refuses without this
            *(["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0
              else [])]


def launch_lab(case: str | None, port: int | None = None, open_browser: bool = False) -> None:
    """Start JupyterLab on 127.0.0.1 with ``notebooks/03-explore.ipynb`` open; Ctrl-C stops it.

    JupyterLab runs from the current Python's environment, whose ipywidgets, anywidget and
    Plotly front-end extensions ship prebuilt in their pip packages: nothing to install. The
    case is handed to the notebook's kernel in ``$STRATEGY_KIT_CASE``.

    Parameters
    ----------
    case
        A case folder or name under ``data/``; None: ``belarus``. It is validated first.
    port
        The port; None: a free one.
    open_browser
        Open the page in the default browser.
    """
    root = config.ROOT
    if not (config.NOTEBOOKS_DIR / NOTEBOOK).is_file():
        raise RunError(f"no {config.NOTEBOOKS_DIR / NOTEBOOK}: the explorer needs a checkout "
                       "of strategy-kit (pip install -e .)")
    c = load_case(case or config.DEFAULT_CASE)
    port = port or _free_port()
    token = os.urandom(16).hex()
    env = {**os.environ, CASE_ENV: str(c.path)}
    url = f"http://127.0.0.1:{port}/lab/tree/notebooks/{NOTEBOOK}?token={token}"
    proc = subprocess.Popen(lab_command(port, token, root, open_browser), env=env, cwd=root)
    # a SIGTERM to us must stop JupyterLab too (the finally below), not leave it running
    restore = None
    if threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if not _wait_for_server(port, token, proc, timeout=60):
            raise RunError(f"JupyterLab did not start on port {port} (exit code "
                           f"{proc.poll()}); is the port in use?")
        print(f"\nThe explorer of '{c.title}' is open at\n\n    {url}\n\n"
              "Run it with Run ▸ Run All Cells. Press Ctrl-C here to stop.\n", flush=True)
        proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if restore is not None:
            signal.signal(signal.SIGTERM, restore)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
