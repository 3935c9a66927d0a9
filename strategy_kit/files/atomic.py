"""One atomic writer for every output: whole or not at all, and the earlier file survives.

Each output is written to a temporary file (or folder) in its destination's folder, flushed to
the disk (``fsync``) and renamed over the destination: a reader sees the old file or the new,
never half of one, and a failed write (a full disk, a kill) leaves the earlier file as it was.
A written file gets the permissions the user's umask allows (``0666 & ~umask``; folders
``0777 & ~umask``), as any program's; a file replaced keeps its own (a calendar made private
stays private). Faults become one sentence (``faults``).

Standard library only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import WriteError
from .faults import fault, writing

__all__ = ["atomic_path", "umask", "write_atomically"]


def umask() -> int:
    """The process's umask (read without changing it for longer than a moment)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync(path: Path) -> None:
    if path.is_dir():
        for here, _, files in os.walk(path):
            for f in files:
                _fsync_file(Path(here) / f)
    else:
        _fsync_file(path)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _chmod(path: Path, folder: bool, replaced: Path | None = None) -> None:
    """What the umask allows: a temporary file is private (0600) until then.

    A file that replaces another keeps the other's permissions (a calendar made private
    stays private). A folder's own files were created by its writer, with the umask already.
    """
    if replaced is not None and not folder and replaced.is_file():
        os.chmod(path, replaced.stat().st_mode & 0o777)
        return
    os.chmod(path, (0o777 if folder else 0o666) & ~umask())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


@contextlib.contextmanager
def atomic_path(dest: str | Path, *, folder: bool = False,
                replace: bool = True) -> Iterator[Path]:
    """A temporary path beside ``dest`` for a writer that needs a path; renamed when done.

    ``folder``: the block makes a folder there (the path does not exist yet); else a file (an
    empty file exists; the writer may replace it). ``replace``: an existing ``dest`` file is
    replaced; with False a ``dest`` that appears meanwhile (another run) is never overwritten
    and the block's result is dropped with a :class:`WriteError`. On any failure the
    temporary path is removed and ``dest`` is left as it was.
    """
    dest = Path(dest).expanduser().absolute()
    created = [p for p in dest.parents if not os.path.lexists(p)]  # the deepest first
    holder: Path | None = None
    try:
        if os.path.islink(dest) and not os.path.exists(dest):
            raise fault(OSError(2, "dangling"), dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if folder:
            holder = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp",
                                           dir=dest.parent))
            tmp = holder / dest.name
        else:
            # the same extension: a writer may choose its format by it (.xlsx, .ods)
            fd, name = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=f".tmp{dest.suffix}",
                                        dir=dest.parent)
            os.close(fd)
            holder = tmp = Path(name)
        yield tmp
        with writing(dest):
            _fsync(tmp)
            _chmod(tmp, folder, dest if replace else None)
            if folder:
                os.rename(tmp, dest)  # refuses an existing folder that is not empty
            elif replace:
                os.replace(tmp, dest)
            else:
                _link(tmp, dest)  # refuses an existing file: no run overwrites another's
            with contextlib.suppress(OSError):  # the rename itself reaches the disk
                dfd = os.open(dest.parent, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
    except BaseException as e:
        if holder is not None:
            _remove(holder)
        for p in created:  # the folders made for it, when nothing else went in meanwhile
            with contextlib.suppress(OSError):
                p.rmdir()
        if isinstance(e, WriteError) or not isinstance(e, Exception):
            raise
        if isinstance(e, OSError):
            raise fault(e, dest) from None
        # a writer's own error around an OSError (XlsxWriter's, odfpy's)
        cause = e.args[0] if e.args and isinstance(e.args[0], OSError) else e.__context__
        if isinstance(cause, OSError):
            raise fault(cause, dest) from None
        raise
    _remove(holder)  # an emptied folder, or a file's second name (replace=False)


def _link(tmp: Path, dest: Path) -> None:
    """Put ``tmp`` at ``dest`` unless ``dest`` exists (a hard link; a rename where none)."""
    try:
        os.link(tmp, dest)
    except OSError as e:
        if e.errno == errno.EEXIST or os.path.lexists(dest):
            raise
        os.rename(tmp, dest)  # a file system without hard links: checked just before


def write_atomically(path: str | Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text is encoded) to ``path`` atomically; return the path."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        with writing(path):
            tmp.write_bytes(raw)
    return Path(path).expanduser().absolute()
