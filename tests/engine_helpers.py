"""Shared helpers for the engine tests that run on the tiny fixture case tests/cases/tiny."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from strategy_kit.case import Case, load_case

TINY = Path(__file__).parent / "cases" / "tiny"
START = "2025-01-01"
T = pd.Timestamp


@pytest.fixture(scope="module", name="tiny")
def tiny_case() -> Case:
    """The tiny fixture case, loaded once per test module (requested as ``tiny``)."""
    return load_case(TINY)


def with_tables(case: Case, **tables: pd.DataFrame) -> Case:
    """The case with some tables replaced (a new Case object, so fresh matrices)."""
    return case.with_tables(tables)
