"""The explorer in a real JupyterLab, driven by headless Chromium like a strategist would.

A session root prepared as ``launch_lab`` prepares it (``lab_root``: a copy of
notebooks/03-explore.ipynb and the explorer's JupyterLab settings) runs on the template case
handed over in $STRATEGY_KIT_CASE. Every wait is on a condition of the page, never a fixed
sleep, so that the test holds on a loaded machine. Screenshots go to $SK_SCREENSHOT_DIR when
it is set.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from strategy_kit import config
from strategy_kit.explorer.lab import (
    CASE_ENV,
    NOTEBOOK,
    _wait_for_server,
    lab_command,
    lab_env,
    lab_root,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL = {"127.0.0.1", "localhost"}
#: Conditions are polled on a timer (ms): a tab in the background gets no animation frames,
#: which Playwright polls on by default.
POLL = 250


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def lab(tmp_path: Path, template_copy: Path) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server on 127.0.0.1 over a temp root; stopped whatever happens."""
    root = lab_root(tmp_path / "root")
    home = tmp_path / "jupyter"
    port, token = _free_port(), "t" + os.urandom(12).hex()
    env = lab_env(token, {**os.environ, CASE_ENV: str(template_copy),
           "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")})
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(lab_command(port, root), env=env, cwd=root, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if not _wait_for_server(port, token, proc, timeout=40):
            pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-3000:])
        # no local user can read the token from the server's command line
        assert token not in Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode()
        yield f"http://127.0.0.1:{port}/lab/tree/notebooks/{NOTEBOOK}?token={token}", root
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:  # the server, and whatever it left running in its session
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        log.close()


PLOT_DATA = """() => Array.from(document.querySelectorAll('.sk-explorer .js-plotly-plot'))
    .map(el => JSON.stringify((el.data || []).map(t => [t.x, t.y])))"""
#: All four figures drawn, at the width of their column, with something in them: bars and
#: lines in the plots, cells in the table; and no stand-in message showing.
DRAWN = """() => {
  const box = document.querySelector('.sk-explorer');
  if (!box) return false;
  const slots = Array.from(box.querySelectorAll('.sk-figure-slot'));
  if (slots.length !== 4) return false;
  return slots.every(slot => {
    const el = slot.querySelector('.js-plotly-plot');
    const wait = slot.querySelector('.sk-figure-wait');
    if (!el || !el._fullLayout || (wait && wait.offsetHeight > 0)) return false;
    const width = el.getBoundingClientRect().width;
    const marks = el.querySelectorAll('.cartesianlayer .trace path, .table .cell-rect').length;
    return width > 0.9 * slot.getBoundingClientRect().width && width > 300 && marks > 0
      && Math.abs(el._fullLayout.width - width) < 30;
  });
}"""

DETAILS = """() => [(document.querySelector('.sk-explorer') || {dataset: {}}).dataset.skFollow]
    .concat(Array.from(document.querySelectorAll('.sk-figure-slot')).map(slot => {
  const el = slot.querySelector('.js-plotly-plot');
  const wait = slot.querySelector('.sk-figure-wait');
  return {slot: slot.getBoundingClientRect().width, plot: el && el.getBoundingClientRect().width,
          layout: el && el._fullLayout && el._fullLayout.width,
          marks: el && el.querySelectorAll('.cartesianlayer .trace path, .table .cell-rect').length,
          wait: wait && wait.offsetHeight};
}))"""


def _drawn(page: object, timeout: float = 60_000) -> None:
    """Wait until every figure is drawn; scroll each into view first (a user does)."""
    page.wait_for_function("document.querySelectorAll('.sk-figure-slot').length === 4",
                           timeout=timeout, polling=POLL)
    for k in range(4):
        page.locator(".sk-figure-slot").nth(k).scroll_into_view_if_needed()
    try:
        page.wait_for_function(DRAWN, timeout=timeout, polling=POLL)
    except Exception as e:
        raise AssertionError(f"figures not drawn: {page.evaluate(DETAILS)}") from e


def _run_all(page: object) -> None:
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def test_explorer_runs_and_reacts_in_jupyterlab(lab: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, root = lab
    committed = (config.NOTEBOOKS_DIR / NOTEBOOK).read_bytes()
    shots = Path(os.environ.get("SK_SCREENSHOT_DIR") or tmp_path)
    outside: list[str] = []
    errors: list[str] = []

    def record(u: str) -> None:
        p = urlparse(u)
        if p.scheme not in ("data", "blob", "about") and p.hostname not in LOCAL:
            outside.append(u)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1000})
            page = context.new_page()
            try:
                page.on("request", lambda r: record(r.url))
                page.on("websocket", lambda ws: record(ws.url))
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.goto(url)
                _run_all(page)
                _drawn(page)
                sliders = page.locator(".widget-slider")
                assert sliders.count() >= 6  # horizon, three priority weights, interests, σ
                assert page.locator(".widget-checkbox").count() >= 2
                # goal, audience, export as, and the scenario (Belarus has scenarios/)
                assert page.locator(".widget-dropdown").count() == 4
                before = page.evaluate(PLOT_DATA)
                page.screenshot(path=str(shots / "explore-before.png"), full_page=False)

                # Ctrl-B (docs/explorer.md): the figures take the room, and stay drawn
                page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
                page.keyboard.press("Control+b")
                page.wait_for_function(
                    "!document.querySelector('#jp-left-stack') || "
                    "document.querySelector('#jp-left-stack').offsetWidth === 0", polling=POLL)
                _drawn(page)

                # the focus audience's first interest slider: move it with the keyboard
                slider = page.locator(".sk-interest", has_text="Human rights").first
                slider.scroll_into_view_if_needed()
                handle = slider.locator(".noUi-handle").first
                handle.focus()
                for _ in range(20):
                    handle.press("ArrowLeft")
                page.wait_for_function(
                    f"JSON.stringify(({PLOT_DATA})()) !== {json.dumps(json.dumps(before))}",
                    timeout=30_000, polling=POLL)
                page.wait_for_function(  # both figures that depend on the weight follow
                    f"(() => {{ const now = ({PLOT_DATA})(); const was = {json.dumps(before)};"
                    " return now[0] !== was[0] && now[1] !== was[1]; })()", timeout=30_000,
                    polling=POLL)
                _drawn(page)
                page.screenshot(path=str(shots / "explore-after.png"), full_page=False)

                # a second tab on the same notebook: it opens the notebook as saved (no
                # outputs: no stale widgets that cannot load); run there, it draws too, and
                # the first tab keeps its figures
                second = context.new_page()
                second.on("console", lambda m: m.type == "error" and errors.append(
                    "second tab: " + m.text))
                second.goto(url)
                _run_all(second)
                _drawn(second)
                second.screenshot(path=str(shots / "explore-second-tab.png"), full_page=False)
                page.bring_to_front()
                _drawn(page)
            except Exception:
                for k, pg in enumerate(context.pages):
                    pg.screenshot(path=str(shots / f"explore-failure-{k}.png"), full_page=False)
                    print(f"page {k}:", pg.evaluate(DETAILS), pg.evaluate(
                        "Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
                        ".map(o => o.innerText.slice(0, 300))"))
                print("errors:", errors)
                raise
        finally:
            browser.close()

    assert not outside, f"requests left the machine: {outside}"
    # the committed notebook is untouched: the session ran on its own copy
    assert (config.NOTEBOOKS_DIR / NOTEBOOK).read_bytes() == committed
    assert not [e for e in errors if "plotly" in e.lower() or "widget" in e.lower()], errors
