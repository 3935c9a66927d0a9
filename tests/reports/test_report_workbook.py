"""A report made from a case's workbook says exactly what the report of its folder says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from strategy_kit.case.write import convert_case
from strategy_kit.reports.render import audience_job, run_report

pytestmark = pytest.mark.slow


def visible_text(html: str) -> str:
    """The words a reader sees, without the time the report was made."""
    html = re.sub(r"(?s)<(script|style)\b[^>]*>.*?</\1>", " ", html)
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?([+-]\d\d:\d\d|Z)?", "<time>", text)
    return " ".join(text.split())


def test_report_from_a_workbook_is_the_folders(rendered: dict[str, Path],
                                               tmp_path: Path) -> None:
    folder = tmp_path / "belarus"  # a folder holding one case.xlsx is that case, named belarus
    book = convert_case("belarus", folder / "case.xlsx")
    out = run_report(audience_job(book, "media", "end-terror", "2027-01-01", None,
                                  tmp_path / "reports"))
    want = visible_text(rendered["audience"].read_text(encoding="utf-8"))
    got = visible_text(out.read_text(encoding="utf-8"))
    # the provenance names the source (the folder, or the workbook in it); all else is equal
    assert "case folder belarus " in want and "case folder case.xlsx " in got
    got = got.replace("case folder case.xlsx ", "case folder belarus ").replace(
        '{"case": "case.xlsx"', '{"case": "belarus"')
    assert got == want
