"""The explorer's state without a front end, and its widgets driven in-process."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import strategy_kit.explorer.widgets as skw
from strategy_kit import BadParameterError, UnknownChoiceError, load_case
from strategy_kit.explorer.widgets import CASE_ENV, Explorer, ExplorerState

START = "2026-01-01"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def state(template_copy: Path) -> ExplorerState:
    return ExplorerState(str(template_copy), start=START, days=365, draws=50)


def _row(df: pd.DataFrame, audience: str) -> pd.Series:
    return df.set_index("audience").loc[audience]


def test_defaults(state: ExplorerState) -> None:
    case = state.base
    assert state.goal == case.ids("goal")[0]
    top = state.priority().sort_values("rank").iloc[0]["audience"]
    assert state.audience == top
    assert set(state.compare) == set(case.ids("audience"))  # fewer than five: all of them
    assert state.weights == dict(case.weights)
    assert state.case is case  # nothing adjusted yet


def test_changing_an_interest_weight_changes_the_scores(state: ExplorerState) -> None:
    a = "journalists"
    state.update(audience=a)
    before_p = _row(state.priority(), a)
    before_c = state.contributions().set_index("interest")["contribution"]
    before_t = state.timing()[a].to_numpy().copy()
    state.set_interest_weight("rights", 0.1)  # journalists: stories 0.9, rights 0.6 in the case
    after_p = _row(state.priority(), a)
    after_c = state.contributions().set_index("interest")
    assert after_p["fit"] != pytest.approx(before_p["fit"])
    assert after_p["priority"] != pytest.approx(before_p["priority"])
    assert after_p["case_priority"] == pytest.approx(before_p["priority"])
    assert after_c.loc["rights", "contribution"] < before_c["rights"]
    assert after_c.loc["rights", "case_contribution"] == pytest.approx(before_c["rights"])
    assert after_c["contribution"].sum() == pytest.approx(after_p["fit"])
    assert not np.allclose(state.timing()[a].to_numpy(), before_t)
    # the other audience is untouched
    base = skw.score_priority(state.base, goal=state.goal, start=START, days=365)
    assert _row(state.priority(), "lawmakers")["fit"] == pytest.approx(_row(base,
                                                                            "lawmakers")["fit"])
    assert list(state.changes()["interest"]) == ["rights"]


def test_a_new_interest_and_the_loaded_case_is_never_changed(state: ExplorerState) -> None:
    table = state.base.audience_interests
    state.update(audience="journalists")
    state.set_interest_weight("security", 0.7)  # no row in the case
    assert state.interest_weight("journalists", "security") == 0.7
    assert state.case_weight("journalists", "security") == 0.0
    adjusted = state.case.audience_interests
    assert len(adjusted) == len(table) + 1
    assert state.case is not state.base
    pd.testing.assert_frame_equal(state.base.audience_interests, table)
    c = state.contributions().set_index("interest")
    assert c.loc["security", "weight"] == 0.7 and c.loc["security", "case_contribution"] == 0


def test_priority_weights_and_sigma(state: ExplorerState) -> None:
    a = state.audience
    state.update(weights={"fit": 1.0, "influence": 0.0, "timing": 0.0})
    row = _row(state.priority(), a)
    assert row["priority"] == pytest.approx(row["fit"])
    assert state.weights_changed
    state.update(sigma=0.0)
    pr = state.priority()
    assert (pr["rank_p05"] == pr["rank"]).all() and (pr["rank_p95"] == pr["rank"]).all()


def test_reset_restores_the_case(state: ExplorerState) -> None:
    base = state.priority().copy()
    state.set_interest_weight("rights", 0.05, audience="journalists")
    state.set_interest_weight("security", 0.2, audience="lawmakers")
    state.update(weights={"timing": 0.9})
    assert not np.allclose(state.priority()["priority"], base["priority"])
    state.reset()
    assert state.changes().empty and not state.weights_changed
    assert state.case is state.base
    pd.testing.assert_frame_equal(state.priority(), base)


def test_setting_the_case_value_again_is_no_change(state: ExplorerState) -> None:
    w = state.case_weight("journalists", "rights")
    state.set_interest_weight("rights", 0.2, audience="journalists")
    state.set_interest_weight("rights", w, audience="journalists")
    assert state.changes().empty


def test_bad_choices_are_refused_and_change_nothing(state: ExplorerState) -> None:
    goal = state.goal
    with pytest.raises(UnknownChoiceError, match="goal"):
        state.update(goal="no-such-goal", sigma=0.5)
    assert state.goal == goal and state.sigma == 0.25
    with pytest.raises(BadParameterError, match="from 0 to 1"):
        state.set_interest_weight("rights", 1.5)
    with pytest.raises(UnknownChoiceError, match="interest"):
        state.set_interest_weight("rigths", 0.5)
    with pytest.raises(BadParameterError, match="sigma"):
        state.update(sigma=-1)
    with pytest.raises(BadParameterError, match="at least one weight above 0"):
        state.update(weights={"fit": 0, "influence": 0, "timing": 0})


def test_export_writes_a_valid_copy_and_leaves_the_case_alone(state: ExplorerState,
                                                             template_copy: Path) -> None:
    before = _digest(template_copy)
    state.set_interest_weight("rights", 0.25, audience="journalists")
    state.set_interest_weight("security", 0.4, audience="journalists")
    state.update(weights={"fit": 0.6, "influence": 0.2, "timing": 0.2})
    out = state.export()
    assert out.parent == template_copy.parent
    assert out.name.startswith(f"{template_copy.name}-adjusted-")
    assert _digest(template_copy) == before
    copy = load_case(out)
    ai = copy.audience_interests.set_index(["audience", "interest"])["weight"]
    assert ai[("journalists", "rights")] == 0.25
    assert ai[("journalists", "security")] == 0.4
    assert ai[("lawmakers", "security")] == state.case_weight("lawmakers", "security")
    assert dict(copy.weights) == pytest.approx({"fit": 0.6, "influence": 0.2, "timing": 0.2})
    # unchanged rows are written as they were, and case.yaml keeps its comments
    old_lines = (template_copy / "audience_interests.csv").read_text().splitlines()
    new_lines = (out / "audience_interests.csv").read_text().splitlines()
    assert new_lines[0] == old_lines[0] and "lawmakers,security,0.9," in new_lines
    assert "journalists,rights,0.25," in new_lines
    assert (out / "case.yaml").read_text().startswith("# The case's settings")
    # the scores of the copy are the explorer's
    pd.testing.assert_frame_equal(
        skw.score_priority(copy, goal=state.goal, start=START, days=365),
        skw.score_priority(state.case, goal=state.goal, start=START, days=365,
                           weights=state.weights))
    # a second export does not overwrite the first
    assert state.export() != out


def test_export_refuses_an_audience_without_interests(state: ExplorerState,
                                                      template_copy: Path) -> None:
    for i in ("stories", "rights"):
        state.set_interest_weight(i, 0.0, audience="journalists")
    with pytest.raises(BadParameterError, match="journalists"):
        state.export()
    assert sorted(p.name for p in template_copy.parent.iterdir()) == [template_copy.name]


def test_the_case_comes_from_the_environment(template_copy: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CASE_ENV, str(template_copy))
    assert ExplorerState("", start=START, draws=10).base.path == template_copy.resolve()


# -- the widgets, in-process (no browser) -------------------------------------------------------


@pytest.fixture
def explorer(template_copy: Path) -> Explorer:
    return Explorer(str(template_copy), start=START, days=365, audience="journalists",
                    draws=50)


def test_a_slider_updates_the_figures_in_place(explorer: Explorer) -> None:
    w = explorer.widget
    assert "application/vnd.jupyter.widget-view+json" in explorer._repr_mimebundle_()
    figs = explorer._figures
    assert figs is not None
    assert all(isinstance(f, go.FigureWidget) for f in figs.all)
    ids = [id(f) for f in figs.all]
    fit_trace = figs.priority.data[0]
    before = list(fit_trace.x)
    contrib_before = [list(t.x) for t in figs.contributions.data]
    explorer.interests["rights"].value = 0.1
    assert [id(f) for f in figs.all] == ids and figs.priority.data[0] is fit_trace
    assert list(fit_trace.x) != before
    assert [list(t.x) for t in figs.contributions.data] != contrib_before
    assert explorer.interests["rights"].style.handle_color == skw.WARN
    explorer.reset.click()
    assert explorer.interests["rights"].value == pytest.approx(0.6)
    assert list(fit_trace.x) == pytest.approx(before)
    assert "case's weights" in explorer.status.value
    assert w is explorer.widget


def test_displaying_gets_the_figures_ready(explorer: Explorer) -> None:
    box = explorer.widget
    figs = explorer._figures
    assert figs is not None
    explorer.interests["rights"].value = 0.2
    # the state a new view draws from: the figures as created, before their traces
    assert [len(f._widget_data) for f in figs.all] != [len(f.data) for f in figs.all]
    bundle = box._repr_mimebundle_()  # display(explorer.widget) takes this path too
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert [len(f._widget_data) for f in figs.all] == [len(f.data) for f in figs.all]
    assert np.array_equal(figs.priority._widget_data[0]["x"], figs.priority.data[0].x)
    assert explorer._to_redraw == [1, 1, 1, 1]
    # each figure's first drawing in the page triggers one redraw, no more
    table = figs.table
    height = table.data[0].cells.height
    explorer._on_figure_drawn(3, {"new": {"trace_deltas": []}})
    explorer._on_figure_drawn(3, {"new": {"trace_deltas": []}})
    assert explorer._to_redraw == [1, 1, 1, 0] and table.data[0].cells.height != height


def test_controls_reach_the_state(explorer: Explorer) -> None:
    explorer.widget  # noqa: B018  (builds it)
    s = explorer.state
    explorer.audience.value = "lawmakers"
    assert s.audience == "lawmakers"
    assert explorer.interests["security"].value == pytest.approx(0.9)
    explorer.compare["journalists"].value = False
    assert s.compare == ("lawmakers",)
    y = list(explorer._figures.priority.data[0].y)
    assert len(y) == 1
    explorer.weights["timing"].value = 0.0
    assert s.weights["timing"] == 0.0
    explorer.sigma.value = 0.5
    assert s.sigma == 0.5
    explorer.days.value = 180
    assert len(explorer._figures.timeline.data[0].x) == 180


def test_the_export_button_says_where(explorer: Explorer, template_copy: Path) -> None:
    explorer.widget  # noqa: B018
    explorer.export.click()
    assert "Nothing to export" in explorer.status.value
    explorer.interests["rights"].value = 0.3
    explorer.export.click()
    out = next(p for p in template_copy.parent.iterdir() if p != template_copy)
    assert str(out) in explorer.status.value and "validate" in explorer.status.value
    assert load_case(out).audience_interests.set_index(["audience", "interest"]).loc[
        ("journalists", "rights"), "weight"] == 0.3


def test_a_bad_value_shows_in_the_status_line(explorer: Explorer) -> None:
    explorer.widget  # noqa: B018
    explorer._run(lambda: explorer.state.update(goal="nope"))
    assert "nope" in explorer.status.value


def test_static_figures_for_batch_runs(explorer: Explorer,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[go.Figure] = []
    html: list[str] = []
    monkeypatch.setattr(skw, "show_figure", shown.append)
    monkeypatch.setattr(skw, "show_html", html.append)
    explorer.show(interactive=False)
    assert explorer._widget is None  # no widget was built
    assert len(shown) == 4 and not any(isinstance(f, go.FigureWidget) for f in shown)
    assert len(shown[0].data[0].x) == 2 and shown[2].layout.shapes
    assert "Example campaign" in html[0]


def test_case_text_is_escaped(template_copy: Path) -> None:
    p = template_copy / "audiences.csv"
    p.write_text(p.read_text().replace("Foreign-desk journalists", "<b>Desk</b> & co"))
    e = Explorer(str(template_copy), start=START, draws=10, audience="journalists")
    e.widget  # noqa: B018
    assert "&lt;b&gt;Desk&lt;/b&gt; &amp; co" in "".join(e._figures.priority.data[0].y)
    assert "<b>Desk</b>" not in e.interest_title.value


def test_lab_command_is_local() -> None:
    cmd = skw.lab_command(8899, Path("/r"))
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--ServerApp.open_browser=False" in cmd
    assert "--LabApp.news_url=None" in cmd
    assert cmd[:4] == [skw.sys.executable, "-m", "jupyter", "lab"]


def test_launch_lab_checks_the_case_first() -> None:
    from strategy_kit import CaseNotFoundError

    with pytest.raises(CaseNotFoundError):
        skw.launch_lab("no-such-case", port=1)


def test_the_window_rule_is_settable_in_the_explorer(explorer: Explorer) -> None:
    explorer.widget  # noqa: B018  (builds it)
    s = explorer.state
    explorer.audience.value = "lawmakers"
    assert s.rule.rule == "relative" and s.rule.share == pytest.approx(0.8)  # the case's
    wide = s.windows()
    explorer.window_share.value = 0.5  # days within half of the peak: longer windows
    assert s.rule.rule == "relative" and s.rule.share == pytest.approx(0.5)
    longer = s.windows()
    assert (longer["end"] - longer["start"]).sum() > (wide["end"] - wide["start"]).sum()
    line = [sh for sh in explorer._figures.timeline.layout.shapes if sh.type == "line"][0]
    assert line.y0 == pytest.approx(s.level())
    assert s.level() == pytest.approx(max(0.05, 0.5 * s.timing()["lawmakers"].max()))
    s.update(threshold=0.3)  # the absolute rule, as before
    assert s.rule.rule == "absolute" and s.level() == 0.3
    with pytest.raises(BadParameterError, match="threshold"):
        s.update(threshold="150%")
    assert s.rule.threshold == 0.3  # a bad value changes nothing


def test_a_figure_that_cannot_draw_says_so(explorer: Explorer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    explorer.widget  # noqa: B018
    figs = explorer._figures
    assert figs is not None and figs.failed == {}

    def broken() -> pd.DataFrame:
        raise ValueError("no contributions today")

    monkeypatch.setattr(explorer.state, "contributions", broken)
    explorer.interests["rights"].value = 0.2
    title = figs.contributions.layout.title.text
    assert "This figure could not be drawn (contributions)" in title
    assert "no contributions today" in title
    assert "Not drawn: the contributions figure (ValueError" in explorer.status.value
    assert "could not" not in figs.priority.layout.title.text  # the others are drawn
    monkeypatch.undo()
    explorer.interests["rights"].value = 0.3  # the next change draws it again
    assert figs.failed == {} and "Why they would care" in figs.contributions.layout.title.text


def test_every_figure_has_a_message_in_its_place_until_drawn(explorer: Explorer) -> None:
    box = explorer.widget
    assert "sk-explorer" in box._dom_classes
    style = box.children[0].value
    assert ".sk-figure-slot:not(:has(.js-plotly-plot .main-svg)) > .sk-figure-wait" in style
    row = box.children[2].children[1]
    assert type(box.children[-1]).__name__ == "FollowWidth"  # figures follow their column
    slots = row.children
    assert len(slots) == 4 and all("sk-figure-slot" in s._dom_classes for s in slots)
    for slot, fig in zip(slots, explorer._figures.all, strict=True):
        wait, shown = slot.children
        assert "sk-figure-wait" in wait._dom_classes and "run the last cell again" in wait.value
        assert shown is fig


def test_a_figure_the_browser_reports_stale_is_redrawn_a_few_times(explorer: Explorer) -> None:
    from strategy_kit.explorer.follow import MAX_REDRAWS

    explorer.widget  # noqa: B018
    follow, figs = explorer._follow, explorer._figures
    table, priority = figs.table, figs.priority
    height = table.data[0].cells.height
    follow.stale = [3, 1, 1]  # the table (one trace) drawn at the wrong width; round 1
    assert table.data[0].cells.height != height and follow.redraws == {3: 1}
    for n in range(2, 10):
        follow.stale = [3, 1, n]
    assert follow.redraws == {3: MAX_REDRAWS}  # no loop: its stand-in message stays
    sent: list[object] = []
    priority.observe(lambda ch: sent.append(ch["new"]), names="_py2js_addTraces")
    follow.stale = [0, 0, 11]  # the priority figure's view has no traces: send it whole
    assert follow.redraws == {0: 1}  # the table is drawn right now; its count starts again
    added = [m for m in sent if m]
    assert len(added) == 1 and len(added[0]["trace_data"]) == len(priority.data)
