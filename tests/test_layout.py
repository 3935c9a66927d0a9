"""The layout (docs/architecture.md): small modules, one-way imports, a standalone repo."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "strategy_kit"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: The stages, in the order data flows (docs/architecture.md, "Which way imports go"): a module
#: may import its own stage and the ones before it, never one after it.
STAGES = ["errors", "config", "params", "files", "case", "ratings", "model", "attention", "plots",
          "sections", "run", "reports", "batch", "calendar", "explorer", "demo", "cli"]
#: Exceptions to the order, each for a reason: none of these stages imports from the others.
FORBIDDEN_EXTRA = {
    "plots": {"case", "ratings", "model", "attention"},   # draws frames, whatever computed them
    "attention": {"case", "ratings", "model"},            # measured series stand alone
    "run": {"case", "ratings", "model", "attention", "plots", "sections"},  # runs any notebook
    "calendar": {"sections", "run", "reports", "batch"},
    "explorer": {"run", "reports", "batch", "calendar"},
}
FOLDERS = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
FORBIDDEN = {
    folder: set(STAGES[STAGES.index(folder) + 1:]) | FORBIDDEN_EXTRA.get(folder, set())
    for folder in FOLDERS
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
    assert lines <= 400, f"{path.name} has {lines} lines: split it by job (house limit 400)"


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
    assert "model" in imported_parts(PACKAGE / "sections" / "audience.py")
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


def imported_modules(path: Path) -> set[str]:
    """Every kit module ``path`` imports (dotted below ``strategy_kit``), at any depth."""
    package = list(path.relative_to(PACKAGE).parent.parts)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Imports for type checkers only (``if TYPE_CHECKING:``) never run: they are not edges.
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", None) == "TYPE_CHECKING"
                   for stmt in block.body for n in ast.walk(stmt)}
    out = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
            elif (node.module or "").startswith("strategy_kit"):
                base = []
            else:
                continue
            module = [p for p in (node.module or "").split(".") if p and p != "strategy_kit"]
            target = ".".join(base + module)
            for alias in node.names:  # ``from . import render`` names a module
                sub = f"{target}.{alias.name}" if target else alias.name
                exists = (PACKAGE / Path(*sub.split("."))).with_suffix(".py").exists()
                out.add(sub if exists else target)
        elif isinstance(node, ast.Import):
            out.update(a.name.removeprefix("strategy_kit.") for a in node.names
                       if a.name.startswith("strategy_kit."))
    return {m for m in out if m}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_two_modules_import_each_other() -> None:
    graph = {module_name(p): imported_modules(p) for p in MODULES}
    pairs = sorted({tuple(sorted((a, b))) for a, deps in graph.items() for b in deps
                    if b != a and a in graph.get(b, set())})
    assert not pairs, f"modules that import each other: {pairs}"


def test_the_cycle_checker_sees_function_level_imports() -> None:
    # reports/render imports run/session inside a function: the checker must see it.
    assert "run.session" in imported_modules(PACKAGE / "reports" / "render.py")


#: Names that look like files but are not ours (plotly.py is the library).
NOT_OURS = {"plotly.py"}
_NAMED_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.py|tests/[\w./-]*\w)(?:::(\w+))?")
_NAMED_TEST = re.compile(r"(?<![\w/.:])\b(test_[a-z0-9_]+)\b(?!\.py|/)")


def _texts() -> list[tuple[str, str]]:
    """The docs, the README, and every docstring and comment of the package."""
    out = [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
           for p in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]]
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                out.append((name, ast.get_docstring(node) or ""))
        out += [(name, line.split("#", 1)[1]) for line in source.splitlines() if "#" in line]
    return out


def named_paths_missing(texts: list[tuple[str, str]]) -> list[str]:
    """Files (``model/timing.py``, ``tests/x/test_y.py::test_z``) and tests named but absent."""
    ours = [*MODULES, *(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py")]
    basenames = {p.name for p in ours}
    test_names = {p.stem for p in ours} | {
        n.name for p in (ROOT / "tests").rglob("test_*.py")
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(n, ast.FunctionDef)}
    missing = []
    for where, text in texts:
        for name, function in _NAMED_PATH.findall(text):
            if name in NOT_OURS:
                continue
            candidates = [ROOT / name, PACKAGE / name]
            found = next((p for p in candidates if p.exists()), None)
            if found is None and "/" not in name and name in basenames:
                continue
            if found is None:
                missing.append(f"{where}: {name}")
            elif function and f"def {function}(" not in found.read_text(encoding="utf-8"):
                missing.append(f"{where}: {name}::{function}")
        missing += [f"{where}: {t}" for t in _NAMED_TEST.findall(text) if t not in test_names]
    return missing


def test_every_file_and_test_the_docs_name_exists() -> None:
    missing = named_paths_missing(_texts())
    assert not missing, "named but not there: " + "; ".join(missing)


def test_the_named_path_check_can_fail() -> None:
    texts = [("x.md", "see `model/timing.py`, `tests/model/test_timing.py` and `render.py`")]
    assert named_paths_missing(texts) == []
    texts = [("x.md", "see `strategy_kit/explorer_state.py`, `tests/test_widgets.py`, "
                      "`tests/reports/test_report.py::test_footer_has_provenance`, "
                      "`_explorer_figures.py` and test_nothing_here")]
    assert named_paths_missing(texts) == [
        "x.md: strategy_kit/explorer_state.py", "x.md: tests/test_widgets.py",
        "x.md: tests/reports/test_report.py::test_footer_has_provenance",
        "x.md: _explorer_figures.py", "x.md: test_nothing_here"]


_DOTTED = re.compile(r"\bstrategy_kit(?:\.[A-Za-z_]\w*)+")


def dotted_names_missing(texts: list[tuple[str, str]]) -> list[str]:
    """``strategy_kit.a.b`` names (a module, or something in one) that do not resolve."""
    import importlib

    def resolves(name: str) -> bool:
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            try:
                for attribute in parts[i:]:
                    obj = getattr(obj, attribute)
            except AttributeError:
                return False
            return True
        return False

    return [f"{where}: {name}" for where, text in texts
            for name in dict.fromkeys(_DOTTED.findall(text)) if not resolves(name)]


def test_every_module_the_docs_name_by_its_dotted_name_exists() -> None:
    missing = dotted_names_missing(_texts())
    assert not missing, "named but not there: " + "; ".join(missing)
    assert dotted_names_missing([("x.md", "`strategy_kit.widgets.Explorer` and "
                                           "`strategy_kit.explorer.widgets.Explorer`")]) == [
        "x.md: strategy_kit.widgets.Explorer"]
