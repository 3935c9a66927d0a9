"""Workbooks with limits (issue 23.2): bombs and huge declared sheets exit 2 fast (~2 s), < 500 MB.

The tests make the bombs: a real case workbook whose sheet is replaced by one that unpacks to
150 MB (a 1 MB file), one whose sheet declares 17 billion cells (the dimension a native reader
tries to allocate), and an ``.ods`` whose one row of values is repeated a million times.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from strategy_kit.case.limits import MAX_CELLS, workbook_problem
from strategy_kit.case.write import convert_case

CLI = [sys.executable, "-c", "from strategy_kit.cli import main; main()"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("books") / "belarus.xlsx"
    convert_case("belarus", path)
    return path


def _replace(src: Path, dest: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info.filename, data if info.filename == part else z.read(info),
                         compresslevel=9)
    return dest


def _validate(path: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``strategy-kit validate`` in a child: its result, CPU seconds and peak memory (MB).

    CPU time rather than wall time: the machine running the tests may be shared (the wall
    time is checked too, against a limit a loaded machine still meets). The child runs under
    a fresh Python that reports its own children's usage, so that no earlier child of the test
    run (a kernel, a batch) counts in the peak.
    """
    probe = ("import json, resource, subprocess, sys\n"
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(json.dumps([r.returncode, r.stdout, r.stderr, u.ru_utime + u.ru_stime,"
             " u.ru_maxrss / 1024]))\n")
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", probe, *CLI, "validate", str(path)],
                         capture_output=True, text=True, timeout=120, check=True)
    assert time.perf_counter() - t < 60
    code, stdout, stderr, seconds, mb = json.loads(out.stdout)
    return subprocess.CompletedProcess(CLI, code, stdout, stderr), seconds, mb


def test_a_real_workbook_is_within_the_limits(book: Path) -> None:
    assert workbook_problem(book) is None


def test_a_zip_bomb_exits_2_fast_and_small(book: Path, tmp_path: Path) -> None:
    row = b"".join(b'<c r="%s1" t="inlineStr"><is><t>x</t></is></c>' % c for c in (b"A", b"B"))
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + b"<row>" + row * 2_000_000
             + b"</row></sheetData></worksheet>")
    assert len(sheet) > 150 * 2**20
    bomb = _replace(book, tmp_path / "bomb.xlsx", "xl/worksheets/sheet3.xml", sheet)
    del sheet
    assert bomb.stat().st_size < 2 * 2**20  # a small file …
    result, seconds, mb = _validate(bomb)
    assert result.returncode == 2, result.stderr
    assert "the workbook unpacks to 172 MB, above the limit of 100 MB" in result.stderr
    assert "Traceback" not in result.stderr
    assert seconds < 15 and mb < 500, (seconds, mb)  # ~2 s of CPU on a quiet machine


def test_a_huge_declared_sheet_exits_2_without_a_panic(book: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(book) as z:
        sheet = z.read("xl/worksheets/sheet3.xml")
    declared = re.search(rb'<dimension ref="A1:[A-Z]+[0-9]+"/>', sheet)
    assert declared, "XlsxWriter declares each sheet's dimension"
    huge = _replace(book, tmp_path / "huge.xlsx", "xl/worksheets/sheet3.xml",
                    sheet.replace(declared.group(0), b'<dimension ref="A1:XFD1048576"/>'))
    result, seconds, mb = _validate(huge)
    assert result.returncode == 2, result.stderr
    assert f"cells, above the limit of {MAX_CELLS:,} cells" in result.stderr
    assert "its sheets declare 17,179,8" in \
        result.stderr
    assert "panicked" not in result.stderr and "Traceback" not in result.stderr
    assert seconds < 15 and mb < 500, (seconds, mb)  # ~2 s of CPU on a quiet machine


def test_an_ods_with_a_row_repeated_a_million_times_is_refused(tmp_path: Path) -> None:
    ods = tmp_path / "case.ods"
    convert_case("belarus", ods)
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml")
    repeated = content.replace(b"<table:table-row>", b'<table:table-row '
                               b'table:number-rows-repeated="1000000">', 1)
    assert repeated != content
    bomb = _replace(ods, tmp_path / "bomb.ods", "content.xml", repeated)
    problem = workbook_problem(bomb)
    assert problem is not None and "above the limit of 1,000,000" in problem
    result, seconds, mb = _validate(bomb)
    assert result.returncode == 2 and "cells" in result.stderr, result.stderr
    assert seconds < 15 and mb < 500, (seconds, mb)  # ~2 s of CPU on a quiet machine


def test_a_rating_workbook_bomb_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    import shutil

    from strategy_kit.errors import CaseError
    from strategy_kit.ratings.load import load_case

    case = tmp_path / "workshop"
    shutil.copytree(Path(__file__).parents[1] / "cases" / "workshop", case)
    with zipfile.ZipFile(case / "ratings" / "zed.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<worksheet><dimension ref=\"A1:ZZ99999\"/>"
                   b"</worksheet>")
    with pytest.raises(CaseError, match=r"ratings/zed.xlsx: its sheets declare"):
        load_case(case)
