"""``strategy-kit explore``: the JupyterLab launcher keeps its access token off the command line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import strategy_kit.explorer.lab as lab
from strategy_kit import config


def test_lab_token_is_in_the_environment_never_on_the_command_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Every local user can read a command line (ps, /proc/PID/cmdline); not an environment."""
    started: dict[str, Any] = {}

    class FakeLab:
        pid = 4242

        def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
            started.update(args=args, env=env)

        def poll(self) -> int | None:
            return 0

        def wait(self, timeout: float | None = None) -> int:
            return 0

    monkeypatch.setattr(lab.subprocess, "Popen", FakeLab)
    monkeypatch.setattr(lab, "_wait_for_server", lambda *a, **k: True)
    lab.launch_lab(str(config.TEMPLATE_CASE_DIR), port=8899)
    url = next(x.strip() for x in capsys.readouterr().out.splitlines() if "http://" in x)
    assert url.startswith("http://127.0.0.1:8899/lab/") and "?token=" in url
    token = url.rsplit("?token=", 1)[1]
    assert len(token) >= 32
    assert not any(token in a or "token" in a.lower() for a in started["args"])
    assert started["env"]["JUPYTER_TOKEN"] == token  # what jupyter_server's IdentityProvider reads


def test_the_session_runs_on_a_private_copy_of_the_notebook(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """JupyterLab's root is a private folder: nothing it saves can land in the checkout."""
    started: dict[str, Any] = {}

    class FakeLab:
        pid = 4242

        def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
            started.update(args=args, cwd=Path(cwd))

        def poll(self) -> int | None:
            return 0

        def wait(self, timeout: float | None = None) -> int:
            return 0

    monkeypatch.setattr(lab.subprocess, "Popen", FakeLab)
    monkeypatch.setattr(lab, "_wait_for_server", lambda *a, **k: True)
    lab.launch_lab(str(config.TEMPLATE_CASE_DIR), port=8899)
    root = started["cwd"]
    assert config.ROOT not in (root, *root.parents)
    assert f"--ServerApp.root_dir={root}" in started["args"]
    copy = root / "notebooks" / lab.NOTEBOOK
    assert copy.read_bytes() == (config.NOTEBOOKS_DIR / lab.NOTEBOOK).read_bytes()
    settings = root / ".lab" / "user-settings" / "@jupyterlab" / "notebook-extension" / \
        "tracker.jupyterlab-settings"
    assert json.loads(settings.read_text(encoding="utf-8")) == {"windowingMode": "none"}
    assert f"--LabApp.user_settings_dir={root / '.lab' / 'user-settings'}" in started["args"]
    assert root.stat().st_mode & 0o077 == 0 or root.parent.stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_git_status_is_clean_after_explore(tmp_path: Path) -> None:
    """A real `strategy-kit explore`: a kernel started, the notebook saved, the server
    stopped — and the checkout is as it was (the issue: the notebook came back modified)."""
    if not (config.ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")

    def status() -> str:
        return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                              cwd=config.ROOT, capture_output=True, text=True,
                              check=True).stdout

    before, notebook = status(), (config.NOTEBOOKS_DIR / lab.NOTEBOOK).read_bytes()
    port = lab._free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "strategy-kit"), "explore",
                             str(config.TEMPLATE_CASE_DIR), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=config.ROOT, start_new_session=True)
    try:
        url = ""
        deadline = time.monotonic() + 90
        while not url and time.monotonic() < deadline and proc.poll() is None:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            url = line.strip() if line.strip().startswith("http://") else ""  # ours, not the log
        assert url, "explore did not print its address"
        token = url.rsplit("?token=", 1)[1]
        api = f"http://127.0.0.1:{port}/api"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

        def call(method: str, path: str, body: dict | None = None) -> Any:
            req = urllib.request.Request(
                api + path, method=method, data=None if body is None else
                json.dumps(body).encode(), headers={"Authorization": f"token {token}",
                                                    "Content-Type": "application/json"})
            with opener.open(req, timeout=60) as r:
                return json.loads(r.read() or b"null")

        path = f"notebooks/{lab.NOTEBOOK}"
        nb = call("GET", f"/contents/{path}")
        # what JupyterLab does on opening: a session (a kernel), then a save with its changes
        call("POST", "/sessions", {"path": path, "type": "notebook", "name": lab.NOTEBOOK,
                                   "kernel": {"name": "python3"}})
        nb["content"]["metadata"]["kernelspec"]["display_name"] = "changed by the session"
        call("PUT", f"/contents/{path}", {"type": "notebook", "format": "json",
                                         "content": nb["content"]})
        assert call("GET", f"/contents/{path}")["content"]["metadata"]["kernelspec"][
            "display_name"] == "changed by the session"  # saved — but not in the checkout
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert (config.NOTEBOOKS_DIR / lab.NOTEBOOK).read_bytes() == notebook
    assert status() == before
