"""The command line of issue 22 (docs/compare.md): ``compare``, ``snapshot``, ``--scenario``.

Kept apart from ``cli`` (which adds these commands to its group) so that each stays small;
thin, as ``cli`` is: each command calls one package function.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import config
from ..files.present import terminal_safe
from .options import horizon_options

__all__ = ["compare", "snapshot", "with_scenario"]


def with_scenario(case: str, scenario: str | None) -> Any:
    """The case loaded under ``scenario`` (checked: exit 2 on a bad one), else its name."""
    if not scenario:
        return case
    from ..ratings.load import load_case

    return load_case(case, scenario=scenario)


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B", required=False)
@click.option("--scenario-a", metavar="NAME", help="A under this scenario (or write A#NAME)")
@click.option("--scenario-b", metavar="NAME", help="B under this scenario (or write B#NAME)")
@click.option("--round-a", type=int, metavar="N", help="A's ratings of round N only")
@click.option("--round-b", type=int, metavar="N", help="B's ratings of round N only")
@horizon_options
@click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False),
              help="where the page goes (default: reports/)")
@click.option("--csv", "as_csv", is_flag=True, help="also print the changes as CSV")
@click.option("--pdf", is_flag=True, help="also write a PDF (a local Chromium or Chrome)")
def compare(a: str, b: str | None, scenario_a: str | None, scenario_b: str | None,
            round_a: int | None, round_b: int | None, start: str | None, days: int | None,
            out_dir: str | None, as_csv: bool, pdf: bool) -> None:
    """What changes a plan between two versions of a case: A before, B after.

    A and B are each CASE, CASE#SCENARIO, CASE@YYYY-MM-DD (a snapshot) or CASE@git:REV;
    B defaults to A (then give --scenario-b or --round-b).
    """
    from ..ratings.version import load_version
    from ..reports.compare import changes_csv, write_compare

    b = b or a
    if pdf:  # the browser is found before any work (exit 2 without one)
        from ..reports.pdf import find_browser

        find_browser()
    ca = load_version(a, scenario_a, round_a)
    cb = load_version(b, scenario_b, round_b)
    moved = None
    if round_a is not None or round_b is not None:
        from ..ratings.rounds import round_changes

        moved = round_changes(ca, cb)  # items whose median moved; converged or not
    la = _label(a, scenario_a, round_a)
    lb = _label(b, scenario_b, round_b)
    cmp, path = write_compare(ca, cb, la, lb, start, days, out_dir, ratings=moved)
    if as_csv:
        sys.stdout.write(changes_csv(cmp))
    click.echo(path, err=as_csv)
    if pdf:
        from ..reports.pdf import write_pdfs

        click.echo(write_pdfs([(path, path.with_suffix(".pdf"))])[0], err=as_csv)


def _label(spec: str, scenario: str | None, rnd: int | None) -> str:
    from pathlib import Path

    from ..ratings.version import split_version

    name, at, scen = split_version(spec)
    scen = scenario or scen
    return (Path(name).name + (f"@{at}" if at else "") + (f"#{scen}" if scen else "")
            + (f" round {rnd}" if rnd else ""))


@click.command()
@click.argument("case", required=False)
@click.option("--date", "day", metavar="YYYY-MM-DD", help="the snapshot's date (default: today)")
def snapshot(case: str | None, day: str | None) -> None:
    """Keep a dated copy of a case's tables and ratings in its snapshots/ folder."""
    from ..case.locate import resolve_case_path
    from ..case.snapshot import take_snapshot
    from ..params import parse_start
    from ..ratings.load import load_case

    path = resolve_case_path(case or config.DEFAULT_CASE)
    load_case(path)  # a snapshot of a valid case only
    target = take_snapshot(path, parse_start(day).date() if day else None)
    click.echo(terminal_safe(f"wrote {target}\ncompare with it: strategy-kit compare "
                             f"{case or config.DEFAULT_CASE}@{target.name} "
                             f"{case or config.DEFAULT_CASE}"))
