"""Names are never evaluated as Plotly hover templates (issue 12): ``%{y}`` stays text."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest
from test_plots import priority_frame, timing_frame

from strategy_kit import plots
from strategy_kit.plots.style import plotly_safe

TRAP = "MPs %{y} %{customdata[0]:.2f}"


def _templates(fig: go.Figure) -> list[str]:
    return [t.hovertemplate for t in fig.data if getattr(t, "hovertemplate", None)]


def _placeholders(template: str) -> list[str]:
    return re.findall(r"%\{([^}]*)\}", template)


@pytest.mark.parametrize("draw", ["timeline", "calendar", "priority", "heatmap"])
def test_a_name_with_template_syntax_is_shown_not_evaluated(draw: str) -> None:
    names = {"mps": TRAP, "xss": "other"}
    if draw == "timeline":
        fig = plots.plot_timeline(timing_frame(), names=names)
    elif draw == "calendar":
        fig = plots.plot_calendar(timing_frame(), names=names)
    else:
        df = priority_frame()
        df.loc[df["audience"] == "mps", "audience_name"] = TRAP
        fig = (plots.plot_priority(df, goal="release") if draw == "priority"
               else plots.plot_heatmap(df))
    text = fig.to_json()
    assert "MPs %{y}" not in text, "the name would be filled in as a template"
    assert "MPs &#37;{y} &#37;{customdata[0]:.2f}" in text
    for t in _templates(fig):  # only the kit's own placeholders are left
        assert all(not p.startswith(" ") and "MPs" not in p for p in _placeholders(t))


def test_plotly_safe_escapes_tags_and_templates_only() -> None:
    assert plotly_safe("<b>A & B</b> 50% {x} %{y}") == (
        "&lt;b&gt;A &amp; B&lt;/b&gt; 50% {x} &#37;{y}")
