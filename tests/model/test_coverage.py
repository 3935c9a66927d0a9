"""Planned actions against windows: hand-computed on tests/cases/tiny."""

from __future__ import annotations

import pytest
from engine_helpers import (
    START,
    T,
    tiny_case,  # noqa: F401  (the module-scoped "tiny" fixture)
    with_tables,
)

from strategy_kit import config
from strategy_kit.case import Case, load_case
from strategy_kit.errors import BadParameterError, UnknownChoiceError
from strategy_kit.model.coverage import Coverage, plan_coverage


def test_coverage_by_hand(tiny: Case) -> None:
    c = plan_coverage(tiny, "release", START, 365)
    assert isinstance(c, Coverage)
    assert list(c.windows.columns) == ["audience", "start", "end", "peak", "actions", "covered"]
    assert list(c.actions.columns) == ["action", "audience", "start", "end", "in_window",
                                      "attention", "of_peak"]
    # windows by the case's rule (80 % of each audience's peak of the goal's timing):
    # mps (rank 1): 1–8 March (0.8·6/7·2^(−3/10) = 0.557 ≥ 0.8·0.686), prepared from
    # 22 February: prep-mps (20–25 Feb) covers it; press (rank 2): the summit on 20 December
    # (0.5, and 0.5·2^(−1/5) = 0.435 ≥ 0.4 on the 21st); diaspora (rank 3, fit 0: its own
    # timing): the vigil's 6–11 September and the verdict's 19 December (0.4 = 80 % of 0.5)
    w = c.windows
    assert list(w["audience"]) == ["mps", "press", "diaspora", "diaspora"]
    assert list(w["start"]) == [T("2025-03-01"), T("2025-12-20"), T("2025-09-06"),
                                T("2025-12-19")]
    assert list(w["end"])[:2] == [T("2025-03-08"), T("2025-12-21")]
    assert list(w["actions"]) == [("prep-mps",), (), (), ()]
    assert list(w["covered"]) == [True, False, False, False]
    # the sanctions action is not part of this goal's plan
    a = c.actions.set_index("action")
    assert list(a.index) == ["prep-mps", "late-rally"]
    assert a.at["prep-mps", "in_window"] and not a.at["late-rally", "in_window"]
    assert a.at["late-rally", "end"] == T("2025-06-01")  # no end: one day
    # attention during the action: nothing speaks to the diaspora on 1 June; the briefing is
    # before the crackdown (a crisis: no ramp), so the MPs' attention is 0 during it too
    assert a.at["late-rally", "attention"] == 0 and a.at["prep-mps", "of_peak"] == 0


def test_top_and_threshold(tiny: Case) -> None:
    assert list(plan_coverage(tiny, "release", START, 365, top=1).windows["audience"]) == ["mps"]
    w = plan_coverage(tiny, "sanctions", START, 365, top=3, threshold=0.3).windows
    # press's vigil window (6–11 September) is covered by the press kit (8–9 September)
    press = w[w["audience"] == "press"]
    assert press["covered"].tolist() == [True, False]


def test_actions_outside_the_horizon_are_left_out(tiny: Case) -> None:
    c = plan_coverage(tiny, "release", "2026-01-01", 365)
    assert c.actions.empty and list(c.actions.columns)[0] == "action"


def test_without_actions_file() -> None:
    case = load_case(config.TEMPLATE_CASE_DIR)
    empty = with_tables(case, actions=case.actions.iloc[0:0])
    c = plan_coverage(empty, "release-prisoners", START, 365, threshold=0.3)
    assert c.actions.empty
    assert not c.windows["covered"].any()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"goal": "relese"}, UnknownChoiceError, "did you mean 'release'"),
    ({"start": "1 May"}, BadParameterError, "bad start"),
    ({"top": 0}, BadParameterError, "bad top"),
    ({"threshold": 2}, BadParameterError, "bad threshold"),
])
def test_bad_input(tiny: Case, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        plan_coverage(tiny, **({"goal": "release", "start": START} | kwargs))
