"""Print and PDF: pages of A4 and Letter, no figure cut across pages, the one-page brief."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from strategy_kit.cli import cli
from strategy_kit.reports import pdf as pdf_module
from strategy_kit.reports.pdf import NoBrowserError, find_browser, write_pdfs

CHROMIUM = Path("/usr/bin/chromium")
_FIGURE = re.compile(r'(<div class="sk-figure">)(.*?</script>)(</div>)', re.S)


def marked(html: Path, out: Path) -> int:
    """A copy of a report with a marker at the top and the bottom of each figure."""
    n = 0

    def mark(m: re.Match[str]) -> str:
        nonlocal n
        n += 1
        return f"{m[1]}<span>SKTOP{n:02d}</span>{m[2]}<span>SKEND{n:02d}</span>{m[3]}"

    out.write_text(_FIGURE.sub(mark, html.read_text(encoding="utf-8")), encoding="utf-8")
    return n


def page_texts(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(path).pages]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("which", ["audience", "overview"])
def test_pdf_pages_hold_whole_figures_and_the_appendix_starts_a_page(
        rendered: dict[str, Path], tmp_path: Path, which: str, paper: str) -> None:
    copy = tmp_path / f"{which}.html"
    figures = marked(rendered[which], copy)
    # issue 19 added the Spectrum of Allies: one strip, or three goals a figure in the overview
    assert figures == {"audience": 6, "overview": 8}[which]
    [out] = write_pdfs([(copy, tmp_path / f"{which}.pdf")], paper=paper, executable=CHROMIUM)
    reader = pypdf.PdfReader(out)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == ((596, 843) if paper == "A4" else (612, 792))
    texts = page_texts(out)
    assert 6 <= len(texts) <= 24, len(texts)
    for i in range(1, figures + 1):
        top = [k for k, t in enumerate(texts) if f"SKTOP{i:02d}" in t]
        end = [k for k, t in enumerate(texts) if f"SKEND{i:02d}" in t]
        assert len(top) == 1 and top == end, f"figure {i} is cut: pages {top} and {end}"
    starts = [t.strip().splitlines()[0] for t in texts]
    assert "Appendix" in starts, "the appendix starts on its own page"
    assert starts.index("Appendix") > 0
    assert texts[starts.index("Appendix")].strip().splitlines()[1] == "Method"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_brief_is_one_page_and_report_pdf_from_the_command_line(
        tmp_path: Path, paper: str, hostile_case: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["brief", "--case", str(hostile_case), "--audience", "lawmakers",
                              "--goal", "release-prisoners", "--start", "2025-01-01", "--days",
                              "120", "--out", str(tmp_path), "--pdf", "--paper", paper])
    assert res.exit_code == 0, res.output
    html, pdf = (Path(line) for line in res.output.split())
    assert html.name == "lawmakers--release-prisoners.brief.html" and pdf.suffix == ".pdf"
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1, "the brief prints on exactly one page"
    text = reader.pages[0].extract_text()
    assert "<script>window.__pwned = 1</script><b>Lawmakers</b>" in text  # shown, as text
    for part in ("PRIORITY, AND WHY", "NEXT WINDOW", "FORMATS", "ALLIES", "WHAT TO SAY",
                 "OPEN ITEMS OF THE PLAN"):
        assert part in text


def test_no_browser_is_a_clear_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(pdf_module.BROWSER_ENV, raising=False)
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf_module, "_PLACES", ())
    with pytest.raises(NoBrowserError, match="sudo apt-get install chromium"):
        find_browser()
    for args in (["report", "--audience", "media", "--goal", "end-terror"],
                 ["brief", "--audience", "media", "--goal", "end-terror"],
                 ["batch", "--audiences", "media", "--goals", "end-terror"]):
        res = CliRunner().invoke(cli, [*args, "--out", str(tmp_path), "--pdf"])
        assert res.exit_code == 2, (args, res.output)
        assert "needs a Chromium or Chrome" in res.output and "STRATEGY_KIT_CHROMIUM" in (
            res.output)
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_browser_named_by_the_environment(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(pdf_module.BROWSER_ENV, str(fake))
    assert find_browser() == fake
    monkeypatch.setenv(pdf_module.BROWSER_ENV, str(tmp_path / "nope"))
    with pytest.raises(NoBrowserError, match="is not an executable file"):
        find_browser()
