"""The one-page brief: its numbers are the model's, its case strings are escaped."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from strategy_kit import load_case
from strategy_kit.cli import cli
from strategy_kit.model.coverage import plan_coverage
from strategy_kit.model.preparation import plan_preparation
from strategy_kit.model.recommend import recommend_allies, recommend_formats
from strategy_kit.model.scoring import score_priority
from strategy_kit.model.windows import find_windows
from strategy_kit.reports.brief import brief_context, render_brief, write_brief
from strategy_kit.sections.advice import explain_priority
from strategy_kit.sections.audience import study_audience

START = "2026-12-01"


def test_brief_says_what_the_model_says() -> None:
    c = load_case("belarus")
    ctx = brief_context(c, "media", "end-terror", START)
    s = study_audience(c, "media", "end-terror", START)
    row = score_priority(c, goal="end-terror", start=START).set_index("audience").loc["media"]
    assert ctx["why"].startswith(f"Priority {row['priority']:.2f}, rank {int(row['rank'])} of "
                                 "12 audiences for this goal = fit ")
    assert explain_priority(s) in ctx["why"], "the report's own sentence"
    assert "Fresh stories, faces and events" in ctx["why"]
    formats = recommend_formats(c, "media", "end-terror", start=START)
    assert [f["name"] for f in ctx["formats"]] == formats[formats["fit"] > 0]["name"].head(
        2).tolist()
    assert [a["name"] for a in ctx["allies"]] == recommend_allies(c, "media")["name"].head(
        2).tolist()
    # the next window and its preparation day are the calendar's (one rule: model.preparation)
    prep = plan_preparation(c, "media", "end-terror", start=START).sort_values("start").iloc[0]
    assert ctx["window"]["when"] == f"{prep['start']:%-d %b %Y} – {prep['end']:%-d %b %Y}"
    w = find_windows(c, "media", start=START, goal="end-terror").iloc[0]
    assert (w["start"], w["end"]) == (prep["start"], prep["end"])
    want = f"{prep['prepare_by']:%-d %b %Y}"
    assert want in ctx["window"]["prepare"]
    assert ("late" in ctx["window"]["prepare"]) == bool(prep["late"])
    assert ctx["frame"]["name"] and len(ctx["hooks"]) == 2


def test_open_items_name_uncovered_windows() -> None:
    ctx = brief_context("belarus", "key-governments", "end-terror", START)
    cov = plan_coverage(load_case("belarus"), "end-terror", start=START, top=10)
    gaps = cov.windows[(cov.windows["audience"] == "key-governments") & ~cov.windows["covered"]]
    assert len(gaps) > 0
    for w in gaps.itertuples():
        assert any(i.startswith(f"No action is planned for the window {w.start:%-d %b %Y} – "
                                f"{w.end:%-d %b %Y}") for i in ctx["open_items"])


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
    page = Path(res.output.strip()).read_text(encoding="utf-8")
    assert page.count("<h2>") == 6 and "<b>When a crisis breaks:</b>" in page  # issue 20
    res = CliRunner().invoke(cli, ["brief", "--audience", "nobody", "--goal", "end-terror",
                                   "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "nobody" in res.output
    assert not (tmp_path / "x").exists()


def test_no_reason_to_care_gets_no_window_and_no_gaps() -> None:
    """Fit 0: the brief sends the reader elsewhere instead of asking for actions."""
    # (issue 19 gave key governments a reason to care about support-people: moral integrity)
    ctx = brief_context("belarus", "multinational-business", "end-terror", START)
    assert ctx["scores"]["fit"] == "0.00" and ctx["scores"]["priority"] == "0.00"
    assert ctx["window"] is None and ctx["open_items"] == []
    assert ctx["window_note"].startswith("Do not lead with this goal with ")
    page = render_brief(ctx)
    assert "serves none of their interests" in page and "No action is planned" not in page


def test_render_brief_without_window_or_formats() -> None:
    ctx = brief_context("belarus", "media", "end-terror", START)
    note = "No window of opportunity in this horizon: build the relationship first"
    page = render_brief({**ctx, "window": None, "window_note": note, "formats": [],
                         "allies": [], "hooks": [], "frame": None, "open_items": []})
    assert note in page
    assert "No format of the case fits" in page and "Every window of this audience" in page
