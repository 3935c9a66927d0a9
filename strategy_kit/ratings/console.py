"""The text of ``strategy-kit agreement`` and ``ratings sheets`` (docs/cli.md)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pandas as pd

from .agreement import item_agreement, table_agreement
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
    item_agreement(case, ratings).to_csv(buf, index=False, float_format="%.4g")
    return buf.getvalue()


def _fmt(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.2f}"


def agreement_text(case: Case, ratings: Ratings, changes: pd.DataFrame | None = None,
                   unchanged: int | None = None, limit: int = 40) -> str:
    """Per-item agreement, most disputed first, the tables' alphas and what changes the plan."""
    items = item_agreement(case, ratings)
    lines = []
    if changes is not None:
        n = len(changes[["table", "item"]].drop_duplicates())
        lines.append(f"Disagreements that change the plan ({n}; {unchanged} disputed "
                     "items change nothing):")
        for c in changes.itertuples(index=False):
            lo, hi = ((c.low_first, c.high_first) if c.change == "first audience"
                      else (c.low_top3, c.high_top3))
            lines.append(f"  {c.item_name} [{c.table}], goal {c.goal}: {c.change} — "
                         f"low view {c.low_view:.2f}: {lo}; high view {c.high_view:.2f}: {hi}")
        lines.append("")
    lines.append(f"Items ({len(items)}), most disputed first:")
    width = min(60, max([len(n) for n in items["item_name"]] + [4]))
    lines.append(f"  {'flag':<10} {'item':<{width}} {'table':<18}   n  median   IQR  "
                 "low/med/high")
    for it in items.head(limit).itertuples(index=False):
        lines.append(f"  {it.flag:<10} {it.item_name[:width]:<{width}} {it.table:<18} "
                     f"{it.n:>3}  {it.median:6.2f} {it.iqr:5.2f}  "
                     f"{it.low}/{it.medium}/{it.high}")
    if len(items) > limit:
        lines.append(f"  … {len(items) - limit} more (--csv lists every item)")
    lines.append("")
    lines.append("Krippendorff's alpha (interval) per table, 95 % rater-bootstrap interval:")
    for t in table_agreement(case, ratings).itertuples(index=False):
        lines.append(f"  {t.table:<18} {_fmt(t.alpha):>6}  [{_fmt(t.alpha_low)}, "
                     f"{_fmt(t.alpha_high)}]  {t.raters} raters, {t.items} items")
    return "\n".join(lines)
