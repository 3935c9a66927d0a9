"""The index page of a folder of reports: self-contained, escaped, sorted by goal and rank."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import config
from ..errors import StrategyKitError
from ..files.present import without_local_paths
from .results import BatchResult

#: A brief is written beside its report as ``<audience>--<goal>.brief.html`` (``brief``).
BRIEF_SUFFIX = ".brief.html"
SCORES = ("fit", "influence", "timing", "priority")

__all__ = ["render_index", "write_index"]


# -- the index page ---------------------------------------------------------------------------


def _index_rows(results: Sequence[BatchResult]) -> list[dict[str, Any]]:
    from ..reports.meta import report_case, scores_of

    cases: dict[tuple[str, str], Any] = {}
    tables: dict[Any, Any] = {}
    rows = []
    for r in results:
        job, params = r.job, r.job.parameters
        # the page is shared: an error quoting a file shows it from its case folder on
        error = without_local_paths(r.error) if r.error else r.error
        row: dict[str, Any] = {"title": job.title, "status": r.status, "error": error,
                               "cell": r.cell, "seconds": r.seconds,
                               "start": params.get("start"), "days": params.get("days"),
                               "href": job.out.name if r.status == "done" else None,
                               "log": Path(r.log).name if r.log else None}
        a, g = job.labels.get("audience"), job.labels.get("goal")
        if a and g:
            try:
                key = (params["case"], params.get("scenario") or "")
                c = cases.get(key) or cases.setdefault(key, report_case(*key))
                row.update(scores_of(c, a, g, params["start"], params["days"], tables))
            except (StrategyKitError, KeyError):  # the case changed since: no scores, no crash
                pass
        rows.append(row)
    return rows


def _earlier_rows(results: Sequence[BatchResult]) -> list[dict[str, Any]]:
    """Reports already in the folder from earlier runs, listed too, with the scores they embed.

    The index then stays the way into every report of the case (the overview of ``make demo``,
    other goals…), not only into the last batch's.
    """
    import html
    import re

    from ..reports.meta import read_meta

    folder = results[0].job.out.parent
    ours = {r.job.out.name for r in results}
    rows = []
    for p in sorted(folder.glob("*.html")):
        if p.name in ours or p.name == "index.html" or p.name.endswith(BRIEF_SUFFIX):
            continue
        meta = read_meta(p) or {}
        title = meta.get("title")
        if not isinstance(title, str):
            with p.open(encoding="utf-8", errors="replace") as f:
                found = re.search(r"<title>(.*?)</title>", f.read(4096), re.S)
            title = html.unescape(found.group(1).strip()) if found else p.stem
        row = {"title": title, "status": "earlier", "error": None, "cell": None,
               "seconds": None, "start": meta.get("start"), "days": meta.get("days"),
               "href": p.name, "log": None}
        if all(isinstance(meta.get(k), str) for k in ("audience", "audience_name", "goal",
                                                         "goal_name")) and all(
                isinstance(meta.get(k), int | float) for k in (*SCORES, "rank")):
            row.update({k: meta[k] for k in ("audience", "audience_name", "goal", "goal_name",
                                             *SCORES, "rank")})
        rows.append(row)
    return rows


def _companions(rows: list[dict[str, Any]], folder: Path) -> None:
    """Link each report's brief and PDF, when they are in the folder."""
    for r in rows:
        stem = Path(r["href"]).stem if r["href"] else None
        r["pdf"] = f"{stem}.pdf" if stem and (folder / f"{stem}.pdf").is_file() else None
        brief = f"{stem}{BRIEF_SUFFIX}" if stem else None
        r["brief"] = brief if brief and (folder / brief).is_file() else None
        brief_pdf = f"{stem}.brief.pdf" if stem else None
        r["brief_pdf"] = brief_pdf if brief_pdf and (folder / brief_pdf).is_file() else None


def _ordered(rows: list[dict[str, Any]], goals: Sequence[str]) -> list[dict[str, Any]]:
    """Audience reports by goal (the case's order) then rank; the others after, by title."""
    where = {g: i for i, g in enumerate(goals)}

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        if "rank" in r:
            return (0, where.get(r["goal"], len(where)), r["goal_name"], r["rank"],
                    r["audience_name"])
        return (1, 0, "", 0, r["title"])

    return sorted(rows, key=key)


def render_index(results: Sequence[BatchResult], generated: dt.datetime | None = None) -> str:
    """The index page of one folder of reports: self-contained, escaped, sortable."""
    import jinja2

    from ..reports.meta import report_case

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(config.TEMPLATES_DIR),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    first = results[0].job
    try:
        case = report_case(first.parameters["case"], first.parameters.get("scenario"))
        goals, values = list(case.ids("goal")), case.values_note
    except (StrategyKitError, KeyError):
        goals, values = [], ""
    rows = _ordered(_index_rows(results) + _earlier_rows(results), goals)
    _companions(rows, first.out.parent)
    horizons = {(r["start"], r["days"]) for r in rows if r["start"]}
    counts = {s: sum(r["status"] == s for r in rows)
              for s in ("done", "failed", "not run", "earlier")}
    when = (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    horizon = next(iter(horizons)) if len(horizons) == 1 else None
    return env.get_template("batch_index.html.j2").render(
        rows=rows, case_title=first.case_title, data_hash=first.data_hash,
        horizon=horizon if horizon and horizon[0] else None, varied=len(horizons) > 1,
        counts=counts, generated=when.isoformat(), version=_version(), values=values)


def _version() -> str:
    from .. import __version__

    return __version__


def write_index(results: Sequence[BatchResult]) -> list[Path]:
    """Write ``index.html`` in each folder of reports; return their paths."""
    from ..reports.render import write_atomically

    folders: dict[Path, list[BatchResult]] = {}
    for r in results:
        folders.setdefault(r.job.out.parent, []).append(r)
    written = []
    for folder, rs in folders.items():
        write_atomically(folder / "index.html", render_index(rs))
        written.append(folder / "index.html")
    return written
