"""Where the raters disagree: a dot plot of the most disputed items (docs/workshop.md)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .style import (
    FIT,
    MUTED,
    WARN,
    _customdata,
    _empty,
    _finish,
    _height,
    _require,
    _text,
    _wrap,
)

#: Item names are wrapped at this many characters, never cut.
LABEL_WIDTH = 40

__all__ = ["plot_disputed"]


def plot_disputed(dots: pd.DataFrame, items: pd.DataFrame,
                  title: str | None = "The most disputed items") -> go.Figure:
    """One row per item: a dot at each rating, sized by how many gave it; the median marked.

    Item names are shown whole, wrapped at :data:`LABEL_WIDTH` characters.

    Parameters
    ----------
    dots
        ``item_name, value, count``: how many raters gave each value to each item.
    items
        ``item_name, median, flag``, in the order to draw (top first); ``median`` is the
        value marked (the group median the model uses); ``polarised`` items are drawn in
        the warning colour.
    title
        The figure's title.
    """
    _require(dots, "dots", ["item_name", "value", "count"])
    _require(items, "items", ["item_name", "median", "flag"])
    if items.empty:
        return _empty(title, "no item was rated")
    labels = {n: _wrap(n, LABEL_WIDTH) for n in items["item_name"]}  # whole, wrapped
    order = [labels[n] for n in items["item_name"]][::-1]  # the first item at the top
    polar = set(items.loc[items["flag"] == "polarised", "item_name"])
    fig = go.Figure()
    for is_polar, colour, name in ((True, WARN, "ratings (polarised item)"),
                                   (False, FIT, "ratings")):
        d = dots[dots["item_name"].isin(items["item_name"])
                 & (dots["item_name"].isin(polar) == is_polar)]
        if d.empty:
            continue
        fig.add_trace(go.Scatter(
            x=d["value"], y=d["item_name"].map(labels), mode="markers", name=name,
            marker=dict(size=8 + 6 * d["count"], color=colour, opacity=0.55,
                        line=dict(width=1, color="white"), sizemode="diameter"),
            customdata=_customdata(d["item_name"].map(_text), d["count"]),
            hovertemplate="%{customdata[0]}<br>rating %{x:.2f}: %{customdata[1]} rater(s)"
                          "<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=items["median"], y=items["item_name"].map(labels), mode="markers",
        name="median (the value used)",
        marker=dict(symbol="line-ns", size=22, line=dict(width=3, color="#222222")),
        customdata=_customdata(items["item_name"].map(_text), items["flag"]),
        hovertemplate="%{customdata[0]}<br>median %{x:.2f} (%{customdata[1]})<extra></extra>"))
    for x, word in ((0.2, "low"), (0.5, "medium"), (0.8, "high")):
        fig.add_annotation(x=x, y=1.0, yref="paper", yanchor="bottom", text=word,
                           showarrow=False, font=dict(color=MUTED, size=12))
    for x in (1 / 3, 2 / 3):
        fig.add_vline(x=x, line=dict(color="#d0d0d0", width=1, dash="dot"))
    fig.update_xaxes(range=[-0.05, 1.05], title="rating (0 = none, 1 = very high)",
                     tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1])
    fig.update_yaxes(categoryorder="array", categoryarray=order, title=None)
    lines = sum(label.count("<br>") + 1 for label in labels.values())
    return _finish(fig, title, _height(len(items), extra=200) + 14 * (lines - len(items)))
