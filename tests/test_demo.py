"""make demo's table: whom to ask for each goal is a decider, never a channel (issue 19)."""

from __future__ import annotations

import pytest

from strategy_kit import demo
from strategy_kit.batch import pool
from strategy_kit.model.routes import score_pathway
from strategy_kit.ratings.load import load_case


class _Stop(Exception):
    pass


def test_the_demo_names_a_decider_to_ask_for_every_goal(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def no_batch(jobs: list) -> None:
        raise _Stop(len(jobs))

    monkeypatch.setattr(pool, "run_batch", no_batch)
    with pytest.raises(_Stop) as stop:
        demo.main(["belarus"])
    case = load_case("belarus")
    assert stop.value.args == (1 + len(case.ids("goal")),)  # the overview, a report a goal
    lines = capsys.readouterr().out.splitlines()
    assert "whom to ask for each goal, and through whom" in lines[0]
    roles = score_pathway(case).set_index(["goal", "audience"])["role"]
    for line in lines[2:2 + len(case.ids("goal"))]:
        goal, ask, _priority, through = line.split()
        assert roles[(goal, ask)] == "decides", line
        assert roles[(goal, through)] == "moves", line
