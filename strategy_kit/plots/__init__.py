"""Plotly figures of the model's tables, in one house style (``style``).

Every function takes tidy frames (as the model returns them) and returns a
``plotly.graph_objects.Figure``; none imports the model or the reports. All of them are
importable from here: ``from strategy_kit import plots; plots.plot_priority(...)``.
"""

from .disagree import plot_disputed
from .grid import plot_influence_fit
from .measured import plot_measured_attention
from .priority import (
    plot_contributions,
    plot_heatmap,
    plot_priority,
    plot_table,
)
from .spectrum import plot_spectrum
from .stability import plot_rank_stability
from .style import FIT, FONT, PALETTE, TEMPLATE, WARN, _text  # noqa: F401  (_text: tests)
from .timeline import plot_calendar, plot_coverage, plot_timeline

__all__ = [
    "FIT",
    "FONT",
    "PALETTE",
    "TEMPLATE",
    "WARN",
    "plot_calendar",
    "plot_contributions",
    "plot_coverage",
    "plot_disputed",
    "plot_heatmap",
    "plot_influence_fit",
    "plot_measured_attention",
    "plot_priority",
    "plot_rank_stability",
    "plot_spectrum",
    "plot_table",
    "plot_timeline",
]
