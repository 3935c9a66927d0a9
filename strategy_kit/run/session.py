"""One IPC kernel kept for many notebooks, and reset between them (docs/batch.md, "Isolation").

Between two notebooks the session resets the kernel: the user namespace, output history and
execution count (IPython's ``reset(new_session=True)``), the working folder, environment
variables, ``sys.path`` and warning filters as they were when the kernel started, and every
module that is not a library (modules next to a notebook): those are imported afresh. Libraries
stay imported, and so does the kit (``keep``): its module-level caches hold immutable cases and
what is derived from them, by content, and the one piece of state a page owns, its figure
numbers, is restarted by a hook (``restart``). A kernel that dies, times out or cannot be reset
is replaced before the next notebook.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from queue import Empty
from typing import Any

from jupyter_core.utils import run_sync

from .. import config
from ..errors import KernelResetError
from ..files.private import private_mkdtemp
from .kernels import IPCKernelManager

__all__ = ["KernelResetError", "KernelSession"]

logger = logging.getLogger("papermill")

#: The kernel's private module that keeps the start-up state the reset restores.
_STATE = "_strategy_kit_session"

# Runs inside the kernel, in the namespace of the private module (never the user's).
_KERNEL_SOURCE = r'''
import gc, importlib, os, site, sys, sysconfig, warnings

from IPython import get_ipython


def _under(name, packages):
    return any(name == p or name.startswith(p + ".") for p in packages)


def setup():
    global cwd, environ, path, filters, baseline, libdirs, kept
    cwd, environ, path = os.getcwd(), dict(os.environ), list(sys.path)
    filters, baseline = list(warnings.filters), set(sys.modules)
    libdirs = tuple(sorted({os.path.realpath(p) + os.sep for p in [
        *(v for k, v in sysconfig.get_paths().items()
          if k in ("stdlib", "platstdlib", "purelib", "platlib")),
        *site.getsitepackages(), site.getusersitepackages()]}))
    kept = {}  # name -> module object found to be a library (checked once)
    load(preload)
    # The libraries now loaded live as long as the kernel: later collections skip them.
    gc.collect()
    gc.freeze()


def _droppable(name, module):
    if name in baseline or name == __name__ or _under(name, keep):
        return False
    if _under(name, fresh):
        return True
    if kept.get(name) is module:
        return False
    f = getattr(module, "__file__", None)
    user = bool(f) and not os.path.realpath(f).startswith(libdirs)
    if not user:
        kept[name] = module
    return user


def reset():
    # Settings first: a warning filter set to "error", for one, must not break what follows.
    warnings.filters[:] = filters
    getattr(warnings, "_filters_mutated", lambda: None)()
    if os.getcwd() != cwd:
        os.chdir(cwd)
    for k in set(os.environ) - set(environ):
        del os.environ[k]
    for k, v in environ.items():
        if os.environ.get(k) != v:
            os.environ[k] = v
    sys.path[:] = path
    get_ipython().reset(new_session=True)  # namespace, Out, history, count; runs gc.collect()
    dropped = [n for n, m in list(sys.modules.items()) if _droppable(n, m)]
    for name in dropped:
        del sys.modules[name]
    importlib.invalidate_caches()
    load([n for n in dropped if _under(n, fresh)], cached=True)
    for hook in restart:  # module state a new notebook must not inherit (kept modules)
        name, _, attr = hook.partition(":")
        if name in sys.modules:
            getattr(sys.modules[name], attr)()
    # What survived the reset's collection (the kit's caches, modules) is kept: the next
    # reset's full collection need not walk it again (refcounting still frees it).
    gc.freeze()


def load(names, cached=False):
    # Fresh copies of modules, as a new kernel would import them. When bytecode may not be
    # written next to the sources (PYTHONDONTWRITEBYTECODE), it goes to the session's private
    # folder instead, or every report would compile them again.
    saved = sys.pycache_prefix, sys.dont_write_bytecode
    if cached and pycache and sys.dont_write_bytecode:
        sys.pycache_prefix, sys.dont_write_bytecode = pycache, False
    try:
        for name in dict.fromkeys([*preload, *names]):
            try:
                importlib.import_module(name)
            except Exception:
                pass  # the report's own import will raise it, where it can be seen
    finally:
        sys.pycache_prefix, sys.dont_write_bytecode = saved
'''


def _prepare_code(settings: dict[str, Any]) -> str:
    # One expression statement, run silently: nothing lands in the user's namespace.
    return (
        f"(lambda sys, types: (sys.modules.setdefault({_STATE!r}, types.ModuleType({_STATE!r})),"
        f" exec({_KERNEL_SOURCE!r}, sys.modules[{_STATE!r}].__dict__),"
        f" sys.modules[{_STATE!r}].__dict__.update({settings!r}),"
        f" sys.modules[{_STATE!r}].setup()))"
        "(__import__('sys'), __import__('types'))"
    )


_RESET_CODE = f"__import__('sys').modules[{_STATE!r}].reset()"


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Run SIGINT/SIGTERM handlers after a few lines that must not be cut short.

    Handlers, not the signal mask: a blocked mask would be inherited by the kernel's process.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    old = {s: signal.signal(s, lambda n, f: caught.append(n))
           for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        for s in dict.fromkeys(caught):
            signal.raise_signal(s)


class KernelSession:
    """One IPC kernel, started once and reused for many notebooks.

    Parameters
    ----------
    kernel_name
        The kernel spec to start.
    preload
        Modules imported when the kernel starts (and after each reset, when ``fresh``), so
        that no report pays for their import.
    keep
        Packages kept loaded across notebooks although they are not under a library folder
        (default: the kit, installed editable or not). Its caches are keyed by the content of
        the case files, so the reports of a batch validate a case, build its matrices and draw
        a goal's robustness once per kernel.
    fresh
        Packages dropped and imported afresh before every notebook even when installed as
        libraries (default: none). Their bytecode is cached for the session.
    restart
        ``"module:function"`` hooks called after each reset when the module is loaded: state
        of a kept module that belongs to one notebook (default: the figure numbers of
        ``sections/display.py``, so that a page's ids are those of a report run alone).
    startup_timeout, reset_timeout
        Seconds to wait for the kernel to start, and for a reset to finish.

    Every other module that is not under a library folder (stdlib, site-packages) is a user
    module: it is dropped after each notebook and imported again by the next one that uses it.
    """

    def __init__(self, kernel_name: str = config.KERNEL_NAME,
                 preload: tuple[str, ...] = ("strategy_kit", "strategy_kit.sections.audience",
                                               "strategy_kit.sections.portfolio"),
                 keep: tuple[str, ...] = ("strategy_kit",),
                 fresh: tuple[str, ...] = (),
                 restart: tuple[str, ...] = ("strategy_kit.sections.display:restart_ids",),
                 startup_timeout: float = 60.0, reset_timeout: float = 60.0) -> None:
        self.kernel_name = kernel_name
        self.preload, self.keep, self.fresh = tuple(preload), tuple(keep), tuple(fresh)
        self.restart = tuple(restart)
        self.startup_timeout = startup_timeout
        self.reset_timeout = reset_timeout
        self.km: Any = None
        self.kc: Any = None
        #: Set by the engine when the kernel died or timed out: replace it before the next run.
        self.needs_restart = False
        #: Notebooks run on the current kernel, and kernels started so far.
        self.runs = 0
        self.starts = 0
        self._pending_reset: str | None = None
        self._pycache = ""

    # -- life cycle -------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The kernel's process id (None when no kernel runs)."""
        return getattr(getattr(self.km, "provisioner", None), "pid", None)

    def start(self) -> None:
        """Start a kernel, connect to it and prepare it for resets."""
        self.launch()
        self.connect()

    def launch(self) -> None:
        """Start the kernel's process without waiting for it (the caller can work meanwhile)."""
        if self.km is not None:
            if self.kc is not None:
                with contextlib.suppress(Exception):
                    self.kc.stop_channels()
            self.kill()
        self.kc = None
        self._pending_reset = None
        with _signals_deferred():  # until kill() can find every process and folder
            self.km = IPCKernelManager(kernel_name=self.kernel_name)
            self._pycache = private_mkdtemp("sk-pycache-")
            try:
                # History in memory: parallel kernels would otherwise queue on one SQLite file.
                run_sync(self.km.start_kernel)(
                    extra_arguments=["--HistoryManager.hist_file=:memory:"])
            except BaseException:
                self.kill()
                raise
        self.starts += 1
        self.runs = 0
        self.needs_restart = False

    def connect(self) -> None:
        """Wait for the launched kernel, then prepare it: snapshot, preload, first reset."""
        try:
            self.kc = self.km.client()
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
            settings = {"preload": self.preload, "keep": self.keep, "fresh": self.fresh,
                        "restart": self.restart, "pycache": self._pycache}
            # waits on the kernel: while it is alive and working (a loaded machine, a large
            # case), its time runs on; only a kernel that stopped working is given up on
            self._reply(self.kc.execute(_prepare_code(settings), silent=True,
                                        store_history=False), self.startup_timeout,
                        patient=True)
        except BaseException:
            self.kill()
            raise

    def ready(self) -> tuple[Any, Any]:
        """Return ``(km, kc)`` of a clean kernel: finish the pending reset, or (re)start one."""
        if self.km is None or self.needs_restart or not run_sync(self.km.is_alive)():
            self.start()
        elif self._pending_reset is not None:
            msg_id, self._pending_reset = self._pending_reset, None
            try:
                self._reply(msg_id, self.reset_timeout)
            except Exception as e:  # noqa: BLE001  a kernel we cannot reset is replaced
                logger.warning("replacing the kernel: %s", e)
                self.start()
        return self.km, self.kc

    def begin_reset(self) -> None:
        """Ask the kernel to reset itself; :meth:`ready` waits for it (overlapping the export)."""
        if self.needs_restart or self.kc is None:
            return
        self.runs += 1
        try:
            self._pending_reset = self.kc.execute(_RESET_CODE, silent=True, store_history=False)
        except Exception:  # noqa: BLE001  the channels are gone: start afresh next time
            self.needs_restart = True

    def shutdown(self) -> None:
        """Stop the kernel and remove its files (for a normal end; see :meth:`kill`)."""
        if self.km is None:
            self._remove_pycache()
            return
        km, kc = self.km, self.kc
        try:
            if kc is not None:
                kc.stop_channels()
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001  shutting down must not mask the batch's result
            self.kill()
        finally:
            self.km = self.kc = None
            self._pending_reset = None
            self._remove_pycache()

    def kill(self) -> None:
        """Kill the kernel's process group at once and remove its files.

        Only system calls (no event loop, no message): usable while unwinding after a signal,
        or from a watchdog thread.
        """
        km, self.km, self.kc, self._pending_reset = self.km, None, None, None
        try:
            if km is not None:
                self._kill(km)
        finally:
            self._remove_pycache()  # once the kernel is dead: it may be writing there

    @staticmethod
    def _kill(km: Any) -> None:
        prov = getattr(km, "provisioner", None)
        pgid = getattr(prov, "pgid", None)
        pid = getattr(prov, "pid", None)
        with contextlib.suppress(OSError):
            if pgid:
                os.killpg(pgid, signal.SIGKILL)
            elif pid:
                os.kill(pid, signal.SIGKILL)
        process = getattr(prov, "process", None)
        if process is not None:
            with contextlib.suppress(Exception):
                process.wait(timeout=5)
        with contextlib.suppress(Exception):
            km.cleanup_connection_file()
            km.cleanup_ipc_files()
        shutil.rmtree(getattr(km, "_ipc_folder", ""), ignore_errors=True)

    def _remove_pycache(self) -> None:
        folder, self._pycache = self._pycache, ""
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    # -- messages ---------------------------------------------------------------------------

    def run(self, code: str, timeout: float = 60.0, patient: bool = False) -> None:
        """Run code silently on the kernel (no history, no output); raise if it fails.

        ``patient``: wait as long as the kernel keeps working (see :meth:`_reply`).
        """
        self._run(code, timeout, patient)

    def _run(self, code: str, timeout: float, patient: bool = False) -> None:
        self._reply(self.kc.execute(code, silent=True, store_history=False), timeout, patient)

    def _cpu_seconds(self) -> float | None:
        """The kernel process's CPU time so far (Linux), or None when it cannot be read."""
        pid = self.pid
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, TypeError):
            return None

    def _reply(self, msg_id: str, timeout: float, patient: bool = False) -> None:
        """Wait for the reply to ``msg_id``; ``patient``: as long as the kernel keeps working.

        A patient wait gives the kernel another ``timeout`` whenever it used CPU time in the
        last one (up to ten times ``timeout``): a kernel slowed by a loaded machine is waited
        for, one that hangs is not.
        """
        deadline = time.monotonic() + timeout
        cap = time.monotonic() + (10 * timeout if patient else timeout)
        cpu = self._cpu_seconds() if patient else None
        while True:
            left = deadline - time.monotonic()
            if left <= 0 and patient and time.monotonic() < cap:
                now = self._cpu_seconds()
                if cpu is not None and now is not None and now > cpu + 0.1:
                    cpu, deadline = now, min(cap, time.monotonic() + timeout)
                    continue
            try:  # a reply already waiting is taken, even when this process was slow
                msg = run_sync(self.kc.get_shell_msg)(timeout=min(max(left, 0.0), 1.0))
            except Empty:
                if left <= 0:
                    raise KernelResetError(
                        f"no reply from the kernel within {timeout:.0f} s") from None
                if not run_sync(self.km.is_alive)():
                    raise KernelResetError("the kernel died") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if content.get("status") != "ok":
                raise KernelResetError(f"{content.get('ename')}: {content.get('evalue')}")
            return
