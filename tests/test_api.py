"""The public API: every advertised name resolves, and the lazy list matches the modules."""

from __future__ import annotations

import importlib
import subprocess
import sys

import strategy_kit


def test_every_public_name_resolves() -> None:
    for name in strategy_kit.__all__:
        assert getattr(strategy_kit, name) is not None, name


def test_lazy_names_are_the_modules_public_names() -> None:
    for name, module in strategy_kit._LAZY.items():
        mod = importlib.import_module(f"strategy_kit.{module}")
        assert name in mod.__all__, f"{name} is not in strategy_kit.{module}.__all__"
    for module in ("sections.audience", "sections.portfolio", "sections.common"):
        shown = {n for n in importlib.import_module(f"strategy_kit.{module}").__all__
                 if n.startswith(("show_", "study_"))}
        assert shown <= set(strategy_kit._LAZY), module


def test_importing_the_package_does_not_import_plotting() -> None:
    code = "import sys, strategy_kit; print('plotly' in sys.modules, 'nbconvert' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
