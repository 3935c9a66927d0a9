"""Scenarios: a case's variants, made by overriding table cells and settings before validation.

A scenario is ``scenarios/NAME.yaml`` beside the case's tables (beside a workbook for a
workbook case)::

    title: Two Belaruses
    question: One Belarus or two?          # the open question it answers
    answer: Two                            # the answer it assumes
    source: "Seed: 'One or two Belaruses?'"
    why: what the answer changes in the tables, and why   # optional
    settings:                              # any key of case.yaml
      weights: {fit: 0.5, influence: 0.3, timing: 0.2}
    overrides:                             # rows keyed by ids; only the cells given change
      audiences:
        - {id: key-governments, influence: 0.6}
      audience_interests:                  # a link table is keyed by its key columns
        - {audience: media, interest: repression, weight: 0.9}   # a new pair adds a row
      frames:
        - {id: moscow-backed-regime, drop: true}                 # drop a row (and its links)

The overridden cells are written into the raw text tables, so that the case's own checks
(``checks``) validate them; a problem in an overridden cell names the scenario's file, the
line of its entry and the column (``scenarios/two.yaml, line 9, column 'influence'``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import BadParameterError, Problem, UnknownChoiceError, brief, close_match
from .locate import case_folder
from .read import case_settings
from .schema import ID_ALLOWED, ID_PATTERN, KIND_OF_TABLE, TABLES, Table
from .yamlfile import MAX_YAML_BYTES, NoAliasLoader, YamlRefused, load_yaml

__all__ = ["SCENARIO_DIR", "Override", "Scenario", "apply_scenario", "list_scenarios",
           "output_name", "read_scenario", "scenario_digest", "scenario_settings"]

SCENARIO_DIR = "scenarios"
KEYS = ("title", "question", "answer", "source", "why", "settings", "overrides")
DROP = "drop"


@dataclass(frozen=True)
class Override:
    """One entry of ``overrides``: a row of a table, by its key, and the cells it sets."""

    table: str
    key: Mapping[str, str]
    cells: Mapping[str, str]
    drop: bool
    line: int | None


@dataclass(frozen=True)
class Scenario:
    """A scenario file, read and checked for its form (its values are checked with the case)."""

    name: str
    file: str  # as messages name it: scenarios/NAME.yaml
    title: str
    question: str
    answer: str
    source: str
    why: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()

    def describe(self) -> str:
        """One line: its title, and the question and answer it stands for."""
        q = f" ({self.question}: {self.answer})" if self.question and self.answer else (
            f" ({self.question})" if self.question else "")
        return f"{self.title}{q}"


def scenario_dir(path: Path) -> Path:
    """The scenarios folder of a case (a folder, or the folder a workbook is in)."""
    return case_folder(path) / SCENARIO_DIR


def list_scenarios(path: Path) -> list[str]:
    """The names of a case's scenarios, sorted."""
    d = scenario_dir(path)
    return sorted(f.stem for f in d.glob("*.yaml")) if d.is_dir() else []


def scenario_digest(path: Path, name: str | None) -> str:
    """A short hash of a scenario file's bytes ('' without a scenario)."""
    if not name:
        return ""
    f = scenario_dir(path) / f"{name}.yaml"
    return hashlib.sha256(f.read_bytes()).hexdigest()[:12] if f.is_file() else "missing"


def _text(v: object) -> str:
    """A YAML value as the text a CSV cell would hold."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()[:10]
    if isinstance(v, list):
        return ";".join(_text(x) for x in v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _lines(text: str) -> dict[tuple[str, int], int]:
    """The line (1-based) of each entry ``overrides.TABLE[i]``."""
    out: dict[tuple[str, int], int] = {}
    try:
        root = yaml.compose(text, NoAliasLoader)  # noqa: S506  (a safe loader)
    except yaml.YAMLError:
        return out
    if not isinstance(root, yaml.MappingNode):
        return out
    for k, v in root.value:
        if k.value == "overrides" and isinstance(v, yaml.MappingNode):
            for tk, tv in v.value:
                if isinstance(tv, yaml.SequenceNode):
                    for i, item in enumerate(tv.value):
                        out[(str(tk.value), i)] = item.start_mark.line + 1
    return out


def key_columns(table: Table) -> tuple[str, ...]:
    """The columns that name a row: ``id``, else the table's key."""
    return ("id",) if table.columns[0].kind == "id" else table.key


def read_scenario(path: Path, name: str) -> Scenario:
    """Read ``scenarios/NAME.yaml`` of the case at ``path``; check its form.

    Raises
    ------
    UnknownChoiceError
        No such scenario (the scenarios there, and a close match).
    CaseError
        The file is not a scenario (every problem with its line and key).
    """
    from ..errors import CaseError

    names = list_scenarios(path)
    if name not in names:
        if not names:
            raise BadParameterError("scenario", name, f"a scenario of the case; it has none "
                                    f"(add {SCENARIO_DIR}/NAME.yaml, docs/compare.md)")
        raise UnknownChoiceError("scenario", name, names, case=case_folder(path).name)
    rel = f"{SCENARIO_DIR}/{name}.yaml"
    f = scenario_dir(path) / f"{name}.yaml"
    problems: list[Problem] = []
    raw: Any = None
    try:
        data = f.read_bytes()
        text = data[: MAX_YAML_BYTES + 1].decode("utf-8-sig")
        raw = load_yaml(text)
    except UnicodeDecodeError:
        problems.append(Problem(rel, "the file is not UTF-8 text", allowed="UTF-8"))
    except YamlRefused as e:
        problems.append(Problem(rel, e.problem, row=e.line, allowed="plain YAML"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problems.append(Problem(rel, f"not valid YAML: {brief(getattr(e, 'problem', e), 200)}",
                                row=mark.line + 1 if mark else None,
                                allowed="YAML, as in the template case's scenarios/"))
    if problems:
        raise CaseError(case_folder(path).name, problems)
    if not isinstance(raw, dict):
        raise CaseError(case_folder(path).name, [Problem(
            rel, "expected keys and values", value=brief(raw), allowed=", ".join(KEYS))])
    lines = _lines(text)
    for k in raw:
        if k not in KEYS:
            problems.append(Problem(rel, f"unknown key '{brief(k)}'", column=brief(k),
                                    allowed=", ".join(KEYS), suggestion=close_match(k, KEYS)))
    words = {}
    for k in ("title", "question", "answer", "source", "why"):
        v = raw.get(k, "")
        if not isinstance(v, str | int | float) or (k == "title" and not str(v).strip()):
            problems.append(Problem(rel, f"'{k}' is missing or not text", column=k,
                                    allowed="a line of text"))
        words[k] = str(v).strip() if isinstance(v, str | int | float) else ""
    settings = raw.get("settings") or {}
    if not isinstance(settings, dict):
        problems.append(Problem(rel, "'settings' must be keys of case.yaml", column="settings",
                                value=brief(settings), allowed="e.g. weights, horizon_days"))
        settings = {}
    overrides = _overrides(rel, raw.get("overrides") or {}, lines, problems)
    if problems:
        raise CaseError(case_folder(path).name, problems)
    return Scenario(name=name, file=rel, title=words["title"], question=words["question"],
                    answer=words["answer"], source=words["source"], why=words["why"],
                    settings=settings,
                    overrides=tuple(overrides))


def _overrides(rel: str, raw: Any, lines: Mapping[tuple[str, int], int],
               problems: list[Problem]) -> list[Override]:
    out: list[Override] = []
    if not isinstance(raw, dict):
        problems.append(Problem(rel, "'overrides' must map tables to lists of rows",
                                column="overrides", value=brief(raw),
                                allowed="e.g. audiences: [{id: media, influence: 0.8}]"))
        return out
    for tname, rows in raw.items():
        if tname not in TABLES:
            problems.append(Problem(rel, f"unknown table '{brief(tname)}'", column="overrides",
                                    allowed=", ".join(TABLES),
                                    suggestion=close_match(str(tname), TABLES)))
            continue
        table = TABLES[tname]
        cols = [c.name for c in table.columns]
        keys = key_columns(table)
        if not isinstance(rows, list):
            problems.append(Problem(rel, f"'{tname}' must be a list of rows", column=tname,
                                    allowed=f"- {{{', '.join(f'{k}: …' for k in keys)}, …}}"))
            continue
        for i, row in enumerate(rows):
            line = lines.get((tname, i))
            if not isinstance(row, dict):
                problems.append(Problem(rel, f"a row of '{tname}' must be keys and values",
                                        row=line, value=brief(row),
                                        allowed=f"{', '.join(keys)} and the columns to change"))
                continue
            missing = [k for k in keys if _text(row.get(k)).strip() == ""]
            for k in missing:
                problems.append(Problem(rel, f"the row names no '{k}'", row=line, column=k,
                                        allowed=f"the row's {' and '.join(keys)}"))
            bad = False
            for k in row:
                if k not in cols and k != DROP:
                    problems.append(Problem(rel, f"'{tname}' has no column '{brief(k)}'",
                                            row=line, column=brief(k),
                                            allowed=", ".join([*cols, DROP]),
                                            suggestion=close_match(str(k), [*cols, DROP])))
                    bad = True
            drop = row.get(DROP, False)
            if not isinstance(drop, bool):
                problems.append(Problem(rel, "'drop' must be true or false", row=line,
                                        column=DROP, value=brief(drop), allowed="true, false"))
                bad = True
            if missing or bad:
                continue
            out.append(Override(
                table=tname, key={k: _text(row[k]).strip() for k in keys},
                cells={k: _text(v) for k, v in row.items() if k not in keys and k != DROP},
                drop=bool(drop), line=line))
    return out


# -- applying a scenario to the raw tables -----------------------------------------------------


def _match(df: pd.DataFrame, key: Mapping[str, str]) -> pd.Index:
    hit = pd.Series(True, index=df.index)
    for k, v in key.items():
        hit &= df[k].str.strip() == v
    return df.index[hit]


def _drop_links(raw: dict[str, pd.DataFrame], table: str, ident: str) -> None:
    """Drop the rows of link tables that name a dropped row (a frame's frame_interests)."""
    for t in TABLES.values():
        if t.name not in raw or not t.key:
            continue
        for c in t.columns:
            if c.kind == "ref" and c.ref == table and c.name in t.key:
                df = raw[t.name]
                raw[t.name] = df[df[c.name].str.strip() != ident]


@dataclass
class Applied:
    """Where a scenario wrote: (file, row) → (line, columns), for relabelling problems."""

    scenario: Scenario
    cells: dict[tuple[str, int], tuple[int | None, frozenset[str] | None]] = field(
        default_factory=dict)

    def relabel(self, problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
        """Problems in cells the scenario wrote (named by its file and line), and the others."""
        mine, rest = [], []
        for p in problems:
            hit = self.cells.get((p.file, p.row)) if p.row is not None else None
            if hit is not None and (hit[1] is None or p.column in hit[1]):
                mine.append(replace(p, file=self.scenario.file, row=hit[0],
                                    message=f"{p.message} (in {p.file}, set by the scenario)"))
            else:
                rest.append(p)
        return mine, rest


def apply_scenario(scenario: Scenario, raw: dict[str, pd.DataFrame],
                   problems: list[Problem]) -> Applied:
    """Write a scenario's overrides into the raw text tables (in place); note where.

    An unknown row of an id table is a problem (with a close match); an unknown key of a link
    table adds the row. ``drop: true`` removes a row and the link rows that name it.
    """
    applied = Applied(scenario)
    for o in scenario.overrides:
        table = TABLES[o.table]
        df = raw.get(o.table)
        if df is None:  # an optional file the case does not have: start it
            df = pd.DataFrame({c.name: pd.Series([], dtype=str) for c in table.columns})
        hits = _match(df, o.key)
        if len(hits) == 0 and (o.drop or table.columns[0].kind == "id"):
            kind = KIND_OF_TABLE.get(o.table, o.table)
            known = list(df[key_columns(table)[0]].str.strip())
            problems.append(Problem(
                scenario.file, f"no {kind} '{brief(next(iter(o.key.values())))}' in {table.file}",
                row=o.line, column=key_columns(table)[0], allowed=f"an id of {table.file}",
                suggestion=close_match(next(iter(o.key.values())), known)))
            continue
        if o.drop:
            df = df.drop(index=hits)
            raw[o.table] = df
            if table.columns[0].kind == "id":
                _drop_links(raw, o.table, o.key["id"])
            continue
        if len(hits) == 0:
            row = int(df.index.max()) + 1 if len(df) else 2
            new = {c.name: "" for c in table.columns}
            new.update(o.key)
            new.update(o.cells)
            df = pd.concat([df, pd.DataFrame([new], index=[row], dtype=str)])
            applied.cells[(table.file, row)] = (o.line, None)
        else:
            for row in hits:
                for c, v in o.cells.items():
                    df.at[row, c] = v
                applied.cells[(table.file, int(row))] = (o.line, frozenset(o.cells))
        raw[o.table] = df
    return applied


def scenario_settings(scenario: Scenario, path: Path, settings: Mapping[str, Any],
                      problems: list[Problem]) -> dict[str, Any]:
    """The case's settings with the scenario's, checked as case.yaml's are."""
    if not scenario.settings:
        return dict(settings)
    merged: dict[str, Any] = {k: (dict(v) if isinstance(v, Mapping) else v)
                              for k, v in settings.items()}
    for k, v in scenario.settings.items():
        if k == "windows" and isinstance(v, dict):
            merged["windows"] = {**merged.get("windows", {}), **v}
        else:
            merged[k] = v
    found: list[Problem] = []
    out = case_settings(path, found, raw=merged)
    problems.extend(replace(p, file=scenario.file, row=None,  # a key of case.yaml: no line
                            column=f"settings.{p.column}" if p.column else "settings")
                    for p in found)
    return out


def output_name(case: object) -> str:
    """The folder a case's reports go to: its name, with ``--SCENARIO`` under a scenario."""
    name, scenario = str(getattr(case, "name", "")), getattr(case, "scenario", "")
    return f"{name}--{scenario}" if scenario else name


def check_name(name: str) -> str:
    """A scenario's name as a file name (an id), else a bad parameter."""
    import re

    if not re.fullmatch(ID_PATTERN, name):
        raise BadParameterError("scenario", name, ID_ALLOWED)
    return name
