"""The layout (docs/architecture.md): small modules, one-way imports, a standalone repo."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "strategy_kit"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: What each folder may not import (docs/architecture.md, "Which way imports go").
FORBIDDEN = {
    "case": {"model", "plots", "reports", "explorer", "attention", "calendar", "cli", "ratings"},
    "model": {"plots", "reports", "explorer", "calendar", "cli"},
    "plots": {"model", "reports", "explorer", "case", "calendar", "cli", "ratings"},
    "attention": {"model", "plots", "reports", "explorer", "calendar", "cli"},
    "ratings": {"model", "plots", "reports", "explorer", "attention", "calendar", "cli", "demo"},
    "files": {"case", "model", "plots", "attention", "reports", "explorer", "calendar", "cli"},
}


def imported_parts(path: Path) -> set[str]:
    """The first part (below ``strategy_kit``) of every module ``path`` imports from the kit."""
    package = path.relative_to(PACKAGE).parent.parts
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                target = base + (node.module.split(".") if node.module else [])
                names = [a.name for a in node.names] if not node.module else []
                parts = [target[0]] if target else names
            elif (node.module or "").startswith("strategy_kit."):
                parts = [node.module.split(".")[1]]
            else:
                parts = []
            out.update(parts)
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names
                       if a.name.startswith("strategy_kit."))
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 450, f"{path.name} has {lines} lines: split it by job (house limit ~400)"


def test_few_modules_at_the_top() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_imports_go_one_way(folder: str) -> None:
    for path in sorted((PACKAGE / folder).glob("*.py")):
        wrong = imported_parts(path) & FORBIDDEN[folder]
        assert not wrong, f"{path.relative_to(PACKAGE)} imports {sorted(wrong)}"


def test_the_import_checker_sees_relative_imports() -> None:
    # The check above must be able to fail: a relative import two levels up is seen.
    assert "model" in imported_parts(PACKAGE / "reports" / "audience.py")
    assert "errors" in imported_parts(PACKAGE / "plots" / "style.py")


def test_the_repository_stands_alone() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    documents = ["DESIGN" + ".md", "REFERENCE" + ".md", "STYLE" + ".md", "DOMAIN" + ".md"]
    paths = ["../" + "shared", "/work" + "/"]
    found = []
    for name in files:
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".ipynb", ".toml", ".yaml", ".csv", ".j2", ".txt"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        # Tests may read optional public samples beside the checkout (skipped when absent).
        outside = documents if name.startswith("tests/") else documents + paths
        found += [f"{name}: {word}" for word in outside if word in text]
    assert not found, "references to files outside the repository: " + "; ".join(found)
