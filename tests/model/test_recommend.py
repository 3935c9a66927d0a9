"""Formats, allies and messages: hand-computed on tests/cases/tiny."""

from __future__ import annotations

import pandas as pd
import pytest
from engine_helpers import (
    START,
    T,
    tiny_case,  # noqa: F401  (the module-scoped "tiny" fixture)
    with_tables,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategy_kit.case import Case
from strategy_kit.errors import BadParameterError, UnknownChoiceError
from strategy_kit.model.recommend import (
    Messages,
    recommend_allies,
    recommend_formats,
    recommend_messages,
    recommend_portfolio_allies,
)


def test_formats_by_hand(tiny: Case) -> None:
    f = recommend_formats(tiny, "mps", "release", START, 365)
    assert list(f.columns) == ["format", "name", "kind", "effort", "fit", "moment",
                               "moment_name", "moment_date", "in_horizon", "lead_days",
                               "prepare_by", "safeguard"]
    assert list(f["format"]) == ["brief", "crisis-call", "expo-stand"]
    assert f["fit"].tolist() == [0.9, 0.6, 0.0]  # the expo (2027) is outside the horizon
    brief, call, expo = (f.iloc[i] for i in range(3))
    # untied: no dated occasion, so no invented date: it can be used any time (issue 20)
    assert brief["moment"] == "" and pd.isna(brief["moment_date"]) and brief["in_horizon"]
    assert pd.isna(brief["prepare_by"]) and brief["lead_days"] == 14
    assert call["moment_date"] == T("2025-03-01") and call["in_horizon"]
    assert call["prepare_by"] == T("2025-01-30")  # 1 March − 30 days
    assert expo["moment_date"] == T("2027-05-01") and not expo["in_horizon"]
    assert expo["prepare_by"] == T("2027-04-21")
    # with the horizon over 2027 the expo's format comes back
    later = recommend_formats(tiny, "mps", "release", "2027-01-01", 365)
    assert later.set_index("format").at["expo-stand", "fit"] == 0.8


def test_formats_only_for_the_audience(tiny: Case) -> None:
    f = recommend_formats(tiny, "press", "release", START, 365)
    assert list(f["format"]) == ["brief"]
    assert recommend_formats(tiny, "diaspora", "release", START, 365).empty


def test_allies_by_hand(tiny: Case) -> None:
    a = recommend_allies(tiny, "mps")
    assert list(a.columns) == ["ally", "name", "kind", "reach"]
    assert list(a["ally"]) == ["ngo"] and a["reach"].iloc[0] == 0.8
    p = recommend_portfolio_allies(tiny, "release", START, 365)
    assert list(p.columns) == ["ally", "name", "kind", "leverage", "audiences"]
    # Σ reach · priority / Σ priority, priorities (additive, test_scoring) mps, press, diaspora
    mps, press = 0.59 + 0.3 * 0.8 * 6 / 7, 0.37
    total = mps + press + 0.3
    assert list(p["ally"]) == ["ngo", "union"]
    assert p["leverage"].tolist() == pytest.approx([(0.8 * mps + 0.2 * press) / total,
                                                    0.3 / total])
    assert p["audiences"].iloc[0] == ("mps", "press")


def test_messages_by_hand(tiny: Case) -> None:
    m = recommend_messages(tiny, "mps", "release")
    assert isinstance(m, Messages)
    assert list(m.hooks.columns) == ["interest", "interest_name", "contribution", "hook"]
    assert list(m.hooks["interest"]) == ["security", "rights"]
    assert list(m.frames.columns) == ["frame", "name", "tone", "connects_to", "text",
                                      "relevance", "score", "use", "safeguard"]
    # issue 19: relevance over the interests through which the goal reaches them,
    # c = w·s: security 0.6·1.0 = 0.6, rights 0.2·0.5 = 0.1 (shares 6/7, 1/7):
    # hope 6/7, fear 0.5·6/7 + 1/7 = 4/7, anger 1/7; facts 0 is left out
    assert list(m.frames["frame"]) == ["hope", "fear", "anger"]
    assert m.frames["relevance"].tolist() == pytest.approx([6 / 7, 4 / 7, 1 / 7])
    assert m.frames["score"].tolist() == pytest.approx([6 / 7, 4 / 7 * 0.7, 1 / 7 * 0.7])
    assert m.negative_share == pytest.approx(0.5 / (6 / 7 + 0.5))
    assert list(m.frames["use"]) == ["lead", "support", "support"]
    assert m.warning is None


def test_only_negative_frames_warn_to_write_a_positive_one(tiny: Case) -> None:
    # press care about rights and stories; release serves only rights (0.5·0.5): only the
    # negative frames fear and anger speak to it, each with relevance 1, score 0.7
    m = recommend_messages(tiny, "press", "release")
    assert list(m.frames["frame"]) == ["fear", "anger"]
    assert m.frames["score"].tolist() == pytest.approx([0.7, 0.7])
    assert m.negative_share == pytest.approx(1.0)
    assert m.warning and "write one" in m.warning
    assert len(recommend_messages(tiny, "press", "release", top=1).frames) == 1


def test_tilt_prefers_positive_at_equal_relevance(tiny: Case) -> None:
    fi = tiny.frame_interests
    fi.loc[fi["frame"] == "hope", "interest"] = "rights"  # now as relevant as anger
    m = recommend_messages(with_tables(tiny, frame_interests=fi), "press", "release", top=4)
    assert m.frames.set_index("frame").at["hope", "relevance"] == pytest.approx(1.0)
    ranked = list(m.frames["frame"])
    assert ranked.index("hope") < ranked.index("anger")
    assert ranked[0] == "hope" and m.warning is None  # a positive frame leads, no warning


@pytest.mark.parametrize("call", [
    lambda c, a, g: recommend_formats(c, a, g, START),
    lambda c, a, g: recommend_allies(c, a),
    lambda c, a, g: recommend_messages(c, a, g),
])
def test_unknown_audience(tiny: Case, call) -> None:
    with pytest.raises(UnknownChoiceError, match="unknown audience 'diaspra'; did you mean "
                                                 "'diaspora'"):
        call(tiny, "diaspra", "release")


@pytest.mark.parametrize("call", [
    lambda c, g: recommend_formats(c, "mps", g, START),
    lambda c, g: recommend_portfolio_allies(c, g, START),
    lambda c, g: recommend_messages(c, "mps", g),
])
def test_unknown_goal(tiny: Case, call) -> None:
    with pytest.raises(UnknownChoiceError, match="unknown goal 'sanction'; did you mean "
                                                 "'sanctions'"):
        call(tiny, "sanction")


@pytest.mark.parametrize("call", [
    lambda c, s: recommend_formats(c, "mps", "release", s),
    lambda c, s: recommend_portfolio_allies(c, "release", s),
])
def test_bad_date(tiny: Case, call) -> None:
    with pytest.raises(BadParameterError, match="bad start"):
        call(tiny, "next week")


def test_bad_top(tiny: Case) -> None:
    with pytest.raises(BadParameterError, match="bad top"):
        recommend_messages(tiny, "mps", "release", top=0)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rel=st.lists(st.floats(0, 1), min_size=5, max_size=5),
       reach=st.lists(st.floats(0, 1), min_size=3, max_size=3))
def test_recommendation_scores_in_unit_interval(tiny: Case, rel: list[float],
                                                reach: list[float]) -> None:
    case = with_tables(tiny, frame_interests=tiny.frame_interests.assign(relevance=rel),
                       ally_audiences=tiny.ally_audiences.assign(reach=reach))
    for a in case.ids("audience"):
        m = recommend_messages(case, a, "release", top=4)
        assert m.frames[["relevance", "score"]].stack().between(0, 1).all()
        assert 0 <= m.negative_share <= 1
    assert recommend_portfolio_allies(case, "release", START)["leverage"].between(0, 1).all()
