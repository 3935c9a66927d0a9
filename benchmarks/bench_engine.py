"""Benchmark the scoring engine and print the measured figures.

    python benchmarks/bench_engine.py [--audiences 1000] [--interests 200] [--goals 50]
                                      [--moments 60] [--days 730]

1. fit + timing + priority on a synthetic case (default 1,000 audiences × 200 interests ×
   50 goals over 730 days; targets: < 1 s, peak memory < 1 GB);
2. robustness, 1,000 draws, on data/belarus (the template case if it is missing; < 1 s);
3. Belarus end to end: load + score + recommend for one audience (< 0.3 s).

Every figure is measured cold (a Case object whose matrices are not cached yet) and, where
it matters, warm (the same Case again).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import strategy_kit.case.load as case_module  # noqa: E402
from strategy_kit import config  # noqa: E402
from strategy_kit.case import Case, load_case  # noqa: E402
from strategy_kit.model.recommend import (  # noqa: E402
    recommend_allies,
    recommend_formats,
    recommend_messages,
)
from strategy_kit.model.robustness import score_robustness  # noqa: E402
from strategy_kit.model.scoring import score_contributions, score_fit, score_priority  # noqa: E402
from strategy_kit.model.timing import score_timing  # noqa: E402
from strategy_kit.model.windows import find_windows  # noqa: E402

START = "2026-01-01"


def write_synthetic(folder: Path, n_aud: int, n_int: int, n_goal: int, n_mom: int,
                    seed: int = 0) -> None:
    """A valid random case: each audience weighs 30 interests, each goal serves 40."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "case.yaml").write_text('title: "Synthetic"\ndescription: "Benchmark case"\n'
                                      "horizon_days: 730\n", encoding="utf-8")
    aud = [f"a{i}" for i in range(n_aud)]
    intr = [f"i{i}" for i in range(n_int)]
    goals = [f"g{i}" for i in range(n_goal)]
    moms = [f"m{i}" for i in range(n_mom)]

    def save(table: str, /, **cols: Any) -> None:
        pd.DataFrame(cols).to_csv(folder / f"{table}.csv", index=False)

    def links(owners: list[str], per: int) -> tuple[np.ndarray, np.ndarray]:
        per = min(per, n_int)
        picks = np.argsort(rng.random((len(owners), n_int)), axis=1)[:, :per]
        return np.repeat(owners, per), np.asarray(intr)[picks.ravel()]

    save("audiences", id=aud, name=aud, group="g", influence=rng.random(n_aud).round(3))
    save("interests", id=intr, name=intr, theme="t")
    a, i = links(aud, 30)
    save("audience_interests", audience=a, interest=i,
         weight=(0.05 + 0.95 * rng.random(len(a))).round(3))
    save("goals", id=goals, name=goals, family="f")
    g, i = links(goals, 40)
    save("goal_interests", goal=g, interest=i, strength=(0.05 + 0.95 * rng.random(len(g))).round(3),
         hook="A hook.")
    start = pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 700, n_mom), "D")
    kinds = rng.choice(["crisis", "event", "anniversary"], n_mom)
    ends = [str((s + pd.Timedelta(days=int(d))).date()) if d else ""
            for s, d in zip(start, rng.integers(0, 10, n_mom), strict=True)]
    save("moments", id=moms, name=moms, kind=kinds, start=start.strftime("%Y-%m-%d"), end=ends,
         recurrence=np.where(kinds == "crisis", "none", rng.choice(["none", "yearly"], n_mom)),
         intensity=rng.random(n_mom).round(3), half_life_days=rng.integers(3, 30, n_mom),
         lead_days=rng.integers(0, 60, n_mom))
    m, i = links(moms, 8)
    save("moment_interests", moment=m, interest=i, relevance=rng.random(len(m)).round(3))
    save("formats", id=["f0"], name=["F"], kind=["k"], effort=["low"], moment=[""],
         lead_days=[14])
    save("format_audiences", format=["f0"], audience=[aud[0]], fit=[0.5])
    save("allies", id=["l0"], name=["L"], kind=["k"])
    save("ally_audiences", ally=["l0"], audience=[aud[0]], reach=[0.5])
    save("frames", id=["fr0"], name=["Fr"], tone=["positive"], connects_to=["c"], text=["t"])
    save("frame_interests", frame=["fr0"], interest=[intr[0]], relevance=[0.5])


def fresh(case: Case) -> Case:
    """The same case as a new object: nothing cached yet."""
    return dataclasses.replace(case)


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def peak_memory(fn: Callable[[], Any]) -> float:
    """Peak Python-traced memory (numpy included) of one run, in MB."""
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "OVER TARGET"


def bench_synthetic(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_synthetic(Path(tmp) / "synthetic", args.audiences, args.interests, args.goals,
                        args.moments)
        t1 = time.perf_counter()
        case = load_case(Path(tmp) / "synthetic")
        t2 = time.perf_counter()
    shape = (f"{args.audiences} audiences × {args.interests} interests × {args.goals} goals × "
             f"{args.moments} moments over {args.days} days")
    print(f"1. synthetic case: {shape}")
    print(f"   writing CSVs {t1 - t0:.2f} s, load_case {t2 - t1:.2f} s (not in the figures below)")

    def run(c: Case) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        return (score_fit(c), score_timing(c, START, args.days),
                score_priority(c, start=START, days=args.days))

    cold, (fit, timing, prio) = timed(lambda: run(fresh(case)), repeat=3)
    warm_case = fresh(case)
    run(warm_case)
    warm, _ = timed(lambda: run(warm_case), repeat=3)
    engine, _ = timed(lambda: (score_priority(fc := fresh(case), start=START, days=args.days),
                               score_fit(fc)), repeat=3)
    mem = peak_memory(lambda: run(fresh(case)))
    print(f"   fit + timing + priority, cold (matrices built): {cold:.3f} s  "
          f"[target < 1 s: {verdict(cold, 1.0)}]")
    print(f"   fit + priority alone (every timing curve computed, but not the "
          f"{len(timing):,}-row timing table), cold: {engine:.3f} s")
    print(f"   fit + timing + priority, warm (cached): {warm:.3f} s")
    print(f"   peak traced memory: {mem:.0f} MB  [target < 1 GB: {verdict(mem, 1024)}]")
    print(f"   rows: fit {len(fit):,}, timing {len(timing):,}, priority {len(prio):,}")
    assert prio["priority"].between(0, 1).all() and timing["timing"].between(0, 1).all()


def bench_case() -> Case:
    name = "belarus" if (config.DATA_DIR / "belarus" / "case.yaml").is_file() else None
    return load_case(name or config.TEMPLATE_CASE_DIR)


def bench_robustness() -> None:
    case = bench_case()
    goal = case.ids("goal")[0]
    cold, r = timed(lambda: score_robustness(fresh(case), goal, START, draws=1000), repeat=3)
    warm, _ = timed(lambda: score_robustness(case, goal, START, draws=1000), repeat=3)
    print(f"2. robustness, 1,000 draws, case '{case.name}' ({len(case.audiences)} audiences, "
          f"{len(case.interests)} interests, {len(case.moments)} moments), goal '{goal}':")
    print(f"   cold {cold:.3f} s, warm {warm:.3f} s  [target < 1 s: {verdict(cold, 1.0)}]")
    print(f"   fragile audiences: {int(r.summary['fragile'].sum())} of {len(r.summary)}")


def bench_robustness_synthetic(n_aud: int = 100, n_int: int = 50, n_mom: int = 60) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_synthetic(Path(tmp) / "s", n_aud, n_int, 5, n_mom, seed=1)
        case = load_case(Path(tmp) / "s")
    t, _ = timed(lambda: score_robustness(fresh(case), "g0", START, 730, draws=1000))
    print(f"   for scale (no target): a synthetic case of {n_aud} audiences × {n_int} interests × "
          f"{n_mom} moments over 730 days, 1,000 draws: {t:.2f} s")


def bench_end_to_end() -> None:
    path = (config.DATA_DIR / "belarus") if (config.DATA_DIR / "belarus").is_dir() \
        else config.TEMPLATE_CASE_DIR
    load_case(path)  # warm the imports and the file cache, not the engine

    def fresh_load() -> Case:
        # load_case keeps validated cases by content hash: clear it, so that every run
        # validates the case as a new process would.
        case_module._LOADED.clear()
        return load_case(path)

    def run() -> None:
        c = fresh_load()
        p = score_priority(c, start=START)
        a, g = p["audience"].iloc[0], p["goal"].iloc[0]
        score_contributions(c, a, g)
        find_windows(c, a, START)
        recommend_formats(c, a, g, START)
        recommend_allies(c, a)
        recommend_messages(c, a, g)

    total, _ = timed(run, repeat=5)
    load, _ = timed(fresh_load, repeat=5)
    print(f"3. end to end on '{path.name}': load + priority + contributions + windows + "
          f"formats + allies + messages for one audience: {total:.3f} s "
          f"(load_case alone {load:.3f} s)  [target < 0.3 s: {verdict(total, 0.3)}]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audiences", type=int, default=1000)
    ap.add_argument("--interests", type=int, default=200)
    ap.add_argument("--goals", type=int, default=50)
    ap.add_argument("--moments", type=int, default=60)
    ap.add_argument("--days", type=int, default=730)
    args = ap.parse_args()
    print(f"numpy {np.__version__}, pandas {pd.__version__}, Python {sys.version.split()[0]}")
    bench_synthetic(args)
    bench_robustness()
    bench_robustness_synthetic()
    bench_end_to_end()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max resident set size of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
