"""A batch worker: one spawned process, one kernel, reports received one at a time (pool.py).

The worker imports papermill and nbconvert and builds the exporter while its kernel starts,
then runs each report it is sent with ``reports.render.run_report`` on that kernel and sends
back the result with its time and peak memory. It ends when the main process says so, dies
with it (a watcher thread), and kills its kernel on SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..run.startup import skip_slow_unused_imports

if TYPE_CHECKING:
    from ..reports.render import ReportJob

__all__ = ["peak_kb", "worker_main"]


def peak_kb(pid: int | None) -> int:
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


def worker_main(conn: Any, parent: int, execution_timeout: float | None,
                checked: str = "") -> None:
    """A worker: one kernel, reports received one at a time on ``conn``, results sent back.

    ``checked``: the cases the main process validated (``case.load.checked_digests``), which
    this worker's kernels need not check again.
    """
    from ..case.load import CHECKED_ENV

    os.environ[CHECKED_ENV] = checked
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
    from ..run.session import KernelSession

    session = KernelSession()
    _watch_parent(parent, session.kill)
    stopped = False
    kernel_kb = 0
    try:
        # The kernel boots (and imports the kit) while this process imports papermill/nbconvert.
        with contextlib.suppress(Exception):
            session.launch()
        from ..reports import render
        from ..run.engine import reuse_engine

        reuse_engine()
        render.exporter(), render.static_resources()  # built once, before the first report
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
            kernel_kb = max(kernel_kb, peak_kb(session.pid))
            result["memory_kb"] = peak_kb(os.getpid()) + kernel_kb
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
    from ..errors import RunError
    from ..reports.render import run_report
    from ..run.engine import ENGINE_NAME

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


