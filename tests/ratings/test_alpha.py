"""krippendorff_alpha: Krippendorff's published example and an independent reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategy_kit import BadParameterError, krippendorff_alpha

nan = np.nan
#: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example of section
#: C: 4 observers × 12 units, values 1–5, missing values.
KRIPPENDORFF_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
])


def test_krippendorffs_worked_example() -> None:
    # The published values: interval 0.849, nominal 0.743.
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(0.849, abs=5e-4)
    assert krippendorff_alpha(KRIPPENDORFF_2011, level="nominal") == pytest.approx(0.743,
                                                                                  abs=5e-4)


def random_ratings(seed: int, raters: int, items: int, levels: int,
                   missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if levels:
        x = rng.integers(1, levels + 1, size=(raters, items)).astype(float)
    else:
        x = np.round(rng.random((raters, items)), 2)
    x[rng.random((raters, items)) < missing] = np.nan
    return x


def structured_ratings() -> np.ndarray:
    rng = np.random.default_rng(4)
    x = np.clip(np.round(rng.random(25)[None, :] + rng.normal(0, 0.15, (9, 25)), 2), 0, 1)
    x[rng.random((9, 25)) < 0.25] = np.nan
    return x


#: Computed once, outside the project, with the reference package ``krippendorff`` 0.9.0
#: (pip, numpy 2.4) on the same arrays: krippendorff.alpha(reliability_data=x,
#: level_of_measurement=level).
REFERENCE = [
    ((1, 7, 30, 5, 0.2), {"interval": -0.08344881422414918, "nominal": 0.016842285216958852,
                          "ordinal": -0.08416142468344612, "ratio": -0.06231777147883566}),
    ((2, 12, 40, 0, 0.3), {"interval": -0.03679983593694636, "nominal": 0.006165602984840923,
                           "ordinal": -0.03462366809412587, "ratio": -0.013849218703845034}),
    ((3, 4, 15, 3, 0.4), {"interval": -0.026666666666666616, "nominal": -0.06666666666666687,
                          "ordinal": -0.03709168984531308, "ratio": -0.05328672287339775}),
]
REFERENCE_STRUCTURED = {"interval": 0.794009655953312, "nominal": 0.04043783934056133,
                        "ordinal": 0.7986028139652385, "ratio": 0.49983609235019766}
REFERENCE_EXAMPLE = {"interval": 0.8491071428571428, "nominal": 0.743421052631579,
                     "ordinal": 0.8153875037548814, "ratio": 0.7974027747116121}


@pytest.mark.parametrize(("args", "expected"), REFERENCE)
def test_matches_the_reference_on_random_data_with_missing_values(args, expected) -> None:
    x = random_ratings(*args)
    assert np.isnan(x).any()
    for level, value in expected.items():
        assert krippendorff_alpha(x, level=level) == pytest.approx(value, abs=1e-9), level


def test_matches_the_reference_on_agreeing_raters_and_the_example() -> None:
    for level, value in REFERENCE_STRUCTURED.items():
        assert krippendorff_alpha(structured_ratings(), level) == pytest.approx(value, abs=1e-9)
    for level, value in REFERENCE_EXAMPLE.items():
        assert krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(value, abs=1e-9)


def test_edge_cases() -> None:
    same = np.array([[0.5, 0.2, 0.9], [0.5, 0.2, 0.9]])
    assert krippendorff_alpha(same) == 1.0
    assert np.isnan(krippendorff_alpha(np.full((3, 4), 0.5)))  # no variation at all
    assert np.isnan(krippendorff_alpha(np.array([[1.0, nan], [nan, 2.0]])))  # nothing pairable
    # a rater who rated nothing and items with a single rating change nothing
    padded = np.vstack([KRIPPENDORFF_2011, np.full(12, nan)])
    assert krippendorff_alpha(padded) == pytest.approx(REFERENCE_EXAMPLE["interval"], abs=1e-12)
    # raters and items in another order: the same alpha
    x = random_ratings(1, 7, 30, 5, 0.2)
    assert krippendorff_alpha(x[::-1, ::-1]) == pytest.approx(krippendorff_alpha(x), abs=1e-12)


def test_bad_input_is_refused() -> None:
    with pytest.raises(BadParameterError, match="level"):
        krippendorff_alpha(KRIPPENDORFF_2011, level="cardinal")
    with pytest.raises(BadParameterError, match="raters × items"):
        krippendorff_alpha(np.ones(4))


def pairwise_interval_alpha(x: np.ndarray) -> float:
    """Interval alpha from its definition, pair by pair (no coincidence matrix)."""
    units = [col[~np.isnan(col)] for col in x.T]
    units = [u for u in units if len(u) >= 2]
    values = np.concatenate(units)
    n = len(values)
    within = sum(((u[:, None] - u[None, :]) ** 2).sum() / (len(u) - 1) for u in units)
    between = ((values[:, None] - values[None, :]) ** 2).sum()
    return float("nan") if between == 0 else 1 - (n - 1) * within / between


@given(st.integers(0, 2**32 - 1), st.integers(2, 8), st.integers(2, 15))
@settings(max_examples=60, deadline=None)
def test_equals_the_pairwise_definition(seed: int, raters: int, items: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.round(rng.random((raters, items)) * 4) / 4
    x[rng.random(x.shape) < 0.3] = np.nan
    expected = pairwise_interval_alpha(x) if (~np.isnan(x)).sum(axis=0).max() >= 2 else np.nan
    got = krippendorff_alpha(x)
    if np.isnan(expected):  # nothing pairable, or no variation: undefined
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-9)
