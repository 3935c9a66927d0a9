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
@pytest.mark.parametrize(("which", "figures"), [("audience", 6), ("overview", 8)])
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


@pytest.mark.parametrize("which", ["audience", "overview"])
def test_no_axis_label_is_cut_and_the_lead_comes_first(browser, rendered, tmp_path: Path,
                                                       which: str) -> None:
    """Belarus has short labels: no tick label ends in '…'; summary first, appendix last."""
    page, requests, errors = open_report(browser, rendered[which], tmp_path / f"{which}.png")
    ticks = page.eval_on_selector_all(
        ".js-plotly-plot g.xtick text, .js-plotly-plot g.ytick text",
        "els => els.map(e => e.textContent)")
    assert len(ticks) > 20
    cut = [t for t in ticks if t.rstrip().endswith("…")]
    assert cut == [], cut
    heads = page.eval_on_selector_all("main h2[id], .jp-RenderedHTMLCommon h2[id]",
                                      "els => els.map(e => e.id)")
    heads = [h for h in dict.fromkeys(heads) if h != "Contents"]
    assert heads[0] == "Summary" and heads[-1] == "Appendix"
    order = page.eval_on_selector_all("h2[id], h3[id]", "els => els.map(e => e.id)")
    tail = [h for h in order if h in ("Appendix", "Method", "Provenance")]
    assert tail == ["Appendix", "Method", "Provenance"]
    assert order.index("Provenance") > order.index("What-the-workshop-advised")
    # no two labels of a figure overlap (moment and spike labels are annotations)
    boxes = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(
        fig => [...fig.querySelectorAll('g.annotation-text-g text')].map(t => {
            const r = t.getBoundingClientRect();
            return [r.left, r.top, r.right, r.bottom, t.textContent];
        }))""")
    for fig in boxes:
        for i, a in enumerate(fig):
            for b in fig[i + 1:]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, (a[4], b[4])
    # the summary is on the first screen
    top = page.evaluate("document.getElementById('Summary').getBoundingClientRect().top")
    assert top < 900
    assert requests == [] and errors == []
    page.close()
