"""The explorer's scenario drop-down (issue 22): the case under one of its scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_kit import UnknownChoiceError
from strategy_kit.explorer.widgets import Explorer, ExplorerState

START = "2026-01-01"


def _influence(state: ExplorerState) -> float:
    p = state.priority().set_index("audience")
    return float(p.loc["journalists", "influence"])


def test_the_state_switches_scenarios(template_copy: Path) -> None:
    s = ExplorerState(str(template_copy), start=START, days=365, draws=50)
    assert s.scenarios() == ("", "many-voices")
    assert _influence(s) == pytest.approx(0.6)
    s.set_scenario("many-voices")  # the template's scenario: journalists' influence 0.8
    assert s.base.scenario == "many-voices" and _influence(s) == pytest.approx(0.8)
    s.set_scenario("")
    assert _influence(s) == pytest.approx(0.6)
    with pytest.raises(UnknownChoiceError, match="many-voices"):
        s.set_scenario("many-voice")


def test_the_drop_down_reaches_the_state(template_copy: Path) -> None:
    e = Explorer(str(template_copy), start=START, days=365, audience="journalists", draws=50)
    e.widget  # noqa: B018  (builds it)
    e.scenario.value = "many-voices"
    assert e.state.base.scenario == "many-voices" and _influence(e.state) == pytest.approx(0.8)
