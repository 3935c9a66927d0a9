"""The index page of a folder of reports: self-contained, escaped, sortable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import config
from ..errors import StrategyKitError
from ..files.present import without_local_paths
from .results import BatchResult

TEMPLATES_DIR = config.PACKAGE_DIR / "templates"

__all__ = ["render_index", "write_index"]


# -- the index page ---------------------------------------------------------------------------


def _index_rows(results: Sequence[BatchResult]) -> list[dict[str, Any]]:
    from ..case import load_case
    from ..model.scoring import score_priority

    cases: dict[str, Any] = {}
    tables: dict[tuple[str, str, str, int], Any] = {}
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
                c = cases.get(params["case"]) or cases.setdefault(params["case"],
                                                                   load_case(params["case"]))
                key = (params["case"], g, params["start"], params["days"])
                if key not in tables:
                    tables[key] = score_priority(c, goal=g, start=params["start"],
                                                 days=params["days"]).set_index("audience")
                s = tables[key].loc[a]
                row.update(audience=a, audience_name=c.names("audience")[a], goal=g,
                           goal_name=c.names("goal")[g], fit=float(s["fit"]),
                           timing=float(s["timing"]), priority=float(s["priority"]),
                           rank=int(s["rank"]))
            except (StrategyKitError, KeyError):  # the case changed since: no scores, no crash
                pass
        rows.append(row)
    return rows


def _earlier_rows(results: Sequence[BatchResult]) -> list[dict[str, Any]]:
    """Reports already in the folder from earlier runs, listed too.

    The index then stays the way into every report of the case (the overview of ``make demo``,
    other goals…), not only into the last batch's.
    """
    import html
    import re

    folder = results[0].job.out.parent
    ours = {r.job.out.name for r in results}
    rows = []
    for p in sorted(folder.glob("*.html")):
        if p.name in ours or p.name == "index.html":
            continue
        with p.open(encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
        found = re.search(r"<title>(.*?)</title>", head, re.S)
        title = html.unescape(found.group(1).strip()) if found else p.stem
        rows.append({"title": title, "status": "earlier", "error": None, "cell": None,
                     "seconds": None, "start": None, "days": None, "href": p.name,
                     "log": None})
    return rows


def render_index(results: Sequence[BatchResult], generated: dt.datetime | None = None) -> str:
    """The index page of one folder of reports: self-contained, escaped, sortable."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    rows = _index_rows(results) + _earlier_rows(results)
    first = results[0].job
    horizons = {(r["start"], r["days"]) for r in rows}
    counts = {s: sum(r["status"] == s for r in rows) for s in ("done", "failed", "not run")}
    when = (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    horizon = next(iter(horizons)) if len(horizons) == 1 else None
    return env.get_template("batch_index.html.j2").render(
        rows=rows, case_title=first.case_title, data_hash=first.data_hash,
        horizon=horizon if horizon and horizon[0] else None, varied=len(horizons) > 1,
        counts=counts, generated=when.isoformat(), version=_version())


def _version() -> str:
    from .. import __version__

    return __version__


def write_index(results: Sequence[BatchResult]) -> list[Path]:
    """Write ``index.html`` in each folder of reports; return their paths."""
    from .render import _write_atomically

    folders: dict[Path, list[BatchResult]] = {}
    for r in results:
        folders.setdefault(r.job.out.parent, []).append(r)
    written = []
    for folder, rs in folders.items():
        _write_atomically(folder / "index.html", render_index(rs))
        written.append(folder / "index.html")
    return written
