"""Show figures, tables and case text in a notebook so that they survive export to HTML.

Plotly's default renderer under a kernel outputs only ``application/vnd.plotly.v1+json``,
which nbconvert drops (plotly.py#5365). We output a bundle with both: JupyterLab renders the
Plotly JSON; the HTML export uses the ``text/html`` part, a ``<div>`` and a ``Plotly.newPlot``
call. plotly.js itself is not in the bundle: the report template embeds it once, compressed,
and draws the figures through ``window.skPlotly`` once it is unpacked (``bundle``).
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from IPython.display import display

__all__ = ["cell_text", "esc", "figure_bundle", "show_figure", "show_html", "show_list",
           "restart_ids", "show_table", "show_text", "table_html"]


_ids = itertools.count(1)
_CONFIG = {"displaylogo": False, "responsive": True}


def restart_ids() -> None:
    """Number figures from 1 again: a new page (a batch kernel's reset calls it)."""
    global _ids
    _ids = itertools.count(1)


def esc(value: object) -> str:
    """HTML-escape any value from a case."""
    return html.escape("" if value is None else str(value), quote=True)


def figure_bundle(fig: go.Figure) -> dict[str, object]:
    """The mime bundle of a figure: Plotly JSON for JupyterLab, HTML for the export."""
    # Serialized once: the figure holds numpy arrays and dates that the kernel cannot send
    # as they are, and the same JSON feeds both parts of the bundle.
    text = fig.to_json(validate=False)
    div_id = f"sk-fig-{next(_ids)}"
    height = fig.layout.height or 450
    # "</" cannot end the script early: JSON allows "\/" for "/" (case text is also escaped).
    script_json = text.replace("</", "<\\/")
    div = (
        f'<div id="{div_id}" class="plotly-graph-div" style="height:{height}px; width:100%;">'
        f'</div><script type="text/javascript">(function () {{ var f = {script_json}; '
        f'var draw = function () {{ if (document.getElementById("{div_id}")) {{ '
        f'return Plotly.newPlot("{div_id}", f.data, f.layout, {json.dumps(_CONFIG)}); }} }}; '
        # The report's template unpacks plotly.js after the page is read: skPlotly waits for it.
        f"if (window.skPlotly) {{ window.skPlotly(draw); }} else {{ draw(); }} }})();</script>"
    )
    return {
        "application/vnd.plotly.v1+json": json.loads(text),
        "text/html": f'<div class="sk-figure">{div}</div>',
        "text/plain": f"<Figure: {esc(fig.layout.title.text or 'untitled')}>",
    }


def show_figure(fig: go.Figure) -> None:
    """Display a figure so that it renders in JupyterLab and in the exported HTML."""
    display(figure_bundle(fig), raw=True)


def table_html(df: pd.DataFrame, *, floats: str = "{:.2f}", caption: str | None = None) -> str:
    """An escaped HTML table of ``df`` (no index): numbers right-aligned, dates unbroken."""
    kinds = {c: _kind(df[c]) for c in df.columns}
    head = "".join(f'<th class="{kinds[c]}">{esc(c)}</th>' for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="{kinds[c]}">{esc(cell_text(v, floats))}</td>'
            for c, v in zip(df.columns, rec, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<table class="sk-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "txt"
    if pd.api.types.is_numeric_dtype(s):
        return "num"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    return "txt"


def cell_text(v: object, floats: str = "{:.2f}") -> str:
    """A value as a table shows it: tuples joined, dates as YYYY-MM-DD, floats rounded."""
    if isinstance(v, tuple | list):
        return ", ".join(map(str, v))
    if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, pd.Timestamp | dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float):
        return floats.format(v)
    return str(v)


def show_table(df: pd.DataFrame, *, caption: str | None = None, empty: str = "None.") -> None:
    """Display a frame as an escaped HTML table (or a short note when it is empty)."""
    if df.empty:
        show_html(f'<p class="sk-note">{esc(empty)}</p>')
        return
    display({"text/html": table_html(df, caption=caption),
             "text/plain": df.to_string(index=False)}, raw=True)


def show_html(markup: str) -> None:
    """Display markup the kit built itself (case strings inside must already be escaped)."""
    display({"text/html": markup, "text/plain": html.unescape(_strip_tags(markup))}, raw=True)


def show_text(paragraphs: Iterable[str], *, tag: str = "p", css: str = "") -> None:
    """Display case text, escaped, one element per paragraph."""
    cls = f' class="{esc(css)}"' if css else ""
    show_html("".join(f"<{tag}{cls}>{esc(p)}</{tag}>" for p in paragraphs))


def show_list(items: Iterable[str], *, ordered: bool = False) -> None:
    """Display case text as an escaped bulleted (or numbered) list."""
    tag = "ol" if ordered else "ul"
    show_html(f"<{tag}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + f"</{tag}>")


def _strip_tags(markup: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", markup).strip()
