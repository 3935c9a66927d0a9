"""No module reaches into another package's private names (docs/architecture.md, The Case object).

A ``Case``'s tables are ``case/``'s business: outside it, modules read them through the public
attributes and methods (``case.audiences``, ``case.table(name)``, ``case.with_tables(...)``),
never ``case._tables``; and no module imports or reads an ``_``-name of a module in another
package (``render._exporter``, ``plots.style._MUTED``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "strategy_kit"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _package_of(parts: list[str]) -> str:
    """The first folder below ``strategy_kit`` (``case``), or the top-level module's name."""
    return parts[0] if parts else ""


def _target(node: ast.ImportFrom, here: list[str]) -> list[str] | None:
    """The dotted kit module an ``from … import`` names, as parts below ``strategy_kit``."""
    if node.level:
        base = here[: len(here) - node.level + 1]
    elif (node.module or "").split(".")[0] == "strategy_kit":
        base = []
    else:
        return None
    return base + [p for p in (node.module or "").split(".") if p and p != "strategy_kit"]


def private_reads(source: str, where: Path) -> list[str]:
    """Every private name of another package that ``source`` (the module at ``where``) uses.

    Found: ``from <other package> import _name``; ``<module of another package>._name`` where
    the module was imported by name (``from ..reports import render``); any ``._tables`` or
    ``_tables=`` outside ``case/``.
    """
    rel = where.relative_to(PACKAGE)
    here = list(rel.parent.parts)
    mine = rel.parts[0] if len(rel.parts) > 1 else rel.stem
    tree = ast.parse(source)
    found: list[str] = []
    modules: dict[str, str] = {}  # a local name bound to a kit module of another package
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _target(node, here)
            if target is None:
                continue
            for alias in node.names:
                full = [*target, alias.name]
                is_module = (PACKAGE.joinpath(*full).with_suffix(".py").exists()
                             or (PACKAGE.joinpath(*full) / "__init__.py").exists())
                owner = _package_of(full if is_module else target)
                if owner == mine:
                    continue
                if is_module:
                    modules[alias.asname or alias.name] = ".".join(full)
                elif _private(alias.name):
                    found.append(f"line {node.lineno}: imports {'.'.join(full)}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "strategy_kit" and alias.asname and len(parts) > 1 \
                        and parts[1] != mine:
                    modules[alias.asname] = ".".join(parts[1:])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if isinstance(node.value, ast.Name) and node.value.id in modules:
                found.append(f"line {node.lineno}: reads {modules[node.value.id]}.{node.attr}")
            elif node.attr == "_tables" and mine != "case":
                found.append(f"line {node.lineno}: reads ._tables")
        elif isinstance(node, ast.keyword) and node.arg == "_tables" and mine != "case":
            found.append(f"line {node.value.lineno}: sets _tables=")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_reads_another_packages_private_names(path: Path) -> None:
    found = private_reads(path.read_text(encoding="utf-8"), path)
    assert not found, f"{path.relative_to(PACKAGE)}: " + "; ".join(found)


@pytest.mark.parametrize(("where", "source", "expected"), [
    ("model/x.py", "def f(case):\n    return case._tables['goals']\n", "._tables"),
    ("ratings/x.py", "import dataclasses\ndataclasses.replace(c, _tables={})\n", "_tables="),
    ("batch/x.py", "from ..reports import render\nrender._exporter()\n",
     "reports.render._exporter"),
    ("explorer/x.py", "from ..plots.style import _MUTED\n", "plots.style._MUTED"),
    ("batch/x.py", "def f():\n    from ..reports.render import _write_atomically\n",
     "reports.render._write_atomically"),
    ("cli.py", "import strategy_kit.case.load as cl\ncl._LOADED.clear()\n", "case.load._LOADED"),
])
def test_the_checker_sees_each_kind_of_private_read(where: str, source: str,
                                                    expected: str) -> None:
    # The test above must be able to fail: each way of reaching in is seen …
    found = private_reads(source, PACKAGE / where)
    assert found and expected in found[0], found


def test_the_checker_allows_a_packages_own_private_names() -> None:
    # … while a package's own helpers, and case/ with its tables, are its own business.
    assert private_reads("from .figures import _Figures\n", PACKAGE / "explorer/x.py") == []
    assert private_reads("def f(c):\n    return c._tables\n", PACKAGE / "case/x.py") == []


#: What reads ratings from the disk: the model takes them from the Case instead.
DISK_READERS = {"ratings.load", "ratings.read.read_ratings", "ratings.read.ratings_folder",
                "ratings.read.ratings_files", "case.load_case", "case.load.load_case"}


@pytest.mark.parametrize("path", sorted((PACKAGE / "model").glob("*.py")),
                         ids=lambda p: p.name)
def test_the_model_imports_no_loader(path: Path) -> None:
    used = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            target = ".".join(_target(node, ["model"]) or [])
            used |= {target} | {f"{target}.{a.name}" for a in node.names}
    assert not used & DISK_READERS, f"model/{path.name} imports {sorted(used & DISK_READERS)}"
