"""The comparison page in headless Chromium: no request, no label cut off (issue 22)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_kit.cli import cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_the_comparison_page_opens_offline_and_whole(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    r = CliRunner().invoke(cli, ["compare", "belarus", "belarus#careful-towards-regime",
                                 "--start", "2026-12-04", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    html = Path(r.stdout.strip().splitlines()[-1])
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = b.new_page(viewport={"width": 1200, "height": 900})
        requests: list[str] = []
        page.on("request", lambda q: requests.append(q.url)
                if not q.url.startswith(("file:", "data:")) else None)
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
        # no cell's text is cut: every cell is as wide as its content needs
        cut = page.evaluate("""() => [...document.querySelectorAll('td, th, h1, h2, p')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        b.close()
    assert requests == []
    assert cut == [] and not wide
    assert (tmp_path / "compare.png").stat().st_size > 20_000
