"""How paths and a case's text are shown: without local paths, without terminal controls.

A report, an index page or a calendar is sent around; the folder it was made in stays home.
:func:`presentable` is the one function that turns a path into what shared outputs show;
:func:`without_local_paths` applies it to every absolute path in a message.
:func:`terminal_safe` escapes the control characters a case's text could carry to a terminal.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

__all__ = ["presentable", "terminal_safe", "without_local_paths"]

_CASE_MARK = "case.yaml"
#: An absolute POSIX path inside a message: "/" then characters that are not a separator.
_ABSOLUTE = re.compile(r"(?<![\w.~:/-])/(?:[^\s'\"`<>|;,()\[\]{}]+)")


def presentable(path: str | Path) -> str:
    """A path as shared outputs show it: never a user's folder, home or temporary folder.

    From its case folder on (``belarus/attention/x.csv``), else only its name.
    """
    p = Path(path)
    for folder in (p, *p.parents):
        try:
            if (folder / _CASE_MARK).is_file():
                rest = p.relative_to(folder)
                return folder.name if rest == Path(".") else f"{folder.name}/{rest.as_posix()}"
        except OSError:  # an unreadable folder, a name too long: not a case
            continue
    return p.name


def without_local_paths(text: str) -> str:
    """``text`` with each absolute path replaced by its :func:`presentable` form."""
    return _ABSOLUTE.sub(lambda m: presentable(m.group(0).rstrip(".:")) +
                         m.group(0)[len(m.group(0).rstrip(".:")):], text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    r"""``text`` with control characters escaped (ESC → ``\\x1b``), newlines and tabs kept.

    A case's text (a name, a title, an error quoting a cell) printed raw could move the cursor,
    rewrite a line ("ok"), set the window title or write to the clipboard (OSC 52).
    """
    return "".join(
        _escape(ch) if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf")
        and ch not in "\u200d\u200c" else ch
        for ch in text)
