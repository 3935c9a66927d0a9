"""The explorer's state without a front end: the strategist's choices and the scores they give.

``ExplorerState`` holds what a strategist changed in ``notebooks/03-explore.ipynb`` (the goal,
the audiences, the horizon, the priority weights, the audiences' interest weights, the
robustness noise), recomputes the scores with the engine (memoised, so that a slider answers
within ~100 ms) and exports the adjusted weights as a copy of the case. It needs no widgets,
so tests drive it directly; the ipywidgets front end is
:class:`strategy_kit.explorer.widgets.Explorer`, and the scores it shows are in ``scores``.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..case import Case
from ..case.scenario import list_scenarios
from ..errors import BadParameterError, UnknownChoiceError
from ..model.matrices import PRIORITY_PARTS, check_count, matrices, priority_weights
from ..model.windows import WindowRule, window_rule
from ..params import parse_days, parse_start
from ..ratings.aggregate import participant_case
from ..ratings.load import case_ratings, load_case
from .export import export_target, warn_rated, write_export
from .lab import CASE_ENV, SCENARIO_ENV
from .scores import StateScores

__all__ = ["ExplorerState"]

#: Fewer draws than the reports' 1,000: the explorer must answer within ~100 ms; the
#: probabilities it shows move by about ±3 points.
DRAWS = 200
COMPARE_DEFAULT = 5


def _load(case: str | Path | Case | None) -> Case:
    if isinstance(case, Case):
        return case
    if case is None or not str(case).strip():
        case = os.environ.get(CASE_ENV) or config.DEFAULT_CASE
        return load_case(case, scenario=os.environ.get(SCENARIO_ENV) or None)
    return load_case(case)


class ExplorerState(StateScores):
    """The explorer's choices and adjusted weights; recomputes scores with the engine.

    The loaded case is never changed: adjusted interest weights make a new ``Case`` whose
    ``audience_interests`` table carries them (``case``).

    Parameters
    ----------
    case
        A ``Case``, a case folder or name under ``data/``; empty: ``$STRATEGY_KIT_CASE``,
        else ``belarus``.
    goal
        A goal id; empty: the case's first goal.
    audience
        The audience in focus; empty: the highest priority for the goal.
    compare
        Audiences to compare; empty: the five highest priorities (and the focus).
    start, days
        The planning horizon: ISO start (empty: today) and days (0: the case's horizon).
    sigma
        The robustness noise σ (0 to 2).
    draws
        Robustness draws per recomputation.
    threshold
        The window rule, as in ``find_windows`` (``0.5``, ``"80%"``); None: the case's.
    """

    def __init__(self, case: str | Path | Case | None = None, goal: str | None = None,
                 audience: str | None = None, compare: Sequence[str] | None = None,
                 start: object = None, days: int | str | None = None, sigma: float = 0.25,
                 draws: int = DRAWS, threshold: object = None) -> None:
        self.base = _load(case)
        self._group, self.view = self.base, "group"  # issue 15: the group's or one rater's
        self.rule: WindowRule = window_rule(self.base, threshold)
        self.draws = check_count(draws, "draws", 1, 100_000)
        self._memo: dict[Hashable, Any] = {}
        self._overrides: dict[tuple[str, str], float] = {}
        self._case, self._version = self.base, 0
        self.goal = self.base.check("goal", goal) if goal else self.base.ids("goal")[0]
        self.start = parse_start(start)  # type: ignore[arg-type]
        self.days = parse_days(days, self.base.horizon_days)  # type: ignore[arg-type]
        self.weights = {k: float(self.base.weights[k]) for k in PRIORITY_PARTS}
        self.sigma = _check_sigma(sigma)
        ranked = list(self._priority()["audience"])
        self.audience = self.base.check("audience", audience) if audience else ranked[0]
        self.compare = self._check_compare(compare or ranked[:COMPARE_DEFAULT])

    # -- choices ----------------------------------------------------------------------------

    def _check_compare(self, values: Sequence[str]) -> tuple[str, ...]:
        if isinstance(values, str):
            values = [values]
        chosen = {self.base.check("audience", a) for a in values}
        return tuple(a for a in self.base.ids("audience") if a in chosen)

    def update(self, *, goal: str | None = None, audience: str | None = None,
               compare: Sequence[str] | None = None, start: object = None,
               days: int | str | None = None, weights: Mapping[str, float] | None = None,
               sigma: float | None = None, threshold: object = None) -> None:
        """Change some choices; each is checked, and nothing changes if one is bad.

        ``threshold`` sets the window rule (``0.5``, ``"80%"``, a ``WindowRule``).
        """
        new: dict[str, Any] = {}
        if threshold is not None:
            new["rule"] = window_rule(self.base, threshold)
        if goal is not None:
            new["goal"] = self.base.check("goal", goal)
        if audience is not None:
            new["audience"] = self.base.check("audience", audience)
        if compare is not None:
            new["compare"] = self._check_compare(compare)
        if start is not None:
            new["start"] = parse_start(start)  # type: ignore[arg-type]
        if days is not None:
            new["days"] = parse_days(days, self.base.horizon_days)
        if weights is not None:
            merged = {**self.weights, **weights}
            priority_weights(self.base, merged)  # checks keys and values
            new["weights"] = {k: float(merged[k]) for k in PRIORITY_PARTS}
        if sigma is not None:
            new["sigma"] = _check_sigma(sigma)
        for k, v in new.items():
            setattr(self, k, v)

    # -- views: the group's medians or one participant's ratings (issue 15) ------------------

    def views(self) -> tuple[str, ...]:
        """``group``, then the participants' pseudonyms (only ``group`` without ratings)."""
        r = case_ratings(self._group)
        return ("group", *([] if r is None else r.raters["rater"]))

    def set_view(self, view: str) -> None:
        """Show the group's values (``group``) or one participant's (``R03``).

        A participant's view is their own ratings, the group's where they gave none; adjusted
        weights stay on top.
        """
        if view not in self.views():
            raise UnknownChoiceError("view", view, self.views())
        r = case_ratings(self._group)
        self.base = self._group if view == "group" else participant_case(self._group, r, view)
        self.view, self._case, self._version = view, None, self._version + 1

    def scenarios(self) -> tuple[str, ...]:
        """``""`` (the case as it is), then the case's scenarios (issue 22, docs/compare.md)."""
        return ("", *list_scenarios(self._group.path))

    def set_scenario(self, name: str) -> None:
        """Read the case under one of its scenarios (``""``: none); the group's view."""
        if name not in self.scenarios():
            raise UnknownChoiceError("scenario", name, self.scenarios()[1:])
        self._group = load_case(self._group.path, scenario=name or None)
        self.base, self.view, self._case = self._group, "group", None
        self._version += 1

    # -- interest weights ------------------------------------------------------------------

    def case_weight(self, audience: str, interest: str) -> float:
        """The weight the case gives ``audience`` on ``interest`` (0 when it has no row)."""
        mx = matrices(self.base)
        return float(mx.weight[mx.audiences.get_loc(self.base.check("audience", audience)),
                               mx.interests.get_loc(self.base.check("interest", interest))])

    def interest_weight(self, audience: str, interest: str) -> float:
        """The weight in use: the adjusted one, else the case's."""
        key = (self.base.check("audience", audience), self.base.check("interest", interest))
        return self._overrides.get(key, self.case_weight(*key))

    def set_interest_weight(self, interest: str, value: float,
                            audience: str | None = None) -> None:
        """Set one audience's (default: the focus audience's) weight on an interest."""
        a = self.base.check("audience", audience or self.audience)
        i = self.base.check("interest", interest)
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
                or not 0.0 <= float(value) <= 1.0:
            raise BadParameterError(f"weight of '{i}'", value, "a number from 0 to 1")
        value = round(float(value), 4)
        old = self._overrides.get((a, i))
        if value == round(self.case_weight(a, i), 4):
            self._overrides.pop((a, i), None)
        else:
            self._overrides[(a, i)] = value
        if self._overrides.get((a, i)) != old:
            self._case, self._version = None, self._version + 1  # type: ignore[assignment]

    def changes(self) -> pd.DataFrame:
        """The adjusted interest weights: ``audience, interest, case_weight, weight``."""
        rows = [(a, i, self.case_weight(a, i), w) for (a, i), w in sorted(self._overrides.items())]
        return pd.DataFrame(rows, columns=["audience", "interest", "case_weight", "weight"])

    @property
    def weights_changed(self) -> bool:
        """True when the priority weights differ from the case's."""
        return not np.allclose(priority_weights(self.base, self.weights),
                               priority_weights(self.base, None))

    def reset(self) -> None:
        """Back to the case's interest and priority weights (the choices stay)."""
        self._overrides.clear()
        self._case, self._version = self.base, self._version + 1
        self.weights = {k: float(self.base.weights[k]) for k in PRIORITY_PARTS}

    def audience_interests(self) -> pd.DataFrame:
        """The ``audience_interests`` table with the adjusted weights (new pairs appended)."""
        t = self.base.audience_interests
        if not self._overrides:
            return t
        pos = {k: n for n, k in enumerate(zip(t["audience"], t["interest"], strict=True))}
        w = t["weight"].to_numpy(float).copy()
        new = [(a, i, v) for (a, i), v in self._overrides.items() if (a, i) not in pos]
        for (a, i), v in self._overrides.items():
            if (a, i) in pos:
                w[pos[(a, i)]] = v
        t["weight"] = w
        if new:
            extra = pd.DataFrame({c: [""] * len(new) for c in t.columns if c != "weight"})
            extra["audience"], extra["interest"] = [r[0] for r in new], [r[1] for r in new]
            extra["weight"] = [float(r[2]) for r in new]
            t = pd.concat([t, extra[t.columns].astype(t.dtypes.to_dict())], ignore_index=True)
        return t

    @property
    def case(self) -> Case:
        """The case with the adjusted interest weights (the loaded case when none are)."""
        if self._case is None:
            self._case = self.base.with_tables(audience_interests=self.audience_interests(),
                                               tag="-adjusted")
        return self._case

    # -- export ------------------------------------------------------------------------------

    def export(self, folder: str | Path | None = None, fmt: str | None = None) -> Path:
        """Write a copy of the case with the adjusted weights; the case is untouched.

        The copy is ``<case>-adjusted-<YYYYmmdd-HHMMSS>`` next to the case (or in ``folder``):
        the case's own files (``copy_case``: never a link, nothing else),
        ``audience_interests`` with the adjusted weights, and the priority weights of
        ``case.yaml`` when they were changed. ``fmt`` is ``folder``, ``xlsx`` or ``ods`` (a
        workbook, as ``strategy-kit convert`` writes it); by default the case's own form. The
        copy is loaded once to check it; on any failure nothing is left.

        Returns
        -------
        Path
            The new case folder or workbook.
        """
        a_ids = self.case.ids("audience")
        dead = [a for a, s in zip(a_ids, matrices(self.case).weight.sum(axis=1), strict=True)
                if s <= 0]
        if dead:
            raise BadParameterError("interest weights", ", ".join(dead),
                                    "at least one interest above 0 for every audience")
        target = export_target(self.base, folder, fmt)
        warn_rated(self._group.ratings, self._overrides)
        write_export(self.base.path, target, self._overrides,
                     priority_weights(self.base, self.weights) if self.weights_changed else None)
        return target


def _check_sigma(sigma: object) -> float:
    if isinstance(sigma, bool) or not isinstance(sigma, int | float | np.number) \
            or not 0 <= float(sigma) <= 2:
        raise BadParameterError("sigma", sigma, "a number from 0 to 2")
    return float(sigma)
