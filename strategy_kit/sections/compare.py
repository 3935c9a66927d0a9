"""The comparison notebook's sections (``notebooks/05-compare.ipynb``): two versions, changes.

The same changes as ``strategy-kit compare`` (``model.compare``), shown as tables in a
notebook; the command line's page is ``reports/compare.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..case import Case
from ..model.compare import Comparison, compare_cases
from ..params import parse_days, parse_start
from ..ratings.version import load_version
from .display import esc, show_html, show_table

__all__ = ["ComparisonStudy", "show_changes", "show_comparison_title", "show_differing_cells",
           "study_comparison"]

KINDS = {"ranks": ("top3", "rank"), "windows": ("window",), "moves": ("move",),
         "frames": ("frame",), "ratings": ("rating",)}


@dataclass(frozen=True)
class ComparisonStudy:
    """Two versions of a case and what changes between them."""

    a: Case
    b: Case
    start: pd.Timestamp
    days: int
    comparison: Comparison


def study_comparison(a: str, b: str = "", start: object = "", days: object = 0
                     ) -> ComparisonStudy:
    """Load two versions of a case and compare them.

    ``a`` and ``b``: CASE, CASE#SCENARIO, CASE@DATE or CASE@git:REV; ``b`` empty: ``a``.
    """
    ca, cb = load_version(a), load_version(b or a)
    t0 = parse_start(start or None)
    n = parse_days(days or None, cb.horizon_days)  # type: ignore[arg-type]
    return ComparisonStudy(ca, cb, t0, n, compare_cases(ca, cb, t0, n, a_label=a,
                                                        b_label=b or a))


def show_comparison_title(s: ComparisonStudy) -> None:
    """What is compared, and how many changes."""
    c = s.comparison
    show_html(f"<h1>What changes from {esc(c.a)} to {esc(c.b)}</h1>"
              f'<p class="sk-lead">{len(c.changes)} change(s) to the plan from '
              f"{len(c.cells)} differing cell(s), planning from {s.start:%-d %b %Y} "
              f"({s.days} days).</p>")


def show_changes(s: ComparisonStudy, part: str) -> None:
    """The changes of one part: ``ranks``, ``windows``, ``moves``, ``frames`` or ``ratings``."""
    ch = s.comparison.changes
    rows = ch[ch["kind"].isin(KINDS[part])]
    show_table(rows.drop(columns=["kind", "goal", "item"]).rename(
        columns={"goal_name": "goal", "item_name": "audience / item",
                 "cause": "cells that caused it"}), empty="No change.")


def show_differing_cells(s: ComparisonStudy) -> None:
    """Every cell that differs between the two versions."""
    show_table(s.comparison.cells.drop(columns="ids"), empty="No cell differs.")
