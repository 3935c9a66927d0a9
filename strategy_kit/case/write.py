"""Write a case as a workbook people can fill in, or as a folder; convert one into the other.

A written ``.xlsx`` (XlsxWriter) has a first ``guide`` sheet (``guide.yaml``: every sheet and
column in plain language), a ``case`` sheet of key/value rows, one sheet per table and the
guidance sheets. Headers are frozen, columns sized, scores and days are numbers and dates are
dates, and every enum column, id reference and score has a drop-down list or a rule (data
validation). An ``.ods`` holds the same sheets, values and rules (``ods``, with odfpy); both
come from :func:`sheets_of`.

Every writer writes a temporary file next to the destination and renames it: nothing is ever
half-written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import BadParameterError, Problem
from ..files.atomic import atomic_path
from .contents import copy_parts
from .guide import GUIDE_HEADER, allowed_text, column_guide, guide_rows, plain
from .load import load_case
from .locate import case_folder, is_workbook, resolve_case_path
from .read import read_csv
from .schema import TABLES, Col
from .workbook import CASE_SHEET, column_letter, read_workbook

__all__ = ["CaseSource", "convert_case", "read_source", "write_folder", "write_workbook"]

#: Rows a drop-down or rule covers, and rows of an id list another sheet's drop-down offers.
VALIDATED_ROWS = 2000
NUMERIC = ("score", "days", "posdays", "amount")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
GUIDANCE_HEADER = {"recommendations": "recommendation", "pitfalls": "pitfall"}


@dataclass
class CaseSource:
    """A case as text: its tables (every column as written), case.yaml's and guidance's keys."""

    frames: dict[str, pd.DataFrame]
    settings: dict[str, Any]
    guidance: dict[str, Any]


def read_source(path: Path) -> CaseSource:
    """The text of a valid case folder or workbook, every column kept as written."""
    problems: list[Problem] = []
    if is_workbook(path):
        book = read_workbook(path, problems)
        frames, settings, guidance = book.frames, book.raw_settings, book.raw_guidance or {}
    else:
        frames = {}
        for t in TABLES.values():
            df = read_csv(path / t.file, t, problems)
            if df is not None:
                frames[t.name] = df
        settings = yaml.safe_load((path / "case.yaml").read_text(encoding="utf-8-sig")) or {}
        g = path / "guidance.yaml"
        guidance = (yaml.safe_load(g.read_text(encoding="utf-8-sig")) or {}) if g.is_file() else {}
    if problems:  # load_case found none: the files changed in between
        raise BadParameterError("case", path.name, "a case that stays the same while converted")
    frames = {k: v.reset_index(drop=True) for k, v in frames.items()}
    for t in TABLES.values():  # an optional table left out: its header only
        frames.setdefault(t.name, pd.DataFrame({c.name: [] for c in t.columns}, dtype=str))
    return CaseSource(frames, dict(settings), dict(guidance))


# -- typed cells ------------------------------------------------------------------------------


def _typed(col: Col | None, text: str) -> Any:
    """A text cell as the spreadsheet should hold it: a number, a date, or text."""
    if col is not None and col.kind in NUMERIC and _NUMBER.fullmatch(text.strip()):
        v = float(text)
        return int(v) if v.is_integer() and abs(v) < 1e15 else v
    if col is not None and col.kind == "date" and _DATE.fullmatch(text.strip()):
        try:
            return dt.datetime.strptime(text.strip(), "%Y-%m-%d")
        except ValueError:
            return text
    return text


def _settings_rows(settings: dict[str, Any]) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, v in settings.items():
        if isinstance(v, dict) and v and all(not isinstance(x, dict | list) for x in v.values()):
            rows += [(f"{key}.{k}", x) for k, x in v.items()]
        elif isinstance(v, dict | list):
            rows.append((str(key), yaml.safe_dump(v, default_flow_style=True,
                                                  allow_unicode=True, width=10**6).strip()))
        else:
            rows.append((str(key), v))
    return rows


def _guidance_frames(guidance: dict[str, Any]) -> dict[str, pd.DataFrame]:
    out = {k: pd.DataFrame({h: [str(x) for x in guidance.get(k) or []]})
           for k, h in GUIDANCE_HEADER.items()}
    qs = guidance.get("open_questions") or []
    n = max([2] + [len(q.get("options") or []) for q in qs])
    rows = [[str(q.get("question", ""))] + [str(o) for o in q.get("options") or []]
            + [""] * (n - len(q.get("options") or [])) for q in qs]
    out["open_questions"] = pd.DataFrame(
        rows, columns=["question"] + [f"option {i}" for i in range(1, n + 1)], dtype=object)
    return out


# -- the sheets of a workbook, for either writer -----------------------------------------------


@dataclass
class Sheet:
    """One sheet to write: typed rows under a header, column widths, wrapping and rules."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    widths: list[int]
    wrap: list[bool]
    rules: dict[int, dict[str, Any]] = field(default_factory=dict)  # column → validation
    strong_rows: set[int] = field(default_factory=set)  # 1-based rows shown in bold


def _width(values: list[str], header: str) -> int:
    longest = max([len(header)] + [max(map(len, v.split("\n"))) for v in values if v])
    return max(8, min(longest + 2, 60))


def _validation(col: Col, meaning: str, id_columns: dict[str, str]) -> dict[str, Any] | None:
    """The data validation of a column (a drop-down or a rule), as XlsxWriter spells it.

    The ``source`` of an id list is ``("ids", sheet, column letter)``; each writer spells it.
    """
    message = plain(f"{allowed_text(col, sheet=True)}. {meaning}")[:250]
    base = {"input_title": col.name[:32], "input_message": message,
            "error_title": f"Not allowed in {col.name}"[:32],
            "error_message": plain(f"Allowed: {allowed_text(col, sheet=True)}")[:250]}
    match col.kind:
        case "enum":
            return {**base, "validate": "list", "source": list(col.values)}
        case "ref" | "refs" if col.ref in id_columns:
            rule = {**base, "validate": "list", "source": ("ids", col.ref, id_columns[col.ref])}
            if col.kind == "refs":  # several ids joined by ';': offer the list, allow the join
                rule["error_type"] = "information"
            return rule
        case "score":
            return {**base, "validate": "decimal", "criteria": "between", "minimum": 0,
                    "maximum": 1}
        case "days" | "amount":
            return {**base, "validate": "decimal", "criteria": ">=", "value": 0}
        case "posdays":
            return {**base, "validate": "decimal", "criteria": ">", "value": 0}
        case "date":
            return {**base, "validate": "date", "criteria": "between",
                    "minimum": dt.date(1900, 1, 1), "maximum": dt.date(2999, 12, 31)}
    return None


def sheets_of(src: CaseSource) -> list[Sheet]:
    """Every sheet of the case's workbook, in order: guide, case, tables, guidance."""
    guide = guide_rows()
    out = [Sheet("guide", list(GUIDE_HEADER), [list(r) for r in guide], [20, 18, 10, 70, 40, 40],
                 [False, False, False, True, True, True],
                 strong_rows={n for n, r in enumerate(guide, start=1) if not r[1]}),
           Sheet(CASE_SHEET, ["key", "value"], [list(r) for r in _settings_rows(src.settings)],
                 [20, 80], [False, True])]
    id_columns = {name: column_letter(list(df.columns).index("id"))
                  for name, df in src.frames.items() if "id" in df.columns}
    for name, df in src.frames.items():
        table = TABLES[name]
        cols = [table.col(h) if h in {c.name for c in table.columns} else None
                for h in df.columns]
        sheet = Sheet(name, list(df.columns),
                      [[_typed(c, v) for c, v in zip(cols, row, strict=True)]
                       for row in df.itertuples(index=False)],
                      [_width(list(df[h]), h) for h in df.columns],
                      [c is None or c.kind == "text" for c in cols])
        for n, c in enumerate(cols):
            rule = _validation(c, column_guide(table, c)["meaning"], id_columns) if c else None
            if rule:
                sheet.rules[n] = rule
        out.append(sheet)
    for name, df in _guidance_frames(src.guidance).items():
        out.append(Sheet(name, list(df.columns), df.values.tolist(),
                         [80] + [40] * (len(df.columns) - 1), [True] * len(df.columns)))
    return out


# -- the .xlsx writer -------------------------------------------------------------------------


def _write_xlsx(src: CaseSource, dest: Path) -> None:
    import xlsxwriter

    # in memory: no temporary file with case data in /tmp; the bytes go to the atomic writer
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False, "in_memory": True,
                                      "strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True, "bottom": 1, "bg_color": "#EEF2F7", "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    strong = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    top = wb.add_format({"valign": "top"})
    for sheet in sheets_of(src):
        ws = wb.add_worksheet(sheet.name)
        ws.freeze_panes(1, 0)
        for c, h in enumerate(sheet.header):
            ws.write_string(0, c, h, bold)
            ws.set_column(c, c, sheet.widths[c])
        for r, row in enumerate(sheet.rows, start=1):
            for c, v in enumerate(row):
                fmt = strong if r in sheet.strong_rows else wrap if sheet.wrap[c] else top
                if isinstance(v, bool):
                    ws.write_boolean(r, c, v, fmt)
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v, fmt)
                elif isinstance(v, dt.datetime):
                    ws.write_datetime(r, c, v, day)
                elif v is not None and str(v) != "":
                    ws.write_string(r, c, str(v), fmt)
        for c, rule in sheet.rules.items():
            if isinstance(rule.get("source"), tuple):
                _, ref, letter = rule["source"]
                rule = {**rule, "source": f"='{ref}'!${letter}$2:${letter}${VALIDATED_ROWS + 1}"}
            ws.data_validation(1, c, VALIDATED_ROWS, c, rule)
    wb.close()
    dest.write_bytes(buffer.getvalue())


#: Characters XML 1.0 cannot hold: an .ods would turn them into U+FFFD, silently.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(sheets: list[Sheet], dest: Path) -> None:
    """Refuse text an .ods cannot hold (a control character), naming its sheet and cell."""
    for sheet in sheets:
        for r, row in enumerate(sheet.rows, start=2):
            for c, v in enumerate(row):
                if isinstance(v, str) and _NOT_XML.search(v):
                    raise BadParameterError(
                        "destination", dest.name,
                        f"an .xlsx workbook or a folder: {sheet.name}!{column_letter(c)}{r} "
                        "holds a control character an .ods cannot hold (it would become "
                        "U+FFFD); remove it, or convert to .xlsx")


def write_workbook(src: CaseSource, dest: Path) -> None:
    """Write ``src`` as ``dest``, an ``.xlsx`` or ``.ods`` workbook."""
    if dest.suffix.lower() == ".ods":
        from .ods import write_ods

        write_ods(sheets_of(src), dest, VALIDATED_ROWS)
    else:
        _write_xlsx(src, dest)


def write_folder(src: CaseSource, dest: Path) -> None:
    """Write ``src`` as a case folder: CSV tables (UTF-8), case.yaml and guidance.yaml."""
    dest.mkdir(parents=True)
    for name, df in src.frames.items():
        if TABLES[name].optional_file and df.empty:
            continue
        df.to_csv(dest / TABLES[name].file, index=False, lineterminator="\n", encoding="utf-8")
    dump = {"sort_keys": False, "allow_unicode": True, "width": 100}
    (dest / "case.yaml").write_text(yaml.safe_dump(src.settings, **dump), encoding="utf-8")
    guidance = {k: v for k, v in src.guidance.items() if v}
    if guidance:
        (dest / "guidance.yaml").write_text(yaml.safe_dump(guidance, **dump), encoding="utf-8")


# -- convert ----------------------------------------------------------------------------------

DEST_ALLOWED = "a new folder, or a new file ending in .xlsx or .ods"


def _writer(dest: Path) -> Callable[[CaseSource, Path], None]:
    if dest.suffix.lower() in (".xlsx", ".ods"):
        return write_workbook
    if dest.suffix:
        raise BadParameterError("destination", dest.name, DEST_ALLOWED)
    return write_folder


def write_atomically(write: Callable[[Path], None], dest: Path) -> Path:
    """Call ``write`` on a temporary path next to ``dest``, then rename it to ``dest``.

    The kit's one atomic writer (``files.atomic``): a ``dest`` that exists, or that another run
    writes meanwhile, is never overwritten; faults (a full disk, a read-only folder) are one
    sentence naming the path.
    """
    if dest.exists():
        raise BadParameterError("destination", str(dest), DEST_ALLOWED + " (this one exists)")
    with atomic_path(dest, folder=not is_workbook(dest), replace=False) as tmp:
        write(tmp)
    return dest


def _copy_folder(here: Path, beside: Path) -> None:
    """Copy a case's ``attention/`` or ``ratings/`` whole, or not at all (links checked)."""
    with atomic_path(beside, folder=True, replace=False) as tmp:
        shutil.copytree(here, tmp, ignore=shutil.ignore_patterns(".*", "~$*"))


def convert_case(src: str | Path, dest: str | Path) -> Path:
    """Convert a case between a folder and a workbook; the destination's extension decides.

    The source is validated first (``CaseError`` lists its problems); the destination must not
    exist yet, and is written whole or not at all. The case's folders of ``contents.PARTS``
    (``attention/``, ``ratings/``, ``scenarios/``) go along: into the new folder, or beside the
    new workbook when none is there.

    Returns
    -------
    Path
        The written folder or workbook.
    """
    dest = Path(dest).expanduser()
    writer = _writer(dest)
    if dest.exists():
        raise BadParameterError("destination", str(dest), DEST_ALLOWED + " (this one exists)")
    load_case(src)
    path = resolve_case_path(src)
    source = read_source(path)
    if dest.suffix.lower() == ".ods":
        _xml_safe(sheets_of(source), dest)  # before writing: never a silent change
    write_atomically(lambda tmp: writer(source, tmp), dest)
    # measured attention, the raters' sheets (contents.PARTS) go along, unless already there
    copy_parts(case_folder(path), case_folder(dest))
    return dest
