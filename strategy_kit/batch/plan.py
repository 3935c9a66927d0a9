"""Choose a batch's reports: from ids on the command line, or from a plan file (docs/batch.md).

Every id, date and horizon is checked before any kernel starts; a bad one is exit 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config
from ..errors import BadParameterError, PlanError, Problem, brief, close_match

if TYPE_CHECKING:
    from ..reports.render import ReportJob

__all__ = ["ids_of", "PlanError", "load_plan", "plan_jobs"]


# -- choosing the reports ---------------------------------------------------------------------


def ids_of(value: str | Iterable[str] | None) -> list[str]:
    """Ids from ``"a,b"`` or a list, in order, without repeats."""
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(",")
    else:
        # an id is text or a number; a nested value from a plan file is shown, never expanded
        items = [v if isinstance(v, str) else brief(v)
                 for v in (value if isinstance(value, Iterable) and not isinstance(value, dict)
                           else [value])]
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


def plan_jobs(case: object = None, audiences: str | Iterable[str] | None = None,
              goals: str | Iterable[str] | None = None, start: object = None,
              days: object = None, out_dir: str | Path | None = None,
              threshold: object = None) -> list[ReportJob]:
    """Describe the audience × goal reports of one case, checking every id before any run.

    Parameters
    ----------
    case
        A case folder, a name under ``data/`` or a loaded ``Case`` (default ``belarus``).
    audiences, goals
        Ids (a list, or one string ``"a,b"``); empty means every one of the case.
    start, days, out_dir, threshold
        As for ``strategy-kit report``; ``start`` is fixed once for the whole batch.

    Raises
    ------
    UnknownChoiceError
        An id the case does not have (with the choices and a close match).
    """
    from ..case import Case
    from ..ratings.load import load_case
    from ..reports.render import audience_job

    c = case if isinstance(case, Case) else load_case(case or config.DEFAULT_CASE)  # type: ignore[arg-type]
    auds = ids_of(audiences) or list(c.ids("audience"))
    gs = ids_of(goals) or list(c.ids("goal"))
    for a in auds:
        c.check("audience", a)
    for g in gs:
        c.check("goal", g)
    first = audience_job(c, auds[0], gs[0], start, days, out_dir, threshold)  # one "today"
    start, days = first.parameters["start"], first.parameters["days"]
    return [audience_job(c, a, g, start, days, out_dir, threshold) for g in gs for a in auds]


_LINE = "__line__"
_RUN_KEYS = ("case", "audience", "audiences", "goal", "goals", "start", "days")


def _read_yaml(path: Path) -> Any:
    import yaml

    from ..case.yamlfile import NoAliasLoader, YamlRefused, load_yaml

    class Loader(NoAliasLoader):
        """Safe YAML that remembers the line of each mapping, for the problems' messages."""

    def mapping(loader: Loader, node: Any) -> dict[str, Any]:
        m = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
        m[_LINE] = node.start_mark.line + 1
        return m

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        return load_yaml(path.read_text(encoding="utf-8"), Loader)
    except (OSError, UnicodeDecodeError) as e:
        why = e.strerror if isinstance(e, OSError) else "it is not UTF-8 text"
        raise PlanError(str(path), [Problem(path.name, f"cannot read it: {why}")]) from e
    except YamlRefused as e:
        raise PlanError(str(path), [Problem(path.name, e.problem, row=e.line)]) from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise PlanError(str(path), [Problem(
            path.name, f"not valid YAML: {brief(getattr(e, 'problem', None) or e, 200)}",
            row=mark.line + 1 if mark else None)]) from e


def load_plan(path: str | Path, case: object = None, start: object = None, days: object = None,
              out_dir: str | Path | None = None, threshold: object = None) -> list[ReportJob]:
    """Read a YAML plan of runs (docs/batch.md, "Plan files"), checking every run first.

    A plan is a list of runs, or one mapping; a run names ``case``, ``audience``/``audiences``,
    ``goal``/``goals``, ``start`` and ``days`` (a missing id list means all of them). A mapping
    with ``runs:`` gives defaults to its runs. ``case``, ``start`` and ``days`` given here are
    defaults for everything; ``threshold`` (the window rule) applies to every run.

    Raises
    ------
    PlanError
        Every problem of the plan, each with its line (unknown ids with a close match).
    """
    from ..case import Case
    from ..errors import CaseNotFoundError
    from ..ratings.load import load_case
    from ..reports.render import audience_job

    path = Path(path)
    doc, f = _read_yaml(path), path.name
    today = dt.date.today().isoformat()  # one "today" for the whole batch
    defaults: dict[str, Any] = {"case": case, "start": start, "days": days}
    problems: list[Problem] = []
    if isinstance(doc, dict) and "runs" in doc:
        for k in doc.keys() - {"case", "start", "days", "runs", _LINE}:
            problems.append(Problem(f, "unknown key", row=doc[_LINE], column=brief(k),
                                    allowed="case, start, days, runs"))
        defaults.update({k: doc[k] for k in ("case", "start", "days") if k in doc})
        doc = doc["runs"]
    entries = [doc] if isinstance(doc, dict) else doc
    if not isinstance(entries, list) or not entries:
        raise PlanError(str(path), [Problem(f, "expected a list of runs, or a mapping with "
                                            "case/audiences/goals (docs/batch.md)")])
    cases: dict[str, Case | None] = {}
    jobs: dict[Path, tuple[ReportJob, int | None]] = {}
    for n, run in enumerate(entries, 1):
        if not isinstance(run, dict):
            problems.append(Problem(f, f"run {n} is not a mapping of {', '.join(_RUN_KEYS)}"))
            continue
        line = run.get(_LINE)
        for k in run.keys() - {*_RUN_KEYS, _LINE}:
            problems.append(Problem(f, "unknown key", row=line, column=brief(k),
                                    allowed=", ".join(_RUN_KEYS),
                                    suggestion=close_match(k, _RUN_KEYS)))
        s = {**defaults, **{k: run[k] for k in ("case", "start", "days") if k in run}}
        name = s["case"] or config.DEFAULT_CASE
        name = name if isinstance(name, str) else brief(name)
        if name not in cases:
            try:
                cases[name] = load_case(name)
            except CaseNotFoundError as e:
                cases[name] = None
                problems.append(Problem(f, "no such case", row=line, column="case", value=name,
                                        suggestion=e.suggestion))
        c = cases[name]
        if c is None:
            continue
        ids = {}
        for kind in ("audience", "goal"):
            one, many = run.get(kind), run.get(kind + "s")
            if one is not None and many is not None:
                problems.append(Problem(f, f"give '{kind}' or '{kind}s', not both", row=line))
            chosen = ids_of([one] if one is not None else many) or list(c.ids(kind))
            for i in chosen:
                if i not in c.ids(kind):
                    problems.append(Problem(
                        f, f"unknown {kind}", row=line,
                        column=kind if one else kind + "s",
                        value=i, allowed=f"{', '.join(c.ids(kind))} (the {kind}s of case "
                                         f"'{c.name}')",
                        suggestion=close_match(i, c.ids(kind))))
            ids[kind] = [i for i in chosen if i in c.ids(kind)]
        when = s["start"] or today
        when = when.isoformat() if isinstance(when, dt.date) else when
        for g in ids["goal"]:
            for a in ids["audience"]:
                try:
                    job = audience_job(c, a, g, when, s["days"], out_dir, threshold)
                except BadParameterError as e:
                    problems.append(Problem(f, f"bad {e.name}", row=line, column=e.name,
                                            value=brief(e.value), allowed=e.allowed))
                    break
                if job.out in jobs and jobs[job.out][1] != line:
                    problems.append(Problem(f, f"{job.out.name} is also written by the run on "
                                            f"line {jobs[job.out][1]}", row=line))
                jobs.setdefault(job.out, (job, line))
    if problems:
        raise PlanError(str(path), list(dict.fromkeys(problems)))
    return [j for j, _ in jobs.values()]
