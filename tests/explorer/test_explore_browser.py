"""The explorer in a real JupyterLab, driven by headless Chromium like a strategist would.

A copy of notebooks/03-explore.ipynb runs in a temporary root (the committed notebook is
never saved), on the template case handed over in $STRATEGY_KIT_CASE as ``launch_lab`` does.
Screenshots go to $SK_SCREENSHOT_DIR when it is set.
"""

from __future__ import annotations

import json
import os
import shutil
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
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL = {"127.0.0.1", "localhost"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def lab(tmp_path: Path, template_copy: Path) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server on 127.0.0.1 over a temp root; stopped whatever happens."""
    root = tmp_path / "root"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(config.NOTEBOOKS_DIR / NOTEBOOK, root / "notebooks" / NOTEBOOK)
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


PLOT_DATA = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(el => JSON.stringify((el.data || []).map(t => [t.x, t.y])))"""


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
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            try:
                page.on("request", lambda r: record(r.url))
                page.on("websocket", lambda ws: record(ws.url))
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.goto(url)
                page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=30_000)
                page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(
                    timeout=30_000)
                page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
                page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

                page.wait_for_function(
                    "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4",
                    timeout=45_000)
                sliders = page.locator(".widget-slider")
                assert sliders.count() >= 6  # horizon, three priority weights, interests, σ
                assert page.locator(".widget-checkbox").count() >= 2
                assert page.locator(".widget-dropdown").count() == 3  # goal, audience, export as
                page.wait_for_timeout(500)
                before = page.evaluate(PLOT_DATA)
                page.screenshot(path=str(shots / "explore-before.png"), full_page=False)

                # the focus audience's first interest slider: move it with the keyboard
                slider = page.locator(".sk-interest", has_text="Human rights").first
                slider.scroll_into_view_if_needed()
                handle = slider.locator(".noUi-handle").first
                handle.focus()
                for _ in range(20):
                    handle.press("ArrowLeft")
                page.wait_for_function(
                    f"JSON.stringify(({PLOT_DATA})()) !== {json.dumps(json.dumps(before))}",
                    timeout=15_000)
                page.wait_for_timeout(500)
                after = page.evaluate(PLOT_DATA)
                assert after[0] != before[0], "the priority figure did not change"
                assert after[1] != before[1], "the contributions figure did not change"
                page.screenshot(path=str(shots / "explore-after.png"), full_page=False)
            except Exception:
                page.screenshot(path=str(shots / "explore-failure.png"), full_page=False)
                raise
        finally:
            browser.close()

    assert not outside, f"requests left the machine: {outside}"
    # the committed notebook is untouched; the copy may be autosaved, but never the original
    assert (config.NOTEBOOKS_DIR / NOTEBOOK).read_bytes() == committed
    assert not [e for e in errors if "plotly" in e.lower() or "widget" in e.lower()], errors
