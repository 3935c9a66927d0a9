"""Figures of large cases draw the top audiences plus the chosen one, and say how many more."""

from __future__ import annotations

import numpy as np
import pandas as pd

from strategy_kit import plots
from strategy_kit.plots.style import MAX_ROWS

N = 200


def _robustness() -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"a{i:03d}" for i in range(1, N + 1)]
    summary = pd.DataFrame({
        "audience": ids, "audience_name": [f"Audience {i}" for i in range(1, N + 1)],
        "base_rank": np.arange(1, N + 1), "median_rank": np.arange(1, N + 1, dtype=float),
        "rank_p05": np.maximum(1, np.arange(1, N + 1) - 2),
        "rank_p95": np.minimum(N, np.arange(1, N + 1) + 2),
        "p_top3": [0.9, 0.8, 0.7] + [0.01] * (N - 3), "fragile": [False] * N,
    })
    distribution = pd.DataFrame({"audience": ids, "rank": np.arange(1, N + 1),
                                 "probability": 1.0})
    return summary, distribution


def _rows(fig) -> list[str]:
    return list(fig.data[0].y)


def test_rank_stability_keeps_the_top_and_the_chosen_audience() -> None:
    summary, distribution = _robustness()
    fig = plots.plot_rank_stability(summary, distribution, keep="a150")
    rows = _rows(fig)
    assert len(rows) == MAX_ROWS + 1 and rows[-1] == "Audience 150"
    assert rows[:3] == ["Audience 1", "Audience 2", "Audience 3"]
    assert list(fig.layout.xaxis.ticktext)[-1] == f"{MAX_ROWS + 1}+", "the other ranks, pooled"
    z = np.asarray(fig.data[0].z)
    assert z.shape == (MAX_ROWS + 1, MAX_ROWS + 1) and z[-1, -1] == 1.0
    texts = [a.text for a in fig.layout.annotations]
    assert (f"The top {MAX_ROWS} shown (and the report's audience); {N - MAX_ROWS - 1} more "
            "audiences not shown.") in texts
    hover = fig.data[0].customdata[-1][0]
    assert "base rank 150" in hover, "the hover keeps the true rank"


def test_small_figures_are_unchanged() -> None:
    summary, distribution = _robustness()
    few = summary.head(8)
    fig = plots.plot_rank_stability(few, distribution[distribution["audience"].isin(
        few["audience"])])
    assert len(_rows(fig)) == 8
    assert not any("not shown" in (a.text or "") for a in fig.layout.annotations)


def test_priority_bars_and_heatmap_are_capped_with_a_caption() -> None:
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 1, N)
    df = pd.DataFrame({"audience": [f"a{i:03d}" for i in range(N)],
                       "audience_name": [f"Audience {i}" for i in range(N)],
                       "goal": "g", "goal_name": "Goal", "fit": p, "influence": p,
                       "timing": p, "fit_part": p / 3, "influence_part": p / 3,
                       "timing_part": p / 3, "priority": p,
                       "rank": pd.Series(-p).rank().astype(int)})
    last = df.sort_values("priority")["audience"].iloc[0]
    bars = plots.plot_priority(df, keep=last)
    assert len(bars.data[0].y) == MAX_ROWS + 1
    heat = plots.plot_heatmap(df, keep=last)
    assert len(heat.data[0].y) == MAX_ROWS + 1
    for fig in (bars, heat):
        assert any(f"{N - MAX_ROWS - 1} more audiences not shown" in (a.text or "")
                   for a in fig.layout.annotations)
