"""PDFs of reports and briefs, printed by a locally installed Chromium or Chrome (Playwright).

No browser is downloaded: the one on the machine is used (``STRATEGY_KIT_CHROMIUM`` names it,
otherwise the usual places are searched). The page is opened from its file, its figures are
drawn (plotly.js is unpacked first) at the width of the paper, and it is printed with the
report's print stylesheet: A4 or Letter, figures and tables never cut, the appendix on its own
page (docs/reports.md, "Print and PDF"). Each PDF is written atomically.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import (
    NoBrowserError,  # noqa: F401 - defined in errors.py
    )

__all__ = ["BROWSER_ENV", "PAPERS", "NoBrowserError", "find_browser", "write_pdfs"]

#: The environment variable that names the browser to print with.
BROWSER_ENV = "STRATEGY_KIT_CHROMIUM"
PAPERS = ("A4", "Letter")
#: Figures are drawn this many CSS pixels wide for print (as on a screen), then zoomed to 0.63
#: (report.css): 693 px, the width of A4 and Letter less their margins, labels as on screen.
PRINT_WIDTH_PX = 1100
_MARGINS = {"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
          "microsoft-edge", "msedge")
_PLACES = (
    "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable", "/snap/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)
_HOW = (f"install Chromium or Google Chrome (Debian/Ubuntu: sudo apt-get install chromium; "
        f"macOS and Windows: google.com/chrome), or set {BROWSER_ENV} to the browser's "
        "executable")
_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def find_browser() -> Path:
    """The Chromium or Chrome to print with: ``$STRATEGY_KIT_CHROMIUM``, or a usual place."""
    named = os.environ.get(BROWSER_ENV, "").strip()
    if named:
        p = Path(named).expanduser()
        if p.is_file() and os.access(p, os.X_OK):
            return p
        raise NoBrowserError(f"{BROWSER_ENV}={named} is not an executable file; {_HOW}")
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    for place in _PLACES:
        if Path(place).is_file():
            return Path(place)
    raise NoBrowserError(f"--pdf needs a Chromium or Chrome on this computer and none was "
                         f"found; {_HOW}")


@contextmanager
def _browser(executable: Path) -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise NoBrowserError("--pdf needs the Python package playwright: pip install "
                             "playwright (no browser download is needed)") from None
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=str(executable), args=_ARGS)
        except Error as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else "it did not start"
            raise NoBrowserError(f"{executable} could not be started ({first}); {_HOW}") from e
        try:
            yield browser
        finally:
            browser.close()


def _print(browser: Any, html: Path, pdf: Path, paper: str) -> Path:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(html.resolve().as_uri())
        page.wait_for_load_state("load")
        if page.evaluate("typeof window.skPlotly === 'function'"):
            page.wait_for_function("document.documentElement.dataset.skDrawn === 'yes'",
                                   timeout=60_000)
            page.emulate_media(media="print")
            page.evaluate(f"window.skPrintLayout({PRINT_WIDTH_PX})")
        from ..files.atomic import atomic_path

        with atomic_path(pdf) as tmp:  # whole or not at all; faults explained
            page.pdf(path=str(tmp), format=paper, print_background=True, margin=_MARGINS)
    finally:
        page.close()
    return pdf


def write_pdfs(pages: Iterable[tuple[Path, Path]], paper: str = "A4",
               executable: Path | None = None) -> list[Path]:
    """Print each ``(html, pdf)`` pair with one browser; return the PDFs written."""
    if paper not in PAPERS:
        from ..errors import BadParameterError

        raise BadParameterError("paper", paper, " or ".join(PAPERS))
    pages = list(pages)
    if not pages:
        return []
    with _browser(executable or find_browser()) as browser:
        return [_print(browser, html, pdf, paper) for html, pdf in pages]
