"""Plotly figures of the engine's frames, all drawn with one template (``strategy_kit``).

Every ``plot_*`` function takes tidy frames with the columns of ``docs/architecture.md``,
returns a new ``go.Figure``, never shows it and never changes its arguments. An empty frame
gives a figure that says "nothing to show". Every string that comes from a case goes through
:func:`_text` first: Plotly renders some HTML tags in labels, and a case name ``<b>`` or
``<script>`` must show as written.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from .errors import BadParameterError, UnknownChoiceError

__all__ = [
    "TEMPLATE",
    "PALETTE",
    "plot_priority",
    "plot_contributions",
    "plot_timeline",
    "plot_influence_fit",
    "plot_heatmap",
    "plot_calendar",
    "plot_rank_stability",
    "plot_table",
    "plot_coverage",
    "plot_measured_attention",
]

# ---------------------------------------------------------------------------------------------
# The look, defined once

TEMPLATE = "strategy_kit"
#: Okabe–Ito, ordered so that the first colours are the most distinct on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FIT, INFLUENCE, TIMING = "#0072B2", "#E69F00", "#009E73"
GOOD, WARN, MUTED = "#009E73", "#D55E00", "#6b6b6b"
#: A single-hue scale: colour-blind safe, and dark enough at the top for white numbers.
SEQUENTIAL = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"],
              [1.0, "#08306b"]]
# System fonts only: a report must not fetch a web font.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
PART_LABELS = {"fit": "fit (why they care)", "influence": "influence",
               "timing": "timing (peak attention)"}
PART_COLOURS = {"fit": FIT, "influence": INFLUENCE, "timing": TIMING}
NAME_LIMIT = 32
ROW_PX = 30


def _make_template() -> go.layout.Template:
    template = go.layout.Template(pio.templates["plotly_white"])
    axis = dict(automargin=True, gridcolor="#e6e6e6", zerolinecolor="#bdbdbd",
                linecolor="#bdbdbd", ticks="outside", tickcolor="#bdbdbd",
                title=dict(font=dict(size=13, color="#444")))
    template.layout.update(
        font=dict(family=FONT, size=13, color="#222222"),
        colorway=PALETTE,
        colorscale=dict(sequential=SEQUENTIAL),
        margin=dict(l=20, r=30, t=60, b=50),
        title=dict(x=0.0, xref="paper", xanchor="left", y=1.0, yref="container",
                   yanchor="top", pad=dict(t=14), font=dict(size=17)),
        legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom",
                    title=dict(text="")),
        hoverlabel=dict(bgcolor="white", bordercolor="#999999", align="left",
                        font=dict(family=FONT, size=12, color="#222222")),
        hovermode="closest",
        xaxis=axis,
        yaxis=axis,
        bargap=0.25,
    )
    return template


pio.templates[TEMPLATE] = _make_template()

# ---------------------------------------------------------------------------------------------
# Helpers


def _text(s: object) -> str:
    """Return a case string safe for Plotly text: ``<``, ``>`` and ``&`` escaped.

    Quotes are left alone: Plotly shows ``&quot;`` literally. Missing values give ``""``.
    """
    if s is None or (not isinstance(s, (str, tuple, list)) and pd.isna(s)):
        return ""
    if isinstance(s, (tuple, list)):
        s = ", ".join(str(x) for x in s)
    return html.escape(str(s), quote=False)


def _short(s: object, limit: int = NAME_LIMIT) -> str:
    """Truncate before escaping, so that an entity is never cut in half."""
    raw = "" if s is None or (isinstance(s, float) and np.isnan(s)) else str(s)
    if len(raw) > limit:
        raw = raw[: limit - 1].rstrip() + "…"
    return _text(raw)


def _wrap(s: object, width: int = 60) -> str:
    raw = _join(s)
    lines = textwrap.wrap(raw, width, break_long_words=False)
    return "<br>".join(_text(line) for line in lines)


def _clip_lines(s: str, width: int, lines: int) -> str:
    """Cut ``s`` so that it wraps to at most ``lines`` lines of ``width``, ending in "…"."""
    wrapped = textwrap.wrap(s, width, break_long_words=False)
    if len(wrapped) <= lines:
        return s
    return " ".join(wrapped[:lines])[: width * lines - 1].rstrip() + "…"


def _join(v: object) -> str:
    if isinstance(v, (tuple, list, np.ndarray)):
        return ", ".join(str(x) for x in v)
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return str(v)


def _day(v: object) -> str:
    return "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _labels(names: Iterable[object], ids: Iterable[object], limit: int = NAME_LIMIT) -> list[str]:
    """Short, escaped, unique axis labels: a clash of truncated names gets the id added."""
    names, ids = list(names), list(ids)
    short = [_short(n if _join(n) else i, limit) for n, i in zip(names, ids, strict=True)]
    seen = pd.Series(short).duplicated(keep=False).tolist()
    return [f"{s} ({_text(i)})" if dup else s for s, i, dup in zip(short, ids, seen, strict=True)]


def _require(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise BadParameterError(name, type(df).__name__, "a pandas DataFrame")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise BadParameterError(
            name, f"no column {', '.join(repr(c) for c in missing)}",
            f"a frame with the columns {', '.join(columns)}; "
            f"it has {', '.join(map(str, df.columns)) or 'none'}",
        )


def _empty(title: str | None, message: str = "nothing to show") -> go.Figure:
    fig = go.Figure(layout=dict(template=TEMPLATE, height=300))
    fig.update_layout(title=_text(title) if title else None,
                      xaxis=dict(visible=False), yaxis=dict(visible=False))
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=16, color=MUTED))
    return fig


def _height(rows: int, extra: int = 170, minimum: int = 320) -> int:
    return max(minimum, extra + ROW_PX * rows)


def _finish(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    """Apply the template, title and height; a legend goes between the title and the plot."""
    fig.update_layout(template=TEMPLATE, title=_text(title) if title else None, height=height)
    in_legend = [t for t in fig.data
                 if t.type not in ("heatmap", "table") and t.showlegend is not False]
    if len(in_legend) > 1 or any(t.showlegend for t in in_legend):
        # Placed in pixels from the top, so that it never lands on a facet's title.
        fig.update_layout(legend=dict(yref="container", y=1 - 46 / height, yanchor="top"))
        if fig.layout.margin.t is None:
            # About 7 px a character and 45 px an entry, on 900 px a row.
            width = sum(45 + 7 * len(html.unescape(t.name or "")) for t in in_legend)
            fig.update_layout(margin_t=78 + 22 * -(-width // 900))
    return fig


def _facet_titles_left(fig: go.Figure) -> None:
    """Align make_subplots' facet titles with the left edge of their panel."""
    axes = [fig.layout[k] for k in sorted(fig.layout, key=_axis_order) if k.startswith("xaxis")]
    for ann, axis in zip(fig.layout.annotations, axes, strict=False):
        ann.update(x=axis.domain[0], xanchor="left", font=dict(size=14))


def _axis_order(key: str) -> int:
    digits = key.removeprefix("xaxis").removeprefix("yaxis")
    return int(digits) if digits.isdigit() else 1


def _label_peaks(fig: go.Figure, dates: pd.Series, ys: Iterable[float],
                 names: Iterable[object], unit_px: float, weights: Iterable[float] | None = None,
                 limit: int = 10, width_px: float = 1000) -> None:
    """Name the ``limit`` heaviest peaks with arrows, in bands that keep labels apart.

    A label is about 6.6 px a character on a plot ``width_px`` wide. Labels whose extents
    overlap, directly or through a chain, form a cluster: they share a base 18 px above the
    cluster's highest peak (``unit_px`` y-units a pixel) and take levels 17 px apart, first
    free level first, in date order.
    """
    names, ys = list(names), [float(y) for y in ys]
    order = np.argsort(-np.asarray(list(weights) if weights is not None else ys), kind="stable")
    keep = sorted(order[:limit], key=lambda i: pd.Timestamp(list(dates)[i]))
    if not keep:
        return
    at = pd.to_datetime(pd.Series([list(dates)[i] for i in keep]))
    days = (at - at.min()).dt.days.to_numpy(dtype=float)
    per_day = width_px / max(float(days.max()), 30.0)
    half = [(6.6 * min(len(_join(names[i])), 26) + 10) / 2 / per_day for i in keep]
    clusters: list[list[int]] = []
    for k in range(len(keep)):
        if clusters and days[k] - half[k] < max(days[j] + half[j] for j in clusters[-1]):
            clusters[-1].append(k)
        else:
            clusters.append([k])
    for cluster in clusters:
        base = max(ys[keep[k]] for k in cluster)
        ends: list[float] = []  # the right end of the last label on each level
        for k in cluster:
            level = next((j for j, end in enumerate(ends) if end <= days[k] - half[k]), len(ends))
            ends[level:level + 1] = [days[k] + half[k]]
            i = keep[k]
            fig.add_annotation(x=at[k], y=ys[i], text=_short(names[i], 26), ax=0, ayref="y",
                               ay=base + (18 + 17 * level) * unit_px, arrowcolor="#9e9e9e",
                               arrowwidth=1, showarrow=True, font=dict(size=11, color="#5a2a00"),
                               bgcolor="rgba(255,255,255,0.8)")


def _goals(df: pd.DataFrame, goal: str | None) -> list[tuple[str, pd.DataFrame]]:
    """The (goal name, rows) pairs to draw: one goal when given, else each goal of the frame."""
    if goal is not None:
        if goal not in set(df["goal"]):
            raise UnknownChoiceError("goal", goal, list(dict.fromkeys(df["goal"])))
        df = df[df["goal"] == goal]
    out = []
    for g, rows in df.groupby("goal", sort=False):
        label = rows["goal_name"].iloc[0] if "goal_name" in rows else g
        out.append((_join(label) or str(g), rows))
    return out


def _names(ids: Iterable[object], names: Mapping[str, str] | None) -> list[object]:
    names = names or {}
    return [names.get(str(i), i) for i in ids]


def _customdata(*columns: Iterable[object]) -> np.ndarray:
    return np.array(list(zip(*columns, strict=True)), dtype=object).reshape(-1, len(columns))


# ---------------------------------------------------------------------------------------------
# Priority, fit, the grid


def plot_priority(priority_df: pd.DataFrame, goal: str | None = None,
                  title: str | None = "Priority and its three parts") -> go.Figure:
    """Horizontal stacked bars of ``fit_part``, ``influence_part`` and ``timing_part``.

    Parameters
    ----------
    priority_df
        The frame of ``score_priority``.
    goal
        The goal to draw; by default every goal of the frame, one panel each.
    title
        The figure's title.

    Returns
    -------
    go.Figure
        Audiences sorted by priority, the highest on top; hover gives each raw value, its
        weight, its part and the total.
    """
    if priority_df.empty:
        return _empty(title)
    cols = ["audience", "audience_name", "goal", "priority", "rank"]
    _require(priority_df, "priority_df",
             cols + [p for k in PART_COLOURS for p in (k, f"{k}_part")])
    panels = _goals(priority_df, goal)
    sizes = [len(rows) for _, rows in panels]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, row_heights=sizes,
                        vertical_spacing=min(0.3 / len(panels), 60 / _height(sum(sizes))),
                        subplot_titles=[_short(name, 80) for name, _ in panels]
                        if len(panels) > 1 else None)
    _facet_titles_left(fig)
    for row, (_, rows) in enumerate(panels, start=1):
        rows = rows.sort_values(["priority", "audience"], ascending=[False, True])
        labels = _labels(rows["audience_name"], rows["audience"])
        full = [_text(n) for n in rows["audience_name"]]
        for part, colour in PART_COLOURS.items():
            value, weighted = rows[part].astype(float), rows[f"{part}_part"].astype(float)
            weight = weighted.sum() / value.sum() if value.sum() > 0 else np.nan
            fig.add_trace(go.Bar(
                x=weighted.to_numpy(), y=labels, orientation="h", name=PART_LABELS[part],
                marker_color=colour, legendgroup=part, showlegend=row == 1,
                customdata=_customdata(full, value, [weight] * len(rows), rows["priority"],
                                       rows["rank"]),
                hovertemplate=(f"<b>%{{customdata[0]}}</b><br>{part} %{{customdata[1]:.2f}}"
                               " × weight %{customdata[2]:.2f} = %{x:.2f}<br>"
                               "priority %{customdata[3]:.2f} (rank %{customdata[4]})"
                               f"<extra>{part}</extra>"),
            ), row=row, col=1)
        fig.add_trace(go.Scatter(
            x=rows["priority"].to_numpy(), y=labels, mode="text", showlegend=False,
            text=[f" {p:.2f}" for p in rows["priority"]], textposition="middle right",
            hoverinfo="skip", cliponaxis=False, name="priority",
        ), row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 1.08], title_text=None)
    fig.update_xaxes(title_text="priority = fit part + influence part + timing part",
                     row=len(panels), col=1)
    return _finish(fig, title, _height(sum(sizes), extra=150 + 50 * len(panels)))


def plot_contributions(contributions_df: pd.DataFrame,
                       title: str | None = "Why they care: contributions to fit") -> go.Figure:
    """Bars of each interest's contribution to one audience's fit, largest on top.

    Parameters
    ----------
    contributions_df
        The frame of ``score_contributions``.
    title
        The figure's title; the total fit is added to it.

    Returns
    -------
    go.Figure
        One bar per interest, coloured by theme; hover shows weight × strength / Σ weight
        and the goal's hook for that interest.
    """
    if contributions_df.empty:
        return _empty(title)
    _require(contributions_df, "contributions_df",
             ["interest", "interest_name", "theme", "weight", "strength", "contribution", "hook"])
    df = contributions_df.sort_values("contribution", ascending=False, kind="stable")
    df = df.reset_index(drop=True)
    # Σ weight runs over all the audience's interests; recover it from a row that contributes.
    live = df[df["contribution"] > 0]
    total_weight = (float((live["weight"] * live["strength"] / live["contribution"]).median())
                    if len(live) else float(df["weight"].sum()))
    labels = _labels(df["interest_name"], df["interest"])
    fit = float(df["contribution"].sum())
    fig = go.Figure()
    # Interests that add nothing share one grey, unlisted trace: the legend names live themes.
    theme = df["theme"].where(df["contribution"] > 0, other=None)
    for key, rows in df.groupby(theme.fillna("\0none"), sort=False):
        idx, live_theme = rows.index, key != "\0none"
        fig_rows = _customdata([_text(df.at[i, "interest_name"]) for i in idx],
                               rows["weight"], rows["strength"], [total_weight] * len(rows),
                               [_wrap(h) or "(no hook)" for h in rows["hook"]])
        fig.add_trace(go.Bar(
            x=rows["contribution"].to_numpy(), y=[labels[i] for i in idx], orientation="h",
            name=_short(key, 24) if live_theme else "no contribution", customdata=fig_rows,
            showlegend=live_theme, marker_color=None if live_theme else MUTED,
            text=[f"{c:.2f}" for c in rows["contribution"]], textposition="outside",
            cliponaxis=False,
            hovertemplate=("<b>%{customdata[0]}</b><br>weight %{customdata[1]:.2f} × strength "
                           "%{customdata[2]:.2f} / Σ weight %{customdata[3]:.2f} = %{x:.2f}"
                           "<br><i>%{customdata[4]}</i><extra></extra>"),
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    fig.update_xaxes(title_text="contribution to fit (they add up to the fit)",
                     range=[0, max(float(df["contribution"].max()), 0.01) * 1.15])
    fig.update_layout(legend_title_text="theme", barmode="overlay")
    return _finish(fig, f"{title} {fit:.2f}" if title else None, _height(len(df), extra=190))


def plot_influence_fit(priority_df: pd.DataFrame, goal: str | None = None,
                       size: str = "timing",
                       title: str | None = "Influence–fit grid") -> go.Figure:
    """The power–interest grid, quantified: influence against fit, one point per audience.

    Parameters
    ----------
    priority_df
        The frame of ``score_priority``.
    goal
        The goal to draw; by default every goal of the frame, one panel each.
    size
        The column the marker size follows: ``"timing"`` or ``"priority"``.
    title
        The figure's title.

    Returns
    -------
    go.Figure
        A scatter coloured by audience group, quadrant lines at 0.5 and the quadrants named.
    """
    if size not in ("timing", "priority"):
        raise BadParameterError("size", size, "'timing' or 'priority'")
    if priority_df.empty:
        return _empty(title)
    _require(priority_df, "priority_df",
             ["audience", "audience_name", "group", "goal", "fit", "influence", size])
    panels = _goals(priority_df, goal)
    ncols = min(2, len(panels))
    nrows = -(-len(panels) // ncols)
    panel_px = 470
    fig = make_subplots(rows=nrows, cols=ncols, horizontal_spacing=0.08,
                        vertical_spacing=0.12 if nrows > 1 else 0.0,
                        subplot_titles=[_short(n, 60) for n, _ in panels]
                        if len(panels) > 1 else None)
    _facet_titles_left(fig)
    groups = list(dict.fromkeys(priority_df["group"]))
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    quadrants = [(0.98, 0.98, "right", "top", "manage closely"),
                 (0.02, 0.98, "left", "top", "keep satisfied"),
                 (0.98, 0.02, "right", "bottom", "keep informed"),
                 (0.02, 0.02, "left", "bottom", "monitor")]
    for k, (_, rows) in enumerate(panels):
        r, c = k // ncols + 1, k % ncols + 1
        marker_px = 10 + 30 * rows[size].astype(float).clip(0, 1)
        texts = pd.Series(_labels(rows["audience_name"], rows["audience"], 24), rows.index)
        positions = _label_positions(
            rows["fit"].astype(float), rows["influence"].astype(float),
            rows["audience_name"].map(lambda n: min(len(_join(n)), 24)), marker_px / 2,
            (900 / ncols / 1.08, (panel_px - 60) / 1.1))
        for group, g_rows in rows.groupby("group", sort=False):
            fig.add_trace(go.Scatter(
                x=g_rows["fit"].to_numpy(), y=g_rows["influence"].to_numpy(),
                mode="markers+text", name=_short(group, 30), legendgroup=_text(group),
                showlegend=k == 0, text=texts[g_rows.index].tolist(),
                textposition=[positions[i] for i in g_rows.index], cliponaxis=False,
                textfont=dict(size=11, color="#333333"),
                marker=dict(color=colours[group], opacity=0.85, line=dict(width=1, color="white"),
                            size=marker_px[g_rows.index].to_numpy()),
                customdata=_customdata([_text(n) for n in g_rows["audience_name"]],
                                       g_rows[size], [_text(group)] * len(g_rows)),
                hovertemplate=("<b>%{customdata[0]}</b> (%{customdata[2]})<br>fit %{x:.2f}, "
                               f"influence %{{y:.2f}}, {size} %{{customdata[1]:.2f}}"
                               "<extra></extra>"),
            ), row=r, col=c)
        for x, y, xa, ya, name in quadrants:
            fig.add_annotation(x=x, y=y, xanchor=xa, yanchor=ya, text=name, showarrow=False,
                               font=dict(size=12, color=MUTED), row=r, col=c)
        for line in (dict(x0=0.5, x1=0.5, y0=0, y1=1), dict(x0=0, x1=1, y0=0.5, y1=0.5)):
            fig.add_shape(type="line", line=dict(color="#9e9e9e", dash="dot"), layer="below",
                          row=r, col=c, **line)
    fig.update_xaxes(range=[-0.04, 1.04], title_text="fit (why they would care)",
                     showgrid=False, zeroline=False)
    fig.update_yaxes(range=[-0.04, 1.06], title_text="influence", showgrid=False,
                     zeroline=False)
    fig.update_layout(legend_title_text=f"group · size = {size}")
    return _finish(fig, title, 180 + panel_px * nrows)


def _label_positions(x: pd.Series, y: pd.Series, chars: pd.Series, radius: pd.Series,
                     px: tuple[float, float]) -> dict[Any, str]:
    """Place each point's label above, below, right or left of it, where it hits nothing.

    A greedy pass, highest points first, over boxes in data units: the markers, the labels
    already placed and the quadrant names. ``px`` is the panel's size in pixels per unit.
    """
    def box(cx: float, cy: float, w: float, h: float) -> tuple[float, float, float, float]:
        return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2

    def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
        dx = min(a[2], b[2]) - max(a[0], b[0])
        dy = min(a[3], b[3]) - max(a[1], b[1])
        return max(dx, 0) * max(dy, 0)

    ux, uy = 1 / px[0], 1 / px[1]
    taken = [box(float(x[i]), float(y[i]), 2 * radius[i] * ux, 2 * radius[i] * uy)
             for i in x.index]
    taken += [box(cx, cy, 100 * ux, 16 * uy) for cx in (0.08, 0.92) for cy in (0.02, 0.98)]
    out = {}
    for i in y.sort_values(ascending=False, kind="stable").index:
        w, h, r = 6.6 * chars[i] * ux, 15 * uy, radius[i]
        up, down = y[i] + (r + 9) * uy, y[i] - (r + 9) * uy
        right, left = x[i] + (r * 0.7 + 2) * ux + w / 2, x[i] - (r * 0.7 + 2) * ux - w / 2
        options = {
            "top center": box(x[i], up, w, h),
            "bottom center": box(x[i], down, w, h),
            "middle right": box(x[i] + (r + 4) * ux + w / 2, y[i], w, h),
            "middle left": box(x[i] - (r + 4) * ux - w / 2, y[i], w, h),
            "top right": box(right, up, w, h),
            "bottom right": box(right, down, w, h),
            "top left": box(left, up, w, h),
            "bottom left": box(left, down, w, h),
        }
        own = box(float(x[i]), float(y[i]), 2 * r * ux, 2 * r * uy)
        cost = {pos: sum(overlap(b, t) for t in taken if t != own)
                + (1.0 if b[0] < -0.04 or b[2] > 1.06 else 0.0) for pos, b in options.items()}
        best = min(cost, key=lambda pos: cost[pos])  # dict order breaks ties: top first
        out[i] = best
        taken.append(options[best])
    return out


def plot_heatmap(priority_df: pd.DataFrame, value: str = "priority",
                 title: str | None = None) -> go.Figure:
    """Audience × goal heatmap of one column of ``score_priority``, numbers in the cells.

    Parameters
    ----------
    priority_df
        The frame of ``score_priority``.
    value
        The column to show: ``priority``, ``fit``, ``timing``, ``influence``, a ``*_part``
        or ``rank``.
    title
        The figure's title; by default names the value.

    Returns
    -------
    go.Figure
        Audiences sorted by their mean value (best on top), goals as columns.
    """
    allowed = ["priority", "fit", "influence", "timing", "fit_part", "influence_part",
               "timing_part", "rank"]
    if value not in allowed:
        raise BadParameterError("value", value, f"one of {', '.join(allowed)}")
    if title is None:
        title = f"{value.replace('_', ' ').capitalize()}: audience × goal"
    if priority_df.empty:
        return _empty(title)
    _require(priority_df, "priority_df", ["audience", "audience_name", "goal", "goal_name", value])
    df = priority_df[["audience", "audience_name", "goal", "goal_name", value]]
    table = df.pivot_table(index="audience", columns="goal", values=value, aggfunc="mean",
                           sort=False)
    order = table.mean(axis=1).sort_values(ascending=value == "rank", kind="stable").index
    table = table.loc[order]
    a_names = df.drop_duplicates("audience").set_index("audience")["audience_name"]
    g_names = df.drop_duplicates("goal").set_index("goal")["goal_name"]
    y = _labels(a_names.loc[table.index], table.index)
    # Column labels wrapped to the column's width (of a plot about 800 px wide), 4 lines at most.
    chars = max(10, int(800 / len(table.columns) / 7))
    x = [_wrap(_clip_lines(_join(n), chars, 4), chars) for n in g_names.loc[table.columns]]
    if len(set(x)) < len(x):
        x = [f"{lab} ({_text(g)})" for lab, g in zip(x, table.columns, strict=True)]
    full = np.array([[f"{_text(a_names[a])} · {_text(g_names[g])}" for g in table.columns]
                     for a in table.index], dtype=object)
    z = table.to_numpy(dtype=float)
    rank = value == "rank"
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, customdata=full, colorscale=SEQUENTIAL, reversescale=rank,
        zmin=1 if rank else 0, zmax=float(np.nanmax(z)) if rank else 1,
        texttemplate="%{z:.0f}" if rank else "%{z:.2f}", textfont=dict(size=12),
        hovertemplate=f"%{{customdata}}<br>{value} %{{z:.2f}}<extra></extra>",
        xgap=2, ygap=2, colorbar=dict(title=dict(text=value), thickness=14),
    ))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, tickangle=0)
    fig.update_layout(margin=dict(t=90 + 16 * max(s.count("<br>") for s in x)))
    return _finish(fig, title, _height(len(y), extra=200))


# ---------------------------------------------------------------------------------------------
# Timing


def plot_timeline(timing_df: pd.DataFrame, drivers_df: pd.DataFrame | None = None,
                  windows_df: pd.DataFrame | None = None, audience: str | None = None,
                  threshold: float = 0.5, names: Mapping[str, str] | None = None,
                  title: str | None = "When they are listening") -> go.Figure:
    """The attention (timing) curve over dates, with windows shaded and moments marked.

    Parameters
    ----------
    timing_df
        The frame of ``score_timing``.
    drivers_df
        Optional: the frame of ``attention_drivers``; each moment's peaks are labelled.
    windows_df
        Optional: the frame of ``find_windows``; each window is shaded.
    audience
        Draw only this audience; by default every audience of ``timing_df``.
    threshold
        The window threshold, drawn as a dashed line.
    names
        Optional display names of audience ids.
    title
        The figure's title.

    Returns
    -------
    go.Figure
        Lines of timing per audience, window bands, moment peaks and the threshold.
    """
    if timing_df.empty:
        return _empty(title)
    _require(timing_df, "timing_df", ["date", "audience", "timing"])
    df = timing_df
    if audience is not None:
        if audience not in set(df["audience"]):
            raise UnknownChoiceError("audience", audience, list(dict.fromkeys(df["audience"])))
        df = df[df["audience"] == audience]
    fig = go.Figure()
    audiences = list(dict.fromkeys(df["audience"]))
    for aud, label in zip(audiences, _labels(_names(audiences, names), audiences), strict=True):
        rows = df[df["audience"] == aud].sort_values("date")
        fig.add_trace(go.Scatter(
            x=rows["date"], y=rows["timing"].to_numpy(), mode="lines", name=label,
            line=dict(width=2.5, color=FIT if len(audiences) == 1 else None),
            hovertemplate=f"{label}<br>%{{x|%Y-%m-%d}}: timing %{{y:.2f}}<extra></extra>",
        ))
    if windows_df is not None and not windows_df.empty:
        _require(windows_df, "windows_df", ["audience", "start", "end", "peak_date", "peak"])
        wins = windows_df[windows_df["audience"].isin(audiences)].sort_values("start")
        _add_windows(fig, wins)
    if drivers_df is not None and not drivers_df.empty:
        _require(drivers_df, "drivers_df", ["date", "moment", "moment_name", "kind", "pressure"])
        _add_moments(fig, drivers_df, df)
    fig.add_hline(y=threshold, line=dict(color=MUTED, dash="dash", width=1),
                  annotation=dict(text=f"threshold {threshold:.2f}", font=dict(color=MUTED)),
                  annotation_position="bottom right")
    fig.update_yaxes(range=[0, 1.22], title_text="timing (share of attention, 0–1)",
                     tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1])
    dates, half_day = pd.to_datetime(df["date"]), pd.Timedelta(hours=12)
    fig.update_xaxes(title_text=None, showgrid=False,
                     range=[dates.min() - half_day, dates.max() + half_day])
    return _finish(fig, title, 460)


def _add_windows(fig: go.Figure, wins: pd.DataFrame) -> None:
    """Shade each window; a marker above it, labelled, carries the window's details."""
    if wins.empty:
        return
    start, end = pd.to_datetime(wins["start"]), pd.to_datetime(wins["end"])
    for x0, x1 in zip(start, end, strict=True):
        fig.add_vrect(x0=x0, x1=x1 + pd.Timedelta(days=1), fillcolor=GOOD, opacity=0.14,
                      line_width=0, layer="below")
    blank = pd.Series([None] * len(wins), index=wins.index)
    fig.add_trace(go.Scatter(
        x=start + (end - start) / 2 + pd.Timedelta(hours=12), y=[1.12] * len(wins),
        mode="markers+text", name="window of opportunity", cliponaxis=False,
        text=[f"window {k + 1}" for k in range(len(wins))], textposition="top center",
        textfont=dict(size=11, color="#00694f"),
        marker=dict(symbol="triangle-down", size=10, color="#00694f"),
        customdata=_customdata(
            [_day(d) for d in start], [_day(d) for d in end], wins["peak"],
            [_day(d) for d in wins["peak_date"]],
            [_wrap(m, 50) or "–" for m in wins.get("moment_names", blank)],
            [_day(d) or "–" for d in wins.get("prepare_by", blank)]),
        hovertemplate=("<b>window %{customdata[0]} – %{customdata[1]}</b><br>peak "
                       "%{customdata[2]:.2f} on %{customdata[3]}<br>%{customdata[4]}<br>"
                       "prepare by %{customdata[5]}<extra></extra>"),
    ))


def _add_moments(fig: go.Figure, drivers: pd.DataFrame, timing: pd.DataFrame) -> None:
    """Mark each peak of each moment's pressure (a yearly moment may peak more than once)."""
    curve = timing.groupby("date")["timing"].max()
    peaks = []
    for _, rows in drivers.sort_values("date").groupby("moment", sort=False):
        run = (rows["date"].diff() != pd.Timedelta(days=1)).cumsum()
        for _, part in rows.groupby(run):
            peaks.append(part.loc[part["pressure"].idxmax()])
    if not peaks:
        return
    pk = pd.DataFrame(peaks).sort_values("date").reset_index(drop=True)
    y = [float(curve.get(d, p)) for d, p in zip(pk["date"], pk["pressure"], strict=True)]
    fig.add_trace(go.Scatter(
        x=pk["date"], y=y, mode="markers", name="moment", marker=dict(
            symbol="diamond", size=9, color=WARN, line=dict(width=1, color="white")),
        customdata=_customdata([_text(n) for n in pk["moment_name"]],
                               [_text(k) for k in pk["kind"]], pk["pressure"]),
        hovertemplate=("<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{x|%Y-%m-%d}: "
                       "pressure %{customdata[2]:.2f}<extra></extra>"),
    ))
    _label_peaks(fig, pk["date"], y, pk["moment_name"], unit_px=1.25 / 300,
                 weights=pk["pressure"])


def plot_calendar(timing_df: pd.DataFrame, freq: str = "W",
                  names: Mapping[str, str] | None = None,
                  title: str | None = "Attention calendar") -> go.Figure:
    """A calendar strip: audiences as rows, weeks (or days) as columns, coloured by timing.

    Parameters
    ----------
    timing_df
        The frame of ``score_timing``.
    freq
        ``"W"`` for weeks (each cell the week's peak timing) or ``"D"`` for days.
    names
        Optional display names of audience ids.
    title
        The figure's title.

    Returns
    -------
    go.Figure
        A heatmap, audiences in the frame's order.
    """
    if freq not in ("W", "D"):
        raise BadParameterError("freq", freq, "'W' (weeks) or 'D' (days)")
    if timing_df.empty:
        return _empty(title)
    _require(timing_df, "timing_df", ["date", "audience", "timing"])
    df = timing_df[["date", "audience", "timing"]].assign(date=lambda d: pd.to_datetime(d["date"]))
    if freq == "W":
        df = df.assign(date=df["date"].dt.to_period("W").dt.start_time)
    audiences = list(dict.fromkeys(df["audience"]))
    table = df.pivot_table(index="audience", columns="date", values="timing", aggfunc="max")
    table = table.loc[audiences]
    labels = _labels(_names(audiences, names), audiences)
    full = np.array([[_text(n)] * table.shape[1] for n in _names(audiences, names)], dtype=object)
    period = "week of " if freq == "W" else ""
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(dtype=float), x=list(table.columns), y=labels, customdata=full,
        colorscale=SEQUENTIAL, zmin=0, zmax=1, xgap=1, ygap=2,
        colorbar=dict(title=dict(text="timing"), thickness=14),
        hovertemplate=(f"<b>%{{customdata}}</b><br>{period}%{{x|%Y-%m-%d}}: "
                       f"{'peak ' if freq == 'W' else ''}timing %{{z:.2f}}<extra></extra>"),
    ))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, ticks="outside")
    return _finish(fig, title, _height(len(labels), extra=170, minimum=260))


# ---------------------------------------------------------------------------------------------
# Robustness, coverage, tables, measured attention


def plot_rank_stability(summary: pd.DataFrame, distribution: pd.DataFrame,
                        title: str | None = "How stable is the ranking?") -> go.Figure:
    """P(rank) per audience as a heatmap; the base rank boxed, fragile audiences flagged.

    Parameters
    ----------
    summary
        ``Robustness.summary``.
    distribution
        ``Robustness.distribution``.
    title
        The figure's title.

    Returns
    -------
    go.Figure
        Audiences by base rank (top on top), ranks as columns, P(top 3) on the right.
    """
    if summary.empty or distribution.empty:
        return _empty(title)
    _require(summary, "summary", ["audience", "audience_name", "base_rank", "median_rank",
                                  "rank_p05", "rank_p95", "p_top3", "fragile"])
    _require(distribution, "distribution", ["audience", "rank", "probability"])
    s = summary.sort_values(["base_rank", "audience"]).reset_index(drop=True)
    n_ranks = int(max(distribution["rank"].max(), s["base_rank"].max()))
    ranks = list(range(1, n_ranks + 1))
    table = (distribution.pivot_table(index="audience", columns="rank", values="probability",
                                      aggfunc="sum")
             .reindex(index=s["audience"], columns=ranks).fillna(0.0))
    fragile = s["fragile"].astype(bool).tolist()
    labels = [f"<span style='color:{WARN}'>⚠ {lab}</span>" if f else lab for lab, f in
              zip(_labels(s["audience_name"], s["audience"]), fragile, strict=True)]
    z = table.to_numpy(dtype=float)
    info = [f"{_text(r.audience_name)}{' (fragile)' if f else ''}<br>base rank {r.base_rank:.0f}, "
            f"median {r.median_rank:.1f}, 90% within {r.rank_p05:.0f}–{r.rank_p95:.0f}"
            for r, f in zip(s.itertuples(index=False), fragile, strict=True)]
    fig = go.Figure(go.Heatmap(
        z=z, x=ranks, y=labels, colorscale=SEQUENTIAL, zmin=0, zmax=1, showscale=False,
        customdata=np.array([[i] * len(ranks) for i in info], dtype=object),
        text=[[f"{p:.0%}" if p >= 0.005 else "" for p in row] for row in z],
        texttemplate="%{text}", textfont=dict(size=11), xgap=2, ygap=2, name="P(rank)",
        hovertemplate="%{customdata}<br>P(rank %{x}) = %{z:.2f}<extra></extra>",
    ))
    # The base rank: the cell's outline, and a marker trace that names it in the legend.
    for i, r in enumerate(s["base_rank"]):
        fig.add_shape(type="rect", x0=r - 0.5, x1=r + 0.5, y0=i - 0.5, y1=i + 0.5,
                      line=dict(color="#000000", width=2.5))
    fig.add_trace(go.Scatter(
        x=s["base_rank"].to_numpy(), y=labels, mode="markers", name="base rank (boxed)",
        marker=dict(symbol="square-open", size=14, color="#000000", opacity=0),
        showlegend=True, hoverinfo="skip",
    ))
    if any(fragile):
        fig.add_annotation(x=0, xref="paper", xanchor="left", y=0, yref="paper", yshift=-62,
                           yanchor="top", showarrow=False, font=dict(size=12, color=WARN),
                           text="⚠ fragile: the rank changes under small changes of the weights")
    for lab, p in zip(labels, s["p_top3"], strict=True):
        fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=lab, showarrow=False,
                           text=f"  {p:.0%}", font=dict(size=12))
    fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=1.0, yref="paper",
                       yanchor="bottom", showarrow=False, text="  P(top 3)",
                       font=dict(size=12, color=MUTED))
    fig.update_xaxes(title_text="rank under perturbed weights", dtick=1, side="bottom",
                     showgrid=False, range=[0.5, n_ranks + 0.5])
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_layout(margin=dict(r=90, t=100, b=90))
    return _finish(fig, title, _height(len(s), extra=240))


def plot_coverage(windows: pd.DataFrame, actions: pd.DataFrame,
                  names: Mapping[str, str] | None = None,
                  title: str | None = "Plan coverage: actions against windows") -> go.Figure:
    """A Gantt-like chart: windows and planned actions per audience, gaps highlighted.

    Parameters
    ----------
    windows
        ``Coverage.windows``.
    actions
        ``Coverage.actions``.
    names
        Optional display names of audience ids.
    title
        The figure's title.

    Returns
    -------
    go.Figure
        Windows as wide bars (green when covered, the warning colour when no action falls in
        them), actions as narrow bars (hatched when outside every window).
    """
    if windows.empty and actions.empty:
        return _empty(title)
    if not windows.empty:
        _require(windows, "windows", ["audience", "start", "end", "peak", "actions", "covered"])
    if not actions.empty:
        _require(actions, "actions", ["action", "audience", "start", "end", "in_window"])
    ids = list(dict.fromkeys([*windows.get("audience", []), *actions.get("audience", [])]))
    labels = dict(zip(ids, _labels(_names(ids, names), ids), strict=True))
    fig = go.Figure()
    day_ms = 86_400_000

    def bars(df: pd.DataFrame, name: str, colour: str, width: float, hover: str,
             custom: np.ndarray, text: str = "", pattern: str = "") -> None:
        start = pd.to_datetime(df["start"])
        end = pd.to_datetime(df["end"]).fillna(start)
        fig.add_trace(go.Bar(
            base=start.dt.strftime("%Y-%m-%d").tolist(),
            x=((end - start).dt.days + 1).to_numpy() * day_ms,
            y=[labels[a] for a in df["audience"]], orientation="h", name=name, width=width,
            marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="white"),
                        line=dict(width=0)),
            text=[text] * len(df) if text else None, textposition="inside", textangle=0,
            insidetextanchor="middle", textfont=dict(color="white", size=11), showlegend=True,
            customdata=custom, hovertemplate=hover + "<extra></extra>",
        ))

    if not windows.empty:
        w = windows.assign(covered=windows["covered"].astype(bool))
        for covered, name, colour, text in ((True, "window, covered", "#8fd1bd", ""),
                                            (False, "window with no action (gap)", WARN, "gap")):
            rows = w[w["covered"] == covered]
            if rows.empty:
                continue
            custom = _customdata([_text(_names([a], names)[0]) for a in rows["audience"]],
                                 [_day(d) for d in rows["start"]], [_day(d) for d in rows["end"]],
                                 rows["peak"], [_wrap(a, 50) or "none" for a in rows["actions"]])
            bars(rows, name, colour, 0.8,
                 ("<b>%{customdata[0]}</b><br>window %{customdata[1]} – %{customdata[2]}, "
                  "peak %{customdata[3]:.2f}<br>actions: %{customdata[4]}"), custom, text)
    if not actions.empty:
        a = actions.assign(in_window=actions["in_window"].astype(bool))
        for inside, name, colour, pattern in ((True, "action in a window", "#0072B2", ""),
                                              (False, "action outside every window", "#000000",
                                               "/")):
            rows = a[a["in_window"] == inside]
            if rows.empty:
                continue
            custom = _customdata([_text(x) for x in rows["action"]],
                                 [_day(d) for d in rows["start"]],
                                 [_day(d) or _day(s) for d, s in zip(rows["end"], rows["start"],
                                                                      strict=True)],
                                 ["" if inside else "<br>⚠ outside every window"] * len(rows))
            bars(rows, name, colour, 0.32,
                 "<b>%{customdata[0]}</b><br>%{customdata[1]} – %{customdata[2]}%{customdata[3]}",
                 custom, pattern=pattern)
    fig.update_layout(barmode="overlay", uniformtext=dict(minsize=10, mode="hide"))
    fig.update_xaxes(type="date", title_text=None)
    fig.update_yaxes(autorange="reversed", categoryorder="array",
                     categoryarray=list(labels.values()), showgrid=False)
    return _finish(fig, title, _height(len(ids), extra=190, minimum=300) + 10 * len(ids))


def plot_table(df: pd.DataFrame, columns: Sequence[str] | Mapping[str, str] | None = None,
               title: str | None = None, wrap: int = 48) -> go.Figure:
    """A readable ``go.Table`` of a small frame (formats, allies, windows, …).

    Parameters
    ----------
    df
        The frame to show.
    columns
        The columns to show, in order; a mapping also renames them (column → header).
    title
        The figure's title.
    wrap
        Text longer than this many characters is wrapped.

    Returns
    -------
    go.Figure
        A table: numbers with two decimals and right-aligned, dates as ``YYYY-MM-DD``, lists joined.
    """
    if df.empty or (columns is not None and len(columns) == 0):
        return _empty(title)
    headers = dict(columns) if isinstance(columns, Mapping) else {
        c: str(c).replace("_", " ") for c in (columns if columns is not None else df.columns)}
    _require(df, "df", list(headers))
    cells, aligns, widths, raw = [], [], [], []
    for col in headers:
        values = df[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if numeric:
            as_float = values.astype(float)
            integral = bool(np.all(np.isnan(as_float) | (as_float % 1 == 0)))
            shown = ["" if pd.isna(v) else (f"{v:.0f}" if integral else f"{v:.2f}")
                     for v in values]
        elif pd.api.types.is_datetime64_any_dtype(values):
            shown = [_day(v) for v in values]
        else:
            shown = [_wrap(v, wrap) if len(_join(v)) > wrap else _text(_join(v)) for v in values]
        # Lengths as displayed: wrapped lines, entities counted as one character.
        raw.append([[len(html.unescape(x)) for x in c.split("<br>")] for c in shown])
        cells.append(shown)
        aligns.append("right" if numeric else "left")
        longest = max([len(_join(headers[col])) * 1.2] + [max(c) for c in raw[-1]])
        widths.append(max(6, longest) + 3)  # + the cell's padding
    # Plotly wraps a cell at its column's width: estimate each row's lines for the height,
    # from a table at least 900 px wide and 7 px a character.
    per_col = [900 / 7 * w / sum(widths) for w in widths]
    lines = [max(sum(-(-max(n, 1) // max(int(c - 2), 1)) for n in col[row])
                 for col, c in zip(raw, per_col, strict=True)) for row in range(len(df))]
    head = max(-(-int(len(_join(h)) * 1.2) // max(int(c - 2), 1))
               for h, c in zip(headers.values(), per_col, strict=True))
    fig = go.Figure(go.Table(
        columnwidth=widths,
        header=dict(values=[f"<b>{_text(h)}</b>" for h in headers.values()], fill_color=FIT,
                    font=dict(color="white", size=13), align=aligns, height=30,
                    line=dict(color="white")),
        cells=dict(values=cells, align=aligns, height=26, font=dict(size=12.5),
                   fill_color=[["#ffffff" if i % 2 == 0 else "#eef4fa" for i in range(len(df))]],
                   line=dict(color="#dddddd")),
    ))
    height = 12 + 18 * head + sum(8 + 18 * n for n in lines) + (80 if title else 54)
    fig.update_layout(margin=dict(l=10, r=10, t=60 if title else 34, b=10))
    return _finish(fig, title, max(160, height))


def plot_measured_attention(series_df: pd.DataFrame, spikes_df: pd.DataFrame | None = None,
                            modelled_df: pd.DataFrame | None = None,
                            title: str | None = "Measured media attention") -> go.Figure:
    """Measured daily share of coverage, its spikes, and optionally the modelled timing.

    Parameters
    ----------
    series_df
        Measured attention: ``date`` and ``share`` (a fraction), as ``load_attention`` gives.
    spikes_df
        Optional spikes as ``find_spikes`` gives them (``start``, ``peak_date``,
        ``peak_share``, ``end``, ``peak_ratio``; ``half_life_days`` if fitted), or any frame
        with a ``date`` column; a ``name`` or ``label`` column names the spikes.
    modelled_df
        Optional modelled timing (``date``, ``timing`` and optionally ``audience``, as
        ``score_timing`` gives), drawn on a second axis from 0 to 1.
    title
        The figure's title.

    Returns
    -------
    go.Figure
        A line of measured share, the spikes marked (and shaded from start to end), and
        dashed modelled timing lines.
    """
    if series_df.empty:
        return _empty(title)
    _require(series_df, "series_df", ["date", "share"])
    s = series_df[["date", "share"]].assign(date=lambda d: pd.to_datetime(d["date"]))
    s = s.sort_values("date")
    top = float(s["share"].max()) or 1.0
    fig = make_subplots(specs=[[{"secondary_y": modelled_df is not None}]])
    fig.add_trace(go.Scatter(
        x=s["date"], y=s["share"].to_numpy(), mode="lines", name="measured share",
        line=dict(color=FIT, width=1.8),
        hovertemplate="%{x|%Y-%m-%d}: share %{y:.2%}<extra></extra>",
    ))
    if spikes_df is not None and not spikes_df.empty:
        _add_spikes(fig, spikes_df, s, unit_px=top * 1.35 / 280)
    if modelled_df is not None and not modelled_df.empty:
        _require(modelled_df, "modelled_df", ["date", "timing"])
        m = modelled_df.assign(audience=modelled_df.get("audience", "modelled"))
        several = m["audience"].nunique() > 1
        for k, (aud, rows) in enumerate(m.groupby("audience", sort=False)):
            name = f"modelled timing: {_short(aud, 24)}" if several else "modelled timing"
            fig.add_trace(go.Scatter(
                x=pd.to_datetime(rows["date"]), y=rows["timing"].to_numpy(), mode="lines",
                name=name, line=dict(dash="dash", width=1.6, color=[TIMING, *PALETTE[3:]][k % 6]),
                hovertemplate=f"{name}<br>%{{x|%Y-%m-%d}}: %{{y:.2f}}<extra></extra>",
            ), secondary_y=True)
        fig.update_yaxes(range=[0, 1.05], title_text="modelled timing (0–1)", showgrid=False,
                         tickmode="linear", tick0=0, dtick=0.2, secondary_y=True)
    fig.update_yaxes(title_text="share of coverage", range=[0, top * 1.35], tickformat=".2~%",
                     secondary_y=False)
    fig.update_xaxes(showgrid=False)
    return _finish(fig, title, 440)


def _add_spikes(fig: go.Figure, spikes: pd.DataFrame, series: pd.DataFrame,
                unit_px: float) -> None:
    date_col = "peak_date" if "peak_date" in spikes else "date"
    _require(spikes, "spikes_df", [date_col])
    sp = spikes.assign(_at=pd.to_datetime(spikes[date_col])).sort_values("_at")
    sp = sp.reset_index(drop=True)
    share_col = next((c for c in ("peak_share", "share") if c in sp), None)
    y = (sp[share_col] if share_col else sp["_at"].map(series.groupby("date")["share"].max()))
    y = y.astype(float)
    if {"start", "end"} <= set(sp.columns):
        for x0, x1 in zip(pd.to_datetime(sp["start"]), pd.to_datetime(sp["end"]), strict=True):
            fig.add_vrect(x0=x0, x1=x1 + pd.Timedelta(days=1), fillcolor=WARN, opacity=0.08,
                          line_width=0, layer="below")
    nan = pd.Series([np.nan] * len(sp))
    ratio, half_life = sp.get("peak_ratio", nan), sp.get("half_life_days", nan)
    label_col = next((c for c in ("name", "label", "moment_name") if c in sp), None)
    names = ([_join(v) for v in sp[label_col]] if label_col
             else [f"×{r:.1f}" if np.isfinite(r) else "spike" for r in ratio])
    extra = [(f"<br>{r:.1f} × the baseline" if np.isfinite(r) else "")
             + (f"<br>half-life {h:.1f} days" if np.isfinite(h) else "")
             + (f"<br>{_day(a)} – {_day(b)}" if "start" in sp else "")
             for r, h, a, b in zip(ratio, half_life, sp.get("start", nan), sp.get("end", nan),
                                   strict=True)]
    fig.add_trace(go.Scatter(
        x=sp["_at"], y=y.to_numpy(), mode="markers", name="spike",
        marker=dict(symbol="triangle-down", size=11, color=WARN),
        customdata=_customdata([_text(n) for n in names], extra),
        hovertemplate=("<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d}: share %{y:.2%}"
                       "%{customdata[1]}<extra>spike</extra>"),
    ))
    _label_peaks(fig, sp["_at"], y, names, unit_px=unit_px)
