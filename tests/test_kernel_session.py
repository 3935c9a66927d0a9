"""A batch kernel keeps the kit across its resets: a case is validated once per kernel, and
what belongs to one page (figure numbers) starts again (run/session.py, docs/batch.md)."""

from __future__ import annotations

import pytest

from strategy_kit.sections import display


def test_figure_ids_restart_on_a_new_page() -> None:
    display.restart_ids()
    first = [display.figure_bundle(_figure())["text/html"] for _ in range(2)]
    display.restart_ids()
    again = display.figure_bundle(_figure())["text/html"]
    assert 'id="sk-fig-1"' in first[0] and 'id="sk-fig-2"' in first[1]
    assert 'id="sk-fig-1"' in again


def _figure():
    import plotly.graph_objects as go

    return go.Figure(go.Bar(x=[1], y=[2]))


@pytest.mark.slow
def test_the_kernel_keeps_the_kit_and_its_cases_across_a_reset() -> None:
    from strategy_kit.run.session import KernelSession

    session = KernelSession()
    session.start()
    try:
        session.run("import strategy_kit as sk, sys, strategy_kit.sections.display as d\n"
                    "sk.load_case('belarus')\n"
                    "sys._sk_load_id = id(sys.modules['strategy_kit.case.load'])\n"
                    "[next(d._ids) for _ in range(3)]\n"
                    "leak = 1")
        session.begin_reset()
        session.ready()
        # Raises in the kernel (and so here) unless: the loader is the same module, holding
        # the case; the case comes back without validating again; the page's figure numbers
        # and the user's names did not carry over.
        session.run(
            "import sys, strategy_kit.case.load as L, strategy_kit.sections.display as d\n"
            "assert id(L) == sys._sk_load_id and L._LOADED, 'the kit was imported again'\n"
            "L.column_problems = None  # validating again would fail\n"
            "assert L.load_case('belarus').data_hash\n"
            "assert next(d._ids) == 1, 'figure numbers carried over'\n"
            "assert 'leak' not in globals()\n")
    finally:
        session.shutdown()
