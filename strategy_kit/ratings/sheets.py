"""Write the rating sheets of a workshop: one workbook (or CSV folder) per participant.

Every row of the chosen rated tables is prefilled with ids and readable names; the value
column is empty, with a drop-down of low / medium / high / don't know (numbers 0–1 are
allowed too). ``split`` deals the tables out among subgroups so nobody rates everything.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import BadParameterError, UnknownChoiceError
from ..files.cells import neutralise_frame
from ..files.faults import writing
from .read import RATERS_FILE
from .scale import HIGH_ABOVE, LEVELS, LOW_BELOW, RATED, Rated, rated

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["deal_tables", "question", "rater_names", "sheet_frame", "write_rating_sheets"]

README = """\
Thank you for rating — this takes about {minutes} minutes.

You are helping plan "{title}". Each sheet lists pairs of things (for example an audience and
an interest) and asks one question about each. {where}

Answer with one word: low, medium or high. A number from 0 to 1 is fine too (0.7).
Leave a cell blank, or write "don't know", when you are not sure: a blank is never counted
as zero, and skipping is better than guessing. Do not change the other columns.

The sheets:
{sheets}

When you are done, save the file and send it back to the facilitator. Your name is not shown
in any report: participants appear as R01, R02, ….
"""

#: Where the answer goes, in a workbook and in a CSV file (README's {where}).
WHERE = {
    "xlsx": "Write your answer in the yellow column (its header names what you rate: influence, "
            "weight, strength, …); the question stands to the right of it.",
    "csv": "Write your answer in the last column (its header names what you rate: influence, "
           "weight, strength, …); the question is listed below.",
}
QUESTIONS = {
    "influence": "How much can this audience move the decisions this campaign aims at "
                 "({goals})? (its influence)",
    "audience_interests": "How much does this audience care about this interest?",
    "goal_interests": "How strongly does reaching this goal serve this interest?",
    "goal_audiences": "How much does this audience decide over this goal?",
    "moment_interests": "How much does this moment touch this interest?",
    "format_audiences": "How well does this format reach this audience?",
    "ally_audiences": "How well does this ally reach this audience?",
    "frame_interests": "How much does this message frame speak to this interest?",
}
CHOICES = ["low", "medium", "high", "don't know"]
_SAFE = re.compile(r"[^\w.-]+")


def rater_names(raters: int | str | Path) -> list[str]:
    """The participants: R01 … RNN for a number, else one name per line of a text file."""
    if isinstance(raters, int) or (isinstance(raters, str) and raters.isdigit()):
        n = int(raters)
        if not 1 <= n <= 999:
            raise BadParameterError("raters", raters, "a number from 1 to 999, or a names file")
        return [f"R{i:02d}" for i in range(1, n + 1)]
    path = Path(raters)
    if not path.is_file():
        raise BadParameterError("raters", raters, "a number, or a text file of names, one a line")
    names = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()
             if line.strip() and not line.startswith("#")]
    stems = [_SAFE.sub("-", n).strip("-.").lower() for n in names]
    for name, stem in zip(names, stems, strict=True):
        if not stem:
            raise BadParameterError("raters", name, "a name with letters or digits")
    dup = next((s for s in stems if stems.count(s) > 1), None)
    if dup:
        raise BadParameterError("raters", dup, f"each name once in {path.name}")
    if not stems:
        raise BadParameterError("raters", raters, "a file with at least one name")
    return stems


def _tables(case: Case, tables: Sequence[str] | None) -> list[Rated]:
    if not tables:
        return [r for r in RATED if len(case.table(r.table))]
    out = []
    for name in tables:
        try:
            out.append(rated(name.strip()))
        except KeyError:
            raise UnknownChoiceError("rated table", name.strip(),
                                     [r.table for r in RATED]) from None
    return out


def deal_tables(case: Case, chosen: list[Rated], split: int) -> list[list[Rated]]:
    """Deal the tables out among ``split`` subgroups, the largest first, evening the load."""
    if split < 1 or split > max(1, len(chosen)):
        raise BadParameterError("split", split,
                                f"a number from 1 to {max(1, len(chosen))} (the tables rated)")
    loads, hands = [0] * split, [[] for _ in range(split)]  # type: list[int], list[list[Rated]]
    for r in sorted(chosen, key=lambda r: -len(case.table(r.table))):
        j = loads.index(min(loads))
        hands[j].append(r)
        loads[j] += len(case.table(r.table))
    return [[r for r in chosen if r in hand] for hand in hands]


def sheet_frame(case: Case, r: Rated) -> pd.DataFrame:
    """The rows of one sheet: the item's ids, their names, an empty value column."""
    t = case.table(r.table)
    out = pd.DataFrame({k: t[k].astype(str) for k in r.key})
    for k, kind in zip(r.key, r.kinds(), strict=True):
        label = "name" if k == "id" else f"{k}_name"
        out[label] = out[k].map(case.names(kind))
    out[r.value] = ""
    return out


def question(case: Case, r: Rated) -> str:
    """The question of a sheet; the influence question names the case's goals."""
    goals = list(case.names("goal").values())
    listed = "; ".join(goals[:4]) + ("; …" if len(goals) > 4 else "")
    return QUESTIONS.get(r.sheet, r.sheet).replace("{goals}", listed)


def _readme(case: Case, hand: list[Rated], kind: str = "xlsx") -> str:
    items = sum(len(case.table(r.table)) for r in hand)
    sheets = "\n".join(f"  - {r.sheet}: {question(case, r)} "
                       f"({len(case.table(r.table))} rows)" for r in hand)
    scale = (f"\nThe scale: low ≈ {LEVELS['low']}, medium ≈ {LEVELS['medium']}, high ≈ "
             f"{LEVELS['high']}; a number below {LOW_BELOW:.2f} counts as low, above "
             f"{HIGH_ABOVE:.2f} as high.\n")
    return README.format(minutes=max(5, round(items / 6)), title=case.title,
                         sheets=sheets, where=WHERE[kind]) + scale


def _workbook(path: Path, case: Case, hand: list[Rated]) -> None:
    import xlsxwriter

    # Case text is text: no formula, no automatic link (docs/security.md).
    # in memory: no temporary file with case data in /tmp, no half-closed zip on a full disk
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False, "in_memory": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    answer = wb.add_format({"bg_color": "#FFF9E0", "border": 1, "locked": False})
    ws = wb.add_worksheet("Read me")
    ws.set_column(0, 0, 100, wrap)
    for i, line in enumerate(_readme(case, hand).splitlines()):
        ws.write_string(i, 0, line)
    for r in hand:
        df = sheet_frame(case, r)
        ws = wb.add_worksheet(r.sheet)
        for j, col in enumerate(df.columns):
            ws.write_string(0, j, str(col), head)
        for i, row in enumerate(df.itertuples(index=False), start=1):
            for j, v in enumerate(list(row)[:-1]):
                ws.write_string(i, j, "" if v is None or v != v else str(v))
            ws.write_blank(i, len(df.columns) - 1, None, answer)
        for j, col in enumerate(df.columns):
            width = max(len(col), *(len(str(v)) for v in df[col])) if len(df) else len(col)
            ws.set_column(j, j, min(max(width + 2, 10), 45))
        last = len(df.columns) - 1
        ws.data_validation(1, last, max(1, len(df)), last, {
            "validate": "list", "source": CHOICES, "error_type": "information",
            "input_title": "Your answer",
            "input_message": "low, medium, high or don't know; or a number from 0 to 1. "
                             "Blank = don't know.",
        })
        ws.freeze_panes(1, 0)
        ws.write_string(0, last + 2, question(case, r), wrap)
        ws.set_column(last + 2, last + 2, 50)
    wb.close()
    path.write_bytes(buffer.getvalue())


def _csv_folder(folder: Path, case: Case, hand: list[Rated]) -> None:
    folder.mkdir()
    (folder / "README.txt").write_text(_readme(case, hand, "csv"), encoding="utf-8")
    for r in hand:
        # a spreadsheet's CSV import would evaluate '=…': formula-like text gets a "'"
        neutralise_frame(sheet_frame(case, r)).to_csv(folder / f"{r.sheet}.csv", index=False,
                                                      quoting=csv.QUOTE_MINIMAL)


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders this run made, deepest first, when nothing else went into them."""
    for p in folders:
        try:
            p.rmdir()
        except OSError:
            return


def write_rating_sheets(case: Case, raters: int | str | Path, out: str | Path,
                        tables: Sequence[str] | None = None, split: int = 1,
                        as_csv: bool = False) -> list[Path]:
    """Write one rating workbook (or CSV folder) per participant, and a ``raters.csv``.

    Parameters
    ----------
    case
        A loaded case.
    raters
        How many participants (named R01, R02, …), or a text file of names, one a line.
    out
        The folder to write into; files already there are never overwritten.
    tables
        Rated tables or sheet names (default: every rated table with rows).
    split
        Deal the tables out among this many subgroups; participant i gets subgroup i mod k.
    as_csv
        A folder of CSV files per participant instead of a workbook.

    Returns
    -------
    list of Path
        The sheets written, in participant order.
    """
    names = rater_names(raters)
    hands = deal_tables(case, _tables(case, tables), int(split))
    out = Path(out)
    targets = [out / (n if as_csv else f"{n}.xlsx") for n in names] + [out / RATERS_FILE]
    clash = next((t for t in targets if t.exists()), None)
    if clash is not None:
        raise BadParameterError("out", str(clash), "a folder without sheets of the same names")
    created = [p for p in (out, *out.parents) if not p.exists()]  # the deepest first
    with writing(out):  # a full disk, a read-only folder: one sentence (files/faults.py)
        try:
            out.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".sheets-", dir=out))
        except OSError:
            _remove_empty(created)
            raise
        moved: list[Path] = []
        try:  # write everything aside, then move: nothing half-written
            for i, name in enumerate(names):
                hand = hands[i % len(hands)]
                if as_csv:
                    _csv_folder(tmp / name, case, hand)
                else:
                    _workbook(tmp / f"{name}.xlsx", case, hand)
            pd.DataFrame({"rater": names, "group": "", "round": 1, "show_name": "no"}).to_csv(
                tmp / RATERS_FILE, index=False)
            for t in targets:
                (tmp / t.name).rename(t)
                moved.append(t)
        except BaseException:
            for t in moved:  # all the sheets or none
                shutil.rmtree(t, ignore_errors=True) if t.is_dir() else t.unlink()
            shutil.rmtree(tmp, ignore_errors=True)
            _remove_empty(created)
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return targets[:-1]


