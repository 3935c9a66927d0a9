"""Plots over dates: attention timelines, the attention calendar, plan coverage.

``plot_timeline`` draws the timing curves with windows shaded and moments' peaks labelled,
``plot_calendar`` a weekly (or daily) heatmap strip, ``plot_coverage`` planned actions against
windows with the gaps highlighted (measured attention is in ``measured``). Importable from
:mod:`strategy_kit.plots` like every ``plot_*``; the look and the helpers are in ``style``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import BadParameterError, UnknownChoiceError
from .style import (
    FIT,
    GOOD,
    MUTED,
    SEQUENTIAL,
    WARN,
    _add_all,
    _cap,
    _caption_more,
    _customdata,
    _day,
    _empty,
    _finish,
    _height,
    _label_peaks,
    _labels,
    _names,
    _require,
    _text,
    _wrap,
)

__all__ = ["plot_timeline", "plot_calendar", "plot_coverage"]


def plot_timeline(timing_df: pd.DataFrame, drivers_df: pd.DataFrame | None = None,
                  windows_df: pd.DataFrame | None = None, audience: str | None = None,
                  threshold: float = 0.5, names: Mapping[str, str] | None = None,
                  title: str | None = "When they are listening",
                  labels: Mapping[str, str] | None = None,
                  threshold_text: str | None = None) -> go.Figure:
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
    labels
        Optional short labels of audience ids (the case's ``label``), for the legend.
    threshold_text
        The threshold line's caption, shown in the legend (default: "threshold 0.50" on the
        line).

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
    short = _names(audiences, labels) if labels else None
    for aud, label in zip(audiences, _labels(_names(audiences, names), audiences, labels=short),
                          strict=True):
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
    # Plain shapes and annotations: add_hline/add_vrect are slow (they copy the layout).
    fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=threshold, y1=threshold,
                  line=dict(color=MUTED, dash="dash", width=1))
    if threshold_text:  # named in the legend, where it cannot meet a moment's label
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=_text(threshold_text),
                                 line=dict(color=MUTED, dash="dash", width=1),
                                 hoverinfo="skip"))
    else:
        fig.add_annotation(xref="paper", x=1, y=threshold, xanchor="right", yanchor="top",
                           text=_text(f"threshold {threshold:.2f}"), font=dict(color=MUTED),
                           showarrow=False)
    fig.update_yaxes(range=[0, 1.22], title_text="timing (share of attention, 0–1)",
                     tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1])
    # Room on the right for the labels of moments at the end of the horizon.
    fig.update_layout(margin_r=110)
    dates, half_day = pd.to_datetime(df["date"]), pd.Timedelta(hours=12)
    fig.update_xaxes(title_text=None, showgrid=False,
                     range=[dates.min() - half_day, dates.max() + half_day])
    return _finish(fig, title, 460)


def _add_windows(fig: go.Figure, wins: pd.DataFrame) -> None:
    """Shade each window; a marker above it, labelled, carries the window's details."""
    if wins.empty:
        return
    start, end = pd.to_datetime(wins["start"]), pd.to_datetime(wins["end"])
    _add_all(fig, shapes=[dict(type="rect", yref="paper", y0=0, y1=1, x0=x0,
                               x1=x1 + pd.Timedelta(days=1), fillcolor=GOOD, opacity=0.14,
                               line_width=0, layer="below")
                          for x0, x1 in zip(start, end, strict=True)])
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
    peak_names = (pk["moment_label"].where(pk["moment_label"] != "", pk["moment_name"])
                  if "moment_label" in pk else pk["moment_name"])
    # The fading tail of a moment already past peaks on the first day: marked, not labelled
    # (its label would sit on the axis title).
    first = pd.to_datetime(timing["date"]).min()
    named = (pd.to_datetime(pk["date"]) != first).to_numpy()
    _label_peaks(fig, pk["date"][named], [v for v, n in zip(y, named, strict=True) if n],
                 list(peak_names[named]), unit_px=1.25 / 300, weights=pk["pressure"][named],
                 width_px=900, span_days=(pd.to_datetime(timing["date"]).max() - first).days)


def plot_calendar(timing_df: pd.DataFrame, freq: str = "W",
                  names: Mapping[str, str] | None = None,
                  title: str | None = "Attention calendar",
                  labels: Mapping[str, str] | None = None, limit: int | None = None) -> go.Figure:
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
    labels
        Optional short labels of audience ids (the case's ``label``) for the axis; the
        names stay in the hover text.
    limit
        Draw the first ``limit`` audiences of the frame (default ``MAX_ROWS``); the caption
        says how many more there are.

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
    audiences, hidden = _cap(list(dict.fromkeys(df["audience"])), (), limit)
    df = df[df["audience"].isin(audiences)]
    table = df.pivot_table(index="audience", columns="date", values="timing", aggfunc="max")
    table = table.loc[audiences]
    ticks = _labels(_names(audiences, names), audiences,
                    labels=_names(audiences, labels) if labels else None)
    full = np.array([[_text(n)] * table.shape[1] for n in _names(audiences, names)], dtype=object)
    period = "week of " if freq == "W" else ""
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(dtype=float), x=list(table.columns), y=ticks, customdata=full,
        colorscale=SEQUENTIAL, zmin=0, zmax=1, xgap=1, ygap=2,
        colorbar=dict(title=dict(text="timing"), thickness=14),
        hovertemplate=(f"<b>%{{customdata}}</b><br>{period}%{{x|%Y-%m-%d}}: "
                       f"{'peak ' if freq == 'W' else ''}timing %{{z:.2f}}<extra></extra>"),
    ))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, ticks="outside")
    if hidden:
        _caption_more(fig, hidden, len(audiences), yshift=-40)
        fig.update_layout(margin=dict(b=80))
    return _finish(fig, title, _height(len(ticks), extra=170, minimum=260))


def plot_coverage(windows: pd.DataFrame, actions: pd.DataFrame,
                  names: Mapping[str, str] | None = None,
                  title: str | None = "Plan coverage: actions against windows",
                  labels: Mapping[str, str] | None = None) -> go.Figure:
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
    labels
        Optional short labels of audience ids (the case's ``label``) for the axis; the
        names stay in the hover text.

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
    ticks = dict(zip(ids, _labels(_names(ids, names), ids,
                                  labels=_names(ids, labels) if labels else None),
                     strict=True))
    fig = go.Figure()
    day_ms = 86_400_000

    def bars(df: pd.DataFrame, name: str, colour: str, width: float, hover: str,
             custom: np.ndarray, text: str = "", pattern: str = "") -> None:
        start = pd.to_datetime(df["start"])
        end = pd.to_datetime(df["end"]).fillna(start)
        fig.add_trace(go.Bar(
            base=start.dt.strftime("%Y-%m-%d").tolist(),
            x=((end - start).dt.days + 1).to_numpy() * day_ms,
            y=[ticks[a] for a in df["audience"]], orientation="h", name=name, width=width,
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
                     categoryarray=list(ticks.values()), showgrid=False)
    return _finish(fig, title, _height(len(ids), extra=190, minimum=300) + 10 * len(ids))
