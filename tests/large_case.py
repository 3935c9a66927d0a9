"""A synthetic large case, for the benchmarks and the tests of large cases (clearly synthetic).

``write_large_case(folder, audiences)`` writes a valid case of ``audiences`` audiences, each
weighting every one of ``interests`` interests (5,000 × 200 = 1,000,000 weighted pairs, about
16 MB), with a handful of goals, moments, formats, allies, frames and actions. Values come from
a seeded generator: the same arguments give the same files. Nothing in it describes anyone.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

__all__ = ["write_large_case"]


def _write(folder: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_large_case(folder: Path, audiences: int, interests: int = 200, goals: int = 5,
                     moments: int = 40, seed: int = 0) -> Path:
    """Write a synthetic case of ``audiences`` audiences into the new folder ``folder``."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(
        f'title: "Synthetic case of {audiences} audiences"\n'
        'description: "Generated for benchmarks and tests; describes no one."\n'
        "horizon_days: 365\n", encoding="utf-8")
    aud = [f"aud-{i:05d}" for i in range(1, audiences + 1)]
    intr = [f"int-{i:03d}" for i in range(1, interests + 1)]
    gl = [f"goal-{i}" for i in range(1, goals + 1)]
    mom = [f"moment-{i:02d}" for i in range(1, moments + 1)]
    fmt = [f"format-{i:02d}" for i in range(1, 21)]
    ally = [f"ally-{i:02d}" for i in range(1, 21)]
    frm = [f"frame-{i:02d}" for i in range(1, 11)]
    r2 = lambda: round(float(rng.uniform(0.05, 1.0)), 2)  # noqa: E731
    _write(folder, "audiences.csv", ["id", "name", "group", "influence"],
           [[a, f"Synthetic audience {n}", f"Group {n % 8 + 1}", r2()]
            for n, a in enumerate(aud, 1)])
    _write(folder, "interests.csv", ["id", "name", "theme"],
           [[i, f"Interest {n}", f"Theme {n % 10 + 1}"] for n, i in enumerate(intr, 1)])
    weights = np.round(rng.uniform(0.05, 1.0, (audiences, interests)), 2)
    _write(folder, "audience_interests.csv", ["audience", "interest", "weight"],
           [[a, i, weights[r, c]] for r, a in enumerate(aud) for c, i in enumerate(intr)])
    _write(folder, "goals.csv", ["id", "name", "family"],
           [[g, f"Goal {n}", "Synthetic"] for n, g in enumerate(gl, 1)])
    _write(folder, "goal_interests.csv", ["goal", "interest", "strength", "hook"],
           [[g, i, r2(), f"Hook of {g} for {i}"]
            for g in gl for i in rng.choice(intr, size=min(30, interests), replace=False)])
    start = dt.date(2026, 1, 1)
    rows = []
    for n, m in enumerate(mom):
        day = start + dt.timedelta(days=int(rng.integers(0, 365)))
        rows.append([m, f"Moment {n + 1}", ("event", "anniversary", "crisis")[n % 3],
                     day.isoformat(), "", "yearly" if n % 3 != 2 else "none", r2(),
                     int(rng.integers(3, 30)), int(rng.integers(7, 90))])
    _write(folder, "moments.csv", ["id", "name", "kind", "start", "end", "recurrence",
                                   "intensity", "half_life_days", "lead_days"], rows)
    _write(folder, "moment_interests.csv", ["moment", "interest", "relevance"],
           [[m, i, r2()] for m in mom
            for i in rng.choice(intr, size=min(10, interests), replace=False)])
    _write(folder, "formats.csv", ["id", "name", "kind", "effort", "moment", "lead_days"],
           [[f, f"Format {n}", "synthetic", ("low", "medium", "high")[n % 3],
             mom[n % moments] if n % 4 == 0 else "", 14] for n, f in enumerate(fmt)])
    _write(folder, "format_audiences.csv", ["format", "audience", "fit"],
           [[fmt[(n + k) % len(fmt)], a, r2()] for n, a in enumerate(aud) for k in range(3)])
    _write(folder, "allies.csv", ["id", "name", "kind"],
           [[a, f"Ally {n}", "synthetic"] for n, a in enumerate(ally, 1)])
    _write(folder, "ally_audiences.csv", ["ally", "audience", "reach"],
           [[ally[(n + k) % len(ally)], a, r2()] for n, a in enumerate(aud) for k in range(2)])
    _write(folder, "frames.csv", ["id", "name", "tone", "connects_to", "text"],
           [[f, f"Frame {n}", ("positive", "neutral", "negative")[n % 3], "Values",
             f"Text of frame {n}."] for n, f in enumerate(frm, 1)])
    _write(folder, "frame_interests.csv", ["frame", "interest", "relevance"],
           [[f, i, r2()] for f in frm for i in rng.choice(intr, size=5, replace=False)])
    _write(folder, "actions.csv", ["id", "who", "what", "start", "end", "audience", "goal"],
           [[f"action-{n:02d}", "Team", f"Action {n}",
             (start + dt.timedelta(days=10 * n)).isoformat(), "", aud[n % audiences],
             gl[n % goals]] for n in range(1, 21)])
    return folder
