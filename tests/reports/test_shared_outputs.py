"""What is written for sharing carries no local path (issue 12, item 5), and ``validate``
reads the attention exports the reports will read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_kit.attention.read import AttentionFileError, load_attention
from strategy_kit.batch.index import write_index
from strategy_kit.batch.plan import plan_jobs
from strategy_kit.batch.results import BatchResult
from strategy_kit.cli import cli
from strategy_kit.files.present import presentable, without_local_paths

BROKEN = "date,count,total_count,ratio\n2023-01-01,5,100,0.05\n2023-01-02,five,100,0.05\n"


@pytest.fixture
def broken_attention(template_copy: Path) -> Path:
    folder = template_copy / "attention"
    folder.mkdir()
    (folder / "media-cloud.csv").write_text(BROKEN, encoding="utf-8")
    return folder / "media-cloud.csv"


def test_attention_errors_name_the_file_from_the_case_folder_on(broken_attention: Path) -> None:
    with pytest.raises(AttentionFileError) as info:
        load_attention(broken_attention)
    text = str(info.value)
    assert text.startswith("example/attention/media-cloud.csv, line 3: 'count' is not a number")
    assert str(broken_attention.parent.parent.parent) not in text


def test_the_index_of_a_failed_report_shows_no_local_path(broken_attention: Path,
                                                         tmp_path: Path) -> None:
    case = broken_attention.parent.parent
    with pytest.raises(AttentionFileError) as info:
        load_attention(broken_attention)
    # as a report's failure reads: papermill's message, and a traceback line quoting the path
    error = (f"cell 7 failed: AttentionFileError: {info.value}\n"
             f'File "{broken_attention}", read from {case}/attention/.')
    jobs = plan_jobs(case, None, None, "2027-01-01", 120, tmp_path / "out")
    log = jobs[0].out.with_suffix(".failed.ipynb")
    [index] = write_index([BatchResult(jobs[0], "failed", 1.0, error, 7, str(log))])
    page = index.read_text(encoding="utf-8")
    assert "example/attention/media-cloud.csv, line 3" in page
    assert str(tmp_path) not in page and "/tmp/" not in page, "a local path on a shared page"


def test_without_local_paths_keeps_the_message_readable(template_copy: Path) -> None:
    text = f"cannot read {template_copy}/attention/x.csv: no such file. See /etc/hosts."
    assert without_local_paths(text) == ("cannot read example/attention/x.csv: no such file. "
                                         "See hosts.")
    assert presentable(template_copy) == "example"
    assert without_local_paths("ratio 1/2 and https://example.org/a/b") == (
        "ratio 1/2 and https://example.org/a/b")


def test_validate_reads_the_attention_exports(broken_attention: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(broken_attention.parent.parent)])
    assert result.exit_code == 2, result.output
    assert ("attention/media-cloud.csv, row 3: 'count' is not a number (got 'five')"
            in result.output)
    broken_attention.write_text(BROKEN.replace("five", "6"), encoding="utf-8")
    ok = CliRunner().invoke(cli, ["validate", str(broken_attention.parent.parent)])
    assert ok.exit_code == 0, ok.output
