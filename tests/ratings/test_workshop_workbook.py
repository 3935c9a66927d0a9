"""Workshop mode on a workbook case: ratings/ beside the workbook count as for a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

import strategy_kit as sk
from strategy_kit.case.write import convert_case
from strategy_kit.cli import cli

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
RATED = {"audiences": "influence", "audience_interests": "weight", "goal_interests": "strength"}


def test_ratings_beside_a_workbook_are_aggregated_like_a_folders(tmp_path: Path) -> None:
    book = convert_case(WORKSHOP, tmp_path / "book" / "case.xlsx")
    assert (tmp_path / "book" / "ratings" / "raters.csv").is_file(), "ratings/ goes along"
    folder, workbook = sk.load_case(WORKSHOP), sk.load_case(book)
    for table, column in RATED.items():
        pd.testing.assert_series_equal(getattr(folder, table)[column],
                                       getattr(workbook, table)[column], check_names=False)
    plain = tmp_path / "plain.xlsx"  # the same workbook without ratings/: the case's own values
    shutil.copy(book, plain)
    assert not sk.load_case(plain).audiences["influence"].equals(workbook.audiences["influence"])
    assert workbook.data_hash == folder.data_hash


def test_agreement_and_a_bad_rating_on_a_workbook_case(tmp_path: Path) -> None:
    book = convert_case(WORKSHOP, tmp_path / "book" / "case.xlsx")
    ok = CliRunner().invoke(cli, ["agreement", str(book), "--csv"])
    assert ok.exit_code == 0, ok.output
    assert "polarised" in ok.output
    bad = tmp_path / "book" / "ratings" / "aino" / "influence.csv"
    bad.write_text(bad.read_text(encoding="utf-8").replace(",low", ",hihg", 1), encoding="utf-8")
    res = CliRunner().invoke(cli, ["validate", str(book)])
    assert res.exit_code == 2
    assert "ratings/aino/influence.csv" in res.output and "hihg" in res.output


def test_sheets_for_a_workbook_name_the_folder_beside_it_and_csv_folders_validate(
        tmp_path: Path) -> None:
    """The printed folder exists after mkdir -p; the --csv output copied in validates as is."""
    import re
    import subprocess

    book = convert_case(WORKSHOP, tmp_path / "book" / "sudan.xlsx")
    shutil.rmtree(tmp_path / "book" / "ratings")
    res = CliRunner().invoke(cli, ["ratings", "sheets", str(book), "--raters", "3", "--csv",
                                   "--out", str(tmp_path / "sheets")])
    assert res.exit_code == 0, res.output
    said = re.search(r"filled sheets go into (\S+)/ \(create it: mkdir -p (\S+)\)", res.output)
    assert said and said[1] == said[2], res.output
    assert ".xlsx/" not in res.output
    subprocess.run(["mkdir", "-p", said[1]], check=True)
    folder = Path(said[1])
    assert folder.is_dir() and folder == tmp_path.resolve() / "book" / "ratings"
    for i, level in enumerate(["low", "high", "medium"], start=1):  # fill them, copy them in
        src = tmp_path / "sheets" / f"R{i:02d}"
        assert (src / "README.txt").is_file()
        for f in src.glob("*.csv"):
            df = pd.read_csv(f, dtype=str, keep_default_na=False)
            df[df.columns[-1]] = level
            df.to_csv(f, index=False)
        shutil.copytree(src, folder / src.name)
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # what systems and spreadsheets leave
    (folder / ".~lock.R01.xlsx#").write_text("x,host,", encoding="utf-8")
    (folder / "~$R02.xlsx").write_bytes(b"owner")
    (folder / "R03" / ".DS_Store").write_bytes(b"\0")
    ok = CliRunner().invoke(cli, ["validate", str(book)])
    assert ok.exit_code == 0, ok.output
    assert "ratings: 3 raters in 3 voices" in ok.output and "warning" not in ok.output
