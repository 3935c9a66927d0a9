"""The explorer's four figures, updated in place: priority, contributions, timeline, to-do.

``_Figures`` draws an :class:`~strategy_kit.explorer.state.ExplorerState` as Plotly
``FigureWidget``s (live, in JupyterLab) or plain ``go.Figure``s (static, in batch runs). It
builds the traces once; ``update`` assigns new data only to the figures whose inputs changed,
so that the widgets are never rebuilt. Case strings go through ``_t`` before they reach Plotly.
"""

from __future__ import annotations

import textwrap
from collections.abc import Hashable, Sequence
from copy import deepcopy

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..model.matrices import PRIORITY_PARTS, priority_weights
from ..plots.style import MUTED, PALETTE, PART_COLOURS, PART_LABELS, TEMPLATE, WARN, plotly_safe
from .state import ExplorerState

#: Moments labelled on the timeline (the strongest peaks); the others show on hover.
LABELLED_MOMENTS = 4
_CASE_MARK = "#333333"


def _t(s: object, limit: int | None = None) -> str:
    """A case string made safe for Plotly text (which renders some tags), maybe shortened."""
    raw = "" if s is None or (isinstance(s, float) and np.isnan(s)) else str(s)
    if limit and len(raw) > limit:
        raw = raw[: limit - 1].rstrip() + "…"
    return plotly_safe(raw)


def _title(text: str, sub: str) -> str:
    """A title and a smaller grey line under it (both already escaped)."""
    return f"{text}<br><span style='font-size:12px;color:{MUTED}'>{sub}</span>"


def _labels(names: Sequence[str], ids: Sequence[str]) -> list[str]:
    short = [_t(n, 30) for n in names]
    dup = pd.Series(short).duplicated(keep=False).tolist()
    return [f"{s} ({_t(i)})" if d else s for s, i, d in zip(short, ids, dup, strict=True)]


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
        #: The figures that could not be drawn at the last update, and why.
        self.failed: dict[str, str] = {}
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
                                  marker=dict(symbol="diamond", size=9, color=WARN,
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
        """Bring every figure whose inputs changed up to date.

        A figure that cannot be drawn says so in its title, with the reason, instead of
        staying empty; the others are drawn all the same (``failed`` names it).
        """
        s = self.state
        h = (s.start, s.days)
        w = tuple(s.weights.values())
        steps = [
            ("priority", self.priority, (s._version, s.goal, h, w, s.sigma, s.compare,
                                         s.audience), lambda: self._update_priority(s.priority())),
            ("contributions", self.contributions, (s._version, s.audience, s.goal),
             lambda: self._update_contributions(s.contributions())),
            ("timeline", self.timeline, (s._version, h, s.compare, s.audience, s.rule),
             lambda: self._update_timeline(s.timing(), s.windows(), s.moments())),
            ("table", self.table, (s._version, s.audience, s.goal, h, w, s.sigma, s.rule),
             lambda: self._update_table(s.recommendations())),
        ]
        for name, fig, key, draw in steps:
            if not self._due(name, key):
                continue
            try:
                draw()
                self.failed.pop(name, None)
            except Exception as e:  # noqa: BLE001 - said in the figure, never a blank one
                self._keys.pop(name, None)  # try again at the next change
                self.failed[name] = f"{type(e).__name__}: {e}"
                fig.layout.title.text = _title(f"This figure could not be drawn ({name})",
                                               _t(self.failed[name], 160))

    def _update_priority(self, pr: pd.DataFrame) -> None:
        s = self.state
        df = pr[pr["audience"].isin(set(s.compare) | {s.audience})]
        df = df.sort_values(["priority", "audience"], ascending=[False, True])
        short = s.base.labels("audience")  # the case's labels, else the names
        labels = _labels([short[a] for a in df["audience"]], list(df["audience"]))
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
        short = s.base.labels("interest")
        labels = _labels([short[i] for i in df["interest"]], list(df["interest"]))
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
                                   else MUTED)
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
        level = s.level()
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, y0=level, y1=level,
                           line=dict(color=MUTED, dash="dash", width=1)))
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
                f"thick line: {_t(name, 60)}; shaded: its windows (timing ≥ {level:.2f}, "
                f"{s.rule.short})")

    def resend(self, fig: go.FigureWidget) -> None:
        """Send a figure whole to a view in the browser that has no traces.

        Plotly's widget reads its traces once, when a view is made; a view made before the
        figure's state arrived stays empty whatever comes later, except edits: add every
        trace and set the layout, as edits.
        """
        fig._send_addTraces_msg(deepcopy(list(fig._data)))
        fig._send_relayout_msg(deepcopy(fig._layout))

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
