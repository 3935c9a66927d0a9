"""A report of a large (synthetic) case stays readable: capped figures, counted in captions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from large_case import write_large_case

from strategy_kit.cli import cli
from strategy_kit.plots.style import MAX_ROWS
from strategy_kit.sections.common import ROBUSTNESS_DRAWS, robustness_draws


@pytest.mark.slow
def test_a_large_case_report_draws_the_top_audiences_and_the_chosen_one(tmp_path: Path) -> None:
    case = write_large_case(tmp_path / "synthetic", 120, interests=20, goals=2, moments=10)
    result = CliRunner().invoke(cli, ["report", str(case), "--audience", "aud-00077",
                                      "--goal", "goal-1", "--start", "2026-01-01",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    page = Path(result.output.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert f"The top {MAX_ROWS} shown (and the report" in page
    assert page.count("more audiences not shown") >= 2, "priority bars and rank stability"
    assert "Priority of the top audiences for this goal" in page
    assert "Synthetic audience 77" in page


def test_robustness_draws_shrink_only_for_large_cases(tmp_path: Path) -> None:
    from strategy_kit import load_case

    assert robustness_draws(load_case("belarus")) == ROBUSTNESS_DRAWS
    big = load_case(write_large_case(tmp_path / "big", 2000))
    assert 50 <= robustness_draws(big) < ROBUSTNESS_DRAWS


@pytest.mark.slow
def test_an_overview_of_2000_audiences_renders_with_capped_figures(tmp_path: Path) -> None:
    # issue 23: the overview of 5,000 audiences did not finish in 18 minutes (its time is in
    # benchmarks/bench_large.py); 2,000 audiences render, every figure drawing the top ones
    case = write_large_case(tmp_path / "synthetic", 2000, interests=40, goals=3, moments=15)
    result = CliRunner().invoke(cli, ["overview", str(case), "--start", "2026-01-01",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html = Path(result.output.strip().splitlines()[-1])
    page = html.read_text(encoding="utf-8")
    assert f"The top {MAX_ROWS} shown for each goal; 1,970 more audiences not shown." in page
    assert f"The top {MAX_ROWS} shown; 1,970 more audiences not shown." in page
    assert html.stat().st_size < 5_000_000, "figures capped: the page grows with its tables only"
