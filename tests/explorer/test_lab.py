"""``strategy-kit explore``: the JupyterLab launcher keeps its access token off the command line."""

from __future__ import annotations

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
