"""Measured media attention: read Media Cloud and GDELT exports, find spikes, fit half-lives.

The method is described in ``docs/attention.md``; the section names in comments below refer to it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import BadParameterError, StrategyKitError
from .params import DateLike, parse_start

__all__ = [
    "AttentionFileError",
    "fit_half_life",
    "find_spikes",
    "load_attention",
    "spike_half_lives",
]

ACCEPTED_FORMATS = (
    "Media Cloud counts over time 'date,count,total_count,ratio', or "
    "GDELT DOC 2.0 timeline 'Date,Series,Value' (mode timelinevolraw with series "
    "'Article Count' and 'Total Monitored Articles', or mode timelinevol with 'Volume Intensity')"
)
DATE_FORMS = "YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, YYYY-MM-DDTHH:MM:SSZ, YYYYMMDD or YYYYMMDDHHMMSS"
_SERIES = {"article count": "count", "total monitored articles": "total", "volume intensity": "vol"}
_DASHED = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?Z?")
_Rows = list[tuple[int, list[str]]]
_MAX_HALF_LIFE = 3650.0  # days; a fit at this bound means the attention did not decay


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
        where = self.path if line is None else f"{self.path}, line {line}"
        text = f"{where}: {message}"
        if value is not None:
            text += f" (got '{value}')"
        if allowed:
            text += f"; allowed: {allowed}"
        super().__init__(text)


# --- reading (docs/attention.md, "How the kit normalises") -------------------------------------


def load_attention(path: str | Path) -> pd.DataFrame:
    """Read a Media Cloud or GDELT export as a daily share-of-coverage series.

    The format is detected from the header. Rows finer than a day (GDELT's 15-minute steps)
    are added up per day. Missing days and days with no known total get the share interpolated
    linearly from their neighbours and ``filled`` True; ``count`` and ``total`` stay NaN there.

    Parameters
    ----------
    path
        A CSV file: Media Cloud's counts over time (``date,count,total_count,ratio``) or a GDELT
        DOC 2.0 timeline (``Date,Series,Value``, mode ``timelinevolraw`` or ``timelinevol``).

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (every day from the first to the last, sorted), ``count`` and ``total``
        (matching and monitored articles; NaN when unknown, always NaN for ``timelinevol``),
        ``share`` (a fraction in [0, 1]: count / total, or Volume Intensity / 100) and
        ``filled``. ``attrs`` holds ``source`` (the path) and ``format``.

    Raises
    ------
    AttentionFileError
        On an empty or non-UTF-8 file, an unknown header, a bad date or number, a negative
        count, a count above its total, or weekly or monthly steps; the message names the line.
    """
    path = Path(path)
    rows = _read_rows(path)
    header_line, header = rows[0]
    names = [cell.strip().lower() for cell in header]
    if {"date", "series", "value"} <= set(names):
        fmt, records = _gdelt_records(path, names, rows[1:])
    elif {"date", "count"} <= set(names) and {"total_count", "ratio"} & set(names):
        fmt, records = "mediacloud", _mediacloud_records(path, names, rows[1:])
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
    return _daily(path, fmt, records)


def _read_rows(path: Path) -> _Rows:
    try:
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
    if fmt == "gdelt-timelinevol":
        # Volume Intensity is already a share; sub-daily steps are averaged (attention.md).
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


# --- spikes (docs/attention.md, "Spikes") -------------------------------------------------------


def _share(series: pd.DataFrame | pd.Series) -> pd.Series:
    """Return the share as a float Series on a gap-free daily DatetimeIndex."""
    allowed = "a frame with columns 'date' and 'share' (as load_attention returns) or a Series"
    if isinstance(series, pd.DataFrame):
        missing = [c for c in ("date", "share") if c not in series.columns]
        if missing:
            raise BadParameterError("series", f"a frame without {missing}", allowed)
        share = pd.Series(series["share"].to_numpy(), index=pd.DatetimeIndex(series["date"]))
    elif isinstance(series, pd.Series):
        try:
            share = pd.Series(series.to_numpy(), index=pd.DatetimeIndex(series.index))
        except (TypeError, ValueError):
            raise BadParameterError("series", "a Series not indexed by dates", allowed) from None
    else:
        raise BadParameterError("series", type(series).__name__, allowed)
    share = pd.to_numeric(share, errors="coerce").astype("float64")
    share.index = share.index.normalize()
    share = share.groupby(level=0).mean().sort_index()
    if share.notna().sum() == 0:
        raise BadParameterError("series", "no share values", allowed + " with shares")
    full = pd.date_range(share.index.min(), share.index.max(), freq="D")
    return share.reindex(full).interpolate("linear", limit_direction="both")


def find_spikes(
    series: pd.DataFrame | pd.Series,
    min_ratio: float = 2.0,
    k: float = 4.0,
    window: int = 28,
    min_days: int = 7,
    gap: int = 1,
    min_share: float = 0.0,
) -> pd.DataFrame:
    """Find spikes of attention above a robust baseline.

    The baseline of a day is the median share of the ``window`` quiet days before it (days
    inside an earlier spike are left out), its noise the scaled median absolute deviation
    (MAD). A spike starts on a day above ``max(baseline + k·MAD, min_ratio·baseline,
    min_share)``; it ends on its last day above the release level halfway between the baseline
    and the threshold, allowing ``gap`` days below it.

    Parameters
    ----------
    series
        The frame of :func:`load_attention`, or a Series of shares indexed by date.
    min_ratio
        How many times the baseline a spike must reach.
    k
        How many MADs (scaled to a standard deviation) above the baseline a spike must reach.
    window
        The number of quiet days the baseline looks back over.
    min_days
        The number of quiet days needed before a spike can be found.
    gap
        Days below the release level that do not end a spike.
    min_share
        A floor on the threshold, for series whose baseline is zero.

    Returns
    -------
    pandas.DataFrame
        One row per spike: ``start``, ``peak_date``, ``peak_share``, ``baseline`` (the share
        before the spike), ``end`` and ``peak_ratio`` (peak / baseline; inf on a zero baseline).
    """
    share = _share(series)
    x = share.to_numpy()
    quiet: list[float] = []
    found = []
    i = 0
    while i < len(x):
        past = np.asarray(quiet[-window:])
        if len(past) < max(min_days, 1):
            quiet.append(x[i])
            i += 1
            continue
        base = float(np.median(past))
        mad = 1.4826 * float(np.median(np.abs(past - base)))
        threshold = max(base + k * mad, min_ratio * base, min_share)
        if x[i] <= threshold:
            quiet.append(x[i])
            i += 1
            continue
        # Hysteresis: noise around the threshold on the way down does not start a new spike.
        release = base + 0.5 * (threshold - base)
        end = j = i
        while j + 1 < len(x) and j + 1 - end <= gap + 1:
            j += 1
            if x[j] > release:
                end = j
        peak = i + int(np.argmax(x[i : end + 1]))
        ratio = x[peak] / base if base > 0 else math.inf
        found.append((share.index[i], share.index[peak], x[peak], base, share.index[end], ratio))
        i = end + 1
    columns = ["start", "peak_date", "peak_share", "baseline", "end", "peak_ratio"]
    out = pd.DataFrame(found, columns=columns)
    for column in ("start", "peak_date", "end"):
        out[column] = pd.to_datetime(out[column])
    return out


# --- half-lives (docs/attention.md, "Half-lives") -----------------------------------------------


def _fit(
    share: pd.Series,
    peak: pd.Timestamp,
    baseline: float | None,
    until: pd.Timestamp | None,
    max_days: int,
    floor: float,
    window: int,
) -> tuple[float, float, int]:
    """Return the half-life in days, R² on the share scale and the number of points."""
    if baseline is None:
        before = share[(share.index < peak) & (share.index >= peak - pd.Timedelta(days=window))]
        baseline = float(before.median()) if len(before) else float(share.min())
    last = peak + pd.Timedelta(days=max_days)
    if until is not None:
        last = min(last, until)
    after = share[(share.index >= peak) & (share.index <= last)]
    excess = after.to_numpy() - baseline
    if len(excess) == 0 or excess[0] <= 0:
        return math.nan, math.nan, 0
    # The decay ends where the excess, smoothed over a week, falls to `floor` of the peak's.
    smooth = pd.Series(excess).rolling(7, center=True, min_periods=1).mean().to_numpy()
    low = np.flatnonzero(smooth <= floor * excess[0])
    n = int(low[0]) if len(low) else len(excess)
    if n < 3:
        return math.nan, math.nan, n
    t = np.arange(n, dtype=float)
    y = excess[:n]
    # Least squares on the share scale: for a rate r the best amplitude is Σy·e^(−rt) / Σe^(−2rt),
    # so the fit is a search over r alone, coarse on a log grid and then fine around the best.
    def best(rates: np.ndarray) -> int:
        curves = np.exp(-np.outer(rates, t))
        amps = curves @ y / np.sum(curves**2, axis=1)
        return int(np.argmin(np.sum((y - amps[:, None] * curves) ** 2, axis=1)))

    rates = math.log(2) / np.geomspace(_MAX_HALF_LIFE, 0.1, 400)
    i = best(rates)
    if i == 0:  # the best half-life is the longest tried: no decay
        return math.nan, math.nan, n
    rates = np.linspace(rates[i - 1], rates[min(i + 1, len(rates) - 1)], 401)
    rate = rates[best(rates)]
    curve = np.exp(-rate * t)
    fitted = curve * (curve @ y) / (curve @ curve)
    total = float(np.sum((y - y.mean()) ** 2))
    r2 = 1 - float(np.sum((y - fitted) ** 2)) / total if total > 0 else math.nan
    return math.log(2) / rate, r2, n


def fit_half_life(
    series: pd.DataFrame | pd.Series,
    peak_date: DateLike,
    baseline: float | None = None,
    until: DateLike = None,
    max_days: int = 90,
    floor: float = 0.1,
    window: int = 28,
) -> float:
    """Fit the half-life of attention after a peak: share = baseline + A·2^(−t / half-life).

    The excess share over the baseline is fitted by least squares on the share scale, from the
    peak (t = 0) until its weekly mean first falls to ``floor`` of the peak excess.

    Parameters
    ----------
    series
        The frame of :func:`load_attention`, or a Series of shares indexed by date.
    peak_date
        The day of the peak (``YYYY-MM-DD`` or a date).
    baseline
        The share the attention decays to; by default the median of the ``window`` days
        before the peak.
    until
        The last day that may be fitted (for example the day before the next spike).
    max_days
        The most days after the peak that are fitted.
    floor
        Where the decay is taken to end, as a fraction of the peak excess.
    window
        Days before the peak for the default baseline.

    Returns
    -------
    float
        The half-life in days; NaN when fewer than three days stand above the baseline after
        the peak or the attention does not decay.
    """
    share = _share(series)
    peak = parse_start(peak_date, "peak_date")
    if not share.index[0] <= peak <= share.index[-1]:
        raise BadParameterError(
            "peak_date", peak_date,
            f"a day from {share.index[0]:%Y-%m-%d} to {share.index[-1]:%Y-%m-%d}",
        )
    last = parse_start(until, "until") if until is not None else None
    return _fit(share, peak, baseline, last, max_days, floor, window)[0]


def spike_half_lives(
    series: pd.DataFrame | pd.Series,
    max_days: int = 90,
    floor: float = 0.1,
    **spike_options: Any,
) -> pd.DataFrame:
    """Find the spikes of a series and fit each one's half-life.

    Each spike is fitted from its peak until the day before the next spike starts (at most
    ``max_days``), against the baseline :func:`find_spikes` measured before it.

    Parameters
    ----------
    series
        The frame of :func:`load_attention`, or a Series of shares indexed by date.
    max_days
        The most days after a peak that are fitted.
    floor
        Where a decay is taken to end, as a fraction of the peak excess.
    **spike_options
        Passed to :func:`find_spikes` (``min_ratio``, ``k``, ``window``, …).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`find_spikes` plus ``half_life_days`` (NaN when it cannot be
        fitted), ``r2`` (the fit's R² on the share scale, 1 is a perfect fit) and ``points``
        (the days fitted).
    """
    share = _share(series)
    spikes = find_spikes(share, **spike_options)
    fits = []
    nexts = list(spikes["start"].iloc[1:]) + [None]
    for row, next_start in zip(spikes.itertuples(index=False), nexts, strict=True):
        until = None if next_start is None else next_start - pd.Timedelta(days=1)
        fits.append(_fit(share, row.peak_date, row.baseline, until, max_days, floor, 0))
    out = spikes.copy()
    out["half_life_days"] = [f[0] for f in fits]
    out["r2"] = [f[1] for f in fits]
    out["points"] = pd.Series([f[2] for f in fits], dtype="int64")
    return out
