"""The overview's section "What each open question would change" (a case's scenarios).

Each of the case's ``scenarios/NAME.yaml`` is compared with the case as it is
(``model.compare``): the audiences that cross into or out of a goal's top three, the windows
gained or lost and the frames that change lead, in one line each, with the cells the scenario
changes. A case without scenarios shows nothing (the report drops the section).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..case.scenario import list_scenarios, read_scenario
from ..model.compare import compare_cases
from ..ratings.load import load_case
from .display import esc, show_html

__all__ = ["scenario_effects", "scenario_lines", "show_scenario_note", "show_scenarios"]

#: At most this many changes named per scenario (the rest are counted; compare shows all).
MAX_NAMED = 6


def scenario_lines(changes: pd.DataFrame) -> list[str]:
    """The changes a plan would feel, most telling first, as short sentences."""
    out = []
    for kind in ("first", "top3", "window", "frame", "move"):
        if kind == "first":  # a goal's first audience changes
            first = changes[(changes["kind"] == "rank") & changes["after"].str.startswith("1 (")]
            out += [f"{r.item_name} becomes first for {r.goal_name} ({r.change})"
                    for r in first.itertuples()]
            continue
        for r in changes[changes["kind"] == kind].itertuples():
            if kind == "top3":
                out.append(f"{r.item_name} {r.change} for {r.goal_name}")
            elif kind == "window":
                out.append(f"{r.item_name}: {r.change}")
            elif kind == "frame":
                out.append(f"{r.item_name}, {r.goal_name}: lead frame {r.before} → {r.after}")
            else:
                out.append(f"{r.goal_name}: {r.item} {r.before} → {r.after}")
    return out


def scenario_effects(case: Any, start: object = None, days: object = None
                     ) -> list[dict[str, Any]]:
    """For each scenario: its title, question, answer, source and the changes it brings."""
    if case.scenario:
        return []  # the report of one scenario: its note says which
    out = []
    for name in list_scenarios(case.path):
        s = read_scenario(case.path, name)
        other = load_case(case.path, scenario=name)
        cmp = compare_cases(case, other, start=start, days=days)
        out.append({"name": name, "scenario": s, "lines": scenario_lines(cmp.changes),
                    "ranks": int(cmp.changes["kind"].isin(["rank", "top3"]).sum()),
                    "cells": len(cmp.cells)})
    return out


def show_scenarios(study: Any) -> None:
    """What each open question would change: one paragraph per scenario."""
    for e in scenario_effects(study.case, study.start, study.days):
        s, lines = e["scenario"], e["lines"]
        head = (f"<p><b>{esc(s.title)}</b> — {esc(s.question)} <i>{esc(s.answer)}</i> "
                f"({e['cells']} cell(s) of the case changed; <code>strategy-kit compare "
                f"{esc(study.case.name)} {esc(study.case.name)}#{esc(e['name'])}</code> shows "
                f"every change).</p>")
        if lines:
            more = len(lines) - MAX_NAMED
            items = "".join(f"<li>{esc(t)}</li>" for t in lines[:MAX_NAMED])
            tail = f"<li>… and {more} more</li>" if more > 0 else ""
            body = f"<ul>{items}{tail}</ul>"
        elif e["ranks"]:
            body = (f"<p>{e['ranks']} audience(s) change rank below the top three; no window "
                    "and no lead frame changes.</p>")
        else:
            body = "<p>No audience changes rank, no window and no lead frame changes.</p>"
        src = f'<p class="sk-note">Source: {esc(s.source)}</p>' if s.source else ""
        show_html(head + body + src)


def show_scenario_note(case: Any) -> None:
    """Under a report's title: the scenario the case was read under (nothing without one)."""
    if not case.scenario:
        return
    s = read_scenario(case.path, case.scenario)
    q = f" It answers “{esc(s.question)}”: {esc(s.answer)}." if s.question else ""
    show_html(f'<p class="sk-warning">Scenario: <b>{esc(s.title)}</b>.{q} '
              f"{esc(s.why)}</p>")
