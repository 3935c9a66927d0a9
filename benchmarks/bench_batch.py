"""Benchmark ``strategy-kit batch`` against the plain loop, and print the measured figures.

    python benchmarks/bench_batch.py [--workers N] [--plain-samples 3] [--keep DIR]

1. The batch: 24 reports of the Belarus case (3 goals × 8 audiences), run the way the command
   runs them: a fresh Python process calling ``batch_main``, timed from its start to its exit
   (interpreter start, imports, checks, workers, kernels, index page included).
2. The plain loop a user would write today, in the same run: per report, the ``papermill`` CLI
   then ``jupyter nbconvert --to html --no-input``. Timed on ``--plain-samples`` reports and
   scaled to 24.

Target: the batch's throughput at least 15× the plain loop's (issue 14; 10× before). Peak
memory is the sum, over the workers, of each worker's and each kernel's peak resident memory
(Linux ``VmHWM``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CASE = "belarus"
START = "2027-01-01"
GOALS = ["end-terror", "non-recognition", "support-victims"]
AUDIENCES = ["neighbour-governments", "key-governments", "international-organisations",
             "international-donors", "international-civil-society", "western-public", "media",
             "influencers"]

# What `strategy-kit batch --audiences … --goals … --start … --out …` runs, in a fresh
# interpreter: the timing includes its start and imports.
DRIVER = """
import sys
from strategy_kit.batch.command import batch_main
if __name__ == "__main__":
    sys.exit(batch_main({case!r}, {audiences!r}, {goals!r}, {workers!r}, {out!r}, None,
                        {start!r}, None))
"""


def run_batch(out: Path, workers: int | None) -> dict:
    code = DRIVER.format(case=CASE, audiences=",".join(AUDIENCES), goals=",".join(GOALS),
                         start=START, out=str(out), workers=workers)
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       check=False, cwd=ROOT)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"the batch failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
    # "24 reports in 9.8 s with 2 workers, …: 24 done, 0 failed" / "peak memory: 860 MB …"
    summary = p.stderr[p.stderr.rindex(" reports in "):]
    return {"wall": wall, "summary": p.stderr.strip().splitlines()[-3:],
            "inner": float(re.search(r"reports in ([\d.]+) s", summary)[1]),
            "workers": int(re.search(r"with (\d+) worker", summary)[1]),
            "done": int(re.search(r"(\d+) done", summary)[1]),
            "failed": int(re.search(r"(\d+) failed", summary)[1]),
            "memory_mb": float(re.search(r"peak memory: ([\d.]+) MB", summary)[1])}


def run_plain(out: Path, samples: int) -> tuple[float, list[float], float]:
    """Seconds a report for the papermill CLI + nbconvert CLI loop, and peak child memory."""
    import resource

    from strategy_kit.reports.render import AUDIENCE_NOTEBOOK, audience_job

    out.mkdir(parents=True, exist_ok=True)
    times = []
    for audience in AUDIENCES[:samples]:
        job = audience_job(CASE, audience, GOALS[0], START, None, out)
        executed = out / f"{audience}--{GOALS[0]}.ipynb"
        params = [a for k, v in job.parameters.items() for a in ("-p", k, str(v))]
        t0 = time.perf_counter()
        subprocess.run([str(BIN / "papermill"), str(AUDIENCE_NOTEBOOK), str(executed),
                        "-k", "python3", "--no-progress-bar", *params],
                       check=True, capture_output=True, cwd=ROOT)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        str(executed)], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return sum(times) / len(times), times, peak_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=None, help="default: the CPU count")
    ap.add_argument("--plain-samples", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="write the reports here (default: a temp dir)")
    args = ap.parse_args()
    n = len(GOALS) * len(AUDIENCES)
    with tempfile.TemporaryDirectory(prefix="sk-bench-") as tmp:
        out = args.keep or Path(tmp)
        print(f"machine: {os.cpu_count()} CPUs, load average "
              f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        b = run_batch(out / "batch", args.workers)
        if b["failed"]:
            sys.exit(f"{b['failed']} reports failed: {b['summary']}")
        per_report, times, plain_mb = run_plain(out / "plain", args.plain_samples)
    plain_total = per_report * n
    print(f"batch:      {b['done']} reports with {b['workers']} workers in {b['wall']:.1f} s "
          f"(command, end to end; {b['inner']:.1f} s inside run_batch) = "
          f"{b['wall'] / n:.2f} s a report")
    print(f"            peak memory {b['memory_mb']:.0f} MB (sum of each worker's and each "
          f"kernel's peak RSS)")
    print(f"plain loop: {len(times)} reports in {sum(times):.1f} s "
          f"({', '.join(f'{t:.1f}' for t in times)}) = {per_report:.2f} s a report; "
          f"24 reports ≈ {plain_total:.0f} s; peak memory of one child {plain_mb:.0f} MB")
    ratio = plain_total / b["wall"]
    print(f"throughput: {ratio:.1f}× the plain loop (target ≥ 15×): "
          f"{'ok' if ratio >= 15 else 'BELOW TARGET'}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
