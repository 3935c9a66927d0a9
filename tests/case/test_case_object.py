"""One case object: a Case knows its values and ratings; the model never reads the disk."""

from __future__ import annotations

import builtins
import io
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import strategy_kit as sk
from strategy_kit.case import load_case as load_own_values
from strategy_kit.errors import BadParameterError, UnknownChoiceError
from strategy_kit.model.preparation import plan_preparation
from strategy_kit.model.robustness import participant_ranks

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
TINY = Path(__file__).parents[1] / "cases" / "tiny"
START = "2025-01-01"


@pytest.fixture(scope="module")
def rated() -> sk.Case:
    return sk.load_case(WORKSHOP)


def test_a_loaded_case_says_which_values_it_holds(rated: sk.Case) -> None:
    assert rated.values == "raters"
    assert rated.values_note == "medians of 6 raters (4 groups)"  # raters.csv: 3 + 1 + 2 alone
    raters = rated.ratings.raters
    assert list(raters["rater"]) == ["R01", "R02", "R03", "R04", "R05", "R06"]
    assert list(raters["group"]) == ["chamber"] * 3 + ["ngo", "R05", "R06"]
    assert set(raters["round"]) == {1}
    own = load_own_values(WORKSHOP)  # the case stage's loader: the files' values, no ratings
    assert own.values == "own" and own.ratings is None
    assert own.values_note == "the case's own values"
    assert sk.load_case(WORKSHOP, ratings=False).values == "own"
    assert sk.load_case(TINY).values == "own" and sk.load_case(TINY).ratings is None


def test_variants_are_derived_not_changed(rated: sk.Case) -> None:
    own_file = load_own_values(WORKSHOP)
    own = rated.with_values("own")
    assert own.values == "own" and own.ratings is rated.ratings  # the ratings stay known
    assert own.values_note == "the case's own values (its ratings set aside)"
    assert own.data_hash == own_file.data_hash != rated.data_hash
    pd.testing.assert_frame_equal(own.audiences, own_file.audiences)
    # mps's influence: the chamber (low, low, high: 0.2, 0.2, 0.8) speaks 0.2, the ngo (dagny)
    # 0.8, emeka 0.8, fumiko 0.5: the median of 0.2, 0.5, 0.8, 0.8 is 0.65; the file says 0.8.
    assert own_file.audiences.set_index("id").loc["mps", "influence"] == 0.8
    assert rated.audiences.set_index("id").loc["mps", "influence"] == pytest.approx(0.65)
    back = own.with_values("raters")
    assert back.data_hash == rated.data_hash
    pd.testing.assert_frame_equal(back.audiences, rated.audiences)
    bare = rated.without_ratings()
    assert bare.ratings is None and bare.values == "own" and bare.data_hash == own_file.data_hash
    with pytest.raises(UnknownChoiceError, match="unknown values 'raters'"):
        bare.with_values("raters")
    changed = rated.with_tables(audiences=rated.audiences.assign(influence=0.5), tag="-x")
    assert changed.data_hash == f"{rated.data_hash}-x" and changed.values == "raters"
    assert set(changed.audiences["influence"]) == {0.5}
    assert rated.audiences.set_index("id").loc["mps", "influence"] == pytest.approx(0.65)
    with pytest.raises(UnknownChoiceError, match="unknown table 'audience'"):
        rated.with_tables(audience=rated.audiences)
    with pytest.raises(UnknownChoiceError, match="unknown table"):
        rated.table("nothing")


def test_loading_is_cached_by_content_ratings_included(tmp_path: Path) -> None:
    case = shutil.copytree(WORKSHOP, tmp_path / "workshop")
    first = sk.load_case(case)
    assert sk.load_case(case) is first  # the same files: the same immutable case
    sheet = case / "ratings" / "emeka" / "influence.csv"
    text = sheet.read_text()
    sheet.write_text(text.replace("mps,Members of parliament,high",
                                  "mps,Members of parliament,low"))
    again = sk.load_case(case)
    assert again is not first and again.data_hash != first.data_hash
    # emeka now says low: the voices are 0.2, 0.8, 0.2, 0.5, whose median is 0.35
    assert again.audiences.set_index("id").loc["mps", "influence"] == pytest.approx(0.35)
    assert again.without_ratings().data_hash == first.without_ratings().data_hash


@pytest.mark.parametrize("bare", ["ratings=False", "without_ratings()"])
def test_a_case_without_ratings_has_no_rater_robustness_and_no_disagreements(
        rated: sk.Case, bare: str) -> None:
    case = (sk.load_case(WORKSHOP, ratings=False) if bare == "ratings=False"
            else rated.without_ratings())
    rob = sk.score_robustness(case, "release", start=START, draws=20)
    assert rob.source == "noise" and rob.method == "noise" and rob.participants is None
    assert sk.plan_disagreements(case, start=START) is None
    assert sk.case_ratings(case) is None
    with pytest.raises(BadParameterError, match="loaded without ratings"):
        sk.score_robustness(case, "release", start=START, draws=20, source="raters")
    # … while the case with its ratings resamples its participants
    with_raters = sk.score_robustness(rated, "release", start=START, draws=20)
    assert with_raters.source == "raters" and with_raters.method == "bootstrap"
    assert set(with_raters.participants["rater"]) == set(rated.ratings.raters["rater"])
    assert sk.plan_disagreements(rated, start=START) is not None


def test_the_model_opens_no_file(rated: sk.Case, monkeypatch: pytest.MonkeyPatch) -> None:
    def score() -> None:
        for goal in rated.ids("goal"):
            sk.score_priority(rated, goal=goal, start=START)
            sk.score_robustness(rated, goal, start=START, draws=20)
            participant_ranks(rated, goal, start=START)
            sk.plan_coverage(rated, goal, start=START)
        sk.plan_disagreements(rated, start=START)
        sk.item_agreement(rated)
        sk.recommend_formats(rated, "mps", "release", start=START)
        plan_preparation(rated, "mps", "release", start=START)
        sk.recommend_messages(rated, "mps", "release")

    score()  # every lazy import done, every cache warm: what follows is the model alone

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the model touched the disk: {args[:1]}")

    for owner, name in [(builtins, "open"), (io, "open"), (os, "open"), (os, "stat"),
                        (os, "listdir"), (os, "scandir"), (Path, "open"), (Path, "stat"),
                        (Path, "iterdir"), (Path, "read_bytes"), (Path, "read_text"),
                        (pd, "read_csv"), (pd, "read_excel")]:
        monkeypatch.setattr(owner, name, refuse)
    fresh = rated.with_tables(tag="-fresh")  # a new object: no memoised matrices to lean on
    sk.score_robustness(fresh, "release", start=START, draws=20)
    sk.plan_disagreements(fresh, start=START)
    score()


def test_one_definition_of_what_a_case_folder_holds(tmp_path: Path) -> None:
    from strategy_kit.case.contents import copy_parts

    src = shutil.copytree(WORKSHOP, tmp_path / "src")
    rater = src / "ratings" / "aino"
    (rater / ".~lock.influence.csv#").write_text("lock")
    (rater / "~$influence.xlsx").write_text("owner")
    (src / "ratings" / ".DS_Store").write_text("finder")
    (src / "ratings" / "linked.csv").symlink_to(tmp_path / "elsewhere.csv")
    (src / "ratings" / "aino" / "deeper").mkdir()
    (src / "ratings" / "aino" / "deeper" / "x.csv").write_text("too deep")
    (src / "snapshots" / "2026-01-01").mkdir(parents=True)
    (src / "snapshots" / "2026-01-01" / "audiences.csv").write_text("history")
    (src / "scenarios").mkdir()
    (src / "scenarios" / "quiet.yaml").write_text("title: Quiet\n")
    dst = tmp_path / "dst"
    dst.mkdir()
    written = sorted(p.relative_to(dst).as_posix() for p in copy_parts(src, dst))
    expected = sorted(p.relative_to(WORKSHOP).as_posix()
                      for p in (WORKSHOP / "ratings").rglob("*") if p.is_file())
    assert written == sorted([*expected, "scenarios/quiet.yaml"])
    assert not (dst / "snapshots").exists()  # a copy starts its own history
    (dst / "scenarios" / "quiet.yaml").write_text("title: Mine\n")
    assert copy_parts(src, dst) == []  # parts already there are left as they are
    assert (dst / "scenarios" / "quiet.yaml").read_text() == "title: Mine\n"
