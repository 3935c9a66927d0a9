"""Render many reports at once: worker processes, each reusing one kernel (docs/batch.md).

Each report is the parameterized notebook executed by papermill and exported as
``strategy-kit report`` would do it. What a batch saves is everything around the cells: every
worker (a spawned process) imports the kit, papermill and nbconvert once and keeps one kernel,
which papermill's ``strategy_kit_reuse`` engine (``engine``) resets between reports. Failures
stay with their report; Ctrl-C or SIGTERM stops the workers and their kernels, and keeps the
reports already written. ``DIR/<case>/index.html`` lists every report of the batch.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait as _wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..case.load import checked_digests
from ..errors import BadParameterError
from .index import write_index
from .progress import Progress
from .results import BatchResult, BatchSummary
from .worker import worker_main

if TYPE_CHECKING:
    from ..reports.render import ReportJob

__all__ = ["run_batch"]


# -- the workers (each a spawned process running worker.worker_main) -------------------------


_CTX = mp.get_context("spawn")  # fork would copy this process's threads and event loop


def _spawn(wid: int, execution_timeout: float | None) -> _Worker:
    here, there = _CTX.Pipe()
    # The cases this process validated (plan_jobs) are not validated again by the workers.
    p = _CTX.Process(target=worker_main, args=(there, os.getpid(), execution_timeout,
                                               checked_digests()),
                     name=f"strategy-kit-worker-{wid}", daemon=True)
    p.start()
    there.close()
    return _Worker(wid, p, here)


@dataclass
class _Worker:
    wid: int
    proc: Any
    conn: Any
    ready: bool = False
    job: int | None = None
    retiring: bool = False
    kernels: set[int] = field(default_factory=set)


class _Stop(BaseException):
    """Raised in the main process by SIGINT or SIGTERM."""

    requested: str | None = None

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """Turn SIGINT/SIGTERM into ``_Stop`` (main thread only; other threads cannot)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        # Once stopping, later signals must not interrupt the clean-up. The flag is for when
        # the exception lands in a finalizer, where Python ignores it: the loop checks it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _Stop.requested = signal.Signals(signum).name
        raise _Stop(_Stop.requested)

    _Stop.requested = None
    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


# -- the main process -------------------------------------------------------------------------


def run_batch(jobs: Sequence[ReportJob], workers: int | None = None, *, progress: bool = True,
              stream: TextIO | None = None, execution_timeout: float | None = None,
              index: bool = True) -> BatchSummary:
    """Render every job on ``workers`` processes (default: the CPU count); never raises for a run.

    Parameters
    ----------
    jobs
        Checked reports (``plan_jobs``, ``load_plan``, or ``report.audience_job``…).
    workers
        Worker processes, each with one kernel.
    progress, stream
        Show progress on ``stream`` (default stderr): a bar on a terminal, else a line per
        finished report.
    execution_timeout
        Seconds a cell may run before its report fails (default: no limit).
    index
        Write ``index.html`` next to the reports (one per case folder).
    """
    jobs = list(jobs)
    if len({j.out for j in jobs}) < len(jobs):
        raise BadParameterError("jobs", "a repeated report", "each report once in a batch")
    if workers is not None and workers < 1:
        raise BadParameterError("workers", workers, "a whole number of at least 1")
    n = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    bar = Progress(len(jobs), stream or sys.stderr, enabled=progress)
    t0 = time.perf_counter()
    results: dict[int, BatchResult] = {}
    pool: dict[int, _Worker] = {}
    memory_kb: dict[int, int] = {}
    pending = deque(range(len(jobs)))
    counter = iter(range(1 << 30))
    startup_deaths = 0

    def spawn() -> None:
        w = _spawn(next(counter), execution_timeout)
        pool[w.wid] = w

    def dispatch(w: _Worker) -> None:
        if pending:
            w.job = pending.popleft()
            w.conn.send((w.job, jobs[w.job]))
        else:
            w.job, w.retiring = None, True
            with contextlib.suppress(OSError):
                w.conn.send(None)

    def record(i: int, r: dict[str, Any], wid: int | None) -> None:
        results[i] = BatchResult(jobs[i], r["status"], r.get("seconds"), r.get("error"),
                                 r.get("cell"), r.get("log"), wid)
        bar.update(results[i])

    def receive(w: _Worker) -> bool:
        """Handle the messages waiting from ``w``; False once its pipe is closed."""
        try:
            while w.conn.poll():
                kind, i, r = w.conn.recv()
                if r.get("kernel"):
                    w.kernels.add(r.pop("kernel"))
                if kind == "ready":
                    w.ready = True
                else:
                    memory_kb[w.wid] = max(memory_kb.get(w.wid, 0), r.pop("memory_kb", 0))
                    record(i, r, w.wid)
                    w.job = None
                if w.job is None and not w.retiring:
                    dispatch(w)
        except (EOFError, OSError):
            return False
        return True

    def bury(w: _Worker) -> None:
        nonlocal startup_deaths
        receive(w)
        w.proc.join(timeout=5)
        del pool[w.wid]
        for pid in w.kernels:
            _kill_kernel(pid)
        code = w.proc.exitcode
        if w.job is not None:
            record(w.job, {"status": "failed",
                           "error": f"the worker process died (exit code {code})"}, w.wid)
        elif not w.ready:
            startup_deaths += 1
        if pending and startup_deaths > 2 * n:
            for i in pending:
                record(i, {"status": "failed", "error": f"no worker could start (exit code "
                                                        f"{code})"}, None)
            pending.clear()
        elif pending and len(pool) < n:
            spawn()

    def ordered() -> tuple[BatchResult, ...]:
        return tuple(results.get(i) or _finished_unheard(jobs[i], started)
                     for i in range(len(jobs)))

    interrupted, over, written = None, False, ()
    started = time.time()
    try:
        with _stop_signals():
            try:
                bar.start(n)
                for _ in range(n if jobs else 0):
                    spawn()
                while pending or any(w.job is not None for w in pool.values()):
                    ready = set(_wait([w.conn for w in pool.values()]
                                      + [w.proc.sentinel for w in pool.values()], timeout=1.0))
                    bar.tick()
                    if _Stop.requested:
                        raise _Stop(_Stop.requested)
                    for w in list(pool.values()):
                        alive = receive(w) if w.conn in ready else True
                        if not alive or w.proc.sentinel in ready:
                            bury(w)
                if _Stop.requested:
                    raise _Stop(_Stop.requested)
                over = True
                bar.finish()
                # The workers are already stopping (each got its end as it went idle).
                written = tuple(write_index(ordered())) if index and jobs else ()
            except _Stop as e:
                interrupted = e.name
                pending.clear()  # the rest is "not run"
            finally:
                _stop_workers(list(pool.values()), graceful=over and not interrupted,
                              receive=receive)
    finally:
        bar.finish()
    if interrupted and index and jobs:
        written = tuple(write_index(ordered()))
    memory = sum(memory_kb.values()) / 1024 or None
    return BatchSummary(ordered(), time.perf_counter() - t0, n, interrupted, written, memory)


def _stop_workers(workers: list[_Worker], graceful: bool, receive: Any) -> None:
    """End the workers: by their pipe when the batch is over, else SIGTERM, then SIGKILL."""
    for w in workers:
        w.retiring = True
        if graceful:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        elif w.proc.is_alive():
            with contextlib.suppress(OSError):
                os.kill(w.proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + (30 if graceful else 10)
    for w in workers:
        w.proc.join(timeout=max(0.1, deadline - time.monotonic()))
        receive(w)  # a report finished just before the stop is still a report
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join(timeout=5)
        w.conn.close()
        for pid in w.kernels:  # normally gone already; ipykernel also exits with its parent
            _kill_kernel(pid)


def _kill_kernel(pid: int) -> None:
    """Kill a kernel's process group if ``pid`` is still one of our kernels (Linux)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return
    if b"ipykernel" in cmdline:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # a kernel leads its own process group


def _finished_unheard(job: ReportJob, started: float) -> BatchResult:
    """A job with no result: ``not run``, unless its report was written during this batch.

    A worker stopped by an interrupt may have put its report in place (atomically) before
    its message arrived: that report is whole, so the index lists it as done.
    """
    try:
        if job.out.stat().st_mtime >= started:
            return BatchResult(job, "done")
    except OSError:
        pass
    return BatchResult(job, "not run")
