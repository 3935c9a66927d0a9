"""Measured media attention: the daily share of coverage, its spikes and fitted decays.

``plot_measured_attention`` draws a measured series (``strategy_kit.attention``) with its
spikes labelled, each spike's fitted decay, and optionally the timing the case's moments
model over the same days. Importable from :mod:`strategy_kit.plots` like every ``plot_*``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import (
    FIT,
    PALETTE,
    TIMING,
    WARN,
    _add_all,
    _customdata,
    _day,
    _empty,
    _finish,
    _join,
    _label_peaks,
    _require,
    _short,
    _text,
)

__all__ = ["plot_measured_attention"]


def plot_measured_attention(series_df: pd.DataFrame, spikes_df: pd.DataFrame | None = None,
                            modelled_df: pd.DataFrame | None = None,
                            title: str | None = "Measured media attention",
                            fits_df: pd.DataFrame | None = None,
                            measure: str = "share") -> go.Figure:
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
    fits_df
        Optional fitted decays (``date`` and ``fitted``, one run of days per spike), drawn as
        dotted lines over the days they were fitted on.
    measure
        What the values are: ``share`` (a fraction, shown as a percentage), ``index`` (Google
        Trends, 0–100) or ``value`` (a wide CSV's own numbers).

    Returns
    -------
    go.Figure
        A line of measured share, the spikes marked (and shaded from start to end), the fitted
        decays, and dashed modelled timing lines.
    """
    if series_df.empty:
        return _empty(title)
    _require(series_df, "series_df", ["date", "share"])
    s = series_df[["date", "share"]].assign(date=lambda d: pd.to_datetime(d["date"]))
    s = s.sort_values("date")
    top = float(s["share"].max()) or 1.0
    fig = make_subplots(specs=[[{"secondary_y": modelled_df is not None}]])
    label, fmt = {"share": ("share of coverage", ".2%"),
                  "index": ("search interest (0–100)", ".0f")}.get(measure, ("measured", ".3~s"))
    fig.add_trace(go.Scatter(
        x=s["date"], y=s["share"].to_numpy(), mode="lines",
        name="measured share" if measure == "share" else f"measured {label}",
        line=dict(color=FIT, width=1.8),
        hovertemplate=f"%{{x|%Y-%m-%d}}: %{{y:{fmt}}}<extra></extra>",
    ))
    if fits_df is not None and not fits_df.empty:
        _require(fits_df, "fits_df", ["date", "fitted"])
        gaps = pd.to_datetime(fits_df["date"]).diff().dt.days.fillna(1).ne(1)
        for k, (_, run) in enumerate(fits_df.groupby(gaps.cumsum().to_numpy())):
            fig.add_trace(go.Scatter(
                x=pd.to_datetime(run["date"]), y=run["fitted"].to_numpy(), mode="lines",
                name="fitted decay", showlegend=k == 0, legendgroup="fit",
                line=dict(color=WARN, width=1.6, dash="dot"),
                hovertemplate=f"fitted %{{y:{fmt}}}<extra>%{{x|%Y-%m-%d}}</extra>",
            ))
    if spikes_df is not None and not spikes_df.empty:
        _add_spikes(fig, spikes_df, s, unit_px=top * 1.35 / 280, fmt=fmt)
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
    fig.update_yaxes(title_text=label, range=[0, top * 1.35],
                     tickformat=".2~%" if measure == "share" else "~s", secondary_y=False)
    fig.update_xaxes(showgrid=False)
    return _finish(fig, title, 440)


def _add_spikes(fig: go.Figure, spikes: pd.DataFrame, series: pd.DataFrame,
                unit_px: float, fmt: str = ".2%") -> None:
    date_col = "peak_date" if "peak_date" in spikes else "date"
    _require(spikes, "spikes_df", [date_col])
    sp = spikes.assign(_at=pd.to_datetime(spikes[date_col])).sort_values("_at")
    sp = sp.reset_index(drop=True)
    share_col = next((c for c in ("peak_share", "share") if c in sp), None)
    y = (sp[share_col] if share_col else sp["_at"].map(series.groupby("date")["share"].max()))
    y = y.astype(float)
    if {"start", "end"} <= set(sp.columns):
        _add_all(fig, shapes=[
            dict(type="rect", yref="paper", y0=0, y1=1, x0=x0, x1=x1 + pd.Timedelta(days=1),
                 fillcolor=WARN, opacity=0.08, line_width=0, layer="below")
            for x0, x1 in zip(pd.to_datetime(sp["start"]), pd.to_datetime(sp["end"]),
                              strict=True)])
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
        hovertemplate=("<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d}: %{y:" + fmt + "}"
                       "%{customdata[1]}<extra>spike</extra>"),
    ))
    _label_peaks(fig, sp["_at"], y, names, unit_px=unit_px, width_px=900,
                 span_days=(series["date"].max() - series["date"].min()).days)
