"""Two batches into one folder: the second stops at once, naming the first (issue 12)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_kit.batch import command as batch
from strategy_kit.batch.results import BatchSummary
from strategy_kit.cli import cli
from strategy_kit.files.lock import LOCK_NAME, folder_lock

ARGS = ["batch", "belarus", "--audiences", "media", "--goals", "end-terror",
        "--start", "2027-01-01"]


def test_a_second_batch_into_a_busy_folder_is_exit_2_naming_the_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out" / "belarus"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from strategy_kit.files.lock import folder_lock
        with folder_lock([Path({str(folder)!r})]):
            print("locked", flush=True)
            sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        ran: list[object] = []
        monkeypatch.setattr(batch, "run_batch", lambda *a: ran.append(a))
        result = CliRunner().invoke(cli, [*ARGS, "--out", str(tmp_path / "out")])
        assert result.exit_code == 2, result.output
        assert f"is being written by another run (process {holder.pid}, started" in result.output
        assert str(folder) in result.output and not ran, "no kernel started"
    finally:
        holder.communicate("", timeout=30)
    assert not (folder / LOCK_NAME).exists(), "the lock goes with its holder"


def test_the_lock_is_held_during_a_batch_and_released_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "belarus"
    seen: list[bool] = []

    def fake_run(jobs: list, workers: int | None) -> BatchSummary:
        with pytest.raises(Exception, match="being written by another run"), \
                folder_lock([folder]):
            pass
        seen.append((folder / LOCK_NAME).exists())
        return BatchSummary(results=(), seconds=0.0, workers=1)

    monkeypatch.setattr(batch, "run_batch", fake_run)
    result = CliRunner().invoke(cli, [*ARGS, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == [True] and not (folder / LOCK_NAME).exists()
    with folder_lock([folder]):  # free again
        pass
