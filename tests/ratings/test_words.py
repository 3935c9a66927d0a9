"""Words that read right: whole item names, sheet instructions that match their columns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

import strategy_kit as sk
from strategy_kit import plots
from strategy_kit.ratings.console import WIDTH, agreement_text
from strategy_kit.ratings.sheets import write_rating_sheets

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
LONG = ("Governments of other key countries (Germany, USA, etc.) and supranational bodies "
        "such as the European Union and its member states")


def long_named(tmp_path: Path) -> Path:
    case = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, case)
    f = case / "audiences.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Members of parliament", f"\"{LONG}\""),
                 encoding="utf-8")
    return case


def test_agreement_prints_every_item_name_whole_and_wrapped(tmp_path: Path) -> None:
    case = sk.load_case(long_named(tmp_path))
    text = agreement_text(case, sk.case_ratings(case))
    assert all(len(line) <= WIDTH for line in text.splitlines())
    flat = " ".join(text.split())
    for name in sk.item_agreement(case)["item_name"]:
        assert name in flat, name  # never cut
    assert "…" not in flat.split("Items (")[1].split("Krippendorff")[0]


def test_the_dot_plot_shows_names_whole() -> None:
    items = pd.DataFrame({"item_name": [f"Influence of {LONG}"], "median": [0.5],
                          "flag": ["mixed"]})
    dots = pd.DataFrame({"item_name": [f"Influence of {LONG}"], "value": [0.2], "count": [2]})
    fig = plots.plot_disputed(dots, items)
    label = fig.data[0].y[0]
    assert label.replace("<br>", " ") == f"Influence of {LONG}" and "<br>" in label


def test_sheet_instructions_match_their_columns(tmp_path: Path) -> None:
    case = sk.load_case(WORKSHOP, ratings=False)
    (book,) = write_rating_sheets(case, 1, tmp_path / "x")
    (folder,) = write_rating_sheets(case, 1, tmp_path / "c", as_csv=True)
    wb = load_workbook(book)
    readme = " ".join(str(c.value) for c in wb["Read me"]["A"] if c.value)
    assert "last column" not in readme and "yellow column" in readme
    ws = wb["influence"]
    header = [c.value for c in ws[1]]
    answer = header.index("influence")  # the yellow column, with the question to its right
    assert ws.cell(2, answer + 1).fill.fgColor.rgb.endswith("FFF9E0")
    question = header[-1]
    assert question.startswith("How much can this audience move the decisions")
    assert "Release prisoners" in question and "Targeted sanctions" in question  # its goals
    text = (folder / "README.txt").read_text(encoding="utf-8")
    assert "Write your answer in the last column" in text
    assert pd.read_csv(folder / "influence.csv").columns[-1] == "influence"
