"""A papermill engine that runs many notebooks on one kernel, started once and reset between runs.

Starting a kernel and importing pandas, plotly and the kit costs seconds; the cells of a report
take a fraction of that. :class:`~strategy_kit.run.session.KernelSession` owns one IPC
kernel for a whole batch, and ``ReuseEngine`` (registered with papermill as
``strategy_kit_reuse``) executes each parameterized notebook on it, exactly as papermill's own
nbclient engine would, minus the kernel start and shutdown::

    session = KernelSession()
    pm.execute_notebook(src, dst, parameters=..., engine_name=ENGINE_NAME, session=session)
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from .session import KernelResetError, KernelSession

__all__ = ["ENGINE_NAME", "KernelResetError", "KernelSession", "reuse_engine"]

logger = logging.getLogger("papermill")

ENGINE_NAME = "strategy_kit_reuse"


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
