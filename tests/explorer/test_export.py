"""The explorer's export copies the case's own files only, and leaves nothing on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from strategy_kit.explorer.state import ExplorerState

START = "2025-01-01"


@pytest.fixture
def state(template_copy: Path) -> ExplorerState:
    return ExplorerState(str(template_copy), start=START, draws=10)


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_export_never_follows_a_link_nor_copies_what_is_not_the_case(
        state: ExplorerState, template_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "home"
    (secret / ".git" / "objects").mkdir(parents=True)
    (secret / ".git" / "config").write_text("[user]\nname = Someone\n")
    (secret / "passwords.csv").write_text("site,password\n")
    (template_copy / ".git").symlink_to(secret / ".git")
    (template_copy / "linked.csv").symlink_to(secret / "passwords.csv")
    (template_copy / "attention").mkdir()
    (template_copy / "attention" / "loop").symlink_to(template_copy / "attention")
    (template_copy / "attention" / "other.csv").symlink_to(secret / "passwords.csv")
    (template_copy / "notes.docx").write_bytes(b"private notes")
    out = state.export(tmp_path / "exports")
    names = _tree(out)
    assert ".git" not in names and "linked.csv" not in names and "notes.docx" not in names
    assert not any(n.startswith("attention") for n in names), "an empty folder is not copied"
    assert "case.yaml" in names and "audiences.csv" in names
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [out.name]


def test_a_failed_export_leaves_no_partial_folder(state: ExplorerState, template_copy: Path,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (template_copy / "guidance.yaml").chmod(0o000)
    if os.access(template_copy / "guidance.yaml", os.R_OK):  # root reads anything: break
        import strategy_kit.explorer.export as export  # the copy another way

        def broken(*a: object, **k: object) -> None:
            raise OSError(40, "Too many levels of symbolic links")

        monkeypatch.setattr(export.shutil, "copy2", broken)
    exports = tmp_path / "exports"
    with pytest.raises(OSError):
        state.export(exports)
    assert not exports.exists() or list(exports.iterdir()) == []
