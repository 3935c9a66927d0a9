"""The plain-language guide to the case format, kept once in ``guide.yaml``.

``docs/case-format.md`` shows it (its sections of the tables, of ``case.yaml`` and of
``guidance.yaml`` are rendered by :func:`doc_sections` and a test checks that they agree), and a
written workbook's first sheet, ``guide``, shows it too (:func:`guide_rows`). What a column
allows is said by the schema, not written twice.
"""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path
from typing import Any

import yaml

from .schema import TABLES, Col, Table

__all__ = ["allowed_text", "column_guide", "doc_sections", "guide", "guide_rows", "plain"]

GUIDE_FILE = Path(__file__).with_name("guide.yaml")
GUIDANCE_SHEETS = ("recommendations", "pitfalls", "open_questions")


@functools.cache
def guide() -> dict[str, Any]:
    """The guide: ``settings`` (case.yaml keys), ``guidance`` and ``tables`` (per column)."""
    return yaml.safe_load(GUIDE_FILE.read_text(encoding="utf-8"))


def plain(text: str) -> str:
    """Markdown text as a spreadsheet cell shows it: without the backticks of code."""
    return text.replace("`", "")


def _where(table: str, sheet: bool) -> str:
    return f"the `{table}` sheet" if sheet else f"`{table}.csv`"


def allowed_text(col: Col, sheet: bool = False) -> str:
    """What a column allows, in words (Markdown); ``sheet`` names sheets instead of files."""
    ref = _where(col.ref, sheet) if col.ref else ""
    text = {
        "id": "an id, once in the " + ("sheet" if sheet else "file"),
        "ref": f"an `id` from {ref}",
        "refs": f"`id`s from {ref} separated by `;`",
        "score": "a number from 0 to 1",
        "days": "a number of days, 0 or more",
        "posdays": "a number of days greater than 0",
        "amount": "a number, 0 or more",
        "date": "a date, `YYYY-MM-DD`" + (", not before `start`" if col.name == "end" else ""),
        "enum": ", ".join(f"`{v}`" for v in col.values),
        "recurrence": "`none`, `yearly`, or an RFC 5545 rule such as "
                      "`FREQ=YEARLY;BYMONTH=2;BYDAY=2FR`",
    }.get(col.kind, "text")
    if col.kind in ("ref", "refs") and col.blank_ok:
        text += ", or empty"
    return text


def column_guide(table: Table, col: Col) -> dict[str, str]:
    """The meaning and example of a column (empty when the guide has none yet)."""
    return guide()["tables"].get(table.name, {}).get("columns", {}).get(col.name) or {
        "meaning": "", "example": ""}


def _wrap(text: str) -> str:
    return textwrap.fill(text, 96, break_on_hyphens=False, break_long_words=False)


def _table_section(table: Table) -> str:
    g = guide()["tables"].get(table.name, {})
    title = f"## `{table.file}`" + (" (optional file)" if table.optional_file else "")
    lines = [title, "", _wrap(g.get("about", "")), "",
             f"Header: `{','.join(c.name for c in table.columns)}`", "",
             "| column | required? | what it means | allowed values | example (Belarus) |",
             "|---|---|---|---|---|"]
    for c in table.columns:
        cg = column_guide(table, c)
        lines.append(f"| `{c.name}` | {'yes' if c.required else 'no'} | {cg['meaning']} | "
                     f"{allowed_text(c)} | {cg['example']} |")
    if g.get("note"):
        lines += ["", _wrap(g["note"])]
    return "\n".join(lines) + "\n"


def doc_sections() -> dict[str, str]:
    """The Markdown that ``docs/case-format.md`` must hold, by table (and ``case.yaml``, …)."""
    g = guide()
    out = {"case.yaml": "\n".join(
        ["| key | what it means | type and allowed values | default | example (Belarus) |",
         "|---|---|---|---|---|"]
        + [f"| `{k}` | {v['meaning']} | {v['allowed']} | {v['default']} | {v['example']} |"
           for k, v in g["settings"].items()]) + "\n"}
    out["guidance.yaml"] = "\n".join(
        ["| key | what it means | type | example (Belarus) |", "|---|---|---|---|"]
        + [f"| `{k}` | {v['meaning']} | {v['allowed']} | {v['example']} |"
           for k, v in g["guidance"].items()]) + "\n"
    out.update({t.name: _table_section(t) for t in TABLES.values()})
    return out


GUIDE_HEADER = ("sheet", "column", "required?", "what it means", "allowed values",
                "example (Belarus)")


def guide_rows() -> list[tuple[str, ...]]:
    """The rows of a workbook's ``guide`` sheet: each sheet, then each of its columns."""
    g = guide()
    rows: list[tuple[str, ...]] = [
        ("How to fill in this workbook", "", "", plain(
            "Each sheet below is one table of the case; the first row of a sheet names its "
            "columns. Cells with a drop-down list take one of its values; ids are lowercase "
            "(a-z, 0-9, '_' and '-'); scores are numbers from 0 to 1; dates are dates "
            "(YYYY-MM-DD). `strategy-kit validate` names the cell of every problem "
            "(audiences!D7)."), "", ""),
        ("case", "", "", "The case's settings: one row per key (column key), its value in "
         "column value. Weights have one row each: weights.fit, weights.influence, "
         "weights.timing.", "", ""),
    ]
    for key, v in g["settings"].items():
        rows.append(("case", key, "yes" if "required" in v["allowed"] else "no",
                     plain(v["meaning"]), plain(v["allowed"]), plain(v["example"])))
    for t in TABLES.values():
        tg = g["tables"].get(t.name, {})
        about = " ".join(x for x in (tg.get("about", ""), tg.get("note", "")) if x)
        rows.append((t.name, "", "no" if t.optional_file else "yes", plain(about), "", ""))
        for c in t.columns:
            cg = column_guide(t, c)
            rows.append((t.name, c.name, "yes" if c.required else "no", plain(cg["meaning"]),
                         plain(allowed_text(c, sheet=True)), plain(cg["example"])))
    for key in GUIDANCE_SHEETS:
        v = g["guidance"][key]
        extra = (" One row per question: the question in column question, each option in a "
                 "column of its own (option 1, option 2, …).") if key == "open_questions" else (
            " One row per item.")
        rows.append((key, "", "no", plain(v["meaning"]) + extra, plain(v["allowed"]), ""))
    return rows
