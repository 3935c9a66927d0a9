"""Read and check a case's ``ratings/`` folder: one workbook or CSV folder per rater.

A rater is a workbook (``ratings/<name>.xlsx``, ``.ods``) or a folder of CSV files
(``ratings/<name>/<sheet>.csv``); ``ratings/raters.csv`` may give each a ``group``, a
``round`` and ``show_name``. Every problem names the file, sheet and cell (docs/workshop.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..case.limits import LIMITS, workbook_problem
from ..case.locate import case_folder
from ..case.workbook import column_letter
from ..errors import CaseError, Problem, close_match
from ..files.cells import restore_frame
from .scale import ALLOWED, RATED, Rated, likely_rating, parse_value, rated

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["RATINGS_DIR", "Ratings", "ignored", "item_ids", "ratings_files", "ratings_folder",
           "read_ratings"]

RATINGS_DIR = "ratings"
RATERS_FILE = "raters.csv"
WORKBOOKS = (".xlsx", ".xlsm", ".ods", ".xls")
#: Sheets of a rating workbook that hold no ratings.
EXTRA_SHEETS = ("read me", "readme", "lists")
_SKIP = (".", "~$")
#: Files that spreadsheets and systems leave beside the sheets, and the kit's own notes.
_LEFT_BEHIND = ("desktop.ini", "thumbs.db")
#: A file stem that is itself a pseudonym (the kit names its sheets R01, R02, …).
_PSEUDONYM = re.compile(r"R\d{2,3}")


@dataclass(frozen=True)
class Ratings:
    """The ratings of a case's raters (the latest round only).

    Attributes
    ----------
    raters
        ``rater, group, round, pseudonym``: ``rater`` is the pseudonym (R01, R02, … in file
        order) or the name when ``raters.csv`` says ``show_name: yes``; ``group`` is the
        rater itself when none is given (each rater one voice); ``pseudonym`` is R01, … for
        everyone, also those shown by name (for what should name no one).
    values
        ``rater, table, item, value``: one row per rated item; ``item`` joins the item's
        ids with ``/``; blanks and "don't know" are left out.
    warnings
        What the facilitator should look at without it stopping the workshop (two
        participants with exactly the same answers), one sentence each.
    """

    raters: pd.DataFrame
    values: pd.DataFrame
    warnings: tuple[str, ...] = ()
    _wide: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    def matrix(self, table: str, items: list[str]) -> np.ndarray:
        """Raters × items values of a table (NaN where a rater gave none)."""
        if table not in self._wide:  # one pivot per table, kept (the ratings are immutable)
            v = self.values[self.values["table"] == table]
            self._wide[table] = v.pivot(index="rater", columns="item", values="value").reindex(
                index=list(self.raters["rater"]))
        return self._wide[table].reindex(columns=items).to_numpy(float)


def item_ids(case: Case, r: Rated) -> list[str]:
    """The items of a rated table, in file order (ids joined with ``/``)."""
    t = case.table(r.table)
    return ["/".join(row) for row in t[list(r.key)].astype(str).itertuples(index=False)]


def ignored(f: Path) -> bool:
    """Whether a file in ``ratings/`` is left behind by a spreadsheet or system, or a note.

    Hidden files and lock files (``.DS_Store``, ``.~lock.R01.xlsx#``), Office's owner files
    (``~$R01.xlsx``), ``Thumbs.db`` and notes (``README.txt``, ``*.md``, ``*.txt``, as the
    kit writes into each ``--csv`` folder) are not ratings.
    """
    name = f.name
    return (name.startswith(_SKIP) or name.lower() in _LEFT_BEHIND
            or (f.suffix.lower() in (".md", ".txt") and not f.is_dir()))


def ratings_folder(path: Path) -> Path:
    """The ``ratings/`` folder of a case: in its folder, or beside its workbook."""
    return case_folder(path) / RATINGS_DIR


def ratings_files(path: Path) -> list[Path]:
    """Every file under the ``ratings/`` folder of a case (for its content hash)."""
    folder = ratings_folder(path)
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.rglob("*") if f.is_file() and not ignored(f))


class _Where:
    """Where a sheet's cells are, for messages: a workbook's cell or a CSV file's row."""

    def __init__(self, file: str, sheet: str | None, columns: list[str]) -> None:
        self.file, self.sheet, self.columns = file, sheet, columns

    def problem(self, message: str, row: int | None = None, column: str | None = None,
                **kw: str | None) -> Problem:
        if self.sheet is None:
            return Problem(self.file, message, row=row, column=column, **kw)
        where = f"{self.file}, sheet '{self.sheet}'"
        if row is not None:
            letter = column_letter(self.columns.index(column)) if column in self.columns else ""
            where += f", cell {letter}{row}" if letter else f", row {row}"
        return Problem(where, message, column=column, **kw)


def _read_sheets(source: Path, rel: str, problems: list[Problem]
                 ) -> list[tuple[_Where, str, pd.DataFrame]]:
    """(where, sheet name, frame) of every sheet of a rater's workbook or CSV folder."""
    out = []
    if source.is_dir():
        for f in sorted(source.iterdir()):
            if ignored(f) or not f.is_file():
                continue
            if f.suffix.lower() != ".csv":
                problems.append(Problem(f"{rel}/{f.name}", "not a CSV file of ratings",
                                        allowed="one <sheet>.csv per rated table"))
                continue
            try:
                df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
                problems.append(Problem(f"{rel}/{f.name}", f"cannot read the file ({e})",
                                        allowed="a UTF-8 CSV file with a header row"))
                continue
            df = restore_frame(df)  # undo the "'" ratings sheets --csv put before '=…'
            out.append((_Where(f"{rel}/{f.name}", None, list(df.columns)), f.stem, df))
        return out
    refused = workbook_problem(source)  # before any reader unpacks it (case/limits.py)
    if refused:
        problems.append(Problem(rel, refused, allowed=LIMITS))
        return out
    try:
        sheets = pd.read_excel(source, sheet_name=None, engine="calamine", dtype=object)
    except Exception as e:  # noqa: BLE001 - any unreadable workbook is the same problem
        problems.append(Problem(rel, f"cannot read the workbook ({type(e).__name__}: {e})",
                                allowed="an .xlsx or .ods workbook"))
        return out
    for name, df in sheets.items():
        out.append((_Where(rel, str(name), [str(c) for c in df.columns]), str(name), df))
    return out


def _sheet_values(case: Case, r: Rated, where: _Where, df: pd.DataFrame,
                  problems: list[Problem], seen: dict[str, str]) -> dict[str, float]:
    """The ratings of one sheet.

    ``seen`` (item → where it was rated) spans the rater's sheets, so an item rated on two
    sheets of one table (``influence`` and ``audiences``) is found.
    """
    df = df.rename(columns=lambda c: str(c).strip())
    missing = [c for c in (*r.key, r.value) if c not in df.columns]
    if missing:
        problems.append(where.problem(f"the sheet has no column '{missing[0]}'",
                                      allowed=", ".join((*r.key, r.value)),
                                      suggestion=close_match(missing[0], map(str, df.columns))))
        return {}
    items = set(item_ids(case, r))
    kinds = r.kinds()
    out: dict[str, float] = {}
    for i, row in enumerate(df.to_dict("records")):
        line = i + 2  # the header is row 1
        ids = ["" if pd.isna(row[k]) else str(row[k]).strip() for k in r.key]
        raw = row[r.value]
        if not any(ids) and (raw is None or pd.isna(raw) or str(raw).strip() == ""):
            continue  # an empty row
        bad = False
        for col, kind, value in zip(r.key, kinds, ids, strict=True):
            known = case.ids(kind)
            if value not in known:
                problems.append(where.problem(f"unknown {kind}", line, col, value=value,
                                              allowed=f"an id of {kind}s in the case",
                                              suggestion=close_match(value, known)))
                bad = True
        item = "/".join(ids)
        if bad:
            continue
        if item not in items:
            problems.append(where.problem(f"not a row of {r.table}.csv", line, r.key[0],
                                          value=item, allowed="the rows of the rating sheet"))
            continue
        try:
            x = parse_value(raw)
        except ValueError:
            text = str(raw).strip()
            problems.append(where.problem("not a rating", line, r.value, value=text,
                                          allowed=ALLOWED, suggestion=likely_rating(text)))
            continue
        here = f"row {line}" if where.sheet is None else f"sheet '{where.sheet}' row {line}"
        if item in seen:
            first = seen[item]
            also = "" if first.split(" row ")[0] == here.split(" row ")[0] else f" (also {first})"
            problems.append(where.problem(f"this item is rated twice{also}", line, r.key[0],
                                          value=item, allowed="one row per item"))
            continue
        seen[item] = here
        if x is not None:
            out[item] = x
    return out


def _rater_values(case: Case, source: Path, rel: str,
                  problems: list[Problem]) -> dict[tuple[str, str], float]:
    values: dict[tuple[str, str], float] = {}
    sheet_names = [r.sheet for r in RATED] + [r.table for r in RATED]
    seen: dict[str, dict[str, str]] = {}  # table → item → where it was rated
    for where, name, df in _read_sheets(source, rel, problems):
        key = name.strip()
        if key.lower() in EXTRA_SHEETS:
            continue
        try:
            r = rated(key)
        except KeyError:
            problems.append(where.problem("not a rating sheet", value=key,
                                          allowed=", ".join(x.sheet for x in RATED),
                                          suggestion=close_match(key, sheet_names)))
            continue
        table_seen = seen.setdefault(r.table, {})
        for item, x in _sheet_values(case, r, where, df, problems, table_seen).items():
            values[(r.table, item)] = x
    return values


def _raters_table(folder: Path, stems: list[str], problems: list[Problem]) -> pd.DataFrame:
    """``raters.csv`` checked: one row per known rater; group, round, show_name."""
    out = pd.DataFrame({"name": stems, "group": "", "round": 1, "show_name": False})
    f = folder / RATERS_FILE
    if not f.is_file():
        return out
    rel = f"{RATINGS_DIR}/{RATERS_FILE}"
    try:
        df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        problems.append(Problem(rel, f"cannot read the file ({e})",
                                allowed="a UTF-8 CSV file: rater, group, round, show_name"))
        return out
    if "rater" not in df.columns:
        problems.append(Problem(rel, "no column 'rater'",
                                allowed="rater, and optionally group, round, show_name"))
        return out
    seen: set[str] = set()
    for i, row in enumerate(df.to_dict("records")):
        line, name = i + 2, row["rater"].strip()
        if name not in stems:
            problems.append(Problem(rel, "no workbook or folder of this rater in ratings/",
                                    row=line, column="rater", value=name,
                                    allowed="the name of a workbook or folder in ratings/",
                                    suggestion=close_match(name, stems)))
            continue
        if name in seen:
            problems.append(Problem(rel, "this rater is listed twice", row=line,
                                    column="rater", value=name, allowed="one row per rater"))
            continue
        seen.add(name)
        at = stems.index(name)
        out.loc[at, "group"] = row.get("group", "").strip()
        rnd = row.get("round", "").strip() or "1"
        if not rnd.isdigit() or int(rnd) < 1:
            problems.append(Problem(rel, "not a round number", row=line, column="round",
                                    value=rnd, allowed="a whole number from 1"))
        else:
            out.loc[at, "round"] = int(rnd)
        show = row.get("show_name", "").strip().lower()
        if show not in ("", "yes", "no"):
            problems.append(Problem(rel, "not yes or no", row=line, column="show_name",
                                    value=show, allowed="yes, no or blank (no)",
                                    suggestion=close_match(show, ("yes", "no"))))
        out.loc[at, "show_name"] = show == "yes"
    return out


def _sources(folder: Path, problems: list[Problem]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for f in sorted(folder.iterdir()):
        if ignored(f) or f.name == RATERS_FILE:
            continue
        if not (f.is_dir() or f.suffix.lower() in WORKBOOKS):
            problems.append(Problem(f"{RATINGS_DIR}/{f.name}", "not a rating workbook or folder",
                                    allowed="a workbook (.xlsx, .ods) or a folder of CSV files "
                                            "per rater, and raters.csv"))
            continue
        stem = f.name if f.is_dir() else f.stem
        if stem in found:
            problems.append(Problem(f"{RATINGS_DIR}/{f.name}", "a second rater of this name",
                                    value=stem, allowed="one workbook or folder per rater; "
                                    f"the other is {RATINGS_DIR}/{found[stem].name}"))
            continue
        found[stem] = f
    return found


def pseudonyms(stems: list[str], shown: list[bool]) -> list[str]:
    """The label of each rater: R01, R02, … in file order, never one another already has.

    A rater shown by name (``show_name: yes``) keeps the name; a file named like a
    pseudonym (``R02.xlsx``, as ``ratings sheets`` names them) keeps it, so the facilitator
    reads the same label in reports as on the file; the others take ``R<position>`` or, when
    that is taken, the next free number (``alice.xlsx`` beside ``R02.xlsx`` never becomes a
    second R02).
    """
    taken = {s for s, show in zip(stems, shown, strict=True) if show or _PSEUDONYM.fullmatch(s)}
    labels = []
    for i, (stem, show) in enumerate(zip(stems, shown, strict=True)):
        if show or _PSEUDONYM.fullmatch(stem):
            labels.append(stem)
            continue
        k = i + 1
        while f"R{k:02d}" in taken:
            k += 1
        taken.add(f"R{k:02d}")
        labels.append(f"R{k:02d}")
    return labels


def read_ratings(case: Case, round_: int | None = None) -> Ratings | None:
    """The ratings in the case's ``ratings/`` folder; None when it has none.

    Two participants with exactly the same answers are a warning (``Ratings.warnings``)
    naming both files, not a stop: it may be a sheet saved twice, or two people who agree.

    Raises
    ------
    CaseError
        Every problem of the folder: unknown ids (with close matches), values that are no
        rating, an item rated twice by one participant, a rater listed twice, a rater who
        rated nothing, each with file, sheet, cell.
    """
    folder = ratings_folder(case.path)
    if not folder.is_dir():
        return None
    problems: list[Problem] = []
    sources = _sources(folder, problems)
    stems = list(sources)
    info = _raters_table(folder, stems, problems)
    labels = pseudonyms(stems, [bool(x) for x in info["show_name"]])
    rows = []
    warnings: list[str] = []
    answers: dict[tuple, int] = {}
    for i, f in enumerate(sources.values()):
        rel = f"{RATINGS_DIR}/{f.name}"
        values = _rater_values(case, f, rel, problems)
        if not values:
            problems.append(Problem(rel, "this rater rated nothing", allowed="at least one "
                                    "rating; remove the file of someone who did not take part"))
            continue
        j = answers.setdefault(tuple(sorted(values.items())), i)
        if j != i and len(values) >= 5:
            same = f"{RATINGS_DIR}/{sources[stems[j]].name}"
            warnings.append(f"{rel} ({labels[i]}) has exactly the same answers as {same} "
                            f"({labels[j]}): one sheet saved twice? Both count; remove one "
                            "if so")
        rows += [(labels[i], t, item, x) for (t, item), x in values.items()]
    if problems:
        raise CaseError(case.name, problems)
    if not rows:
        return None
    # each participant's pseudonym, also for those shown by name (for what names no one)
    pseud = pseudonyms(stems, [False] * len(stems))
    raters = pd.DataFrame({"rater": labels, "group": info["group"], "round": info["round"],
                           "pseudonym": pseud})
    raters["group"] = raters["group"].where(raters["group"] != "", raters["rater"])
    latest = raters["round"].max() if round_ is None else round_  # issue 22: any round
    raters = raters[raters["round"] == latest].reset_index(drop=True)
    values = pd.DataFrame(rows, columns=["rater", "table", "item", "value"])
    values = values[values["rater"].isin(raters["rater"])].reset_index(drop=True)
    return Ratings(raters=raters, values=values, warnings=tuple(warnings))
