"""Lock an output folder while a batch writes into it: a second batch stops, naming the first.

Two batches into one folder would mix their reports under one index page. The lock is an
``flock`` on a hidden file in the folder, so it is released when the process ends, however it
ends; the file holds the holder's process id and start time, and is removed on release.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import (
    FolderBusyError,  # noqa: F401 - defined in errors.py
    )

__all__ = ["LOCK_NAME", "FolderBusyError", "folder_lock"]

LOCK_NAME = ".strategy-kit.lock"


def _acquire(folder: Path) -> int:
    path = folder / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "starting"
            os.close(fd)
            raise FolderBusyError(folder, holder) from None
        try:  # the holder before us may have removed the file we opened: lock the new one
            same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    now = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"process {os.getpid()}, started {now}\n".encode())
    except OSError:  # a full disk: no lock file left behind
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def folder_lock(folders: list[Path]) -> Iterator[None]:
    """Hold the lock of each folder (created when missing) while the block runs.

    Raises
    ------
    FolderBusyError
        A folder is locked by another run; no folder stays locked.
    """
    held: list[tuple[Path, int]] = []
    created: list[Path] = []
    try:
        for folder in sorted(set(folders)):
            created += [p for p in (folder, *folder.parents) if not os.path.lexists(p)]
            folder.mkdir(parents=True, exist_ok=True)
            held.append((folder, _acquire(folder)))
        yield
    finally:
        for folder, fd in reversed(held):
            with contextlib.suppress(OSError):
                os.unlink(folder / LOCK_NAME)  # while still locked: no one else holds it
            os.close(fd)
        for p in sorted(set(created), key=lambda p: -len(p.parts)):
            with contextlib.suppress(OSError):  # folders made for a run that wrote nothing
                p.rmdir()
