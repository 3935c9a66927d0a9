"""Write the explorer's adjusted weights into a copy of a case folder, keeping its layout.

``ExplorerState.export`` copies the case's own files (``copy_case``: what ``case.contents``
says a case holds, its tables, settings, ``attention/`` and ``ratings/`` included; never a link,
nothing else; a workbook is written out as a folder) and then calls these: ``write_interests``
rewrites only the weight cells of ``audience_interests.csv`` that changed (new pairs are
appended), and ``write_weights`` sets the priority weights in ``case.yaml``, keeping its
comments when the ``weights:`` block is plain. The folder is then kept, or converted to a
workbook (``strategy-kit convert``). The loaded case is never touched.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..case.contents import PARTS, case_files, copy_parts
from ..case.locate import case_folder, is_workbook
from ..case.yamlfile import load_yaml
from ..errors import BadParameterError
from ..model.matrices import PRIORITY_PARTS

#: What an export can write: a case folder, or a workbook.
if TYPE_CHECKING:
    from ..case import Case

EXPORT_FORMATS = ("folder", "xlsx", "ods")


def copy_case(src: Path, dst: Path) -> list[Path]:
    """Copy a case's own files into the new folder ``dst``; return the files written.

    What a case holds is ``case.contents``: its tables, ``case.yaml``, ``guidance.yaml``,
    ``README.md``, and the folders a copy takes along (``attention/``, ``ratings/``,
    ``scenarios/``), so that the copy scores as the case does (the raters' medians too). A
    workbook case is written out as a folder, with the folders beside it. A symbolic link is
    never followed, and nothing else (notes, version control, lock files) is copied.
    """
    if src.is_file():  # a workbook: its case written out as a folder
        from ..case.write import read_source, write_folder

        write_folder(read_source(src), dst)
        written = sorted(p for p in dst.rglob("*") if p.is_file())
    else:
        dst.mkdir()
        written = []
        for f in case_files(src):
            shutil.copy2(f, dst / f.name, follow_symlinks=False)
            written.append(dst / f.name)
    return written + copy_parts(case_folder(src), dst)


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
    loaded = load_yaml(new)  # the kit's YAML reading: no aliases, bounded
    if not isinstance(loaded, dict) or loaded.get("weights") != want:
        loaded = load_yaml(text) or {}
        loaded["weights"] = want
        new = "# weights set in the strategy-kit explorer\n" + yaml.safe_dump(
            loaded, sort_keys=False, allow_unicode=True)
    path.write_text(new, encoding="utf-8")


def write_export(src: Path, target: Path, overrides: Mapping[tuple[str, str], float],
                 weights: np.ndarray | None) -> None:
    """Write the case ``src`` with the adjusted weights as ``target``, a folder or workbook.

    Everything is built in a private folder beside ``target`` and renamed into place once it
    loads (validates): a failure at any step leaves nothing, and nothing but what this export
    made is ever removed.
    """
    import tempfile

    from ..case.locate import is_workbook
    from ..case.write import convert_case
    from ..ratings.load import load_case

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        built = tmp / (target.stem if is_workbook(target) else target.name)
        copy_case(src, built)  # with ratings/: the copy scores on the same medians
        write_interests(built / "audience_interests.csv", built / "audience_interests.csv",
                        overrides)
        if weights is not None:
            write_weights(built / "case.yaml", weights)
        out = convert_case(built, tmp / target.name) if is_workbook(target) else built
        load_case(out)  # as the kit loads it: its ratings checked too
        for p in PARTS:  # attention, ratings …: beside a new workbook, unless already there
            made = tmp / p.name
            if out != built and made.is_dir() and not (target.parent / p.name).exists():
                made.rename(target.parent / p.name)
        out.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def export_target(base: Case, folder: str | Path | None, fmt: str | None) -> Path:
    """A new path for the explorer's copy of ``base``: ``<case>-adjusted-<stamp>[.fmt]``.

    Next to the case (or in ``folder``); ``fmt`` is ``folder``, ``xlsx`` or ``ods``, by default
    the case's own form.
    """
    src = base.path
    fmt = fmt or (src.suffix.lower().lstrip(".") if is_workbook(src) else "folder")
    if fmt not in EXPORT_FORMATS:
        raise BadParameterError("export format", fmt, ", ".join(EXPORT_FORMATS))
    suffix = "" if fmt == "folder" else f".{fmt}"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    parent = Path(folder) if folder else src.parent
    if not folder and is_workbook(src) and src.stem == "case":
        parent = case_folder(src).parent  # beside the case's folder, not in it
    target = parent / f"{base.name}-adjusted-{stamp}{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = parent / f"{base.name}-adjusted-{stamp}-{n}{suffix}"
    return target


def warn_rated(ratings: Any, overrides: Mapping[tuple[str, str], float]) -> None:
    """Warn when an adjusted weight is one the participants rated.

    The copy keeps ``ratings/``, so their median stands for it again when it is loaded.
    """
    if ratings is None or not overrides:
        return
    v = ratings.values
    rated = set(v.loc[v["table"] == "audience_interests", "item"])
    hit = [f"{a} × {i}" for a, i in overrides if f"{a}/{i}" in rated]
    if hit:
        warnings.warn(f"the participants rated {', '.join(hit)}: the exported case keeps "
                      "ratings/, so their median replaces the adjusted weight when it is "
                      "loaded (load it with ratings=False to use the adjusted one)",
                      stacklevel=4)
