"""Rating rounds (docs/compare.md §Rounds): a case by the raters of one round, and movement.

Raters carry a ``round`` in ``raters.csv``; the latest round is the case's values by default
(``read``). ``load_round`` aggregates one round instead; ``round_changes`` lists the items
whose median moved between two versions' rounds and whether the raters converged (their
spread, the interquartile range, narrowed).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..case import Case
from ..case import load_case as load_own_values
from ..errors import BadParameterError
from .aggregate import aggregate_case
from .read import Ratings, item_ids, read_ratings
from .scale import RATED

__all__ = ["ROUND_ATTR", "load_round", "round_agreement", "round_changes", "round_ratings",
           "rounds_of"]

#: The rounds each loaded round-case came from, by data hash.
ROUND_ATTR: dict[str, tuple[Path, int]] = {}
#: The smallest change of a median, or of the spread, that counts as movement.
MOVED = 0.05


def rounds_of(case: Case) -> list[int]:
    """The rounds of a case's raters (``raters.csv``), oldest first; [] without ratings."""
    from .read import RATERS_FILE, ratings_folder

    folder = ratings_folder(case.path)
    f = folder / RATERS_FILE
    if not f.is_file():
        return [1] if folder.is_dir() else []
    df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    col = df["round"] if "round" in df else pd.Series(["1"])
    return sorted({int(x) if x.strip().isdigit() else 1 for x in col})


def round_ratings(path: Path | str, n: int, scenario: str | None = None) -> tuple[Case, Ratings]:
    """The case's own values and the ratings of round ``n`` (raise when nobody rated in it)."""
    raw = load_own_values(path, scenario=scenario)
    ratings = read_ratings(raw, round_=n)
    if ratings is None or ratings.raters.empty:
        have = rounds_of(raw)
        raise BadParameterError("round", n, "a round of the case's raters: "
                                + (", ".join(map(str, have)) or "none (no ratings/ folder)"))
    return raw, ratings


def load_round(path: Path | str, n: int, scenario: str | None = None) -> Case:
    """The case with the medians of round ``n``'s raters."""
    raw, ratings = round_ratings(path, n, scenario)
    case = aggregate_case(raw, ratings, f"{raw.data_hash}-r{n}")
    ROUND_ATTR[case.data_hash] = (raw.path, n)
    return case


def round_agreement(path: Path | str, n: int, as_csv: bool = False) -> str:
    """``agreement --round N``: the agreement of round ``n``'s raters (text or CSV)."""
    from .console import agreement_csv, agreement_text

    case, ratings = load_round(path, n), round_ratings(path, n)[1]
    if as_csv:
        return agreement_csv(case, ratings)
    return f"Round {n} ({len(ratings.raters)} raters)\n" + agreement_text(case, ratings) + "\n"


def _spread(m: np.ndarray) -> np.ndarray:
    """The interquartile range of each item's ratings (NaN with fewer than two)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanpercentile(m, [25, 75], axis=0) if m.size else np.full((2, m.shape[1]), np.nan)
    n = (~np.isnan(m)).sum(axis=0)
    return np.where(n >= 2, q[1] - q[0], np.nan)


def round_changes(a: Case, b: Case) -> pd.DataFrame:
    """Items whose median moved, or whose raters converged or diverged, between two rounds.

    Columns of ``model.compare.CHANGE_COLUMNS`` (kind ``rating``); empty unless both cases
    were loaded by ``load_round``.
    """
    cols = ["kind", "goal", "goal_name", "item", "item_name", "before", "after", "change",
            "cause"]
    if a.data_hash not in ROUND_ATTR or b.data_hash not in ROUND_ATTR:
        return pd.DataFrame(columns=cols)
    (pa, na), (pb, nb) = ROUND_ATTR[a.data_hash], ROUND_ATTR[b.data_hash]
    _, ra = round_ratings(pa, na, a.scenario or None)
    _, rb = round_ratings(pb, nb, b.scenario or None)
    rows = []
    for r in RATED:
        items = item_ids(b, r)
        ma, mb = ra.matrix(r.table, items), rb.matrix(r.table, items)
        with warnings.catch_warnings():  # an item nobody rated in a round: NaN, skipped below
            warnings.simplefilter("ignore", RuntimeWarning)
            med_a, med_b = np.nanmedian(ma, axis=0), np.nanmedian(mb, axis=0)
        sa, sb = _spread(ma), _spread(mb)
        for i, item in enumerate(items):
            if np.isnan(med_a[i]) or np.isnan(med_b[i]):
                continue
            moved = abs(med_b[i] - med_a[i]) >= MOVED
            closer = not np.isnan(sa[i]) and not np.isnan(sb[i]) and sa[i] - sb[i] >= MOVED
            apart = not np.isnan(sa[i]) and not np.isnan(sb[i]) and sb[i] - sa[i] >= MOVED
            if not (moved or closer or apart):
                continue
            trend = ("converged" if closer else "diverged" if apart else "same spread")
            rows.append({"kind": "rating", "goal": "", "goal_name": "", "item": item,
                         "item_name": f"{r.table}: {item}",
                         "before": f"median {med_a[i]:.2f}, spread {sa[i]:.2f}",
                         "after": f"median {med_b[i]:.2f}, spread {sb[i]:.2f}",
                         "change": (f"median {med_a[i]:.2f} → {med_b[i]:.2f}; " if moved
                                    else "") + trend,
                         "cause": f"ratings of round {na} → round {nb} "
                                  f"({len(ra.raters)} → {len(rb.raters)} raters)"})
    return pd.DataFrame(rows, columns=cols)
