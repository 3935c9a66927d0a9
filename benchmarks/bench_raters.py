"""Benchmark robustness from the raters and print the measured figures.

    python benchmarks/bench_raters.py [--raters 12] [--draws 1000] [--goal GOAL]

A copy of data/belarus gets ``--raters`` synthetic participants, generated here (each rates
every priority table: the case's value with noise, a word for a third of the items, blanks
for a tenth; three groups). The case in data/belarus itself stays single-rater. Figures:
loading and aggregating the ratings, 1,000 rater draws of ``score_robustness`` (target
< 1 s), the disagreements that change the plan, and the agreement tables.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import strategy_kit as sk
from strategy_kit import config
from strategy_kit.ratings.scale import RATED
from strategy_kit.ratings.sheets import sheet_frame

TABLES = ("audiences", "audience_interests", "goal_interests", "moment_interests")


def synthetic_raters(case_dir: Path, raters: int, seed: int = 0) -> None:
    """Write ``raters`` CSV folders of noisy ratings into ``case_dir/ratings``."""
    case = sk.load_case(case_dir, ratings=False)
    rng = np.random.default_rng(seed)
    out = case_dir / "ratings"
    out.mkdir()
    names = [f"p{i:02d}" for i in range(1, raters + 1)]
    for name in names:
        (out / name).mkdir()
        for r in RATED:
            if r.table not in TABLES:
                continue
            df = sheet_frame(case, r)
            own = case.table(r.table)[r.value].to_numpy(float)
            x = np.clip(own + rng.normal(0, 0.2, len(own)), 0, 1).round(2)
            words = np.where(x < 1 / 3, "low", np.where(x > 2 / 3, "high", "medium"))
            value = np.where(rng.random(len(x)) < 1 / 3, words, x.astype(str))
            value[rng.random(len(x)) < 0.1] = ""
            df[r.value] = value
            df.to_csv(out / name / f"{r.sheet}.csv", index=False)
    groups = [("ngo", "media", "diaspora")[i % 3] for i in range(raters)]
    (out / "raters.csv").write_text("rater,group\n" + "".join(
        f"{n},{g}\n" for n, g in zip(names, groups, strict=True)), encoding="utf-8")


def timed(f):  # noqa: ANN001, ANN201
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raters", type=int, default=12)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--goal", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        case_dir = Path(tmp) / "belarus"
        shutil.copytree(config.DATA_DIR / "belarus", case_dir)
        synthetic_raters(case_dir, args.raters)
        case, t_load = timed(lambda: sk.load_case(case_dir))
        goal = args.goal or case.ids("goal")[0]
        n = len(sk.case_ratings(case).values)
        print(f"load + check + aggregate {args.raters} raters ({n} ratings): {t_load:.3f} s")
        sk.score_robustness(case, goal, draws=10)  # warm: matrices and kernels
        r, t_draws = timed(lambda: sk.score_robustness(case, goal, draws=args.draws))
        flag = "ok" if t_draws < 1 else "SLOW"
        print(f"score_robustness, {r.draws} rater draws ({r.method}), goal {goal}: "
              f"{t_draws:.3f} s (target < 1 s: {flag})")
        fragile = int(r.summary["fragile"].sum())
        print(f"  fragile audiences: {fragile} of {len(r.summary)}")
        d, t_dis = timed(lambda: sk.plan_disagreements(case, goal=goal))
        print(f"plan_disagreements ({d.disputed} disputed items, "
              f"{d.disputed - d.unchanged} change the plan): {t_dis:.3f} s")
        _, t_agree = timed(lambda: sk.table_agreement(case))
        print(f"table_agreement with 500 bootstrap draws per table: {t_agree:.3f} s")


if __name__ == "__main__":
    main()
