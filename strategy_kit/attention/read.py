"""Read measured media attention: Media Cloud and GDELT exports, as a daily share of coverage.

The method is described in ``docs/attention.md``; the section names in comments below refer to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..errors import AttentionFileError, Problem, brief
from ..files.inside import outside
from .body import MAX_HEAD_BYTES as _MAX_HEAD_BYTES
from .body import Block, blocks, check_text, csv_rows, line_end, read_head
from .cells import DATE_FORMS, attention_error
from .counts import gdelt_records, mediacloud_records
from .wide import looks_like_trends, looks_like_wide, pick_series, wide_records

__all__ = ["ACCEPTED_FORMATS", "DATE_FORMS", "FORMAT_NAMES", "MAX_EXPORT_BYTES",
           "AttentionFileError", "attention_problems", "load_attention"]

ACCEPTED_FORMATS = (
    "Media Cloud counts over time 'date,count,total_count,ratio', "
    "GDELT DOC 2.0 timeline 'Date,Series,Value' (mode timelinevolraw with series "
    "'Article Count' and 'Total Monitored Articles', or mode timelinevol with 'Volume "
    "Intensity'), Google Trends interest over time 'Day,term: (Country)', or a wide CSV "
    "'date,series A,series B,…' (a date column, then numbers)"
)
#: What each recognised format is, in words (a report says it).
FORMAT_NAMES = {
    "mediacloud": "Media Cloud counts over time",
    "gdelt-timelinevolraw": "GDELT DOC 2.0 timeline (timelinevolraw)",
    "gdelt-timelinevol": "GDELT DOC 2.0 timeline (timelinevol)",
    "google-trends": "Google Trends interest over time",
    "wide-csv": "wide CSV (a date column and numeric series)",
}
_MEASURES = {"google-trends": "index", "wide-csv": "value"}
#: The largest attention export read (docs/attention.md, "Large exports"): 1 GiB, about 25
#: million rows of a GDELT timeline (five years of its 15-minute steps are about 15 MB). A
#: larger file is refused with this limit before it is read; below it, an export is read in
#: blocks, only the columns its format needs, so that time and memory stay proportionate.
MAX_EXPORT_BYTES = 2**30


def attention_problems(folder: Path) -> list[Problem]:
    """The problems of the exports in a case's ``attention/`` folder (``strategy-kit validate``).

    Each CSV file there is read as a report would read it; one that cannot be read is a
    problem naming the file (from the case folder on) and its line.
    """
    if not folder.is_dir():
        return []
    problems = []
    for p in sorted(folder.iterdir()):
        reason = outside(p, folder.parent)  # a link out of the case is never read
        if reason:
            problems.append(Problem(f"{folder.name}/{p.name}", reason,
                                    allowed="a file inside the case folder"))
            continue
        if not (p.is_file() and p.suffix.lower() == ".csv"):
            continue
        try:
            load_attention(p)
        except AttentionFileError as e:
            problems.append(Problem(f"{folder.name}/{p.name}", e.message, row=e.line,
                                    value=None if e.value is None else brief(e.value),
                                    allowed=e.allowed))
    return problems


# --- reading (docs/attention.md, "How the kit normalises") -------------------------------------


def load_attention(path: str | Path, series: str | None = None) -> pd.DataFrame:
    """Read a media-attention export as a daily series: Media Cloud, GDELT, Trends or wide CSV.

    The format is detected from the header and named in ``attrs["format"]``. Rows finer than
    a day (GDELT's 15-minute steps) are added up per day. Missing days and days with no known
    total get the value interpolated linearly from their neighbours and ``filled`` True;
    ``count`` and ``total`` stay NaN there.

    Parameters
    ----------
    path
        A CSV file: Media Cloud's counts over time (``date,count,total_count,ratio``), a GDELT
        DOC 2.0 timeline (``Date,Series,Value``, mode ``timelinevolraw`` or ``timelinevol``),
        Google Trends' interest over time (``Day,term: (Country),…``) or a wide CSV (a date
        column, then one numeric column per series).
    series
        For Google Trends and wide CSVs, the column (or search term) to read; by default the
        first. ``attrs["series_names"]`` lists them all.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (every day from the first to the last, sorted), ``count`` and ``total``
        (matching and monitored articles; NaN when unknown, always NaN for ``timelinevol``,
        Trends and wide CSVs), ``share`` (the series analysed: a fraction in [0, 1] for Media
        Cloud and GDELT, count / total or Volume Intensity / 100; Trends' 0–100 index; a wide
        column's own values) and ``filled``. ``attrs`` holds ``source`` (the path), ``format``,
        ``format_name`` (what was recognised, in words), ``measure`` (``share``, ``index`` or
        ``value``), ``series`` and ``series_names``.

    Raises
    ------
    AttentionFileError
        On an empty or non-UTF-8 file, an unknown header, a bad date or number, a negative
        count, a count above its total, or weekly or monthly steps; the message names the line.
        A file over ``MAX_EXPORT_BYTES`` (1 GiB) is refused before it is read.

    Notes
    -----
    Only the columns the format needs are read, in blocks, by pandas' C parser where it can
    vouch for a block and row by row where it cannot (docs/attention.md, "Large exports").
    """
    path = Path(path)
    size = _size(path)
    try:
        check_text(path)
        raw, text, whole = read_head(path, size)
    except OSError as exc:
        raise attention_error(path, None, f"cannot read the file: {exc.strerror}") from None
    rows = csv_rows(path, text, head=True)
    if not rows:
        if whole:
            raise attention_error(path, 1, "the file is empty", allowed=ACCEPTED_FORMATS)
        raise attention_error(path, 1, f"no row in the first {_MAX_HEAD_BYTES // 2**20} MB",
                              allowed=ACCEPTED_FORMATS)
    preamble = []
    while len(rows) > 1 and len([c for c in rows[0][1] if c.strip()]) == 1 and (
            rows[0][1][0].strip().lower().startswith("category:")):
        preamble.append(rows.pop(0)[1][0].strip())  # Google Trends' "Category: …" line
    header_line, header = rows[0]
    names = [cell.strip().lower() for cell in header]
    offset = line_end(raw, header_line)

    def body() -> Iterator[Block]:  # the rows after the header, in blocks
        return blocks(path, offset, header_line + 1, decode=False)

    picked = None
    if {"date", "series", "value"} <= set(names):
        fmt, records = gdelt_records(path, names, body())
    elif {"date", "count"} <= set(names) and {"total_count", "ratio"} & set(names):
        fmt, records = "mediacloud", mediacloud_records(path, names, body())
    elif (trends := looks_like_trends(header, preamble)) or looks_like_wide(header, rows[1:]):
        fmt = "google-trends" if trends else "wide-csv"
        if len(rows) < 2:
            raise attention_error(path, header_line + 1, "no data rows after the header")
        col = pick_series(path, header, rows[1], series, trends)
        picked = header[col].strip()
        records = wide_records(path, header, col, body, trends)
    else:
        hint = ""
        if {"source", "count"} <= set(names):
            hint = " This looks like Media Cloud's top sources; download attention over time."
        elif header and header[0].lstrip().startswith(("{", "<")):
            hint = " This looks like JSON or HTML; ask GDELT for format=csv."
        raise attention_error(
            path, header_line, f"not a known media-attention header.{hint}", ",".join(header),
            ACCEPTED_FORMATS,
        )
    if records.empty:
        raise attention_error(path, header_line + 1, "no data rows after the header")
    if series is not None and picked is None:
        raise attention_error(path, header_line, f"series '{series}' was asked for, but a "
                              f"{FORMAT_NAMES[fmt]} file holds one series only")
    out = _daily(path, fmt, records)
    columns = [h.strip() for h in header[1:]] if picked else []
    out.attrs.update(format_name=FORMAT_NAMES[fmt], measure=_MEASURES.get(fmt, "share"),
                     series=picked or "", series_names=columns)
    return out


def _size(path: Path) -> int:
    """The size of the export; over ``MAX_EXPORT_BYTES``, refused before it is read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise attention_error(path, None, f"cannot read the file: {exc.strerror}") from None
    if size > MAX_EXPORT_BYTES:
        limit = MAX_EXPORT_BYTES // 2**20
        raise attention_error(
            path, None, f"the export is {size / 2**20:,.0f} MB, above the limit of {limit:,} MB "
            "(about 25 million rows)", allowed=f"an export of at most {limit:,} MB: export a "
            "shorter period or a daily resolution")
    return size


# --- days (docs/attention.md, "How the kit normalises") ---------------------------------------


def _daily(path: Path, fmt: str, raw: pd.DataFrame) -> pd.DataFrame:
    """The records (line, when, count, total, share) as a daily series (see load_attention)."""
    raw = raw.copy()
    raw["day"] = raw["when"].dt.normalize()
    lines = raw.groupby("day")["line"].min().sort_index()
    gaps = lines.index.to_series().diff().dt.days
    if len(lines) > 2 and gaps.median() >= 7:  # weekly or monthly counts
        first = gaps[gaps >= 7].index[0]
        raise attention_error(
            path, int(lines[first]), f"steps of {gaps.median():g} days, not daily (weekly or "
            "monthly counts); export daily counts, as the half-lives are fitted in days",
        )
    grouped = raw.groupby("day")
    if fmt in ("gdelt-timelinevol", "google-trends", "wide-csv"):
        # Volume Intensity is already a share, Trends and wide columns are values: sub-daily
        # steps are averaged (attention.md).
        day = pd.DataFrame({"count": math.nan, "total": math.nan, "share": grouped["share"].mean()})
    else:
        day = grouped[["count", "total"]].sum(min_count=1)
        day.loc[raw["total"].isna().groupby(raw["day"]).any(), "total"] = math.nan
        day["share"] = (day["count"] / day["total"]).where(day["total"] > 0)
        day["share"] = day["share"].fillna(grouped["share"].mean())
    index = pd.date_range(day.index.min(), day.index.max(), freq="D", name="date")
    day = day.reindex(index)
    if day["share"].isna().all():
        raise attention_error(path, int(lines.iloc[0]), "no day with a known share")
    filled = day["share"].isna()
    day["share"] = day["share"].interpolate("linear", limit_direction="both")
    out = day.reset_index()[["date", "count", "total", "share"]].astype(
        {"count": "float64", "total": "float64", "share": "float64"}
    )
    out["filled"] = filled.to_numpy()
    out.attrs = {"source": str(path), "format": fmt}
    return out
