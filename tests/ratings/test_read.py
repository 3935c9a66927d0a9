"""Reading ratings/: bad sheets are named by file, sheet and cell; exit 2 from validate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

import strategy_kit as sk
from strategy_kit.cli import cli
from strategy_kit.ratings.read import ratings_files

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    target = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, target)
    return target


def problems(case: Path) -> str:
    with pytest.raises(sk.CaseError) as e:
        sk.load_case(case)
    return str(e.value)


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
    wb.close()


def test_a_workbook_rater_is_read_like_a_csv_folder(workshop: Path) -> None:
    shutil.rmtree(workshop / "ratings" / "fumiko")
    write_workbook(workshop / "ratings" / "fumiko.xlsx", {
        "Read me": [["Thank you"]],
        "influence": [["id", "name", "influence"], ["mps", "MPs", "medium"],
                      ["press", "Journalists", None], ["business", "B", 0.5]],
        "goal_interests": [["goal", "interest", "strength"], ["release", "security", "high"],
                           ["sanctions", "trade", 0.9]],
    })
    c = sk.load_case(workshop)
    assert c.audiences.set_index("id")["influence"]["mps"] == pytest.approx(0.65)
    assert c.audiences.set_index("id")["influence"]["business"] == pytest.approx(0.45)
    assert len(sk.case_ratings(c).raters) == 6


def test_workbook_problems_name_the_sheet_and_cell(workshop: Path) -> None:
    write_workbook(workshop / "ratings" / "gustav.xlsx", {
        "influence": [["id", "name", "influence"], ["mpss", "MPs", "high"],
                      ["press", "Journalists", "hihg"], ["diaspora", "D", 1.5]],
        "goal_interest": [["goal", "interest", "strength"]],
    })
    text = problems(workshop)
    assert "ratings/gustav.xlsx, sheet 'influence', cell A2, column 'id': unknown audience " \
           "(got 'mpss')" in text and "did you mean 'mps'?" in text
    assert "sheet 'influence', cell C3, column 'influence': not a rating (got 'hihg')" in text
    assert "did you mean 'high'?" in text
    assert "cell C4" in text and "(got '1.5')" in text
    assert "sheet 'goal_interest'" in text and "did you mean 'goal_interests'?" in text


def test_csv_problems_and_folder_problems(workshop: Path) -> None:
    r = workshop / "ratings"
    (r / "aino" / "influence.csv").write_text(
        "id,name,influence\nmps,MPs,low\nmps,MPs,high\n", encoding="utf-8")
    (r / "bjarki" / "goal_interests.csv").write_text(
        "goal,interest,strength\nrelease,trade,high\n", encoding="utf-8")
    (r / "helga").mkdir()
    (r / "helga" / "influence.csv").write_text("id,name,influence\nmps,MPs,\n",
                                               encoding="utf-8")
    (r / "notes.pdf").write_bytes(b"%PDF")
    raters = (r / "raters.csv").read_text(encoding="utf-8")
    raters = raters.replace("emeka,,1,", "emeka,,first,maybe")
    (r / "raters.csv").write_text(raters + "aino,x,1,\nbjarkki,,1,\n", encoding="utf-8")
    text = problems(workshop)
    assert "ratings/aino/influence.csv, row 3, column 'id': this item is rated twice" in text
    assert ("ratings/bjarki/goal_interests.csv, row 2, column 'goal': not a row of "
            "goal_interests.csv (got 'release/trade')") in text
    assert "ratings/helga: this rater rated nothing" in text
    assert "ratings/notes.pdf: not a rating workbook or folder" in text
    assert "ratings/raters.csv, row 8, column 'rater': this rater is listed twice" in text
    assert "did you mean 'bjarki'?" in text
    assert "column 'round': not a round number (got 'first')" in text
    assert "column 'show_name': not yes or no (got 'maybe')" in text
    result = CliRunner().invoke(cli, ["validate", str(workshop)])
    assert result.exit_code == 2 and "rated twice" in result.output


def test_a_rater_twice_and_a_missing_column(workshop: Path) -> None:
    r = workshop / "ratings"
    write_workbook(r / "aino.xlsx", {"influence": [["id", "influence"], ["mps", "low"]]})
    (r / "dagny" / "influence.csv").write_text("id,name,influnce\nmps,MPs,low\n",
                                              encoding="utf-8")
    text = problems(workshop)
    assert "ratings/aino.xlsx: a second rater of this name" in text
    assert "ratings/dagny/influence.csv: the sheet has no column 'influence'" in text
    assert "did you mean 'influnce'?" in text


def test_ratings_are_part_of_the_case_hash(workshop: Path) -> None:
    before = sk.load_case(workshop)
    files = {str(p.relative_to(workshop)) for p in ratings_files(workshop)}
    assert {"ratings/raters.csv", "ratings/aino/influence.csv"} <= files
    f = workshop / "ratings" / "emeka" / "influence.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("mps,Members of parliament,high",
                                                       "mps,Members of parliament,low"),
                 encoding="utf-8")
    after = sk.load_case(workshop)
    assert after.data_hash != before.data_hash
    # emeka's low: groups chamber 0.2, ngo 0.8, emeka 0.2, fumiko 0.5 → 0.35
    assert after.audiences.set_index("id")["influence"]["mps"] == pytest.approx(0.35)


def test_latest_round_and_shown_names(workshop: Path) -> None:
    r = workshop / "ratings"
    pd.DataFrame({"rater": ["aino", "bjarki", "chidi", "dagny", "emeka", "fumiko"],
                  "group": ["", "", "", "", "", ""], "round": [1, 2, 2, 2, 2, 2],
                  "show_name": ["", "yes", "", "", "", ""]}).to_csv(r / "raters.csv",
                                                                    index=False)
    ratings = sk.case_ratings(sk.load_case(workshop))
    # aino answered in round 1 only: left out; bjarki agreed to be named
    assert list(ratings.raters["rater"]) == ["bjarki", "R03", "R04", "R05", "R06"]


def test_identical_participants_are_a_warning_naming_both(workshop: Path) -> None:
    r = workshop / "ratings"
    shutil.copytree(r / "chidi", r / "chidi2")
    ratings = sk.case_ratings(sk.load_case(workshop))  # no stop
    assert len(ratings.raters) == 7
    assert ratings.warnings == ("ratings/chidi2 (R04) has exactly the same answers as "
                                "ratings/chidi (R03): one sheet saved twice? Both count; "
                                "remove one if so",)
    res = CliRunner().invoke(cli, ["validate", str(workshop)])
    assert res.exit_code == 0, res.output
    assert "warning: ratings/chidi2 (R04) has exactly the same answers as ratings/chidi" \
        in res.output


def test_a_file_named_like_a_pseudonym_never_collides(workshop: Path) -> None:
    """R02.xlsx beside alice.xlsx (position 2): two labels, no pandas reshape error."""
    r = workshop / "ratings"
    for name in ("aino", "bjarki", "chidi", "dagny", "emeka", "fumiko", "raters.csv"):
        shutil.rmtree(r / name) if (r / name).is_dir() else (r / name).unlink()
    write_workbook(r / "R02.xlsx", {"influence": [["id", "influence"], ["mps", "low"],
                                                  ["press", "high"]]})
    write_workbook(r / "alice.xlsx", {"influence": [["id", "influence"], ["mps", "high"],
                                                    ["press", "low"]]})
    ratings = sk.case_ratings(sk.load_case(workshop))
    assert list(ratings.raters["rater"]) == ["R02", "R03"]
    for args in (["validate"], ["agreement"], ["scores", "--goal", "release"]):
        res = CliRunner().invoke(cli, [*args[:1], str(workshop), *args[1:]])
        assert res.exit_code == 0, res.output



def test_a_shown_name_keeps_its_label_and_the_others_avoid_it(workshop: Path) -> None:
    r = workshop / "ratings"
    (r / "chidi").rename(r / "R01")  # a file named R01, shown by name
    raters = (r / "raters.csv").read_text(encoding="utf-8").replace("chidi,chamber,1,",
                                                                    "R01,chamber,1,yes")
    (r / "raters.csv").write_text(raters, encoding="utf-8")
    ratings = sk.case_ratings(sk.load_case(workshop))
    # file order: R01, aino, bjarki, dagny, emeka, fumiko; aino would be R02 by position
    assert list(ratings.raters["rater"]) == ["R01", "R02", "R03", "R04", "R05", "R06"]


def test_an_item_rated_on_two_sheets_of_one_table_is_a_problem(workshop: Path) -> None:
    r = workshop / "ratings"
    write_workbook(r / "gustav.xlsx", {
        "influence": [["id", "influence"], ["mps", "low"], ["press", "high"]],
        "audiences": [["id", "influence"], ["business", "low"], ["mps", "high"]],
    })
    text = problems(workshop)
    assert ("ratings/gustav.xlsx, sheet 'audiences', cell A3, column 'id': this item is "
            "rated twice (also sheet 'influence' row 2) (got 'mps')") in text
    res = CliRunner().invoke(cli, ["agreement", str(workshop)])
    assert res.exit_code == 2 and "Traceback" not in res.output and "rated twice" in res.output


def test_a_decimal_comma_is_refused_with_the_fix_as_in_the_case(workshop: Path) -> None:
    f = workshop / "ratings" / "aino" / "influence.csv"
    f.write_text(f.read_text(encoding="utf-8").replace(",low", ',"0,6"', 1), encoding="utf-8")
    text = problems(workshop)
    assert "not a rating (got '0,6')" in text and "did you mean '0.6'?" in text
    case = workshop / "audiences.csv"  # the case's own table says the same
    case.write_text(case.read_text(encoding="utf-8").replace("0.8", '"0,8"', 1),
                    encoding="utf-8")
    assert "did you mean '0.8'?" in problems(workshop)
