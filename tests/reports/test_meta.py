"""What a report embeds about itself: escaped JSON in its head, read back by the index."""

from __future__ import annotations

from pathlib import Path

from strategy_kit.reports.meta import META_ID, meta_json, read_meta


def test_meta_cannot_end_its_script_and_reads_back(tmp_path: Path) -> None:
    meta = {"audience_name": "</script><script>window.__pwned=1</script> & <b>", "rank": 2,
            "priority": 0.5}
    text = meta_json(meta)
    assert "<" not in text and ">" not in text and "&" not in text
    page = tmp_path / "r.html"
    page.write_text(f'<html><head><title>t</title><script id="{META_ID}" '
                    f'type="application/json">{text}</script></head><body></body></html>')
    assert read_meta(page) == meta


def test_reports_without_meta_or_with_broken_meta_give_none(tmp_path: Path) -> None:
    old = tmp_path / "old.html"
    old.write_text("<html><head><title>old</title></head></html>")
    broken = tmp_path / "broken.html"
    broken.write_text(f'<script type="application/json" id="{META_ID}">{{nope</script>')
    assert read_meta(old) is None and read_meta(broken) is None
    assert read_meta(tmp_path / "missing.html") is None
