"""The look of every strategy-kit figure, defined once, and the helpers the plot modules share.

Importing this registers the Plotly template ``strategy_kit`` (system fonts, the Okabe–Ito
palette ``PALETTE``, a single-hue sequential scale) and defines the colours of the priority
parts. The private helpers make case text safe and short (``_text``, ``_short``, ``_wrap``,
``_labels``), check frames (``_require``) and finish figures (``_empty``, ``_height``,
``_finish``, ``_label_peaks``, …). Every string that comes from a case goes through
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

from ..errors import BadParameterError, UnknownChoiceError

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
#: The most audiences (rows) a figure draws: the top ones, plus the one a report is about.
#: The figure's caption says how many more there are. One constant for every figure.
MAX_ROWS = 30
ROW_PX = 30


#: The trace types the kit draws. The template keeps plotly_white's defaults for these only:
#: every figure carries its template, and the defaults of some twenty other types made each
#: figure's JSON twice as large and twice as slow to build, for nothing drawn.
TRACE_TYPES = ("bar", "heatmap", "scatter", "table")


def _make_template() -> go.layout.Template:
    template = go.layout.Template(pio.templates["plotly_white"])
    template.data = {k: v for k, v in template.data.to_plotly_json().items()
                     if k in TRACE_TYPES}
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


def plotly_safe(text: str) -> str:
    """``text`` escaped for Plotly: tags (``<``, ``>``, ``&``) and template syntax.

    A name put into a hover template would otherwise be evaluated there: ``%{y}`` in a name
    shows a number. ``%`` before ``{`` becomes the entity ``&#37;``, which Plotly shows as
    ``%`` after the template is filled. Quotes are left alone: Plotly shows ``&quot;``
    literally.
    """
    return html.escape(text, quote=False).replace("%{", "&#37;{")


def _text(s: object) -> str:
    """Return a case string safe for Plotly text (:func:`plotly_safe`); missing gives ``""``."""
    if s is None or (not isinstance(s, (str, tuple, list)) and pd.isna(s)):
        return ""
    if isinstance(s, (tuple, list)):
        s = ", ".join(str(x) for x in s)
    return plotly_safe(str(s))


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


def _label(name: object, limit: int = NAME_LIMIT) -> str:
    """An escaped label on at most two lines, wrapped rather than cut.

    The lines are ``limit`` characters wide, wider (up to 1.5 × ``limit``) when the name needs
    it to fit on two; only a longer name is shortened (with "…"): give it a short ``label``.
    """
    raw = _join(name)
    if len(raw) <= limit:
        return _text(raw)
    width = min(limit * 3 // 2, max(limit, -(-len(raw) // 2) + 4))
    return _wrap(_clip_lines(raw, width, 2), width)


def _labels(names: Iterable[object], ids: Iterable[object], limit: int = NAME_LIMIT,
            labels: Iterable[object] | None = None) -> list[str]:
    """Escaped, unique axis labels; a clash gets the id added.

    The case's short ``label`` where given, else the name wrapped on two lines.
    """
    names, ids = list(names), list(ids)
    if labels is not None:
        names = [lab if _join(lab) else n for lab, n in zip(labels, names, strict=True)]
    short = [_label(n if _join(n) else i, limit) for n, i in zip(names, ids, strict=True)]
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


def _apply_template(fig: go.Figure) -> None:
    """Give ``fig`` the kit's template, as Plotly gives a new figure its default one.

    The template was validated when registered: set by name, Plotly deep-copies and checks
    it again for every figure (4 ms, a tenth of a figure's cost); set as Plotly sets its
    default template, without the check, the figure gets its own copy and the same JSON.
    """
    layout = fig.layout
    checking = getattr(layout, "_validate", True)  # Plotly's own switch (basedatatypes)
    layout._validate = False
    try:
        layout.template = pio.templates[TEMPLATE]
    finally:
        layout._validate = checking


def _height(rows: int, extra: int = 170, minimum: int = 320) -> int:
    return max(minimum, extra + ROW_PX * rows)


def _finish(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    """Apply the template, title and height; a legend goes between the title and the plot."""
    _apply_template(fig)
    fig.update_layout(title=_text(title) if title else None, height=height)
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


def _add_all(fig: go.Figure, annotations: Iterable[Mapping[str, Any]] = (),
             shapes: Iterable[Mapping[str, Any]] = ()) -> None:
    """Add annotations and shapes (``add_annotation``/``add_shape`` arguments) at once, in order.

    Each ``add_annotation`` or ``add_shape`` copies and validates again every one the figure
    already has, so a loop of them costs the square of their number: a report's 45 labels
    and 20 shapes were a fifth of its kernel time. The figure is the same.
    """
    new_annotations = [go.layout.Annotation(**a) for a in annotations]
    new_shapes = [go.layout.Shape(**s) for s in shapes]
    if new_annotations:
        fig.layout.annotations = (*fig.layout.annotations, *new_annotations)
    if new_shapes:
        fig.layout.shapes = (*fig.layout.shapes, *new_shapes)


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
                 limit: int = 10, width_px: float = 1000,
                 span_days: float | None = None) -> None:
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
    # the x axis spans the whole period (span_days), not only the labelled peaks
    per_day = width_px / max(float(span_days or days.max()), 30.0)
    half = [(6.6 * min(len(_join(names[i])), 30) + 10) / 2 / per_day for i in keep]
    clusters: list[list[int]] = []
    for k in range(len(keep)):
        if clusters and days[k] - half[k] < max(days[j] + half[j] for j in clusters[-1]):
            clusters[-1].append(k)
        else:
            clusters.append([k])
    labels = []
    for cluster in clusters:
        base = max(ys[keep[k]] for k in cluster)
        ends: list[float] = []  # the right end of the last label on each level
        for k in cluster:
            level = next((j for j, end in enumerate(ends) if end <= days[k] - half[k]), len(ends))
            ends[level:level + 1] = [days[k] + half[k]]
            i = keep[k]
            labels.append(dict(x=at[k], y=ys[i], text=_short(names[i], 30), ax=0, ayref="y",
                               ay=base + (18 + 17 * level) * unit_px, arrowcolor="#9e9e9e",
                               arrowwidth=1, showarrow=True, font=dict(size=11, color="#5a2a00"),
                               bgcolor="rgba(255,255,255,0.8)"))
    _add_all(fig, annotations=labels)


def _goals(df: pd.DataFrame, goal: str | None) -> list[tuple[str, pd.DataFrame]]:
    """The (goal name, rows) pairs to draw: one goal when given, else each goal of the frame."""
    if goal is not None:
        if goal not in set(df["goal"]):
            raise UnknownChoiceError("goal", goal, list(dict.fromkeys(df["goal"])))
        df = df[df["goal"] == goal]
    out = []
    for g, rows in df.groupby("goal", sort=False):
        label = rows["goal_name"].iloc[0] if "goal_name" in rows else g
        if "goal_label" in rows and _join(rows["goal_label"].iloc[0]):
            label = rows["goal_label"].iloc[0]
        out.append((_join(label) or str(g), rows))
    return out


def _col(df: pd.DataFrame, name: str) -> list[object] | None:
    """A column of labels when the frame has it (``audience_label``, …), else None."""
    return df[name].tolist() if name in df.columns else None


def _names(ids: Iterable[object], names: Mapping[str, str] | None) -> list[object]:
    names = names or {}
    return [names.get(str(i), i) for i in ids]


def _customdata(*columns: Iterable[object]) -> np.ndarray:
    return np.array(list(zip(*columns, strict=True)), dtype=object).reshape(-1, len(columns))


def _cap(ordered: Sequence[object], keep: Iterable[object] = (),
         limit: int | None = None) -> tuple[list[object], int]:
    """The first ``limit`` of ``ordered`` plus any of ``keep`` further down; and how many not.

    ``limit`` defaults to ``MAX_ROWS``. A figure of thousands of rows is unreadable and slow
    to draw: the caption then says what is missing (:func:`_caption_more`).
    """
    limit = MAX_ROWS if limit is None else limit
    wanted = set(keep)
    shown = [x for n, x in enumerate(ordered) if n < limit or x in wanted]
    return shown, len(ordered) - len(shown)


def _caption_more(fig: go.Figure, hidden: int, shown: int, extra: str = "",
                  yshift: int = -60) -> None:
    """Say under the figure how many rows it leaves out (nothing when none)."""
    if hidden <= 0:
        return
    fig.add_annotation(x=0, xref="paper", xanchor="left", y=0, yref="paper", yshift=yshift,
                       yanchor="top", showarrow=False, font=dict(size=12, color=MUTED),
                       text=f"The top {shown:,} shown{extra}; {hidden:,} more audience"
                            f"{'s' if hidden != 1 else ''} not shown.")

