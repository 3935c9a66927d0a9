"""Time a report of a large synthetic case, and its peak memory (issue 12).

Writes synthetic cases of 1,000 and 5,000 audiences (each weighting 200 interests: 200,000 and
1,000,000 weighted pairs; tests/large_case.py) into a temporary folder, then runs
`strategy-kit validate` and `strategy-kit report` on each as a user would, sampling the memory
of the command and its kernel every 50 ms. Targets: a report in under 15 s (1,000 audiences)
and 60 s (5,000), peak memory under 2 GB.
Run: .venv/bin/python benchmarks/bench_large.py [AUDIENCES ...]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from large_case import write_large_case  # noqa: E402  (the synthetic case, shared with tests)

BIN = Path(sys.executable).parent
TARGETS = {1000: 15.0, 5000: 60.0}
MEMORY_TARGET_MB = 2048


def _tree_rss_kb(root: int) -> int:
    """The resident memory of a process and all its descendants, in kB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
            status = (p / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(p.name))
        rss[int(p.name)] = next((int(line.split()[1]) for line in status.splitlines()
                                 if line.startswith("VmRSS:")), 0)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak MB of the process tree, last line of output) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out}")
    return seconds, peak / 1024, out.strip().splitlines()[-1] if out.strip() else ""


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="sk-bench-large-") as tmp:
        for n in sizes:
            case = write_large_case(Path(tmp) / f"synthetic-{n}", n)
            mb = sum(f.stat().st_size for f in case.iterdir()) / 1e6
            v, v_mem, _ = measure([str(BIN / "strategy-kit"), "validate", str(case)])
            middle = f"aud-{n // 2:05d}"  # a middling audience: the figures must keep it
            r, r_mem, html = measure([str(BIN / "strategy-kit"), "report", str(case),
                                      "--audience", middle, "--goal", "goal-1",
                                      "--start", "2026-01-01", "--out", str(Path(tmp) / "out")])
            size = Path(html).stat().st_size / 1e6 if html and Path(html).exists() else 0
            target = TARGETS.get(n)
            verdict = "" if target is None else (
                f" (target < {target:.0f} s: {'met' if r < target else 'MISSED'})")
            print(f"{n:,} audiences ({n * 200:,} weighted pairs, {mb:.0f} MB of CSV): "
                  f"validate {v:.1f} s, {v_mem:.0f} MB; report {r:.1f} s{verdict}, "
                  f"peak {r_mem:.0f} MB of command and kernel (target < {MEMORY_TARGET_MB} MB: "
                  f"{'met' if r_mem < MEMORY_TARGET_MB else 'MISSED'}); HTML {size:.1f} MB",
                  flush=True)
    print(f"machine: {os.cpu_count()} CPUs; other processes share them")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000])
