"""strategy-kit: score audiences, timing, formats, allies and messages for an advocacy case."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("strategy-kit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from .case import Case, list_cases, load_case
from .display import show_figure, show_html, show_list, show_table, show_text
from .errors import (
    BadParameterError,
    CaseError,
    CaseNotFoundError,
    Problem,
    RunError,
    StrategyKitError,
    UnknownChoiceError,
)
from .sections import *  # noqa: F403  (the report sections: study_*, show_*)
from .sections import __all__ as _sections

__all__ = [*_sections,
    "show_figure",
    "show_html",
    "show_list",
    "show_table",
    "show_text",
    "BadParameterError",
    "Case",
    "CaseError",
    "CaseNotFoundError",
    "Problem",
    "RunError",
    "StrategyKitError",
    "UnknownChoiceError",
    "__version__",
    "list_cases",
    "load_case",
]
