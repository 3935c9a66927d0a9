"""Robustness from the raters (method.md §Many raters): bootstrap, leave-one-out, own views."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import strategy_kit as sk

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
TINY = Path(__file__).parents[1] / "cases" / "tiny"
START = "2025-01-01"


@pytest.fixture(scope="module")
def case() -> sk.Case:
    return sk.load_case(WORKSHOP)


def test_raters_are_the_default_source_with_ratings(case: sk.Case) -> None:
    r = sk.score_robustness(case, "release", start=START, draws=400)
    assert (r.source, r.method, r.draws) == ("raters", "bootstrap", 400)
    s = r.summary.set_index("audience")
    assert list(s["base_rank"]) == [1, 2, 3, 4, 5]
    # students are last in every participant's view and in every draw
    assert s.loc["students", "p_top3"] == 0.0 and s.loc["students", "rank_p05"] == 5
    # mps is polarised: some draws put it out of first place; it leaves the top three
    # only when its low view (0.49) meets business's high view (0.548): rarely
    dist = r.distribution[r.distribution["audience"] == "mps"].set_index("rank")["probability"]
    assert 0 < dist.get(1, 0) < 1 and dist.sum() == pytest.approx(1.0)
    assert 0.9 < s.loc["mps", "p_top3"] < 1.0
    assert r.distribution.groupby("rank")["probability"].sum().to_numpy() == pytest.approx(1)


def test_the_same_seed_gives_the_same_draws(case: sk.Case) -> None:
    a = sk.score_robustness(case, "release", start=START, draws=200, seed=3)
    b = sk.score_robustness(case, "release", start=START, draws=200, seed=3)
    assert a.distribution.equals(b.distribution)


def test_each_participants_own_ranking(case: sk.Case) -> None:
    p = sk.score_robustness(case, "release", start=START, draws=50).participants
    first = p[p["rank"] == 1].set_index("rater")["audience"].to_dict()
    # R01, R02 rated mps low: press first; R03–R05 rated it high: mps first;
    # R06 said medium (0.5): press 0.61 beats mps 0.58
    assert first == {"R01": "press", "R02": "press", "R03": "mps", "R04": "mps",
                     "R05": "mps", "R06": "press"}


def test_noise_stays_for_single_rater_cases(case: sk.Case) -> None:
    tiny = sk.load_case(TINY)
    r = sk.score_robustness(tiny, "release", start=START, draws=100)
    assert (r.source, r.method, r.participants) == ("noise", "noise", None)
    with pytest.raises(sk.BadParameterError, match="no ratings"):
        sk.score_robustness(tiny, "release", source="raters")
    n = sk.score_robustness(case, "release", start=START, draws=100, source="noise")
    assert n.source == "noise"
    with pytest.raises(sk.BadParameterError, match="source"):
        sk.score_robustness(case, "release", source="crowd")


def test_fewer_than_five_raters_leave_one_out(tmp_path: Path) -> None:
    target = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, target)
    for name in ("emeka", "fumiko"):
        shutil.rmtree(target / "ratings" / name)
    lines = (target / "ratings" / "raters.csv").read_text(encoding="utf-8").splitlines()
    (target / "ratings" / "raters.csv").write_text("\n".join(lines[:5]) + "\n",
                                                   encoding="utf-8")
    c = sk.load_case(target)
    r = sk.score_robustness(c, "release", start=START, draws=1000)
    assert (r.method, r.draws) == ("leave-one-out", 4)
    # mps's influence: chamber (aino low, bjarki low, chidi high) and ngo (dagny high).
    # Without aino or bjarki: chamber 0.5, ngo 0.8 → 0.65 > press's 0.6: mps first.
    # Without chidi: chamber 0.2 → 0.5; without dagny: 0.2: press first. 2 of 4 panels.
    dist = r.distribution[r.distribution["audience"] == "press"].set_index("rank")
    assert dist.loc[1, "probability"] == pytest.approx(0.5)
    assert sorted(r.participants["rater"].unique()) == ["R01", "R02", "R03", "R04"]


def test_raters_draws_match_score_priority_on_the_median(case: sk.Case) -> None:
    # a one-rater-per-group draw that picks every rater reproduces the aggregated ranking
    r = sk.score_robustness(case, "sanctions", start=START, draws=300)
    base = sk.score_priority(case, goal="sanctions", start=START)
    assert list(r.summary["audience"]) == list(base["audience"])
    assert np.all(r.summary["rank_p05"] <= r.summary["base_rank"])
