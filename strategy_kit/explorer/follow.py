"""A widget without a face that keeps the explorer's figures as wide as their column.

Plotly's ``responsive`` figures follow the *window*'s size only. When the column changes
without the window (the file browser hidden with Ctrl-B, JupyterLab's side panels, a cell
that was not laid out when the figure was drawn), the figures kept their old width, or the
width of an element the browser had not laid out yet. This widget watches every figure's
slot in its explorer (``ResizeObserver``) and, when one changes width, tells the page's
figures that the window did (one ``resize`` event, after the changes settle).
"""

from __future__ import annotations

import anywidget
import ipywidgets

__all__ = ["FollowWidth"]

_ESM = """
function render({ el }) {
  let observer = null, timer = null, tries = 0;
  const widths = new Map();
  const settle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => window.dispatchEvent(new Event('resize')), 120);
  };
  const watch = () => {
    const box = el.closest('.sk-explorer');
    if (!box) {  // not attached yet: look again shortly
      if (tries++ < 600) timer = setTimeout(watch, 100);
      return;
    }
    observer = new ResizeObserver(entries => {
      let changed = false;
      for (const e of entries) {
        const w = Math.round(e.contentRect.width);
        if (w > 0 && widths.get(e.target) !== w) { widths.set(e.target, w); changed = true; }
      }
      if (changed) settle();
    });
    box.querySelectorAll('.sk-figure-slot').forEach(s => observer.observe(s));
  };
  watch();
  return () => { clearTimeout(timer); if (observer) observer.disconnect(); };
}
export default { render };
"""


class FollowWidth(anywidget.AnyWidget):  # type: ignore[misc]
    """Put one in the explorer's box (class ``sk-explorer``) beside its figure slots."""

    _esm = _ESM

    def __init__(self) -> None:
        super().__init__(layout=ipywidgets.Layout(height="0px", overflow="hidden"))
