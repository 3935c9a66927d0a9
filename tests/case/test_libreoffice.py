"""A written workbook edited in a real spreadsheet program: LibreOffice saves it as .ods, then
as .xlsx again, as a person moving between programs would; the case must survive."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from office_helpers import soffice

from strategy_kit import load_case
from strategy_kit.calendar import calendar_events
from strategy_kit.case.schema import TABLES
from strategy_kit.case.write import convert_case
from strategy_kit.model.scoring import score_priority

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]
START = "2027-01-01"


def save_as(src: Path, ext: str, out: Path, profile: Path) -> Path:
    """Open ``src`` in LibreOffice headless and save it as ``ext`` in ``out``."""
    cmd = [soffice(), "--headless", "--norestore", "--nolockcheck",
           f"-env:UserInstallation={profile.as_uri()}", "--convert-to", ext,
           "--outdir", str(out), str(src)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    target = out / f"{src.stem}.{ext}"
    assert done.returncode == 0 and target.is_file(), done.stdout + done.stderr
    return target


def test_libreoffice_round_trip_keeps_the_case_and_its_drop_downs(tmp_path: Path) -> None:
    profile = tmp_path / "profile"  # a private profile: no user settings, no lock clashes
    book = convert_case("belarus", tmp_path / "belarus.xlsx")
    ods = save_as(book, "ods", tmp_path / "ods", profile)
    again = save_as(ods, "xlsx", tmp_path / "xlsx", profile)
    folder = load_case("belarus")
    for path in (ods, again):
        case = load_case(path)
        assert case.data_hash == folder.data_hash, path  # the same tables, settings, guidance
        pd.testing.assert_frame_equal(score_priority(case, start=START),
                                      score_priority(folder, start=START))
        pd.testing.assert_frame_equal(calendar_events(case, "media", "end-terror", START),
                                      calendar_events(folder, "media", "end-terror", START))
    check_rules_survived(again)


def test_libreoffice_reads_the_drop_downs_of_a_written_ods(tmp_path: Path) -> None:
    ods = convert_case("belarus", tmp_path / "belarus.ods")
    again = save_as(ods, "xlsx", tmp_path / "xlsx", tmp_path / "profile")
    assert load_case(again).data_hash == load_case("belarus").data_hash
    check_rules_survived(again)


def check_rules_survived(path: Path) -> None:
    """Every enum and id column still has its drop-down, every score its 0–1 rule."""
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "guide"
    for table in TABLES.values():
        ws = wb[table.name]
        header = [c.value for c in ws[1]]
        rules = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                rules[header[rng.min_col - 1]] = dv
        for col in table.columns:
            dv = rules.get(col.name)
            if col.kind == "enum":
                assert dv is not None and dv.type == "list", (table.name, col.name)
                assert all(v in dv.formula1 for v in col.values)
            elif col.kind in ("ref", "refs"):
                assert dv is not None and dv.type == "list", (table.name, col.name)
                assert col.ref in dv.formula1
            elif col.kind == "score":
                assert dv is not None and dv.type == "decimal", (table.name, col.name)
                assert (float(dv.formula1), float(dv.formula2)) == (0, 1)
                assert dv.prompt and "0 to 1" in dv.prompt
