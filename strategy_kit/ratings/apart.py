"""Who stands apart: each participant's distance from the others, alpha without them, sub-groups.

Implements docs/method.md §Many raters, "Who stands apart". Every rated table is on the same
0–1 scale, so the participants are compared over all their rated items at once: a participant
who read the scale the other way round disagrees with everyone on every table, and leaving
them out raises the agreement of the whole panel.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .agreement import krippendorff_alpha
from .read import Ratings, item_ids
from .scale import RATED

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["APART_MARGIN", "SUBGROUP_RATIO", "StandApart", "rater_distances", "stand_apart",
           "subgroups"]

#: A participant "rates differently" when alpha without them is higher by more than this.
APART_MARGIN = 0.10
#: A sub-group: the largest distance between two of its members is at most this share of
#: the smallest distance from a member to anyone else (they agree among themselves more than
#: with anyone outside).
SUBGROUP_RATIO = 0.5
#: Two participants are compared only on at least this many items both rated.
MIN_SHARED = 10
#: What the kit says of a participant who stands apart.
RATES_DIFFERENTLY = "rates differently — check they read the scale the same way"


@dataclass(frozen=True)
class StandApart:
    """Who stands apart from the panel.

    Attributes
    ----------
    alpha
        Krippendorff's alpha (interval) over every rated item of every table.
    participants
        ``rater, pseudonym, items, distance, alpha_without, change, note``: ``distance`` is
        the mean absolute difference between the participant's rating and the median of the
        others' on each item (0–1 scale); ``alpha_without`` the alpha of the panel without
        them, ``change`` its difference from ``alpha``; ``note`` is
        :data:`RATES_DIFFERENTLY` when ``change`` exceeds :data:`APART_MARGIN`.
    subgroups
        ``members, within, between``: participants (pseudonyms) who agree among themselves
        and not with the rest; ``within`` the largest distance between two of them,
        ``between`` the smallest from one of them to anyone else.
    """

    alpha: float
    participants: pd.DataFrame
    subgroups: pd.DataFrame

    @property
    def apart(self) -> list[str]:
        """The pseudonyms of those who rate differently."""
        p = self.participants
        return list(p.loc[p["note"] != "", "pseudonym"])


def _all_items(case: Case, ratings: Ratings) -> np.ndarray:
    """Raters × every rated item of every table (NaN where a rater gave none)."""
    mats = [ratings.matrix(r.table, item_ids(case, r)) for r in RATED]
    mats = [m for m in mats if m.shape[1]]
    return np.hstack(mats) if mats else np.zeros((len(ratings.raters), 0))


def rater_distances(mat: np.ndarray) -> np.ndarray:
    """Raters × raters mean absolute difference over the items both rated (NaN: too few)."""
    n = len(mat)
    out = np.full((n, n), np.nan)
    for i, j in combinations(range(n), 2):
        both = ~np.isnan(mat[i]) & ~np.isnan(mat[j])
        if both.sum() >= MIN_SHARED:
            out[i, j] = out[j, i] = float(np.abs(mat[i, both] - mat[j, both]).mean())
    np.fill_diagonal(out, 0.0)
    return out


def _extreme(d: np.ndarray, a: list[int], b: list[int], worst: bool) -> float:
    """The largest (``worst``) or smallest distance between ``a`` and ``b`` (not self)."""
    block = d[np.ix_(a, b)]
    if a == b:
        block = block[~np.eye(len(a), dtype=bool)]
    block = block[np.isfinite(block)]
    if block.size == 0:
        return float("nan")
    return float(block.max() if worst else block.min())


def _mean(d: np.ndarray, a: list[int], b: list[int]) -> float:
    block = d[np.ix_(a, b)]
    if a == b:
        block = block[~np.eye(len(a), dtype=bool)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmean(block))


def subgroups(d: np.ndarray, among: list[int]) -> list[tuple[list[int], float, float]]:
    """Groups of at least two who agree among themselves and not with the others.

    Average-linkage clustering of the participants ``among`` on their distances; every
    cluster it forms (of at least two and at most half of them: a larger one is the rest
    of the panel, not a sub-group) whose largest distance within is at most
    :data:`SUBGROUP_RATIO` of the smallest distance from a member to anyone outside is a
    sub-group; the largest come first and none overlaps another. Returns (members, largest
    distance within, smallest distance to the others).
    """
    clusters = [[i] for i in among]
    formed = []
    while len(clusters) > 1:
        pairs = [(_mean(d, a, b), x, y) for (x, a), (y, b) in combinations(enumerate(clusters), 2)]
        pairs = [p for p in pairs if np.isfinite(p[0])]
        if not pairs:
            break
        _, x, y = min(pairs)
        merged = sorted(clusters[x] + clusters[y])
        clusters = [c for k, c in enumerate(clusters) if k not in (x, y)] + [merged]
        formed.append(merged)
    found: list[tuple[list[int], float, float]] = []
    for group in sorted(formed, key=len, reverse=True):
        rest = [i for i in among if i not in group]
        if len(rest) < 2 or len(group) > len(among) / 2 \
                or any(set(group) & set(g) for g, _, _ in found):
            continue
        within, between = _extreme(d, group, group, True), _extreme(d, group, rest, False)
        if np.isfinite(within) and np.isfinite(between) and within <= SUBGROUP_RATIO * between:
            found.append((group, within, between))
    return found


def stand_apart(case: Case, ratings: Ratings) -> StandApart:
    """Each participant's distance from the others and alpha without them; sub-groups.

    Raters appear by pseudonym (R01, …) even when ``raters.csv`` shows their name: being
    named as the one who rates differently is not what they agreed to.
    """
    mat = _all_items(case, ratings)
    labels = list(ratings.raters["rater"])
    pseud = list(ratings.raters.get("pseudonym", ratings.raters["rater"]))
    alpha = krippendorff_alpha(mat) if mat.shape[1] >= 2 else float("nan")
    rows = []
    for i, label in enumerate(labels):
        others = np.delete(mat, i, axis=0)
        mine = mat[i]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(others, axis=0) if len(others) else np.full(mine.shape, np.nan)
        both = ~np.isnan(mine) & ~np.isnan(med)
        distance = float(np.abs(mine[both] - med[both]).mean()) if both.any() else np.nan
        without = krippendorff_alpha(others) if len(others) >= 2 and mat.shape[1] >= 2 \
            else float("nan")
        change = without - alpha
        rows.append({"rater": label, "pseudonym": pseud[i], "items": int((~np.isnan(mine)).sum()),
                     "distance": distance, "alpha_without": without, "change": change,
                     "note": RATES_DIFFERENTLY if change > APART_MARGIN else ""})
    people = pd.DataFrame(rows, columns=["rater", "pseudonym", "items", "distance",
                                         "alpha_without", "change", "note"])
    apart = set(people.index[people["note"] != ""])
    d = rater_distances(mat)
    groups = subgroups(d, [i for i in range(len(labels)) if i not in apart])
    sub = pd.DataFrame([{"members": [pseud[i] for i in g], "within": w, "between": b}
                        for g, w, b in groups], columns=["members", "within", "between"])
    return StandApart(alpha=alpha, participants=people, subgroups=sub)
