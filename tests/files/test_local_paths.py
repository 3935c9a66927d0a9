"""Local paths never reach a shared page, whatever they contain (issue 23.7).

A batch written under ``/home/John Smith/…`` used to show ``Smith/reports/…`` on its index
page: the path was cut at the space. The index of a batch whose folder name has a space, with
a failed report whose error quotes the path, shows no segment of that folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from strategy_kit import config
from strategy_kit.files.present import without_local_paths


def test_a_folder_name_with_spaces_is_taken_whole(tmp_path: Path) -> None:
    home = tmp_path / "John Smith" / "my reports"
    home.mkdir(parents=True)
    text = f"could not write {home}/belarus/x.html: the disk is full. Log: {home}/x.log"
    shown = without_local_paths(text)
    assert shown == "could not write x.html: the disk is full. Log: x.log"
    assert "Smith" not in shown and "reports" not in shown


def test_the_batch_index_shows_no_segment_of_a_folder_with_a_space(tmp_path: Path) -> None:
    from strategy_kit.batch.index import render_index
    from strategy_kit.batch.plan import plan_jobs
    from strategy_kit.batch.results import BatchResult

    case = tmp_path / "Jane Doe" / "cases" / "belarus"
    shutil.copytree(config.DATA_DIR / "belarus", case)
    out = tmp_path / "John Smith" / "reports"
    jobs = plan_jobs(str(case), "media", "end-terror", "2025-01-01", None, out)
    jobs[0].out.parent.mkdir(parents=True)
    error = (f"{jobs[0].out.name}: cell 4 failed: FileNotFoundError: {case}/attention/x.csv "
             f"and {jobs[0].out}")
    page = render_index([BatchResult(jobs[0], "failed", 1.0, error)])
    for segment in ("John", "Smith", "Jane", "Doe", str(tmp_path)):
        assert segment not in page, segment
    assert "belarus/attention/x.csv" in page
