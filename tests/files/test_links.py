"""A case is its own files (issue 23.1): links out of the case and link loops are refused.

A shared case must not be able to pull a file of the recipient's into a workbook, a report
or a message: ``validate``, ``report`` and ``convert`` exit 2 naming the link, and no content
of the linked file reaches any output.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_kit import config
from strategy_kit.cli import cli

SECRET = "SECRET-TOKEN-4711"
WORKSHOP = Path(__file__).parents[1] / "cases" / "workshop"
REFUSED = "links outside the case are not followed"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A private file of the user's, outside any case, that looks a little like a table."""
    d = tmp_path / "private"
    d.mkdir()
    f = d / "secret.csv"
    f.write_text(f"id,name,{SECRET}\nroot,{SECRET},x\n", encoding="utf-8")
    return f


@pytest.fixture
def case(tmp_path: Path) -> Path:
    target = tmp_path / "cases" / "example"
    shutil.copytree(config.TEMPLATE_CASE_DIR, target, ignore=shutil.ignore_patterns("__py*"))
    return target


def _refused(result, name: str, reason: str = REFUSED) -> None:
    assert result.exit_code == 2, result.output
    assert name in result.output and reason in result.output
    assert SECRET not in result.output
    assert "Traceback" not in result.output


def test_a_table_linked_out_is_refused_and_never_quoted(case: Path, secret: Path) -> None:
    (case / "audiences.csv").unlink()
    (case / "audiences.csv").symlink_to(secret)
    _refused(run("validate", str(case)), "audiences.csv")
    _refused(run("list", str(case)), "audiences.csv")


def test_etc_passwd_as_a_table_is_not_read(case: Path) -> None:
    (case / "goals.csv").unlink()
    (case / "goals.csv").symlink_to("/etc/passwd")
    result = run("validate", str(case))
    _refused(result, "goals.csv")
    assert "root" not in result.output


def test_case_yaml_linked_out_is_refused(case: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(f'title: "{SECRET}"\ndescription: "x"\n', encoding="utf-8")
    (case / "case.yaml").unlink()
    (case / "case.yaml").symlink_to(outside)
    _refused(run("validate", str(case)), "case.yaml")


def test_an_attention_file_linked_out_is_refused(case: Path, secret: Path,
                                                 tmp_path: Path) -> None:
    (case / "attention").mkdir()
    (case / "attention" / "media.csv").symlink_to(secret)
    _refused(run("validate", str(case)), "attention/media.csv")
    out = tmp_path / "out"
    report = run("report", str(case), "--audience", "lawmakers", "--goal", "release-prisoners",
                 "--out", str(out))
    _refused(report, "attention/media.csv")
    assert not list(out.rglob("*.html"))
    dest = tmp_path / "copy.xlsx"
    _refused(run("convert", str(case), str(dest)), "attention/media.csv")
    assert not dest.exists() and not (tmp_path / "attention").exists()


def test_an_attention_folder_linked_to_a_private_folder_is_not_converted(
        case: Path, secret: Path, tmp_path: Path) -> None:
    (case / "attention").symlink_to(secret.parent, target_is_directory=True)
    dest = tmp_path / "out" / "sym"
    _refused(run("convert", str(case), str(dest)), "attention")
    assert not dest.exists()


def test_a_rating_sheet_linked_out_is_refused(tmp_path: Path, secret: Path) -> None:
    case = tmp_path / "workshop"
    shutil.copytree(WORKSHOP, case)
    (case / "ratings" / "zoe").mkdir()
    (case / "ratings" / "zoe" / "influence.csv").symlink_to(secret)
    _refused(run("validate", str(case)), "ratings/zoe/influence.csv")
    _refused(run("agreement", str(case)), "ratings/zoe/influence.csv")


def test_a_link_loop_is_refused(case: Path, tmp_path: Path) -> None:
    (case / "attention").mkdir()
    (case / "attention" / "loop").symlink_to(case / "attention", target_is_directory=True)
    (case / "attention" / "a.csv").symlink_to(case / "attention" / "b.csv")
    (case / "attention" / "b.csv").symlink_to(case / "attention" / "a.csv")
    result = run("validate", str(case))
    _refused(result, "attention/loop", "a link loop")
    assert "attention/a.csv" in result.output
    _refused(run("convert", str(case), str(tmp_path / "c.xlsx")), "attention/loop",
             "a link loop")


def test_a_workbooks_folders_beside_it_may_not_link_out(case: Path, secret: Path,
                                                        tmp_path: Path) -> None:
    book = tmp_path / "books" / "example.xlsx"
    assert run("convert", str(case), str(book)).exit_code == 0
    (book.parent / "attention").mkdir()
    (book.parent / "attention" / "m.csv").symlink_to(secret)
    _refused(run("validate", str(book)), "attention/m.csv")


def test_links_inside_the_case_are_fine(case: Path) -> None:
    (case / "tables").mkdir()
    os.replace(case / "goals.csv", case / "tables" / "goals.csv")
    (case / "goals.csv").symlink_to(Path("tables") / "goals.csv")
    result = run("validate", str(case))
    assert result.exit_code == 0, result.output


def test_an_attention_export_over_the_limit_is_refused_unread(case: Path) -> None:
    """Over 1 GiB (about 25 million rows), an export is refused with the limit, before it is
    read, and the message says what to export instead."""
    import time

    (case / "attention").mkdir()
    big = case / "attention" / "gdelt.csv"
    with big.open("wb") as f:
        f.write(b"Date,Series,Value\n")
        f.truncate(2**30 + 2**20)  # sparse: the size is what counts
    t = time.process_time()  # CPU time: the machine may be shared
    result = run("validate", str(case))
    assert result.exit_code == 2, result.output
    assert ("attention/gdelt.csv: the export is 1,025 MB, above the limit of 1,024 MB"
            in result.output)
    assert "export a shorter period or a daily resolution" in result.output
    assert time.process_time() - t < 5
