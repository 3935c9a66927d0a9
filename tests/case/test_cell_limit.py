"""One cell-length limit for folders and workbooks (issue 23.7): 32,767, named, never cut.

A 40,000-character name is refused by a folder and by a workbook with the limit named, so a
convert never cuts text; a deeply nested value in a workbook's ``case`` sheet is a problem
like case.yaml's, never a RecursionError.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from strategy_kit.case.write import convert_case
from strategy_kit.cli import cli

LONG = "x" * 40_000


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_40000_character_name_is_refused_in_a_folder(template_copy: Path) -> None:
    p = template_copy / "audiences.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("Members of parliament", LONG, 1),
                 encoding="utf-8")
    result = run("validate", str(template_copy))
    assert result.exit_code == 2
    assert ("audiences.csv, row 2, column 'name': a cell of 40,000 characters; allowed: at "
            "most 32,767 characters") in result.output
    result = run("convert", str(template_copy), str(template_copy.parent / "x.xlsx"))
    assert result.exit_code == 2 and not (template_copy.parent / "x.xlsx").exists()


def test_a_40000_character_name_is_refused_in_a_workbook(template_copy: Path,
                                                         tmp_path: Path) -> None:
    made = convert_case(template_copy, tmp_path / "made.xlsx")
    book = tmp_path / "case.xlsx"  # openpyxl cuts at 32,767: the shared string is edited
    with zipfile.ZipFile(made) as z, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "xl/sharedStrings.xml":
                assert b">Members of parliament<" in data
                data = data.replace(b">Members of parliament<", f">{LONG}<".encode())
            out.writestr(info.filename, data)
    result = run("validate", str(book))
    assert result.exit_code == 2, result.output
    assert "audiences!B2: a cell of 40,000 characters; allowed: at most 32,767" in result.output


def test_the_longest_cell_round_trips_exactly(template_copy: Path, tmp_path: Path) -> None:
    longest = "y" * 32_767
    p = template_copy / "audiences.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("Members of parliament", longest, 1),
                 encoding="utf-8")
    for suffix in (".xlsx", ".ods"):
        book = convert_case(template_copy, tmp_path / f"case{suffix}")
        back = convert_case(book, tmp_path / f"back{suffix[1:]}")
        assert longest in (back / "audiences.csv").read_text(encoding="utf-8")


def test_a_deeply_nested_value_in_the_case_sheet_is_a_problem(template_copy: Path,
                                                              tmp_path: Path) -> None:
    book = convert_case(template_copy, tmp_path / "case.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["case"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "description")
    ws.cell(row, 2).value = "[" * 5000 + "]" * 5000
    wb.save(book)
    result = run("validate", str(book))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "RecursionError" not in result.output
    assert f"case!B{row}: values nested too deeply to read" in result.output


def test_a_control_character_is_never_changed_silently(template_copy: Path,
                                                       tmp_path: Path) -> None:
    p = template_copy / "audiences.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("Members of parliament",
                                                       "Mem\x00bers\x01", 1), encoding="utf-8")
    result = run("convert", str(template_copy), str(tmp_path / "c.ods"))
    assert result.exit_code == 2 and not (tmp_path / "c.ods").exists()
    assert "audiences!B2 holds a control character an .ods cannot hold" in result.output
    book = convert_case(template_copy, tmp_path / "c.xlsx")  # an .xlsx holds it exactly
    back = convert_case(book, tmp_path / "back")
    assert "Mem\x00bers\x01" in (back / "audiences.csv").read_text(encoding="utf-8")
