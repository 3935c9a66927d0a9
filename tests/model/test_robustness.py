"""Monte-Carlo rank stability: determinism, the noiseless limit, bounds and bad input."""

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

from strategy_kit import config
from strategy_kit.case import Case, load_case
from strategy_kit.errors import BadParameterError, UnknownChoiceError
from strategy_kit.model import robustness
from strategy_kit.model.matrices import horizon, matrices
from strategy_kit.model.robustness import Robustness, score_robustness
from strategy_kit.model.scoring import score_priority
from strategy_kit.model.timing import breakpoints, kernels
from strategy_kit.model.timing import candidate_days as _candidate_days


def test_columns_and_bounds(tiny: Case) -> None:
    r = score_robustness(tiny, "release", START, 365, draws=500)
    assert isinstance(r, Robustness)
    assert list(r.summary.columns) == ["audience", "audience_name", "base_rank",
                                       "median_rank", "rank_p05", "rank_p95", "p_top3",
                                       "fragile"]
    assert list(r.distribution.columns) == ["audience", "rank", "probability"]
    assert list(r.summary["audience"]) == ["mps", "press", "diaspora"]  # base-rank order
    assert r.summary["p_top3"].tolist() == [1.0, 1.0, 1.0]  # three audiences
    by_audience = r.distribution.groupby("audience")["probability"].sum()
    assert np.allclose(by_audience, 1.0)
    s = r.summary
    assert (s["rank_p05"] <= s["median_rank"]).all() and (s["median_rank"] <= s["rank_p95"]).all()
    # mps leads by far (0.77 against 0.33 and 0.30): it keeps rank 1
    assert s.iloc[0]["median_rank"] == 1 and not s.iloc[0]["fragile"]
    # press (0.3325) and diaspora (0.30) swap now and then, but press stays second in
    # most draws: not fragile
    keep = r.distribution.set_index(["audience", "rank"])["probability"]
    assert 0.5 < keep["press", 2] < 1
    assert not s["fragile"].any()


def test_fragile_when_top_three_is_a_toss_up(tiny: Case) -> None:
    # two copies of press: three audiences of equal priority compete for two places
    au, ai = tiny.audiences, tiny.audience_interests
    twins = au[au["id"] == "press"]
    au = pd.concat([au] + [twins.assign(id=f"press{n}") for n in (2, 3)], ignore_index=True)
    links = ai[ai["audience"] == "press"]
    ai = pd.concat([ai] + [links.assign(audience=f"press{n}") for n in (2, 3)],
                   ignore_index=True)
    case = with_tables(tiny, audiences=au, audience_interests=ai)
    s = score_robustness(case, "release", START, 365, draws=1000).summary.set_index("audience")
    for a in ("press", "press2", "press3"):
        assert 0.2 < s.at[a, "p_top3"] < 0.8
        assert s.at[a, "fragile"]
    assert s.at["mps", "p_top3"] == 1.0 and not s.at["mps", "fragile"]


def test_same_seed_same_result(tiny: Case) -> None:
    a = score_robustness(tiny, "release", START, 365, draws=300, seed=7)
    b = score_robustness(tiny, "release", START, 365, draws=300, seed=7)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.distribution, b.distribution)
    c = score_robustness(tiny, "release", START, 365, draws=300, seed=8)
    assert not a.distribution.equals(c.distribution)


def test_no_noise_gives_the_base_ranking(tiny: Case) -> None:
    for goal in ("release", "sanctions"):
        r = score_robustness(tiny, goal, START, 365, sigma=0, draws=5)
        base = score_priority(tiny, goal, START, 365)
        assert list(r.summary["audience"]) == list(base["audience"])
        assert (r.summary["median_rank"] == r.summary["base_rank"]).all()
        assert (r.distribution["probability"] == 1.0).all()
        assert not r.summary["fragile"].any()


@pytest.mark.parametrize("start, days", [(START, 365), ("2024-12-25", 1000), ("2025-03-03", 40)])
def test_candidate_days_keep_the_peak(tiny: Case, start: str, days: int) -> None:
    # timing peaks on a breakpoint day of the kernels (method.md §Robustness), for any
    # pressures: the shortcut is exact
    h = horizon(tiny, start, days)
    k = kernels(tiny, h)
    candidates = _candidate_days(k, breakpoints(matrices(tiny), h))
    assert len(candidates) < days / 4
    rng = np.random.default_rng(1)
    p = rng.random((400, k.shape[0])) ** rng.uniform(0.2, 3, (400, 1))
    full = 1 - np.prod(1 - p[:, :, None] * k[None], axis=1)
    assert np.allclose(full.max(axis=1), full[:, candidates].max(axis=1), rtol=0, atol=1e-12)


def test_chunking_does_not_change_the_result(tiny: Case, monkeypatch) -> None:
    a = score_robustness(tiny, "release", START, 365, draws=200, seed=3)
    monkeypatch.setattr(robustness, "_CHUNK_ELEMENTS", 1)  # one draw per chunk
    b = score_robustness(tiny, "release", START, 365, draws=200, seed=3)
    pd.testing.assert_frame_equal(a.distribution, b.distribution)


def test_template_case_runs() -> None:
    case = load_case(config.TEMPLATE_CASE_DIR)
    r = score_robustness(case, "release-prisoners", START, draws=200)
    assert r.summary["p_top3"].between(0, 1).all()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"goal": "relase"}, UnknownChoiceError, "unknown goal 'relase'; did you mean 'release'"),
    ({"start": "2025-1-1x"}, BadParameterError, "bad start"),
    ({"sigma": -0.1}, BadParameterError, "bad sigma"),
    ({"sigma": "big"}, BadParameterError, "bad sigma"),
    ({"draws": 0}, BadParameterError, "bad draws"),
    ({"draws": 10.5}, BadParameterError, "bad draws"),
    ({"seed": -1}, BadParameterError, "bad seed"),
    ({"weights": {"timng": 1}}, UnknownChoiceError, "did you mean 'timing'"),
])
def test_bad_input(tiny: Case, kwargs: dict, error: type, match: str) -> None:
    args = {"goal": "release", "start": START, "draws": 10} | kwargs
    with pytest.raises(error, match=match):
        score_robustness(tiny, **args)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), sigma=st.floats(0, 2))
def test_seeded_and_bounded(tiny: Case, seed: int, sigma: float) -> None:
    a = score_robustness(tiny, "sanctions", START, 365, sigma=sigma, draws=50, seed=seed)
    b = score_robustness(tiny, "sanctions", START, 365, sigma=sigma, draws=50, seed=seed)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert a.distribution["probability"].between(0, 1).all()
    assert a.summary["median_rank"].between(1, 3).all()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_breakpoints_exact_for_any_moments(tiny: Case, data: st.DataObject) -> None:
    n = len(tiny.moments)
    mo = tiny.moments.assign(
        kind=data.draw(st.lists(st.sampled_from(["crisis", "event", "anniversary"]),
                                min_size=n, max_size=n)),
        start=pd.to_datetime(data.draw(st.lists(st.dates(pd.Timestamp("2023-01-01").date(),
                                                         pd.Timestamp("2026-12-31").date()),
                                                min_size=n, max_size=n))).astype("M8[us]"),
        end=pd.NaT,
        recurrence=data.draw(st.lists(st.sampled_from(["none", "yearly"]), min_size=n,
                                      max_size=n)),
        half_life_days=data.draw(st.lists(st.floats(0.5, 200), min_size=n, max_size=n)),
        lead_days=data.draw(st.lists(st.floats(0, 1500), min_size=n, max_size=n)),
    )
    case = with_tables(tiny, moments=mo)
    h = horizon(case, "2025-01-01", 730)
    k = kernels(case, h)
    candidates = _candidate_days(k, breakpoints(matrices(case), h))
    p = np.random.default_rng(0).random((200, n))
    full = 1 - np.prod(1 - p[:, :, None] * k[None], axis=1)
    assert np.allclose(full.max(axis=1), full[:, candidates].max(axis=1), rtol=0, atol=1e-12)


def test_the_draws_of_a_goal_are_made_once_per_case_and_handed_out_as_copies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The audience reports of one goal share its robustness draws (a batch's kernel)."""
    import strategy_kit as sk
    from strategy_kit.model import robustness

    case = sk.load_case("belarus").with_tables(tag="-memo-test")  # a new object: nothing kept
    calls: list[object] = []
    real = robustness._robustness_of_goals
    monkeypatch.setattr(robustness, "_robustness_of_goals",
                        lambda *a: calls.append(a) or real(*a))
    first = sk.score_robustness(case, "end-terror", start="2027-01-01", draws=50)
    first.summary.loc[0, "p_top3"] = -1.0  # a caller changing its copy
    again = sk.score_robustness(case, "end-terror", start="2027-01-01", draws=50)
    assert len(calls) == 1
    assert again.summary.loc[0, "p_top3"] >= 0
    other = sk.score_robustness(case, "end-terror", start="2027-01-01", draws=60)
    assert len(calls) == 2 and other.draws == 60  # other arguments: drawn again
