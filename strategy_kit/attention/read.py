"""Read measured media attention: Media Cloud and GDELT exports, as a daily share of coverage.

The method is described in ``docs/attention.md``; the section names in comments below refer to it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import Problem, StrategyKitError, brief
from ..files.inside import outside
from ..files.present import presentable
from .wide import looks_like_trends, looks_like_wide, wide_records

__all__ = ["ACCEPTED_FORMATS", "FORMAT_NAMES", "AttentionFileError", "attention_problems",
           "load_attention"]

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
DATE_FORMS = "YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, YYYY-MM-DDTHH:MM:SSZ, YYYYMMDD or YYYYMMDDHHMMSS"
_SERIES = {"article count": "count", "total monitored articles": "total", "volume intensity": "vol"}
_DASHED = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?Z?")
_Rows = list[tuple[int, list[str]]]


class AttentionFileError(StrategyKitError, ValueError):
    """A media-attention export cannot be read; ``path`` and ``line`` say where."""

    def __init__(
        self,
        path: str | Path,
        line: int | None,
        message: str,
        value: str | None = None,
        allowed: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.value = value
        self.allowed = allowed
        self.message = message
        # a report or an index page shows this message: the file from its case folder on
        shown = presentable(path)
        where = shown if line is None else f"{shown}, line {line}"
        text = f"{where}: {message}"
        if value is not None:
            text += f" (got '{brief(value)}')"
        if allowed:
            text += f"; allowed: {allowed}"
        super().__init__(text)


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
    """
    path = Path(path)
    rows = _read_rows(path)
    preamble = []
    while len(rows) > 1 and len([c for c in rows[0][1] if c.strip()]) == 1 and (
            rows[0][1][0].strip().lower().startswith("category:")):
        preamble.append(rows.pop(0)[1][0].strip())  # Google Trends' "Category: …" line
    header_line, header = rows[0]
    names = [cell.strip().lower() for cell in header]
    picked = None
    if {"date", "series", "value"} <= set(names):
        fmt, records = _gdelt_records(path, names, rows[1:])
    elif {"date", "count"} <= set(names) and {"total_count", "ratio"} & set(names):
        fmt, records = "mediacloud", _mediacloud_records(path, names, rows[1:])
    elif (trends := looks_like_trends(header, preamble)) or looks_like_wide(header, rows[1:]):
        fmt = "google-trends" if trends else "wide-csv"
        if len(rows) < 2:
            raise AttentionFileError(path, header_line + 1, "no data rows after the header")
        picked, raw = wide_records(path, header, rows[1:], series, trends, AttentionFileError,
                                   _date)
        records = [_Record(line, when, math.nan, math.nan, v) for line, when, v in raw]
    else:
        hint = ""
        if {"source", "count"} <= set(names):
            hint = " This looks like Media Cloud's top sources; download attention over time."
        elif header and header[0].lstrip().startswith(("{", "<")):
            hint = " This looks like JSON or HTML; ask GDELT for format=csv."
        raise AttentionFileError(
            path, header_line, f"not a known media-attention header.{hint}", ",".join(header),
            ACCEPTED_FORMATS,
        )
    if not records:
        raise AttentionFileError(path, header_line + 1, "no data rows after the header")
    if series is not None and picked is None:
        raise AttentionFileError(path, header_line, f"series '{series}' was asked for, but a "
                                 f"{FORMAT_NAMES[fmt]} file holds one series only")
    out = _daily(path, fmt, records)
    columns = [h.strip() for h in header[1:]] if picked else []
    out.attrs.update(format_name=FORMAT_NAMES[fmt], measure=_MEASURES.get(fmt, "share"),
                     series=picked or "", series_names=columns)
    return out


#: The largest attention export read (docs/attention.md): five years of GDELT's 15-minute
#: steps are about 10 MB. A larger file is refused with this limit before it is read, so a
#: 5-million-row export never takes minutes and gigabytes.
MAX_EXPORT_BYTES = 50 * 1024 * 1024


def _read_rows(path: Path) -> _Rows:
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise AttentionFileError(
                path, None, f"the export is {size / 2**20:,.0f} MB, above the limit of "
                f"{MAX_EXPORT_BYTES // 2**20} MB", allowed="an export of at most "
                f"{MAX_EXPORT_BYTES // 2**20} MB: a daily or 15-minute timeline of a few "
                "years (download a shorter span, or daily steps)")
        data = path.read_bytes()
    except OSError as exc:
        raise AttentionFileError(path, None, f"cannot read the file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AttentionFileError(
            path, line, "not UTF-8 text; save the file as UTF-8 (CSV UTF-8 in a spreadsheet)",
            f"byte 0x{data[exc.start]:02X}",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row) and not (not rows and row[0].startswith("#")):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise AttentionFileError(path, reader.line_num, f"not valid CSV: {exc}") from None
    if not rows:
        raise AttentionFileError(path, 1, "the file is empty", allowed=ACCEPTED_FORMATS)
    return rows


@dataclass(frozen=True)
class _Record:
    line: int
    when: pd.Timestamp
    count: float
    total: float
    share: float


def _cell(path: Path, line: int, row: list[str], names: list[str], column: str) -> str:
    i = names.index(column)
    if i >= len(row):
        raise AttentionFileError(path, line, f"row has no '{column}' value", ",".join(row))
    return row[i].strip()


def _date(path: Path, line: int, text: str) -> pd.Timestamp:
    found = _DASHED.fullmatch(text) or _COMPACT.fullmatch(text)
    if found:
        try:
            return pd.Timestamp(*(int(g or 0) for g in found.groups()))
        except ValueError:
            pass
    hint = " (a spreadsheet may have rewritten the dates)" if "/" in text or "." in text else ""
    raise AttentionFileError(path, line, f"unreadable date{hint}", text, DATE_FORMS)


def _number(path: Path, line: int, text: str, column: str, *, required: bool = True) -> float:
    if not text and not required:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise AttentionFileError(path, line, f"'{column}' is not a number", text)
    if value < 0:
        raise AttentionFileError(path, line, f"negative '{column}'", text, "0 or more")
    return value


def _mediacloud_records(path: Path, names: list[str], rows: _Rows) -> list[_Record]:
    records = []
    for line, row in rows:
        when = _date(path, line, _cell(path, line, row, names, "date"))
        count = _number(path, line, _cell(path, line, row, names, "count"), "count")
        total = ratio = math.nan
        if "total_count" in names:
            text = _cell(path, line, row, names, "total_count")
            total = _number(path, line, text, "total_count", required=False)
        if "ratio" in names and len(row) > names.index("ratio"):
            ratio = _number(path, line, row[names.index("ratio")].strip(), "ratio", required=False)
        if count > total:
            raise AttentionFileError(
                path, line, f"count {count:g} is larger than total_count {total:g}"
            )
        # A zero total means the collection lost that day (Media Cloud, summer 2021): unknown.
        share = count / total if total > 0 else (ratio if math.isnan(total) else math.nan)
        records.append(_Record(line, when, count, total, share))
    return records


def _gdelt_records(path: Path, names: list[str], rows: _Rows) -> tuple[str, list[_Record]]:
    points: dict[pd.Timestamp, dict[str, tuple[float, int]]] = {}
    kinds: set[str] = set()
    for line, row in rows:
        series = _cell(path, line, row, names, "series")
        kind = _SERIES.get(series.lower())
        if kind is None:
            raise AttentionFileError(
                path, line, "not a volume series (export mode timelinevol or timelinevolraw)",
                series, "'Article Count', 'Total Monitored Articles', 'Volume Intensity'",
            )
        kinds.add(kind)
        if "vol" in kinds and len(kinds) > 1:
            raise AttentionFileError(path, line, "mixes timelinevol and timelinevolraw series")
        when = _date(path, line, _cell(path, line, row, names, "date"))
        value = _number(path, line, _cell(path, line, row, names, "value"), "Value")
        slot = points.setdefault(when, {})
        if kind in slot:
            raise AttentionFileError(
                path, line, f"'{series}' at {when} appears twice (first on line {slot[kind][1]})"
            )
        slot[kind] = (value, line)
    if kinds == {"count"}:
        raise AttentionFileError(
            path, rows[0][0], "has 'Article Count' but no 'Total Monitored Articles' rows; "
            "export mode timelinevolraw, which writes both",
        )
    records = []
    for when, slot in points.items():
        line = min(v[1] for v in slot.values())
        if "vol" in slot:
            records.append(_Record(line, when, math.nan, math.nan, slot["vol"][0] / 100))
            continue
        # A step with a known total and no Article Count row had no matching article.
        count, total = slot.get("count", (0.0, line))[0], slot.get("total", (math.nan, line))[0]
        if count > total:
            raise AttentionFileError(
                path, slot["count"][1], f"Article Count {count:g} is larger than the "
                f"Total Monitored Articles {total:g} (line {slot['total'][1]})",
            )
        records.append(_Record(line, when, count, total, count / total if total > 0 else math.nan))
    return ("gdelt-timelinevol" if kinds == {"vol"} else "gdelt-timelinevolraw"), records


def _daily(path: Path, fmt: str, records: list[_Record]) -> pd.DataFrame:
    raw = pd.DataFrame(records)
    raw["day"] = raw["when"].dt.normalize()
    lines = raw.groupby("day")["line"].min().sort_index()
    gaps = lines.index.to_series().diff().dt.days
    if len(lines) > 2 and gaps.median() >= 7:  # weekly or monthly counts
        first = gaps[gaps >= 7].index[0]
        raise AttentionFileError(
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
        day.loc[grouped["total"].apply(lambda t: t.isna().any()), "total"] = math.nan
        day["share"] = (day["count"] / day["total"]).where(day["total"] > 0)
        day["share"] = day["share"].fillna(grouped["share"].mean())
    index = pd.date_range(day.index.min(), day.index.max(), freq="D", name="date")
    day = day.reindex(index)
    if day["share"].isna().all():
        raise AttentionFileError(path, int(lines.iloc[0]), "no day with a known share")
    filled = day["share"].isna()
    day["share"] = day["share"].interpolate("linear", limit_direction="both")
    out = day.reset_index()[["date", "count", "total", "share"]].astype(
        {"count": "float64", "total": "float64", "share": "float64"}
    )
    out["filled"] = filled.to_numpy()
    out.attrs = {"source": str(path), "format": fmt}
    return out
