"""The one-page brief of an audience × goal: what a strategist brings to a meeting.

No kernel: the model's functions fill a Jinja template (``templates/brief.html.j2``, autoescaped,
so every case string is escaped), printable on one A4 or Letter page in black and white. It
says the priority and why, the next window and when to start preparing, the top two formats
and allies, the hooks and the best frame, and the plan's open items (docs/reports.md, "Brief").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import __version__, config
from ..params import parse_days, parse_start

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["BRIEF_SUFFIX", "brief_context", "brief_path", "render_brief", "write_brief",
           "write_briefs"]

BRIEF_SUFFIX = ".brief.html"
THRESHOLD = 0.5  # the windows of the reports (reports/audience.py)


def _day(v: object) -> str:
    return pd.Timestamp(v).strftime("%-d %b %Y") if v is not None and pd.notna(v) else ""


def _names(v: object) -> str:
    return ", ".join(map(str, v)) if isinstance(v, tuple | list) else str(v or "")


def _why(case: Case, audience: str, goal: str, row: pd.Series, n: int) -> str:
    from ..model.scoring import score_contributions

    contrib = score_contributions(case, audience, goal)
    top = contrib[contrib["contribution"] > 0]["interest_name"].head(2).tolist()
    parts = (f"fit {row['fit_part']:.2f} + influence {row['influence_part']:.2f} + timing "
             f"{row['timing_part']:.2f}")
    why = (f"the goal serves their interest in {' and '.join(top)}" if top
           else "the goal serves none of their interests: influence and timing carry it")
    return (f"Rank {int(row['rank'])} of {n} for this goal, priority {row['priority']:.2f} "
            f"({parts}): {why}.")


def _window(windows: pd.DataFrame, start: pd.Timestamp) -> dict[str, str] | None:
    ahead = windows[windows["end"] >= start].sort_values("start")
    if ahead.empty:
        return None
    w = ahead.iloc[0]
    late = w["prepare_by"] < start
    return {"when": f"{_day(w['start'])} – {_day(w['end'])}",
            "peak": f"{w['peak']:.2f}", "moments": _names(w["moment_names"]) or "several moments",
            "prepare": (f"now (it should have started on {_day(w['prepare_by'])})" if late
                        else _day(w["prepare_by"]))}


def _open_items(case: Case, audience: str, goal: str, start: pd.Timestamp, days: int,
                windows: pd.DataFrame) -> list[str]:
    from ..model.coverage import plan_coverage

    cov = plan_coverage(case, goal, start=start, days=days, top=len(case.ids("audience")),
                        threshold=THRESHOLD)
    items = []
    for w in cov.windows[cov.windows["audience"] == audience].itertuples():
        if not w.covered:
            items.append(f"No action is planned for the window {_day(w.start)} – "
                         f"{_day(w.end)}: plan one, or say why not.")
    what = dict(zip(case.actions["id"], case.actions["what"], strict=True))
    for a in cov.actions[cov.actions["audience"] == audience].itertuples():
        if not a.in_window:
            items.append(f"“{what.get(a.action) or a.action}” ({_day(a.start)}) falls outside "
                         "every window: move it, or keep it for a reason.")
    if windows.empty:
        items.append(f"No window of opportunity above {THRESHOLD:.1f} in this horizon: build "
                     "the relationship now, and watch for crises that raise attention.")
    return items


def brief_context(case: str | Path | Case, audience: str, goal: str, start: object = None,
                  days: object = None) -> dict[str, Any]:
    """Everything a brief shows, from the model's functions (parameters checked first)."""
    from ..case import Case, load_case
    from ..model.recommend import recommend_allies, recommend_formats, recommend_messages
    from ..model.scoring import score_priority
    from ..model.timing import find_windows

    c = case if isinstance(case, Case) else load_case(case)
    c.check("audience", audience)
    c.check("goal", goal)
    t0 = parse_start(start)  # type: ignore[arg-type]
    n = parse_days(days, c.horizon_days)  # type: ignore[arg-type]
    priority = score_priority(c, goal=goal, start=t0, days=n)
    row = priority.set_index("audience").loc[audience]
    windows = find_windows(c, audience, start=t0, days=n, threshold=THRESHOLD)
    formats = recommend_formats(c, audience, goal, start=t0, days=n)
    formats = formats[formats["fit"] > 0].head(2)
    messages = recommend_messages(c, audience, goal)
    frames = messages.frames
    return {
        "case_title": c.title, "audience_name": c.names("audience")[audience],
        "goal_name": c.names("goal")[goal],
        "horizon": f"{_day(t0)} – {_day(t0 + pd.Timedelta(days=n - 1))} ({n} days)",
        "why": _why(c, audience, goal, row, len(priority)),
        "scores": {k: f"{row[k]:.2f}" for k in ("priority", "fit", "influence", "timing")},
        "weights": {k: f"{v:.2f}" for k, v in c.weights.items()},
        "window": _window(windows, t0), "windows": len(windows),
        "formats": [{"name": f["name"], "effort": f["effort"], "fit": f"{f['fit']:.2f}",
                     "prepare": _day(f["prepare_by"]), "moment": f["moment_name"]}
                    for _, f in formats.iterrows()],
        "allies": [{"name": a["name"], "kind": a["kind"], "reach": f"{a['reach']:.2f}"}
                   for _, a in recommend_allies(c, audience).head(2).iterrows()],
        "hooks": [{"interest": h["interest_name"], "hook": h["hook"]}
                  for _, h in messages.hooks.iterrows() if str(h["hook"]).strip()][:3],
        "frame": (None if frames.empty else {"name": frames.iloc[0]["name"],
                                             "tone": frames.iloc[0]["tone"],
                                             "text": frames.iloc[0]["text"]}),
        "warning": messages.warning,
        "open_items": _open_items(c, audience, goal, t0, n, windows),
        "parameters": f"{c.name} · {audience} · {goal} · {t0.date().isoformat()} · {n} days",
        "data_hash": c.data_hash, "version": __version__,
        "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


def render_brief(context: dict[str, Any]) -> str:
    """The brief's HTML page (self-contained, escaped, no script, no request)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(config.PACKAGE_DIR / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("brief.html.j2").render(**context)


def brief_path(case_name: str, audience: str, goal: str,
               out_dir: str | Path | None = None) -> Path:
    """Where the brief of an audience × goal goes: beside its report."""
    return (Path(out_dir or config.REPORTS_DIR).resolve() / case_name
            / f"{audience}--{goal}{BRIEF_SUFFIX}")


def write_brief(case: str | Path | Case, audience: str, goal: str, start: object = None,
                days: object = None, out_dir: str | Path | None = None) -> Path:
    """Write the brief of an audience × goal beside its report; return its path."""
    from ..case import Case, load_case
    from .render import _write_atomically

    c = case if isinstance(case, Case) else load_case(case)
    html = render_brief(brief_context(c, audience, goal, start, days))
    out = brief_path(c.name, audience, goal, out_dir)
    _write_atomically(out, html)
    return out


def write_briefs(jobs: Sequence[Any]) -> list[Path]:
    """The briefs of a batch's audience reports, beside them (``batch --brief``)."""
    from .render import _write_atomically

    out = []
    for job in jobs:
        a, g = job.labels.get("audience"), job.labels.get("goal")
        if a and g:
            p = job.parameters
            html = render_brief(brief_context(p["case"], a, g, p["start"], p["days"]))
            path = job.out.with_name(f"{a}--{g}{BRIEF_SUFFIX}")
            _write_atomically(path, html)
            out.append(path)
    return out
