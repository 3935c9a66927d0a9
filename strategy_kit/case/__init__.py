"""The case: its format (``schema``), finding it (``locate``), reading and checking it.

``Case`` and ``load_case`` are imported on first use: finding a case (``resolve_case_path``)
needs only the standard library, so the command line's cheap checks stay cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from .locate import list_cases, resolve_case_path

__all__ = ["Case", "list_cases", "load_case", "resolve_case_path"]


def __getattr__(name: str) -> Any:
    if name in ("Case", "load_case"):
        value = getattr(importlib.import_module(".load", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'strategy_kit.case' has no attribute '{name}'")
