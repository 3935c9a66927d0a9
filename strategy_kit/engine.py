"""A papermill engine that runs many notebooks on one kernel, started once and reset between runs.

Starting a kernel and importing pandas, plotly and the kit costs seconds; the cells of a report
take a fraction of that (REFERENCE.md). :class:`KernelSession` owns one IPC kernel for a whole
batch, and :class:`ReuseEngine` (registered with papermill as ``strategy_kit_reuse``) executes
each parameterized notebook on it, exactly as papermill's own nbclient engine would, minus the
kernel start and shutdown::

    session = KernelSession()
    pm.execute_notebook(src, dst, parameters=..., engine_name=ENGINE_NAME, session=session)

Between two notebooks the session resets the kernel (docs/batch.md, "Isolation"): the user
namespace, output history and execution count (IPython's ``reset(new_session=True)``), the
working folder, environment variables, ``sys.path`` and warning filters as they were when the
kernel started, and every module that is not a library (the kit itself, modules next to a
notebook): those are imported afresh, so no module-level state carries over. Third-party
libraries stay imported, which is where the time goes. A kernel that dies, times out or cannot
be reset is replaced before the next notebook.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from queue import Empty
from typing import Any

from jupyter_core.utils import run_sync

from . import config
from .kernels import IPCKernelManager

__all__ = ["ENGINE_NAME", "KernelResetError", "KernelSession", "reuse_engine"]

logger = logging.getLogger("papermill")

ENGINE_NAME = "strategy_kit_reuse"

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


class KernelResetError(RuntimeError):
    """The kernel could not be reset between two notebooks (it is then replaced)."""


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
        Packages kept loaded across notebooks although they are not under a library folder.
    fresh
        Packages dropped and imported afresh before every notebook even when installed as
        libraries, so that no module-level state carries over (default: the kit itself, whose
        figure ids, for one, count up per process). Their bytecode is cached for the session.
    startup_timeout, reset_timeout
        Seconds to wait for the kernel to start, and for a reset to finish.

    Every other module that is not under a library folder (stdlib, site-packages) is a user
    module: it is dropped after each notebook and imported again by the next one that uses it.
    """

    def __init__(self, kernel_name: str = config.KERNEL_NAME,
                 preload: tuple[str, ...] = ("strategy_kit", "strategy_kit.sections"),
                 keep: tuple[str, ...] = (), fresh: tuple[str, ...] = ("strategy_kit",),
                 startup_timeout: float = 60.0, reset_timeout: float = 60.0) -> None:
        self.kernel_name = kernel_name
        self.preload, self.keep, self.fresh = tuple(preload), tuple(keep), tuple(fresh)
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
            self._pycache = tempfile.mkdtemp(prefix="sk-pycache-")
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
                        "pycache": self._pycache}
            self._run(_prepare_code(settings), self.startup_timeout)
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

    def run(self, code: str, timeout: float = 60.0) -> None:
        """Run code silently on the kernel (no history, no output); raise if it fails."""
        self._run(code, timeout)

    def _run(self, code: str, timeout: float) -> None:
        self._reply(self.kc.execute(code, silent=True, store_history=False), timeout)

    def _reply(self, msg_id: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise KernelResetError(f"no reply from the kernel within {timeout:.0f} s")
            try:
                msg = run_sync(self.kc.get_shell_msg)(timeout=min(left, 1.0))
            except Empty:
                if not run_sync(self.km.is_alive)():
                    raise KernelResetError("the kernel died") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if content.get("status") != "ok":
                raise KernelResetError(f"{content.get('ename')}: {content.get('evalue')}")
            return


@functools.cache
def reuse_engine() -> type:
    """Define papermill's ``strategy_kit_reuse`` engine, register it and return its class.

    ``ReuseEngine`` is papermill's nbclient engine running on a :class:`KernelSession` passed
    as ``session=``. It is built on first use so that :class:`KernelSession` can start a kernel
    before papermill (seconds of imports) is loaded.
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class _ReuseClient(PapermillNotebookClient):
        """Papermill's notebook client, on a kernel it neither starts nor stops."""

        session: KernelSession

        def execute(self, **kwargs: Any) -> Any:
            """Execute every cell on the session's kernel, as papermill's client does."""
            self.reset_execution_trackers()
            self.papermill_execute_cells()
            if not self.session.needs_restart:
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            self.set_widgets_metadata()
            return self.nb

        def papermill_execute_cells(self) -> None:
            """Run the cells; a kernel that dies or times out fails its cell like an exception."""
            for index, cell in enumerate(self.nb.cells):
                try:
                    self.nb_man.cell_start(cell, index)
                    self.execute_cell(cell, index)
                except CellExecutionError as e:
                    self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=e)
                    break
                except (DeadKernelError, CellTimeoutError) as e:
                    self.session.needs_restart = True
                    self._fail_cell(index, e)
                    break
                finally:
                    self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)

        def _fail_cell(self, index: int, error: Exception) -> None:
            # papermill then raises PapermillExecutionError for this cell, and keeps the notebook.
            cell = self.nb.cells[index]
            if isinstance(error, DeadKernelError):
                code = getattr(getattr(self.km.provisioner, "process", None), "returncode", None)
                ename = "DeadKernelError"
                evalue = "the kernel died while this cell ran" + (
                    f" (exit code {code})" if code is not None else "")
            else:
                ename, evalue = "CellTimeoutError", str(error).splitlines()[0]
            cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                                       traceback=[f"{ename}: {evalue}"]))
            if cell.get("execution_count") is None:
                cell["execution_count"] = self.code_cells_executed
            self.nb_man.cell_exception(cell, cell_index=index)

    class ReuseEngine(NBClientEngine):
        """Papermill's nbclient engine on the :class:`KernelSession` passed as ``session``."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None,
                                     start_timeout: int = 60, execution_timeout: Any = None,
                                     session: KernelSession | None = None,
                                     **kwargs: Any) -> Any:
            """Execute the parameterized notebook on the session's kernel, then start its reset."""
            if session is None:
                raise TypeError(f"the {ENGINE_NAME} engine needs session=KernelSession()")
            # The session owns the kernel: options about starting one do not apply.
            kwargs = remove_args(["input_path", "timeout", "startup_timeout",
                                  "kernel_manager_class", "km", "cwd"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, kernel_name=kernel_name,
                                 log=logger, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            km, kc = session.ready()
            client = _ReuseClient(nb_man, km=km, **final)
            client.kc = kc
            client.session = session
            try:
                return client.execute()
            finally:
                session.begin_reset()

    papermill_engines.register(ENGINE_NAME, ReuseEngine)
    return ReuseEngine
