"""A case the parent process validated is not checked again by the processes it starts.

`strategy-kit report` and `batch` validate the case, then start kernels (and workers) that load
it again; the parent passes the hashes of the files it checked (``CHECKED_ENV``), and a child
reads and types those files without running the checks again. An edited file has another hash
and is checked as any other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_kit.case import load as case_load
from strategy_kit.case.load import CHECKED_ENV, checked_digests
from strategy_kit.errors import CaseError


def _as_child(monkeypatch: pytest.MonkeyPatch, vouched: str) -> list[object]:
    """This process as a child given ``vouched``, with nothing loaded yet; the checks run."""
    monkeypatch.setattr(case_load, "_LOADED", {})
    monkeypatch.setenv(CHECKED_ENV, vouched)
    calls: list[object] = []
    real = case_load.column_problems
    monkeypatch.setattr(case_load, "column_problems",
                        lambda *a: calls.append(a) or real(*a))
    return calls


def test_a_vouched_case_is_read_without_checks_and_is_the_same(
        template_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_load, "_LOADED", {})
    monkeypatch.delenv(CHECKED_ENV, raising=False)
    parent = case_load.load_case(template_copy)
    vouched = checked_digests()
    assert vouched  # the parent vouches for what it validated
    checks = _as_child(monkeypatch, vouched)
    child = case_load.load_case(template_copy)
    assert checks == [], "checked again"
    assert child is not parent and child.data_hash == parent.data_hash
    assert child.ids("audience") == parent.ids("audience")


def test_an_edited_file_is_checked_again(template_copy: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_load, "_LOADED", {})
    monkeypatch.delenv(CHECKED_ENV, raising=False)
    case_load.load_case(template_copy)
    vouched = checked_digests()
    audiences = template_copy / "audiences.csv"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace(",0.8", ",8", 1),
                         encoding="utf-8")  # an influence above 1
    checks = _as_child(monkeypatch, vouched)
    with pytest.raises(CaseError, match="influence"):
        case_load.load_case(template_copy)
    assert checks, "not checked"


def test_nothing_vouched_means_every_check_runs(template_copy: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    checks = _as_child(monkeypatch, "")
    case_load.load_case(template_copy)
    assert checks


def test_a_worker_s_kernels_inherit_what_its_parent_checked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch worker sets ``CHECKED_ENV`` from its parent; its kernels inherit it."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    from strategy_kit.run.kernels import IPCKernelManager

    monkeypatch.setenv(CHECKED_ENV, "abc123,def456")
    seen: dict[str, str] = {}

    async def fake_start(self, **kw):  # noqa: ANN001, ANN202  (what the kernel would get)
        seen.update(kw["env"])

    monkeypatch.setattr(AsyncKernelManager, "_async_start_kernel", fake_start)
    km = IPCKernelManager(kernel_name="python3")
    try:
        asyncio.run(km.start_kernel())
    finally:
        import shutil

        shutil.rmtree(km._ipc_folder, ignore_errors=True)
    assert seen[CHECKED_ENV] == "abc123,def456"
