"""A batch kernel validates a case once: the memo that survives its resets (case/memo.py)."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pytest

from strategy_kit.case import load as case_load
from strategy_kit.case import load_case, memo
from strategy_kit.case.schema import TABLES


def forget_loaded() -> None:
    """Empty the module-level cache, as a kernel's reset does (the memo stays)."""
    case_load._LOADED.clear()


def test_a_remembered_case_comes_back_equal_and_new(template_copy: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_case(template_copy)
    forget_loaded()
    checks = []
    monkeypatch.setattr(case_load, "column_problems",
                        lambda *a: checks.append(a) or [])  # validation must not run again
    again = load_case(template_copy)
    assert checks == []
    assert again is not first and type(again) is case_load.Case
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name), obj=name)
    assert (again.data_hash, dict(again.weights), dict(again.windows)) == (
        first.data_hash, dict(first.weights), dict(first.windows))
    assert isinstance(again.weights, MappingProxyType)  # still read-only
    with pytest.raises(TypeError):
        again.weights["fit"] = 1.0  # type: ignore[index]


def test_an_edited_file_misses_the_memo(template_copy: Path) -> None:
    folder = template_copy
    before = load_case(folder)
    forget_loaded()
    audiences = folder / "audiences.csv"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace(",0.8", ",0.7", 1),
                         encoding="utf-8")
    after = load_case(folder)
    assert after.data_hash != before.data_hash
    assert after.audiences["influence"].iloc[0] == 0.7


def test_what_cannot_be_pickled_is_not_kept() -> None:
    memo.remember(("test", "lambda"), lambda: None)
    assert memo.recall(("test", "lambda")) is None
    memo.remember(("test", "list"), [1, 2])
    kept = memo.recall(("test", "list"))
    assert kept == [1, 2] and kept is not memo.recall(("test", "list"))  # a copy each time


@pytest.mark.slow
def test_the_kernel_keeps_the_memo_across_its_reset_and_nothing_else() -> None:
    from strategy_kit.run.session import KernelSession

    session = KernelSession()
    session.start()
    try:
        session.run("import strategy_kit as sk; sk.load_case('belarus')\n"
                    "import sys; sys._sk_memo_id = id(sys.modules['strategy_kit.case.memo'])\n"
                    "sys._sk_load_id = id(sys.modules['strategy_kit.case.load'])")
        session.begin_reset()
        session.ready()
        # Raises in the kernel (and so here) unless: the memo module is the same object and
        # holds the case; the loader was imported afresh (its own cache empty); the case
        # comes back from the memo without validating again.
        session.run(
            "import sys, strategy_kit.case.load as L, strategy_kit.case.memo as M\n"
            "assert id(M) == sys._sk_memo_id and M._STORE, 'memo lost'\n"
            "assert id(L) != sys._sk_load_id and not L._LOADED, 'loader kept'\n"
            "L.column_problems = None  # validating again would fail\n"
            "assert L.load_case('belarus').data_hash\n")
    finally:
        session.shutdown()
