"""Write the explorer's adjusted weights into a copy of a case folder, keeping its layout.

``ExplorerState.export`` copies the case as a folder (``copy_case``; a workbook is written out
as one) and then calls these: ``write_interests``
rewrites only the weight cells of ``audience_interests.csv`` that changed (new pairs are
appended), and ``write_weights`` sets the priority weights in ``case.yaml``, keeping its
comments when the ``weights:`` block is plain. The folder is then kept, or converted to a
workbook (``strategy-kit convert``). The loaded case is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..model.matrices import PRIORITY_PARTS

#: What an export can write: a case folder, or a workbook.
EXPORT_FORMATS = ("folder", "xlsx", "ods")


def copy_case(src: Path, dst: Path) -> None:
    """Copy a case folder (every file), or write a workbook's case out as a folder."""
    if src.is_dir():
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        return
    from ..case.write import read_source, write_folder

    write_folder(read_source(src), dst)


def _fmt(v: float) -> str:
    return f"{round(float(v), 4):g}"


def write_interests(src: Path, dst: Path, overrides: Mapping[tuple[str, str], float]) -> None:
    """Rewrite only the weight cells that changed, keeping every other cell as written."""
    df = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [str(c).strip() for c in df.columns]
    df = df[~(df == "").all(axis=1)]
    key = list(zip(df["audience"].str.strip(), df["interest"].str.strip(), strict=True))
    pos = {k: df.index[n] for n, k in enumerate(key)}
    extra = []
    for (a, i), v in overrides.items():
        if (a, i) in pos:
            df.at[pos[(a, i)], "weight"] = _fmt(v)
        else:
            extra.append({**dict.fromkeys(df.columns, ""), "audience": a, "interest": i,
                          "weight": _fmt(v)})
    if extra:
        df = pd.concat([df, pd.DataFrame(extra, columns=df.columns)], ignore_index=True)
    df.to_csv(dst, index=False, lineterminator="\n", encoding="utf-8")


def write_weights(path: Path, w: np.ndarray) -> None:
    """Set the weights in case.yaml, keeping its comments when the block is plain."""
    import yaml

    text = path.read_text(encoding="utf-8-sig")
    want = {k: round(float(v), 4) for k, v in zip(PRIORITY_PARTS, w, strict=True)}
    block = "weights:\n" + "".join(f"  {k}: {v:g}\n" for k, v in want.items())
    new = re.sub(r"(?m)^weights:[ \t]*(#.*)?\n(?:[ \t]+.*\n?)*", block, text)
    if new == text:
        new = text.rstrip("\n") + "\n" + block
    loaded = yaml.safe_load(new)
    if not isinstance(loaded, dict) or loaded.get("weights") != want:
        loaded = yaml.safe_load(text) or {}
        loaded["weights"] = want
        new = "# weights set in the strategy-kit explorer\n" + yaml.safe_dump(
            loaded, sort_keys=False, allow_unicode=True)
    path.write_text(new, encoding="utf-8")


def write_export(src: Path, target: Path, overrides: Mapping[tuple[str, str], float],
                 weights: np.ndarray | None) -> None:
    """Write the case ``src`` with the adjusted weights as ``target``, a folder or workbook.

    A workbook is made from a folder written next to it, then removed; the result is loaded
    (validated) once, and nothing is left behind when anything fails.
    """
    from ..case import load_case
    from ..case.locate import is_workbook
    from ..case.write import convert_case

    work = target
    if is_workbook(target):
        work = target.with_name(f".{target.stem}.work{os.getpid()}")
    copy_case(src, work)
    try:
        write_interests(work / "audience_interests.csv", work / "audience_interests.csv",
                        overrides)
        if weights is not None:
            write_weights(work / "case.yaml", weights)
        if work == target:
            load_case(target)
        else:
            convert_case(work, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        if work != target:
            shutil.rmtree(work, ignore_errors=True)
