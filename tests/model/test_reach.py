"""Recesses, moments that name their audiences and goals, windows across short gaps (issue 20).

All on tests/cases/tiny, by hand: mps weigh security 0.6 and rights 0.2 (shares 0.75, 0.25),
the press rights and stories 0.5 each, the diaspora stories only. The crackdown (intensity 0.8,
security 1.0, 1–5 March 2025) presses mps with 0.8 · 0.75 = 0.6 while it lasts.
"""

from __future__ import annotations

import pandas as pd
import pytest
from engine_helpers import (
    START,
    tiny_case,  # noqa: F401  (the module-scoped "tiny" fixture)
    with_tables,
)

from strategy_kit.case import Case
from strategy_kit.model.timing import score_timing
from strategy_kit.model.windows import find_windows


def add_moments(case: Case, rows: list[dict], interests: list[tuple[str, str, float]]) -> Case:
    base = {"label": "", "end": None, "recurrence": "none", "half_life_days": 5.0,
            "lead_days": 0.0, "description": "", "source": "", "audiences": (), "goals": (),
            "likelihood": float("nan"), "response_days": float("nan")}
    extra = pd.DataFrame([{**base, **r} for r in rows])
    for c in ("start", "end"):
        extra[c] = pd.to_datetime(extra[c])
    moments = pd.concat([case.moments, extra], ignore_index=True)
    for c in ("audiences", "goals"):
        moments[c] = moments[c].map(lambda v: v if isinstance(v, tuple) else ())
    mi = pd.concat([case.moment_interests, pd.DataFrame(
        [{"moment": m, "interest": i, "relevance": r} for m, i, r in interests])],
        ignore_index=True)
    return with_tables(case, moments=moments, moment_interests=mi)


def timing(case: Case, audience: str, day: str, goal: str | None = None) -> float:
    t = score_timing(case, START, 365, audiences=audience, goal=goal)
    return float(t.loc[t["date"] == pd.Timestamp(day), "timing"].iloc[0])


def recess(audiences: tuple[str, ...]) -> dict:
    return {"id": "break", "name": "Break", "kind": "recess", "start": "2025-03-03",
            "end": "2025-03-04", "intensity": 0.5, "audiences": audiences}


# -- recesses (method.md §Recesses) -----------------------------------------------------------


def test_a_recess_lowers_attention_inside_it_for_the_named_audiences_only(tiny: Case) -> None:
    assert timing(tiny, "mps", "2025-03-03") == pytest.approx(0.6)
    case = add_moments(tiny, [recess(("mps",))], [])
    # timing · (1 − intensity of the recess) inside it: 0.6 · (1 − 0.5) = 0.3
    assert timing(case, "mps", "2025-03-02") == pytest.approx(0.6)  # before it
    assert timing(case, "mps", "2025-03-03") == pytest.approx(0.3)
    assert timing(case, "mps", "2025-03-04") == pytest.approx(0.3)
    assert timing(case, "mps", "2025-03-05") == pytest.approx(0.6)  # after it
    # a goal's timing too: r(mps, release, crackdown) = 0.75/(0.75 + 0.125) = 6/7
    assert timing(case, "mps", "2025-03-03", "release") == pytest.approx(0.8 * 6 / 7 * 0.5)
    # naming the press instead leaves the mps' attention as it was
    other = add_moments(tiny, [recess(("press",))], [])
    assert timing(other, "mps", "2025-03-03") == pytest.approx(0.6)


def test_a_window_inside_a_recess_is_flagged_for_the_audiences_it_affects(tiny: Case) -> None:
    case = add_moments(tiny, [recess(("mps",))], [])
    w = find_windows(case, "mps", START, 365)
    hit = w[w["start"] <= pd.Timestamp("2025-03-03")].iloc[-1]
    # 0.3 on 3–4 March is below 80 % of 0.6, but two days apart the runs are one window
    assert hit["start"] == pd.Timestamp("2025-03-01")
    assert hit["recesses"] == ("Break",)
    assert (find_windows(tiny, "mps", START, 365)["recesses"] == ()).all()


# -- moments that name whom they reach and what they decide -----------------------------------

HEARING = {"id": "hearing", "name": "Hearing", "kind": "event", "start": "2025-08-01",
           "intensity": 0.6}


def test_a_moment_restricted_to_named_audiences_opens_no_window_for_others(tiny: Case) -> None:
    # rights 1.0: r(mps) = 0.25, r(press) = 0.5 → pressures 0.15 and 0.3 on 1 August
    open_to_all = add_moments(tiny, [HEARING], [("hearing", "rights", 1.0)])
    assert timing(open_to_all, "mps", "2025-08-01") == pytest.approx(0.15)
    assert timing(open_to_all, "press", "2025-08-01") == pytest.approx(0.3)
    w = find_windows(open_to_all, "mps", START, 365, threshold=0.1)
    assert (w["moments"].map(lambda m: "hearing" in m)).any()
    named = add_moments(tiny, [{**HEARING, "audiences": ("press",)}],
                        [("hearing", "rights", 1.0)])
    assert timing(named, "mps", "2025-08-01") == 0.0
    assert timing(named, "press", "2025-08-01") == pytest.approx(0.3)  # as the case says
    w = find_windows(named, "mps", START, 365, threshold=0.1)
    assert not (w["moments"].map(lambda m: "hearing" in m)).any()


def test_moment_audiences_strength_stands_in_for_relevance(tiny: Case) -> None:
    case = add_moments(tiny, [HEARING], [("hearing", "rights", 1.0)])
    ma = pd.DataFrame({"moment": ["hearing"], "audience": ["diaspora"], "strength": [0.5],
                       "note": [""]})
    case = with_tables(case, moment_audiences=ma)
    assert timing(case, "diaspora", "2025-08-01") == pytest.approx(0.6 * 0.5)
    assert timing(case, "press", "2025-08-01") == 0.0  # not listed: not reached


def test_a_decision_moment_raises_its_goals_timing_only(tiny: Case) -> None:
    # r(mps, release, hearing) = (0.75·0 + 0.125·1)/0.875 = 1/7 through the interests
    both = add_moments(tiny, [HEARING], [("hearing", "rights", 1.0)])
    assert timing(both, "mps", "2025-08-01", "release") == pytest.approx(0.6 / 7)
    decides = add_moments(tiny, [{**HEARING, "goals": ("sanctions",)}],
                          [("hearing", "rights", 1.0)])
    assert timing(decides, "mps", "2025-08-01", "release") == 0.0
    # sanctions serve none of the mps' interests (fit 0): r(a, m) = 0.25 stands in
    assert timing(decides, "mps", "2025-08-01", "sanctions") == pytest.approx(0.6 * 0.25)
    # the audience's own attention is unchanged
    assert timing(decides, "mps", "2025-08-01") == pytest.approx(0.15)


def test_two_windows_four_days_apart_are_one(tiny: Case) -> None:
    blips = [{"id": f"blip{n}", "name": f"Blip {n}", "kind": "crisis", "start": day,
              "intensity": 0.5, "half_life_days": 0.1}
             for n, day in ((1, "2025-08-01"), (2, "2025-08-06"))]
    case = add_moments(tiny, blips, [("blip1", "stories", 1.0), ("blip2", "stories", 1.0)])
    assert timing(case, "diaspora", "2025-08-03") == 0.0  # four quiet days between
    w = find_windows(case, "diaspora", START, 365, threshold=0.4)
    aug = w[w["start"].dt.month == 8]
    assert list(zip(aug["start"], aug["end"], strict=True)) == [
        (pd.Timestamp("2025-08-01"), pd.Timestamp("2025-08-06"))]
    split = find_windows(case, "diaspora", START, 365,
                         threshold={"rule": "absolute", "threshold": 0.4, "gap": 3})
    assert len(split[split["start"].dt.month == 8]) == 2
