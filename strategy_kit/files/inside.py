"""A case is its own files: links that leave the case folder, and link loops, are refused.

A case is something people send each other. A table, an ``attention/`` export or a rating
sheet that is a symbolic link to ``/etc/passwd`` or to the recipient's private folder would
otherwise be read, quoted in messages and carried into a workbook or report that is shared
on. Every file a case holds must resolve inside the case folder (a workbook's folders: inside
the folder the workbook is in); a link inside it is fine (docs/security.md).

Standard library only.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

__all__ = ["LINK_LOOP", "LINK_OUT", "CASE_FOLDERS", "links_out", "outside"]

LINK_OUT = ("a link to a file outside the case: links outside the case are not followed, as a "
            "case you receive could otherwise read your files")
LINK_LOOP = "a link loop (a link that leads back to itself or to a folder above it)"
#: The folders of a case the kit reads (in a case folder, or beside a workbook).
CASE_FOLDERS = ("attention", "ratings", "scenarios")


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def outside(path: Path, root: Path) -> str | None:
    """Why ``path`` may not be read as part of the case at ``root``, or None when it may.

    A path that does not exist is not refused here (its reader says it is missing), unless
    it is a link that leads out of the case or round in a loop.
    """
    real_root = os.path.realpath(root)
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return LINK_LOOP
        real = os.path.realpath(path)  # a dangling link: where it would lead
        if not os.path.islink(path):
            return None
    except RuntimeError:  # older Pythons report a loop so
        return LINK_LOOP
    if not _within(real, real_root):
        return LINK_OUT
    if os.path.islink(path) and os.path.isdir(real) and _within(
            os.path.realpath(os.path.dirname(os.path.abspath(path))), real):
        return LINK_LOOP  # a folder link to a folder above it: walking it never ends
    return None


def links_out(root: Path, folders: tuple[str, ...] = CASE_FOLDERS,
              top: bool = True) -> list[tuple[str, str]]:
    """``(relative path, reason)`` of each entry of the case at ``root`` that may not be read.

    ``top``: the entries of ``root`` itself (tables, ``case.yaml``); ``folders``: the folders
    under ``root`` walked whole (without following links; each link is checked).
    """
    found: list[tuple[str, str]] = []
    if top and root.is_dir():
        for entry in sorted(os.scandir(root), key=lambda e: e.name):
            if entry.is_symlink() and entry.name not in folders:
                reason = outside(Path(entry.path), root)
                if reason:
                    found.append((entry.name, reason))
    for name in folders:
        start = root / name
        if not os.path.lexists(start):
            continue
        reason = outside(start, root)
        if reason:
            found.append((name, reason))
            continue
        for here, dirs, files in os.walk(start):
            for n in sorted(dirs + files):
                p = Path(here) / n
                if p.is_symlink():
                    reason = outside(p, root)
                    if reason:
                        found.append((p.relative_to(root).as_posix(), reason))
                        if n in dirs:
                            dirs.remove(n)
    return found
