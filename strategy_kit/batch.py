"""Render many reports at once: worker processes, each reusing one kernel (docs/batch.md).

Each report is the parameterized notebook executed by papermill and exported as
``strategy-kit report`` would do it. What a batch saves is everything around the cells: every
worker (a spawned process) imports the kit, papermill and nbconvert once and keeps one kernel,
which papermill's ``strategy_kit_reuse`` engine (``engine.py``) resets between reports. Failures
stay with their report; Ctrl-C or SIGTERM stops the workers and their kernels, and keeps the
reports already written. ``DIR/<case>/index.html`` lists every report of the batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait as _wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import config
from ._startup import skip_slow_unused_imports
from .errors import BadParameterError, Problem, StrategyKitError, close_match

if TYPE_CHECKING:
    from .report import ReportJob

TEMPLATES_DIR = config.PACKAGE_DIR / "templates"

__all__ = ["BatchResult", "BatchSummary", "PlanError", "batch_main", "load_plan", "plan_jobs",
           "run_batch", "write_index"]


# -- choosing the reports ---------------------------------------------------------------------


def _ids(value: str | Iterable[str] | None) -> list[str]:
    """Ids from ``"a,b"`` or a list, in order, without repeats."""
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(",")
    else:
        items = [str(v) for v in value] if isinstance(value, Iterable) else [str(value)]
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


def plan_jobs(case: object = None, audiences: str | Iterable[str] | None = None,
              goals: str | Iterable[str] | None = None, start: object = None,
              days: object = None, out_dir: str | Path | None = None) -> list[ReportJob]:
    """Describe the audience × goal reports of one case, checking every id before any run.

    Parameters
    ----------
    case
        A case folder, a name under ``data/`` or a loaded ``Case`` (default ``belarus``).
    audiences, goals
        Ids (a list, or one string ``"a,b"``); empty means every one of the case.
    start, days, out_dir
        As for ``strategy-kit report``; ``start`` is fixed once for the whole batch.

    Raises
    ------
    UnknownChoiceError
        An id the case does not have (with the choices and a close match).
    """
    from .case import Case, load_case
    from .report import audience_job

    c = case if isinstance(case, Case) else load_case(case or config.DEFAULT_CASE)  # type: ignore[arg-type]
    auds = _ids(audiences) or list(c.ids("audience"))
    gs = _ids(goals) or list(c.ids("goal"))
    for a in auds:
        c.check("audience", a)
    for g in gs:
        c.check("goal", g)
    first = audience_job(c, auds[0], gs[0], start, days, out_dir)  # fixes "today" once
    start, days = first.parameters["start"], first.parameters["days"]
    return [audience_job(c, a, g, start, days, out_dir) for g in gs for a in auds]


class PlanError(StrategyKitError, ValueError):
    """A plan file has problems; ``problems`` lists every one of them."""

    def __init__(self, plan: str, problems: Sequence[Problem]) -> None:
        self.plan = plan
        self.problems = tuple(problems)
        n = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"plan '{plan}' has {n} problem{'s' if n != 1 else ''}:\n{lines}")


_LINE = "__line__"
_RUN_KEYS = ("case", "audience", "audiences", "goal", "goals", "start", "days")


def _read_yaml(path: Path) -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        """Safe YAML that remembers the line of each mapping, for the problems' messages."""

    def mapping(loader: Loader, node: Any) -> dict[str, Any]:
        m = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
        m[_LINE] = node.start_mark.line + 1
        return m

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader)  # noqa: S506  (safe loader)
    except OSError as e:
        raise PlanError(str(path), [Problem(path.name, f"cannot read it: {e.strerror}")]) from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise PlanError(str(path), [Problem(
            path.name, f"not valid YAML: {getattr(e, 'problem', e)}",
            row=mark.line + 1 if mark else None)]) from e


def load_plan(path: str | Path, case: object = None, start: object = None, days: object = None,
              out_dir: str | Path | None = None) -> list[ReportJob]:
    """Read a YAML plan of runs (docs/batch.md, "Plan files"), checking every run first.

    A plan is a list of runs, or one mapping; a run names ``case``, ``audience``/``audiences``,
    ``goal``/``goals``, ``start`` and ``days`` (a missing id list means all of them). A mapping
    with ``runs:`` gives defaults to its runs. ``case``, ``start`` and ``days`` given here are
    defaults for everything.

    Raises
    ------
    PlanError
        Every problem of the plan, each with its line (unknown ids with a close match).
    """
    from .case import Case, load_case
    from .errors import CaseNotFoundError
    from .report import audience_job

    path = Path(path)
    doc, f = _read_yaml(path), path.name
    today = dt.date.today().isoformat()  # one "today" for the whole batch
    defaults: dict[str, Any] = {"case": case, "start": start, "days": days}
    problems: list[Problem] = []
    if isinstance(doc, dict) and "runs" in doc:
        for k in doc.keys() - {"case", "start", "days", "runs", _LINE}:
            problems.append(Problem(f, "unknown key", row=doc[_LINE], column=str(k),
                                    allowed="case, start, days, runs"))
        defaults.update({k: doc[k] for k in ("case", "start", "days") if k in doc})
        doc = doc["runs"]
    entries = [doc] if isinstance(doc, dict) else doc
    if not isinstance(entries, list) or not entries:
        raise PlanError(str(path), [Problem(f, "expected a list of runs, or a mapping with "
                                            "case/audiences/goals (docs/batch.md)")])
    cases: dict[str, Case | None] = {}
    jobs: dict[Path, tuple[ReportJob, int | None]] = {}
    for n, run in enumerate(entries, 1):
        if not isinstance(run, dict):
            problems.append(Problem(f, f"run {n} is not a mapping of {', '.join(_RUN_KEYS)}"))
            continue
        line = run.get(_LINE)
        for k in run.keys() - {*_RUN_KEYS, _LINE}:
            problems.append(Problem(f, "unknown key", row=line, column=str(k),
                                    allowed=", ".join(_RUN_KEYS),
                                    suggestion=close_match(k, _RUN_KEYS)))
        s = {**defaults, **{k: run[k] for k in ("case", "start", "days") if k in run}}
        name = str(s["case"] or config.DEFAULT_CASE)
        if name not in cases:
            try:
                cases[name] = load_case(name)
            except CaseNotFoundError as e:
                cases[name] = None
                problems.append(Problem(f, "no such case", row=line, column="case", value=name,
                                        suggestion=e.suggestion))
        c = cases[name]
        if c is None:
            continue
        ids = {}
        for kind in ("audience", "goal"):
            one, many = run.get(kind), run.get(kind + "s")
            if one is not None and many is not None:
                problems.append(Problem(f, f"give '{kind}' or '{kind}s', not both", row=line))
            chosen = _ids([one] if one is not None else many) or list(c.ids(kind))
            for i in chosen:
                if i not in c.ids(kind):
                    problems.append(Problem(
                        f, f"unknown {kind}", row=line, column=kind if one else kind + "s",
                        value=i, allowed=", ".join(c.ids(kind)),
                        suggestion=close_match(i, c.ids(kind))))
            ids[kind] = [i for i in chosen if i in c.ids(kind)]
        when = s["start"] or today
        when = when.isoformat() if isinstance(when, dt.date) else when
        for g in ids["goal"]:
            for a in ids["audience"]:
                try:
                    job = audience_job(c, a, g, when, s["days"], out_dir)
                except BadParameterError as e:
                    problems.append(Problem(f, f"bad {e.name}", row=line, column=e.name,
                                            value=str(e.value), allowed=e.allowed))
                    break
                if job.out in jobs and jobs[job.out][1] != line:
                    problems.append(Problem(f, f"{job.out.name} is also written by the run on "
                                            f"line {jobs[job.out][1]}", row=line))
                jobs.setdefault(job.out, (job, line))
    if problems:
        raise PlanError(str(path), list(dict.fromkeys(problems)))
    return [j for j, _ in jobs.values()]


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchResult:
    """What became of one report: ``done``, ``failed`` or ``not run`` (the batch was stopped)."""

    job: ReportJob
    status: str
    seconds: float | None = None
    error: str | None = None
    cell: int | None = None
    log: str | None = None
    worker: int | None = None


@dataclass(frozen=True)
class BatchSummary:
    """A finished (or interrupted) batch: one result per job, in the jobs' order."""

    results: tuple[BatchResult, ...]
    seconds: float
    workers: int
    interrupted: str | None = None
    indexes: tuple[Path, ...] = ()
    peak_memory_mb: float | None = None

    def _with(self, status: str) -> list[BatchResult]:
        return [r for r in self.results if r.status == status]

    @property
    def done(self) -> list[BatchResult]:
        """The reports written."""
        return self._with("done")

    @property
    def failed(self) -> list[BatchResult]:
        """The reports that failed (no HTML written for them)."""
        return self._with("failed")

    @property
    def not_run(self) -> list[BatchResult]:
        """The reports never started because the batch was interrupted."""
        return self._with("not run")

    @property
    def exit_code(self) -> int:
        """0 all done, 1 any failed, 128 + the signal's number when interrupted."""
        if self.interrupted:
            return 128 + int(getattr(signal, self.interrupted, signal.SIGINT))
        return 1 if self.failed else 0

    def text(self) -> str:
        """The summary printed at the end of a batch."""
        n = len(self.results)
        rate = f", {self.seconds / max(1, len(self.done) + len(self.failed)):.2f} s a report"
        head = (f"{n} report{'s' if n != 1 else ''} in {self.seconds:.1f} s with "
                f"{self.workers} worker{'s' if self.workers != 1 else ''}{rate}: "
                f"{len(self.done)} done, {len(self.failed)} failed")
        if self.not_run:
            head += f", {len(self.not_run)} not run"
        if self.interrupted:
            head = f"interrupted by {self.interrupted}. " + head
        lines = [head]
        if self.peak_memory_mb:
            lines.append(f"peak memory: {self.peak_memory_mb:.0f} MB (workers and kernels)")
        if self.failed:
            lines.append("failed:")
            for r in self.failed:
                lines.append(f"  {r.job.out.name}: {r.error}")
                if r.log:
                    lines.append(f"    the executed notebook is kept as {r.log}")
        lines += [f"index: {p}" for p in self.indexes]
        return "\n".join(lines)


# -- the workers ------------------------------------------------------------------------------


def _peak_kb(pid: int | None) -> int:
    """A process's peak resident memory in KiB (Linux ``VmHWM``), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _watch_parent(parent: int, on_orphan: Any) -> None:
    """Kill our kernel and exit when the batch's main process is gone (even by SIGKILL)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        on_orphan()
        os.kill(os.getpid(), signal.SIGTERM)  # unwinds the main thread: temp files go
        time.sleep(5)
        os._exit(1)

    threading.Thread(target=watch, name="sk-parent-watch", daemon=True).start()


def _worker_main(conn: Any, parent: int, execution_timeout: float | None) -> None:
    """A worker: one kernel, reports received one at a time on ``conn``, results sent back."""
    # Ctrl-C reaches the whole process group: the main process decides, then sends SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    skip_slow_unused_imports()

    stop = threading.Event()

    def on_term(signum: int, frame: object) -> None:
        # Raising unwinds whatever runs (temp files go); if the exception lands in a finalizer,
        # Python ignores it, and the flag stops the worker at its next check instead.
        stop.set()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    from .engine import KernelSession

    session = KernelSession()
    _watch_parent(parent, session.kill)
    stopped = False
    kernel_kb = 0
    try:
        # The kernel boots (and imports the kit) while this process imports papermill/nbconvert.
        with contextlib.suppress(Exception):
            session.launch()
        from . import report
        from .engine import reuse_engine

        reuse_engine()
        report._exporter(), report._static()  # built once, before the first report
        if session.km is not None:
            with contextlib.suppress(Exception):  # the first report retries, and says why
                session.connect()
        conn.send(("ready", None, {"kernel": session.pid}))
        while not stop.is_set():
            if not conn.poll(0.5):
                continue
            if (item := conn.recv()) is None:
                break
            index, job = item
            result = _run_one(job, session, execution_timeout)
            kernel_kb = max(kernel_kb, _peak_kb(session.pid))
            result["memory_kb"] = _peak_kb(os.getpid()) + kernel_kb
            result["kernel"] = session.pid
            conn.send(("done", index, result))
    except SystemExit:
        stopped = True
    except (EOFError, OSError):  # the main process went away
        stopped = True
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the clean-up must finish
        if stopped or stop.is_set():
            session.kill()
        else:
            session.shutdown()
        conn.close()
    # Nothing is left to flush or close: skip the interpreter's slow teardown.
    os._exit(0)


def _run_one(job: ReportJob, session: Any, execution_timeout: float | None) -> dict[str, Any]:
    from .engine import ENGINE_NAME
    from .errors import RunError
    from .report import run_report

    t0 = time.perf_counter()
    out: dict[str, Any] = {"status": "done"}
    try:
        run_report(job, engine_name=ENGINE_NAME, session=session,
                   execution_timeout=execution_timeout)
    except RunError as e:
        message = str(e).splitlines()[0].removeprefix(f"{job.out.name}: ")
        out.update(status="failed", error=message, cell=e.cell, log=e.log)
    except Exception as e:  # noqa: BLE001  e.g. an export error: this report fails, not the batch
        out.update(status="failed", error=f"{type(e).__name__}: {e}")
    out["seconds"] = time.perf_counter() - t0
    return out


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


class _Progress:
    """A bar redrawn in place on a terminal; otherwise one line per finished report."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled
        self.tty = enabled and bool(getattr(stream, "isatty", lambda: False)())
        self.done = self.failed = 0
        self.t0 = time.perf_counter()

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.write(text)
            self.stream.flush()

    def start(self, workers: int) -> None:
        if self.enabled:
            self._write(f"rendering {self.total} report{'s' if self.total != 1 else ''} with "
                        f"{workers} worker{'s' if workers != 1 else ''}\n")
            self._bar()

    def update(self, r: BatchResult) -> None:
        self.done += r.status == "done"
        self.failed += r.status == "failed"
        if not self.enabled:
            return
        k = self.done + self.failed
        took = f" ({r.seconds:.1f} s)" if r.seconds is not None else ""
        line = f"[{k:>{len(str(self.total))}}/{self.total}] {r.status:<6} {r.job.out.name}{took}"
        if r.error:
            line += f": {r.error}"
        if not self.tty:
            self._write(line + "\n")
        elif r.status != "done":
            self._write("\r\x1b[2K" + line + "\n")
        self._bar()

    def tick(self) -> None:
        self._bar()

    def _bar(self) -> None:
        if not self.tty:
            return
        k, width = self.done + self.failed, 28
        fill = width * k // max(1, self.total)
        spent = time.perf_counter() - self.t0
        eta = f", about {spent / k * (self.total - k):.0f} s left" if 0 < k < self.total else ""
        self._write(f"\r\x1b[2K[{'#' * fill}{'.' * (width - fill)}] {k}/{self.total}: "
                    f"{self.done} done, {self.failed} failed, {spent:.0f} s{eta}")

    def finish(self) -> None:
        if self.tty:
            self._write("\r\x1b[2K")


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
    bar = _Progress(len(jobs), stream or sys.stderr, enabled=progress)
    t0 = time.perf_counter()
    results: dict[int, BatchResult] = {}
    pool: dict[int, _Worker] = {}
    memory_kb: dict[int, int] = {}
    pending = deque(range(len(jobs)))
    ctx = mp.get_context("spawn")  # fork would copy this process's threads and event loop
    counter = iter(range(1 << 30))
    startup_deaths = 0

    def spawn() -> None:
        wid = next(counter)
        here, there = ctx.Pipe()
        p = ctx.Process(target=_worker_main, args=(there, os.getpid(), execution_timeout),
                        name=f"strategy-kit-worker-{wid}", daemon=True)
        p.start()
        there.close()
        pool[wid] = _Worker(wid, p, here)

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
        return tuple(results.get(i) or BatchResult(jobs[i], "not run") for i in range(len(jobs)))

    interrupted, over, written = None, False, ()
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


# -- the index page ---------------------------------------------------------------------------


def _index_rows(results: Sequence[BatchResult]) -> list[dict[str, Any]]:
    from .case import load_case
    from .scoring import score_priority

    cases: dict[str, Any] = {}
    tables: dict[tuple[str, str, str, int], Any] = {}
    rows = []
    for r in results:
        job, params = r.job, r.job.parameters
        row: dict[str, Any] = {"title": job.title, "status": r.status, "error": r.error,
                               "cell": r.cell, "seconds": r.seconds,
                               "start": params.get("start"), "days": params.get("days"),
                               "href": job.out.name if r.status == "done" else None,
                               "log": Path(r.log).name if r.log else None}
        a, g = job.labels.get("audience"), job.labels.get("goal")
        if a and g:
            try:
                c = cases.get(params["case"]) or cases.setdefault(params["case"],
                                                                   load_case(params["case"]))
                key = (params["case"], g, params["start"], params["days"])
                if key not in tables:
                    tables[key] = score_priority(c, goal=g, start=params["start"],
                                                 days=params["days"]).set_index("audience")
                s = tables[key].loc[a]
                row.update(audience=a, audience_name=c.names("audience")[a], goal=g,
                           goal_name=c.names("goal")[g], fit=float(s["fit"]),
                           timing=float(s["timing"]), priority=float(s["priority"]),
                           rank=int(s["rank"]))
            except (StrategyKitError, KeyError):  # the case changed since: no scores, no crash
                pass
        rows.append(row)
    return rows


def _earlier_rows(results: Sequence[BatchResult]) -> list[dict[str, Any]]:
    """Reports already in the folder from earlier runs, listed too.

    The index then stays the way into every report of the case (the overview of ``make demo``,
    other goals…), not only into the last batch's.
    """
    import html
    import re

    folder = results[0].job.out.parent
    ours = {r.job.out.name for r in results}
    rows = []
    for p in sorted(folder.glob("*.html")):
        if p.name in ours or p.name == "index.html":
            continue
        with p.open(encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
        found = re.search(r"<title>(.*?)</title>", head, re.S)
        title = html.unescape(found.group(1).strip()) if found else p.stem
        rows.append({"title": title, "status": "earlier", "error": None, "cell": None,
                     "seconds": None, "start": None, "days": None, "href": p.name,
                     "log": None})
    return rows


def render_index(results: Sequence[BatchResult], generated: dt.datetime | None = None) -> str:
    """The index page of one folder of reports: self-contained, escaped, sortable."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    rows = _index_rows(results) + _earlier_rows(results)
    first = results[0].job
    horizons = {(r["start"], r["days"]) for r in rows}
    counts = {s: sum(r["status"] == s for r in rows) for s in ("done", "failed", "not run")}
    when = (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    horizon = next(iter(horizons)) if len(horizons) == 1 else None
    return env.get_template("batch_index.html.j2").render(
        rows=rows, case_title=first.case_title, data_hash=first.data_hash,
        horizon=horizon if horizon and horizon[0] else None, varied=len(horizons) > 1,
        counts=counts, generated=when.isoformat(), version=_version())


def _version() -> str:
    from . import __version__

    return __version__


def write_index(results: Sequence[BatchResult]) -> list[Path]:
    """Write ``index.html`` in each folder of reports; return their paths."""
    from .report import _write_atomically

    folders: dict[Path, list[BatchResult]] = {}
    for r in results:
        folders.setdefault(r.job.out.parent, []).append(r)
    written = []
    for folder, rs in folders.items():
        _write_atomically(folder / "index.html", render_index(rs))
        written.append(folder / "index.html")
    return written


# -- the command ------------------------------------------------------------------------------


def batch_main(case: str | None = None, audiences: str | Sequence[str] | None = None,
               goals: str | Sequence[str] | None = None, workers: int | None = None,
               out_dir: str | Path | None = None, plan: str | Path | None = None,
               start: str | None = None, days: int | None = None) -> int:
    """``strategy-kit batch``: check, render, summarize; return the exit code.

    0 every report done, 1 any failed, 2 bad input (nothing run), 130/143 stopped by
    SIGINT/SIGTERM (finished reports are kept). Progress and summary go to stderr, the index
    pages' paths to stdout.
    """
    import click

    skip_slow_unused_imports()
    try:
        if workers is not None and workers < 1:
            raise BadParameterError("workers", workers, "a whole number of at least 1")
        if plan is not None:
            if _ids(audiences) or _ids(goals):
                raise BadParameterError("--plan", plan, "a plan file, or --audiences/--goals, "
                                        "not both")
            jobs = load_plan(plan, case=case, start=start, days=days, out_dir=out_dir)
        else:
            jobs = plan_jobs(case, audiences, goals, start, days, out_dir)
    except StrategyKitError as e:
        click.secho(f"error: {e}", fg="red", err=True)
        return 2
    summary = run_batch(jobs, workers)
    click.echo(summary.text(), err=True)
    for p in summary.indexes:
        click.echo(p)
    return summary.exit_code
