"""Control sequences in names never reach the terminal or a calendar file (issue 23.7).

Window-title (OSC 0) and clipboard-write (OSC 52) sequences, a screen clear and a bell in a
case's names and folder name are printed escaped by ``calendar``, ``agreement``, ``brief`` and
``ratings sheets``, and an ICS file holds no control character (RFC 5545).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from strategy_kit.cli import cli

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
OSC = "\x1b]0;pwned\x07\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\x9b1m"
FOLDER = "ws\x1b]0;title\x07"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _clean(text: str) -> None:
    for ch in ("\x1b", "\x07", "\x9b"):
        assert ch not in text, repr(text[:300])


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """The workshop case (with its ratings) in a folder whose name and names hold escapes."""
    target = tmp_path / FOLDER
    shutil.copytree(WORKSHOP, target)
    for table in ("audiences", "goals"):
        df = pd.read_csv(target / f"{table}.csv", dtype=str, keep_default_na=False)
        df["name"] = df["name"] + OSC
        df.to_csv(target / f"{table}.csv", index=False)
    return target


def test_agreement_prints_no_escape(case: Path) -> None:
    for args in ((), ("--csv",)):
        result = run("agreement", str(case), "--start", "2025-01-01", *args)
        assert result.exit_code == 0, result.output
        _clean(result.output)
        assert "\\x1b]0;pwned\\x07" in result.output or "\\x1b" in result.output


def test_brief_and_ratings_sheets_print_paths_escaped(case: Path, tmp_path: Path) -> None:
    result = run("brief", str(case), "--audience", "mps", "--goal", "release", "--out",
                 str(tmp_path / f"out{OSC}"))
    assert result.exit_code == 0, result.output
    _clean(result.output)
    assert "\\x1b]0;title\\x07" in result.output
    result = run("ratings", "sheets", str(case), "--raters", "2",
                 "--out", str(tmp_path / f"sheets{OSC}"))
    assert result.exit_code == 0, result.output
    _clean(result.output)


def test_calendar_message_and_file_without_control_characters(case: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "c.ics"
    result = run("calendar", str(case), "--audience", "mps", "--goal", "release", "--start",
                 "2025-01-01", "--out", str(out))
    assert result.exit_code == 0, result.output
    _clean(result.output)
    data = out.read_bytes().decode("utf-8")
    assert not [c for c in data if (ord(c) < 32 and c not in "\r\n\t") or 0x7f <= ord(c) < 0xa0]
    assert "]0\\;pwned" in data.replace("\r\n ", "")  # the rest of the name, inert text
    # nothing to export: the message names the audience, escaped
    result = run("calendar", str(case), "--audience", "mps", "--goal", "release", "--start",
                 "2025-01-01", "--days", "1", "--threshold", "1", "--out", str(tmp_path / "e.ics"))
    _clean(result.output)
    assert result.exit_code == 0 and "nothing to export" in result.output, result.output


def test_errors_print_escaped(case: Path) -> None:
    result = run("report", str(case), "--audience", f"mps{OSC}", "--goal", "release")
    assert result.exit_code == 2
    _clean(result.output)
