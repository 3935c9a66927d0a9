"""The workshop's commands (docs/workshop.md): rating sheets, and where the raters agree."""

from __future__ import annotations

import click

from .options import case_option as _case_option
from .options import echo as _echo
from .options import pick_case as _pick_case

__all__ = ["agreement", "ratings"]


@click.group()
def ratings() -> None:
    """Rating sheets for a workshop of many participants (docs/workshop.md)."""


@ratings.command(name="sheets")
@click.argument("case", required=False)
@_case_option
@click.option("--raters", required=True, metavar="N|NAMES.txt",
              help="how many participants, or a text file of names, one a line")
@click.option("--tables", metavar="A,B", help="rated tables, comma-separated (default: all)")
@click.option("--split", type=int, default=1, show_default=True,
              help="deal the tables out among this many subgroups")
@click.option("--csv", "as_csv", is_flag=True, help="a folder of CSV files per participant")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="where to write the sheets")
def ratings_sheets(case: str | None, case_opt: str | None, raters: str, tables: str | None,
                   split: int, as_csv: bool, out_dir: str) -> None:
    """One rating workbook (or CSV folder) per participant, every row prefilled."""
    from ..ratings.load import load_case
    from ..ratings.read import ratings_folder
    from ..ratings.sheets import write_rating_sheets

    c = load_case(_pick_case(case, case_opt), ratings=False)
    written = write_rating_sheets(c, raters, out_dir, tables.split(",") if tables else None,
                                  split, as_csv)
    folder = ratings_folder(c.path)  # in a case folder, or beside a workbook
    where = "" if folder.is_dir() else f" (create it: mkdir -p {folder})"
    _echo(f"wrote {len(written)} rating sheets and raters.csv to {out_dir}\n"
          f"filled sheets go into {folder}/{where}, then: strategy-kit validate {c.path}")


@click.command()
@click.argument("case", required=False)
@_case_option
@click.option("--csv", "as_csv", is_flag=True, help="every item as CSV on standard output")
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--round", "rnd", type=int, metavar="N", help="the raters of round N (default: the "
              "latest)")
def agreement(case: str | None, case_opt: str | None, as_csv: bool, start: str | None,
              rnd: int | None) -> None:
    """Where the raters agree: items most disputed first, alphas, what changes the plan."""
    from ..errors import BadParameterError
    from ..model.disagreements import plan_disagreements
    from ..ratings.console import agreement_csv, agreement_text
    from ..ratings.load import case_ratings, load_case

    c = load_case(_pick_case(case, case_opt))
    r = case_ratings(c)
    if rnd is not None:  # issue 22: one round's raters (what changes the plan: the latest's)
        from ..ratings.rounds import round_agreement

        return _echo(round_agreement(c.path, rnd, as_csv), nl=False)
    if r is None:
        raise BadParameterError("case", c.name, "a case with a ratings/ folder (docs/workshop.md)")
    if as_csv:
        _echo(agreement_csv(c, r), nl=False)
        return
    d = plan_disagreements(c, start=start)
    assert d is not None
    _echo(agreement_text(c, r, d.changes, d.unchanged))
