"""A widget without a face that sees to it that every figure of the explorer is drawn.

A Plotly ``FigureWidget`` is sometimes drawn before its place on the page is laid out: after
Run All, in a cell below the fold, or while a side panel opens or closes (Ctrl-B). It then
takes Plotly's default width (700 px) instead of its column's, and may draw no bars at all;
and plotly's ``responsive`` figures follow the *window*'s size, not their column's. This
widget watches, in the browser, every figure slot of its explorer (``ResizeObserver`` and a
short check after each change): a figure whose drawn width differs from its slot's, or that
has data but no marks, or has no traces at all (its first state arrived after the view was
made, and plotly's widget ignores a later one), is reported back (``stale``), and the
explorer draws it again (``_Figures.redraw``: a relayout that measures again, or the whole
figure sent again). Each figure is redrawn at most
:data:`MAX_REDRAWS` times in a row, so a figure that cannot be drawn ends with the message
that stands in for it, never a loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets
import traitlets

__all__ = ["MAX_REDRAWS", "FollowWidth"]

#: How many redraws in a row a figure gets before it is left to its stand-in message.
MAX_REDRAWS = 5

_ESM = """
function render({ model, el }) {
  let observer = null, timer = null, tries = 0, checks = 0, round = 0;
  const stale = box => Array.from(box.querySelectorAll('.sk-figure-slot')).flatMap((s, k) => {
    const gd = s.querySelector('.js-plotly-plot');
    const width = s.getBoundingClientRect().width;
    if (!gd || !gd._fullLayout || width < 50) return [];
    const traces = gd.data || [];
    const hasData = traces.some(t => (t.x && t.x.length)
      || (t.cells && t.cells.values && t.cells.values.some(c => c && c.length)));
    const marks = gd.querySelectorAll('.cartesianlayer .trace path, .table .cell-rect').length;
    const off = Math.abs(gd._fullLayout.width - width) > 30;
    // [figure, how many traces this view has]: none means its first state never arrived
    return (off || (hasData && marks === 0) || !traces.length) ? [k, traces.length] : [];
  });
  // a slot whose figure has not been drawn at all yet (a slow page): keep looking
  const waiting = box => Array.from(box.querySelectorAll('.sk-figure-slot')).some(s => {
    const gd = s.querySelector('.js-plotly-plot');
    return !gd || !gd._fullLayout;
  });
  const check = box => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const found = stale(box);
      if (found.length) {
        model.set('stale', found.concat([++round]));  // the round makes each report new
        model.save_changes();
      }
      box.dataset.skFollow = String(round);  // for tests and a curious reader: reports sent
      // keep looking while things settle: until every figure is drawn right, then a while
      if ((found.length || waiting(box)) ? checks++ < 600 : checks++ < 20) check(box);
      else checks = 0;
    }, 400);
  };
  const watch = () => {
    const box = el.closest('.sk-explorer');
    if (!box) {  // not attached yet: look again shortly
      if (tries++ < 600) timer = setTimeout(watch, 100);
      return;
    }
    observer = new ResizeObserver(() => { checks = 0; check(box); });
    box.querySelectorAll('.sk-figure-slot').forEach(s => observer.observe(s));
    check(box);
  };
  watch();
  return () => { clearTimeout(timer); if (observer) observer.disconnect(); };
}
export default { render };
"""


class FollowWidth(anywidget.AnyWidget):  # type: ignore[misc]
    """Put one in the explorer's box (class ``sk-explorer``) beside its figure slots.

    ``redraw(k, traces)`` is called for figure ``k`` (in slot order) when the browser
    reports it drawn at the wrong width or empty; ``traces`` is how many traces the view in
    the browser has (0: its first state never arrived, the whole figure must be sent again).
    """

    _esm = _ESM
    stale = traitlets.List(traitlets.Int(), default_value=[]).tag(sync=True)

    def __init__(self, redraw: Callable[[int, int], Any]) -> None:
        super().__init__(layout=ipywidgets.Layout(height="0px", overflow="hidden"))
        self._redraw = redraw
        self.redraws: dict[int, int] = {}
        self.observe(self._on_stale, names="stale")

    def _on_stale(self, change: dict[str, Any]) -> None:
        found = list(change["new"])[:-1]  # pairs (figure, traces); last: the report's round
        pairs = dict(zip(found[::2], found[1::2], strict=True))
        for k in set(self.redraws) - set(pairs):
            self.redraws.pop(k)  # drawn right: its count starts again
        for k, traces in pairs.items():
            if self.redraws.get(k, 0) < MAX_REDRAWS:
                self.redraws[k] = self.redraws.get(k, 0) + 1
                self._redraw(k, traces)
