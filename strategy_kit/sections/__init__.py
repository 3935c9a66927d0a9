"""What a report says: display helpers and each section, used by the notebooks and the explorer.

``display`` shows figures, tables and text so that they survive export; ``audience``,
``portfolio`` and ``measured`` are the three report notebooks' cells; ``advice``, ``common``
and ``disagree`` are the sections they share.

The notebooks' helpers form one namespace, ``strategy_kit.sections`` (``sk.sections.show_summary``,
``sk.sections.study_audience``…): each is imported from its module on first use. The same
names at the top of the package (``sk.show_summary``) are kept as aliases.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Every public ``show_*`` and ``study_*`` helper, with the study classes, by module.
HELPERS: dict[str, str] = {
    **dict.fromkeys(["show_figure", "show_html", "show_list", "show_table", "show_text"],
                    "display"),
    **dict.fromkeys(["AudienceStudy", "study_audience", "show_title", "show_summary", "show_why",
                     "show_when", "show_how", "show_with_whom", "show_what_to_say",
                     "show_plan_coverage", "show_measured", "show_robustness"], "audience"),
    **dict.fromkeys(["PortfolioStudy", "study_portfolio", "show_portfolio_title", "show_heatmap",
                     "show_influence_fit", "show_calendar", "show_ally_leverage",
                     "show_portfolio_coverage", "show_rank_stability", "show_portfolio_summary"],
                    "portfolio"),
    **dict.fromkeys(["show_open_questions", "show_method", "show_provenance",
                     "show_workshop_advice"], "common"),
    **dict.fromkeys(["show_disagreement"], "disagree"),
    **dict.fromkeys(["show_crisis"], "crisis"),
    **dict.fromkeys(["show_scenarios", "show_scenario_note"], "scenarios"),
    **dict.fromkeys(["ComparisonStudy", "study_comparison", "show_comparison_title",
                     "show_changes", "show_differing_cells"], "compare"),
    **dict.fromkeys(["AttentionStudy", "study_attention", "show_attention_title",
                     "show_measured_attention", "show_spikes", "show_half_lives",
                     "show_half_life_note"], "measured"),
}

__all__ = ["HELPERS", *sorted(HELPERS)]


def __getattr__(name: str) -> Any:
    if name in HELPERS:
        value = getattr(importlib.import_module(f".{HELPERS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'strategy_kit.sections' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
