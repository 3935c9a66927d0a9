"""The kit's errors: one base class, subclasses that are also ``ValueError``."""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml


class StrategyKitError(Exception):
    """Base class of every error the kit raises on purpose."""


#: The most characters of a value a message shows (a value may be anything a file held).
VALUE_CHARS = 60

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple, _REPR.maxset = 2, 4, 4, 4, 4
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = VALUE_CHARS


def brief(value: object, limit: int = VALUE_CHARS) -> str:
    """``value`` as a short text for a message: cut at ``limit`` characters, never walked whole.

    Values from files are not yet validated: ``str()`` of a nested structure can take as long
    as the structure is big. Text is cut (a path keeps its end); anything else is shown by
    ``reprlib`` (a few items).
    """
    text = value if isinstance(value, str) else _REPR.repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, str) and "/" in text and "\n" not in text:
        return "…" + text[-(limit - 1):]  # a path: its end (the file's name) says the most
    return text[: limit - 1] + "…"


def close_match(value: object, choices: Iterable[str]) -> str | None:
    """Return the choice closest to ``value``, or None when nothing is close."""
    text = value if isinstance(value, str) else brief(value)
    if len(text) > 4 * VALUE_CHARS:
        return None  # difflib's time grows with the square of the length
    options = list(choices)
    found = difflib.get_close_matches(text, options, n=1, cutoff=0.6)
    if found:
        return found[0]
    # A short form of a longer id ('donors' for 'international-donors'): one id whose
    # hyphen- or underscore-separated words include all of the typed ones.
    typed = [w for w in text.lower().replace("_", "-").split("-") if w]
    whole = [c for c in options
             if typed and set(typed) <= set(c.lower().replace("_", "-").split("-"))]
    return whole[0] if len(whole) == 1 else None


def _shorten(choices: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(f"'{c}'" for c in choices[:limit])
    if len(choices) > limit:
        shown += f", … ({len(choices) - limit} more)"
    return shown


@dataclass(frozen=True)
class Problem:
    """One problem found in a case: where it is, what was wrong and what is allowed."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    allowed: str | None = None
    suggestion: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            # a spreadsheet counts rows (header = row 1); a text editor counts lines
            where += f", {'row' if self.file.endswith('.csv') else 'line'} {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (got '{brief(self.value)}')"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        if self.suggestion:
            text += f"; did you mean '{self.suggestion}'?"
        return text


class CaseError(StrategyKitError, ValueError):
    """A case folder has problems; ``problems`` lists every one of them."""

    def __init__(self, case: str, problems: Sequence[Problem]) -> None:
        self.case = case
        self.problems = tuple(problems)
        n = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"case '{case}' has {n} problem{'s' if n != 1 else ''}:\n{lines}")


class CaseNotFoundError(StrategyKitError, ValueError):
    """No case folder of that name or path."""

    def __init__(self, case: str, choices: Sequence[str]) -> None:
        self.case = case
        self.choices = tuple(choices)
        self.suggestion = close_match(case, choices)
        hint = f"; did you mean '{self.suggestion}'?" if self.suggestion else "."
        super().__init__(
            f"no case '{brief(case)}': neither a folder nor a case under data/{hint} "
            f"Cases under data/: {_shorten(self.choices) or 'none'}."
        )


class UnknownChoiceError(StrategyKitError, ValueError):
    """A parameter names something the case does not have (an audience, a goal, …)."""

    def __init__(self, kind: str, value: object, choices: Sequence[str],
                 case: str | None = None) -> None:
        self.kind = kind
        self.value = value
        self.choices = tuple(choices)
        self.case = case
        self.suggestion = close_match(value, self.choices)
        hint = f"; did you mean '{self.suggestion}'?" if self.suggestion else "."
        where = f" (looked in case '{brief(case)}')" if case else ""
        super().__init__(f"unknown {kind} '{brief(value)}'{hint} "
                         f"Choices: {_shorten(self.choices)}.{where}")


class BadParameterError(StrategyKitError, ValueError):
    """A parameter has the wrong form (a date that is not ISO, a negative horizon, …)."""

    def __init__(self, name: str, value: object, allowed: str) -> None:
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"bad {name} '{brief(value)}': expected {allowed}.")


class RunError(StrategyKitError, RuntimeError):
    """A notebook run failed; ``cell`` is the failing cell's index, ``log`` the kept notebook."""

    def __init__(self, message: str, cell: int | None = None, log: str | None = None) -> None:
        self.cell = cell
        self.log = log
        super().__init__(message)


# -- the kit's other errors: every class in one place (issue 18) -------------------------------


class OutputLocationError(StrategyKitError, ValueError):
    """The kit cannot write where it was asked to; ``path`` and ``reason`` say why."""

    def __init__(self, path: Path, reason: str, what: str = "--out") -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write to {what} '{path}': {reason}; choose a folder you can "
                         "write to (or create it)")


class FolderBusyError(StrategyKitError, ValueError):
    """Another run is writing into the folder; ``holder`` says which (pid and start)."""

    def __init__(self, folder: Path, holder: str) -> None:
        self.folder = folder
        self.holder = holder
        super().__init__(f"'{folder}' is being written by another run ({holder}); wait for it "
                         "to finish, or choose another --out")


class EmptyCalendarError(StrategyKitError):
    """The audience has no window in the horizon: there is nothing to export."""


class NoBrowserError(StrategyKitError):
    """No Chromium or Chrome to print with (exit 2): the message says how to get one."""


class PlanError(StrategyKitError, ValueError):
    """A plan file has problems; ``problems`` lists every one of them."""

    def __init__(self, plan: str, problems: Sequence[Problem]) -> None:
        self.plan = plan
        self.problems = tuple(problems)
        n = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"plan '{plan}' has {n} problem{'s' if n != 1 else ''}:\n{lines}")


class AttentionFileError(StrategyKitError, ValueError):
    """A media-attention export cannot be read; ``path`` and ``line`` say where.

    ``shown`` is the path as the message shows it (``attention/`` gives it from the case folder
    on, ``files.present.presentable``); by default the file's name, never a local folder.
    """

    def __init__(
        self,
        path: str | Path,
        line: int | None,
        message: str,
        value: str | None = None,
        allowed: str | None = None,
        *,
        shown: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.value = value
        self.allowed = allowed
        self.message = message
        where = Path(path).name if shown is None else shown
        if line is not None:
            where += f", line {line}"
        text = f"{where}: {message}"
        if value is not None:
            text += f" (got '{brief(value)}')"
        if allowed:
            text += f"; allowed: {allowed}"
        super().__init__(text)


class YamlRefused(yaml.YAMLError):
    """A YAML text the kit refuses to read; ``line`` is 1-based (None when unknown)."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


class KernelResetError(RuntimeError):
    """The kernel could not be reset between two notebooks (it is then replaced)."""


# -- writing files (issue 23.3): every fault on the way out is one of these ----------------------
# The exit codes of docs/cli.md: 2 for what the user can fix by choosing differently (a folder
# they cannot write to, a destination that is a file), 1 for a run that failed (a full disk).


class WriteError(StrategyKitError, OSError):
    """The kit could not write ``path``; the message says why and what to do."""

    def __init__(self, path: object, reason: str, advice: str, exit_code: int = 2) -> None:
        self.path = path
        self.reason = reason
        self.exit_code = exit_code
        super().__init__(f"cannot write '{path}': {reason}; {advice}")


#: The exit code of each kind of error (``cli.main`` uses it); a class may set its own.
EXIT_CODES: dict[type[BaseException], int] = {RunError: 1, StrategyKitError: 2}


def exit_code(error: BaseException) -> int:
    """The exit code of docs/cli.md for ``error``: its own, else its class's, else 1."""
    own = getattr(error, "exit_code", None)
    if isinstance(own, int):
        return own
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1
