"""Faults on the way out (issue 23.3): a full disk, a read-only folder, a dangling link.

Each writing command exits 1 or 2 with one line naming the path and what to do: no traceback,
no partial file, no folder left behind, and an earlier file intact. The full disk is a 64 kB
tmpfs and the read-only folder a tmpfs remounted read-only (root only: skipped with a message
otherwise, never under CI=true as root). Kernel-starting commands (report, overview, batch) are
tested once each, at their final write.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "from strategy_kit.cli import main; main()"]
OLD = b"an earlier good file\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)


def _mount(folder: Path, read_only: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], check=True)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of our own (64 kB), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; run the tests as root to cover a full "
                    "disk and a read-only folder")
    folder = tmp_path / "disk"
    _mount(folder, False)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _earlier(disk: Path, names: list[str]) -> None:
    for name in names:
        p = disk / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(OLD)


def _fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 1024)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)


def _one_clear_line(result: subprocess.CompletedProcess, path_part: str, reason: str,
                    code: int) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert path_part in lines[0] and reason in lines[0], lines[0]


#: (command arguments with {d} for the destination folder, the earlier files, what is named)
FAST = {
    "brief": (["brief", "belarus", "--audience", "media", "--goal", "end-terror", "--out",
               "{d}"], ["belarus/media--end-terror.brief.html"], "brief.html"),
    "calendar": (["calendar", "belarus", "--audience", "media", "--out", "{d}/c.ics"],
                 ["c.ics"], "c.ics"),
    "convert-xlsx": (["convert", "belarus", "{d}/new/b.xlsx"], [], "b.xlsx"),
    "convert-ods": (["convert", "belarus", "{d}/b.ods"], [], "b.ods"),
    "convert-folder": (["convert", "belarus", "{d}/b"], [], "/b'"),
    "new-case": (["new-case", "{d}/nc"], [], "/nc'"),
    "new-case-xlsx": (["new-case", "{d}/nc.xlsx"], [], "nc.xlsx"),
    "ratings-sheets": (["ratings", "sheets", "belarus", "--raters", "2", "--out", "{d}/s"],
                       [], "/s'"),
    "ratings-sheets-csv": (["ratings", "sheets", "belarus", "--raters", "2", "--csv", "--out",
                            "{d}/s"], [], "/s'"),
}


def _args(args: list[str], d: Path) -> list[str]:
    return [a.replace("{d}", str(d)) for a in args]


def _left(disk: Path) -> set[str]:
    return {p.relative_to(disk).as_posix() for p in disk.rglob("*")} - {"filler"}


@pytest.mark.parametrize("command", list(FAST))
def test_full_disk(command: str, disk: Path) -> None:
    args, earlier, named = FAST[command]
    _earlier(disk, earlier)
    before = _left(disk)
    _fill(disk)
    _one_clear_line(run(*_args(args, disk)), named, "the disk is full", 1)
    assert _left(disk) == before  # nothing half-written, no folder left behind
    for name in earlier:
        assert (disk / name).read_bytes() == OLD


@pytest.mark.parametrize("command", list(FAST))
def test_read_only_folder(command: str, disk: Path) -> None:
    args, earlier, named = FAST[command]
    _earlier(disk, earlier)
    before = _left(disk)
    _read_only(disk)
    result = run(*_args(args, disk))
    _one_clear_line(result, str(disk), "read-only", 2)
    assert _left(disk) == before
    for name in earlier:
        assert (disk / name).read_bytes() == OLD


@pytest.mark.parametrize("command", list(FAST))
def test_dangling_link_destination(command: str, tmp_path: Path) -> None:
    args, _, _ = FAST[command]
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    result = run(*_args(args, tmp_path / "gone"))
    _one_clear_line(result, "gone", "broken symbolic link", 2)
    assert not (tmp_path / "nowhere").exists()


def test_a_destination_that_is_a_dangling_link_itself(tmp_path: Path) -> None:
    (tmp_path / "c.ics").symlink_to(tmp_path / "elsewhere.ics")
    result = run("calendar", "belarus", "--audience", "media", "--out", str(tmp_path / "c.ics"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = run("convert", "belarus", str(tmp_path / "c.ics.xlsx"))
    (tmp_path / "b.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    result = run("convert", "belarus", str(tmp_path / "b.xlsx"))
    _one_clear_line(result, "b.xlsx", "", 2)
    assert not (tmp_path / "nowhere.xlsx").exists()


def test_two_converts_into_one_folder(tmp_path: Path) -> None:
    dest = tmp_path / "out" / "same"
    procs = [subprocess.Popen([*CLI, "convert", "belarus", str(dest)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert sorted(code for code, _ in results)[0] == 0, results
    for code, err in results:
        assert code in (0, 2) and "Traceback" not in err, err
    assert run("validate", str(dest)).returncode == 0
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".")]


def test_the_atomic_writer_never_overwrites_what_another_run_wrote(tmp_path: Path) -> None:
    from strategy_kit.errors import WriteError
    from strategy_kit.files.atomic import atomic_path

    dest = tmp_path / "x.xlsx"
    with pytest.raises(WriteError, match="exists already"):
        with atomic_path(dest, replace=False) as tmp:
            tmp.write_bytes(b"mine")
            dest.write_bytes(b"theirs")  # another run, meanwhile
    assert dest.read_bytes() == b"theirs" and os.listdir(tmp_path) == ["x.xlsx"]


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    from strategy_kit.files.atomic import write_atomically

    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["report", "belarus", "--audience", "media", "--goal", "end-terror"],
    ["overview", "belarus", "--goal", "end-terror"],
    ["batch", "belarus", "--audiences", "media", "--goals", "end-terror", "--workers", "1"],
])
def test_kernel_commands_on_a_full_disk(command: list[str], disk: Path) -> None:
    _fill(disk)
    result = run(*command, "--out", str(disk / "r"))
    assert result.returncode in (1, 2), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "the disk is full" in result.stderr, result.stderr
    assert _left(disk) == set()
