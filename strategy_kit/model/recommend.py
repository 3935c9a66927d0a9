"""How to reach an audience (formats), with whom (allies) and what to say (messages).

Implements method.md §Formats, §Allies and §Messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..params import DateLike
from .leads import format_leads
from .matrices import check_count, horizon, matrices, to_dates
from .scoring import score_contributions, score_priority
from .timing import occurrences

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["Messages", "frame_scores", "recommend_allies", "recommend_formats",
           "recommend_messages", "recommend_portfolio_allies"]

EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}
#: The tilt towards positive tone: a frame's score is its relevance times this factor
#: (method.md §Messages).
TONE_TILT = {"positive": 1.0, "neutral": 0.85, "negative": 0.7}

_NAT = np.datetime64("NaT", "us")


def _str(values: list[str] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(values, dtype=object), dtype="str")


def recommend_formats(case: Case, audience: str, goal: str, start: DateLike = None,
                      days: int | str | None = None) -> pd.DataFrame:
    """The formats that reach an audience, with their effort and when to start preparing.

    A format tied to a moment gets fit 0 when no occurrence of that moment falls in the
    horizon (method.md §Formats).

    Parameters
    ----------
    case
        A loaded case.
    audience, goal
        Ids from the case (the goal is checked; a format's fit does not depend on it).
    start, days
        The horizon: ISO start date (default today) and length (default the case's).

    Returns
    -------
    DataFrame
        ``format, name, kind, effort, fit, moment, moment_name, moment_date, in_horizon,
        lead_days, prepare_by, safeguard``: one row per format linked to the audience, best
        fit first, then least effort. ``moment_date`` is the tied moment's first occurrence in the
        horizon (else its next one, else its only one; NaT for untied formats);
        ``prepare_by`` = moment_date − lead_days (the format's, or its kind's default when
        blank: model.leads), NaT for an untied format: it has no dated occasion and can be
        used any time.
    """
    case.check("audience", audience)
    case.check("goal", goal)
    h = horizon(case, start, days)
    mx = matrices(case)
    fa = case.format_audiences
    fa = fa[fa["audience"] == audience]
    f = case.formats.set_index("id").loc[fa["format"]].reset_index()
    fit = fa["fit"].to_numpy(float).copy()
    lead = format_leads(f["kind"], f["lead_days"])
    moment = f["moment"].to_numpy(object)
    m_idx, occ_s, occ_e = occurrences(mx, h.first, h.last)
    tied_date = np.full(len(f), _NAT)
    in_horizon = np.ones(len(f), dtype=bool)
    names = np.full(len(f), "", dtype=object)
    prepare = np.full(len(f), _NAT)
    for n, m in enumerate(moment):  # a loop over one audience's formats
        if not m:  # no dated occasion: "any time", never an invented date (method.md)
            continue
        j = mx.moments.get_loc(m)
        names[n] = mx.moment_names[j]
        mine = m_idx == j
        s, e = occ_s[mine], occ_e[mine]
        inside = (s <= h.last) & (e >= h.first)
        if inside.any():
            day = int(s[inside].min())
        else:
            in_horizon[n] = False
            later = s[s > h.last]
            day = int(later.min() if len(later) else mx.moment_start[j])
        tied_date[n] = to_dates(day)
        prepare[n] = to_dates(day - math.ceil(lead[n]))
    fit = np.where(in_horizon, fit, 0.0)
    out = pd.DataFrame({
        "format": _str(f["id"].to_numpy(object)),
        "name": _str(f["name"].to_numpy(object)),
        "kind": _str(f["kind"].to_numpy(object)),
        "effort": _str(f["effort"].to_numpy(object)),
        "fit": fit,
        "moment": _str(moment),
        "moment_name": _str(names),
        "moment_date": tied_date,
        "in_horizon": in_horizon,
        "lead_days": lead,
        "prepare_by": prepare,
        "safeguard": _str(f["safeguard"].to_numpy(object)),
    })
    effort = out["effort"].map(EFFORT_ORDER).to_numpy()
    order = np.lexsort((np.arange(len(out)), effort, -fit))
    return out.iloc[order].reset_index(drop=True)


def recommend_allies(case: Case, audience: str) -> pd.DataFrame:
    """The allies who reach an audience, the strongest reach first (method.md §Allies).

    Parameters
    ----------
    case
        A loaded case.
    audience
        An audience id.

    Returns
    -------
    DataFrame
        ``ally, name, kind, reach``, allies with reach above 0.
    """
    case.check("audience", audience)
    la = case.ally_audiences
    la = la[(la["audience"] == audience) & (la["reach"] > 0)]
    allies = case.allies.set_index("id")
    out = pd.DataFrame({
        "ally": _str(la["ally"].to_numpy(object)),
        "name": _str(allies.loc[la["ally"], "name"].to_numpy(object)),
        "kind": _str(allies.loc[la["ally"], "kind"].to_numpy(object)),
        "reach": la["reach"].to_numpy(float),
    })
    order = np.lexsort((np.arange(len(out)), -out["reach"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def recommend_portfolio_allies(case: Case, goal: str, start: DateLike = None,
                               days: int | str | None = None) -> pd.DataFrame:
    """Which allies carry the most of the goal's priority across all audiences.

    leverage(l, g) = Σₐ reach(l, a)·priority(a, g) / Σₐ priority(a, g), in [0, 1]
    (method.md §Allies).

    Parameters
    ----------
    case
        A loaded case.
    goal
        A goal id.
    start, days
        The horizon of the priorities: ISO start date (default today) and length (default
        the case's).

    Returns
    -------
    DataFrame
        ``ally, name, kind, leverage, audiences`` (a tuple of the audiences it reaches, the
        largest reach × priority first), every ally, the highest leverage first.
    """
    pr = score_priority(case, goal=goal, start=start, days=days)
    mx = matrices(case)
    allies = case.allies
    la = case.ally_audiences
    prio = pr.set_index("audience")["priority"].reindex(mx.audiences).to_numpy()
    reach = np.zeros((len(allies), len(mx.audiences)))
    reach[pd.Index(allies["id"]).get_indexer(la["ally"]),
          mx.audiences.get_indexer(la["audience"])] = la["reach"].to_numpy(float)
    carried = reach * prio[None, :]
    total = prio.sum()
    leverage = np.clip(carried.sum(axis=1) / total, 0.0, 1.0) if total > 0 \
        else np.zeros(len(allies))
    ids = mx.audiences.to_numpy(object)
    reached = [tuple(str(x) for x in ids[np.lexsort((np.arange(len(ids)), -r, -row))][
        : int((r > 0).sum())]) for row, r in zip(carried, reach, strict=True)]
    out = pd.DataFrame({
        "ally": _str(allies["id"].to_numpy(object)),
        "name": _str(allies["name"].to_numpy(object)),
        "kind": _str(allies["kind"].to_numpy(object)),
        "leverage": leverage,
        "audiences": pd.Series(reached, dtype=object),
    })
    order = np.lexsort((np.arange(len(out)), -leverage))
    return out.iloc[order].reset_index(drop=True)


@dataclass(frozen=True)
class Messages:
    """What to say to an audience about a goal (method.md §Messages).

    Attributes
    ----------
    hooks
        ``interest, interest_name, contribution, hook``: the goal's hooks for the audience's
        top contributing interests.
    frames
        ``frame, name, tone, connects_to, text, relevance, score, use, safeguard``: the lead
        frame first (``use`` = ``lead``), then the supporting ones, the highest score first
        (score = relevance to this goal's interests for the audience × the tone's tilt).
    negative_share
        The share of the recommended frames' total score that comes from negative frames.
    warning
        A sentence when the case has no positive frame for this audience and goal, else None
        (never a warning against the lead the kit recommends).
    """

    hooks: pd.DataFrame
    frames: pd.DataFrame
    negative_share: float
    warning: str | None


def frame_scores(case: Case, audience: str, goal: str) -> tuple[np.ndarray, np.ndarray]:
    """relevance(f, a, g) and score(f, a, g) of every frame (method.md §Messages).

    relevance(f, a, g) = Σᵢ rel(f, i)·c(a, g, i) / Σᵢ c(a, g, i), c(a, g, i) = w(a, i)·s(g, i):
    how strongly the frame speaks to the interests through which this goal reaches this
    audience; when the goal serves none of them, the audience's interests by weight.
    score = relevance × tilt(tone). A frame spoken ``about`` someone (``voice: about``) scores
    0 for an audience that leans against or opposes the goal.
    """
    from .stance import stance_matrix

    mx = matrices(case)
    a, g = mx.audiences.get_loc(audience), mx.goals.get_loc(goal)
    c = mx.weight[a] * mx.strength[g]
    basis = c / c.sum() if c.sum() > 0 else mx.weight_share[a]
    relevance = np.clip(mx.frame_relevance @ basis, 0.0, 1.0)
    ft = mx.frame_table
    score = relevance * np.array([TONE_TILT[t] for t in ft["tone"]])
    voice = ft["voice"].to_numpy(object) if "voice" in ft else np.full(len(ft), "", object)
    if stance_matrix(case)[a, g] in ("leaning-against", "opposed"):
        score = np.where(voice == "about", 0.0, score)
    return relevance, score


def recommend_messages(case: Case, audience: str, goal: str, top: int = 3) -> Messages:
    """The hooks and frames to use with an audience for a goal.

    Frames are ranked by score (``frame_scores``). The lead is the case's core narrative
    (``frames.csv`` ``core: yes``) when it has one; else the best frame, unless that is
    negative and a positive frame speaks to the audience: then the best positive frame leads
    and the negative one supports it (method.md §Messages).

    Parameters
    ----------
    case
        A loaded case.
    audience, goal
        Ids from the case.
    top
        How many hooks and frames to recommend (1 or more).

    Returns
    -------
    Messages
        ``hooks``, ``frames``, ``negative_share`` and ``warning``.
    """
    top = check_count(top, "top", 1, 1000)
    contrib = score_contributions(case, audience, goal)
    hooks = contrib[contrib["contribution"] > 0].head(top)
    hooks = hooks[["interest", "interest_name", "contribution", "hook"]].reset_index(drop=True)
    ft = matrices(case).frame_table
    relevance, score = frame_scores(case, audience, goal)
    tone = ft["tone"].to_numpy(object)
    order = np.lexsort((np.arange(len(ft)), -score))
    order = order[score[order] > 0]
    core = ft["core"].to_numpy(object) == "yes" if "core" in ft else np.zeros(len(ft), bool)
    lead: int | None = None
    if core.any():
        lead = int(np.flatnonzero(core)[0])
    elif len(order):
        positive = [i for i in order if tone[i] == "positive"]
        lead = int(positive[0] if tone[order[0]] == "negative" and positive else order[0])
    rest = [int(i) for i in order if i != lead]
    chosen = np.array(([lead] if lead is not None else []) + rest[: top - (lead is not None)],
                      dtype=np.int64)
    empty = np.full(len(ft), "", dtype=object)
    frames = pd.DataFrame({
        "frame": _str(ft["id"].to_numpy(object)[chosen]),
        "name": _str(ft["name"].to_numpy(object)[chosen]),
        "tone": _str(tone[chosen]),
        "connects_to": _str(ft["connects_to"].to_numpy(object)[chosen]),
        "text": _str(ft["text"].to_numpy(object)[chosen]),
        "relevance": relevance[chosen],
        "score": score[chosen],
        "use": _str(["lead" if i == lead else "support" for i in chosen]),
        "safeguard": _str((ft["safeguard"].to_numpy(object) if "safeguard" in ft
                           else empty)[chosen]),
    })
    total = score[chosen].sum()
    negative = score[chosen][tone[chosen] == "negative"].sum()
    share = float(negative / total) if total > 0 else 0.0
    warning = None
    if len(chosen) and tone[chosen[0]] == "negative":
        warning = ("No positive frame in the case speaks to this audience's interests for this "
                   "goal, and a purely negative agenda puts people off: write one "
                   "(frames.csv) and pair this frame with it.")
    return Messages(hooks=hooks, frames=frames, negative_share=share, warning=warning)
