"""The influence–fit grid: the power–interest grid of stakeholder mapping, quantified.

``plot_influence_fit`` draws one point per audience, influence against fit, sized by timing or
priority and coloured by group, with the quadrants named; ``_label_positions`` places each
point's label where it overlaps the fewest markers, labels and quadrant names. Importable
from :mod:`strategy_kit.plots` like every ``plot_*``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..errors import BadParameterError
from .style import (
    MAX_ROWS,
    MUTED,
    PALETTE,
    _cap,
    _caption_more,
    _col,
    _customdata,
    _empty,
    _facet_titles_left,
    _finish,
    _goals,
    _labels,
    _require,
    _short,
    _text,
    _wrap,
)

__all__ = ["plot_influence_fit"]


def plot_influence_fit(priority_df: pd.DataFrame, goal: str | None = None,
                       size: str = "timing",
                       title: str | None = "Influence–fit grid",
                       limit: int | None = None, keep: str | None = None) -> go.Figure:
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
    limit, keep
        Draw the ``limit`` audiences of highest priority in each panel (default ``MAX_ROWS``;
        in the frame's order without a ``priority`` column), and ``keep`` wherever it ranks;
        the caption says how many more there are.

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
    top = MAX_ROWS if limit is None else limit
    hidden, kept = 0, False
    for k, (_, rows) in enumerate(panels):
        r, c = k // ncols + 1, k % ncols + 1
        # a grid of thousands of points is unreadable, and placing their labels is quadratic
        ranked = (rows.sort_values("priority", ascending=False, kind="stable")
                  if "priority" in rows.columns else rows)
        shown, more = _cap(list(ranked["audience"]), [keep] if keep else (), top)
        if more:
            rows = rows[rows["audience"].isin(shown)]
            hidden = max(hidden, more)
            kept = kept or keep in shown[top:]
        marker_px = 10 + 30 * rows[size].astype(float).clip(0, 1)
        texts = pd.Series(_labels(rows["audience_name"], rows["audience"], 24,
                                  labels=_col(rows, "audience_label")), rows.index)
        positions = _label_positions(
            rows["fit"].astype(float), rows["influence"].astype(float),
            texts.map(lambda t: min(max(map(len, str(t).split("<br>"))), 24)), marker_px / 2,
            (900 / ncols / 1.08, (panel_px - 60) / 1.1))
        for group, g_rows in rows.groupby("group", sort=False):
            fig.add_trace(go.Scatter(
                x=g_rows["fit"].to_numpy(), y=g_rows["influence"].to_numpy(),
                mode="markers+text", name=_wrap(group, 32), legendgroup=_text(group),
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
    if hidden:
        _caption_more(fig, hidden, top, (" in each panel" if len(panels) > 1 else "")
                      + (" (and the report's audience)" if kept else ""), yshift=-56)
        fig.update_layout(margin=dict(b=90))
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
