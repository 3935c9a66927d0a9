"""The comparison page of two versions of a case (``strategy-kit compare``; Jinja, no kernel).

One self-contained offline HTML page (no script, no request, every case string escaped) of
``model.compare``'s changes: ranks and the top three, windows, first moves, lead frames,
ratings between rounds, and the cells that differ; ``changes_csv`` gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import __version__, config
from ..params import parse_days, parse_start

if TYPE_CHECKING:
    from ..case import Case
    from ..model.compare import Comparison

__all__ = ["changes_csv", "compare_context", "render_compare", "write_compare"]

SECTIONS = (
    ("ranks", "Audiences that change rank", ("top3", "rank"),
     "Per goal: an audience that enters or leaves the top three first, then other moves."),
    ("windows", "Windows gained or lost", ("window",),
     "A window of one version that overlaps no window of the other, per audience."),
    ("moves", "First moves that change", ("move",),
     "Per goal: the best format and the best ally for the audience ranked first."),
    ("frames", "Frames that change lead", ("frame",),
     "The best frame for each audience in either version's top three of a goal."),
    ("ratings", "Ratings that moved", ("rating",),
     "Items whose median rating moved between the rounds; converged: the raters' spread "
     "narrowed."),
)
HEAD = ["Goal", "Audience / item", "Before", "After", "Change", "Cells that caused it"]


def _describe(case: Case, label: str) -> str:
    from ..case.scenario import read_scenario

    text = f"{label} ('{case.title}')"
    if case.scenario:
        text += f", scenario '{read_scenario(case.path, case.scenario).title}'"
    return text


def _scenario_notes(cases: tuple[Case, ...]) -> list[str]:
    from ..case.scenario import read_scenario

    out = []
    for c in cases:
        if c.scenario:
            s = read_scenario(c.path, c.scenario)
            out.append(f"Scenario '{s.title}' answers: {s.question} — {s.answer}. "
                       f"{s.why} Source: {s.source}".strip())
    return out


def compare_context(cmp: Comparison, a: Case, b: Case, start: pd.Timestamp,
                    days: int) -> dict[str, Any]:
    """Everything the comparison page shows."""
    ch = cmp.changes
    sections = []
    for sid, title, kinds, note in SECTIONS:
        part = ch[ch["kind"].isin(kinds)]
        if sid == "ratings" and part.empty:
            continue
        part = part.assign(order=part["kind"].map({k: i for i, k in enumerate(kinds)}))
        part = part.sort_values(["goal", "order"], kind="stable")
        rows = [[r.goal_name or "—", r.item_name, r.before, r.after, r.change, r.cause or "—"]
                for r in part.itertuples()]
        sections.append({"id": sid, "title": title, "note": note, "head": HEAD, "rows": rows,
                         "plain": False})
    cells = [[r.table, r.row, r.column, r.before, r.after] for r in cmp.cells.itertuples()]
    sections.append({"id": "cells", "title": "What differs in the tables", "note":
                     "Every cell that differs between the two versions (rows matched by id).",
                     "head": ["Table", "Row", "Column", "Before", "After"], "rows": cells,
                     "plain": True})
    n_top = int((ch["kind"] == "top3").sum())
    summary = (f"{len(ch)} change(s) to the plan from {len(cmp.cells)} differing cell(s); "
               f"{n_top} cross into or out of a goal's top three.")
    return {"a": cmp.a, "b": cmp.b, "a_desc": _describe(a, cmp.a), "b_desc": _describe(b, cmp.b),
            "case_title": b.title, "start": start.date().isoformat(), "days": days,
            "summary": summary, "scenarios": _scenario_notes((a, b)), "sections": sections,
            "a_hash": a.data_hash, "b_hash": b.data_hash, "version": __version__,
            "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}


def render_compare(context: dict[str, Any]) -> str:
    """The comparison page's HTML (self-contained, escaped, no script, no request)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(config.PACKAGE_DIR / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("compare.html.j2").render(**context)


def changes_csv(cmp: Comparison) -> str:
    """The changes as CSV: one row per change, with its cause."""
    return cmp.changes.to_csv(index=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:60] or "version"


def write_compare(a: Case, b: Case, a_label: str, b_label: str, start: object = None,
                  days: object = None, out_dir: str | Path | None = None,
                  ratings: pd.DataFrame | None = None) -> tuple[Comparison, Path]:
    """Compare two loaded versions and write the page; return the comparison and its path.

    ``ratings``: rows of kind ``rating`` (``ratings.rounds``) added to the changes.
    """
    from ..files.output import check_output_dir
    from ..model.compare import compare_cases
    from .render import write_atomically

    t0 = parse_start(start)
    n = parse_days(days, b.horizon_days)  # type: ignore[arg-type]
    # the case's own name (a snapshot's or a revision's folder is named by its date)
    out = Path(out_dir or config.REPORTS_DIR).resolve() / _slug(re.split(r"[@# ]", b_label)[0])
    check_output_dir(out)
    cmp = compare_cases(a, b, start=t0, days=n, a_label=a_label, b_label=b_label)
    if ratings is not None and not ratings.empty:
        import dataclasses

        cmp = dataclasses.replace(cmp, changes=pd.concat([cmp.changes, ratings],
                                                         ignore_index=True))
    path = out / f"compare--{_slug(a_label)}--{_slug(b_label)}.html"
    write_atomically(path, render_compare(compare_context(cmp, a, b, t0, n)))
    return cmp, path
