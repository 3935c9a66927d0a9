"""Compare what two reports say, word for word: visible text only, timestamps aside.

    python benchmarks/report_text.py BEFORE.html AFTER.html   # prints a diff; exit 1 if any
    python benchmarks/report_text.py REPORT.html               # prints the report's text

For a change meant to leave reports as they are (a refactoring, a speed-up): render the same
reports before and after it (same ``--start``), then compare them. Scripts, styles and tags
are dropped; the generation time (ISO timestamps) is replaced by ``<time>``.
"""

from __future__ import annotations

import difflib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

_BLOCKS = {"p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "br", "section",
           "caption", "summary", "pre"}
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def report_text(path: Path) -> list[str]:
    """The lines of text a reader sees in a report, timestamps replaced."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    text = _TIMESTAMP.sub("<time>", "".join(parser.parts))
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def main(args: list[str]) -> int:
    if len(args) == 1:
        print("\n".join(report_text(Path(args[0]))))
        return 0
    if len(args) != 2:
        print(__doc__)
        return 2
    a, b = (report_text(Path(p)) for p in args)
    diff = list(difflib.unified_diff(a, b, args[0], args[1], lineterm=""))
    print("\n".join(diff) if diff else f"same text ({len(a)} lines)")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
