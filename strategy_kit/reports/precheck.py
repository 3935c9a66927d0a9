"""Cheap checks of a report's parameters, before anything heavy is imported or started.

``strategy-kit report`` and ``overview`` run these first: a missing case, an unknown audience
or goal, a bad date or horizon stop the command here (exit 2), before any kernel starts. They
use only the standard library (the id columns are read with ``csv``) and raise the same errors
as the full checks. When they pass, the kernel starts while the case is validated in full.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..case.locate import resolve_case_path
from ..errors import UnknownChoiceError
from ..params import check_date, parse_days

__all__ = ["precheck_report"]


def _ids(path: Path) -> list[str] | None:
    """The ``id`` column of a case table; None when it cannot be read simply.

    The full validation then says what is wrong with the file.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = csv.DictReader(f)
            if rows.fieldnames is None or "id" not in [c.strip() for c in rows.fieldnames]:
                return None
            return [(r.get("id") or "").strip() for r in rows if any(r.values())]
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def precheck_report(case: str | Path, audience: str | None = None, goal: str | None = None,
                    start: object = None, days: object = None) -> Path:
    """Check a report's parameters cheaply; return the case folder.

    ``goal`` may be None or ``all`` (the overview). Raises ``CaseNotFoundError``,
    ``UnknownChoiceError`` or ``BadParameterError``, as the full checks would.
    """
    path = resolve_case_path(case)
    check_date(start)
    parse_days(days, 1)  # type: ignore[arg-type]
    for kind, value, table in (("audience", audience, "audiences"), ("goal", goal, "goals")):
        if value is None or (kind == "goal" and value == "all"):
            continue
        ids = _ids(path / f"{table}.csv")
        if ids is not None and value not in ids:
            raise UnknownChoiceError(kind, value, ids, case=path.name)
    return path
