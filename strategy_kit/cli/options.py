"""The command line's shared options (``--case``, ``--out``, ``--pdf``, ``--threshold``…).

``cli`` (its ``__init__``) declares the commands; the options several commands share, and the
``--pdf`` helpers they call, are here so that each is written once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import config
from ..errors import BadParameterError
from ..files.present import terminal_safe

__all__ = ["CASE_HELP", "THRESHOLD_HELP", "audience_goal_options", "browser_first",
           "case_option", "out_option", "paper_size", "pdf_options", "threshold_option",
           "with_pdf"]


CASE_HELP = ("a case folder, a case workbook (.xlsx, .ods), or the name of a case under data/ "
             "(default: belarus)")


def case_option(f: Any) -> Any:
    """``--case``: the case, for commands that also take it as their first argument."""
    return click.option("--case", "case_opt", metavar="CASE", help=CASE_HELP)(f)


THRESHOLD_HELP = ("windows of opportunity: a timing from 0 to 1 (absolute, e.g. 0.5), or a share "
                  "of each audience's peak (e.g. 80%) (default: the case's windows: setting)")


def threshold_option(f: Any) -> Any:
    """``--threshold``: the window rule of a report, brief, overview, calendar or batch."""
    return click.option("--threshold", metavar="T", help=THRESHOLD_HELP)(f)


def out_option(f: Any) -> Any:
    """``--out DIR``: where reports go."""
    return click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False),
                        help="where reports go (default: reports/)")(f)


def pdf_options(f: Any) -> Any:
    """``--pdf`` and ``--paper``: also write a PDF, on A4 or Letter."""
    f = click.option("--paper", type=click.Choice(["A4", "Letter"], case_sensitive=False),
                     default="A4", show_default=True, help="the PDF's paper size")(f)
    return click.option("--pdf", is_flag=True, help="also write a PDF (needs a local Chromium "
                        "or Chrome; STRATEGY_KIT_CHROMIUM names one)")(f)


def with_pdf(html: Path, pdf: bool, paper: str) -> None:
    """Print the HTML path, and with --pdf the PDF written beside it."""
    click.echo(terminal_safe(str(html)))
    if pdf:
        from ..reports.pdf import write_pdfs

        click.echo(terminal_safe(str(write_pdfs([(html, html.with_suffix(".pdf"))],
                                                paper=paper_size(paper))[0])))


def paper_size(paper: str) -> str:
    """``--paper`` as the PDF writer names it (A4 or Letter, whatever the case typed)."""
    return "Letter" if paper.lower() == "letter" else "A4"


def scenario_option(f: Any) -> Any:
    """``--scenario NAME``: one of the case's ``scenarios/NAME.yaml``."""
    return click.option("--scenario", metavar="NAME",
                        help="read the case under one of its scenarios/NAME.yaml "
                             "(docs/compare.md)")(f)


def horizon_options(f: Any) -> Any:
    """``--start`` and ``--days``: the planning horizon of every command that scores."""
    f = click.option("--days", type=int,
                     help="planning horizon in days (default or 0: the case's)")(f)
    return click.option("--start", help="planning start, YYYY-MM-DD (default: today)")(f)


def audience_goal_options(f: Any) -> Any:
    """The options of a page about one audience × goal (``report``, ``brief``)."""
    for option in reversed((
        click.argument("case", required=False),
        click.option("--audience", required=True,
                     help="an audience id (strategy-kit list shows them)"),
        click.option("--goal", required=True, help="a goal id"),
        case_option,
        horizon_options,
        out_option, pdf_options, threshold_option, scenario_option,
    )):
        f = option(f)
    return f


def browser_first(pdf: bool) -> None:
    """With --pdf, find the browser before any work (exit 2 when there is none)."""
    if pdf:
        from ..reports.pdf import find_browser

        find_browser()


def echo(message: object = "", err: bool = False, nl: bool = True) -> None:
    """Print a message or a path: control sequences in case names never reach the terminal."""
    click.echo(terminal_safe(str(message)), err=err, nl=nl)


def pick_case(positional: str | None, option: str | None) -> str:
    """The case named once: the positional CASE or --case (the default case without either)."""
    if positional and option and positional != option:
        raise BadParameterError("case", f"{positional} / {option}", "the case given once")
    return positional or option or config.DEFAULT_CASE
