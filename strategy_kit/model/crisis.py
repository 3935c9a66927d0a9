"""Crisis playbooks: what to do for an audience when a kind of crisis breaks.

Implements method.md §Crisis playbooks. An undated ``crisis`` moment (``start`` blank) is a
kind of crisis that may come, with a ``likelihood`` per year and a ``response_days``. For
each audience the kit says which of these kinds would open a window, and prepares the frame,
format and ally to use, how fast, and the format's (or frame's) safeguard where the case has
a ``safeguard`` column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .matrices import horizon, matrices
from .timing import timing_matrix
from .windows import window_rule

if TYPE_CHECKING:
    from ..case import Case
    from ..params import DateLike

__all__ = ["PLAYBOOK_COLUMNS", "crisis_kinds", "crisis_playbook"]

PLAYBOOK_COLUMNS = ["crisis", "crisis_name", "likelihood", "response_days", "pressure",
                    "opens_window", "frame", "frame_text", "format", "ally", "safeguard"]


def crisis_kinds(case: Case) -> list[str]:
    """The ids of the undated crises: the kinds of crisis to prepare for."""
    m = case.moments
    return list(m.loc[(m["kind"] == "crisis") & m["start"].isna(), "id"])


def _safeguard(table: pd.DataFrame, key: str) -> str:
    if "safeguard" not in table.columns or not key:
        return ""
    row = table.loc[table["id"] == key, "safeguard"]
    return "" if row.empty or pd.isna(row.iloc[0]) else str(row.iloc[0]).strip()


def crisis_playbook(case: Case, audience: str, start: DateLike = None,
                    days: int | str | None = None, threshold: object = None) -> pd.DataFrame:
    """The audience's playbook: one row per kind of crisis the case prepares for.

    ``pressure`` = intensity · r(a, m), the timing the crisis would give the audience at its
    height, alone. It ``opens_window`` when it reaches the window level the audience would
    have with it: max(floor, share × max(pressure, the audience's peak in the horizon)) for
    the relative rule, the threshold for the absolute rule. The frame is the one most
    relevant to the interests the crisis and the audience share (Σᵢ rel(f, i) · w(a, i) ·
    rel(m, i)); the format the best-fitting one usable at short notice (untied, or tied to
    the crisis itself); the ally the one with the widest reach to the audience.

    Returns
    -------
    DataFrame
        ``crisis, crisis_name, likelihood, response_days, pressure, opens_window, frame,
        frame_text, format, ally, safeguard``, the kinds that open a window first, then by
        pressure.
    """
    a_id = case.check("audience", audience)
    mx = matrices(case)
    a = mx.audiences.get_loc(a_id)
    h = horizon(case, start, days)
    rule = window_rule(case, threshold)
    peak = float(timing_matrix(case, h)[a].max())
    moments = case.moments.set_index("id")
    frames = case.frames
    fa = case.format_audiences
    fa = fa[(fa["audience"] == a_id) & (fa["fit"] > 0)]
    formats = case.formats.set_index("id")
    al = case.ally_audiences
    al = al[(al["audience"] == a_id) & (al["reach"] > 0)].sort_values("reach", ascending=False,
                                                                       kind="stable")
    ally_names = case.names("ally")
    rows = []
    for c in crisis_kinds(case):
        m = mx.moments.get_loc(c)
        p = float(mx.intensity[m] * mx.relevance[a, m])
        level = rule.threshold if rule.rule == "absolute" else max(
            rule.floor, rule.share * max(p, peak))
        shared = mx.frame_relevance * (mx.weight_share[a] * mx.moment_relevance[m])[None, :]
        score = shared.sum(axis=1)
        f = int(np.argmax(score)) if len(score) and score.max() > 0 else -1
        frame_id = str(mx.frames[f]) if f >= 0 else ""
        usable = fa[formats.loc[fa["format"], "moment"].isin(["", c]).to_numpy()]
        usable = usable.sort_values("fit", ascending=False, kind="stable")
        fmt = str(usable["format"].iloc[0]) if len(usable) else ""
        row = moments.loc[c]
        rows.append({
            "crisis": c, "crisis_name": str(row["name"]),
            "likelihood": float(row.get("likelihood", np.nan)),
            "response_days": float(row.get("response_days", np.nan)),
            "pressure": p, "opens_window": bool(p > 0 and p >= level),
            "frame": frames.set_index("id").at[frame_id, "name"] if frame_id else "",
            "frame_text": frames.set_index("id").at[frame_id, "text"] if frame_id else "",
            "format": str(formats.at[fmt, "name"]) if fmt else "",
            "ally": ally_names[str(al["ally"].iloc[0])] if len(al) else "",
            "safeguard": "; ".join(x for x in (_safeguard(case.formats, fmt),
                                               _safeguard(frames, frame_id)) if x),
        })
    out = pd.DataFrame(rows, columns=PLAYBOOK_COLUMNS)
    if out.empty:
        return out
    return out.sort_values(["opens_window", "pressure"], ascending=[False, False],
                           kind="stable").reset_index(drop=True)
