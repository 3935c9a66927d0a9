"""Time a report of a large synthetic case, and its peak memory (issues 12 and 23).

Writes synthetic cases of 1,000, 5,000 and 10,000 audiences (each weighting 200 interests:
200,000 to 2,000,000 weighted pairs; tests/large_case.py) into a temporary folder, then runs
`strategy-kit validate` and `strategy-kit report` on each as a user would, sampling the memory
of the command and its kernel every 50 ms; then `strategy-kit overview` of 5,000 audiences,
and `validate` of a case with a 5-million-row GDELT attention export (2.5 million 15-minute
steps, about 210 MB: read in blocks, only the columns needed, up to the documented limit of
1 GiB), then of one over that limit (a sparse file: refused by its size, unread). Targets: a
report in under 15 s (1,000 audiences) and 60 s (5,000 and 10,000), the overview under 60 s,
the attention export read in under 30 s and the refusal in under 5 s; peak memory under 2 GB
(1 GB for the export).
Run: .venv/bin/python benchmarks/bench_large.py [AUDIENCES ...] [--overview N] [--attention ROWS]
"""

from __future__ import annotations

import argparse
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
TARGETS = {1000: 15.0, 5000: 60.0, 10000: 60.0}
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


def measure(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """(seconds, peak MB of the process tree, last line of output) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out}")
    return seconds, peak / 1024, out.strip().splitlines()[-1] if out.strip() else ""


def _verdict(value: float, target: float, unit: str) -> str:
    return f"target < {target:,.0f} {unit}: {'met' if value < target else 'MISSED'}"


def bench_overview(tmp: Path, n: int) -> None:
    """``strategy-kit overview`` of ``n`` audiences (every goal)."""
    case = write_large_case(tmp / f"overview-{n}", n)
    o, o_mem, _ = measure([str(BIN / "strategy-kit"), "overview", str(case), "--start",
                           "2026-01-01", "--out", str(tmp / "out")])
    print(f"overview of {n:,} audiences: {o:.1f} s ({_verdict(o, 60, 's')}), peak {o_mem:.0f} "
          f"MB ({_verdict(o_mem, MEMORY_TARGET_MB, 'MB')})", flush=True)


def bench_attention(tmp: Path, rows: int) -> None:
    """``validate`` of a small case with a GDELT export of ``rows`` rows (two a 15-minute
    step: Article Count and Total Monitored Articles), then with one over the size limit."""
    import shutil

    from strategy_kit import config
    from strategy_kit.attention.read import MAX_EXPORT_BYTES

    case = tmp / f"attention-{rows}"
    shutil.copytree(config.TEMPLATE_CASE_DIR, case)
    (case / "attention").mkdir()
    export = case / "attention" / "gdelt.csv"
    start = time.mktime((2000, 1, 1, 0, 0, 0, 0, 0, -1))
    with export.open("w", encoding="utf-8") as f:
        f.write("Date,Series,Value\n")
        step, chunk = 900, 50_000
        for first in range(0, rows // 2, chunk):
            for i in range(first, min(rows // 2, first + chunk)):
                t = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + i * step))
                f.write(f"{t},Article Count,{i % 7}\n{t},Total Monitored Articles,"
                        f"{100 + i % 13}\n")
    mb = export.stat().st_size / 2**20
    v, v_mem, last = measure([str(BIN / "strategy-kit"), "validate", str(case)], ok=(0, 2))
    print(f"attention export of {rows:,} rows ({mb:.0f} MB) read: validate {v:.1f} s "
          f"({_verdict(v, 30, 's')}), peak {v_mem:.0f} MB ({_verdict(v_mem, 1024, 'MB')}); "
          f"{last.strip()[:160]}", flush=True)
    with export.open("r+b") as f:
        f.truncate(MAX_EXPORT_BYTES + 2**20)  # sparse: over the limit, nothing written
    v, v_mem, last = measure([str(BIN / "strategy-kit"), "validate", str(case)], ok=(2,))
    print(f"attention export over the limit ({(MAX_EXPORT_BYTES + 2**20) / 2**20:,.0f} MB) "
          f"refused: validate {v:.1f} s ({_verdict(v, 5, 's')}), peak {v_mem:.0f} MB; "
          f"{last.strip()[:160]}", flush=True)


def main(sizes: list[int], overview: int | None = 5000, attention: int | None = 5_000_000
         ) -> None:
    with tempfile.TemporaryDirectory(prefix="sk-bench-large-") as name:
        tmp = Path(name)
        if attention:
            bench_attention(tmp, attention)
        for n in sizes:
            case = write_large_case(tmp / f"synthetic-{n}", n)
            mb = sum(f.stat().st_size for f in case.iterdir()) / 1e6
            v, v_mem, _ = measure([str(BIN / "strategy-kit"), "validate", str(case)])
            middle = f"aud-{n // 2:05d}"  # a middling audience: the figures must keep it
            r, r_mem, html = measure([str(BIN / "strategy-kit"), "report", str(case),
                                      "--audience", middle, "--goal", "goal-1",
                                      "--start", "2026-01-01", "--out", str(tmp / "out")])
            size = Path(html).stat().st_size / 1e6 if html and Path(html).exists() else 0
            target = TARGETS.get(n)
            verdict = "" if target is None else f" ({_verdict(r, target, 's')})"
            print(f"{n:,} audiences ({n * 200:,} weighted pairs, {mb:.0f} MB of CSV): "
                  f"validate {v:.1f} s, {v_mem:.0f} MB; report {r:.1f} s{verdict}, "
                  f"peak {r_mem:.0f} MB of command and kernel "
                  f"({_verdict(r_mem, MEMORY_TARGET_MB, 'MB')}); HTML {size:.1f} MB",
                  flush=True)
        if overview:
            bench_overview(tmp, overview)
    print(f"machine: {os.cpu_count()} CPUs; other processes share them")


def _args(argv: list[str]) -> tuple[list[int], int | None, int | None]:
    parser = argparse.ArgumentParser(
        description="Time validate and report of large synthetic cases, an overview and a "
                    "large attention export; print their figures against the targets.")
    parser.add_argument("sizes", nargs="*", type=int, metavar="AUDIENCES",
                        help="case sizes to report on (default: 1000 5000 10000)")
    parser.add_argument("--overview", type=int, default=5000, metavar="N",
                        help="audiences of the overview case (default 5000; 0 skips it)")
    parser.add_argument("--attention", type=int, default=5_000_000, metavar="ROWS",
                        help="rows of the attention export (default 5,000,000; 0 skips it)")
    a = parser.parse_args(argv)
    return a.sizes or [1000, 5000, 10000], a.overview or None, a.attention or None


if __name__ == "__main__":
    main(*_args(sys.argv[1:]))
