"""The command line of docs/cli.md: output, exit codes, and nothing written on bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from strategy_kit import config, load_case
from strategy_kit.cli import cli
from strategy_kit.model.scoring import score_priority


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_scores_table_and_csv_match_the_engine() -> None:
    result = run("scores", "belarus", "--goal", "end-terror", "--start", "2027-01-01", "--csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output))
    assert list(table.columns) == ["audience", "goal", "fit", "influence", "timing", "priority",
                                   "rank", "role", "stance", "ask_rank", "move", "reaches"]
    # issue 19: movers are never ranked among whom to ask, and say whom they reach
    movers = table[table["role"] == "moves"]
    assert (movers["ask_rank"] == 0).all()
    assert movers.set_index("audience").at["media", "reaches"].startswith("key-governments")
    engine = score_priority(load_case("belarus"), goal="end-terror", start="2027-01-01")
    assert list(table["audience"]) == list(engine["audience"])
    assert table["priority"].to_numpy() == pytest.approx(engine["priority"].to_numpy(), abs=1e-4)
    ranks = list(table["rank"])  # audiences without a reason to care share the last rank
    assert ranks[0] == 1 and ranks == sorted(ranks) and list(engine["rank"]) == ranks
    text = run("scores", "--case", "belarus", "--days", "90", "--start", "2027-01-01")
    assert text.exit_code == 0 and "priority" in text.output.splitlines()[0]


@pytest.mark.parametrize(("args", "message"), [
    (["scores", "--goal", "end-teror"], "unknown goal 'end-teror'; did you mean 'end-terror'?"),
    (["scores", "--start", "1 March"], "bad start '1 March': expected a date written YYYY-MM-DD"),
    (["scores", "--days", "0x"], "Invalid value for '--days'"),
    (["scores", "belarsu"],
     "no case 'belarsu': neither a folder nor a case under data/; did you mean 'belarus'?"),
    (["list", "nowhere"], "no case 'nowhere'"),
    (["scores", "belarus", "--case", "other"], "bad case"),
])
def test_bad_input_exits_2_with_choices(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_list_shows_ids_and_names() -> None:
    result = run("list")
    assert result.exit_code == 0
    assert "Audiences (12)" in result.output and "media" in result.output
    assert "Goals (9)" in result.output and "Moments (" in result.output


def test_new_case_creates_a_valid_case_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "my-campaign"
    result = run("new-case", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "case.yaml").exists() and load_case(target).title == "Example campaign"
    assert run("validate", str(target)).exit_code == 0
    again = run("new-case", str(target))
    assert again.exit_code == 2 and "a folder that does not exist yet" in again.output
    bad = run("new-case", str(tmp_path / "My Campaign"))
    assert bad.exit_code == 2 and "lowercase id" in bad.output
    assert not (tmp_path / "My Campaign").exists()


def test_template_and_belarus_validate() -> None:
    for case in ("belarus", str(config.TEMPLATE_CASE_DIR)):
        result = run("validate", case)
        assert result.exit_code == 0, result.output


def test_calendar_writes_ics_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "media.ics"
    ok = run("calendar", "--audience", "media", "--start", "2027-01-01", "--out", str(out))
    assert ok.exit_code == 0, ok.output
    assert out.read_text().startswith("BEGIN:VCALENDAR")
    bad = run("calendar", "--audience", "medai", "--out", str(tmp_path / "x.ics"))
    assert bad.exit_code == 2 and "did you mean 'media'?" in bad.output
    assert not (tmp_path / "x.ics").exists()


def test_calendar_threshold_and_an_empty_export(tmp_path: Path) -> None:
    out = tmp_path / "media.ics"
    runner = CliRunner()
    empty = runner.invoke(cli, ["calendar", "--audience", "media", "--start", "2027-01-01",
                                "--threshold", "0.99", "--out", str(out)])
    assert empty.exit_code == 0, empty.output
    assert empty.stdout == ""
    assert "nothing to export for media" in empty.stderr
    assert "below the window threshold 0.99" in empty.stderr and "No file written" in empty.stderr
    assert not out.exists()
    wide = runner.invoke(cli, ["calendar", "--audience", "media", "--start", "2027-01-01",
                               "--threshold", "50%", "--out", str(out)])
    assert wide.exit_code == 0 and out.exists()
    narrow = tmp_path / "narrow.ics"
    runner.invoke(cli, ["calendar", "--audience", "media", "--start", "2027-01-01",
                        "--threshold", "95%", "--out", str(narrow)])
    assert out.read_text().count("BEGIN:VEVENT") >= narrow.read_text().count("BEGIN:VEVENT")
    bad = runner.invoke(cli, ["calendar", "--audience", "media", "--threshold", "high",
                              "--out", str(tmp_path / "bad.ics")])
    assert bad.exit_code == 2 and "bad threshold 'high'" in bad.output


@pytest.mark.parametrize("command", [
    ["report", "--audience", "media", "--goal", "end-terror"],
    ["overview"],
    ["batch", "--audiences", "media", "--goals", "end-terror"],
])
def test_a_bad_threshold_stops_reports_before_they_run(command: list[str],
                                                       tmp_path: Path) -> None:
    result = run(*command, "--threshold", "150%", "--out", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "threshold" in result.output and "150%" in result.output
    assert not list(tmp_path.rglob("*.html"))


def test_the_threshold_reaches_the_report_notebook(tmp_path: Path) -> None:
    from strategy_kit.reports.render import audience_job, overview_job
    from strategy_kit.sections.audience import study_audience

    job = audience_job("belarus", "media", "end-terror", "2027-01-01", None, tmp_path, "70%")
    assert job.parameters["threshold"] == "70%"
    assert "threshold" not in audience_job("belarus", "media", "end-terror", "2027-01-01",
                                           None, tmp_path).parameters
    assert overview_job("belarus", None, "2027-01-01", None, tmp_path, "0.4") \
        .parameters["threshold"] == "0.4"
    s = study_audience("belarus", "media", "end-terror", "2027-01-01", 0, "70%")
    assert s.rule.rule == "relative" and s.rule.share == 0.7
    assert s.parameters["windows"] == "70% of peak (floor 0.05)"
    default = study_audience("belarus", "media", "end-terror", "2027-01-01", 0, "")
    assert default.rule.share == 0.8
    assert (s.windows["end"] - s.windows["start"]).sum() \
        >= (default.windows["end"] - default.windows["start"]).sum()
