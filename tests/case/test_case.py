"""The case loader: a valid case loads typed and immutable; every bad input is reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from strategy_kit import CaseError, CaseNotFoundError, StrategyKitError, config, load_case
from strategy_kit.cli import cli


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CaseError) as info:
        load_case(path)
    assert isinstance(info.value, ValueError) and isinstance(info.value, StrategyKitError)
    return [str(p) for p in info.value.problems]


def cli_rejects(path: Path, expected: str) -> None:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert expected in result.output


# -- a valid case -----------------------------------------------------------------------------


def test_template_loads_with_typed_columns() -> None:
    case = load_case(config.TEMPLATE_CASE_DIR)
    assert case.title == "Example campaign"
    assert case.audiences["influence"].dtype == float
    assert pd.api.types.is_datetime64_any_dtype(case.moments["start"])
    assert pd.isna(case.moments.loc[0, "end"])
    assert case.actions.loc[0, "allies"] == ("rights-ngos",)
    assert case.weights == {"fit": 0.4, "influence": 0.3, "timing": 0.3}
    assert case.guidance["open_questions"][0]["options"] == ("One voice", "Many voices")
    assert len(case.data_hash) == 12


def test_case_cannot_be_mutated_by_callers() -> None:
    case = load_case(config.TEMPLATE_CASE_DIR)
    frame = case.audiences
    frame.loc[0, "influence"] = 0.0
    frame["extra"] = 1
    assert case.audiences.loc[0, "influence"] == 0.8
    assert "extra" not in case.audiences
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        case.weights["fit"] = 1.0  # type: ignore[index]


def test_optional_actions_file_may_be_absent(template_copy: Path) -> None:
    (template_copy / "actions.csv").unlink()
    (template_copy / "guidance.yaml").unlink()
    case = load_case(template_copy)
    assert case.actions.empty and "audience" in case.actions
    assert case.guidance["pitfalls"] == ()


def test_utf8_bom_is_accepted(template_copy: Path) -> None:
    p = template_copy / "audiences.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    assert load_case(template_copy).audiences.columns[0] == "id"


def test_case_by_name_and_unknown_name() -> None:
    with pytest.raises(CaseNotFoundError, match="no case 'no-such-case'"):
        load_case("no-such-case")


def test_cli_validate_passes_on_template() -> None:
    result = CliRunner().invoke(cli, ["validate", str(config.TEMPLATE_CASE_DIR)])
    assert result.exit_code == 0, result.output
    assert "ok:" in result.output


# -- every bad-input kind, with its exact message ---------------------------------------------

BAD = [
    pytest.param(
        "audiences.csv", "lawmakers,Members of parliament,Decision makers,0.8",
        "lawmakers,Members of parliament,Decision makers,high",
        "audiences.csv, row 2, column 'influence': bad value (got 'high'); "
        "allowed: a number from 0 to 1",
        id="non-numeric score",
    ),
    pytest.param(
        "audiences.csv", "Decision makers,0.8", "Decision makers,1.5",
        "audiences.csv, row 2, column 'influence': bad value (got '1.5'); "
        "allowed: a number from 0 to 1",
        id="out-of-range score",
    ),
    pytest.param(
        "moments.csv", "2025-02-14,2025-02-16", "2025-02-30,",
        "moments.csv, row 3, column 'start': bad value (got '2025-02-30'); "
        "allowed: a date that exists, written YYYY-MM-DD",
        id="bad date",
    ),
    pytest.param(
        "moments.csv", "2025-02-14,2025-02-16", "2025-02-14,2025-02-10",
        "moments.csv, row 3, column 'end': end is before start (got '2025-02-10'); "
        "allowed: a date on or after 2025-02-14",
        id="end before start",
    ),
    pytest.param(
        "moments.csv", "anniversary,2024-12-10", "holiday,2024-12-10",
        "moments.csv, row 2, column 'kind': bad value (got 'holiday'); "
        "allowed: one of crisis, event, anniversary",
        id="unknown enum value",
    ),
    pytest.param(
        "audiences.csv", "journalists,Foreign-desk", "lawmakers,Foreign-desk",
        "audiences.csv, row 3, column 'id': duplicate id (got 'lawmakers'); "
        "allowed: each id once in the table",
        id="duplicate id",
    ),
    pytest.param(
        "goals.csv", "release-prisoners,", "Release Prisoners,",
        "goals.csv, row 2, column 'id': bad value (got 'Release Prisoners'); allowed: a "
        "lowercase id: a-z, 0-9, '_' and '-', starting with a letter or digit",
        id="invalid id characters",
    ),
    pytest.param(
        "format_audiences.csv", "briefing,journalists,0.4", "briefing,journalist,0.4",
        "format_audiences.csv, row 3, column 'audience': no audience 'journalist' in "
        "audiences.csv (got 'journalist'); allowed: an id from audiences.csv; "
        "did you mean 'journalists'?",
        id="dangling reference",
    ),
    pytest.param(
        "actions.csv", "briefing,rights-ngos", "briefing,rights-ngos;unionz",
        "actions.csv, row 2, column 'allies': no ally 'unionz' in allies.csv (got 'unionz'); "
        "allowed: an id from allies.csv; did you mean 'unions'?",
        id="dangling reference in a list",
    ),
    pytest.param(
        "audiences.csv", "id,name,group,influence", "id,name,group,influense",
        "audiences.csv, row 1: missing column 'influence'; allowed: columns id, name, group, "
        "influence; did you mean 'influense'?",
        id="missing column",
    ),
    pytest.param(
        "audience_interests.csv", "journalists,stories,0.9,\njournalists,rights,0.6,\n", "",
        "audiences.csv, row 3, column 'id': audience 'journalists' has no interests (got "
        "'journalists'); allowed: at least one row in audience_interests.csv with weight above 0",
        id="audience with no interests",
    ),
    pytest.param(
        "goal_interests.csv", "rights,0.9", "rights,0",
        None, id="goal still has interests",
    ),
    pytest.param(
        "case.yaml", "  influence: 0.3", " influence: 0.3",
        "case.yaml, line 9: not valid YAML",
        id="malformed case.yaml",
    ),
    pytest.param(
        "case.yaml", "  fit: 0.4", "  fitt: 0.4",
        "case.yaml, column 'weights': unknown weight 'fitt'; allowed: fit, influence, timing; "
        "did you mean 'fit'?",
        id="unknown weight in case.yaml",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), BAD)
def test_bad_input_is_reported_exactly(edit, file: str, old: str, new: str,
                                       expected: str | None) -> None:
    path = edit(file, old, new)
    if expected is None:
        load_case(path)  # still valid: the goal keeps other interests
        return
    found = problems_of(path)
    assert any(expected in p for p in found), "\n".join(found)
    cli_rejects(path, expected)


def test_goal_with_no_interests(edit) -> None:
    path = edit("goal_interests.csv", "rights,0.9", "rights,0")
    path = edit("goal_interests.csv", "stories,0.7", "stories,0")
    path = edit("goal_interests.csv", "security,0.3", "security,0")
    expected = ("goals.csv, row 2, column 'id': goal 'release-prisoners' has no interests")
    assert any(expected in p for p in problems_of(path))
    cli_rejects(path, expected)


def test_missing_file(template_copy: Path) -> None:
    (template_copy / "frames.csv").unlink()
    found = problems_of(template_copy)
    assert "frames.csv: the file is missing; allowed: a CSV file" in found
    # the links to frames cannot be checked without it, but everything else still is
    cli_rejects(template_copy, "frames.csv: the file is missing")


def test_empty_table(template_copy: Path) -> None:
    (template_copy / "allies.csv").write_text("id,name,kind,description,source\n")
    found = problems_of(template_copy)
    assert "allies.csv: the table has no rows; allowed: at least one row" in found
    cli_rejects(template_copy, "allies.csv: the table has no rows")


def test_not_utf8(template_copy: Path) -> None:
    p = template_copy / "audiences.csv"
    latin1 = "Auslandsredaktion für".encode("latin-1")
    p.write_bytes(p.read_bytes().replace(b"Foreign-desk", latin1))
    found = problems_of(template_copy)
    assert ("audiences.csv, row 3: the file is not UTF-8 text (byte 0xfc on line 3); "
            "allowed: UTF-8; in a spreadsheet, save as 'CSV UTF-8'") in found
    cli_rejects(template_copy, "audiences.csv, row 3: the file is not UTF-8 text")


def test_semicolon_delimited(template_copy: Path) -> None:
    p = template_copy / "interests.csv"
    p.write_text(p.read_text().replace(",", ";"))
    found = problems_of(template_copy)
    assert any(
        "interests.csv, row 1: the columns are separated by ';', as some spreadsheets save CSV"
        in x for x in found
    ), found
    cli_rejects(template_copy, "separated by ';'")


def test_decimal_comma_names_the_row(edit) -> None:
    path = edit("audiences.csv", "Decision makers,0.8", "Decision makers,0,8")
    found = problems_of(path)
    assert ("audiences.csv, row 2: this row has 9 values but the header has 8 columns; "
            "allowed: one value per column: write decimals with a point (0.5, not 0,5) and put "
            "text that contains commas in double quotes") in found, found
    cli_rejects(path, "write decimals with a point")


def test_every_problem_is_collected(edit) -> None:
    edit("audiences.csv", "Decision makers,0.8", "Decision makers,2")
    edit("moments.csv", "anniversary,2024-12-10", "festival,2024-12-10")
    path = edit("ally_audiences.csv", "unions,lawmakers", "unions,lawmaker")
    found = problems_of(path)
    assert len(found) == 3, found
    with pytest.raises(CaseError, match="has 3 problems"):
        load_case(path)
