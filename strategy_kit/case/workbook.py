"""Read a case from one workbook (``.xlsx``, ``.ods``, ``.xls``) as the CSV reader reads a folder.

A workbook is a second *source* of the same raw tables: one sheet per table (``audiences``,
``audience_interests``, …), a ``case`` sheet of ``key``/``value`` rows for ``case.yaml`` and the
sheets ``recommendations``, ``pitfalls`` and ``open_questions`` for ``guidance.yaml``. Every cell
becomes the text a CSV file would hold (a number typed in the spreadsheet ``0.75``, a date
``2027-03-11``), rows are numbered as the spreadsheet numbers them, and the same checks run.
:meth:`Workbook.relabel` then names the cell of each problem: ``audiences!D7``.

The file is read with python-calamine (``pandas.read_excel(engine="calamine")``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import Problem, close_match
from .guide import GUIDANCE_SHEETS
from .limits import LIMITS, workbook_problem
from .read import MAX_FIELD_CHARS, case_settings, folder_problems, read_guidance
from .schema import TABLES, Table
from .yamlfile import YamlRefused, load_yaml

__all__ = ["Workbook", "cell_text", "column_letter", "read_workbook"]

CASE_SHEET = "case"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def column_letter(n: int) -> str:
    """The spreadsheet letter of the 0-based column ``n``: 0 → A, 26 → AA."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def cell_text(v: Any) -> str:
    """A cell as the text a CSV file would hold: ``0.75``, ``3``, ``2027-03-11``, ``''``."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.timedelta):  # a duration cell: a number of days
        return cell_text(v.total_seconds() / 86400)
    return str(v)


@dataclass
class Workbook:
    """What a workbook holds, as the folder reader would give it, and where each cell is."""

    path: Path
    settings: dict[str, Any]
    guidance: dict[str, Any]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: per table: column name → its letter in the sheet
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    #: rows of the ``case`` sheet by key (``weights.fit``), and of ``guidance`` sheets
    key_rows: dict[str, int] = field(default_factory=dict)
    #: the ``case`` sheet and guidance sheets as ``case.yaml`` and ``guidance.yaml`` would hold
    raw_settings: dict[str, Any] = field(default_factory=dict)
    raw_guidance: dict[str, Any] | None = None

    def _where(self, p: Problem) -> str:
        sheet = p.file.removesuffix(".csv")
        if p.file in ("case.yaml", "guidance.yaml"):
            sheet = CASE_SHEET if p.file == "case.yaml" else (p.column or "guidance")
            key = p.column or ""
            named = re.search(r"'([^']+)'", p.message)  # "unknown weight 'fitt'"
            row = (named and self.key_rows.get(f"{key}.{named[1]}")) or self.key_rows.get(
                key) or next(
                (r for k, r in self.key_rows.items() if k.startswith(key + ".")), None)
            return f"{sheet}!A{row}:B{row}" if (row and p.file == "case.yaml") else sheet
        letters = self.letters.get(sheet)
        if letters is None or p.row is None:
            return sheet
        if p.column in letters:
            return f"{sheet}!{letters[p.column]}{p.row}"
        last = list(letters.values())[-1] if letters else "A"
        return f"{sheet}!A{p.row}:{last}{p.row}"

    def relabel(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems found in the text tables, each naming its cell (``audiences!D7``)."""
        out = []
        for p in problems:
            if "!" in p.file or p.file in self.letters or p.file == CASE_SHEET:
                out.append(p)  # the reader's own problems already name their place
                continue
            out.append(replace(p, file=self._where(p), row=None,
                               message=sheet_names(p.message),
                               allowed=sheet_names(p.allowed) if p.allowed else p.allowed))
        return out


def sheet_names(text: str) -> str:
    """A message about files as one about sheets: ``audiences.csv`` → ``sheet 'audiences'``."""
    text = re.sub(r"\b([a-z_]+)\.csv\b",
                  lambda m: f"sheet '{m[1]}'" if m[1] in TABLES else m[0], text)
    return text.replace("case.yaml", f"sheet '{CASE_SHEET}'")


# -- reading the sheets -----------------------------------------------------------------------


def _sheets(path: Path, problems: list[Problem]) -> dict[str, pd.DataFrame] | None:
    refused = workbook_problem(path)  # before any reader unpacks it: bombs, huge sheets
    if refused:
        problems.append(Problem(path.name, refused, allowed=LIMITS))
        return None
    try:
        raw = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="calamine")
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as e:  # noqa: BLE001 - calamine's errors have no common base class;
        # a Rust panic arrives as pyo3's PanicException, a BaseException: a problem, not a crash
        text = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        problems.append(Problem(path.name, f"not a readable workbook: {text}".strip(),
                                allowed="an .xlsx, .ods or .xls file, as a spreadsheet saves it"))
        return None
    return {str(name).strip(): df for name, df in raw.items()}


def _long_cells(sheets: dict[str, pd.DataFrame], problems: list[Problem]) -> bool:
    """Whether any text cell is longer than ``MAX_FIELD_CHARS`` (each is a problem)."""
    found = False
    for sheet, df in sheets.items():
        for c, column in enumerate(df.columns):
            for r, v in enumerate(df[column], start=1):
                if isinstance(v, str) and len(v) > MAX_FIELD_CHARS:
                    problems.append(Problem(
                        f"{sheet}!{column_letter(c)}{r}", f"a cell of {len(v):,} characters",
                        allowed=f"at most {MAX_FIELD_CHARS:,} characters in a cell (what an "
                                ".xlsx cell holds; the same limit as a CSV table's)"))
                    found = True
    return found


def _text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A sheet as text, the index being the spreadsheet's row number (header = row 1)."""
    out = df.map(cell_text) if not df.empty else df.astype(str)
    out.index = out.index + 1
    return out


def _table(sheet: str, df: pd.DataFrame, table: Table, book: Workbook,
           problems: list[Problem]) -> pd.DataFrame | None:
    text = _text_frame(df)
    if text.empty:
        problems.append(Problem(sheet, "the sheet is empty", allowed="a header row, then rows"))
        return None
    header = [h.strip() for h in text.iloc[0]]
    keep = [i for i, h in enumerate(header) if h]
    body = text.iloc[1:, keep]
    body.columns = [header[i] for i in keep]
    book.letters[table.name] = {header[i]: column_letter(i) for i in keep}
    body = body.loc[:, ~body.columns.duplicated()]
    body = body[~(body == "").all(axis=1)]
    required = [c.name for c in table.columns if c.required]
    missing = [c for c in required if c not in body.columns]
    for c in missing:
        problems.append(Problem(f"{sheet}!A1:{column_letter(max(len(header) - 1, 0))}1",
                                f"missing column '{c}'", allowed="columns " + ", ".join(required),
                                suggestion=close_match(c, [x for x in body.columns
                                                           if x not in required])))
    if missing:
        return None
    if body.empty and not table.optional_file:
        problems.append(Problem(sheet, "the sheet has no rows", allowed="at least one row"))
        return None
    for c in table.columns:
        if c.name not in body.columns:
            body[c.name] = ""
    return body


def _value(v: Any) -> Any:
    """A ``case`` sheet value as YAML would give it: numbers as numbers, the rest as text."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        s = v.strip()
        if _NUMBER.fullmatch(s):
            return int(s) if s.lstrip("+-").isdigit() else float(s)
        if s[:1] in ("[", "{") and not re.search(r"[&*!]", s):  # YAML flow, no aliases/tags
            try:  # as case.yaml is read: bounded in size and depth (YamlRefused)
                return load_yaml(s)
            except YamlRefused:
                raise
            except yaml.YAMLError:
                return s
        return s
    return None if cell_text(v) == "" else v


def _settings(df: pd.DataFrame, book: Workbook, problems: list[Problem]) -> dict[str, Any]:
    """The ``case`` sheet's key/value rows as case.yaml's mapping (``weights.fit`` nests)."""
    out: dict[str, Any] = {}
    for n, row in enumerate(df.itertuples(index=False), start=1):
        cells = list(row) + [None, None]
        key = cell_text(cells[0]).strip()
        if not key or (n == 1 and key.lower() == "key"):
            continue
        book.key_rows[key] = n
        head, _, rest = key.partition(".")
        try:
            value = _value(cells[1])
        except YamlRefused as e:
            problems.append(Problem(f"{CASE_SHEET}!B{n}", e.problem, allowed="a value, or a "
                                    "short list in [ ] as in the template case"))
            continue
        if rest:
            sub = out.setdefault(head, {})
            if not isinstance(sub, dict):
                problems.append(Problem(f"{CASE_SHEET}!A{n}", f"'{head}' is given twice",
                                        value=key, allowed=f"either {head} or {head}.KEY rows"))
                continue
            sub[rest] = value
        else:
            out[key] = value
    return out


def _guidance(sheets: dict[str, pd.DataFrame]) -> dict[str, Any] | None:
    if not any(k in sheets for k in GUIDANCE_SHEETS):
        return None
    raw: dict[str, Any] = {}
    for key in ("recommendations", "pitfalls"):
        if key in sheets:
            col = _text_frame(sheets[key]).iloc[1:, :1]
            raw[key] = [v for v in col.iloc[:, 0] if v.strip()] if not col.empty else []
    if "open_questions" in sheets:
        t = _text_frame(sheets["open_questions"])
        header = [h.strip().lower() for h in t.iloc[0]] if not t.empty else []
        qs = []
        for _, r in t.iloc[1:].iterrows():
            cells = dict(zip(header, r, strict=True))
            q = cells.get("question", "")
            if not q.strip():
                continue
            options = [v for h, v in cells.items() if h.startswith("option") and v.strip()]
            if list(cells).count("options") == 1 and len(options) == 1:
                options = [o.strip() for o in options[0].split(";") if o.strip()]
            qs.append({"question": q, "options": options})
        raw["open_questions"] = qs
    return raw


def read_workbook(path: Path, problems: list[Problem]) -> Workbook:
    """Read a case workbook; every problem is appended to ``problems`` naming its sheet/cell."""
    book = Workbook(path, {}, {})
    problems.extend(folder_problems(path.parent))  # its attention/, ratings/ beside it
    sheets = _sheets(path, problems)
    name = Path(path.stem)
    if sheets is not None and _long_cells(sheets, problems):
        sheets = None  # as the CSV reader: a table with a cell too long is not read
    if sheets is None:
        book.settings = case_settings(name, [], raw={})
        book.guidance = read_guidance(name, [], raw={})
        return book
    found: list[Problem] = []
    if CASE_SHEET in sheets:
        book.raw_settings = _settings(sheets[CASE_SHEET], book, found)
        book.settings = case_settings(name, found, raw=book.raw_settings)
    else:
        problems.append(Problem(CASE_SHEET, "the sheet is missing",
                                allowed="a sheet 'case' with rows title and description",
                                suggestion=close_match(CASE_SHEET, sheets)))
        book.settings = case_settings(name, [], raw={})
    book.raw_guidance = _guidance(sheets)
    book.guidance = read_guidance(name, found, raw=book.raw_guidance)
    for table in TABLES.values():
        if table.name not in sheets:
            if not table.optional_file:
                problems.append(Problem(table.name, "the sheet is missing",
                                        allowed=f"a sheet named '{table.name}'",
                                        suggestion=close_match(table.name, sheets)))
            continue
        df = _table(table.name, sheets[table.name], table, book, problems)
        if df is not None:
            book.frames[table.name] = df
    problems.extend(book.relabel(found))
    return book
