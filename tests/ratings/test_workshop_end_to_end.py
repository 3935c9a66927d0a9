"""A workshop end to end: sheets → filled by a script → validate → agreement → report.

Also: no rater's name reaches a report, an index page or a calendar (privacy).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import strategy_kit as sk
from strategy_kit.cli import cli
from strategy_kit.ratings.scale import RATED

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
NAMES = ["aino", "bjarki", "chidi", "dagny", "emeka", "fumiko"]  # the fixture's made-up raters
START = "2025-01-01"

pytestmark = pytest.mark.slow


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def fill(path: Path, answers: dict[str, list[str]], rater: int) -> None:
    """Fill a participant's workbook as they would: the value column only, some blank."""
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=object)
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for name, df in sheets.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, [str(c) for c in df.columns])
        if name in answers:
            value_col = next(r.value for r in RATED if r.sheet == name)
            col = list(df.columns).index(value_col)
            for i, row in enumerate(df.itertuples(index=False), start=1):
                ws.write_row(i, 0, ["" if pd.isna(v) else v for v in row])
                ws.write(i, col, answers[name][(i - 1 + rater) % len(answers[name])])
    wb.close()


def test_sheets_filled_validated_agreed_and_reported(tmp_path: Path) -> None:
    case = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, case, ignore=shutil.ignore_patterns("ratings"))
    names = tmp_path / "names.txt"
    names.write_text("Ola Nordmann\nKari Nordmann\nPer Hansen\nLiv Berg\nOle Dahl\n",
                     encoding="utf-8")
    out = tmp_path / "sheets"
    result = run("ratings", "sheets", str(case), "--raters", str(names), "--tables",
                 "audiences,goal_interests", "--out", str(out))
    assert result.exit_code == 0, result.output
    books = sorted(out.glob("*.xlsx"))
    assert [b.stem for b in books] == ["kari-nordmann", "liv-berg", "ola-nordmann",
                                       "ole-dahl", "per-hansen"]
    first = pd.read_excel(books[0], sheet_name=None, engine="calamine")
    assert list(first) == ["Read me", "influence", "goal_interests"]
    assert first["influence"]["influence"].isna().all()  # the value column is empty
    assert list(first["influence"]["name"])[:2] == ["Members of parliament", "Journalists"]
    # again into the same folder: refused, nothing overwritten
    again = run("ratings", "sheets", str(case), "--raters", "2", "--out", str(out))
    assert again.exit_code == 2 and "raters.csv" in again.output
    (case / "ratings").mkdir()
    answers = {"influence": ["high", "low", "medium", "0.9", ""],
               "goal_interests": ["high", "0.7", "don't know", "low"]}
    for i, book in enumerate(books):
        fill(book, answers, i)
        shutil.copy(book, case / "ratings" / book.name)
    shutil.copy(out / "raters.csv", case / "ratings" / "raters.csv")

    result = run("validate", str(case))
    assert result.exit_code == 0, result.output
    assert "ratings: 5 raters in 5 voices" in result.output
    result = run("agreement", str(case), "--start", START)
    assert result.exit_code == 0, result.output
    assert "Krippendorff's alpha" in result.output and "most disputed first" in result.output
    items = pd.read_csv(__import__("io").StringIO(run("agreement", str(case), "--csv").output))
    # influence of mps: the five raters' answers rotate through the list: high, low, medium,
    # 0.9, blank → n 4, median (0.5 + 0.8) / 2
    mps = items.set_index("item").loc["mps"]
    assert (mps["n"], mps["median"]) == (4, pytest.approx(0.65))

    report = run("report", "--case", str(case), "--audience", "mps", "--goal", "release",
                 "--start", START, "--out", str(tmp_path / "reports"))
    assert report.exit_code == 0, report.output
    html = without_bundle(
        next((tmp_path / "reports").rglob("*.html")).read_text(encoding="utf-8"))
    assert 'id="where-we-disagree"' in html and "are disputed" in html
    for name in ("Ola", "Nordmann", "Kari", "Hansen", "Liv Berg", "Dahl", "ola-nordmann"):
        assert name not in html


def test_bad_ratings_exit_2_with_sheet_and_cell(tmp_path: Path) -> None:
    case = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, case)
    out = tmp_path / "sheets"
    assert run("ratings", "sheets", str(case), "--raters", "1", "--out", str(out)).exit_code == 0
    fill(out / "R01.xlsx", {"influence": ["hihg"]}, 0)
    shutil.copy(out / "R01.xlsx", case / "ratings" / "R01.xlsx")
    for command in (["validate", str(case)], ["agreement", str(case)],
                    ["report", "--case", str(case), "--audience", "mps", "--goal", "release",
                     "--out", str(tmp_path / "reports")]):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert "ratings/R01.xlsx, sheet 'influence', cell C2, column 'influence': not a " \
               "rating (got 'hihg')" in result.output
        assert "did you mean 'high'?" in result.output
    assert not (tmp_path / "reports").exists() or not list((tmp_path / "reports").rglob("*"))


def test_sheets_options(tmp_path: Path) -> None:
    case = sk.load_case(WORKSHOP)
    paths = sk.write_rating_sheets(case, 4, tmp_path / "csv", split=2, as_csv=True)
    assert [p.name for p in paths] == ["R01", "R02", "R03", "R04"]
    got = {p.name: sorted(f.name for f in p.iterdir()) for p in paths}
    assert got["R01"] == got["R03"] and got["R02"] == got["R04"]
    assert set(got["R01"]).isdisjoint(set(got["R02"]) - {"README.txt"})
    every = {f for files in got.values() for f in files} - {"README.txt"}
    # every rated table the case has rows in (it has no goal_audiences.csv)
    assert every == {f"{r.sheet}.csv" for r in RATED if not case._tables[r.table].empty}
    assert "goal_audiences.csv" not in every
    assert "blank is never" in (paths[0] / "README.txt").read_text(encoding="utf-8")
    with pytest.raises(sk.BadParameterError, match="split"):
        sk.write_rating_sheets(case, 2, tmp_path / "x", split=99)
    with pytest.raises(sk.UnknownChoiceError, match="did you mean 'goal_interests'"):
        sk.write_rating_sheets(case, 2, tmp_path / "y", tables=["goal_interest"])
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def without_bundle(html: str) -> str:
    """The page without the embedded plotly.js (base64 of gzip: any short word can occur)."""
    bundle = re.compile(r'<script[^>]*id="sk-plotly-gz"[^>]*>.*?</script>', re.S)
    assert len(bundle.findall(html)) <= 1
    return bundle.sub("", html)


def test_no_rater_name_in_any_html_or_ics(tmp_path: Path) -> None:
    out = tmp_path / "out"
    # Two audience reports (each has every section an audience report can have, "Where we
    # disagree" included), the index, the overview and a calendar: every kind of output.
    result = run("batch", "--case", str(WORKSHOP), "--audiences", "mps,press", "--goals",
                 "release", "--start", START, "--workers", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    result = run("overview", "--case", str(WORKSHOP), "--start", START, "--out", str(out))
    assert result.exit_code == 0, result.output
    ics = tmp_path / "mps.ics"
    result = run("calendar", "--case", str(WORKSHOP), "--audience", "mps", "--start", START,
                 "--out", str(ics))
    assert result.exit_code == 0, result.output
    files = [*out.rglob("*.html"), ics]
    assert len(files) == 5  # 2 reports, the index page, the overview, the calendar
    assert any(p.name == "index.html" for p in files)
    overview = next(p for p in files if p.name.startswith("overview"))
    assert 'id="where-we-disagree"' in overview.read_text(encoding="utf-8")
    for f in files:
        text = without_bundle(f.read_text(encoding="utf-8")).lower()
        found = [n for n in NAMES if re.search(rf"\b{n}\b", text)]
        assert not found, f"{f.name} names {found}"
