"""Hostile and odd input at the command line (issue 12): dates, terminal controls, outputs,
the case as first argument. Every one is exit 2 with a clear message, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_kit.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["scores", "belarus", "--start", "0001-01-01"],
    ["scores", "belarus", "--start", "1899-12-31"],
    ["scores", "belarus", "--start", "9999-12-31"],
    ["calendar", "--audience", "media", "--start", "0001-01-01", "--out", "x.ics"],
    ["report", "--audience", "media", "--goal", "end-terror", "--start", "0001-01-01"],
])
def test_dates_outside_1900_to_2199_are_bad_input(args: list[str], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "expected a date from 1900-01-01 to 2199-12-31" in result.output
    assert not list(tmp_path.iterdir())


def test_a_case_date_before_1900_is_a_problem(edit) -> None:
    case = edit("moments.csv", "2024-12-10", "1850-12-10")
    result = run("validate", str(case))
    assert result.exit_code == 2
    assert "moments.csv, row 2, column 'start': bad value (got '1850-12-10')" in result.output
