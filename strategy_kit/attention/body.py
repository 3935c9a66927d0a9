"""The lines of an attention export: its head (up to the header), then its body in blocks.

An export can be large (five years of GDELT's 15-minute steps, a Media Cloud export with many
columns), so it is never held whole: the head is read first to recognise the format, then the
body is read in blocks of whole lines (``BLOCK_BYTES``), each knowing the line it starts on.
A block is read by pandas' C parser, only the columns the format needs, as text
(:func:`fast_columns`); when that parser cannot vouch for the block (a blank line, a quote, a
row of another width), the block is read with the ``csv`` module one row at a time
(:func:`csv_rows`), which says exactly which line is wrong (docs/attention.md, "Large
exports").
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import AttentionFileError
from .cells import attention_error

__all__ = ["BLOCK_BYTES", "Block", "blocks", "check_text", "csv_rows", "fast_columns", "line_end",
           "read_head"]

#: The bytes of one block of the body (whole lines; more when a quoted field spans the cut).
BLOCK_BYTES = 8 * 2**20
#: The head read to find the header and the first data rows; a larger head is read when they
#: are not in it, up to ``MAX_HEAD_BYTES``.
HEAD_BYTES = 2**20
MAX_HEAD_BYTES = 64 * 2**20
_LINE_END = re.compile(rb"\r\n|\r|\n")
_Rows = list[tuple[int, list[str]]]


@dataclass
class Block:
    """Whole lines of the body: ``data`` (UTF-8 bytes) starting on line ``line``."""

    line: int
    data: bytes

    @functools.cached_property
    def lines(self) -> int:
        """The lines the block holds (a line feed, CR LF or a lone carriage return ends one)."""
        d = self.data
        ends = d.count(b"\n") + d.count(b"\r") - d.count(b"\r\n")
        return ends + (0 if d.endswith((b"\n", b"\r")) else 1)


def _decode(path: Path, data: bytes, first_line: int, *, bom: bool) -> str:
    """``data`` as text; a byte that is not UTF-8 is an error naming its line."""
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data[: exc.start].count(b"\n")
        raise attention_error(
            path, line, "not UTF-8 text; save the file as UTF-8 (CSV UTF-8 in a spreadsheet)",
            f"byte 0x{data[exc.start]:02X}",
        ) from None


def csv_rows(path: Path, text: str, first_line: int = 1, *, head: bool = False) -> _Rows:
    """The rows of ``text`` that hold something, each with the line it ends on.

    ``head``: the text starts the file, where a first row starting with ``#`` is a comment.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: _Rows = []
    try:
        for row in reader:
            if any(c.strip() for c in row) and not (head and not rows and row[0].startswith("#")):
                rows.append((first_line - 1 + reader.line_num, row))
    except csv.Error as exc:
        raise attention_error(path, first_line - 1 + reader.line_num,
                              f"not valid CSV: {exc}") from None
    return rows


def _cut(data: bytes, *, quotes: bool = True) -> int:
    """Where the last whole line of ``data`` ends, outside quotes (0: no such place yet)."""
    end = data.rfind(b"\n") + 1
    if not end:  # a file with lone \r line ends: cut after a \r that a \n does not follow
        end = data.rfind(b"\r", 0, len(data) - 1) + 1
    if quotes and end and data.count(b'"', 0, end) % 2:
        # a quoted field spans the cut: cut before the line of the last quote, if that is even
        last = data.rfind(b'"', 0, end)
        end = max(data.rfind(b"\n", 0, last), data.rfind(b"\r", 0, last)) + 1
        if data.count(b'"', 0, end) % 2:
            return 0
    return end


def read_head(path: Path, size: int) -> tuple[bytes, str, bool]:
    """The first bytes of the file as (bytes, text, whole file), ending on a whole line.

    Whole when the file is at most ``HEAD_BYTES``; else ``HEAD_BYTES`` and more, doubling,
    while the head holds fewer than three rows, up to ``MAX_HEAD_BYTES``.
    """
    want = HEAD_BYTES
    with path.open("rb") as f:
        while True:
            f.seek(0)
            data = f.read(want)
            whole = len(data) >= size
            if not whole:
                data = data[: _cut(data)]
            text = _decode(path, data, 1, bom=True)
            rows = csv_rows(path, text, head=True)
            if whole or len(rows) >= 3 or want >= MAX_HEAD_BYTES:
                return data, text, whole
            want *= 2


def line_end(data: bytes, line: int) -> int:
    """The byte offset just after the end of line ``line`` (1-based) of ``data``."""
    for n, found in enumerate(_LINE_END.finditer(data), start=1):
        if n == line:
            return found.end()
    return len(data)


def blocks(path: Path, offset: int, line: int, *, decode: bool = True) -> Iterator[Block]:
    """The file from byte ``offset`` (line ``line``) on, in blocks of whole lines.

    ``decode``: check that each block is UTF-8 (:func:`check_text` has done it for a file).
    """
    with path.open("rb") as f:
        f.seek(offset)
        rest = b""
        while True:
            chunk = f.read(BLOCK_BYTES)
            data = rest + chunk
            end = len(data) if not chunk else _cut(data)
            if chunk and not end:
                if len(data) < 4 * BLOCK_BYTES:
                    rest = data  # no whole line outside quotes yet: read on
                    continue
                end = _cut(data, quotes=False)  # an odd quote that opens no field
                if not end:
                    raise attention_error(
                        path, line, f"a line longer than {4 * BLOCK_BYTES // 2**20} MB",
                        allowed="an export of counts over time (short lines)")
            block = Block(line, data[:end])
            rest = data[end:]
            if block.data:
                if decode:
                    _decode(path, block.data, line, bom=False)
                yield block
                line += block.lines
            if not chunk:
                return


def check_text(path: Path) -> None:
    """Refuse a file that is not UTF-8 text or not valid CSV, before any of its rows is read.

    As the row-by-row reader always has: a byte that is not UTF-8, anywhere, is named before a
    CSV error, and a CSV error before an error in a row. The ``csv`` module (not strict) fails
    only on a field over its size limit, so only a block with a line that long is parsed here.
    """
    refused = None
    for block in blocks(path, 0, 1):  # each block is decoded: the first bad byte is raised
        if refused is None and _longest_line(block.data) > csv.field_size_limit():
            try:
                csv_rows(path, block.data.decode("utf-8-sig" if block.line == 1 else "utf-8"),
                         block.line)
            except AttentionFileError as error:
                refused = error
    if refused is not None:
        raise refused


def _longest_line(data: bytes) -> int:
    """The length in bytes of the longest line of ``data`` (a line feed or CR ends one)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero((codes == 10) | (codes == 13))
    bounds = np.concatenate(([-1], ends, [len(data)]))
    return int(np.diff(bounds).max()) - 1


def fast_columns(block: Block, usecols: list[int], category: tuple[int, ...] = ()
                 ) -> pd.DataFrame | None:
    """Columns ``usecols`` of a block as text (``category`` ones as categories), or None.

    None when the C parser's rows are not the block's lines one to one (a blank line, a
    quoted line end, a NUL) or it cannot read the block (a row wider than the first): the
    block is then read with :func:`csv_rows`.
    """
    data = block.data
    if b'"' in data or b"\x00" in data or _longest_line(data) > csv.field_size_limit():
        return None  # the csv module refuses a field over its limit, even in a skipped column
    dtype = {i: ("category" if i in category else object) for i in usecols}
    try:
        frame = pd.read_csv(io.BytesIO(data), header=None, usecols=usecols, dtype=dtype,
                            na_filter=False, engine="c", encoding="utf-8",
                            skip_blank_lines=False)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return None
    if len(frame) != block.lines or frame.isna().to_numpy().any():
        return None
    return frame
