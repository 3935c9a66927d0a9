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


# -- output locations -------------------------------------------------------------------------


@pytest.fixture
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a kernel or a batch worker starts: the checks must come first."""
    from strategy_kit.batch import command as batch
    from strategy_kit.run import session

    def started(*a: object, **k: object) -> None:
        raise AssertionError("a kernel started before the output location was checked")

    monkeypatch.setattr(session.KernelSession, "launch", started)
    monkeypatch.setattr(batch, "run_batch", started)


def _unwritable_folder(tmp_path: Path) -> Path:
    import os

    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if Path("/sys/kernel").is_dir():  # root may write anywhere but to a read-only file system
        return Path("/sys/kernel")
    pytest.skip("no read-only folder for root here")


REPORT = ["report", "--audience", "media", "--goal", "end-terror", "--start", "2027-01-01"]
BATCH = ["batch", "--audiences", "media", "--goals", "end-terror", "--start", "2027-01-01"]


@pytest.mark.parametrize("command", [REPORT, BATCH, ["overview", "--start", "2027-01-01"]])
@pytest.mark.parametrize("where", ["under a file", "a file", "read-only"])
def test_an_unwritable_out_is_exit_2_before_any_kernel(command: list[str], where: str,
                                                       tmp_path: Path, no_kernel: None) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    out = {"under a file": a_file / "reports", "a file": a_file,
           "read-only": _unwritable_folder(tmp_path)}[where]
    result = run(*command, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    why = {"under a file": f"{a_file} is a file, not a folder", "a file": "is a file",
           "read-only": "permission denied"}[where]
    assert why in result.output and str(out) in result.output
    assert a_file.read_text() == "mine\n"


@pytest.mark.parametrize("where", ["under a file", "read-only"])
def test_calendar_checks_its_file_first(where: str, tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    folder = a_file if where == "under a file" else _unwritable_folder(tmp_path)
    result = run("calendar", "--audience", "media", "--out", str(folder / "media.ics"))
    assert result.exit_code == 2, result.output
    assert "cannot write to --out" in result.output and "Traceback" not in result.output


def test_new_case_never_writes_through_a_dangling_link(tmp_path: Path) -> None:
    target = tmp_path / "campaign"
    target.symlink_to(tmp_path / "elsewhere")
    result = run("new-case", str(target))
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaign"]
    assert not (tmp_path / "elsewhere").exists()


def test_new_case_keeps_a_users_folder_named_like_its_old_temporary(tmp_path: Path) -> None:
    mine = tmp_path / ".campaign.tmp"
    mine.mkdir()
    (mine / "notes.md").write_text("my notes\n")
    result = run("new-case", str(tmp_path / "campaign"))
    assert result.exit_code == 0, result.output
    assert (mine / "notes.md").read_text() == "my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".campaign.tmp", "campaign"]


# -- terminal controls ------------------------------------------------------------------------

ESC_NAME = "Journalists\x1b[2K\x1b[1G\x1b[32mok: all good\x1b[0m\x1b]52;c;ZWNobyBwd25lZA==\x07"


def test_case_text_reaches_the_terminal_with_controls_escaped(template_copy: Path) -> None:
    p = template_copy / "audiences.csv"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("Members of parliament", ESC_NAME.replace("Journalists", "MPs")),
                 encoding="utf-8")
    y = template_copy / "case.yaml"
    y.write_text(y.read_text().replace('"Example campaign"', '"Camp\\e]0;pwned\\aaign"'))
    for command in (["list", str(template_copy)], ["validate", str(template_copy)],
                    ["report", str(template_copy), "--audience", "nobody\x1b[31m",
                     "--goal", "x"]):
        result = run(*command)
        assert "\x1b" not in result.output and "\x07" not in result.output, command
        assert "\\x1b" in result.output, command
    listed = run("list", str(template_copy)).output
    assert ("MPs\\x1b[2K\\x1b[1G\\x1b[32mok: all good\\x1b[0m"
            "\\x1b]52;c;ZWNobyBwd25lZA==\\x07") in listed


# -- the case as first argument ---------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["report", "--audience", "nobody", "--goal", "release-prisoners"],
    ["overview", "--goal", "nobody"],
    ["calendar", "--audience", "nobody", "--out", "x.ics"],
    ["batch", "--audiences", "nobody"],
])
def test_the_case_may_come_first_and_errors_name_it(command: list[str], template_copy: Path,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    first = run(command[0], str(template_copy), *command[1:])
    assert first.exit_code == 2, first.output
    assert "unexpected extra argument" not in first.output
    assert "nobody" in first.output and "looked in case 'example'" in first.output
    same = run(*command, "--case", str(template_copy))
    assert same.exit_code == 2 and "looked in case 'example'" in same.output
    both = run(command[0], str(template_copy), *command[1:], "--case", "belarus")
    assert both.exit_code == 2 and "the case given once" in both.output
    assert [p.name for p in tmp_path.iterdir()] == [template_copy.name], "nothing written"
