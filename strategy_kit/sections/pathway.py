"""Plain words first: the ask, whom to ask, through whom, the stance's move, whose numbers.

Text built from ``model.routes`` and ``model.stance`` (method.md §Asks, §Deciders and routes,
§Stance), so that a report and a brief open with one sentence a strategist would sign, and say
near the top whose judgements the numbers are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..model.routes import case_reach
from ..model.stance import STANCE_LABELS, stance_move

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["ask_of", "example_label", "is_example", "judgements_line", "lead_sentence",
           "movers_of", "no_ask_text", "role_line", "route_table", "stance_line",
           "with_safeguard"]

NO_ASK = "no ask written: an aspiration, not yet an objective (goals.csv ask)"
SCALE = ("on a scale from 0 to 1 (mostly 0.3 a little, 0.6 clearly, 0.9 strongly), so read "
         "them as rough orders, not measurements")


def ask_of(case: Case, goal: str) -> str:
    """The goal's ask, "" when none is written."""
    g = case.goals.set_index("id")
    return str(g.at[goal, "ask"]).strip() if "ask" in g else ""


def no_ask_text(case: Case, goal: str) -> str:
    """"Ask: …" or the plain note that the goal has no ask yet."""
    ask = ask_of(case, goal)
    return f"Ask: {ask.rstrip('.')}." if ask else f"For this goal: {NO_ASK}."


def is_example(row: pd.Series | dict) -> bool:
    """An example row: ``example: yes``, or the word EXAMPLE in its note or resources."""
    get = row.get
    return (str(get("example", "")).strip().lower() == "yes"
            or any("EXAMPLE" in str(get(c, "") or "") for c in ("note", "resources", "what")))


def example_label(row: pd.Series | dict, text: str) -> str:
    """``text`` prefixed with ``EXAMPLE:`` when the row is an example."""
    return f"EXAMPLE: {text}" if is_example(row) and not text.startswith("EXAMPLE") else text


def with_safeguard(name: str, safeguard: object) -> str:
    """A format or frame with its safeguard beside it."""
    sg = str(safeguard or "").strip().rstrip(".")
    return f"{name} (safeguard: {sg})" if sg else name


def judgements_line(case: Case, short: bool = False) -> str:
    """Whose judgements the numbers are, and on what scale (``short``: one line, for briefs)."""
    from ..ratings.agreement import item_agreement
    from ..ratings.load import case_ratings

    ratings = case_ratings(case)
    if ratings is None:
        who = "by the case's authors (one set of values, no independent raters)"
    else:
        items = item_agreement(case, ratings)
        disputed = int(items["flag"].isin(["polarised", "mixed"]).sum())
        who = (f"the median of {len(ratings.raters)} raters' judgements "
               f"({ratings.raters['group'].nunique()} voices; they disagree on {disputed} of "
               f"{len(items)} rated items)")
    if short:
        return f"Whose numbers: judgements {who}, on a 0–1 scale (0.3/0.6/0.9)."
    return (f"Whose numbers: every score here is a judgement, {who}, {SCALE}. Percentages of "
            "draws say how stable a ranking is under these judgements, not how likely "
            "success is.")


def movers_of(case: Case, audience: str, goal: str, top: int = 2) -> list[tuple[str, float]]:
    """The audiences that move ``audience`` (role ``moves`` for the goal), strongest first."""
    from ..model.routes import role_matrix

    ids = list(case.ids("audience"))
    a, g = ids.index(audience), list(case.ids("goal")).index(goal)
    reach = case_reach(case).column(a)
    roles = role_matrix(case)[:, g]
    names = case.labels("audience")
    found = [(names[ids[m]], float(reach[m])) for m in np.flatnonzero(reach > 0)
             if roles[m] == "moves"]
    return sorted(found, key=lambda x: -x[1])[:top]


def stance_line(row: pd.Series) -> str:
    """Their stance for the goal and the move it calls for, in one sentence."""
    verb, why = stance_move(str(row["stance"]))
    stance = STANCE_LABELS.get(str(row["stance"]), "Not placed").lower()
    return f"Stance: {stance}. {verb}: {why}."


def role_line(case: Case, row: pd.Series) -> str:
    """Their role and stance for the goal, with the move the stance calls for."""
    names = case.labels("audience")
    name = names[row["audience"]]
    verb, why = stance_move(str(row["stance"]))
    stance = STANCE_LABELS.get(str(row["stance"]), "Not placed").lower()
    if row["role"] == "moves":
        reached = ", ".join(names[d] for d in row["reaches"][:3])
        role = (f"{name} do not decide this goal; they move those who do"
                + (f" ({reached}; reach weighted by their priority {row['move']:.2f})"
                   if reached else " (routes.csv gives them no route to its deciders yet)"))
    elif row["stance"] == "opposed":
        role = f"{name} could grant the ask but oppose it: never the ones to ask"
    else:
        role = f"{name} can grant the ask" + (f" (rank {int(row['ask_rank'])} of whom to ask)"
                                              if row["ask_rank"] > 0 else "")
    return f"{role}. Stance: {stance}. {verb}: {why}."


def lead_sentence(case: Case, row: pd.Series, window: str | None) -> str:
    """The plain sentence a report and a brief open with (method.md §Asks)."""
    names = case.labels("audience")
    name = names[row["audience"]]
    ask = ask_of(case, row["goal"])
    next_window = f" The next window is {window}." if window else ""
    if row["role"] == "moves":
        reached = [names[d] for d in row["reaches"][:2]]
        whom = " and ".join(reached) if reached else "the goal's deciders"
        what = " to grant the ask" if ask else ""
        return (f"Use {name} to move {whom}{what}; {name} themselves are not the ones to "
                f"ask.{next_window}" + ("" if ask else f" ({NO_ASK}.)"))
    if row["stance"] == "opposed":
        threat = (f" Their next moment, {window}, is a threat to prepare for, not a window to "
                  "use." if window else "")
        return (f"Do not ask {name}: they oppose this goal. Counter them and prepare for "
                f"their moves.{threat}")
    movers = movers_of(case, row["audience"], row["goal"])
    through = (", through " + " and ".join(m for m, _ in movers) + ",") if movers else ""
    if not ask:
        return (f"Approach {name}{through} on this goal; {NO_ASK}.{next_window}")
    return f"Ask {name}{through} to {ask[0].lower() + ask[1:]}.{next_window}"


def route_table(case: Case, audience: str, goal: str) -> pd.DataFrame:
    """The routes around an audience for a goal (method.md §Deciders and routes).

    For a mover: the goal's deciders it reaches; otherwise: the movers that reach it. Columns
    ``audience, role, reach, via, route``, the strongest reach first.
    """
    from ..model.routes import role_matrix

    ids = list(case.ids("audience"))
    a, g = ids.index(audience), list(case.ids("goal")).index(goal)
    rc = case_reach(case)
    roles = role_matrix(case)[:, g]
    names = case.names("audience")
    notes = {(r["from"], r["to"]): str(r["note"]) for _, r in case.routes.iterrows()}
    mover = roles[a] == "moves"
    reach = rc.row(a) if mover else rc.column(a)  # zero for audiences on no route
    rows = []
    for o in np.flatnonzero(reach > 0):
        r = reach[o]
        if (mover and roles[o] != "decides") or (not mover and roles[o] != "moves"):
            continue
        src, dst = (a, o) if mover else (o, a)
        k = rc.via_of(src, dst)
        hops = [ids[src]] + ([ids[k]] if k >= 0 else []) + [ids[dst]]
        rows.append({"audience": names[ids[o]], "role": roles[o], "reach": float(r),
                     "via": names[ids[k]] if k >= 0 else "direct",
                     "route": "; ".join(n for n in (notes.get((x, y), "") for x, y in
                                                   zip(hops, hops[1:], strict=False)) if n)})
    out = pd.DataFrame(rows, columns=["audience", "role", "reach", "via", "route"])
    return out.sort_values("reach", ascending=False, kind="stable").reset_index(drop=True)
