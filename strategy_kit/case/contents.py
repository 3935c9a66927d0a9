"""What a case folder holds: one definition for ``convert``, the explorer's export, any copy.

A case is its tables (``schema.TABLES``), ``case.yaml``, ``guidance.yaml`` and a ``README.md``,
and beside them folders the kit reads: ``attention/`` (measured attention), ``ratings/`` (the
workshop's rating sheets, one workbook or CSV folder per participant), and room for
``scenarios/`` and ``snapshots/``. A workbook case keeps these folders beside the workbook.
A copy takes only these files: never a link (it may point anywhere), never a hidden file or
the lock and temporary files spreadsheets leave (``.~lock.*#``, ``~$*.xlsx``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .schema import TABLES

__all__ = ["CASE_FILES", "PARTS", "Part", "case_files", "copy_parts", "part_files"]

#: The files of a case folder besides its tables.
CASE_FILES = ("case.yaml", "guidance.yaml", "README.md")
#: Names a copy never takes: hidden files (``.DS_Store``, ``.~lock.x.xlsx#``) and Office's
#: owner files (``~$x.xlsx``).
_SKIP = (".", "~$")


@dataclass(frozen=True)
class Part:
    """A folder of a case beside its tables.

    Attributes
    ----------
    name
        The folder's name (``ratings``), in the case folder or beside the workbook.
    suffixes
        The files it holds, by lower-case suffix.
    depth
        1: files in the folder; 2: also files one folder down (a participant's CSV folder).
    copied
        Whether a copy of the case (``convert``, the explorer's export) takes it along.
    about
        What it is, in a few words.
    """

    name: str
    suffixes: tuple[str, ...]
    depth: int
    copied: bool
    about: str


PARTS = (
    Part("attention", (".csv", ".md"), 1, True,
         "measured attention exports (docs/attention.md)"),
    Part("ratings", (".csv", ".xlsx", ".xlsm", ".ods", ".xls", ".md", ".txt"), 2, True,
         "the participants' rating sheets and raters.csv (docs/workshop.md)"),
    Part("scenarios", (".yaml", ".md"), 1, True,
         "alternative values of the case's cells, one file a scenario"),
    # Dated copies of the case: its history stays with it, a copy starts its own.
    Part("snapshots", (".csv", ".yaml", ".xlsx", ".ods", ".md", ".txt"), 3, False,
         "dated copies of the case's tables and ratings"),
)


def _own(path: Path) -> bool:
    return not path.is_symlink() and not path.name.startswith(_SKIP)


def case_files(folder: Path) -> list[Path]:
    """The case's own files at the top of its folder: tables, settings, guidance, README."""
    names = [*CASE_FILES, *(t.file for t in TABLES.values())]
    return [folder / n for n in names if _own(folder / n) and (folder / n).is_file()]


def part_files(folder: Path, p: Part) -> list[Path]:
    """The files of part ``p`` under ``folder`` (the case folder), as the kit would read them.

    Regular files with one of the part's suffixes, at most ``p.depth`` folders down; never
    through a link; hidden and lock files left out.
    """
    root = folder / p.name
    if not _own(root) or not root.is_dir():
        return []
    found, level = [], [root]
    for _ in range(p.depth):
        below = []
        for d in level:
            for f in sorted(d.iterdir()):
                if not _own(f):
                    continue
                if f.is_dir():
                    below.append(f)
                elif f.is_file() and f.suffix.lower() in p.suffixes:
                    found.append(f)
        level = below
    return found


def copy_parts(src: Path, dst: Path) -> list[Path]:
    """Copy the copied parts of case folder ``src`` into ``dst``; return the files written.

    A part that already exists in ``dst`` is left as it is (``convert`` beside a workbook that
    has its own). Files keep their place under the part; nothing is followed through a link.
    """
    written = []
    for p in PARTS:
        if not p.copied or (dst / p.name).exists() or (dst / p.name).is_symlink():
            continue
        for f in part_files(src, p):
            out = dst / f.relative_to(src)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, out, follow_symlinks=False)
            written.append(out)
    return written
