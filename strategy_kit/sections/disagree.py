"""The report section "Where we disagree" (docs/workshop.md); absent without ratings.

The disagreements that change the plan come first (each item once, with the goals it
changes), then who stands apart, the most disputed items as a dot plot, each table's agreement
(Krippendorff's alpha) and each participant's own top three. Who stands apart is said by
pseudonym only (R01, …), even for participants whose name may be shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import plots
from ..model.disagreements import plan_disagreements
from ..model.robustness import participant_ranks
from ..ratings.agreement import item_agreement, table_agreement
from ..ratings.apart import APART_MARGIN, RATES_DIFFERENTLY, stand_apart
from ..ratings.load import case_ratings
from .display import esc, show_figure, show_html, show_table, show_text

__all__ = ["HEADING", "disputed_dots", "show_disagreement"]

HEADING = "Where we disagree"
#: How many of the most disputed items the dot plot shows.
DOT_ITEMS = 12


def disputed_dots(case: Any, ratings: Any, items: pd.DataFrame) -> pd.DataFrame:
    """``item_name, value, count``: how many raters gave each value to each item."""
    rows = []
    for it in items.itertuples(index=False):
        v = ratings.matrix(it.table, [it.item])[:, 0]
        vals, counts = np.unique(v[~np.isnan(v)], return_counts=True)
        rows += [(it.item_name, float(x), int(n)) for x, n in zip(vals, counts, strict=True)]
    return pd.DataFrame(rows, columns=["item_name", "value", "count"])


def _changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "item": changes["item_name"],
        "raters": changes["flag"] + ", n = " + changes["n"].astype(str),
        "low view": changes["low_view"], "high view": changes["high_view"],
        "goals it changes": changes["goal_names"], "what changes": changes["what"]})


def _participants(s: Any, goal: str, audiences: list[str]) -> str:
    p = participant_ranks(s.case, goal, s.start, s.days)
    n = p["rater"].nunique()
    names = s.case.names("audience")
    parts = [f"{names[a]} is in the top three for {int((p[p['audience'] == a]['rank'] <= 3).sum())}"
             f" of {n} participants" for a in audiences]
    return "Each participant's own ranking (their ratings, the group's where they gave none): " \
        + "; ".join(parts) + "."


def _show_apart(s: Any, ratings: Any) -> None:
    """Who stands apart: by pseudonym only."""
    a = stand_apart(s.case, ratings)
    p = a.participants
    show_html("<h3>Who stands apart</h3>")
    said = [f"{r.pseudonym} {RATES_DIFFERENTLY}: without them the agreement over every rated "
            f"item rises from {a.alpha:.2f} to {r.alpha_without:.2f}."
            for r in p[p["note"] != ""].itertuples(index=False)]
    said += [f"{', '.join(g.members)} agree among themselves (a mean gap of at most "
             f"{g.within:.2f}) more than with anyone else (at least {g.between:.2f}): a view "
             "of their own, worth hearing as such." for g in a.subgroups.itertuples(index=False)]
    show_text(said or ["No participant stands apart: leaving any one out changes the "
                       f"agreement by at most {APART_MARGIN:.2f}, and no sub-group agrees "
                       "among itself much more than with the rest."])
    show_table(pd.DataFrame({
        "participant": p["pseudonym"], "items rated": p["items"],
        "distance from the others": p["distance"].round(2),
        "alpha without them": p["alpha_without"].round(2),
        "change": p["change"].round(2)}),
        caption="Distance: the mean gap (0–1) between a participant's rating and the others' "
                f"median. A participant is named when alpha without them is higher by more "
                f"than {APART_MARGIN:.2f}.")


def show_disagreement(s: Any) -> None:
    """Where the raters disagree, and which disagreements change the plan (absent if none)."""
    ratings = case_ratings(s.case)
    if ratings is None:
        return
    goal = None if getattr(s, "goal", "all") == "all" else s.goal
    d = plan_disagreements(s.case, goal=goal, start=s.start, days=s.days)
    items = item_agreement(s.case, ratings)
    assert d is not None
    show_html(f'<h2 id="where-we-disagree">{esc(HEADING)}</h2>')
    voices = ratings.raters["group"].nunique()
    show_text([
        f"{len(ratings.raters)} participants ({voices} voices) rated {len(items)} items; "
        f"each value of the report is their median. {d.disputed} items are disputed "
        f"(polarised or mixed): {len(d.changes)} change{'s' if len(d.changes) == 1 else ''} "
        f"the plan, {d.unchanged} change "
        "nothing — discuss the first ones."])
    if not d.changes.empty:
        show_html("<h3>Disagreements that change the plan</h3>")
        show_table(_changes_table(d.changes))
        show_text(["The low view is the median of the half of the raters who rated the item "
                   "lowest, the high view of the half who rated it highest; everything else "
                   "stays at the group's values. An item is listed when the two views change a "
                   "goal's first audience or top three by more than resampling the "
                   "participants does anyway, or an audience's first format, first ally or "
                   "lead frame by more than a near tie."], css="sk-note")
    _show_apart(s, ratings)
    top = items.head(DOT_ITEMS)
    # the mark is the value the report uses: the median of the groups' medians
    show_figure(plots.plot_disputed(disputed_dots(s.case, ratings, top),
                                    top.assign(median=top["value"])))
    alphas = table_agreement(s.case, ratings).rename(columns={
        "alpha": "alpha", "alpha_low": "95 % low", "alpha_high": "95 % high"})
    show_table(alphas, caption="Agreement per table: Krippendorff's alpha (interval; 1 = "
                               "full agreement, 0 = chance), with a 95 % interval (bootstrap "
                               "over the items)")
    rob = getattr(s, "robustness", None)
    if hasattr(rob, "summary") and goal is not None:
        top3 = list(rob.summary["audience"].head(3))
        show_text([_participants(s, goal, top3)])
