"""A made-up workshop panel for tests: six participants rating a copy of a case.

R01–R03 rate the case's own values with a little noise; R04 and R05 share a view of their own
(a common shift per item) and so agree with each other more than with anyone; R06 read the
scale the other way round (1 − the value). Written as the kit writes ``--csv`` sheets, with
their README.txt, so the folders are what a facilitator copies into ``ratings/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

import strategy_kit as sk
from strategy_kit.ratings.scale import RATED
from strategy_kit.ratings.sheets import sheet_frame

BELARUS = Path(__file__).parents[1] / "data" / "belarus"


def write_panel(source: Path, target: Path, seed: int = 7, reversed_rater: bool = True,
                subgroup: bool = True) -> Path:
    """Copy the case ``source`` to ``target`` with a ``ratings/`` folder of six participants."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("ratings"))
    case = sk.load_case(target, ratings=False)
    rng = np.random.default_rng(seed)
    folder = target / "ratings"
    folder.mkdir()
    for k in range(1, 7):
        (folder / f"R{k:02d}").mkdir()
        (folder / f"R{k:02d}" / "README.txt").write_text("Thank you for rating\n",
                                                        encoding="utf-8")
    for r in RATED:
        frame = sheet_frame(case, r)
        if frame.empty:
            continue
        truth = case._tables[r.table][r.value].to_numpy(float)
        shift = rng.normal(0, 0.3, len(truth))  # the sub-group's own view
        for k in range(1, 7):
            x = truth + rng.normal(0, 0.08, len(truth))
            if subgroup and k in (4, 5):
                x = truth + shift + rng.normal(0, 0.04, len(truth))
            if reversed_rater and k == 6:
                x = 1 - truth + rng.normal(0, 0.08, len(truth))
            frame[r.value] = np.round(np.clip(x, 0, 1), 2)
            frame.to_csv(folder / f"R{k:02d}" / f"{r.sheet}.csv", index=False)
    return target
