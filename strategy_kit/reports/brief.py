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
from ..case.scenario import output_name
from ..params import long_date

if TYPE_CHECKING:
    from ..case import Case
    from ..sections.audience import AudienceStudy

__all__ = ["BRIEF_SUFFIX", "brief_context", "brief_path", "render_brief", "write_brief",
           "write_briefs"]

BRIEF_SUFFIX = ".brief.html"
_day = long_date  # the report's date format (params.REPORT_DATE)


def _names(v: object) -> str:
    return ", ".join(map(str, v)) if isinstance(v, tuple | list) else str(v or "")


def _why(s: AudienceStudy) -> str:
    """The priority in its rule's form, then the interests that carry the fit (or none)."""
    from ..sections.advice import explain_priority, no_reason_note

    contrib = s.contributions
    top = contrib[contrib["contribution"] > 0]["interest_name"].head(2).tolist()
    reason = (f"The goal serves their interest in {' and '.join(top)}." if top
              else no_reason_note(s) or "")
    return f"{explain_priority(s)} {reason}".strip()


def _window(s: AudienceStudy) -> dict[str, Any] | None:
    """The next usable window, then the strongest (the calendar's rule: model.preparation)."""
    from ..model.preparation import lead_windows
    from ..sections.advice import ESTIMATED

    nxt, best = lead_windows(s.preparation)
    if nxt is None or best is None:
        return None
    ids = {v: k for k, v in s.case.names("moment").items()}
    label = s.case.labels("moment")

    def one(w: pd.Series) -> dict[str, Any]:
        return {"when": f"{_day(w['start'])} – {_day(w['end'])}",
                "peak": f"{w['peak']:.2f}",
                "moments": _names(tuple(label[m] for m in w["moments"])) or "several moments",
                "prepare": (f"late — start now (it should have started on "
                            f"{_day(w['prepare_by'])})" if bool(w["late"])
                            else _day(w["prepare_by"])),
                "lead": str(w["reason"]).replace(
                    f", the lead of {w['moment_names'][0]}", ""),  # the first moment named
                "estimated": ("" if not len(w["estimated"]) else ESTIMATED
                              if set(w["estimated"]) == set(w["moment_names"])
                              else f"of {_names(tuple(label[ids[n]] for n in w['estimated']))}"
                                   f" {ESTIMATED}"),
                "recess": _names(w["recesses"])}

    out = one(nxt)
    out["strongest"] = None if nxt["start"] == best["start"] else one(best)
    return out


def _crisis(s: AudienceStudy) -> list[dict[str, str]]:
    """The crisis playbook as the report shows it (sections.crisis), kept to one page.

    The kinds of crisis that open a window for the audience.
    """
    from ..sections.crisis import playbook_items, study_playbook

    p = study_playbook(s)
    if p.empty:
        return []
    p = p[p["opens_window"]]  # short labels, to keep to one page
    c = s.case
    short = {kind: {c.names(kind)[i]: lab for i, lab in c.labels(kind).items()}
             for kind in ("format", "ally")}
    return playbook_items(p.assign(
        crisis_name=p["crisis"].map(c.labels("moment")),
        format=p["format"].map(lambda n: short["format"].get(n, n)),
        ally=p["ally"].map(lambda n: short["ally"].get(n, n))))


def _crisis_note(s: AudienceStudy) -> str:
    """What the brief says when no kind of crisis would open a window (one line)."""
    from ..sections.crisis import study_playbook

    p = study_playbook(s)
    if p.empty or p["opens_window"].any():
        return ""
    return f"none of the {len(p)} kinds of crisis would alone open a window (see the playbook)."


def _plain_words(s: AudienceStudy) -> dict[str, str]:
    """The brief's opening: the lead sentence, the ask, the role and whose numbers (issue 19)."""
    from ..sections.advice import next_window
    from ..sections.pathway import (
        ask_of,
        judgements_line,
        lead_sentence,
        no_ask_text,
        stance_line,
    )

    p = s.pathway
    lead = lead_sentence(s.case, p, next_window(s)) if p is not None else ""
    ask = ask_of(s.case, s.goal)
    # the lead sentence already carries the ask: say it again only when it does not
    said = bool(ask) and ask[1:].rstrip(".") in lead
    return {"lead": lead, "ask": "" if said else no_ask_text(s.case, s.goal),
            "role": stance_line(p) if p is not None else "",
            "judgements": judgements_line(s.case, short=True)}


def _action_label(case: Case, action: str, what: dict[str, str]) -> str:
    """An action's text, labelled EXAMPLE when it is one (issue 19)."""
    from ..sections.pathway import example_label

    row = case.actions.set_index("id").loc[action]
    return example_label({**row.to_dict(), "what": ""}, what.get(action) or action)


def _is_core(case: Case, frame: str) -> bool:
    f = case.frames.set_index("id")
    return "core" in f and str(f.at[frame, "core"]) == "yes"


def _open_items(s: AudienceStudy) -> list[str]:
    from ..model.coverage import plan_coverage

    case = s.case
    cov = plan_coverage(case, s.goal, start=s.start, days=s.days,
                        top=len(case.ids("audience")), threshold=s.rule)
    items = []
    for w in cov.windows[cov.windows["audience"] == s.audience].itertuples():
        if not w.covered:
            items.append(f"No action is planned for the window {_day(w.start)} – "
                         f"{_day(w.end)}: plan one, or say why not.")
    what = dict(zip(case.actions["id"], case.actions["what"], strict=True))
    for a in cov.actions[cov.actions["audience"] == s.audience].itertuples():
        if not a.in_window:
            items.append(f"“{_action_label(case, a.action, what)}” ({_day(a.start)}) falls outside "
                         "every window: move it, or keep it for a reason.")
    return items


def brief_context(case: str | Path | Case, audience: str, goal: str, start: object = None,
                  days: object = None, threshold: object = None) -> dict[str, Any]:
    """Everything a brief shows, from the same study as the audience report.

    The priority sentence, the windows, the preparation dates and the first move are the
    report's (``sections.audience.study_audience``, ``sections.advice``), on the same case
    values (a name or folder is loaded as the report loads it: the raters' medians when the
    case has ratings), so the brief never says something the report does not; ``values``
    says which values these are.
    """
    from ..sections.advice import top_moves, window_move
    from ..sections.audience import study_audience

    s = study_audience(case, audience, goal, start if start is not None else "",
                       days if days is not None else 0,
                       threshold if threshold is not None else "")
    c, t0, n, row = s.case, s.start, s.days, s.row
    # An audience this goal gives no reason to care (fit 0) gets no window to prepare for and
    # no gaps to fill: the brief says where to look instead, as the report's first moves do.
    caring = bool(row["fit"] > 0)
    formats = s.formats[s.formats["fit"] > 0].head(2)
    frames = s.messages.frames
    lead = _plain_words(s)
    return {
        "case_title": c.title, "audience_name": s.audience_name, "goal_name": s.goal_name,
        "horizon": f"{_day(t0)} – {_day(t0 + pd.Timedelta(days=n - 1))} ({n} days)",
        "why": _why(s), **lead,
        "scores": {k: f"{row[k]:.2f}" for k in ("priority", "fit", "influence", "timing")},
        "weights": {k: f"{v:.2f}" for k, v in c.weights.items()},
        "window": _window(s) if caring else None, "windows": len(s.windows),
        "window_note": window_move(s) if caring else " ".join(top_moves(s)),
        "formats": [{"name": f["name"], "effort": f["effort"], "fit": f"{f['fit']:.2f}",
                     "prepare": (f"late — start now (it should have started on "
                                 f"{_day(f['prepare_by'])})"
                                 if pd.notna(f["prepare_by"]) and f["prepare_by"] < t0
                                 else _day(f["prepare_by"])), "moment": f["moment_name"],
                     "safeguard": f["safeguard"]}
                    for _, f in formats.iterrows()],
        "allies": [{"name": a["name"], "kind": a["kind"], "reach": f"{a['reach']:.2f}"}
                   for _, a in s.allies.head(2).iterrows()],
        "hooks": [{"interest": h["interest_name"], "hook": h["hook"]}
                  for _, h in s.messages.hooks.iterrows() if str(h["hook"]).strip()][:3],
        "frame": (None if frames.empty else {"name": frames.iloc[0]["name"],
                                             "tone": frames.iloc[0]["tone"],
                                             "text": frames.iloc[0]["text"],
                                             "safeguard": frames.iloc[0]["safeguard"],
                                             "core": _is_core(c, frames.iloc[0]["frame"])}),
        "support": [{"name": f["name"], "tone": f["tone"],
                     "safeguard": str(f["safeguard"]).strip().rstrip(".")}
                    for _, f in frames.iloc[1:].iterrows()],
        "warning": s.messages.warning,
        "open_items": _open_items(s) if caring else [], "caring": caring,
        "crisis": _crisis(s), "crisis_note": _crisis_note(s),
        "parameters": (f"{c.name} · {audience} · {goal} · {t0.date().isoformat()} · {n} days"
                       f" · windows: {s.rule.short}"),
        "values": c.values_note, "rank": int(row["rank"]),
        "data_hash": c.data_hash, "version": __version__,
        "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


def render_brief(context: dict[str, Any]) -> str:
    """The brief's HTML page (self-contained, escaped, no script, no request)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(config.TEMPLATES_DIR),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("brief.html.j2").render(**context)


def brief_path(case_name: str, audience: str, goal: str,
               out_dir: str | Path | None = None) -> Path:
    """Where the brief of an audience × goal goes: beside its report."""
    return (Path(out_dir or config.REPORTS_DIR).resolve() / case_name
            / f"{audience}--{goal}{BRIEF_SUFFIX}")


def write_brief(case: str | Path | Case, audience: str, goal: str, start: object = None,
                days: object = None, out_dir: str | Path | None = None,
                threshold: object = None) -> Path:
    """Write the brief of an audience × goal beside its report; return its path."""
    from ..case import Case
    from .meta import report_case
    from .render import write_atomically

    c = case if isinstance(case, Case) else report_case(case)
    html = render_brief(brief_context(c, audience, goal, start, days, threshold))
    out = brief_path(output_name(c), audience, goal, out_dir)
    write_atomically(out, html)
    return out


def write_briefs(jobs: Sequence[Any]) -> list[Path]:
    """The briefs of a batch's audience reports, beside them (``batch --brief``)."""
    from .meta import report_case
    from .render import write_atomically

    out = []
    for job in jobs:
        a, g = job.labels.get("audience"), job.labels.get("goal")
        if a and g:
            p = job.parameters
            case = report_case(p["case"], p.get("scenario"))
            html = render_brief(brief_context(case, a, g, p["start"], p["days"],
                                              p.get("threshold")))
            path = job.out.with_name(f"{a}--{g}{BRIEF_SUFFIX}")
            write_atomically(path, html)
            out.append(path)
    return out
