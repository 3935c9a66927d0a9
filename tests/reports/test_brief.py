"""The one-page brief: its numbers are the model's, its case strings are escaped."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from strategy_kit import load_case
from strategy_kit.cli import cli
from strategy_kit.model.recommend import recommend_allies, recommend_formats
from strategy_kit.model.scoring import score_priority
from strategy_kit.model.timing import find_windows
from strategy_kit.reports.brief import brief_context, render_brief, write_brief

START = "2026-12-01"


def test_brief_says_what_the_model_says() -> None:
    c = load_case("belarus")
    ctx = brief_context(c, "media", "end-terror", START)
    row = score_priority(c, goal="end-terror", start=START).set_index("audience").loc["media"]
    assert ctx["why"].startswith(f"Rank {int(row['rank'])} of 10 for this goal, priority "
                                 f"{row['priority']:.2f} (fit {row['fit_part']:.2f} + influence "
                                 f"{row['influence_part']:.2f} + timing "
                                 f"{row['timing_part']:.2f})")
    assert "Fresh stories, faces and events" in ctx["why"]
    formats = recommend_formats(c, "media", "end-terror", start=START)
    assert [f["name"] for f in ctx["formats"]] == formats[formats["fit"] > 0]["name"].head(
        2).tolist()
    assert [a["name"] for a in ctx["allies"]] == recommend_allies(c, "media")["name"].head(
        2).tolist()
    w = find_windows(c, "media", start=START).iloc[0]
    assert ctx["window"]["when"] == f"{w['start']:%-d %b %Y} – {w['end']:%-d %b %Y}"
    assert ctx["window"]["prepare"] == f"{w['prepare_by']:%-d %b %Y}"
    assert ctx["frame"]["name"] and len(ctx["hooks"]) == 2


def test_open_items_name_uncovered_windows() -> None:
    ctx = brief_context("belarus", "key-governments", "end-terror", START)
    assert any(i.startswith("No action is planned for the window 11 Feb 2027 – 26 Feb 2027")
               for i in ctx["open_items"])


def test_brief_is_escaped_self_contained_and_beside_the_report(hostile_case: Path,
                                                               tmp_path: Path) -> None:
    out = write_brief(hostile_case, "lawmakers", "release-prisoners", "2025-01-01", 120,
                      tmp_path)
    assert out == tmp_path.resolve() / "hostile" / "lawmakers--release-prisoners.brief.html"
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert not re.search(r"https?://", page) and "default-src 'none'" in page
    assert str(tmp_path) not in page, "no local path"


def test_brief_command_and_bad_input(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["brief", "--audience", "media", "--goal", "end-terror",
                                   "--start", START, "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert Path(res.output.strip()).read_text(encoding="utf-8").count("<h2>") == 6
    res = CliRunner().invoke(cli, ["brief", "--audience", "nobody", "--goal", "end-terror",
                                   "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "nobody" in res.output
    assert not (tmp_path / "x").exists()


def test_render_brief_without_window_or_formats() -> None:
    ctx = brief_context("belarus", "media", "end-terror", START)
    page = render_brief({**ctx, "window": None, "formats": [], "allies": [], "hooks": [],
                         "frame": None, "open_items": []})
    assert "No window of opportunity in this horizon" in page
    assert "No format of the case fits" in page and "Every window of this audience" in page
