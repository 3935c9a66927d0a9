"""strategy-kit: score audiences, timing, formats, allies and messages for an advocacy case.

The public API is re-exported here; the notebooks' helpers also as one namespace,
``strategy_kit.sections`` (``sk.sections.show_summary`` is ``sk.show_summary``). Heavy
modules (the engine, plots, report sections) are imported on first use, so that
``strategy-kit validate`` and a kernel's first import stay fast.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("strategy-kit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from .errors import (
    BadParameterError,
    CaseError,
    CaseNotFoundError,
    Problem,
    RunError,
    StrategyKitError,
    UnknownChoiceError,
)
from .sections import HELPERS

#: Public names imported on first use, and the module each lives in.
_LAZY: dict[str, str] = {
    **dict.fromkeys(["Case"], "case"),
    **dict.fromkeys(["load_case"], "ratings.load"),  # issue 15: with the raters' medians
    **dict.fromkeys(["list_cases"], "case"),
    **dict.fromkeys(["score_fit", "score_contributions", "score_priority"], "model.scoring"),
    **dict.fromkeys(["score_timing", "attention_drivers"], "model.timing"),
    **dict.fromkeys(["find_windows"], "model.windows"),
    **dict.fromkeys(["recommend_formats", "recommend_allies", "recommend_portfolio_allies",
                     "recommend_messages", "Messages"], "model.recommend"),
    **dict.fromkeys(["score_robustness", "Robustness"], "model.robustness"),
    **dict.fromkeys(["plan_coverage", "Coverage"], "model.coverage"),
    **dict.fromkeys(["plan_preparation"], "model.preparation"),
    # issue 15: many raters (docs/workshop.md)
    **dict.fromkeys(["krippendorff_alpha", "item_agreement", "table_agreement"],
                    "ratings.agreement"),
    **dict.fromkeys(["case_ratings"], "ratings.load"),
    **dict.fromkeys(["Ratings"], "ratings.read"),
    **dict.fromkeys(["participant_case"], "ratings.aggregate"),
    **dict.fromkeys(["write_rating_sheets"], "ratings.sheets"),
    **dict.fromkeys(["plan_disagreements", "Disagreements"], "model.disagreements"),
    # issue 22: comparison (docs/compare.md)
    **dict.fromkeys(["compare_cases", "Comparison"], "model.compare"),
    **dict.fromkeys(["load_version"], "ratings.version"),
    **dict.fromkeys(["crisis_playbook"], "model.crisis"),
    **dict.fromkeys(["load_attention", "find_spikes", "fit_half_life", "spike_half_lives",
                     "AttentionFileError"], "attention"),
    **dict.fromkeys(["calendar_events", "write_calendar"], "calendar"),
    **dict.fromkeys(["Explorer"], "explorer.widgets"),
    **dict.fromkeys(["ExplorerState"], "explorer.state"),
    **dict.fromkeys(["launch_lab"], "explorer.lab"),
    # The notebooks' helpers, also as the namespace strategy_kit.sections (kept as aliases).
    **{name: f"sections.{module}" for name, module in HELPERS.items()},
}

__all__ = [
    "BadParameterError",
    "CaseError",
    "CaseNotFoundError",
    "Problem",
    "RunError",
    "StrategyKitError",
    "UnknownChoiceError",
    "__version__",
    "sections",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name == "sections":  # the show_* and study_* helpers' namespace
        return importlib.import_module(".sections", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'strategy_kit' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(__all__)
