"""Every page of a rated case shows the same numbers: the raters' medians, and says so.

The workshop case (tests/cases/workshop) has ratings that move its priorities: on its own values
``mps`` is 0.71 for ``release`` and third for ``sanctions``; on the medians 0.625 and fourth.
The report computes on the medians; its metadata, the batch index, the brief, ``scores``, the
calendar and the explorer's export must too.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import strategy_kit as sk
from strategy_kit.batch.index import render_index
from strategy_kit.batch.results import BatchResult
from strategy_kit.cli import cli
from strategy_kit.explorer.state import ExplorerState
from strategy_kit.reports.brief import write_brief
from strategy_kit.reports.meta import META_ID, meta_json, report_meta
from strategy_kit.reports.render import audience_job
from strategy_kit.sections.advice import top_moves
from strategy_kit.sections.audience import study_audience

WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
START = "2025-01-01"
NOTE = "medians of 6 raters (4 groups)"
#: (audience, goal) where the medians change the priority (release) or the rank (sanctions).
CELLS = [("mps", "release"), ("mps", "sanctions"), ("business", "release")]


@pytest.fixture(scope="module")
def reports() -> dict[tuple[str, str], object]:
    """What the audience report computes (its notebook's study), per cell."""
    return {(a, g): study_audience(str(WORKSHOP), a, g, START) for a, g in CELLS}


def _scores(goal: str) -> pd.DataFrame:
    out = CliRunner().invoke(cli, ["scores", str(WORKSHOP), "--goal", goal, "--start", START,
                                   "--csv"])
    assert out.exit_code == 0, out.output
    return pd.read_csv(io.StringIO(out.output)).set_index("audience")


def test_the_workshop_ratings_move_what_the_pages_show() -> None:
    # Without this the tests below could not tell the two sets of values apart.
    own = sk.load_case(WORKSHOP, ratings=False)
    rel = sk.score_priority(own, goal="release", start=START).set_index("audience")
    san = sk.score_priority(own, goal="sanctions", start=START).set_index("audience")
    assert f"{rel.loc['mps', 'priority']:.2f}" == "0.71" and san.loc["mps", "rank"] == 3
    assert f"{_scores('release').loc['mps', 'priority']:.2f}" == "0.62"  # 0.625
    assert _scores("sanctions").loc["mps", "rank"] == 4


def test_report_metadata_and_batch_index_show_what_the_report_computes(
        reports: dict, tmp_path: Path) -> None:
    jobs = [audience_job(str(WORKSHOP), a, g, START, out_dir=tmp_path) for a, g in CELLS]
    for job, (a, g) in zip(jobs, CELLS, strict=True):
        row = reports[(a, g)].row
        meta = report_meta(job)
        assert meta["priority"] == pytest.approx(row["priority"]) and meta["rank"] == row["rank"]
        assert meta["values"] == "raters" and meta["values_note"] == NOTE
    # The index: two reports of this batch, and one from an earlier run read from its metadata.
    folder = jobs[0].out.parent
    folder.mkdir(parents=True)
    earlier = jobs[2]
    earlier.out.write_text(f'<html><head><title>x</title><script type="application/json" '
                           f'id="{META_ID}">{meta_json(report_meta(earlier))}</script></head>'
                           "</html>", encoding="utf-8")
    page = render_index([BatchResult(job, "done", seconds=1.0) for job in jobs[:2]])
    assert f"Scores use {NOTE}." in page
    rows = re.findall(r'<small>([a-z]+)</small>.*?<small>([a-z]+)</small>.*?'
                      r'data-sort="[^"]*">[^<]*</td>\s*<td class="num" data-sort="[^"]*">[^<]*</td>'
                      r'\s*<td class="num" data-sort="([^"]+)">[^<]*</td>\s*'
                      r'<td class="num" data-sort="(\d+)">', page, re.S)
    shown = {(a, g): (float(p), int(r)) for a, g, p, r in rows}
    assert set(shown) == set(CELLS)
    for cell, s in reports.items():
        assert shown[cell][0] == pytest.approx(s.row["priority"]), cell
        assert shown[cell][1] == s.row["rank"], cell


def _first_format(study: object) -> str:
    f = study.formats
    return str(f[f["fit"] > 0].iloc[0]["name"])


@pytest.mark.parametrize(("audience", "goal"), CELLS)
def test_brief_report_scores_and_calendar_agree(reports: dict, tmp_path: Path, audience: str,
                                                goal: str) -> None:
    study = reports[(audience, goal)]
    scores = _scores(goal).loc[audience]
    # the report: its priority, rank and first format (the first of its top moves)
    assert study.row["priority"] == pytest.approx(scores["priority"], abs=5e-5)
    assert study.row["rank"] == scores["rank"]
    first = _first_format(study)
    assert any(f"Use the format “{first}”" in move for move in top_moves(study))
    # the brief, as `strategy-kit brief` writes it from the case's folder
    page = write_brief(str(WORKSHOP), audience, goal, START, out_dir=tmp_path).read_text()
    found = re.search(r"Priority (\d\.\d\d), rank (\d+) of", page)
    assert found, "the brief states its priority and rank"
    assert found.group(1) == f"{scores['priority']:.2f}" and int(found.group(2)) == scores["rank"]
    formats = page.split("<h2>Formats</h2>", 1)[1]
    assert html.unescape(re.search(r"<li><b>(.*?)</b>", formats).group(1)) == first
    assert f"scored on {NOTE}" in page
    # the calendar: the same case (data hash, values) and the same format fits as the report
    case = sk.load_case(WORKSHOP)
    events = sk.calendar_events(str(WORKSHOP), audience, goal, START)
    assert len(events), "each of these audiences has a window in the horizon"
    fits = dict(zip(study.formats["name"], study.formats["fit"], strict=True))
    for text in events["description"]:
        assert f"data hash {case.data_hash}], scored on {NOTE};" in text
        if "Window of opportunity:" not in text:  # a moment's own event lists no formats
            continue
        listed = re.findall(r"^- (.*?)(?: \(tied to [^)]*\))?: fit (\d\.\d\d),", text, re.M)
        assert listed
        for name, fit in listed:
            assert fit == f"{fits[name]:.2f}", name
        if first in [n for n, _ in listed]:
            assert listed[0][0] == first


def test_the_explorer_export_of_a_rated_case_keeps_ratings_and_priorities(
        tmp_path: Path) -> None:
    case = shutil.copytree(WORKSHOP, tmp_path / "workshop")
    (case / "ratings" / "aino" / ".~lock.influence.csv#").write_text("lock")  # left behind
    state = ExplorerState(str(case), goal="release", start=START, draws=10)
    shown = state.priority().set_index("audience")["priority"]
    assert shown["mps"] == pytest.approx(0.625)  # the medians, as the reports show them
    sources = sorted(p.relative_to(case / "ratings").as_posix()
                     for p in (case / "ratings").rglob("*") if p.is_file()
                     and not p.name.startswith("."))
    for fmt, out in (("folder", tmp_path / "exports"), ("xlsx", tmp_path / "books")):
        target = state.export(out, fmt=fmt)
        ratings = (target if fmt == "folder" else target.parent) / "ratings"
        assert sorted(p.relative_to(ratings).as_posix() for p in ratings.rglob("*")
                      if p.is_file()) == sources, fmt
        copy = sk.load_case(target)
        assert copy.values == "raters" and copy.values_note == NOTE
        again = sk.score_priority(copy, goal="release", start=START).set_index("audience")
        pd.testing.assert_series_equal(again["priority"], shown, check_names=False)


def test_exporting_a_weight_the_participants_rated_warns(tmp_path: Path) -> None:
    case = shutil.copytree(WORKSHOP, tmp_path / "workshop")
    (case / "ratings" / "aino" / "audience_interests.csv").write_text(
        "audience,interest,weight\nmps,rights,high\n", encoding="utf-8")
    state = ExplorerState(str(case), goal="release", start=START, draws=10)
    state.set_interest_weight("security", 0.9, audience="mps")  # nobody rated this one
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        state.export(tmp_path / "first")
    state.set_interest_weight("rights", 0.1, audience="mps")
    with pytest.warns(UserWarning, match=r"the participants rated mps × rights: the exported"):
        out = state.export(tmp_path / "second")
    # what the warning says: loaded with its ratings, the median (0.8) stands again
    ai = sk.load_case(out).audience_interests.set_index(["audience", "interest"])["weight"]
    assert ai[("mps", "rights")] == pytest.approx(0.8) and ai[("mps", "security")] == 0.9
    own = sk.load_case(out, ratings=False).audience_interests.set_index(
        ["audience", "interest"])["weight"]
    assert own[("mps", "rights")] == pytest.approx(0.1)
