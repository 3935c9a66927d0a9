"""The explorer's export writes a workbook as well as a folder, and reads a workbook case."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from strategy_kit import BadParameterError, load_case
from strategy_kit.case.write import convert_case
from strategy_kit.explorer.state import ExplorerState
from strategy_kit.model.scoring import score_priority

START = "2026-01-01"


def adjusted(case: str | Path) -> ExplorerState:
    state = ExplorerState(str(case), start=START, days=365, draws=50)
    state.set_interest_weight("rights", 0.25, audience="journalists")
    state.update(weights={"fit": 0.6, "influence": 0.2, "timing": 0.2})
    return state


def check_copy(state: ExplorerState, out: Path) -> None:
    copy = load_case(out)
    ai = copy.audience_interests.set_index(["audience", "interest"])["weight"]
    assert ai[("journalists", "rights")] == 0.25
    assert dict(copy.weights) == pytest.approx({"fit": 0.6, "influence": 0.2, "timing": 0.2})
    pd.testing.assert_frame_equal(
        score_priority(copy, goal=state.goal, start=START, days=365),
        score_priority(state.case, goal=state.goal, start=START, days=365,
                       weights=state.weights))


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_export_from_a_folder_to_a_workbook(template_copy: Path, fmt: str) -> None:
    state = adjusted(template_copy)
    out = state.export(fmt=fmt)
    assert out.suffix == f".{fmt}" and out.name.startswith("example-adjusted-")
    check_copy(state, out)
    # nothing else is left next to the case: no work folder; the case's own folders
    # (its scenarios/) go beside the workbook, as convert puts them
    left = {p.name for p in template_copy.parent.iterdir()} - {template_copy.name, out.name}
    assert left == {p.name for p in template_copy.iterdir() if p.is_dir()}


def test_export_of_a_workbook_case_is_a_workbook(template_copy: Path, tmp_path: Path) -> None:
    book = convert_case(template_copy, tmp_path / "books" / "example.xlsx")
    before = book.read_bytes()
    state = adjusted(book)
    out = state.export()
    assert out.suffix == ".xlsx" and out.parent == book.parent
    check_copy(state, out)
    assert book.read_bytes() == before  # the case itself is never changed
    folder = state.export(tmp_path / "folders", fmt="folder")
    assert folder.is_dir() and (folder / "audience_interests.csv").is_file()
    check_copy(state, folder)
    with pytest.raises(BadParameterError, match="export format"):
        state.export(fmt="csv")


def test_the_export_button_writes_a_workbook(template_copy: Path) -> None:
    from strategy_kit.explorer.widgets import Explorer

    explorer = Explorer(str(template_copy), start=START, days=365, draws=50)
    explorer.widget  # noqa: B018
    assert explorer.export_as.value == "folder"  # the case's own form by default
    explorer.interests["rights"].value = 0.3
    explorer.export_as.value = "xlsx"
    explorer.export.click()
    out = next(p for p in template_copy.parent.iterdir() if p.suffix == ".xlsx")
    assert out.name.startswith("example-adjusted-") and str(out) in explorer.status.value
    assert load_case(out).audience_interests.set_index(["audience", "interest"]).loc[
        ("journalists", "rights"), "weight"] == 0.3
