"""Faults on the way out: one place turns a failed write into one sentence and an exit code.

A full disk, a read-only folder, a destination that is a file or a dangling link, a folder
another run is writing into: each becomes a :class:`~strategy_kit.errors.WriteError` naming the
path and what to do (exit 2, or 1 for a full disk), never a traceback (docs/security.md).

Standard library only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import WriteError

__all__ = ["fault", "writing"]

_CHOOSE = "choose a folder you can write to"
#: errno → (reason, what to do, exit code)
_KNOWN: dict[int, tuple[str, str, int]] = {
    errno.ENOSPC: ("the disk is full", "free some space, or choose another folder", 1),
    errno.EDQUOT: ("the disk quota is used up", "free some space, or choose another folder", 1),
    errno.EACCES: ("permission denied", _CHOOSE, 2),
    errno.EPERM: ("permission denied", _CHOOSE, 2),
    errno.EROFS: ("the disk is read-only", _CHOOSE, 2),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "choose another path", 2),
    errno.EISDIR: ("it is a folder", "give a file name", 2),
    errno.EEXIST: ("it exists already (another run may have just written it)",
                   "choose a new name, or remove the old one", 2),
    errno.ENOTEMPTY: ("it exists already (another run may have just written it)",
                      "choose a new name, or remove the old one", 2),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path", 2),
    errno.ELOOP: ("a link loop", "choose another path", 2),
}


def _dangling(path: Path) -> Path | None:
    """The first part of ``path`` that is a link to nothing, if any."""
    for p in (path, *path.parents):
        if os.path.islink(p) and not os.path.exists(p):
            return p
    return None


def fault(error: OSError, path: str | Path | None = None) -> WriteError:
    """``error`` (raised writing ``path``) as a WriteError with its reason and advice."""
    if isinstance(error, WriteError):
        return error
    where = Path(path if path is not None else (error.filename or "?"))
    dangling = _dangling(where)
    if dangling is not None:
        return WriteError(where, f"{dangling} is a broken symbolic link",
                          "remove it, or choose another path")
    number = error.errno
    if number is None:  # shutil.Error holds the errors of many files as text: the first
        found = re.search(r"\[Errno (\d+)\]", str(error))
        number = int(found.group(1)) if found else None
    reason, advice, code = _KNOWN.get(number or 0, (
        error.strerror or type(error).__name__, "check the folder and try again", 1))
    return WriteError(where, reason, advice, code)


@contextlib.contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Turn any ``OSError`` raised in the block into a :class:`WriteError` about ``path``."""
    try:
        yield
    except WriteError:
        raise
    except OSError as e:
        raise fault(e, path) from None
    except Exception as e:  # a writer's own error around an OSError (XlsxWriter's, odfpy's)
        cause = e.args[0] if e.args and isinstance(e.args[0], OSError) else e.__context__
        if isinstance(cause, OSError):
            raise fault(cause, path) from None
        raise
