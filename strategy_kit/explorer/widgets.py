"""The interactive explorer of ``notebooks/03-explore.ipynb``: ipywidgets controls, live figures.

``Explorer`` puts ipywidgets controls (goal, audiences, horizon, priority and interest weights,
robustness noise, reset and export) around an :class:`ExplorerState` and shows its four
Plotly ``FigureWidget``s, updated in place; in a batch run (``Explorer.show(interactive=False)``)
the same figures are drawn once, static. The state lives in :mod:`strategy_kit.explorer.state`,
the figures in ``figures`` and ``launch_lab`` in :mod:`strategy_kit.explorer.lab`; their
public names are importable from here too.
"""

from __future__ import annotations

import sys  # noqa: F401  (importable from here as before the split; tests use it)
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets
import pandas as pd

from ..case import Case
from ..errors import StrategyKitError
from ..model.matrices import PRIORITY_PARTS, priority_weights
from ..model.scoring import score_priority  # noqa: F401  (as before the split)
from ..params import long_date as _date
from ..plots.style import MUTED, PART_LABELS, WARN
from ..sections.display import esc, show_figure, show_html
from .figures import _Figures
from .follow import FollowWidth
from .lab import CASE_ENV, NOTEBOOK, lab_command, launch_lab  # noqa: F401  (re-exported)
from .state import ExplorerState

__all__ = ["CASE_ENV", "Explorer", "ExplorerState", "launch_lab"]


def _short(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


#: Shown in a figure's place until the figure is drawn, and whenever it cannot be (a tab
#: whose widgets did not load, a figure the browser never drew): pure CSS (``:has``), so
#: it shows even when no widget script runs in the page.
WAITING = ("Drawing this figure… If it stays empty, run the last cell again (Shift+Enter), "
           "or reload the page (F5) and run all cells.")
SLOT_CSS = """<style>
.sk-figure-slot > .sk-figure-wait {display: none; color: #6b6b6b; font-size: 13px;
  padding: 12px; border: 1px dashed #cccccc; margin: 6px 0;}
.sk-figure-slot:not(:has(.js-plotly-plot .main-svg)) > .sk-figure-wait {display: block;}
</style>"""


def _slot(fig: Any) -> Any:
    """A figure with the message that stands in for it until it is drawn (``SLOT_CSS``)."""
    wait = ipywidgets.HTML(esc(WAITING))
    wait.add_class("sk-figure-wait")
    slot = ipywidgets.VBox([wait, fig], layout=ipywidgets.Layout(width="100%"))
    slot.add_class("sk-figure-slot")
    return slot


class _Box(ipywidgets.VBox):
    """The explorer's outer box; gets its figures ready each time it is displayed."""

    before_display: Callable[[], None] | None = None

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if self.before_display is not None:
            self.before_display()
        return super()._repr_mimebundle_(**kwargs)


class Explorer:
    """The interactive explorer: controls on the left, four live figures on the right.

    ``Explorer(case)`` displays itself as the last expression of a cell; ``show(False)``
    draws the same figures static instead (batch runs, HTML export). Arguments are those of
    :class:`ExplorerState`; the state is ``explorer.state``.
    """

    def __init__(self, case: str | Path | Case | None = None, **choices: Any) -> None:
        self.state = ExplorerState(case, **choices)
        self._widget: Any = None
        self._figures: _Figures | None = None
        self._syncing = False
        self._to_redraw = [0, 0, 0, 0]  # per figure: displays not yet redrawn

    # -- display --------------------------------------------------------------------------

    @property
    def widget(self) -> Any:
        """The ipywidgets box of controls and figures, built on first use."""
        if self._widget is None:
            self._build()
        return self._widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _before_display(self) -> None:
        self._to_redraw = [n + 1 for n in self._to_redraw]
        assert self._figures is not None
        for fig in self._figures.all:
            # A FigureWidget refreshes the state a new view draws from only when it is
            # displayed itself, not as a child of a box: do it for it, or the view starts
            # from the state the figure was created with plus a replay of the edits.
            fig._repr_mimebundle_()

    def _on_figure_drawn(self, k: int, change: dict[str, Any]) -> None:
        # a figure reports its first drawing in a new view: redraw it then, once per display
        if change["new"] and self._to_redraw[k] > 0 and self._figures is not None:
            self._to_redraw[k] -= 1
            self._figures.redraw(self._figures.all[k])

    def show(self, interactive: bool = True) -> None:
        """Display the live explorer, or (``interactive=False``) its figures as static ones."""
        from IPython.display import display

        if interactive:
            display(self)
            return
        s = self.state
        names = s.base.names("audience")
        end = s.start + pd.Timedelta(days=s.days - 1)
        show_html(f"<p>Case <b>{esc(s.base.title)}</b>; goal <b>{esc(s.base.names('goal')[s.goal])}"
                  f"</b>; focus <b>{esc(names[s.audience])}</b>; planning {_date(s.start)} – "
                  f"{_date(end)}; scored on {esc(s.base.values_note)}. Run the notebook with "
                  "<code>interactive = True</code> in JupyterLab to move the weights.</p>")
        figs = _Figures(s, widget=False)
        figs.update()
        for f in figs.all:
            show_figure(f)

    # -- controls -------------------------------------------------------------------------

    def _build(self) -> None:
        W = ipywidgets  # noqa: N806

        s, base = self.state, self.state.base
        self._figures = _Figures(s, widget=True)
        for k, fig in enumerate(self._figures.all):
            fig.observe(lambda ch, k=k: self._on_figure_drawn(k, ch), names="_js2py_traceDeltas")

        def wide() -> Any:  # one Layout per widget: a shared one hides them all together
            return W.Layout(width="100%")

        st = {"description_width": "120px"}
        self.goal = W.Dropdown(options=[(n, i) for i, n in base.names("goal").items()],
                               value=s.goal, description="Goal", layout=wide(), style=st)
        self.audience = W.Dropdown(options=[(n, i) for i, n in base.names("audience").items()],
                                   value=s.audience, description="Look closely at",
                                   layout=wide(), style=st)
        self.compare = {a: W.Checkbox(value=a in s.compare, description=_short(n, 42),
                                      tooltip=n, indent=False, layout=W.Layout(width="auto"))
                        for a, n in base.names("audience").items()}
        self.view = W.Dropdown(options=[("the group (medians)" if v == "group" else v, v)
                                        for v in s.views()], value=s.view,
                               description="Whose ratings", layout=wide(), style=st)
        self.scenario = W.Dropdown(options=[(n or "the case as it is", n) for n in s.scenarios()],
                                   value=s.base.scenario, description="Scenario",
                                   layout=wide(), style=st)  # issue 22
        self.start = W.DatePicker(value=s.start.date(), description="Start", style=st)
        self.days = W.IntSlider(value=s.days, min=30, max=max(730, s.days), step=15,
                                description="Horizon (days)", continuous_update=False,
                                layout=wide(), style=st)
        self.weights = {k: W.FloatSlider(value=round(s.weights[k], 4), min=0, max=1, step=0.05,
                                         description=PART_LABELS[k].split(" (")[0].capitalize(),
                                         continuous_update=False, readout_format=".2f",
                                         layout=wide(), style=st) for k in PRIORITY_PARTS}
        self.shares = W.HTML()
        self.window_share = W.FloatSlider(
            value=s.rule.share, min=0.3, max=1.0, step=0.05, description="Windows: % of peak",
            continuous_update=False, readout_format=".0%", layout=wide(), style=st,
            tooltip="A window is a run of days within this share of the audience's own peak "
                    f"attention (never below {s.rule.floor:.2f})")
        names = base.names("interest")
        themes = dict(zip(base.interests["id"], base.interests["theme"], strict=True))
        self.interests = {i: W.FloatSlider(min=0, max=1, step=0.01, readout_format=".2f",
                                           tooltip=f"{n} ({themes[i]})",
                                           continuous_update=False, layout=wide(),
                                           style={"description_width": "0px"})
                          for i, n in names.items()}
        # the full name above each slider: interest names are long sentences
        self._interest_rows = {
            i: W.VBox([W.HTML(f"<div style='font-size:12px;line-height:15px'>{esc(n)} "
                              f"<span style='color:{MUTED}'>· {esc(themes[i])}</span></div>",
                              layout=W.Layout(margin="4px 0 -6px 4px")),
                       self.interests[i]],
                   # no shrinking in the scrolled box, or the sliders are squeezed out
                   layout=W.Layout(width="100%", flex="0 0 auto"))
            for i, n in names.items()}
        for row in self._interest_rows.values():
            row.add_class("sk-interest")
        self.all_interests = W.Checkbox(value=False, description="show every interest",
                                        indent=False)
        self.interest_box = W.VBox(list(self._interest_rows.values()),
                                   layout=W.Layout(max_height="420px", overflow="auto"))
        self.interest_title = W.HTML()
        self.sigma = W.FloatSlider(value=s.sigma, min=0, max=1, step=0.05,
                                   description="Noise σ", continuous_update=False,
                                   readout_format=".2f", layout=wide(), style=st)
        self.reset = W.Button(description="Reset to case", icon="undo",
                              tooltip="Back to the case's interest and priority weights")
        self.export = W.Button(description="Export adjusted weights", icon="save",
                               button_style="primary", layout=W.Layout(width="auto"),
                               tooltip="Write a copy of the case with these weights")
        # issue 13: the export writes the case's own form by default, or a workbook/folder
        own = base.path.suffix.lower().lstrip(".") if base.path.is_file() else "folder"
        self.export_as = W.Dropdown(
            options=[("as a folder", "folder"), ("as .xlsx", "xlsx"), ("as .ods", "ods")],
            value=own if own in ("folder", "xlsx", "ods") else "folder",
            layout=W.Layout(width="120px"), tooltip="Write the copy as a folder or a workbook")
        self.status = W.HTML()

        self._watch(self.goal, lambda v: s.update(goal=v))
        self._watch(self.audience, self._on_audience)
        for cb in self.compare.values():
            self._watch(cb, lambda _: s.update(
                compare=[a for a, c in self.compare.items() if c.value]))
        self._watch(self.view, self._on_view)
        self._watch(self.scenario, self._on_scenario)
        self._watch(self.start, lambda v: v and s.update(start=v))
        self._watch(self.days, lambda v: s.update(days=v))
        for k, sl in self.weights.items():
            self._watch(sl, lambda v, k=k: s.update(weights={k: v}))
        for i, sl in self.interests.items():
            self._watch(sl, lambda v, i=i: s.set_interest_weight(i, v))
        self._watch(self.all_interests, lambda _: self._sync_interests())
        self._watch(self.sigma, lambda v: s.update(sigma=v))
        self._watch(self.window_share, lambda v: s.update(threshold=f"{v * 100:.0f}%"))
        self.reset.on_click(lambda _: self._run(self._on_reset))
        self.export.on_click(lambda _: self._run(self._on_export))

        def head(text: str) -> Any:
            return W.HTML(f"<b style='font-size:14px'>{text}</b>",
                          layout=W.Layout(margin="10px 0 0 0"))

        controls = W.VBox([
            *([self.view] if len(s.views()) > 1 else []),  # issue 15: only with ratings
            *([self.scenario] if len(s.scenarios()) > 1 else []),  # issue 22: with scenarios
            self.goal, self.audience,
            head("Audiences to compare"),
            W.VBox(list(self.compare.values())),
            head("Planning"), self.start, self.days, self.window_share,
            head("Priority weights"), *self.weights.values(), self.shares,
            self.interest_title, self.all_interests, self.interest_box,
            head("Robustness"), self.sigma,
            W.HBox([self.reset, self.export, self.export_as],
                   layout=W.Layout(margin="12px 0 0 0", flex_flow="row wrap")),
            self.status,
        ], layout=W.Layout(width="350px", min_width="350px", padding="0 12px 0 0"))
        figures = W.VBox([_slot(fig) for fig in self._figures.all],
                         layout=W.Layout(flex="1 1 auto", min_width="0"))
        intro = W.HTML(
            f"<h3 style='margin:0'>{esc(base.title)}</h3><p style='margin:4px 0 8px 0'>"
            "Change a control and the figures follow. Your changes stay here until you "
            "<b>export</b> them; the case itself is never changed. Scored on "
            f"{esc(base.values_note)}.</p>")
        # the browser reports a figure drawn at the wrong width or empty: draw it again
        figs = self._figures
        self._follow = FollowWidth(lambda k, traces: figs.resend(figs.all[k])
                                   if traces == 0 and figs.all[k].data
                                   else figs.redraw(figs.all[k]))
        self._widget = _Box([W.HTML(SLOT_CSS), intro, W.HBox([controls, figures]),
                             self._follow])
        self._widget.add_class("sk-explorer")
        self._widget.before_display = self._before_display
        self._sync_interests()
        self._refresh()

    def _watch(self, widget: Any, fn: Callable[[Any], Any]) -> None:
        def handler(change: dict[str, Any]) -> None:
            if not self._syncing:
                self._run(lambda: fn(change["new"]))
        widget.observe(handler, names="value")

    def _run(self, fn: Callable[[], Any]) -> None:
        """Apply a change and refresh; a bad value is reported in the status line."""
        try:
            fn()
            self._refresh()
        except StrategyKitError as e:
            self._say(str(e), error=True)
        except Exception as e:  # a strategist sees no traceback in a widget callback
            self._say(f"Something went wrong: {type(e).__name__}: {e}", error=True)

    def _say(self, message: str, error: bool = False) -> None:
        colour = WARN if error else "#00694f"
        self.status.value = f"<div style='color:{colour};margin-top:6px'>{message}</div>"

    def _on_view(self, value: str) -> None:
        self.state.set_view(value)
        self._sync_interests()

    def _on_scenario(self, value: str) -> None:
        self.state.set_scenario(value)
        self._syncing = True
        try:
            self.view.value = "group"
        finally:
            self._syncing = False
        self._sync_interests()

    def _on_audience(self, value: str) -> None:
        self.state.update(audience=value)
        self._sync_interests()

    def _on_reset(self) -> None:
        self.state.reset()
        self._syncing = True
        try:
            for k, sl in self.weights.items():
                sl.value = round(self.state.weights[k], 4)
        finally:
            self._syncing = False
        self._sync_interests()
        self._say("Back to the case's weights.")

    def _on_export(self) -> None:
        s = self.state
        if s.changes().empty and not s.weights_changed:
            self._say("Nothing to export: the weights are the case's.")
            return
        path = s.export(fmt=self.export_as.value)
        self._say(f"Saved a copy of the case with your weights ({len(s.changes())} interest "
                  f"weight(s){', priority weights' if s.weights_changed else ''}) in<br>"
                  f"<code>{esc(path)}</code><br>Check it with <code>strategy-kit validate "
                  f"{esc(path)}</code>. The case itself is unchanged.")

    def _sync_interests(self) -> None:
        """Show the focus audience's weights on the interest sliders (no recomputation)."""
        s = self.state
        a = s.audience
        names = s.base.names("interest")
        rows = [(i, s.interest_weight(a, i), s.case_weight(a, i)) for i in self.interests]
        order = sorted(range(len(rows)), key=lambda n: (-rows[n][2], -rows[n][1], n))
        self._syncing = True
        try:
            for i, w, c in rows:
                sl = self.interests[i]
                sl.value = w
                changed = abs(w - c) > 5e-5
                sl.style.handle_color = WARN if changed else None
                sl.tooltip = f"{names[i]}: case {c:.2f}" + (f", now {w:.2f}" if changed
                                                            else "")
                self._interest_rows[i].layout.display = "" if (
                    self.all_interests.value or c > 0 or w > 0) \
                    else "none"
            self.interest_box.children = [self._interest_rows[rows[n][0]] for n in order]
        finally:
            self._syncing = False
        name = esc(s.base.names("audience")[a])
        self.interest_title.value = (
            f"<b style='font-size:14px'>What {name} care about</b><br><span style='color:"
            f"{MUTED}'>an orange handle: changed from the case</span>")

    def _refresh(self) -> None:
        s = self.state
        for i, sl in self.interests.items():
            changed = abs(sl.value - s.case_weight(s.audience, i)) > 5e-5
            sl.style.handle_color = WARN if changed else None
        wn = priority_weights(s.base, s.weights)
        self.shares.value = ("<span style='color:#6b6b6b'>rescaled to add up to 1: " + " · ".join(
            f"{k} {v:.0%}" for k, v in zip(PRIORITY_PARTS, wn, strict=True)) + "</span>")
        assert self._figures is not None
        self._figures.update()
        if self._figures.failed:
            self._say("Not drawn: " + "; ".join(f"the {k} figure ({why})" for k, why in
                                                 self._figures.failed.items()), error=True)
        elif not s.compare:
            self._say("Tick at least one audience to compare; the focus audience is shown.")
        elif self.status.value.startswith("<div style='color:" + WARN):
            self.status.value = ""
