"""Kernel managers for running report notebooks: local IPC sockets, no TCP ports.

IPC transport avoids port races between parallel runs (papermill#511) and ipykernel's
"running over TCP without encryption" warning. The sockets and the connection file (with the
kernel's HMAC key) live in the run's private temporary folder (``files.private``), removed on
exit and swept by the next run when a run was killed.
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from ..files.private import private_mkdtemp

#: Set in the kernel's environment: quiet progress bars and debugger warnings in logs.
KERNEL_ENV = {"TQDM_DISABLE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
              "MPLBACKEND": "Agg"}


class IPCKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` that talks to its kernel over Unix sockets."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        folder = private_mkdtemp("sk-kernel-")
        kwargs.setdefault("ip", os.path.join(folder, "k"))
        kwargs.setdefault("connection_file", os.path.join(folder, "kernel.json"))
        super().__init__(**kwargs)
        self._ipc_folder = folder

    async def _async_start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        env = dict(kw.pop("env", None) or os.environ)
        env.update(KERNEL_ENV)
        # The kernel's own log lines ("KeyboardInterrupt caught in kernel" on shutdown, …)
        # would mix with the command's output; errors in cells reach the notebook anyway.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_start_kernel(env=env, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            import shutil

            shutil.rmtree(self._ipc_folder, ignore_errors=True)

    start_kernel = _async_start_kernel  # type: ignore[assignment]
    cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]
