"""The lead of an audience report: advice that agrees with its numbers (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_kit.calendar import calendar_events
from strategy_kit.sections.advice import explain_priority, no_reason_note, top_moves
from strategy_kit.sections.audience import study_audience

GEORGIA = Path(__file__).resolve().parents[1] / "cases" / "georgia"


def test_an_audience_without_a_reason_to_care_is_told_so() -> None:
    # (issue 19 gave support-people a reason for key governments: moral integrity)
    s = study_audience("belarus", "multinational-business", "end-terror", "2026-12-01", 0)
    assert s.row["fit"] == 0 and s.row["priority"] == 0
    assert "fit 0.00^0.40 × opportunity" in explain_priority(s)
    note = no_reason_note(s)
    assert note is not None and "serves none of the interests" in note
    assert "Prevent normalisation of the regime" in note  # their best-fitting goal
    moves = top_moves(s)
    assert moves[0].startswith("Do not lead with this goal")
    # where to start is the first one to ask (a decider), never a channel
    assert "start with Governments of other key countries" in moves[1]
    assert not any("window" in m for m in moves)


def test_a_weak_peak_is_still_a_window_and_the_first_move_names_it() -> None:
    s = study_audience(GEORGIA, "eu-council", "sanctions", "2026-01-01", 0)
    assert s.row["timing"] < 0.5  # the old absolute rule found no window here
    first = top_moves(s)[0]
    assert "window 26 Jan 2026 – 17 Feb 2026" in first
    assert "Munich Security Conference" in first
    assert no_reason_note(s) is None


def test_report_and_calendar_agree_on_when_to_start() -> None:
    s = study_audience("belarus", "media", "end-terror", "2027-01-01", 0)
    ev = calendar_events("belarus", "media", "end-terror", "2027-01-01")
    prep = ev[ev["kind"] == "prepare"].reset_index(drop=True)
    assert list(prep["start"]) == list(s.preparation["prepare_on"])
    best = s.preparation.sort_values("peak", ascending=False).iloc[0]
    day = best["prepare_by"].strftime("%-d %b %Y")
    moves = top_moves(s)
    assert moves[0].startswith("Do not ask Media")  # issue 19: a channel is not asked
    assert day in moves[1]


@pytest.mark.parametrize("rule", ["additive", "gated"])
def test_the_priority_sentence_has_the_rules_form(rule: str, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "g"
    shutil.copytree(GEORGIA, folder)
    with (folder / "case.yaml").open("a", encoding="utf-8") as f:
        f.write(f"priority: {rule}\n")
    s = study_audience(folder, "commission", "accession-path", "2026-01-01", 0)
    text = explain_priority(s)
    r = s.row
    assert f"Priority {r['priority']:.2f}, rank 1" in text
    if rule == "additive":
        assert "0.40 × fit 0.67 + 0.30 × influence 0.90 + 0.30 × timing" in text
    else:
        assert "fit 0.67^0.40 × opportunity" in text
