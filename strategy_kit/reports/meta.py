"""What a report is, embedded in its head as JSON, so that a later index can list it fully.

A report carries ``<script type="application/json" id="strategy-kit-meta">``: its kind, title,
case, horizon, which values it was scored on (``values``, ``values_note``: the raters' medians
or the case's own) and, for an audience report, the scores it was made with: those of the case
the report's notebook loads (``strategy_kit.load_case``), so that the page and its metadata
never disagree. The index of a later
batch reads it back (:func:`read_meta`) instead of recomputing scores the case may no longer
give. Paths never go in: a report is sent around, the sender's folders stay home.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StrategyKitError

if TYPE_CHECKING:
    from .render import ReportJob

__all__ = ["META_ID", "meta_json", "read_meta", "report_case", "report_meta", "scores_of"]

META_ID = "strategy-kit-meta"
_META = re.compile(r'<script[^>]*\bid="' + META_ID + r'"[^>]*>(.*?)</script>', re.S)
#: How much of a report's start is searched for the metadata (it comes right after <title>).
_HEAD_BYTES = 65536
_SCORES = ("fit", "influence", "timing", "priority")


def scores_of(case: Any, audience: str, goal: str, start: object, days: object,
              cache: dict[Any, Any] | None = None) -> dict[str, Any]:
    """The names and scores of one audience for one goal, as the report shows them."""
    from ..model.scoring import score_priority

    cache = {} if cache is None else cache
    key = (case.data_hash, goal, start, days)
    if key not in cache:
        cache[key] = score_priority(case, goal=goal, start=start, days=days).set_index("audience")
    s = cache[key].loc[audience]
    return {"audience": audience, "audience_name": case.names("audience")[audience],
            "goal": goal, "goal_name": case.names("goal")[goal],
            **{k: float(s[k]) for k in _SCORES}, "rank": int(s["rank"])}


def report_case(case: Any, scenario: str | None = None) -> Any:
    """The case a report's notebook uses: ``strategy_kit.load_case`` (with its ratings).

    Metadata, the batch index and the brief load it the same way, under the report's
    ``scenario`` if it has one, so they show the numbers the report computes.
    """
    from ..ratings.load import load_case

    return load_case(case, scenario=scenario or None)


def report_meta(job: ReportJob) -> dict[str, Any]:
    """The metadata of a job's report: kind, title, case, horizon, values, and its scores."""
    params = job.parameters
    meta: dict[str, Any] = {
        "kind": "audience" if "audience" in job.labels else "overview",
        "title": job.title, "case_title": job.case_title, "data_hash": job.data_hash,
        "start": params.get("start"), "days": params.get("days"), **dict(job.labels),
    }
    try:
        case = report_case(params["case"], params.get("scenario"))
    except (StrategyKitError, KeyError):  # the case changed under the run: no scores
        return meta
    meta.update(values=case.values, values_note=case.values_note)
    a, g = job.labels.get("audience"), job.labels.get("goal")
    if a and g:
        try:
            meta.update(scores_of(case, a, g, params.get("start"), params.get("days")))
        except (StrategyKitError, KeyError):
            pass
    return meta


def meta_json(meta: dict[str, Any]) -> str:
    """The metadata as JSON that cannot end its ``<script>`` element early."""
    text = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def read_meta(path: str | Path) -> dict[str, Any] | None:
    """The metadata a report embeds, or ``None`` (an older report, or not a report)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(_HEAD_BYTES)
    except OSError:
        return None
    found = _META.search(head)
    if not found:
        return None
    try:
        meta = json.loads(found.group(1))
    except ValueError:
        return None
    return meta if isinstance(meta, dict) else None
