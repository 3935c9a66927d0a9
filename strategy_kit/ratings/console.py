"""The text of ``strategy-kit agreement`` and ``ratings sheets`` (docs/cli.md)."""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from .agreement import item_agreement, table_agreement
from .apart import APART_MARGIN, stand_apart
from .read import Ratings

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["agreement_csv", "agreement_text", "ratings_line"]


def ratings_line(ratings: Ratings | None) -> str:
    """A line for ``validate``: how many raters, groups and ratings; then any warning."""
    if ratings is None:
        return "ratings: none (a single set of values)"
    groups = ratings.raters["group"].nunique()
    line = (f"ratings: {len(ratings.raters)} raters in {groups} voices, "
            f"{len(ratings.values)} ratings")
    return "\n".join([line, *(f"warning: {w}" for w in ratings.warnings)])


def agreement_csv(case: Case, ratings: Ratings) -> str:
    """The per-item agreement as CSV (most disputed first)."""
    buf = io.StringIO()
    from ..files.cells import neutralise_frame  # a spreadsheet opens it: text, no formula

    neutralise_frame(item_agreement(case, ratings)).to_csv(buf, index=False, float_format="%.4g")
    return buf.getvalue()


#: The width the text of ``agreement`` is wrapped to (never cut).
WIDTH = 100


def _fmt(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.2f}"


def _wrap(text: str, indent: str, hang: str) -> list[str]:
    """``text`` wrapped at :data:`WIDTH`, whole words only: nothing is cut."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=hang,
                         break_long_words=False, break_on_hyphens=False) or [indent]


def _changes_lines(changes: pd.DataFrame, unchanged: int | None) -> list[str]:
    lines = [f"Disagreements that change the plan ({len(changes)}; {unchanged} disputed "
             "items change nothing):"]
    for c in changes.itertuples(index=False):
        lines += _wrap(f"{c.item_name} [{c.table}, {c.flag}, n = {c.n}; low view "
                       f"{c.low_view:.2f}, high view {c.high_view:.2f}] — {c.what}",
                       "  - ", "    ")
    if changes.empty:
        lines.append("  - none: no disputed item changes a first audience, top three, first "
                     "format, first ally or lead frame by more than a near tie")
    return [*lines, ""]


def _apart_lines(case: Case, ratings: Ratings) -> list[str]:
    s = stand_apart(case, ratings)
    p = s.participants
    lines = [f"Who stands apart (every rated item; alpha {_fmt(s.alpha)} with everyone):",
             f"  {'participant':<12} {'items':>5}  {'distance from the others':>24}  "
             "alpha without them"]
    for r in p.itertuples(index=False):
        change = "" if pd.isna(r.change) else f" ({r.change:+.2f})"
        lines += _wrap(f"{r.pseudonym:<12} {r.items:>5}  {_fmt(r.distance):>24}  "
                       f"{_fmt(r.alpha_without)}{change}" + (f"  {r.note}" if r.note else ""),
                       "  ", " " * 16)
    lines += _wrap("(distance: the mean gap, 0–1, between their rating and the others' "
                   "median; named when alpha without them is higher by more than "
                   f"{APART_MARGIN:.2f})", "  ", "   ")
    for g in s.subgroups.itertuples(index=False):
        lines += _wrap(f"Sub-group: {', '.join(g.members)} agree among themselves (at most "
                       f"{g.within:.2f} apart) more than with anyone else (at least "
                       f"{g.between:.2f})",
                       "  ", "    ")
    return [*lines, ""]


def agreement_text(case: Case, ratings: Ratings, changes: pd.DataFrame | None = None,
                   unchanged: int | None = None, limit: int = 40) -> str:
    """What changes the plan, who stands apart, every item (most disputed first), alphas.

    Item names are printed whole, wrapped at :data:`WIDTH`; participants by pseudonym.
    """
    items = item_agreement(case, ratings)
    lines = [] if changes is None else _changes_lines(changes, unchanged)
    lines += _apart_lines(case, ratings)
    lines.append(f"Items ({len(items)}), most disputed first:")
    lines.append(f"  {'flag':<10} {'n':>3}  median   IQR  low/med/high  {'table':<18}  item")
    for it in items.head(limit).itertuples(index=False):
        lines += _wrap(f"{it.flag:<10} {it.n:>3}  {it.median:6.2f} {it.iqr:5.2f}  "
                       f"{f'{it.low}/{it.medium}/{it.high}':<12}  {it.table:<18}  "
                       f"{it.item_name}", "  ", " " * 64)
    if len(items) > limit:
        lines.append(f"  … {len(items) - limit} more (--csv lists every item)")
    lines.append("")
    lines.append("Krippendorff's alpha (interval) per table, 95 % interval (bootstrap over items):")
    for t in table_agreement(case, ratings).itertuples(index=False):
        lines.append(f"  {t.table:<18} {_fmt(t.alpha):>6}  [{_fmt(t.alpha_low)}, "
                     f"{_fmt(t.alpha_high)}]  {t.raters} raters, {t.items} items")
    return "\n".join(lines)
