"""Time `strategy-kit report` against the plain pipeline a user would otherwise write.

(a) `strategy-kit report` (papermill's Python API on an IPC kernel, export in-process);
(b) the `papermill` CLI, then `jupyter nbconvert --to html --no-input` on the same notebook.
Same parameters, median of N runs each (default 5). Target: (a) takes at most half of (b).
Run: .venv/bin/python benchmarks/bench_report.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "01-audience-strategy.ipynb"
PARAMS = {"audience": "media", "goal": "end-terror", "start": "2027-01-01"}


def timed(cmds: list[list[str]]) -> float:
    t0 = time.perf_counter()
    for cmd in cmds:
        subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main(n: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kit = [[str(BIN / "strategy-kit"), "report", "--audience", PARAMS["audience"], "--goal",
                PARAMS["goal"], "--start", PARAMS["start"], "--out", tmp]]
        executed = str(Path(tmp) / "plain.ipynb")
        plain = [
            [str(BIN / "papermill"), str(NOTEBOOK), executed, "--kernel", "python3",
             *[x for k, v in PARAMS.items() for x in ("-p", k, v)]],
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", executed],
        ]
        a, b = [], []
        for i in range(n):
            a.append(timed(kit))
            b.append(timed(plain))
            print(f"run {i + 1}/{n}: strategy-kit report {a[-1]:.2f} s, "
                  f"papermill + nbconvert CLIs {b[-1]:.2f} s", flush=True)
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"\nmedian of {n}: (a) strategy-kit report {ma:.2f} s; (b) plain pipeline {mb:.2f} s")
    print(f"ratio a/b = {ma / mb:.2f} (target: at most 0.50)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
