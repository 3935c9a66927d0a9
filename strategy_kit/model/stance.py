"""Where each audience stands on a goal (the Spectrum of Allies) and the move that follows.

Implements method.md §Stance: ``audiences.csv`` ``stance`` with a per-goal value in
``goal_audiences.csv``; the move aims to shift an audience one wedge towards you.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .matrices import matrices

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["MOVES", "STANCES", "STANCE_FACTOR", "STANCE_LABELS", "stance_matrix", "stance_move"]

#: The wedges, from active ally to active opponent (case/schema.py ``STANCES``).
STANCES = ("ally", "leaning-towards", "neutral", "leaning-against", "opposed")
STANCE_LABELS = {"ally": "Allies", "leaning-towards": "Leaning towards", "neutral": "Neutral",
                 "leaning-against": "Leaning against", "opposed": "Opposed",
                 "": "Not placed"}
#: How much of an audience's priority counts when choosing whom to *ask* (method.md §Stance):
#: an ask made to an opponent is not granted, so opponents are countered, not asked.
STANCE_FACTOR = {"ally": 1.0, "leaning-towards": 1.0, "neutral": 0.8, "leaning-against": 0.5,
                 "opposed": 0.0, "": 1.0}
#: The move for each wedge: (verb, what to do), aiming one wedge closer (method.md §Stance).
MOVES = {
    "ally": ("Mobilise", "give them a specific task for the ask and the material to act on it"),
    "leaning-towards": ("Activate", "turn their sympathy into a specific commitment"),
    "neutral": ("Persuade", "show how the goal serves their own interests (aim: leaning "
                "towards)"),
    "leaning-against": ("Neutralise", "answer their objections so that they stay out of the "
                        "way (aim: neutral); expect no action"),
    "opposed": ("Counter", "do not ask them; prepare for their moves, expose them to those who "
                "can restrain them, deny them platforms"),
    "": ("Place", "their stance is not recorded: find out where they stand before you ask "
         "(audiences.csv stance)"),
}


def per_goal(case: Case, column: str, default: str = "") -> np.ndarray:
    """An audience's value of ``column`` for each goal (A, G): the goal's, else its own.

    ``goal_audiences.csv`` over ``audiences.csv``, ``default`` where neither gives one.
    """
    mx = matrices(case)
    aud = case.audiences
    base = np.array([v or default for v in aud.get(column, pd.Series([""] * len(aud)))],
                    dtype=object)
    out = np.repeat(base[:, None], len(mx.goals), axis=1)
    ga = case.goal_audiences
    if column in ga:
        ga = ga[ga[column].astype(str) != ""]
        out[mx.audiences.get_indexer(ga["audience"]), mx.goals.get_indexer(ga["goal"])] = \
            ga[column].to_numpy(object)
    return out


def stance_matrix(case: Case) -> np.ndarray:
    """stance(a, g): ``goal_audiences.csv`` over ``audiences.csv``; "" when not placed. (A, G)."""
    return per_goal(case, "stance")


def stance_move(stance: str) -> tuple[str, str]:
    """The move for a stance: (verb, explanation)."""
    return MOVES.get(stance or "", MOVES[""])
