"""The dot plot of the most disputed items: sizes, the median mark, highlighting, escaping."""

from __future__ import annotations

import pandas as pd
import pytest

from strategy_kit import BadParameterError, plots
from strategy_kit.plots.style import WARN


def test_dots_are_sized_by_count_and_polarised_items_stand_out() -> None:
    items = pd.DataFrame({"item_name": ["<b>Press</b> × Rights", "MPs"],
                          "median": [0.5, 0.8], "flag": ["polarised", "consensus"]})
    dots = pd.DataFrame({"item_name": ["<b>Press</b> × Rights", "<b>Press</b> × Rights", "MPs"],
                         "value": [0.2, 0.8, 0.8], "count": [1, 3, 5]})
    fig = plots.plot_disputed(dots, items)
    polar, calm, median = fig.data
    assert polar.marker.color == WARN and list(polar.marker.size) == [14, 26]
    assert list(calm.marker.size) == [38]
    assert list(median.x) == [0.5, 0.8]
    # case text is escaped, and the first item is drawn at the top
    assert "&lt;b&gt;Press&lt;/b&gt; × Rights" in list(polar.y)
    assert list(fig.layout.yaxis.categoryarray) == ["MPs", "&lt;b&gt;Press&lt;/b&gt; × Rights"]


def test_nothing_rated_and_bad_frames() -> None:
    empty = plots.plot_disputed(pd.DataFrame(columns=["item_name", "value", "count"]),
                                pd.DataFrame(columns=["item_name", "median", "flag"]))
    assert empty.layout.annotations[0].text == "no item was rated"
    with pytest.raises(BadParameterError, match="count"):
        plots.plot_disputed(pd.DataFrame({"item_name": [], "value": []}),
                            pd.DataFrame(columns=["item_name", "median", "flag"]))
