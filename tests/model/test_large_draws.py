"""Large cases cost in proportion (issue 23): the same numbers as before, with less work.

The robustness draws of every goal share one noise draw, the timing peak of a draw is computed
only on the days that can hold it, the ranks are counted without an audiences × ranks table,
and the reach over routes is kept on the audiences on a route: each gives exactly the numbers
of the straightforward computation, which these tests compute beside it.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from large_case import write_large_case

from strategy_kit import load_case
from strategy_kit.model import draws, robustness
from strategy_kit.model.matrices import horizon, matrices
from strategy_kit.model.robustness import robustness_of_goals, score_robustness
from strategy_kit.model.routes import case_reach, reach_matrix, route_matrix, score_pathway
from strategy_kit.model.timing import breakpoints, candidate_days, kernels

START = "2026-01-01"


@pytest.fixture(scope="module")
def mid_case(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("large") / "synthetic"
    return load_case(write_large_case(folder, 300, interests=30, goals=3, moments=12))


def _belarus_kernels() -> np.ndarray:
    c = load_case("belarus")
    h = horizon(c, START, 365)
    k = kernels(c, h)
    return k[:, candidate_days(k, breakpoints(matrices(c), h))]


@pytest.mark.parametrize("share", [0.0, 1.0])  # every day, then only the days that can peak
def test_peaks_are_the_same_numbers_either_way(share: float,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    k = _belarus_kernels()
    rng = np.random.default_rng(7)
    p = rng.uniform(0, 0.7, (3, 250, k.shape[0])) * (rng.random((3, 250, k.shape[0])) < 0.3)
    p[0, 0, :] = 0.0  # no pressure at all: peak 0
    p[1, 1, np.flatnonzero(k.any(axis=1))[0]] = 1.0  # a certain moment
    expected = draws._every_day(p, k)
    # by hand: 1 − min over days of Πₘ (1 − p·k)
    naive = 1.0 - np.prod(1.0 - p[..., :, None] * k[None, None], axis=2).min(axis=2)
    np.testing.assert_allclose(expected, naive, rtol=0, atol=1e-12)
    monkeypatch.setattr(draws, "_DENSE_SHARE", share)
    assert np.array_equal(draws._peaks(p, k), expected), "exactly the same numbers"
    assert expected[0, 0] == 0.0 and expected[1, 1] == 1.0


def _summary_by_table(ranks: np.ndarray, base_rank: np.ndarray) -> tuple[np.ndarray, ...]:
    """The audiences × ranks table the summary used to be counted from."""
    n_draws, n_a = ranks.shape
    cell = np.arange(n_a)[None, :] * n_a + ranks - 1
    prob = np.bincount(cell.ravel(), minlength=n_a * n_a).reshape(n_a, n_a) / n_draws
    cum = prob.cumsum(axis=1)
    quantiles = [(cum < q - 1e-12).sum(axis=1) + 1 for q in (0.5, 0.05, 0.95)]
    return (*quantiles, cum[:, min(3, n_a) - 1], prob)


def test_rank_summary_without_the_audiences_by_ranks_table() -> None:
    rng = np.random.default_rng(11)
    n_draws, n_a = 40, 9  # 40 draws: shares such as 0.05 and 0.95 fall exactly on a count
    ranks = np.stack([rng.permutation(n_a) + 1 for _ in range(n_draws)])
    base_rank = np.arange(1, n_a + 1)[::-1].copy()
    ids = [f"a{i}" for i in range(n_a)]
    mx = SimpleNamespace(audiences=pd.Index(ids), audience_names=[f"A {i}" for i in ids])
    summary, distribution = robustness._summarise(ranks, base_rank, mx)
    median, p05, p95, top3, prob = _summary_by_table(ranks, base_rank)
    by = summary.set_index("audience").loc[ids]
    assert by["median_rank"].tolist() == median.tolist()
    assert by["rank_p05"].tolist() == p05.tolist()
    assert by["rank_p95"].tolist() == p95.tolist()
    assert by["p_top3"].tolist() == top3.tolist(), "the same running sums, bit for bit"
    order = np.lexsort((np.arange(n_a), base_rank))
    a_idx, r_idx = np.nonzero(prob[order])
    assert distribution["audience"].tolist() == [ids[order[a]] for a in a_idx]
    assert distribution["rank"].tolist() == (r_idx + 1).tolist()
    assert distribution["probability"].tolist() == prob[order][a_idx, r_idx].tolist()


def test_one_noise_draw_serves_every_goal(mid_case, monkeypatch: pytest.MonkeyPatch) -> None:
    goals = list(mid_case.ids("goal"))
    alone = {g: score_robustness(mid_case, g, start=START, draws=60) for g in goals}
    made: list[int] = []
    real = robustness.noise

    def counted(seed: int, first: int, n: int, size: int) -> np.ndarray:
        made.append(n)
        return real(seed, first, n, size)

    monkeypatch.setattr(robustness, "noise", counted)
    together = robustness_of_goals(mid_case, goals, start=START, draws=60)
    assert sum(made) == 60, "each draw's noise made once for the three goals, not three times"
    for g in goals:
        pd.testing.assert_frame_equal(together[g].summary, alone[g].summary, check_exact=True)
        pd.testing.assert_frame_equal(together[g].distribution, alone[g].distribution,
                                      check_exact=True)


def test_reach_is_kept_on_the_audiences_on_routes() -> None:
    c = load_case("belarus")
    dense, via = reach_matrix(route_matrix(c))
    rc = case_reach(c)
    assert 0 < len(rc.on) <= len(c.ids("audience"))
    for m in range(rc.n):
        assert np.array_equal(rc.row(m), dense[m]) and np.array_equal(rc.column(m), dense[:, m])
        assert [rc.via_of(m, d) for d in range(rc.n)] == via[m].tolist()


def test_a_large_case_without_routes_holds_no_audiences_by_audiences_matrix(
        tmp_path: Path) -> None:
    c = load_case(write_large_case(tmp_path / "big", 2000, interests=10, goals=2, moments=5))
    rc = case_reach(c)
    assert rc.reach.shape == (0, 0), "2,000 × 2,000 of zeros is 32 MB; at 10,000, 800 MB"
    assert not score_pathway(c, goal="goal-1", start=START)["move"].any()
