"""How paths and a case's text are shown: without local paths, without terminal controls.

A report, an index page or a calendar is sent around; the folder it was made in stays home.
:func:`presentable` is the one function that turns a path into what shared outputs show;
:func:`without_local_paths` applies it to every absolute path in a message.
:func:`terminal_safe` escapes the control characters a case's text could carry to a terminal.
"""

from __future__ import annotations

import os
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


_SEGMENT = re.compile(r"[^\s'\"`<>|;,()\[\]{}]+")


def _path_end(text: str, start: int, end: int) -> int:
    """Where the path found at ``text[start:end]`` really ends: across spaces in folder names.

    ``/home/John Smith/reports/x.html`` is one path when ``/home/John Smith`` exists; the
    path is extended one space-separated word at a time while what it names exists.
    """
    while end < len(text) and text[end] == " ":
        m = _SEGMENT.match(text, end + 1)
        if not m:
            break
        first = text[start:end] + " " + m.group(0).split("/")[0]
        try:
            if not os.path.lexists(first.rstrip(".:")):
                break
        except (OSError, ValueError):
            break
        end = m.end()
    return end


def without_local_paths(text: str) -> str:
    """``text`` with each absolute path replaced by its :func:`presentable` form.

    A folder name with spaces (``/home/John Smith/…``) is taken whole when it exists.
    """
    out, at = [], 0
    for m in _ABSOLUTE.finditer(text):
        if m.start() < at:
            continue
        end = _path_end(text, m.start(), m.end())
        path = text[m.start():end]
        bare = path.rstrip(".:")
        out += [text[at:m.start()], presentable(bare), path[len(bare):]]
        at = end
    return "".join(out) + text[at:]


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
