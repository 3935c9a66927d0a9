"""Open the reports from file:// in headless Chromium: figures render, nothing leaves the file."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield b
        b.close()


def open_report(browser, path: Path, shot: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url)
            if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    # plotly.js is unpacked (DecompressionStream) after the page is read; then the figures draw
    page.wait_for_function("document.documentElement.dataset.skDrawn === 'yes'")
    page.screenshot(path=str(shot), full_page=True)
    return page, requests, errors


# The Belarus case has no measured attention (issue 14: no made-up series in a report), so
# its audience report has no "Measured attention" figure.
@pytest.mark.parametrize(("which", "figures"), [("audience", 5), ("overview", 5)])
def test_report_renders_offline(browser, rendered, tmp_path: Path, which: str,
                                figures: int) -> None:
    page, requests, errors = open_report(browser, rendered[which], tmp_path / f"{which}.png")
    divs = page.locator(".plotly-graph-div").count()
    assert divs == figures
    assert page.locator(".js-plotly-plot").count() == divs, "every figure rendered"
    assert page.locator(".js-plotly-plot .main-svg").count() >= divs
    assert requests == []
    assert errors == []
    assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0, "no input code visible"
    assert page.locator(".highlight").count() == 0
    assert page.locator("nav.sk-toc a").count() >= 5
    assert (tmp_path / f"{which}.png").stat().st_size > 50_000
    page.close()


def test_injected_script_does_not_run(browser, rendered, tmp_path: Path) -> None:
    page, requests, errors = open_report(browser, rendered["hostile"], tmp_path / "hostile.png")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned = 1</script><b>Lawmakers</b>" in page.inner_text("body")
    assert requests == [] and errors == []
    page.close()
