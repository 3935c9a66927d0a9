"""One private temporary folder per process: removed on exit, swept when left by a killed run.

A run's temporary files (executed notebooks, kernel sockets and connection files with their
HMAC key, bytecode caches) all go under ``<tmp>/strategy-kit-<uid>/run-<pid>-<random>/``. The
first folder is the user's own (mode 0700, checked to be no link and to be owned by them), so
no other user can read a kernel's key or plant a file; each run's folder is removed when the
process exits, and the folders of processes that no longer run (killed with ``kill -9``, a
power cut) are removed by the next run that starts.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

__all__ = ["private_dir", "private_mkdtemp", "sweep_stale"]

_RUN_PREFIX = "run-"
_mine: dict[int, Path] = {}  # by pid: a forked child must not reuse (and delete) its parent's


#: A kernel's Unix socket path must fit in 107 bytes: a longer temporary folder than this
#: (a deep $TMPDIR) is replaced by /tmp for the run's folder.
_MAX_ROOT = 60


def _base() -> Path:
    root = tempfile.gettempdir()
    if len(root) > _MAX_ROOT and os.path.isdir("/tmp"):
        root = "/tmp"
    base = Path(root) / f"strategy-kit-{os.getuid()}"
    try:
        base.mkdir(mode=0o700)
    except FileExistsError:
        pass
    st = os.lstat(base)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        # someone else's folder, or a link planted there: use a fresh folder of our own
        return Path(tempfile.mkdtemp(prefix=f"strategy-kit-{os.getuid()}-"))
    if stat.S_IMODE(st.st_mode) != 0o700:
        os.chmod(base, 0o700)
    return base


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(base: Path | None = None) -> list[Path]:
    """Remove the run folders of processes that no longer run; return them."""
    base = base or _base()
    removed = []
    for p in base.glob(f"{_RUN_PREFIX}*"):
        try:
            pid = int(p.name[len(_RUN_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def _remove(path: Path, pid: int) -> None:
    if os.getpid() == pid:  # not in a forked child that inherited the handler
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):  # the user's folder too, when no other run uses it
            path.parent.rmdir()


def private_dir() -> Path:
    """The process's private temporary folder (created, and stale ones swept, on first use)."""
    pid = os.getpid()
    path = _mine.get(pid)
    if path is None or not path.is_dir():
        for attempt in range(3):  # another run may remove the empty user folder meanwhile
            base = _base()
            sweep_stale(base)
            try:
                path = Path(tempfile.mkdtemp(prefix=f"{_RUN_PREFIX}{pid}-", dir=base))
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
        assert path is not None
        _mine[pid] = path
        atexit.register(_remove, path, pid)
    return path


def private_mkdtemp(prefix: str) -> str:
    """A new folder inside :func:`private_dir` (``tempfile.mkdtemp`` there)."""
    return tempfile.mkdtemp(prefix=prefix, dir=private_dir())
