"""Write a workbook's sheets as an OpenDocument spreadsheet (``.ods``) with odfpy.

The same sheets as the ``.xlsx`` (``write.sheets_of``): typed cells (numbers, dates shown as
``YYYY-MM-DD``), bold and frozen headers, column widths, and the same drop-down lists and rules
as ODF content validations, with their input and error messages, spelt as LibreOffice spells
them (it reads them back as the ``.xlsx``'s).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from odf.config import (
    ConfigItem,
    ConfigItemMapEntry,
    ConfigItemMapIndexed,
    ConfigItemMapNamed,
    ConfigItemSet,
)
from odf.number import DateStyle, Day, Month, Text, Year
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
from odf.table import (
    ContentValidation,
    ContentValidations,
    ErrorMessage,
    HelpMessage,
    Table,
    TableCell,
    TableColumn,
    TableRow,
)
from odf.text import P

if TYPE_CHECKING:
    from .write import Sheet

__all__ = ["write_ods"]

_CRITERIA = {"between": "cell-content-is-between({minimum},{maximum})",  # LibreOffice's commas
             ">=": "cell-content()>={value}", ">": "cell-content()>{value}"}


_EPOCH = dt.date(1899, 12, 30)  # day 0 of a spreadsheet's date numbers


def _condition(rule: dict[str, Any], rows: int) -> str:
    """A validation of XlsxWriter's spelling as an ODF (OpenFormula) condition."""
    if rule["validate"] == "list":
        source = rule["source"]
        if isinstance(source, tuple):
            _, sheet, letter = source
            items = f"[${sheet}.${letter}$2:.${letter}${rows + 1}]"
        else:
            items = ";".join('"' + v.replace('"', '""') + '"' for v in source)
        return f"of:cell-content-is-in-list({items})"
    kind = "decimal-number" if rule["validate"] == "decimal" else "date"
    limits = {k: ((v - _EPOCH).days if isinstance(v, dt.date) else v)  # dates as day numbers
              for k, v in rule.items() if k in ("minimum", "maximum", "value")}
    return f"of:cell-content-is-{kind}() and {_CRITERIA[rule['criteria']].format(**limits)}"


def _message(element: type, title: str, text: str, **kw: str) -> Any:
    m = element(title=title, display="true", **kw)
    for line in text.split("\n"):
        m.addElement(P(text=line))
    return m


def _styles(doc: OpenDocumentSpreadsheet) -> dict[str, Style]:
    day = DateStyle(name="iso-date")
    for part in (Year(style="long"), Text(text="-"), Month(style="long"), Text(text="-"),
                 Day(style="long")):
        day.addElement(part)
    doc.automaticstyles.addElement(day)
    out = {}
    for name, text, cell, extra in (
        ("head", {"fontweight": "bold"}, {"backgroundcolor": "#EEF2F7"}, {}),
        ("strong", {"fontweight": "bold"}, {"wrapoption": "wrap", "verticalalign": "top"}, {}),
        ("wrap", {}, {"wrapoption": "wrap", "verticalalign": "top"}, {}),
        ("top", {}, {"verticalalign": "top"}, {}),
        ("date", {}, {"verticalalign": "top"}, {"datastylename": "iso-date"}),
    ):
        st = Style(name=name, family="table-cell", **extra)
        if text:
            st.addElement(TextProperties(**text))
        st.addElement(TableCellProperties(**cell))
        doc.automaticstyles.addElement(st)
        out[name] = st
    return out


def _cell(v: Any, style: Style, date_style: Style, validation: str | None) -> TableCell:
    kw: dict[str, Any] = {"contentvalidationname": validation} if validation else {}
    if isinstance(v, bool):
        cell = TableCell(valuetype="boolean", booleanvalue=str(v).lower(), stylename=style, **kw)
        text = str(v).upper()
    elif isinstance(v, int | float):
        cell = TableCell(valuetype="float", value=repr(v), stylename=style, **kw)
        text = repr(v)
    elif isinstance(v, dt.datetime):
        text = v.date().isoformat()
        cell = TableCell(valuetype="date", datevalue=text, stylename=date_style, **kw)
    elif v is None or str(v) == "":
        return TableCell(stylename=style, **kw)
    else:
        cell = TableCell(valuetype="string", stylename=style, **kw)
        text = str(v)
    for line in text.split("\n"):
        cell.addElement(P(text=line))
    return cell


def _frozen_headers(doc: OpenDocumentSpreadsheet, names: list[str]) -> None:
    """Freeze the first row of every sheet, as LibreOffice records it in settings.xml."""
    tables = ConfigItemMapNamed(name="Tables")
    for name in names:
        entry = ConfigItemMapEntry(name=name)
        for key, kind, value in (("HorizontalSplitMode", "short", "0"),
                                 ("VerticalSplitMode", "short", "2"),
                                 ("VerticalSplitPosition", "int", "1"),
                                 ("ActiveSplitRange", "short", "2"),
                                 ("PositionTop", "int", "0"), ("PositionBottom", "int", "1")):
            entry.addElement(ConfigItem(name=key, type=kind, text=value))
        tables.addElement(entry)
    view = ConfigItemMapEntry()
    view.addElement(ConfigItem(name="ViewId", type="string", text="view1"))
    view.addElement(tables)
    views = ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    doc.settings.addElement(settings)


def write_ods(sheets: list[Sheet], dest: Path, rows: int) -> None:
    """Write ``sheets`` to ``dest``; validations cover the first ``rows`` rows under a header."""
    doc = OpenDocumentSpreadsheet()
    st = _styles(doc)
    validations = ContentValidations()
    doc.spreadsheet.addElement(validations)
    for sheet in sheets:
        names: dict[int, str] = {}
        for c, rule in sheet.rules.items():
            names[c] = f"val-{sheet.name}-{c}"
            v = ContentValidation(name=names[c], condition=_condition(rule, rows),
                                  allowemptycell="true",
                                  displaylist="unsorted" if rule["validate"] == "list" else "none")
            v.addElement(_message(HelpMessage, rule["input_title"], rule["input_message"]))
            v.addElement(_message(ErrorMessage, rule["error_title"], rule["error_message"],
                                  messagetype="information" if rule.get("error_type") else "stop"))
            validations.addElement(v)
        table = Table(name=sheet.name)
        for c, width in enumerate(sheet.widths):
            col = Style(name=f"co-{sheet.name}-{c}", family="table-column")
            col.addElement(TableColumnProperties(columnwidth=f"{width * 0.19:.2f}cm"))
            doc.automaticstyles.addElement(col)
            table.addElement(TableColumn(stylename=col))
        head = TableRow()
        for h in sheet.header:
            head.addElement(_cell(h, st["head"], st["date"], None))
        table.addElement(head)
        for r, values in enumerate(sheet.rows, start=1):
            row = TableRow()
            for c, v in enumerate(values):
                style = st["strong"] if r in sheet.strong_rows else (
                    st["wrap"] if sheet.wrap[c] else st["top"])
                row.addElement(_cell(v, style, st["date"], names.get(c)))
            table.addElement(row)
        if names and rows > len(sheet.rows):  # empty rows to fill in, with the same rules
            row = TableRow(numberrowsrepeated=rows - len(sheet.rows))
            for c in range(len(sheet.header)):
                row.addElement(_cell(None, st["top"], st["date"], names.get(c)))
            table.addElement(row)
        doc.spreadsheet.addElement(table)
    _frozen_headers(doc, [sheet.name for sheet in sheets])
    buffer = io.BytesIO()  # whole in memory: a full disk never leaves a half-closed zip
    doc.save(buffer)
    dest.write_bytes(buffer.getvalue())
