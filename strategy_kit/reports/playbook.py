"""The one-page crisis playbook of an audience: what to do when a kind of crisis breaks.

No kernel: ``sections.crisis`` gives the same items the report's section "When a crisis
breaks" and the brief show, and a Jinja template (autoescaped) makes a printable page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import __version__, config

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["PLAYBOOK_SUFFIX", "playbook_context", "write_playbook"]

PLAYBOOK_SUFFIX = ".crisis.html"


def playbook_context(case: str | Path | Case, audience: str, start: object = None,
                     days: object = None, threshold: object = None) -> dict[str, Any]:
    """Everything the playbook page shows."""
    from ..case import Case
    from ..model.crisis import crisis_playbook
    from ..model.matrices import horizon
    from ..model.windows import window_rule
    from ..ratings.load import load_case
    from ..sections.crisis import playbook_items

    c = case if isinstance(case, Case) else load_case(case)
    h = horizon(c, start or None, days or None)
    rule = window_rule(c, threshold or None)
    p = crisis_playbook(c, audience, h.start, h.days, rule)
    n_open = int(p["opens_window"].sum()) if len(p) else 0
    name = c.names("audience")[audience]
    lead = (f"{n_open} of the {len(p)} kinds of crisis the case prepares for would open a "
            f"window for {name}. Prepare each response now, so that it is out before "
            "attention fades.") if len(p) else ""
    day = lambda t: pd.Timestamp(t).strftime("%-d %b %Y")  # noqa: E731
    return {"case_title": c.title, "audience_name": name, "lead": lead,
            "horizon": f"{day(h.start)} – {day(h.end)} ({h.days} days)",
            "crisis": playbook_items(p),
            "parameters": f"{c.name} · {audience} · {h.start.date().isoformat()} · {h.days} "
                          f"days · windows: {rule.short}",
            "data_hash": c.data_hash, "version": __version__,
            "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}


def write_playbook(case: str | Path | Case, audience: str, start: object = None,
                   days: object = None, out_dir: str | Path | None = None,
                   threshold: object = None) -> Path:
    """Write the audience's one-page crisis playbook beside its reports; return its path."""
    import jinja2

    from ..case import Case
    from ..files.atomic import write_atomically
    from ..ratings.load import load_case

    c = case if isinstance(case, Case) else load_case(case)
    audience = c.check("audience", audience)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(config.PACKAGE_DIR / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.get_template("playbook.html.j2").render(
        **playbook_context(c, audience, start, days, threshold))
    out = Path(out_dir or config.REPORTS_DIR).resolve() / c.name / f"{audience}{PLAYBOOK_SUFFIX}"
    write_atomically(out, html)
    return out
