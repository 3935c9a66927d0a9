"""A case as one workbook: read, written, converted both ways, and errors that name the cell."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from strategy_kit import CaseError, config, load_case
from strategy_kit.case.guide import doc_sections, guide, guide_rows
from strategy_kit.case.schema import TABLES
from strategy_kit.case.write import convert_case, read_source
from strategy_kit.cli import cli

START = "2027-01-01"
#: Text a workbook must keep exactly: commas, quotes, newlines, Cyrillic, Georgian, Polish.
HARD_TEXT = {
    ("audiences", "name"): 'Депутаты, "народные" избранники',
    ("audiences", "description"): "Line one, with a comma\nline two: \"quoted\"\nსაქართველო",
    ("goals", "name"): "Uwolnienie więźniów politycznych — zażółć gęślą jaźń",
    ("frames", "text"): "  leading spaces, a 'single' and \"double\" quote; and a tail  ",
    ("interests", "theme"): "=1+1",  # never a formula
}


def tables_of(case: Any) -> dict[str, pd.DataFrame]:
    return {name: getattr(case, name) for name in TABLES}


def assert_same_case(a: Any, b: Any) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert (a.name, a.title, a.description, a.horizon_days) == (
        b.name, b.title, b.description, b.horizon_days)
    assert dict(a.weights) == dict(b.weights)
    assert dict(a.guidance) == dict(b.guidance)
    assert (a.priority_rule, dict(a.windows), a.data_hash) == (
        b.priority_rule, dict(b.windows), b.data_hash)


@pytest.fixture
def hard_case(template_copy: Path) -> Path:
    """The template with text that spreadsheets and CSV quoting get wrong."""
    for (table, col), text in HARD_TEXT.items():
        p = template_copy / f"{table}.csv"
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        df.loc[0, col] = text
        df.to_csv(p, index=False)
    return template_copy


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The template as a workbook that a test may edit."""
    return convert_case(config.TEMPLATE_CASE_DIR, tmp_path / "example.xlsx")


def edit_book(path: Path, cells: dict[str, Any]) -> Path:
    """Set cells (``"audiences!D2": "high"``) with openpyxl, as a person editing would."""
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        sheet, _, cell = ref.partition("!")
        if not cell:  # "frames!": remove the sheet
            del wb[sheet]
        else:
            wb[sheet][cell] = value
    wb.save(path)
    return path


# -- the round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_belarus_round_trip_is_lossless(tmp_path: Path, ext: str) -> None:
    # The one test of "a workbook is its folder": the same Case (every typed table, every
    # setting, the same data hash) both ways. Everything downstream (scores, reports,
    # calendars) reads only the Case, so it is not compared again at each level.
    folder = load_case("belarus")
    book = convert_case("belarus", tmp_path / f"belarus{ext}")
    from_book = load_case(book)
    assert_same_case(folder, from_book)
    back = convert_case(book, tmp_path / "belarus")
    assert_same_case(folder, load_case(back))
    for name in TABLES:  # the CSV text itself comes back, not only the typed values
        assert (back / f"{name}.csv").read_text() == (
            config.DATA_DIR / "belarus" / f"{name}.csv").read_text(), name


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_hard_text_survives_both_ways(hard_case: Path, tmp_path: Path, ext: str) -> None:
    book = convert_case(hard_case, tmp_path / f"{hard_case.name}{ext}")
    source = read_source(book)
    for (table, col), text in HARD_TEXT.items():
        assert source.frames[table].loc[0, col] == text
        assert getattr(load_case(book), table).loc[0, col] == text.strip()
    back = convert_case(book, tmp_path / "back" / hard_case.name)
    back_source = read_source(back)
    for (table, col), text in HARD_TEXT.items():
        assert back_source.frames[table].loc[0, col] == text
    assert_same_case(load_case(hard_case), load_case(back))  # a score 1.0 may come back as 1


def test_numbers_and_dates_typed_in_the_sheet_are_accepted(book: Path) -> None:
    edit_book(book, {"audiences!D2": "0.7", "moments!D2": "2024-12-11",
                     "moments!G2": 1, "case!B4": "200"})
    case = load_case(book)
    assert case.audiences.loc[0, "influence"] == 0.7  # text that is a number
    assert case.moments.loc[0, "start"] == pd.Timestamp("2024-12-11")
    assert case.moments.loc[0, "intensity"] == 1.0
    assert case.horizon_days == 200


def test_a_folder_holding_one_workbook_is_that_case(book: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my-campaign"
    folder.mkdir()
    shutil.copy(book, folder / "case.xlsx")
    case = load_case(folder)
    assert case.name == "my-campaign" and case.path == (folder / "case.xlsx").resolve()


# -- errors that name the cell ----------------------------------------------------------------

BAD = [
    pytest.param({"audiences!D2": "high"}, "audiences!D2, column 'influence': bad value (got "
                 "'high'); allowed: a number from 0 to 1", id="non-numeric score"),
    pytest.param({"audiences!D2": 1.5}, "audiences!D2, column 'influence': bad value (got "
                 "'1.5'); allowed: a number from 0 to 1", id="out-of-range score"),
    pytest.param({"audiences!D2": "0,8"}, "audiences!D2, column 'influence': bad value (got "
                 "'0,8'); allowed: a number from 0 to 1; did you mean '0.8'?",
                 id="decimal comma typed as text"),
    pytest.param({"moments!D3": "2025-02-30"}, "moments!D3, column 'start': bad value (got "
                 "'2025-02-30'); allowed: a date that exists, written YYYY-MM-DD", id="bad date"),
    pytest.param({"moments!D2": "10.12.2024"}, "moments!D2, column 'start': bad value (got "
                 "'10.12.2024'); allowed: a date that exists, written YYYY-MM-DD, from 1900 to "
                 "2199; did you mean '2024-12-10' (day first) or '2024-10-12'?",
                 id="day-first date"),
    pytest.param({"moments!D2": dt.datetime(2024, 12, 10, 18, 30)}, "moments!D2, column "
                 "'start': bad value (got '2024-12-10 18:30:00'); allowed: a date that exists, "
                 "written YYYY-MM-DD, from 1900 to 2199; did you mean '2024-12-10'?",
                 id="date with a time"),
    pytest.param({"moments!E3": dt.datetime(2025, 2, 10)}, "moments!E3, column 'end': end is "
                 "before start (got '2025-02-10'); allowed: a date on or after 2025-02-14",
                 id="end before start"),
    pytest.param({"moments!C2": "holiday"}, "moments!C2, column 'kind': bad value (got "
                 "'holiday'); allowed: one of crisis, event, anniversary", id="unknown enum value"),
    pytest.param({"audiences!A3": "lawmakers"}, "audiences!A3, column 'id': duplicate id (got "
                 "'lawmakers'); allowed: each id once in the table", id="duplicate id"),
    pytest.param({"goals!A2": "Release Prisoners"}, "goals!A2, column 'id': bad value (got "
                 "'Release Prisoners'); allowed: a lowercase id", id="invalid id characters"),
    pytest.param({"format_audiences!B3": "journalist"}, "format_audiences!B3, column "
                 "'audience': no audience 'journalist' in sheet 'audiences' (got 'journalist'); "
                 "allowed: an id from sheet 'audiences'; did you mean 'journalists'?",
                 id="dangling reference"),
    pytest.param({"actions!I2": "rights-ngos;unionz"}, "actions!I2, column 'allies': no ally "
                 "'unionz' in sheet 'allies' (got 'unionz'); allowed: an id from sheet 'allies'; "
                 "did you mean 'unions'?", id="dangling reference in a list"),
    pytest.param({"audiences!D1": "influense"}, "audiences!A1:I1: missing column 'influence'; "
                 "allowed: columns id, name, group, influence; did you mean 'influense'?",
                 id="missing column"),
    pytest.param({"audience_interests!A4": None, "audience_interests!B4": None,
                  "audience_interests!C4": None, "audience_interests!A5": None,
                  "audience_interests!B5": None, "audience_interests!C5": None},
                 "audiences!A3, column 'id': audience 'journalists' has no interests (got "
                 "'journalists'); allowed: at least one row in sheet 'audience_interests' with "
                 "weight above 0", id="audience with no interests"),
    pytest.param({"format_audiences!B3": "lawmakers"}, "format_audiences!A3:C3: format "
                 "'briefing', audience 'lawmakers' is listed twice", id="pair listed twice"),
    pytest.param({"frames!": None}, "frames: the sheet is missing; allowed: a sheet named "
                 "'frames'", id="missing sheet"),
    pytest.param({"allies!A2": None, "allies!B2": None, "allies!C2": None, "allies!E2": None,
                  "allies!A3": None, "allies!B3": None, "allies!C3": None, "allies!E3": None},
                 "allies: the sheet has no rows; allowed: at least one row", id="empty sheet"),
    pytest.param({"case!A5": "weights.fitt"}, "case!A5:B5, column 'weights': unknown weight "
                 "'fitt'; allowed: fit, influence, timing; did you mean 'fit'?",
                 id="unknown weight"),
    pytest.param({"case!B4": "a year"}, "case!A4:B4, column 'horizon_days': bad horizon (got "
                 "'a year'); allowed: a whole number of days, 1 or more", id="bad horizon"),
    pytest.param({"case!B2": None}, "case!A2:B2, column 'title': 'title' is missing or empty",
                 id="empty title"),
]


@pytest.mark.parametrize(("cells", "expected"), BAD)
def test_bad_workbook_names_the_cell(book: Path, cells: dict[str, Any], expected: str) -> None:
    edit_book(book, cells)
    with pytest.raises(CaseError) as info:
        load_case(book)
    found = [str(p) for p in info.value.problems]
    assert any(expected in p for p in found), "\n".join(found)
    result = CliRunner().invoke(cli, ["validate", str(book)])
    assert result.exit_code == 2 and expected in result.output, result.output


def test_every_problem_of_a_workbook_at_once(book: Path) -> None:
    edit_book(book, {"audiences!D2": "high", "moments!C3": "festival",
                     "ally_audiences!B2": "lawmaker"})
    with pytest.raises(CaseError, match="has 3 problems"):
        load_case(book)


def test_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "audiences.xlsx"
    bad.write_text("id,name\n")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "audiences.xlsx: not a readable workbook" in result.output


# -- the command line -------------------------------------------------------------------------


def test_convert_refuses_bad_input_and_writes_nothing(tmp_path: Path, book: Path) -> None:
    edit_book(book, {"audiences!D2": "high"})
    before = sorted(p.name for p in tmp_path.iterdir())  # the workbook (and its scenarios/)
    runner = CliRunner()
    for args, expected in (
        ([str(book), str(tmp_path / "out.xlsx")], "audiences!D2"),
        (["belarus", str(tmp_path / "out.csv")], "a new folder, or a new file ending in .xlsx"),
        (["belarus", str(book)], "(this one exists)"),
        (["no-such-case", str(tmp_path / "out.xlsx")], "no case 'no-such-case'"),
    ):
        result = runner.invoke(cli, ["convert", *args])
        assert result.exit_code == 2, result.output
        assert expected in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_cli_commands_read_a_workbook(tmp_path: Path) -> None:
    runner = CliRunner()
    book = tmp_path / "belarus.xlsx"
    assert runner.invoke(cli, ["convert", "belarus", str(book)]).exit_code == 0
    from_book = runner.invoke(cli, ["scores", str(book), "--start", START, "--csv"])
    assert from_book.exit_code == 0, from_book.output
    assert from_book.output.startswith("audience,") and "end-terror" in from_book.output
    assert runner.invoke(cli, ["validate", str(book)]).output.startswith("ok:")
    listed = runner.invoke(cli, ["list", "--case", str(book)])
    assert listed.exit_code == 0 and "media" in listed.output


def test_new_case_xlsx_writes_a_valid_workbook_with_drop_downs(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new-case", str(tmp_path / "campaign"), "--xlsx"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "campaign.xlsx"
    assert load_case(path).title == "Example campaign"
    check_written_workbook(path)


def check_written_workbook(path: Path) -> None:
    """The guide sheet comes first and covers every sheet and column; drop-downs and rules."""
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "guide"
    covered = {(r[0].value, r[1].value or "") for r in wb["guide"].iter_rows(min_row=2)}
    for table in TABLES.values():
        assert (table.name, "") in covered
        assert {(table.name, c.name) for c in table.columns} <= covered
        assert table.name in wb.sheetnames
    assert {("case", "title"), ("recommendations", ""), ("open_questions", "")} <= covered
    for table in TABLES.values():
        ws = wb[table.name]
        assert ws.freeze_panes == "A2", table.name
        header = [c.value for c in ws[1]]
        rules = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                rules[header[rng.min_col - 1]] = dv
        for col in table.columns:
            dv = rules.get(col.name)
            if col.kind == "enum":
                assert dv is not None and dv.type == "list", (table.name, col.name)
                assert dv.formula1.strip('"').split(",") == list(col.values)
            elif col.kind in ("ref", "refs"):
                assert dv is not None and dv.type == "list", (table.name, col.name)
                assert dv.formula1.startswith(f"'{col.ref}'!$A$2:$A$"), dv.formula1
            elif col.kind == "score":
                assert dv is not None and dv.type == "decimal"
                assert dv.operator in (None, "between")  # OOXML's default is between
                assert (float(dv.formula1), float(dv.formula2)) == (0, 1)
                assert dv.prompt and "0 to 1" in dv.prompt and dv.showInputMessage
        if "source" in header:
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(
                header.index("source") + 1)].width >= 8


def test_written_belarus_workbook(tmp_path: Path) -> None:
    check_written_workbook(convert_case("belarus", tmp_path / "belarus.xlsx"))


# -- the guide: one text for the docs and the workbook ----------------------------------------


def test_guide_covers_every_column_and_docs_show_it() -> None:
    tables = guide()["tables"]
    for table in TABLES.values():
        assert tables[table.name]["about"], table.name
        for col in table.columns:
            entry = tables[table.name]["columns"][col.name]
            assert entry["meaning"] and entry["example"], (table.name, col.name)
    doc = (config.DOCS_DIR / "case-format.md").read_text()
    for name, section in doc_sections().items():
        assert section in doc, f"docs/case-format.md: the section of {name} differs from the " \
            "guide (strategy_kit/case/guide.yaml); paste doc_sections()[name]"
    assert len(guide_rows()) > sum(len(t.columns) for t in TABLES.values())


def test_case_sheet_keeps_keys_it_does_not_know(template_copy: Path, tmp_path: Path) -> None:
    """Keys other branches or later versions add to case.yaml survive a workbook."""
    import yaml

    p = template_copy / "case.yaml"
    text = p.read_text().replace("  rule: relative\n  share: 0.8\n  floor: 0.05\n",
                                 "  rule: absolute\n  threshold: 0.6\n")
    assert "threshold: 0.6" in text
    p.write_text(text + "labels: [one, two]\nnested: {a: {b: 1}}\n")
    book = convert_case(template_copy, tmp_path / "keys.xlsx")
    rows = {r[0].value: r[1].value for r in openpyxl.load_workbook(book)["case"].iter_rows()}
    assert rows["windows.threshold"] == 0.6 and rows["labels"] == "[one, two]"
    back = convert_case(book, tmp_path / "back" / "example")
    assert yaml.safe_load((back / "case.yaml").read_text()) == yaml.safe_load(p.read_text())


def test_csv_gets_the_same_likely_fix(edit) -> None:
    path = edit("moments.csv", "2024-12-10,", "10.12.2024,")
    with pytest.raises(CaseError) as info:
        load_case(path)
    assert ("moments.csv, row 2, column 'start': bad value (got '10.12.2024'); allowed: a date "
            "that exists, written YYYY-MM-DD, from 1900 to 2199; did you mean '2024-12-10' "
            "(day first) or '2024-10-12'?") in [
        str(p) for p in info.value.problems]


def test_written_ods_has_the_same_rules(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET
    import zipfile

    ns = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    path = convert_case("belarus", tmp_path / "b.ods")
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))
    conditions = {v.get(f"{ns}name"): v.get(f"{ns}condition")
                  for v in root.iter(f"{ns}content-validation")}
    for table in TABLES.values():
        for n, col in enumerate(table.columns):
            rule = conditions.get(f"val-{table.name}-{n}", "")
            if col.kind == "enum":
                items = ";".join(f'"{v}"' for v in col.values)
                assert rule == f"of:cell-content-is-in-list({items})", col.name
            elif col.kind in ("ref", "refs"):
                assert rule.startswith(f"of:cell-content-is-in-list([${col.ref}.$A$2:.$A$")
            elif col.kind == "score":
                assert rule.endswith("cell-content-is-between(0,1)"), (table.name, col.name)
    influence = [c.name for c in TABLES["audiences"].columns].index("influence")
    cells = [c for c in root.iter(f"{ns}table-cell")
             if c.get(f"{ns}content-validation-name") == f"val-audiences-{influence}"]
    assert len(cells) > 10  # the influence cells, and the empty rows under them


def test_convert_carries_attention_and_ratings_along(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(config.DATA_DIR / "belarus", src)
    for folder in ("attention", "ratings"):
        (src / folder).mkdir()
        (src / folder / "kept.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    book = convert_case(src, tmp_path / "out" / "case.xlsx")
    back = convert_case(book, tmp_path / "back")
    for folder in ("attention", "ratings"):
        assert (tmp_path / "out" / folder / "kept.csv").is_file()
        assert (back / folder / "kept.csv").read_text(encoding="utf-8") == "a,b\n1,2\n"
