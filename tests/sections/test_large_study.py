"""A report and an overview of 2,000 audiences: every figure capped, the work done once.

Issue 23: the overview of 5,000 audiences did not finish in 18 minutes (a label placement
over every audience, a Spectrum listing every name, each goal's robustness drawing its own
noise). Here the reports' sections run in-process, as the notebooks run them, and what they
display is collected: no figure names more than the top ``MAX_ROWS`` audiences (plus the
report's own), and the robustness noise of an overview is drawn once per draw for every goal.
Timings are in benchmarks/bench_large.py, not here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from large_case import write_large_case

import strategy_kit as sk
from strategy_kit.model import robustness
from strategy_kit.plots.style import MAX_ROWS
from strategy_kit.sections import display
from strategy_kit.sections.common import robustness_draws

N = 2000
START = "2026-01-01"
PLOTLY = "application/vnd.plotly.v1+json"
OVERVIEW = ["show_portfolio_title", "show_portfolio_summary", "show_heatmap",
            "show_influence_fit", "show_calendar", "show_ally_leverage", "show_disagreement",
            "show_portfolio_coverage", "show_rank_stability", "show_workshop_advice",
            "show_open_questions", "show_scenarios", "show_method", "show_provenance"]
AUDIENCE = ["show_title", "show_summary", "show_why", "show_when", "show_measured", "show_how",
            "show_with_whom", "show_what_to_say", "show_crisis", "show_plan_coverage",
            "show_disagreement", "show_robustness", "show_workshop_advice",
            "show_open_questions", "show_method", "show_provenance"]


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("large") / "synthetic"
    return sk.load_case(write_large_case(folder, N, interests=40, goals=3, moments=15))


def _shown(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the sections display, as the kernel would send it."""
    out: list[dict[str, Any]] = []
    monkeypatch.setattr(display, "display", lambda obj, **kw: out.append(obj))
    return out


def _figures(shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b[PLOTLY] for b in shown if isinstance(b, dict) and PLOTLY in b]


def _audiences_named(fig: dict[str, Any]) -> set[str]:
    """The numbers of the audiences a figure names (a name may be wrapped, bold, underlined)."""
    return set(re.findall(r"Synthetic audience(?:\s|<br>|</?[bu]>)*(\d+)", json.dumps(fig)))


def test_an_overview_of_a_large_case_draws_the_top_audiences_once_per_draw(
        case, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    real = robustness.noise
    monkeypatch.setattr(robustness, "noise",
                        lambda *a: made.append(a[2]) or real(*a))  # type: ignore[func-returns-value]
    study = sk.study_portfolio(case, "all", START)
    assert sum(made) == robustness_draws(case), "one noise draw serves the three goals"
    shown = _shown(monkeypatch)
    for name in OVERVIEW:
        getattr(sk, name)(study)
    figures = _figures(shown)
    assert len(figures) >= 6
    for fig in figures:
        named = _audiences_named(fig)
        per_goal = fig["layout"].get("title", {}).get("text", "").startswith("Spectrum")
        assert len(named) <= MAX_ROWS * (3 if per_goal else 1), (fig["layout"], len(named))
    captions = [a.get("text", "") for f in figures for a in f["layout"].get("annotations", [])]
    more = [t for t in captions if "more audiences not shown" in t]
    assert any(t.startswith(f"The top {MAX_ROWS} shown for each goal;") for t in more), \
        "the Spectrum of Allies"
    assert f"The top {MAX_ROWS} shown; {N - MAX_ROWS:,} more audiences not shown." in more, \
        "the influence–fit grid"


def test_an_audience_report_of_a_large_case_keeps_its_audience_in_every_figure(
        case, monkeypatch: pytest.MonkeyPatch) -> None:
    study = sk.study_audience(case, "aud-01000", "goal-2", START)
    shown = _shown(monkeypatch)
    for name in AUDIENCE:
        getattr(sk, name)(study)
    figures = _figures(shown)
    titles = {f["layout"].get("title", {}).get("text", ""): f for f in figures}
    for fig in figures:
        assert len(_audiences_named(fig)) <= MAX_ROWS + 1
    spectrum = titles["Spectrum of Allies for this goal"]
    assert "1000" in _audiences_named(spectrum), "the report's audience, wherever it ranks"
    assert any("(and the report's audience)" in a.get("text", "")
               for a in spectrum["layout"]["annotations"])
    assert "1000" in _audiences_named(titles["Priority of the top audiences for this goal"])
