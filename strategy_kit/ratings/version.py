"""A version of a case, as ``compare`` names one (docs/compare.md).

``CASE`` (a folder, workbook or name under ``data/``), ``CASE#SCENARIO`` (under one of its
scenarios), ``CASE@YYYY-MM-DD`` (a snapshot), ``CASE@git:REV`` (at a git revision); the forms
combine (``belarus@2026-12-04#two-belaruses``). A path that exists as written is a case, even
with ``#`` or ``@`` in it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..case import Case
from ..case.locate import resolve_case_path
from ..case.snapshot import git_case, snapshot_path
from ..errors import BadParameterError
from .load import load_case

__all__ = ["VERSION_HELP", "load_version", "split_version"]

VERSION_HELP = ("CASE, CASE#SCENARIO, CASE@YYYY-MM-DD (a snapshot) or CASE@git:REV "
                "(docs/compare.md)")
_FORM = re.compile(r"^(?P<case>[^@#]+?)(?:@(?P<at>[^#]+))?(?:#(?P<scenario>[^@#]+))?$")


def split_version(spec: str) -> tuple[str, str | None, str | None]:
    """``(case, at, scenario)`` of a version; ``at`` a date or ``git:REV``."""
    if Path(spec).expanduser().exists():
        return spec, None, None
    m = _FORM.match(spec.strip())
    if not m:
        raise BadParameterError("case version", spec, VERSION_HELP)
    return m["case"], m["at"], m["scenario"]


def load_version(spec: str, scenario: str | None = None, ratings_round: int | None = None
                 ) -> Case:
    """Load the version ``spec`` names; ``scenario`` (when given) replaces the spec's."""
    name, at, scen = split_version(spec)
    path = resolve_case_path(name)
    if at and at.startswith("git:"):
        path = git_case(path, at[4:])
    elif at:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", at):
            raise BadParameterError("case version", spec, "@YYYY-MM-DD (a snapshot) or "
                                    "@git:REV")
        path = snapshot_path(path, at)
    if ratings_round is not None:
        from .rounds import load_round

        return load_round(path, ratings_round, scenario=scenario or scen)
    return load_case(path, scenario=scenario or scen)
