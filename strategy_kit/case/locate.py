"""Find a case: a folder path, a workbook (``.xlsx``, ``.ods``), or a name under ``data/``.

Standard library only, so that the command line's cheap checks can use it before pandas loads.
"""

from __future__ import annotations

from pathlib import Path

from .. import config
from ..errors import CaseNotFoundError

__all__ = ["WORKBOOK_SUFFIXES", "case_folder", "is_workbook", "list_cases", "resolve_case_path"]

#: The spreadsheet files a case may be (python-calamine reads them all).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def is_workbook(path: Path) -> bool:
    """Whether ``path`` names a spreadsheet file rather than a case folder."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def case_folder(path: Path) -> Path:
    """The folder of a case: itself, or the folder a workbook is in (its ``attention/``)."""
    return path.parent if is_workbook(path) else path


def _folder_workbook(folder: Path) -> Path | None:
    """The single ``case.xlsx``/``case.ods`` of a folder that has no ``case.yaml``."""
    if (folder / "case.yaml").is_file():
        return None
    found = [folder / f"case{s}" for s in WORKBOOK_SUFFIXES if (folder / f"case{s}").is_file()]
    return found[0] if len(found) == 1 else None


def list_cases(data_dir: Path | None = None) -> list[str]:
    """Names of the case folders under ``data/``."""
    base = Path(data_dir or config.DATA_DIR)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir()
                  if (p / "case.yaml").is_file() or (p.is_dir() and _folder_workbook(p))
                  or (p.is_file() and is_workbook(p)))


def resolve_case_path(name_or_path: str | Path) -> Path:
    """Find a case: a folder or workbook path, or the name of one under ``data/``.

    A folder holding a single ``case.xlsx`` or ``case.ods`` (and no ``case.yaml``) is that
    workbook.
    """
    p = Path(name_or_path).expanduser()
    for candidate in (p, config.DATA_DIR / str(name_or_path)):
        if candidate.is_dir():
            return (_folder_workbook(candidate) or candidate).resolve()
        if candidate.is_file() and is_workbook(candidate):
            return candidate.resolve()
    raise CaseNotFoundError(str(name_or_path), list_cases())
