"""Who comes first and why: priority bars, contributions, the heatmap, rank stability, tables.

Every ``plot_*`` function takes tidy frames with the columns of ``docs/architecture.md``,
returns a new ``go.Figure``, never shows it and never changes its arguments; an empty frame
gives a figure that says "nothing to show". The plots over dates are in ``timeline``, the
influence–fit grid in ``grid``, and the template, palette and shared helpers in ``style``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..errors import BadParameterError
from .style import (
    FIT,
    MAX_ROWS,
    MUTED,
    PART_COLOURS,
    PART_LABELS,
    SEQUENTIAL,
    WARN,
    _cap,
    _caption_more,
    _clip_lines,
    _col,
    _customdata,
    _day,
    _empty,
    _facet_titles_left,
    _finish,
    _goals,
    _height,
    _join,
    _labels,
    _require,
    _short,
    _text,
    _wrap,
)

__all__ = [
    "plot_contributions", "plot_heatmap", "plot_priority", "plot_rank_stability", "plot_table",
]


def plot_priority(priority_df: pd.DataFrame, goal: str | None = None,
                  title: str | None = "Priority and its three parts",
                  keep: str | None = None, limit: int | None = None) -> go.Figure:
    """Horizontal stacked bars of ``fit_part``, ``influence_part`` and ``timing_part``.

    Parameters
    ----------
    priority_df
        The frame of ``score_priority``.
    goal
        The goal to draw; by default every goal of the frame, one panel each.
    title
        The figure's title.
    keep, limit
        Draw the top ``limit`` audiences of each goal (default ``MAX_ROWS``), and ``keep``
        wherever it ranks; the caption says how many more there are.

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
    hidden = 0
    panels = []
    for name, rows in _goals(priority_df, goal):
        rows = rows.sort_values(["priority", "audience"], ascending=[False, True])
        shown, more = _cap(list(rows["audience"]), [keep] if keep else (), limit)
        panels.append((name, rows[rows["audience"].isin(shown)]))
        hidden = max(hidden, more)
    gated = "rule" in priority_df.columns and set(priority_df["rule"]) == {"gated"}
    sizes = [len(rows) for _, rows in panels]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, row_heights=sizes,
                        vertical_spacing=min(0.3 / len(panels), 60 / _height(sum(sizes))),
                        subplot_titles=[_short(name, 80) for name, _ in panels]
                        if len(panels) > 1 else None)
    _facet_titles_left(fig)
    for row, (_, rows) in enumerate(panels, start=1):
        rows = rows.sort_values(["priority", "audience"], ascending=[False, True])
        labels = _labels(rows["audience_name"], rows["audience"],
                         labels=_col(rows, "audience_label"))
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
                               + (" · its share of the priority: %{x:.2f}<br>" if gated else
                                  " × weight %{customdata[2]:.2f} = %{x:.2f}<br>")
                               + "priority %{customdata[3]:.2f} (rank %{customdata[4]})"
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
    fig.update_xaxes(title_text=("priority = fit^w × opportunity^(1−w), split by weight × "
                                 "value; 0 without a reason to care (fit 0)") if gated
                     else "priority = fit part + influence part + timing part",
                     row=len(panels), col=1)
    if hidden:
        top = MAX_ROWS if limit is None else limit
        _caption_more(fig, hidden, top, " (and the report's audience)" if keep and any(
            keep not in set(r["audience"].iloc[:top]) for _, r in panels) else "", yshift=-56)
        fig.update_layout(margin=dict(b=90))
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
    labels = _labels(df["interest_name"], df["interest"], labels=_col(df, "interest_label"))
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


def plot_heatmap(priority_df: pd.DataFrame, value: str = "priority",
                 title: str | None = None, keep: str | None = None,
                 limit: int | None = None) -> go.Figure:
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
    keep, limit
        Draw the best ``limit`` audiences (default ``MAX_ROWS``), and ``keep`` wherever it
        ranks; the caption says how many more there are.

    Returns
    -------
    go.Figure
        Audiences sorted by their mean value (best on top), goals as columns.
    """
    allowed = ["priority", "fit", "influence", "timing", "fit_part", "influence_part",
               "timing_part", "rank", "p_top3"]
    label = {"p_top3": "P(top 3)"}.get(value, value)
    if value not in allowed:
        raise BadParameterError("value", value, f"one of {', '.join(allowed)}")
    if title is None:
        title = f"{value.replace('_', ' ').capitalize()}: audience × goal"
    if priority_df.empty:
        return _empty(title)
    _require(priority_df, "priority_df", ["audience", "audience_name", "goal", "goal_name", value])
    extra = [c for c in ("audience_label", "goal_label") if c in priority_df.columns]
    df = priority_df[["audience", "audience_name", "goal", "goal_name", value, *extra]]
    table = df.pivot_table(index="audience", columns="goal", values=value, aggfunc="mean",
                           sort=False)
    order = table.mean(axis=1).sort_values(ascending=value == "rank", kind="stable").index
    shown, hidden = _cap(list(order), [keep] if keep else (), limit)
    table = table.loc[shown]
    a_names = df.drop_duplicates("audience").set_index("audience")["audience_name"]
    g_names = df.drop_duplicates("goal").set_index("goal")["goal_name"]
    a_labels = (df.drop_duplicates("audience").set_index("audience")["audience_label"]
                .loc[table.index].tolist() if "audience_label" in df else None)
    y = _labels(a_names.loc[table.index], table.index, labels=a_labels)
    # Column labels wrapped to the column's width (of a plot about 800 px wide), 4 lines at most.
    chars = max(10, int(800 / len(table.columns) / 7))
    g_short = (df.drop_duplicates("goal").set_index("goal")["goal_label"]
               .where(lambda v: v != "", g_names) if "goal_label" in df else g_names)
    x = [_wrap(_clip_lines(_join(n), chars, 4), chars) for n in g_short.loc[table.columns]]
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
        hovertemplate=f"%{{customdata}}<br>{label} %{{z:.2f}}<extra></extra>",
        xgap=2, ygap=2, colorbar=dict(title=dict(text=label), thickness=14),
    ))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, tickangle=0)
    fig.update_layout(margin=dict(t=90 + 16 * max(s.count("<br>") for s in x)))
    if hidden:
        top = MAX_ROWS if limit is None else limit
        _caption_more(fig, hidden, top, " (and the report's audience)"
                      if keep and keep not in list(order[:top]) else "", yshift=-20)
        fig.update_layout(margin=dict(b=60))
    return _finish(fig, title, _height(len(y), extra=200))


def plot_rank_stability(summary: pd.DataFrame, distribution: pd.DataFrame,
                        title: str | None = "How stable is the ranking?",
                        keep: str | None = None, limit: int | None = None,
                        resampled: str = "weights") -> go.Figure:
    """P(rank) per audience as a heatmap; the base rank boxed, fragile audiences flagged.

    Parameters
    ----------
    summary
        ``Robustness.summary``.
    distribution
        ``Robustness.distribution``.
    title
        The figure's title.
    keep
        An audience drawn even when it is not among the top ones (the report's audience).
    limit
        How many audiences and rank columns to draw (default ``MAX_ROWS``); the ranks beyond
        are pooled in one last column, and the caption says how many audiences are left out.
    resampled
        What the draws changed: ``weights`` (perturbed, the noise model) or ``participants``
        (the panel resampled, a case with ratings); said on the axis and the fragile note.

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
    total = len(s)
    top, _ = _cap(list(s["audience"]), (), limit)
    extra = [keep] if keep and keep not in top and keep in set(s["audience"]) else []
    shown = [*top, *extra]
    hidden = total - len(shown)
    s = s[s["audience"].isin(shown)].reset_index(drop=True)
    n_ranks = int(max(distribution["rank"].max(), summary["base_rank"].max()))
    cut = n_ranks if hidden == 0 else min(n_ranks, len(top))
    pooled = cut < n_ranks  # the ranks beyond the cut, in one last column
    ranks = list(range(1, cut + 1 + pooled))
    dist = distribution[distribution["audience"].isin(shown)]
    dist = dist.assign(rank=dist["rank"].clip(upper=cut + 1))
    table = (dist.pivot_table(index="audience", columns="rank", values="probability",
                              aggfunc="sum")
             .reindex(index=s["audience"], columns=ranks).fillna(0.0))
    boxed = s["base_rank"].clip(upper=cut + 1).to_numpy()  # a rank beyond: the last column
    fragile = s["fragile"].astype(bool).tolist()
    labels = [f"<span style='color:{WARN}'>⚠ {lab}</span>" if f else lab for lab, f in
              zip(_labels(s["audience_name"], s["audience"], labels=_col(s, "audience_label")),
                  fragile, strict=True)]
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
    for i, r in enumerate(boxed):
        fig.add_shape(type="rect", x0=r - 0.5, x1=r + 0.5, y0=i - 0.5, y1=i + 0.5,
                      line=dict(color="#000000", width=2.5))
    fig.add_trace(go.Scatter(
        x=boxed, y=labels, mode="markers", name="base rank (boxed)",
        marker=dict(symbol="square-open", size=14, color="#000000", opacity=0),
        showlegend=True, hoverinfo="skip",
    ))
    if any(fragile):
        fig.add_annotation(x=0, xref="paper", xanchor="left", y=0, yref="paper", yshift=-62,
                           yanchor="top", showarrow=False, font=dict(size=12, color=WARN),
                           text="⚠ fragile: the rank changes under small changes of the weights"
                           if resampled == "weights" else "⚠ fragile: the rank changes with "
                           "who is on the panel")
    for lab, p in zip(labels, s["p_top3"], strict=True):
        fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=lab, showarrow=False,
                           text=f"  {p:.0%}", font=dict(size=12))
    fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=1.0, yref="paper",
                       yanchor="bottom", showarrow=False, text="  P(top 3)",
                       font=dict(size=12, color=MUTED))
    fig.update_xaxes(title_text="rank under perturbed weights" if resampled == "weights"
                     else "rank under resampled participants", dtick=1, side="bottom",
                     showgrid=False, range=[0.5, len(ranks) + 0.5])
    if pooled:
        fig.update_xaxes(tickvals=ranks, ticktext=[*map(str, ranks[:-1]), f"{cut + 1}+"])
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_layout(margin=dict(r=90, t=100, b=120 if hidden else 90))
    _caption_more(fig, hidden, len(top), " (and the report's audience)" if extra else "",
                  yshift=-84)
    return _finish(fig, title, _height(len(s), extra=270 if hidden else 240))


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
