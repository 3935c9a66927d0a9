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


def test_the_notebook_helpers_have_their_own_namespace_and_keep_their_old_names() -> None:
    import strategy_kit.sections as sections

    modules = {"display", "audience", "portfolio", "common", "disagree", "measured"}
    public = {n for m in modules
              for n in importlib.import_module(f"strategy_kit.sections.{m}").__all__
              if n.startswith(("show_", "study_"))}
    assert public <= set(sections.HELPERS), sorted(public - set(sections.HELPERS))
    for name in sections.HELPERS:
        assert getattr(strategy_kit.sections, name) is getattr(strategy_kit, name), name
    assert strategy_kit.sections.show_summary.__module__ == "strategy_kit.sections.audience"
    assert "show_summary" in dir(strategy_kit.sections)
    try:
        strategy_kit.sections.show_nothing  # noqa: B018
    except AttributeError as e:
        assert "show_nothing" in str(e)
    else:
        raise AssertionError("an unknown helper must raise AttributeError")


def test_plan_preparation_is_public_as_the_architecture_says() -> None:
    from strategy_kit.model.preparation import plan_preparation

    assert strategy_kit.plan_preparation is plan_preparation
    assert "plan_preparation" in strategy_kit.__all__
