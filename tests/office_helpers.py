"""LibreOffice for the tests: where it is, and how to install it."""

from __future__ import annotations

import shutil

INSTALL = "apt-get install libreoffice-calc-nogui"


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")
