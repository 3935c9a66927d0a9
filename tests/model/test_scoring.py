"""Fit, contributions and priority: hand-computed on tests/cases/tiny, plus properties."""

from __future__ import annotations

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
from strategy_kit.model.scoring import score_contributions, score_fit, score_priority

# -- hand-computed ----------------------------------------------------------------------------


def test_fit_by_hand(tiny: Case) -> None:
    fit = score_fit(tiny).set_index(["audience", "goal"])["fit"]
    # mps: (0.6·1.0 + 0.2·0.5) / (0.6 + 0.2)
    assert fit["mps", "release"] == pytest.approx(0.875)
    assert fit["press", "release"] == pytest.approx(0.25)  # 0.5·0.5 / 1.0
    assert fit["diaspora", "release"] == 0.0
    assert fit["mps", "sanctions"] == 0.0
    assert fit["press", "sanctions"] == pytest.approx(0.4)  # 0.5·0.8 / 1.0
    assert fit["diaspora", "sanctions"] == pytest.approx(0.8)
    assert list(score_fit(tiny, "sanctions").columns) == ["audience", "goal", "fit"]
    assert set(score_fit(tiny, "sanctions")["goal"]) == {"sanctions"}


def test_contributions_by_hand(tiny: Case) -> None:
    c = score_contributions(tiny, "mps", "release")
    assert list(c.columns) == ["interest", "interest_name", "theme", "weight", "strength",
                               "contribution", "hook"]
    assert list(c["interest"]) == ["security", "rights"]  # the largest contribution first
    assert c["contribution"].tolist() == pytest.approx([0.75, 0.125])
    assert c["contribution"].sum() == pytest.approx(0.875)
    assert c["hook"].iloc[0] == "Releases lower the risk at the border."
    # an interest the audience weighs but the goal does not serve: contribution 0, no hook
    d = score_contributions(tiny, "press", "release").set_index("interest")
    assert d.loc["stories", "contribution"] == 0.0 and d.loc["stories", "hook"] == ""


def test_priority_by_hand(tiny: Case) -> None:
    """The additive rule (tiny's case.yaml says priority: additive), goal-aware timing."""
    p = score_priority(tiny, start=START, days=365)
    assert list(p.columns) == ["audience", "audience_name", "group", "goal", "goal_name", "fit",
                               "influence", "timing", "peak_date", "fit_part",
                               "influence_part", "timing_part", "priority", "rank",
                               "opportunity", "rule"]
    assert set(p["rule"]) == {"additive"}
    r = p[p["goal"] == "release"].set_index("audience")
    # release reaches the MPs through security (0.75·1) and rights (0.25·0.5): fit 0.875; the
    # crackdown speaks to security only, so r(mps, release, crackdown) = 0.75/0.875 = 6/7 and
    # timing = 0.8·6/7. Priority 0.4·0.875 + 0.3·0.8 + 0.3·0.8·6/7
    assert r.loc["mps", "timing"] == pytest.approx(0.8 * 6 / 7)
    assert r.loc["mps", "priority"] == pytest.approx(0.35 + 0.24 + 0.3 * 0.8 * 6 / 7)
    assert r.loc["mps", "peak_date"] == pd.Timestamp("2025-03-01")
    # release reaches the press only through rights: the summit (rights 1.0, intensity 0.5)
    # counts fully, the vigil only by its rights relevance 0.5: timing 0.5 on 20 Dec
    assert r.loc["press", "timing"] == pytest.approx(0.5)
    assert r.loc["press", "peak_date"] == pd.Timestamp("2025-12-20")
    assert r.loc["press", "priority"] == pytest.approx(0.4 * 0.25 + 0.3 * 0.4 + 0.3 * 0.5)
    # fit 0: the audience's own timing stands in (the vigil: 0.5 · 1)
    assert r.loc["diaspora", "priority"] == pytest.approx(0.3)  # 0 + 0.15 + 0.3·0.5
    assert list(r.index) == ["mps", "press", "diaspora"]
    assert list(r["rank"]) == [1, 2, 3]
    s = p[p["goal"] == "sanctions"]
    # sanctions reach the press through stories only: the vigil counts fully (0.5 · 1), so
    # the press (0.16 + 0.12 + 0.15) now passes the MPs (0 + 0.24 + 0.18)
    assert list(s["audience"]) == ["diaspora", "press", "mps"]
    assert s["priority"].tolist() == pytest.approx([0.62, 0.43, 0.42])
    parts = p[["fit_part", "influence_part", "timing_part"]].sum(axis=1)
    assert np.allclose(parts, p["priority"])
    assert list(p["goal"]) == ["release"] * 3 + ["sanctions"] * 3


def test_gated_priority_by_hand(tiny: Case) -> None:
    """priority = fit^0.4 · opportunity^0.6, opportunity = (0.3·influence + 0.3·timing)/0.6."""
    p = score_priority(tiny, start=START, days=365, rule="gated")
    r = p[p["goal"] == "release"].set_index("audience")
    opp = (0.8 + 0.8 * 6 / 7) / 2
    assert r.loc["mps", "opportunity"] == pytest.approx(opp)
    assert r.loc["mps", "priority"] == pytest.approx(0.875 ** 0.4 * opp ** 0.6)
    assert r.loc["press", "priority"] == pytest.approx(0.25 ** 0.4 * 0.45 ** 0.6)
    # no reason to care: priority 0, below every audience with one, whatever its influence
    assert r.loc["diaspora", "priority"] == 0 and r.loc["diaspora", "rank"] == 3
    s = p[p["goal"] == "sanctions"].set_index("audience")
    assert s.loc["mps", "priority"] == 0 and s.loc["mps", "rank"] == 3
    assert s.loc["diaspora", "priority"] == pytest.approx(0.8 ** 0.4 * 0.5 ** 0.6)
    # the parts split the priority in proportion to weight × value
    mps = r.loc["mps"]
    total = 0.4 * 0.875 + 0.3 * 0.8 + 0.3 * 0.8 * 6 / 7
    assert mps["fit_part"] == pytest.approx(mps["priority"] * 0.35 / total)
    parts = p[["fit_part", "influence_part", "timing_part"]].sum(axis=1)
    assert np.allclose(parts, p["priority"])


def test_gated_is_monotone_and_gates() -> None:
    from strategy_kit.model.scoring import priority_matrix

    w = np.array([0.4, 0.3, 0.3])
    grid = np.linspace(0, 1, 11)
    for part in range(3):
        x = [np.full(11, 0.5) for _ in range(3)]
        x[part] = grid
        p = priority_matrix(x[0], x[1], x[2], w, "gated")
        assert np.all(np.diff(p) >= 0)  # never lowered by a larger part
    # fit 0 with full influence and timing stays below a tiny fit with none
    assert priority_matrix(np.array(0.0), np.array(1.0), np.array(1.0), w, "gated") \
        < priority_matrix(np.array(0.01), np.array(0.01), np.array(0.0), w, "gated")


def test_unknown_rule(tiny: Case) -> None:
    with pytest.raises(UnknownChoiceError, match="geometric"):
        score_priority(tiny, start=START, days=365, rule="geometric")


def test_priority_weights_override(tiny: Case) -> None:
    p = score_priority(tiny, "release", START, 365, weights={"fit": 1, "influence": 0,
                                                             "timing": 0})
    assert p["priority"].tolist() == pytest.approx([0.875, 0.25, 0.0])
    # keys left out keep the case's value; the rest is rescaled to sum 1
    q = score_priority(tiny, "release", START, 365, weights={"timing": 0})
    r = q.set_index("audience")
    assert r.loc["mps", "priority"] == pytest.approx((0.4 * 0.875 + 0.3 * 0.8) / 0.7)
    assert r.loc["mps", "timing_part"] == 0.0


def test_ties_share_the_better_rank(tiny: Case) -> None:
    case = with_tables(tiny, audiences=tiny.audiences.assign(influence=0.5))
    p = score_priority(case, "sanctions", START, 365, weights={"fit": 0, "timing": 0})
    assert p["rank"].tolist() == [1, 1, 1]


def test_scoring_leaves_what_the_caller_passes_as_it_was(tiny: Case) -> None:
    # The caller's weights and audience list are theirs: rescaling the weights or sorting the
    # audiences in place would change them under the caller (each check fails if it did).
    from types import MappingProxyType

    from strategy_kit.model.timing import score_timing

    w = {"influence": 2.0, "fit": 0.5}
    p = score_priority(tiny, start=START, weights=w)
    assert list(w.items()) == [("influence", 2.0), ("fit", 0.5)]
    frozen = score_priority(tiny, start=START, weights=MappingProxyType(dict(w)))
    pd.testing.assert_frame_equal(p, frozen)
    audiences = ["press", "mps"]
    t = score_timing(tiny, start=START, days=30, audiences=audiences)
    assert audiences == ["press", "mps"]
    assert set(t["audience"]) == {"press", "mps"}


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda c: score_fit(c, "relase"),
    lambda c: score_contributions(c, "mps", "relase"),
    lambda c: score_priority(c, "relase"),
])
def test_unknown_goal(tiny: Case, call) -> None:
    with pytest.raises(UnknownChoiceError, match="unknown goal 'relase'; did you mean "
                                                 "'release'.*'sanctions'") as e:
        call(tiny)
    assert e.value.choices == ("release", "sanctions")


def test_unknown_audience(tiny: Case) -> None:
    with pytest.raises(UnknownChoiceError, match="unknown audience 'mp'; did you mean 'mps'"):
        score_contributions(tiny, "mp", "release")


@pytest.mark.parametrize("start", ["2025-13-01", "01/02/2025", "soon", 20250101])
def test_bad_start(tiny: Case, start: object) -> None:
    with pytest.raises(BadParameterError, match="bad start .*YYYY-MM-DD"):
        score_priority(tiny, start=start)


@pytest.mark.parametrize("days", [-1, "ten", 5000])
def test_bad_days(tiny: Case, days: object) -> None:
    with pytest.raises(BadParameterError, match="bad days"):
        score_priority(tiny, start=START, days=days)


@pytest.mark.parametrize("weights, error, match", [
    ({"fitt": 1}, UnknownChoiceError, "unknown weight 'fitt'; did you mean 'fit'"),
    ({"fit": -1}, BadParameterError, "bad weight 'fit'"),
    ({"fit": "high"}, BadParameterError, "bad weight 'fit'"),
    ({"fit": 0, "influence": 0, "timing": 0}, BadParameterError, "at least one weight"),
    ([0.1, 0.2, 0.7], BadParameterError, "bad weights"),
])
def test_bad_weights(tiny: Case, weights: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        score_priority(tiny, start=START, weights=weights)  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------------------------

unit = st.floats(0.0, 1.0, allow_nan=False)
positive = st.floats(0.01, 1.0, allow_nan=False)
PROPS = settings(max_examples=40, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


def _random_case(tiny: Case, data: st.DataObject) -> Case:
    """The tiny case with every score redrawn (the links stay)."""
    ai, gi, au = tiny.audience_interests, tiny.goal_interests, tiny.audiences
    mo, mi = tiny.moments, tiny.moment_interests
    ai["weight"] = data.draw(st.lists(positive, min_size=len(ai), max_size=len(ai)))
    gi["strength"] = data.draw(st.lists(unit, min_size=len(gi), max_size=len(gi)))
    au["influence"] = data.draw(st.lists(unit, min_size=len(au), max_size=len(au)))
    mo["intensity"] = data.draw(st.lists(unit, min_size=len(mo), max_size=len(mo)))
    mi["relevance"] = data.draw(st.lists(unit, min_size=len(mi), max_size=len(mi)))
    return with_tables(tiny, audience_interests=ai, goal_interests=gi, audiences=au,
                       moments=mo, moment_interests=mi)


@PROPS
@given(data=st.data())
def test_scores_in_unit_interval_and_parts_add_up(tiny: Case, data: st.DataObject) -> None:
    case = _random_case(tiny, data)
    w = data.draw(st.fixed_dictionaries({"fit": unit, "influence": unit, "timing": positive}))
    p = score_priority(case, start=START, days=365, weights=w)
    for col in ("fit", "influence", "timing", "fit_part", "influence_part", "timing_part",
                "priority"):
        assert p[col].between(0, 1).all(), col
    assert np.allclose(p[["fit_part", "influence_part", "timing_part"]].sum(axis=1),
                       p["priority"])
    for a in case.ids("audience"):
        for g in case.ids("goal"):
            c = score_contributions(case, a, g)
            fit = p[(p["audience"] == a) & (p["goal"] == g)]["fit"].iloc[0]
            assert c["contribution"].sum() == pytest.approx(fit)


@PROPS
@given(data=st.data(), bump=st.floats(0.0, 1.0))
def test_raising_a_weight_on_a_well_served_interest_never_lowers_fit(
        tiny: Case, data: st.DataObject, bump: float) -> None:
    # method.md §Fit: fit is a weighted mean of strengths, so raising w(a, i) raises fit
    # exactly when s(g, i) ≥ fit(a, g) (and raising a strength always does)
    case = _random_case(tiny, data)
    ai = case.audience_interests
    row = data.draw(st.integers(0, len(ai) - 1))
    a, i = ai.at[row, "audience"], ai.at[row, "interest"]
    g = data.draw(st.sampled_from(case.ids("goal")))
    before = score_contributions(case, a, g)
    fit = before["contribution"].sum()
    strength = before.set_index("interest").at[i, "strength"]
    ai.at[row, "weight"] = min(1.0, ai.at[row, "weight"] + bump)
    after = score_fit(with_tables(case, audience_interests=ai), g)
    new = after.set_index("audience").at[a, "fit"]
    if strength >= fit:
        assert new >= fit - 1e-12
    else:
        assert new <= fit + 1e-12
    gi = case.goal_interests
    gi["strength"] = np.minimum(1.0, gi["strength"] + bump)
    raised = score_fit(with_tables(case, goal_interests=gi), g).set_index("audience")
    assert raised.at[a, "fit"] >= fit - 1e-12


def test_raising_a_weak_interest_lowers_fit(tiny: Case) -> None:
    # the counterexample behind the property above: rights is served at 0.5 < fit 0.875
    ai = tiny.audience_interests
    ai.loc[(ai["audience"] == "mps") & (ai["interest"] == "rights"), "weight"] = 1.0
    fit = score_fit(with_tables(tiny, audience_interests=ai), "release")
    assert fit.set_index("audience").at["mps", "fit"] == pytest.approx(1.1 / 1.6)
