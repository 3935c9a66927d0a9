"""Shared fixtures: a writable copy of the template case, and the browser switch."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from strategy_kit import config

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def template_copy(tmp_path: Path) -> Path:
    """A fresh, valid case folder that a test may edit."""
    target = tmp_path / "example"
    shutil.copytree(config.TEMPLATE_CASE_DIR, target,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def edit(template_copy: Path) -> Callable[[str, str, str], Path]:
    """Replace text in one file of the template copy; returns the case folder."""

    def _edit(file: str, old: str, new: str) -> Path:
        p = template_copy / file
        text = p.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
        return template_copy

    return _edit


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            "CI=true but /usr/bin/chromium is missing: the browser tests must run in CI. "
            "Install it with: apt-get install chromium"
        )
    skip = pytest.mark.skip(
        reason="no /usr/bin/chromium; install it with: apt-get install chromium"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


# -- rendered reports, shared by the report tests and the browser tests -----------------------

HOSTILE = "<script>window.__pwned = 1</script><b>Lawmakers</b>"


@pytest.fixture(scope="session")
def hostile_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case outside data/ whose texts try to inject markup into reports."""
    target = tmp_path_factory.mktemp("cases") / "hostile"
    shutil.copytree(config.TEMPLATE_CASE_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    p = target / "audiences.csv"
    p.write_text(p.read_text().replace("Members of parliament", f'"{HOSTILE}"'))
    p = target / "guidance.yaml"
    p.write_text(p.read_text().replace("Know your own interests and goals.",
                                       "'<img src=x onerror=\"window.__pwned=2\">'"))
    return target


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, hostile_case: Path) -> dict[str, Path]:
    """The Belarus audience report, its overview and a report of the hostile case."""
    from strategy_kit.reports.render import audience_job, overview_job, run_report

    out = tmp_path_factory.mktemp("reports")
    return {
        "audience": run_report(audience_job("belarus", "media", "end-terror", "2027-01-01",
                                            None, out)),
        "overview": run_report(overview_job("belarus", None, "2027-01-01", None, out)),
        "hostile": run_report(audience_job(hostile_case, "lawmakers", "release-prisoners",
                                           "2025-01-01", 120, out)),
    }
