"""The validated tables, typed: numbers as floats, dates as datetimes, id lists as tuples."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import Table

__all__ = ["empty_table", "typed_table"]


def typed_table(table: Table, df: pd.DataFrame) -> pd.DataFrame:
    """A validated text frame with typed columns: numbers, dates, tuples of ids, stripped text."""
    df = df.copy()
    for c in table.columns:
        s = df[c.name].str.strip()
        if c.kind in ("score", "days", "posdays", "amount"):
            df[c.name] = pd.to_numeric(s.replace("", np.nan)).astype(float)
        elif c.kind == "date":
            df[c.name] = pd.to_datetime(s.replace("", None), format="%Y-%m-%d")
        elif c.kind == "refs":
            df[c.name] = s.map(lambda v: tuple(x.strip() for x in v.split(";") if x.strip()))
        else:
            df[c.name] = s
    return df.reset_index(drop=True)


def empty_table(table: Table) -> pd.DataFrame:
    """The typed, empty frame of a table the case does not have (an optional file)."""
    empty = {c.name: pd.Series([], dtype=str) for c in table.columns}
    return typed_table(table, pd.DataFrame(empty))
