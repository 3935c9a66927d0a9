"""Workbooks with limits: an ``.xlsx`` or ``.ods`` is checked before any reader unpacks it.

A workbook is a zip archive. A 1 MB file can unpack to gigabytes (a "zip bomb"), or declare a
sheet of 17 billion cells that a native reader tries to allocate and aborts on. Before reading,
:func:`workbook_problem` looks at the archive's directory and the sheets' own declarations:
the unpacked size, the compression ratio of each part and the number of cells (declared, and
counted), against limits far above any real case (docs/case-format.md, docs/security.md).

Standard library only; the check takes well under a second and at most one part's size in
memory.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

__all__ = ["MAX_CELLS", "MAX_RATIO", "MAX_UNPACKED", "LIMITS", "workbook_problem"]

#: The most a workbook may unpack to, in bytes (all its parts together).
MAX_UNPACKED = 100 * 1024 * 1024
#: The most cells a workbook's sheets may hold or declare, together.
MAX_CELLS = 1_000_000
#: The highest compression ratio of one part over 1 MB (real sheets compress 5–30 times).
MAX_RATIO = 200
_RATIO_FROM = 1024 * 1024
LIMITS = (f"a workbook of at most {MAX_UNPACKED // 2**20} MB unpacked and "
          f"{MAX_CELLS:,} cells (split a larger case into several)")

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_XLSX_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ODS_TAG = re.compile(rb"<table:table-(row|cell)\b([^>]*)>")
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_COLS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def _xlsx_cells(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(declared, counted) cells of one worksheet part."""
    data = z.read(info)
    declared = 0
    m = _DIMENSION.search(data, 0, 4096)
    if m and m.group(3):
        rows = int(m.group(4)) - int(m.group(2)) + 1
        cols = _column(m.group(3)) - _column(m.group(1)) + 1
        declared = max(rows, 0) * max(cols, 0)
    return declared, len(_XLSX_CELL.findall(data))


def _ods_cells(data: bytes) -> int:
    """Cells holding a value, with their repetitions (a row repeated repeats its cells)."""
    total, rows = 0, 1
    for kind, attrs in _ODS_TAG.findall(data):
        if kind == b"row":
            m = _ROWS_REPEATED.search(attrs)
            rows = int(m.group(1)) if m else 1
        elif b"value-type" in attrs:
            m = _COLS_REPEATED.search(attrs)
            total += rows * (int(m.group(1)) if m else 1)
            if total > MAX_CELLS:
                break
    return total


def workbook_problem(path: Path) -> str | None:
    """Why the workbook at ``path`` is not read (a limit it exceeds, named), or None.

    A file that is no zip archive (an ``.xls``) is left to its reader.
    """
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > MAX_UNPACKED:
                return (f"the workbook unpacks to {_mb(unpacked)}, above the limit of "
                        f"{_mb(MAX_UNPACKED)}")
            for i in infos:
                if i.file_size > _RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size,
                                                                               1):
                    return (f"its part '{i.filename[:60]}' is compressed "
                            f"{i.file_size // max(i.compress_size, 1):,} times, above the "
                            f"limit of {MAX_RATIO} times (a zip bomb?)")
            declared = counted = 0
            for i in infos:
                if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                    d, c = _xlsx_cells(z, i)
                    declared, counted = declared + d, counted + c
                elif i.filename == "content.xml":
                    counted += _ods_cells(z.read(i))
            if declared > MAX_CELLS:
                return (f"its sheets declare {declared:,} cells, above the limit of "
                        f"{MAX_CELLS:,} cells")
            if counted > MAX_CELLS:
                return f"its sheets hold {counted:,} cells, above the limit of {MAX_CELLS:,}"
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as e:
        return f"not a readable workbook ({type(e).__name__})"
    return None
