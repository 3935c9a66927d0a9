"""Disputes that change the plan: a planted format dispute is listed, a planted near tie not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import strategy_kit as sk
from strategy_kit.cli import cli
from strategy_kit.model.disagreements import NEAR_TIE, clear_change, views
from strategy_kit.ratings.aggregate import with_values
from strategy_kit.ratings.read import item_ids
from strategy_kit.ratings.scale import rated

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
START = "2025-01-01"
RATERS = ("aino", "bjarki", "chidi", "dagny", "emeka", "fumiko")


def plant(tmp_path: Path, visit: list[str]) -> Path:
    """The workshop with a second format for journalists ('visit'), rated by everyone."""
    case = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, case)
    with (case / "formats.csv").open("a", encoding="utf-8") as f:
        f.write("visit,Newsroom visit,networking,low,,7\n")
    with (case / "format_audiences.csv").open("a", encoding="utf-8") as f:
        f.write("visit,press,0.5\n")
    for rater, x in zip(RATERS, visit, strict=True):
        (case / "ratings" / rater / "format_audiences.csv").write_text(
            f"format,audience,fit\nbrief,press,0.5\nvisit,press,{x}\n", encoding="utf-8")
    return case


def first_format(case: sk.Case, fit: float) -> str:
    r = rated("format_audiences")
    ids = item_ids(case, r)
    values = [float("nan")] * len(ids)
    values[ids.index("visit/press")] = fit
    view = with_values(case, {"format_audiences": values}, f"-{fit}")
    return str(sk.recommend_formats(view, "press", "release", start=START)["format"].iloc[0])


def test_a_format_dispute_that_flips_the_first_format_changes_the_plan(
        tmp_path: Path) -> None:
    case = sk.load_case(plant(tmp_path, ["low", "low", "low", "high", "high", "high"]))
    # low view 0.2: the briefing (0.5) first; high view 0.8: the visit first
    assert (first_format(case, 0.2), first_format(case, 0.8)) == ("brief", "visit")
    d = sk.plan_disagreements(case, start=START)
    row = d.changes.set_index("item").loc["visit/press"]
    assert row["changes"] == "first format" and row["goals"] == "release, sanctions"
    assert row["what"] == ("first format for Journalists (in every goal's report): Briefing "
                           "(low view) or Newsroom visit (high view)")
    assert list(d.changes["item"]).count("visit/press") == 1  # once, with its goals
    assert d.unchanged == d.disputed - len(d.changes)
    out = CliRunner().invoke(cli, ["agreement", str(case.path), "--start", START])
    assert out.exit_code == 0, out.output
    header = next(line for line in out.output.splitlines()
                  if line.startswith("Disagreements that change the plan"))
    assert header.startswith(f"Disagreements that change the plan ({len(d.changes)};")
    block = out.output.split(header)[1].split("\n\n")[0].strip("\n").splitlines()
    assert sum(line.startswith("  - ") for line in block) == len(d.changes)
    assert any("Newsroom visit" in line for line in block)


def test_a_near_tie_is_not_a_disagreement_that_changes_the_plan(tmp_path: Path) -> None:
    case = sk.load_case(plant(tmp_path, ["0.3", "0.3", "0.3", "0.52", "0.52", "0.52"]))
    items = sk.item_agreement(case).set_index("item")
    assert items.loc["visit/press", "flag"] == "mixed"  # disputed
    assert views([0.3, 0.3, 0.3, 0.52, 0.52, 0.52]) == (0.3, 0.52)
    # the first format does flip (briefing 0.5 against the visit's 0.52) — by a near tie
    assert (first_format(case, 0.3), first_format(case, 0.52)) == ("brief", "visit")
    d = sk.plan_disagreements(case, start=START)
    assert "visit/press" not in set(d.changes["item"])


@pytest.mark.parametrize(("low", "high", "top", "changed"), [
    ({"a": 0.6, "b": 0.5}, {"a": 0.5, "b": 0.6}, 1, True),     # a clear swap
    ({"a": 0.51, "b": 0.5}, {"a": 0.5, "b": 0.51}, 1, False),  # within the margin
    ({"a": 0.6, "b": 0.5, "c": 0.4, "d": 0.1}, {"a": 0.6, "b": 0.5, "c": 0.39, "d": 0.4},
     3, False),                                                # third place: a tie
    ({"a": 0.6, "b": 0.5, "c": 0.4, "d": 0.1}, {"a": 0.6, "b": 0.5, "c": 0.1, "d": 0.4},
     3, True),
])
def test_clear_change(low: dict, high: dict, top: int, changed: bool) -> None:
    import pandas as pd

    assert clear_change(pd.Series(low), pd.Series(high), top, NEAR_TIE) is changed
