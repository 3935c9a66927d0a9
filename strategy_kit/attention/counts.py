"""Media Cloud and GDELT exports: their rows as columns of numbers, then one record per step.

Each block of the body (``body.blocks``) is read column-wise when pandas' C parser and the
fast cell readers can vouch for all of it, else row by row with the precise readers; either
way a block gives the same arrays (dates, numbers and each row's line), so the checks across
rows (a step given twice, a count above its total) name the same lines whichever way a block
was read.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import AttentionFileError
from .body import Block, csv_rows, fast_columns
from .cells import attention_error, cell, fast_dates, fast_numbers, parse_date, parse_number

__all__ = ["gdelt_records", "mediacloud_records"]

#: GDELT's volume series, by their names in lower case: the kind of each.
SERIES = {"article count": "count", "total monitored articles": "total",
          "volume intensity": "vol"}
_KINDS = ["count", "total", "vol"]
_COUNT, _TOTAL, _VOL = 0, 1, 2


def _concat(parts: list[np.ndarray], dtype: str) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


# --- Media Cloud ---------------------------------------------------------------------------------


def _mediacloud_block(path: Path, names: list[str], block: Block) -> dict[str, np.ndarray]:
    """One block of a Media Cloud export as arrays: when, count, total, ratio, line."""
    wanted = [c for c in ("date", "count", "total_count", "ratio") if c in names]
    cols = [names.index(c) for c in wanted]
    frame = fast_columns(block, sorted(set(cols)))
    if frame is not None:
        when = fast_dates(frame[cols[0]])
        numbers = [fast_numbers(frame[i]) for i in cols[1:]]
        if when is not None and all(n is not None for n in numbers):
            got = dict(zip(wanted[1:], numbers, strict=True))
            count = got["count"]
            total = got.get("total_count", np.full(len(count), math.nan))
            if not (count > total).any():
                return {"when": when, "count": count, "total": total,
                        "ratio": got.get("ratio", np.full(len(count), math.nan)),
                        "line": np.arange(block.line, block.line + len(count))}
    rows = csv_rows(path, block.data.decode("utf-8"), block.line)
    out: dict[str, list] = {"when": [], "count": [], "total": [], "ratio": [], "line": []}
    for line, row in rows:
        when = parse_date(path, line, cell(path, line, row, names, "date"))
        count = parse_number(path, line, cell(path, line, row, names, "count"), "count")
        total = ratio = math.nan
        if "total_count" in names:
            text = cell(path, line, row, names, "total_count")
            total = parse_number(path, line, text, "total_count", required=False)
        if "ratio" in names and len(row) > names.index("ratio"):
            ratio = parse_number(path, line, row[names.index("ratio")].strip(), "ratio",
                                 required=False)
        if count > total:
            raise attention_error(
                path, line, f"count {count:g} is larger than total_count {total:g}")
        for key, value in zip(out, (when, count, total, ratio, line), strict=True):
            out[key].append(value)
    return {"when": np.array(out["when"], dtype="datetime64[us]"),
            **{k: np.array(out[k], dtype=float) for k in ("count", "total", "ratio")},
            "line": np.array(out["line"], dtype=np.int64)}


def mediacloud_records(path: Path, names: list[str], body: Iterable[Block]) -> pd.DataFrame:
    """Media Cloud's counts over time: one record (line, when, count, total, share) a row."""
    parts = [_mediacloud_block(path, names, b) for b in body]
    cols = {k: _concat([p[k] for p in parts], "float64") for k in ("count", "total", "ratio")}
    total = cols["total"]
    # A zero total means the collection lost that day (Media Cloud, summer 2021): unknown.
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, cols["count"] / total,
                         np.where(np.isnan(total), cols["ratio"], math.nan))
    return pd.DataFrame({"line": _concat([p["line"] for p in parts], "int64"),
                         "when": _concat([p["when"] for p in parts], "datetime64[us]"),
                         "count": cols["count"], "total": total, "share": share})


# --- GDELT ---------------------------------------------------------------------------------------


def _series_kind(path: Path, line: int, series: str) -> int:
    kind = SERIES.get(series.lower())
    if kind is None:
        raise attention_error(
            path, line, "not a volume series (export mode timelinevol or timelinevolraw)",
            series, "'Article Count', 'Total Monitored Articles', 'Volume Intensity'",
        )
    return _KINDS.index(kind)


def _gdelt_block(path: Path, names: list[str], block: Block, labels: list[str]
                 ) -> dict[str, np.ndarray]:
    """One block of a GDELT timeline as arrays: when, kind, label, value, line.

    ``labels`` collects each series name as written (a message quotes it); ``label`` indexes it.
    """
    i_date, i_series, i_value = (names.index(c) for c in ("date", "series", "value"))
    frame = fast_columns(block, sorted({i_date, i_series, i_value}), category=(i_series,))
    if frame is not None and i_series not in (i_date, i_value):
        series = frame[i_series].cat
        stripped = [str(c).strip() for c in series.categories]
        kinds = [SERIES.get(c.lower()) for c in stripped]
        when, value = fast_dates(frame[i_date]), fast_numbers(frame[i_value])
        if None not in kinds and when is not None and value is not None:
            for s in stripped:
                if s not in labels:
                    labels.append(s)
            codes = series.codes.to_numpy()
            kind_of = np.array([_KINDS.index(k) for k in kinds], dtype=np.int8)  # type: ignore[arg-type]
            label_of = np.array([labels.index(s) for s in stripped], dtype=np.int32)
            return {"when": when, "kind": kind_of[codes], "label": label_of[codes],
                    "value": value, "line": np.arange(block.line, block.line + len(value))}
    return _gdelt_rows(path, names, block, labels)[0]


def _gdelt_rows(path: Path, names: list[str], block: Block, labels: list[str],
                stop: int | None = None) -> tuple[dict[str, np.ndarray], int | None]:
    """A block read row by row: its arrays, as :func:`_gdelt_block` gives them.

    With ``stop`` (the line of a bad row), only the rows before it, and the kind of series of
    that row when it names a known one (the row-by-row reader checks it before the date).
    """
    out: dict[str, list] = {"when": [], "kind": [], "label": [], "value": [], "line": []}
    pending = None
    for line, row in csv_rows(path, block.data.decode("utf-8"), block.line):
        if stop is not None and line >= stop:
            with contextlib.suppress(AttentionFileError):
                pending = _series_kind(path, line, cell(path, line, row, names, "series"))
            break
        series_text = cell(path, line, row, names, "series")
        kind = _series_kind(path, line, series_text)
        when = parse_date(path, line, cell(path, line, row, names, "date"))
        value = parse_number(path, line, cell(path, line, row, names, "value"), "Value")
        if series_text not in labels:
            labels.append(series_text)
        for key, v in zip(out, (when, kind, labels.index(series_text), value, line),
                          strict=True):
            out[key].append(v)
    return {"when": np.array(out["when"], dtype="datetime64[us]"),
            "kind": np.array(out["kind"], dtype=np.int8),
            "label": np.array(out["label"], dtype=np.int32),
            "value": np.array(out["value"], dtype=float),
            "line": np.array(out["line"], dtype=np.int64)}, pending


def _first_repeat(when: np.ndarray, kind: np.ndarray) -> tuple[int, int] | None:
    """(row, row of its first occurrence) of the first row whose step and series came before."""
    # one integer a (step, series): microseconds from 1970 times three, plus the kind
    key = when.view(np.int64) * 3 + kind
    repeated = pd.Series(key).duplicated(keep="first").to_numpy()
    if not repeated.any():
        return None
    row = int(np.argmax(repeated))
    return row, int(np.argmax(key == key[row]))


def _sequence_errors(path: Path, cols: dict[str, np.ndarray], labels: list[str],
                     pending: tuple[int, int] | None = None) -> None:
    """Raise the first error, in file order, of a series kind mixed in or a step repeated.

    ``pending`` (line, kind) is a row whose series is known but whose date or value is bad:
    the row-by-row reader found a mix on it before the bad cell.
    """
    kind, line = cols["kind"], cols["line"]
    if pending is not None:
        kind, line = np.append(kind, pending[1]), np.append(line, pending[0])
    errors: list[tuple[int, int, str]] = []
    is_vol = kind == _VOL
    if is_vol.any() and (~is_vol).any():
        row = max(int(np.argmax(is_vol)), int(np.argmax(~is_vol)))
        errors.append((row, 0, "mixes timelinevol and timelinevolraw series"))
    repeat = _first_repeat(cols["when"], cols["kind"])
    if repeat:
        row, first = repeat
        errors.append((row, 1, f"'{labels[cols['label'][row]]}' at "
                               f"{pd.Timestamp(cols['when'][row])} appears twice (first on line "
                               f"{line[first]})"))
    if errors:
        row, _, message = min(errors)
        raise attention_error(path, int(line[row]), message)


def _joined(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    dtypes = {"when": "datetime64[us]", "kind": "int8", "label": "int32", "value": "float64",
              "line": "int64"}
    return {k: _concat([p[k] for p in parts], t) for k, t in dtypes.items()}


def gdelt_records(path: Path, names: list[str], body: Iterable[Block]
                  ) -> tuple[str, pd.DataFrame]:
    """A GDELT DOC 2.0 timeline's format and its records, one a step.

    The records (line, when, count, total, share) come in the order the steps first appear.
    A file with several errors gets the first one the row-by-row reader met.
    """
    labels: list[str] = []
    parts = []
    for block in body:
        try:
            parts.append(_gdelt_block(path, names, block, labels))
        except AttentionFileError as error:
            if error.line is not None:  # a mix or a repeat before the bad row comes first
                before, kind = _gdelt_rows(path, names, block, labels, stop=error.line)
                _sequence_errors(path, _joined([*parts, before]), labels,
                                 None if kind is None else (error.line, kind))
            raise
    cols = _joined(parts)
    del parts
    when, kind, value, line = (cols[k] for k in ("when", "kind", "value", "line"))
    empty = pd.DataFrame({"line": line[:0], "when": when[:0], "count": value[:0],
                          "total": value[:0], "share": value[:0]})
    if not len(line):
        return "gdelt-timelinevolraw", empty
    _sequence_errors(path, cols, labels)
    kinds = set(np.unique(kind).tolist())
    if kinds == {_COUNT}:
        raise attention_error(
            path, int(line[0]), "has 'Article Count' but no 'Total Monitored Articles' rows; "
            "export mode timelinevolraw, which writes both",
        )
    codes, steps = pd.factorize(when, sort=False)  # steps in the order they first appear
    n = len(steps)
    first_line = pd.Series(line).groupby(codes).min().to_numpy()
    if kinds == {_VOL}:
        share = np.full(n, math.nan)
        share[codes] = value / 100
        return "gdelt-timelinevol", pd.DataFrame({
            "line": first_line, "when": np.asarray(steps), "count": math.nan,
            "total": math.nan, "share": share})
    got = {}
    for k in (_COUNT, _TOTAL):
        at = kind == k
        v, li = np.full(n, math.nan), np.full(n, -1, dtype=np.int64)
        v[codes[at]], li[codes[at]] = value[at], line[at]
        got[k] = (v, li)
    # A step with a known total and no Article Count row had no matching article.
    count = np.where(got[_COUNT][1] >= 0, got[_COUNT][0], 0.0)
    total = got[_TOTAL][0]
    above = count > total
    if above.any():
        step = int(np.argmax(above))
        raise attention_error(
            path, int(got[_COUNT][1][step]), f"Article Count {count[step]:g} is larger than the "
            f"Total Monitored Articles {total[step]:g} (line {got[_TOTAL][1][step]})",
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, count / total, math.nan)
    return "gdelt-timelinevolraw", pd.DataFrame({
        "line": first_line, "when": np.asarray(steps), "count": count, "total": total,
        "share": share})
