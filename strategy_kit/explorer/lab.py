"""Start JupyterLab on 127.0.0.1 with the explorer notebook open: ``strategy-kit explore``.

The session runs in a private folder holding a copy of the notebook (``lab_root``): running
the explorer never changes a file of the checkout.

``launch_lab`` validates the case, hands it to the notebook's kernel in ``$STRATEGY_KIT_CASE``
(``CASE_ENV``) and runs JupyterLab from the current Python's environment with a command line
(``lab_command``) that stays local and fetches nothing online; Ctrl-C or a SIGTERM stops it.
The access token goes to JupyterLab in its environment (``$JUPYTER_TOKEN``, ``lab_env``),
which only its user can read, never on its command line, which every local user can
(``ps``, ``/proc/PID/cmdline``).
The explorer itself is in :mod:`strategy_kit.explorer.widgets`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from .. import config
from ..errors import RunError
from ..files.present import terminal_safe
from ..files.private import private_mkdtemp
from ..ratings.load import load_case

__all__ = ["CASE_ENV", "LAB_SETTINGS", "NOTEBOOK", "TOKEN_ENV", "lab_command", "lab_env",
           "lab_root", "launch_lab"]

#: The case ``launch_lab`` opened; the notebook's empty ``case`` parameter falls back to it.
CASE_ENV = "STRATEGY_KIT_CASE"
#: The scenario the explorer's kernel loads the case under (issue 22), when one is given.
SCENARIO_ENV = "STRATEGY_KIT_SCENARIO"
NOTEBOOK = "03-explore.ipynb"
#: jupyter_server's IdentityProvider takes its token from this variable of its environment.
TOKEN_ENV = "JUPYTER_TOKEN"
#: JupyterLab settings of the explorer's session (its own settings folder, not the user's):
#: every cell stays attached and laid out ("none"), so a figure below the fold is drawn at
#: its real size, never into an element the browser skipped (JupyterLab's default,
#: "contentVisibility", left figures empty after Run All); no autosave, no news.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}
_LAB = ".lab"  # in the session's root: JupyterLab's settings and workspaces


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_server(port: int, token: str, proc: subprocess.Popen[Any],
                     timeout: float) -> bool:
    """Wait until the server answers on 127.0.0.1 (never through a proxy); False if it died."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status",
                                     headers={"Authorization": f"token {token}"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            opener.open(request, timeout=1).close()
            return True
        except OSError:
            time.sleep(0.3)
    return False


def lab_env(token: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment JupyterLab runs in: ``base`` (default ours) with the access token."""
    env = dict(os.environ if base is None else base)
    env.pop("JUPYTER_TOKEN_FILE", None)  # one source of the token: ours
    env[TOKEN_ENV] = token
    return env


def lab_root(folder: Path) -> Path:
    """Prepare ``folder`` as the root of an explorer session and return it.

    It gets a copy of the explorer notebook (``notebooks/03-explore.ipynb``): JupyterLab
    saves what it opens (the kernel it picked, a checkpoint), and the checkout must never
    change because someone explored; and JupyterLab's settings and workspaces
    (:data:`LAB_SETTINGS`), so that the user's own JupyterLab is left as it is.
    """
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(config.NOTEBOOKS_DIR / NOTEBOOK, folder / "notebooks" / NOTEBOOK)
    for name, values in LAB_SETTINGS.items():
        f = folder / _LAB / "user-settings" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(values), encoding="utf-8")
    (folder / _LAB / "workspaces").mkdir(parents=True, exist_ok=True)
    return folder


def lab_command(port: int, root: Path, open_browser: bool = False) -> list[str]:
    """The JupyterLab command line ``launch_lab`` runs: local only, nothing fetched online.

    ``root`` is the session's folder (:func:`lab_root`); its settings and workspaces are
    used when it has them. It holds no secret: the token is in the environment
    (:func:`lab_env`).
    """
    own = ([f"--LabApp.user_settings_dir={root / _LAB / 'user-settings'}",
            f"--LabApp.workspaces_dir={root / _LAB / 'workspaces'}"]
           if (root / _LAB).is_dir() else [])
    return [sys.executable, "-m", "jupyter", "lab", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            f"--ServerApp.open_browser={open_browser}",
            # no news feed and no update check: the kit never phones home
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            f"--LabApp.default_url=/lab/tree/notebooks/{NOTEBOOK}", *own,
            # containers often run as root, which JupyterLab refuses without this
            *(["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0
              else [])]


def launch_lab(case: str | None, port: int | None = None, open_browser: bool = False,
               scenario: str | None = None) -> None:
    """Start JupyterLab on 127.0.0.1 with ``notebooks/03-explore.ipynb`` open; Ctrl-C stops it.

    JupyterLab runs from the current Python's environment, whose ipywidgets, anywidget and
    Plotly front-end extensions ship prebuilt in their pip packages: nothing to install. The
    case is handed to the notebook's kernel in ``$STRATEGY_KIT_CASE``.

    Parameters
    ----------
    case
        A case folder or name under ``data/``; None: ``belarus``. It is validated first.
    port
        The port; None: a free one.
    open_browser
        Open the page in the default browser.
    scenario
        One of the case's scenarios (docs/compare.md), handed on in ``$STRATEGY_KIT_SCENARIO``.
    """
    if not (config.NOTEBOOKS_DIR / NOTEBOOK).is_file():
        raise RunError(f"no {config.NOTEBOOKS_DIR / NOTEBOOK}: the explorer needs a checkout "
                       "of strategy-kit (pip install -e .)")
    c = load_case(case or config.DEFAULT_CASE, scenario=scenario)
    # a private copy of the notebook: nothing in the checkout changes (removed at exit)
    root = lab_root(Path(private_mkdtemp("sk-explore-")))
    port = port or _free_port()
    token = os.urandom(16).hex()
    env = lab_env(token, {**os.environ, CASE_ENV: str(c.path), SCENARIO_ENV: scenario or ""})
    url = f"http://127.0.0.1:{port}/lab/tree/notebooks/{NOTEBOOK}?token={token}"
    proc = subprocess.Popen(lab_command(port, root, open_browser), env=env, cwd=root)
    # a SIGTERM to us must stop JupyterLab too (the finally below), not leave it running
    restore = None
    if threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if not _wait_for_server(port, token, proc, timeout=60):
            raise RunError(f"JupyterLab did not start on port {port} (exit code "
                           f"{proc.poll()}); is the port in use?")
        print(f"\nThe explorer of '{terminal_safe(c.title)}' is open at\n\n    {url}\n\n"
              "Run it with Run ▸ Run All Cells. Press Ctrl-C here to stop.\n", flush=True)
        proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if restore is not None:
            signal.signal(signal.SIGTERM, restore)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
