"""Check where the kit will write before any work starts: exit 2 with the path and the reason.

A report takes seconds and a batch minutes to run; finding only then that ``--out`` is a file,
lies under a file or is read-only wastes them and used to end in a traceback.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..errors import (
    OutputLocationError,  # noqa: F401 - defined in errors.py
    )

__all__ = ["OutputLocationError", "check_output_dir", "check_output_file"]


def _missing(path: Path) -> list[Path]:
    """The folders of ``path`` that do not exist yet, the deepest first; checks the rest."""
    missing = []
    p = path
    while not p.exists():
        if p.is_symlink():
            raise OutputLocationError(path, f"{p} is a broken symbolic link")
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    if p.exists() and not p.is_dir():
        raise OutputLocationError(path, f"{p} is a file, not a folder" if p != path
                                  else "it is a file, not a folder")
    return missing


def check_output_dir(folder: str | Path, what: str = "--out") -> Path:
    """Make sure ``folder`` exists or can be created, and can be written to; return it.

    The check creates the missing folders and a temporary file in the deepest, then removes
    what it created: nothing is left behind, and a read-only disk or a folder owned by someone
    else is found even where permission bits would not say so (root, network drives).

    Raises
    ------
    OutputLocationError
        A part of the path is a file, a broken link, or the folder cannot be created or
        written to.
    """
    path = Path(folder).expanduser().absolute()
    try:
        missing = _missing(path)
    except OSError as e:
        raise OutputLocationError(path, e.strerror or str(e), what) from None
    created: list[Path] = []
    try:
        for p in reversed(missing):
            p.mkdir()
            created.append(p)
        with tempfile.TemporaryFile(dir=path, prefix=".sk-probe-"):
            pass
    except OSError as e:
        reason = {1: "permission denied", 13: "permission denied", 30: "the disk is read-only",
                  20: "a part of the path is a file", 28: "the disk is full"}
        raise OutputLocationError(path, reason.get(e.errno or 0, e.strerror or str(e)),
                                  what) from None
    finally:
        for p in reversed(created):
            with contextlib.suppress(OSError):
                p.rmdir()
    return path


def check_output_file(file: str | Path, what: str = "--out") -> Path:
    """Make sure ``file`` can be written: not a folder, and its folder can be written to."""
    path = Path(file).expanduser().absolute()
    if path.is_dir():
        raise OutputLocationError(path, "it is a folder; give a file name", what)
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputLocationError(path, "the file is read-only", what)
    check_output_dir(path.parent, what)
    return path
