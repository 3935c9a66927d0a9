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
