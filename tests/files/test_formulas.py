"""Nothing people open is a formula or a link they did not write (issue 23.6, OWASP).

A case whose names are ``=HYPERLINK(…)``, a URL and a title with a newline then a formula
reaches no ``.xlsx``, ``.ods`` or CSV the kit writes as a formula or a link; sheets filled
and read back keep the text exact.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from office_helpers import INSTALL, soffice

from strategy_kit.cli import cli
from strategy_kit.files.cells import formula_like, neutralise, restore

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
FORMULA = '=HYPERLINK("http://x","y")'
URL = "https://example.invalid/leak"
FILE_URL = r"external:file:///C:\Windows\System32\calc.exe"
MINUS = "-2+3 worth a try"  # formula-like text (not a number) in a name
TITLE = 'Workshop\n=WEBSERVICE("http://127.0.0.1:9/leak")'
HOSTILE = (FORMULA, URL, FILE_URL, MINUS)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """The workshop case with hostile names and title (its ratings left out)."""
    target = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, target, ignore=shutil.ignore_patterns("ratings"))
    df = pd.read_csv(target / "audiences.csv", dtype=str, keep_default_na=False)
    df.loc[:3, "name"] = list(HOSTILE)
    df.to_csv(target / "audiences.csv", index=False)
    y = target / "case.yaml"
    y.write_text(y.read_text().replace('title: "Workshop (made-up)"',
                                       'title: "Workshop\\n=WEBSERVICE(\\"http://127.0.0.1:9/leak\\")"'))
    return target


def test_neutralise_restore_is_a_bijection_and_numbers_stay_numbers() -> None:
    for text in (FORMULA, "+1", "-x", "@SUM(A1)", "\tx", "\rx", "'=x", "''=x", "'plain", "a=b"):
        assert restore(neutralise(text)) == text
        assert not formula_like(str(neutralise(text)))
    assert neutralise(FORMULA) == "'" + FORMULA
    assert neutralise("'=x") == "''=x"  # written by someone: kept exactly
    assert neutralise("'plain") == "'plain" and restore("'plain") == "'plain"
    for number in ("-0.5", "+3", "-1e-3", -0.5, 3):
        assert neutralise(number) == number
    assert restore("-0.5") == "-0.5"


def _no_formula_or_link_xlsx(path: Path) -> list[str]:
    """Every text cell of an .xlsx; asserts none is a formula and no sheet has a link."""
    wb = openpyxl.load_workbook(path)
    texts = []
    for ws in wb.worksheets:
        assert not ws._hyperlinks, f"{path.name}!{ws.title} has links"
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if "externalLink" in n]
        for n in z.namelist():
            if n.endswith(".rels"):
                assert "TargetMode=\"External\"" not in z.read(n).decode()
    return texts


def test_rating_workbooks_hold_text_not_formulas_or_links(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    result = run("ratings", "sheets", str(case), "--raters", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    texts = _no_formula_or_link_xlsx(out / "R01.xlsx")
    for name in HOSTILE:
        assert name in texts  # exactly as the case has it
    # the title's second line starts a line of the "Read me" sheet: text, not a formula
    assert any(t.startswith('=WEBSERVICE("http://127.0.0.1:9/leak")') for t in texts)


def test_rating_csv_sheets_neutralised_and_read_back_exact(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    result = run("ratings", "sheets", str(case), "--raters", "2", "--csv", "--tables",
                 "audiences", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = (out / "R01" / "influence.csv").read_text(encoding="utf-8")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not [c for c in cells if formula_like(c)]  # a CSV import runs none of them
    assert "'" + FORMULA in cells and "'" + MINUS in cells and URL in cells
    # filled (the value column) and read back by the kit: the names are exactly the case's
    rows = list(csv.reader(io.StringIO(text)))
    filled = [rows[0]] + [r[:-1] + ["high"] for r in rows[1:]]
    (case / "ratings" / "R01").mkdir(parents=True)
    with (case / "ratings" / "R01" / "influence.csv").open("w", newline="",
                                                           encoding="utf-8") as f:
        csv.writer(f).writerows(filled)
    from strategy_kit.ratings.read import _read_sheets

    problems: list = []
    [(_, _, df)] = _read_sheets(case / "ratings" / "R01", "ratings/R01", problems)
    assert problems == []
    assert list(df["name"][:4]) == list(HOSTILE)
    result = run("validate", str(case))
    assert result.exit_code == 0, result.output
    assert "ratings: 1 raters" in result.output


def test_agreement_and_scores_csv_neutralise_text(tmp_path: Path) -> None:
    target = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, target)
    result = run("agreement", str(target), "--csv")
    assert result.exit_code == 0, result.output
    items = pd.read_csv(io.StringIO(result.output), dtype=str, keep_default_na=False)
    assert not [c for c in items.to_numpy().ravel() if formula_like(c)]
    result = run("scores", str(target), "--csv", "--start", "2025-01-01")
    assert result.exit_code == 0
    assert not [c for row in csv.reader(io.StringIO(result.output)) for c in row
                if formula_like(c)]


def test_agreement_csv_neutralises_a_formula_and_keeps_negative_numbers() -> None:
    from strategy_kit.files.cells import neutralise_frame

    df = pd.DataFrame({"item": [FORMULA, "mps"], "median": [-0.5, 0.25], "n": [3, 4]})
    out = neutralise_frame(df)
    assert list(out["item"]) == ["'" + FORMULA, "mps"]
    assert list(out["median"]) == [-0.5, 0.25] and out["median"].dtype.kind == "f"
    buf = io.StringIO()
    out.to_csv(buf, index=False)
    assert "\n\"'=HYPERLINK" in buf.getvalue() and ",-0.5," in buf.getvalue()


def test_validate_warns_about_formula_like_text(case: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(case)])
    assert result.exit_code == 0, result.output
    assert "warning: audiences.csv, row 2, column 'name': '=HYPERLINK" in result.output
    assert "row 5, column 'name': '-2+3 worth a try'" in result.output
    assert "column 'influence'" not in result.output  # numbers are not formulas


def _ods_has_no_formula_or_link(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        content = z.read("content.xml").decode()
    assert "table:formula=" not in content
    assert "<text:a" not in content
    return content


def test_converted_workbooks_hold_text(case: Path, tmp_path: Path) -> None:
    for suffix in (".xlsx", ".ods"):
        dest = tmp_path / f"out{suffix}"
        result = run("convert", str(case), str(dest))
        assert result.exit_code == 0, result.output
        if suffix == ".xlsx":
            texts = _no_formula_or_link_xlsx(dest)
            assert all(n in texts for n in HOSTILE) and TITLE in texts
        else:
            content = _ods_has_no_formula_or_link(dest)
            assert '>=HYPERLINK("http://x","y")<' in content  # a text paragraph
        back = tmp_path / f"back{suffix.replace('.', '-')}"
        assert run("convert", str(dest), str(back)).exit_code == 0
        names = pd.read_csv(back / "audiences.csv", dtype=str, keep_default_na=False)["name"]
        assert list(names[:4]) == list(HOSTILE)
        import yaml

        assert yaml.safe_load((back / "case.yaml").read_text())["title"] == TITLE


@pytest.mark.skipif(soffice() is None, reason=f"LibreOffice is not installed ({INSTALL})")
def test_libreoffice_opens_the_sheets_without_formulas(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    assert run("ratings", "sheets", str(case), "--raters", "1", "--out", str(out)).exit_code == 0
    assert run("ratings", "sheets", str(case), "--raters", "1", "--csv",
               "--out", str(tmp_path / "csv")).exit_code == 0
    conv = tmp_path / "conv"
    for src in (out / "R01.xlsx", tmp_path / "csv" / "R01" / "influence.csv"):
        subprocess.run([str(soffice()), "--headless", "--convert-to", "ods", "--outdir",
                        str(conv), str(src)], check=True, capture_output=True, timeout=180)
    found = sorted(conv.glob("*.ods"))
    assert len(found) == 2
    for ods in found:
        content = _ods_has_no_formula_or_link(ods)
        assert re.search(r"HYPERLINK", content)
    # the check can fail: the same cell not neutralised is imported as a live formula
    raw = tmp_path / "raw.csv"
    raw.write_text('id,name\na,"=HYPERLINK(""http://x"",""y"")"\n', encoding="utf-8")
    subprocess.run([str(soffice()), "--headless", "--convert-to", "ods", "--outdir",
                    str(tmp_path), str(raw)], check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "raw.ods") as z:
        assert "table:formula=" in z.read("content.xml").decode()
