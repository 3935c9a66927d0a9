"""Validated cases kept for a kernel's later notebooks (a batch worker reuses one kernel).

Between two reports a batch worker's kernel imports the kit afresh (``run/session.py``), so a
module-level cache is lost, and every report would read and validate the same case again:
most of the kernel's time for a report. This module is the one the session keeps across its
resets. It holds pickled bytes, by what identifies the case's content (its folder and the
hash of its files), never an object of a kit class: what a report gets is rebuilt with the
kit's fresh classes, as if it had been loaded afresh, and an edited file misses the memo.
Only what this process computed goes in; nothing from outside is ever unpickled.
"""

from __future__ import annotations

import copyreg
import io
import pickle
from collections import OrderedDict
from collections.abc import Hashable
from types import MappingProxyType
from typing import Any

__all__ = ["MEMO_MODULE", "recall", "remember"]

#: The module's name, for the kernel session's ``keep``.
MEMO_MODULE = __name__
_MAX = 16
_STORE: OrderedDict[Hashable, bytes] = OrderedDict()


def _proxy(m: MappingProxyType) -> tuple[Any, tuple[dict]]:
    return read_only, (dict(m),)


def read_only(d: dict) -> MappingProxyType:
    """A read-only view of ``d`` (how a kept ``MappingProxyType`` is rebuilt)."""
    return MappingProxyType(d)


_REDUCE = copyreg.dispatch_table.copy()
_REDUCE[MappingProxyType] = _proxy


def remember(key: Hashable, value: object) -> None:
    """Keep ``value`` (pickled) under ``key``; the oldest of more than a few goes."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    p.dispatch_table = _REDUCE
    try:
        p.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return  # not kept: the next notebook computes it again
    _STORE[key] = buf.getvalue()
    _STORE.move_to_end(key)
    while len(_STORE) > _MAX:
        _STORE.popitem(last=False)


def recall(key: Hashable) -> Any | None:
    """A fresh copy of what was kept under ``key`` (built with today's classes), or None."""
    data = _STORE.get(key)
    if data is None:
        return None
    try:
        return pickle.loads(data)  # noqa: S301  bytes this process pickled itself
    except Exception:  # noqa: BLE001  a class that changed shape: compute it again
        _STORE.pop(key, None)
        return None
