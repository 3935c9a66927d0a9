"""Snapshots: a dated copy of a case's tables and ratings, and a case at a git revision.

``take_snapshot`` copies a case folder's tables, settings, guidance, scenarios and ratings (or
a workbook and its ratings) to ``snapshots/YYYY-MM-DD/`` beside them, written to a temporary
folder first and renamed into place, so that an interrupted snapshot leaves nothing.
``snapshot_path`` finds one again (``CASE@2026-12-04``); ``git_case`` exports a case as it was
at a git revision (``CASE@git:REV``) without checking anything out (docs/compare.md).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ..errors import BadParameterError
from ..files.private import private_mkdtemp
from .locate import case_folder, is_workbook

__all__ = ["SNAPSHOT_DIR", "git_case", "list_snapshots", "snapshot_path", "take_snapshot"]

SNAPSHOT_DIR = "snapshots"
#: What a snapshot copies from a case folder: its files of these kinds, and these folders.
FILES = (".csv", ".yaml", ".md")
FOLDERS = ("ratings", "scenarios")


def _copy(case: Path, dest: Path) -> None:
    folder = case_folder(case)
    dest.mkdir()
    if is_workbook(case):
        shutil.copy2(case, dest / case.name)
    else:
        for f in sorted(folder.iterdir()):
            if f.is_file() and f.suffix in FILES:
                shutil.copy2(f, dest / f.name)
    for sub in FOLDERS:
        if (folder / sub).is_dir():
            shutil.copytree(folder / sub, dest / sub, symlinks=False)


def take_snapshot(case: Path, day: dt.date | None = None) -> Path:
    """Copy a case (folder or workbook) to ``snapshots/YYYY-MM-DD/``; return that folder.

    Written whole or not at all: into a hidden temporary folder beside it, then renamed.

    Raises
    ------
    BadParameterError
        A snapshot of that day is already there.
    """
    day = day or dt.date.today()
    base = case_folder(case) / SNAPSHOT_DIR
    target = base / day.isoformat()
    if target.exists():
        raise BadParameterError("snapshot", str(target), f"one snapshot a day: {day} is "
                                "already taken (remove that folder to take it again)")
    base.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{day.isoformat()}.", dir=base))
    try:
        _copy(case, tmp / "case")
        os.rename(tmp / "case", target)  # atomic on one disk; refuses an existing target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def list_snapshots(case: Path) -> list[str]:
    """The dates of a case's snapshots, oldest first."""
    base = case_folder(case) / SNAPSHOT_DIR
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))


def snapshot_path(case: Path, day: str) -> Path:
    """The case a snapshot holds: its folder, or the workbook in it.

    Raises
    ------
    BadParameterError
        No snapshot of that day (the days there).
    """
    folder = case_folder(case) / SNAPSHOT_DIR / day
    if not folder.is_dir() or day.startswith("."):
        days = list_snapshots(case)
        raise BadParameterError("snapshot", f"@{day}", "the date of a snapshot of the case: "
                                + (", ".join(days) if days else "none yet (strategy-kit "
                                   "snapshot CASE takes one)"))
    return folder / case.name if is_workbook(case) else folder


def git_case(case: Path, rev: str) -> Path:
    """The case as it was at git revision ``rev``, exported to a private temporary folder.

    ``git archive`` reads the revision without checking it out; a workbook case gives its
    folder (the workbook and its ratings).

    Raises
    ------
    BadParameterError
        Not in a git repository, or no such revision or path in it.
    """
    folder = case_folder(case)
    if rev.startswith("-"):
        raise BadParameterError("git revision", rev, "a commit, tag or branch")
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=True).stdout.strip()
        rel = folder.resolve().relative_to(Path(top).resolve()).as_posix() or "."
        data = subprocess.run(["git", "-C", top, "archive", "--format=tar", rev, "--", rel],
                              capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError, ValueError) as e:
        err = getattr(e, "stderr", b"") or b""
        why = err.decode(errors="replace").strip() if isinstance(err, bytes) else str(err)
        raise BadParameterError("git revision", f"@git:{rev}", "a revision of the git "
                                f"repository the case is in ({why or e})") from None
    out = Path(private_mkdtemp("sk-git-case-"))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(out, filter="data")
    root = out / rel
    return root / case.name if is_workbook(case) else root
