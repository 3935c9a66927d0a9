"""A run's temporary files stay in one private folder: removed on exit, swept when stale."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def python(code: str, tmp: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "JUPYTER_RUNTIME_DIR": str(tmp / "rt")}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, text=True,
                          capture_output=True, check=check, timeout=120)


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A temporary folder with a short path: a Unix socket's path has at most 107 bytes."""
    tmp = Path(tempfile.mkdtemp(prefix="skt-", dir="/tmp"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_run_removes_its_private_folder_on_exit(short_tmp: Path) -> None:
    tmp = short_tmp
    out = python("""
        import os, stat
        from strategy_kit.files.private import private_dir, private_mkdtemp
        d = private_dir()
        (d / "executed.ipynb").write_text("{}")
        print(d, oct(stat.S_IMODE(os.stat(d.parent).st_mode)), private_mkdtemp("sk-x-"))
    """, tmp).stdout.split()
    assert Path(out[0]).parent == tmp / f"strategy-kit-{os.getuid()}"
    assert out[1] == "0o700", "only its user may enter the folder"
    assert Path(out[2]).parent == Path(out[0])
    assert list(tmp.iterdir()) == [], "nothing left in the temporary folder"


def test_a_killed_runs_kernel_files_are_swept_by_the_next_run(short_tmp: Path) -> None:
    tmp = short_tmp
    killed = python("""
        import os, signal
        from strategy_kit.run.session import KernelSession
        s = KernelSession(preload=(), fresh=())
        s.start()
        print(s.km.connection_file, s.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """, tmp, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    connection, kernel = killed.stdout.split()
    base = tmp / f"strategy-kit-{os.getuid()}"
    assert Path(connection).is_relative_to(base), "the HMAC key stays in the private folder"
    assert Path(connection).exists(), "kill -9 leaves it (nothing can run then)"
    assert stat.S_IMODE(os.stat(base).st_mode) == 0o700
    python("from strategy_kit.files.private import private_dir; private_dir()", tmp)
    assert not Path(connection).exists() and not base.exists()
    assert not (tmp / "rt").exists() or not list((tmp / "rt").iterdir()), "no connection file"
    deadline = time.monotonic() + 15  # the orphaned kernel notices its parent is gone
    while time.monotonic() < deadline and Path(f"/proc/{kernel}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{kernel}").exists() or "zombie" in Path(
        f"/proc/{kernel}/status").read_text().lower(), "no kernel left running"


def test_someone_elses_folder_is_never_used(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    trap = tmp_path / "elsewhere"
    trap.mkdir()
    (tmp / f"strategy-kit-{os.getuid()}").symlink_to(trap)
    d = python("from strategy_kit.files.private import private_dir; print(private_dir())",
               tmp).stdout.strip()
    assert not Path(d).is_relative_to(trap) and list(trap.iterdir()) == []
