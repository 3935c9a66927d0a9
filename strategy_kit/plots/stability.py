"""How stable a ranking is: each audience's rank over the robustness draws.

``plot_rank_stability`` takes ``score_robustness``'s summary and distribution (ranks and
their probabilities). Importable from :mod:`strategy_kit.plots` like every ``plot_*``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import (
    MUTED,
    SEQUENTIAL,
    WARN,
    _add_all,
    _cap,
    _caption_more,
    _col,
    _empty,
    _finish,
    _height,
    _labels,
    _require,
    _text,
)

__all__ = ["plot_rank_stability"]


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
    _add_all(fig, shapes=[dict(type="rect", x0=r - 0.5, x1=r + 0.5, y0=i - 0.5, y1=i + 0.5,
                               line=dict(color="#000000", width=2.5))
                          for i, r in enumerate(boxed)])
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
    _add_all(fig, annotations=[
        *(dict(x=1.0, xref="paper", xanchor="left", y=lab, showarrow=False,
               text=f"  {p:.0%}", font=dict(size=12))
          for lab, p in zip(labels, s["p_top3"], strict=True)),
        dict(x=1.0, xref="paper", xanchor="left", y=1.0, yref="paper", yanchor="bottom",
             showarrow=False, text="  P(top 3)", font=dict(size=12, color=MUTED))])
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
