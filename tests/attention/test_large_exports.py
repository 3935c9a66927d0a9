"""Large attention exports (issue 23.5): read in blocks, only the needed columns, same series.

A block is read column-wise by pandas' C parser when it can vouch for all of it, else row by
row (the precise reader, which names the line of a bad cell). These tests read the same files
both ways (the row-by-row way forced by making the C parser decline every block) and expect
the same series to the last bit, and the same error, line and message.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import strategy_kit.attention.body as body
import strategy_kit.attention.counts as counts
import strategy_kit.attention.wide as wide
from strategy_kit.attention import AttentionFileError, load_attention
from strategy_kit.attention.body import BLOCK_BYTES
from strategy_kit.attention.read import MAX_EXPORT_BYTES

STEPS = 100_000  # 15-minute steps: 200,000 rows of GDELT's timelinevolraw, about 1,042 days


def _gdelt(path: Path, steps: int = STEPS) -> Path:
    """A GDELT timelinevolraw export: Article Count i % 7 and Total i % 13 + 100 at step i."""
    when = pd.date_range("2001-01-01", periods=steps, freq="15min").strftime("%Y-%m-%d %H:%M:%S")
    i = np.arange(steps)
    frame = pd.DataFrame({
        "Date": np.repeat(when.to_numpy(), 2),
        "Series": np.tile(["Article Count", "Total Monitored Articles"], steps),
        "Value": np.column_stack([i % 7, i % 13 + 100]).ravel(),
    })
    frame.to_csv(path, index=False)
    return path


def _row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the C parser decline every block, so that each is read by the precise reader."""
    monkeypatch.setattr(counts, "fast_columns", lambda *a, **k: None)
    monkeypatch.setattr(wide, "fast_columns", lambda *a, **k: None)


def _read_both(path: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: object
               ) -> tuple[object, object]:
    """What the reader gives (a frame, or the error's text) column-wise, then row by row."""
    out = []
    for precise in (False, True):
        with monkeypatch.context() as m:
            if precise:
                _row_by_row(m)
            try:
                out.append(load_attention(path, **kwargs))  # type: ignore[arg-type]
            except AttentionFileError as e:
                out.append(str(e))
    return out[0], out[1]


def test_a_200000_row_export_reads_to_the_row_by_row_series(tmp_path: Path, monkeypatch):
    path = _gdelt(tmp_path / "gdelt.csv")
    assert path.stat().st_size > BLOCK_BYTES  # more than one block
    fast, precise = _read_both(path, monkeypatch)
    pd.testing.assert_frame_equal(fast, precise, check_exact=True)
    assert fast.attrs == precise.attrs
    # by hand: day 1 holds steps 0…95, day 2 steps 96…191
    day1 = sum(i % 7 for i in range(96)), sum(i % 13 + 100 for i in range(96))
    day2 = sum(i % 7 for i in range(96, 192)), sum(i % 13 + 100 for i in range(96, 192))
    assert (fast["count"].iloc[0], fast["total"].iloc[0]) == day1 == (283, 10_156)
    assert fast["share"].iloc[1] == day2[0] / day2[1]
    assert len(fast) == math.ceil(STEPS / 96) and not fast["filled"].any()


@pytest.mark.parametrize(("row", "bad", "message"), [
    (15_001, "2004-02-30 00:00:00,Article Count,1", "unreadable date"),
    (16_001, "2005-07-23 02:15:00,Tone,1", "not a volume series"),
    (17_001, "2005-11-11 00:00:00,Article Count,-2", "negative 'Value'"),
    (18_001, "2001-01-01 00:15:00,Article Count,1", r"appears twice \(first on line 4\)"),
    (19_001, "2006-06-01 00:00:00,Article Count,1000", "larger than the Total"),
])
def test_a_bad_row_deep_in_a_large_export_is_named_by_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: int, bad: str, message: str):
    """An error in the tenth block or so names its line, as the row-by-row reader does.

    Blocks of 64 kB instead of 8 MB: the same blocks and seams on a file ten times smaller.
    """
    monkeypatch.setattr(body, "BLOCK_BYTES", 2**16)
    path = _gdelt(tmp_path / "gdelt.csv", steps=10_000)
    assert path.stat().st_size > 10 * 2**16
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[row - 1] = bad + "\n"
    if "1000" in bad:  # its total: on the next line, the same step
        lines[row] = "2006-06-01 00:00:00,Total Monitored Articles,10\n"
    path.write_text("".join(lines), encoding="utf-8")
    fast, precise = _read_both(path, monkeypatch)
    assert isinstance(fast, str) and fast == precise
    assert fast.startswith(f"gdelt.csv, line {row}: ")
    assert __import__("re").search(message, fast)


def test_only_the_needed_columns_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A Media Cloud export with many other columns: only date, count, total_count and ratio
    are parsed; text in the other columns (even a value the reader would refuse) is skipped."""
    extra = [f"notes_{k}" for k in range(30)]
    rows = ["date,count,total_count,ratio," + ",".join(extra)]
    for d, day in enumerate(pd.date_range("2020-01-01", periods=3000)):
        rows.append(f"{day:%Y-%m-%d},{d % 5},{100 + d % 3},{(d % 5) / (100 + d % 3):.4f},"
                    + ",".join(["n/a", "-1", "yesterday"] * 10))
    path = tmp_path / "mediacloud.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    seen: list[list[int]] = []
    real = counts.fast_columns

    def spy(block, usecols, category=()):  # noqa: ANN001, ANN202
        seen.append(list(usecols))
        return real(block, usecols, category)

    monkeypatch.setattr(counts, "fast_columns", spy)
    fast = load_attention(path)
    assert seen == [[0, 1, 2, 3]]  # one block, four columns of thirty-four
    monkeypatch.undo()
    _, precise = _read_both(path, monkeypatch)
    pd.testing.assert_frame_equal(fast, precise, check_exact=True)
    assert fast["count"].iloc[7] == 7 % 5 and fast["total"].iloc[7] == 100 + 7 % 3


def test_a_wide_csv_reads_the_picked_column_only(tmp_path: Path, monkeypatch):
    columns = [f"series {k}" for k in range(40)]
    rows = ["date," + ",".join(columns)]
    for d, day in enumerate(pd.date_range("2010-01-01", periods=2000)):
        rows.append(f"{day:%Y-%m-%d}," + ",".join(
            str(d * k % 97) if k != 11 else ("" if d % 10 == 3 else f"{d % 50}.5")
            for k in range(40)))
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    seen: list[list[int]] = []
    real = wide.fast_columns
    monkeypatch.setattr(wide, "fast_columns",
                        lambda block, usecols, category=(): seen.append(list(usecols))
                        or real(block, usecols, category))
    frame = load_attention(path, series="series 11")
    assert seen == [[0, 12]]
    monkeypatch.undo()
    _, precise = _read_both(path, monkeypatch, series="series 11")
    pd.testing.assert_frame_equal(frame, precise, check_exact=True)
    assert frame.attrs["series"] == "series 11" and len(frame.attrs["series_names"]) == 40
    assert frame["share"].iloc[0] == 0.5 and frame["filled"].sum() == 200  # every tenth day


def test_an_export_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gdelt.csv"
    with path.open("wb") as f:
        f.write(b"Date,Series,Value\n")
        f.truncate(MAX_EXPORT_BYTES + 2**20)  # sparse: nothing is written, nothing read
    with pytest.raises(AttentionFileError) as info:
        load_attention(path)
    assert str(info.value) == (
        "gdelt.csv: the export is 1,025 MB, above the limit of 1,024 MB (about 25 million "
        "rows); allowed: an export of at most 1,024 MB: export a shorter period or a daily "
        "resolution")


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_block_seams_keep_lines_and_values(tmp_path: Path, monkeypatch, end: str) -> None:
    """Blank lines, quoted line ends and any line-end style, cut into blocks of 4 kB: the
    series and the line of a bad row are those of the file read as one block."""
    rows = ["date,count,total_count,ratio,notes"]
    for d, day in enumerate(pd.date_range("2020-01-01", periods=1500)):
        note = f'"seen{end}twice"' if d % 50 == 7 else "plain"
        rows.append(f"{day:%Y-%m-%d},{d % 9},{50 + d % 4},0.1,{note}")
        if d % 77 == 5:
            rows.append("")
    text = end.join(rows) + end
    path = tmp_path / "mc.csv"
    bad = "2030-01-01,-4,10,0.1,last"
    results = []
    for size in (2**12, 2**30):
        with monkeypatch.context() as m:
            m.setattr(body, "BLOCK_BYTES", size)
            path.write_bytes(text.encode())
            frame = load_attention(path)
            path.write_bytes((text + bad + end).encode())
            with pytest.raises(AttentionFileError) as info:
                load_attention(path)
        results.append((frame, str(info.value)))
    pd.testing.assert_frame_equal(results[0][0], results[1][0], check_exact=True)
    lines = text.count(end) + 1  # every row, blank line and quoted line end is a line
    assert results[0][1] == results[1][1]
    assert results[0][1].startswith(f"mc.csv, line {lines}: negative 'count'")
    assert len(results[0][0]) == 1500 and results[0][0]["count"].iloc[8] == 8


def test_a_field_over_the_csv_limit_in_a_skipped_column_is_still_refused(tmp_path: Path):
    """The C parser has no field limit: a file with a line over the csv module's limit is
    parsed by it, so a huge cell is refused by its line even in a column not read (as the
    row-by-row reader did, whatever limit the process has set)."""
    path = tmp_path / "mc.csv"
    path.write_text("date,count,total_count,ratio,notes\n2023-06-01,1,10,0.1,x\n"
                    "2023-06-02,1,10,0.1," + "y" * 200_000 + "\n2023-06-03,1,10,0.1,z\n",
                    encoding="utf-8")
    kept = csv.field_size_limit(131_072)  # the csv module's own (case/read.py raises it)
    try:
        with pytest.raises(AttentionFileError) as info:
            load_attention(path)
    finally:
        csv.field_size_limit(kept)
    assert str(info.value) == ("mc.csv, line 3: not valid CSV: field larger than field limit "
                               "(131072)")


@pytest.mark.parametrize(("edits", "expected"), [
    # a step repeated on line 12, a bad date in a later block: the repeat comes first
    ({12: "2001-01-01 00:15:00,Article Count,1", 15_001: "2001-13-01 00:00:00,Article Count,1"},
     "line 12: 'Article Count' at 2001-01-01 00:15:00 appears twice (first on line 4)"),
    # a Volume Intensity row with a bad date: its series mixes the kinds before its date is read
    ({302: "2001-13-01 00:00:00,Volume Intensity,1"},
     "line 302: mixes timelinevol and timelinevolraw series"),
    # a bad byte deep in the file is named before an unknown series on line 3
    ({3: "2001-01-01 00:00:00,Tone,1", 18_001: "2001-01-01 00:00:00,Caf\udce9,1"},
     "line 18001: not UTF-8 text; save the file as UTF-8 (CSV UTF-8 in a spreadsheet) "
     "(got 'byte 0xE9')"),
])
def test_of_several_errors_the_one_the_row_by_row_reader_met_first_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: dict[int, str], expected: str):
    monkeypatch.setattr(body, "BLOCK_BYTES", 2**16)
    path = _gdelt(tmp_path / "gdelt.csv", steps=10_000)
    lines = path.read_text(encoding="utf-8").splitlines()
    for line, text in edits.items():
        lines[line - 1] = text
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    with pytest.raises(AttentionFileError) as info:
        load_attention(path)
    assert str(info.value) == f"gdelt.csv, {expected}"
