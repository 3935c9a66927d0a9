"""The template case that ``strategy-kit new-case`` writes, with its dates moved to the future.

The template's dates are examples; a new case whose planned actions already lie in the past
would show an empty plan. Every date of the template is moved by the same whole number of
years, so that the first planned action falls after today and the order of everything stays
as written (a briefing still comes before the summit it prepares).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

from .. import config
from .schema import TABLES

__all__ = ["write_template"]


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _years_ahead(folder: Path, today: dt.date) -> int:
    """How many years to add so that the earliest action starts after ``today``."""
    path = folder / "actions.csv"
    if not path.is_file():
        return 0
    with path.open(encoding="utf-8-sig", newline="") as f:
        starts = [dt.date.fromisoformat(r["start"]) for r in csv.DictReader(f) if r.get("start")]
    if not starts:
        return 0
    first = min(starts)
    years = 0
    while _shift(first, years) <= today:
        years += 1
    return years


def write_template(target: Path, today: dt.date | None = None) -> Path:
    """Copy the template case to ``target`` (which must not exist), dates moved ahead."""
    today = today or dt.date.today()
    shutil.copytree(config.TEMPLATE_CASE_DIR, target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    years = _years_ahead(target, today)
    if years == 0:
        return target
    for table in TABLES.values():
        dates = [c.name for c in table.columns if c.kind == "date"]
        path = target / table.file
        if not dates or not path.is_file():
            continue
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        if not rows:
            continue
        for r in rows:
            for c in dates:
                if r.get(c):
                    r[c] = _shift(dt.date.fromisoformat(r[c]), years).isoformat()
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    return target
