"""The Spectrum of Allies: each goal's audiences on five wedges, from allies to opponents.

``plot_spectrum`` draws one strip per goal; each wedge lists the audiences placed on it, those
who can grant the goal's ask (``decides``) in bold and those who move them in plain type, so
that a strategist sees at a glance whom to mobilise, whom to persuade and whom to counter
(method.md §Stance). Importable from :mod:`strategy_kit.plots` like every ``plot_*``.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from .style import (
    MAX_ROWS,
    MUTED,
    _add_all,
    _cap,
    _caption_more,
    _empty,
    _finish,
    _require,
    _text,
    _wrap,
)

__all__ = ["WEDGES", "plot_spectrum"]

#: The wedges left to right, their headings and fills (green for allies, orange for opponents:
#: the Okabe–Ito pair, light enough for black text).
WEDGES = (("ally", "Allies", "#cdeee2"), ("leaning-towards", "Leaning towards", "#e6f5ef"),
          ("neutral", "Neutral", "#f2f2f2"), ("leaning-against", "Leaning against", "#fbe6d9"),
          ("opposed", "Opposed", "#f6cdb3"))
UNPLACED = ("", "Not placed", "#ffffff")
LINE_PX = 15
#: Characters per line in a wedge: the names are packed, " · " between them.
WIDTH = 18
SEP = " · "


def _cut(s: object, limit: int) -> str:
    """The raw text, shortened with "…" (escaping comes after, in ``_wrap``)."""
    raw = "" if s is None or (isinstance(s, float) and pd.isna(s)) else str(s)
    return raw if len(raw) <= limit else raw[: limit - 1].rstrip() + "…"


def _pack(tokens: list[tuple[str, bool, bool]], width: int) -> list[str]:
    """Lines of escaped names, packed up to ``width`` characters, deciders in bold.

    A name longer than a line is wrapped on lines of its own; the audience of a report is
    underlined.
    """
    def styled(text: str, bold: bool, under: bool) -> str:
        t = _text(text)
        t = f"<b>{t}</b>" if bold else t
        return f"<u>{t}</u>" if under else t

    lines: list[str] = []
    raw_len = 0
    for name, bold, under in tokens:
        if len(name) > width:
            lines.extend(styled(part, bold, under)
                         for part in textwrap.wrap(name, width, break_long_words=False))
            raw_len = width + 1  # nothing joins a wrapped name's last line
            continue
        if lines and raw_len + len(SEP) + len(name) <= width:
            lines[-1] += _text(SEP) + styled(name, bold, under)
            raw_len += len(SEP) + len(name)
        else:
            lines.append(styled(name, bold, under))
            raw_len = len(name)
    return lines


def plot_spectrum(pathway_df: pd.DataFrame, keep: str | None = None,
                  title: str | None = "Spectrum of Allies, per goal",
                  limit: int | None = None) -> go.Figure:
    """One strip per goal: the audiences on the five wedges of the Spectrum of Allies.

    Parameters
    ----------
    pathway_df
        ``audience, audience_label, goal, goal_label, stance, role`` (the frame of
        ``model.routes.score_pathway`` with labels).
    keep
        An audience to underline (the one a report is about).
    title
        The figure's title.
    limit
        Place the first ``limit`` audiences of each goal (default ``MAX_ROWS``; the frame of
        ``score_pathway`` lists them by priority), and ``keep`` wherever it ranks; the
        caption says how many more there are.

    Returns
    -------
    go.Figure
        Coloured wedges per goal; deciders in bold, movers in plain type.
    """
    if pathway_df.empty:
        return _empty(title)
    _require(pathway_df, "pathway_df",
             ["audience", "audience_label", "goal", "goal_label", "stance", "role"])
    df = pathway_df.assign(stance=pathway_df["stance"].fillna("").astype(str))
    most = MAX_ROWS if limit is None else limit
    placed, hidden, kept = [], 0, False
    for _, rows in df.groupby("goal", sort=False):  # thousands of names fill no wedge
        shown, more = _cap(list(rows["audience"]), [keep] if keep else (), most)
        placed.append(rows[rows["audience"].isin(shown)] if more else rows)
        hidden, kept = max(hidden, more), kept or (more > 0 and keep in shown[most:])
    df = pd.concat(placed) if hidden else df
    wedges = list(WEDGES) + ([UNPLACED] if (df["stance"] == "").any() else [])
    goals = list(dict.fromkeys(df["goal"]))
    labels = dict(zip(df["goal"], df["goal_label"], strict=False))
    tokens: dict[tuple[str, str], list[tuple[str, bool, bool]]] = {}
    for r in df.itertuples():
        tokens.setdefault((r.goal, r.stance), []).append(
            (_cut(r.audience_label, 40), r.role == "decides",
             keep is not None and r.audience == keep))
    cells = {k: _pack(v, WIDTH) for k, v in tokens.items()}
    heights = [max([len(cells.get((g, w[0]), [])) for w in wedges] + [1]) for g in goals]
    fig = go.Figure()
    y = 0.0
    tick_y, tick_text = [], []
    shapes, notes = [], []
    for g, h in zip(goals, heights, strict=True):
        top, bottom = y, y + h + 1.0
        for k, (stance, _, fill) in enumerate(wedges):
            shapes.append(dict(type="rect", x0=k, x1=k + 1, y0=top, y1=bottom, fillcolor=fill,
                               line=dict(color="#ffffff", width=2), layer="below"))
            lines = cells.get((g, stance), [])
            if lines:
                notes.append(dict(x=k + 0.5, y=top + 0.4, text="<br>".join(lines),
                                  showarrow=False, yanchor="top", xanchor="center",
                                  font=dict(size=10.5), align="center"))
        tick_y.append((top + bottom) / 2)
        tick_text.append(_wrap(_cut(labels[g], 60), 24))
        y = bottom + 0.3
    _add_all(fig, annotations=notes, shapes=shapes)
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", marker=dict(opacity=0),
                             hoverinfo="skip", showlegend=False))
    fig.update_xaxes(range=[0, len(wedges)], tickvals=[k + 0.5 for k in range(len(wedges))],
                     ticktext=[_text(w[1]) for w in wedges], side="top", showgrid=False,
                     zeroline=False, ticks="")
    fig.update_yaxes(range=[y, 0], tickvals=tick_y, ticktext=tick_text, showgrid=False,
                     zeroline=False, ticks="")
    fig.add_annotation(x=0, y=y, xref="x", yref="y", yanchor="top", xanchor="left",
                       showarrow=False, font=dict(size=11, color=MUTED),
                       text="Bold: can grant the ask (decides); plain: moves those who do. "
                            "Aim: move each one wedge to the left.")
    height = int(LINE_PX * (y + 2)) + 130
    if hidden:
        _caption_more(fig, hidden, most, (" for each goal" if len(goals) > 1 else "")
                      + (" (and the report's audience)" if kept else ""), yshift=-40)
        fig.update_layout(margin=dict(b=70))
        height += 40
    return _finish(fig, title, max(height, 220))
