"""The LibreOffice switch: tests marked ``libreoffice`` need Debian's soffice.

They skip with a message without it, but never under CI=true, as the browser tests
(tests/conftest.py).
"""

from __future__ import annotations

import os

import pytest
from office_helpers import INSTALL, soffice


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    marked = [i for i in items if "libreoffice" in i.keywords]
    if not marked or soffice():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"CI=true but LibreOffice (soffice) is missing: its tests must run in CI. "
            f"Install it with: {INSTALL}")
    skip = pytest.mark.skip(reason=f"no LibreOffice (soffice); install it with: {INSTALL}")
    for item in marked:
        item.add_marker(skip)
