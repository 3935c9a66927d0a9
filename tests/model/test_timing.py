"""Attention kernels, timing, drivers and windows: hand-computed on tests/cases/tiny."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from engine_helpers import (
    START,
    tiny_case,  # noqa: F401  (the module-scoped "tiny" fixture)
    with_tables,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategy_kit.case import Case
from strategy_kit.errors import BadParameterError, UnknownChoiceError
from strategy_kit.model.timing import attention_drivers, score_timing
from strategy_kit.model.windows import find_windows


def pressure(case: Case, audience: str, moment: str, day: str, start: str = START,
             days: int = 365) -> float:
    d = attention_drivers(case, audience, start, days)
    hit = d[(d["moment"] == moment) & (d["date"] == pd.Timestamp(day))]
    return float(hit["pressure"].iloc[0]) if len(hit) else 0.0


def timing_on(case: Case, audience: str, day: str, start: str = START, days: int = 365) -> float:
    t = score_timing(case, start, days, audiences=audience)
    return float(t.loc[t["date"] == pd.Timestamp(day), "timing"].iloc[0])


# -- kernels, read through the pressure intensity · r(a, m) · k_m(t) -------------------------


def test_crisis_kernel(tiny: Case) -> None:
    # crackdown: intensity 0.8, r(mps) = 0.6/0.8 = 0.75, so pressure = 0.6 · k
    assert pressure(tiny, "mps", "crackdown", "2025-02-28") == 0.0  # a crisis has no ramp
    assert pressure(tiny, "mps", "crackdown", "2025-03-01") == pytest.approx(0.6)  # start: 1
    assert pressure(tiny, "mps", "crackdown", "2025-03-05") == pytest.approx(0.6)  # held to end
    # one half-life (10 days) after the end: 1/2
    assert pressure(tiny, "mps", "crackdown", "2025-03-15") == pytest.approx(0.3)
    assert pressure(tiny, "mps", "crackdown", "2025-03-25") == pytest.approx(0.15)
    # the tail is cut below 1/1000 (after about 10 half-lives)
    assert pressure(tiny, "mps", "crackdown", "2025-07-01") == 0.0


def test_anniversary_ramp_and_next_year(tiny: Case) -> None:
    # vigil: intensity 0.5, r(diaspora) = 1, lead 20 days, half-life 5, yearly from 2024-09-10
    p = lambda day: pressure(tiny, "diaspora", "vigil", day, days=730)  # noqa: E731
    assert p("2025-08-21") == 0.0  # the ramp starts at 0, lead_days before the start
    assert p("2025-08-31") == pytest.approx(0.25)  # halfway up the ramp: k = 1/2
    assert p("2025-09-10") == pytest.approx(0.5)  # the start: k = 1
    assert p("2025-09-15") == pytest.approx(0.25)  # one half-life later
    assert p("2026-08-31") == pytest.approx(0.25)  # next year's occurrence, same shape
    assert p("2026-09-10") == pytest.approx(0.5)


def test_previous_years_tail(tiny: Case) -> None:
    # summit, yearly on 20 December from 2023; the 2024 occurrence still decays in January:
    # 2025-01-04 is 15 days = 3 half-lives later. pressure = 0.5 · r(press) 0.5 · 1/8
    assert pressure(tiny, "press", "summit", "2025-01-04", days=10) == pytest.approx(0.03125)


def test_29_february_recurs_on_28(tiny: Case) -> None:
    mo = tiny.moments
    mo.loc[mo["id"] == "vigil", "start"] = pd.Timestamp("2024-02-29")
    case = with_tables(tiny, moments=mo)
    assert pressure(case, "diaspora", "vigil", "2025-02-28") == pytest.approx(0.5)
    assert pressure(case, "diaspora", "vigil", "2028-02-29", start="2028-01-01") == \
        pytest.approx(0.5)


# -- timing -----------------------------------------------------------------------------------


def test_timing_by_hand(tiny: Case) -> None:
    assert timing_on(tiny, "mps", "2025-03-15") == pytest.approx(0.3)
    assert timing_on(tiny, "press", "2025-09-10") == pytest.approx(0.375)
    # two moments at once: summit 0.5·0.5·1 and verdict 0.4·0.5·(1/2): 1 − (1−0.25)(1−0.1)
    assert timing_on(tiny, "press", "2025-12-20") == pytest.approx(0.325)


def test_score_timing_shape(tiny: Case) -> None:
    t = score_timing(tiny, START, 30)
    assert list(t.columns) == ["date", "audience", "timing"]
    assert len(t) == 3 * 30
    assert list(t["audience"].unique()) == ["mps", "press", "diaspora"]
    assert t["date"].iloc[0] == pd.Timestamp(START)
    assert t["date"].iloc[29] == pd.Timestamp("2025-01-30")
    assert t["timing"].between(0, 1).all()
    assert len(score_timing(tiny, START, 30, audiences=["press"])) == 30
    # a decade is allowed and stays bounded
    assert score_timing(tiny, START, 3660)["timing"].between(0, 1).all()


def test_drivers_sorted_and_positive(tiny: Case) -> None:
    d = attention_drivers(tiny, "press", START, 365)
    assert list(d.columns) == ["date", "moment", "moment_name", "kind", "pressure"]
    assert (d["pressure"] > 0).all()
    assert d["date"].is_monotonic_increasing
    day = d[d["date"] == pd.Timestamp("2025-12-20")]
    assert list(day["moment"]) == ["summit", "verdict"]
    assert day["pressure"].tolist() == pytest.approx([0.25, 0.1])


# -- windows ----------------------------------------------------------------------------------


def test_windows_by_hand(tiny: Case) -> None:
    # the relative rule (the default): days within 80 % of the peak 0.6: 0.6·2^(−3/10) =
    # 0.487 ≥ 0.48 on 8 March, 0.455 on the 9th
    rel = find_windows(tiny, "mps", START, 365)
    assert list(rel["end"]) == [pd.Timestamp("2025-03-08")]
    assert not rel["late"].iloc[0]
    assert find_windows(tiny, "mps", START, 365, threshold="80%").equals(rel)
    # the absolute rule, as before: timing ≥ 0.5
    w = find_windows(tiny, "mps", START, 365, threshold=0.5)
    assert list(w.columns) == ["audience", "start", "end", "peak_date", "peak", "moments",
                               "moment_names", "lead_days", "prepare_by", "late", "recesses"]
    assert len(w) == 1
    r = w.iloc[0]
    # 0.6 · 2^(−2/10) = 0.52 ≥ 0.5 on 7 March; 0.6 · 2^(−3/10) = 0.49 on the 8th
    assert (r["start"], r["end"]) == (pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-07"))
    assert r["peak"] == pytest.approx(0.6) and r["peak_date"] == pd.Timestamp("2025-03-01")
    assert r["moments"] == ("crackdown",) and r["moment_names"] == ("Crackdown",)
    assert r["lead_days"] == 7 and r["prepare_by"] == pd.Timestamp("2025-02-22")


def test_windows_with_two_moments(tiny: Case) -> None:
    w = find_windows(tiny, "press", START, 365, threshold=0.3)
    assert list(w["start"]) == [pd.Timestamp("2025-09-06"), pd.Timestamp("2025-12-20")]
    assert list(w["end"]) == [pd.Timestamp("2025-09-11"), pd.Timestamp("2025-12-20")]
    assert w["moments"].iloc[1] == ("summit", "verdict")  # the main moment first
    assert w["prepare_by"].iloc[0] == pd.Timestamp("2025-08-17")  # 6 Sept − 20 days
    assert find_windows(tiny, "press", START, 365, threshold=0.9).empty


# -- bad input --------------------------------------------------------------------------------

CALLS = [
    lambda c, a, s: score_timing(c, s, 30, audiences=[a]),
    lambda c, a, s: attention_drivers(c, a, s, 30),
    lambda c, a, s: find_windows(c, a, s, 30),
]


@pytest.mark.parametrize("call", CALLS)
def test_unknown_audience(tiny: Case, call) -> None:
    with pytest.raises(UnknownChoiceError, match="unknown audience 'pres'; did you mean "
                                                 "'press'.*'mps', 'press', 'diaspora'"):
        call(tiny, "pres", START)


@pytest.mark.parametrize("call", CALLS)
def test_bad_date(tiny: Case, call) -> None:
    with pytest.raises(BadParameterError, match="bad start '2025-02-30'"):
        call(tiny, "press", "2025-02-30")


@pytest.mark.parametrize("threshold", [0, 1.5, "high", "0%", "150%"])
def test_bad_threshold(tiny: Case, threshold: object) -> None:
    with pytest.raises(BadParameterError, match="bad threshold"):
        find_windows(tiny, "mps", START, threshold=threshold)  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(intensity=st.lists(st.floats(0, 1), min_size=5, max_size=5),
       bump=st.floats(0, 1), which=st.integers(0, 4),
       start=st.dates(min_value=pd.Timestamp("2020-01-01").date(),
                      max_value=pd.Timestamp("2030-12-31").date()))
def test_timing_bounded_and_monotone_in_intensity(tiny: Case, intensity: list[float],
                                                  bump: float, which: int, start) -> None:
    mo = tiny.moments.assign(intensity=intensity)
    before = score_timing(with_tables(tiny, moments=mo), start, 400)["timing"].to_numpy()
    assert ((before >= 0) & (before <= 1)).all()
    mo.loc[which, "intensity"] = min(1.0, mo.loc[which, "intensity"] + bump)
    after = score_timing(with_tables(tiny, moments=mo), start, 400)["timing"].to_numpy()
    assert (after >= before - 1e-12).all()
    assert np.all(after <= 1)


@pytest.mark.parametrize("case_name", ["belarus", str(Path(__file__).parents[1] / "cases"
                                                       / "georgia")])
@pytest.mark.parametrize("start", ["2026-01-01", "2026-12-01"])
def test_goal_peaks_equal_the_full_curves(case_name: str, start: str) -> None:
    """The bounded shortcut of goal_peaks gives exactly the peak of every goal's curve."""
    from strategy_kit import load_case
    from strategy_kit.model.matrices import horizon
    from strategy_kit.model.timing import goal_peaks, timing_matrix

    case = load_case(case_name)
    h = horizon(case, start, None)
    peak, day = goal_peaks(case, h)
    for g in range(peak.shape[1]):
        full = timing_matrix(case, h, g)
        assert peak[:, g] == pytest.approx(full.max(axis=1), abs=1e-12)
        at = full[np.arange(full.shape[0]), day[:, g] - h.first]
        assert at == pytest.approx(peak[:, g], abs=1e-12)


def test_goal_timing_by_hand(tiny: Case) -> None:
    # release reaches the MPs through security (0.75) and rights (0.125): the crackdown
    # (security 1.0) counts 0.75/0.875 = 6/7 of its intensity 0.8 on 1 March
    t = score_timing(tiny, START, 365, audiences="mps", goal="release").set_index("date")
    assert t.loc[pd.Timestamp("2025-03-01"), "timing"] == pytest.approx(0.8 * 6 / 7)
    # the audience's own timing weighs security 0.6/0.8: 0.8 · 0.75
    own = score_timing(tiny, START, 365, audiences="mps").set_index("date")
    assert own.loc[pd.Timestamp("2025-03-01"), "timing"] == pytest.approx(0.6)
    # the summit (rights 1.0, intensity 0.5) on 20 December: release reaches the press only
    # through rights, so it counts fully (0.5); for the press as a whole, rights is half (0.25)
    pr = score_timing(tiny, START, 365, audiences="press", goal="release").set_index("date")
    assert pr.loc[pd.Timestamp("2025-12-20"), "timing"] == pytest.approx(
        1 - (1 - 0.5) * (1 - 0))  # the verdict of 19 Dec speaks to stories only: 0 here


@pytest.mark.parametrize("seed", range(5))
def test_bounded_peaks_match_dense_on_random_pressures(seed: int) -> None:
    from strategy_kit.model.timing import _exact_peaks

    rng = np.random.default_rng(seed)
    n, m, c = 400, 12, 60
    p = rng.random((n, m)) * (rng.random((n, m)) < 0.4)
    p[:5, 0] = 1.0  # a certain moment: no bound, every day is checked
    p[5:10] = 0.0  # no pressure at all: peak 0
    k = rng.random((m, c)) * (rng.random((m, c)) < 0.5)
    dense = 1 - np.prod(1 - p[:, :, None] * k[None, :, :], axis=1)
    peak, at = _exact_peaks(p, k)
    assert peak == pytest.approx(dense.max(axis=1), abs=1e-12)
    live = dense.max(axis=1) > 0
    assert (at[live] == dense.argmax(axis=1)[live]).all()
