"""Find a case: a folder path, or the name of a case folder under ``data/``.

Standard library only, so that the command line's cheap checks can use it before pandas loads.
"""

from __future__ import annotations

from pathlib import Path

from .. import config
from ..errors import CaseNotFoundError

__all__ = ["list_cases", "resolve_case_path"]


def list_cases(data_dir: Path | None = None) -> list[str]:
    """Names of the case folders under ``data/``."""
    base = Path(data_dir or config.DATA_DIR)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "case.yaml").is_file())


def resolve_case_path(name_or_path: str | Path) -> Path:
    """Find a case: a folder path, or the name of a folder under ``data/``."""
    p = Path(name_or_path).expanduser()
    if p.is_dir():
        return p.resolve()
    under_data = config.DATA_DIR / str(name_or_path)
    if under_data.is_dir():
        return under_data.resolve()
    raise CaseNotFoundError(str(name_or_path), list_cases())
