"""The command line of ``docs/cli.md``. Thin: each command calls one package function."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from . import __version__, config
from .errors import BadParameterError, RunError, StrategyKitError
from .files.present import terminal_safe

CASE_HELP = ("a case folder, a case workbook (.xlsx, .ods), or the name of a case under data/ "
             "(default: belarus)")


class _Group(click.Group):
    """Turns the kit's errors into the exit codes of docs/cli.md: 2 bad input, 1 a failed run."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RunError as e:
            click.secho(terminal_safe(f"error: {e}"), fg="red", err=True)
            ctx.exit(1)
        except StrategyKitError as e:
            click.secho(terminal_safe(f"error: {e}"), fg="red", err=True)
            ctx.exit(2)


def _pick_case(positional: str | None, option: str | None) -> str:
    if positional and option and positional != option:
        raise BadParameterError("case", f"{positional} / {option}", "the case given once")
    return positional or option or config.DEFAULT_CASE


def _case_option(f: Any) -> Any:
    return click.option("--case", "case_opt", metavar="CASE", help=CASE_HELP)(f)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="strategy-kit")
def cli() -> None:
    """strategy-kit: who to address, why they care, when, how, with whom, and what to say."""


@cli.command()
@click.argument("case", required=False)
@_case_option
def validate(case: str | None, case_opt: str | None) -> None:
    """Check a case; every problem is listed (exit 2 on any)."""
    from .attention.read import attention_problems
    from .errors import CaseError
    from .ratings.load import load_case

    c = load_case(_pick_case(case, case_opt))
    problems = attention_problems(c.path / "attention")  # what the reports will read too
    if problems:
        raise CaseError(c.name, problems)
    n = {t: len(getattr(c, t)) for t in ("audiences", "interests", "goals", "moments", "formats",
                                         "allies", "frames", "actions")}
    click.echo(terminal_safe(f"ok: {c.path} — '{c.title}': "
                             + ", ".join(f"{v} {k}" for k, v in n.items())))
    from .ratings.console import ratings_line  # issue 15
    from .ratings.load import case_ratings
    from .ratings.read import ratings_folder

    if ratings_folder(c.path).is_dir():
        click.echo(terminal_safe(ratings_line(case_ratings(c))))


@cli.command(name="list")
@click.argument("case", required=False)
@_case_option
def list_(case: str | None, case_opt: str | None) -> None:
    """Ids and names of audiences, goals and moments."""
    from .ratings.load import load_case

    c = load_case(_pick_case(case, case_opt))
    for kind, title in (("audience", "Audiences"), ("goal", "Goals"), ("moment", "Moments")):
        names = c.names(kind)
        click.echo(click.style(f"{title} ({len(names)})", bold=True))
        width = max(map(len, names), default=0)
        for i, name in names.items():  # a name may hold anything: no terminal controls
            click.echo(terminal_safe(f"  {i:<{width}}  {name}"))


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--goal", help="one goal id (default: every goal)")
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--days", type=int, help="planning horizon in days (default or 0: the case's)")
@click.option("--csv", "as_csv", is_flag=True, help="print CSV instead of a table")
def scores(case: str | None, case_opt: str | None, goal: str | None, start: str | None,
           days: int | None, as_csv: bool) -> None:
    """The priority table: audience, goal, fit, influence, timing, priority, rank."""
    from .model.scoring import score_priority
    from .ratings.load import load_case

    c = load_case(_pick_case(case, case_opt))
    table = score_priority(c, goal=goal, start=start, days=days)
    cols = ["audience", "goal", "fit", "influence", "timing", "priority", "rank"]
    if as_csv:
        table[cols].to_csv(sys.stdout, index=False, float_format="%.4f")
    else:
        click.echo(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))


# -- issue 11: the window rule on the command line ---------------------------------------------
THRESHOLD_HELP = ("windows of opportunity: a timing from 0 to 1 (absolute, e.g. 0.5), or a share "
                  "of each audience's peak (e.g. 80%) (default: the case's windows: setting)")


def _threshold_option(f: Any) -> Any:
    return click.option("--threshold", metavar="T", help=THRESHOLD_HELP)(f)
# -- end issue 11 ------------------------------------------------------------------------------


def _out_option(f: Any) -> Any:
    return click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False),
                        help="where reports go (default: reports/)")(f)


# -- PDF and brief (issue 14) -----------------------------------------------------------------


def _pdf_options(f: Any) -> Any:
    f = click.option("--paper", type=click.Choice(["A4", "Letter"], case_sensitive=False),
                     default="A4", show_default=True, help="the PDF's paper size")(f)
    return click.option("--pdf", is_flag=True, help="also write a PDF (needs a local Chromium "
                        "or Chrome; STRATEGY_KIT_CHROMIUM names one)")(f)


def _with_pdf(html: Path, pdf: bool, paper: str) -> None:
    """Print the HTML path, and with --pdf the PDF written beside it."""
    click.echo(html)
    if pdf:
        from .reports.pdf import write_pdfs

        click.echo(write_pdfs([(html, html.with_suffix(".pdf"))], paper=_paper(paper))[0])


def _paper(paper: str) -> str:
    return "Letter" if paper.lower() == "letter" else "A4"


def _audience_goal_options(f: Any) -> Any:
    """The options of a page about one audience × goal (``report``, ``brief``)."""
    for option in reversed((
        click.argument("case", required=False),
        click.option("--audience", required=True,
                     help="an audience id (strategy-kit list shows them)"),
        click.option("--goal", required=True, help="a goal id"),
        _case_option,
        click.option("--start", help="planning start, YYYY-MM-DD (default: today)"),
        click.option("--days", type=int,
                     help="planning horizon in days (default or 0: the case's)"),
        _out_option, _pdf_options, _threshold_option,
    )):
        f = option(f)
    return f


def _browser_first(pdf: bool) -> None:
    """With --pdf, find the browser before any work (exit 2 when there is none)."""
    if pdf:
        from .reports.pdf import find_browser

        find_browser()


@cli.command()
@_audience_goal_options
def brief(case: str | None, audience: str, goal: str, case_opt: str | None, start: str | None,
          days: int | None, out_dir: str | None, pdf: bool, paper: str,
          threshold: str | None) -> None:
    """Write the one-page brief of an audience × goal (HTML; with --pdf also a PDF)."""
    from .reports.brief import write_brief

    _browser_first(pdf)
    _with_pdf(write_brief(_pick_case(case, case_opt), audience, goal, start, days, out_dir,
                          threshold),
              pdf, paper)


# -- end of PDF and brief (issue 14) ----------------------------------------------------------


@cli.command()
@_audience_goal_options
def report(case: str | None, audience: str, goal: str, case_opt: str | None, start: str | None,
           days: int | None, out_dir: str | None, pdf: bool, paper: str,
           threshold: str | None) -> None:
    """Render one audience × goal strategy report to a shareable HTML file."""
    from .reports.render import render_report

    _browser_first(pdf)
    _with_pdf(render_report("audience", _pick_case(case, case_opt), audience=audience,
                            goal=goal, start=start, days=days, out_dir=out_dir,
                            threshold=threshold), pdf, paper)


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--goal", help="a goal id (default: all goals)")
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--days", type=int, help="planning horizon in days (default or 0: the case's)")
@_out_option
@_pdf_options
@_threshold_option
def overview(case: str | None, case_opt: str | None, goal: str | None, start: str | None,
             days: int | None, out_dir: str | None, pdf: bool, paper: str,
             threshold: str | None) -> None:
    """Render the portfolio overview (every audience; one goal or all) to HTML."""
    from .reports.render import render_report

    _browser_first(pdf)
    _with_pdf(render_report("overview", _pick_case(case, case_opt), goal=goal, start=start,
                            days=days, out_dir=out_dir, threshold=threshold), pdf, paper)


@cli.command()
@click.argument("case", required=False)
@click.option("--audience", required=True, help="an audience id (strategy-kit list shows them)")
@click.option("--goal", help="a goal id (default: the audience's best-fitting goal)")
@_case_option
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--days", type=int, help="planning horizon in days (default or 0: the case's)")
@click.option("--out", "out", required=True, metavar="FILE.ics", type=click.Path(dir_okay=False),
              help="the calendar file to write")
@_threshold_option
def calendar(case: str | None, audience: str, goal: str | None, case_opt: str | None,
             start: str | None, days: int | None, out: str, threshold: str | None) -> None:
    """Windows of opportunity and preparation reminders as an ICS calendar file."""
    from .calendar import EmptyCalendarError, write_calendar

    try:
        click.echo(write_calendar(_pick_case(case, case_opt), audience, out, goal, start, days,
                                  threshold))
    except EmptyCalendarError as e:  # nothing to export is not a failure: say why, exit 0
        click.echo(str(e), err=True)


# -- crisis playbook (issue 20) ---------------------------------------------------------------


@cli.command()
@click.argument("case", required=False)
@click.option("--audience", required=True, help="an audience id (strategy-kit list shows them)")
@_case_option
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--days", type=int, help="planning horizon in days (default or 0: the case's)")
@_out_option
@_pdf_options
@_threshold_option
def playbook(case: str | None, audience: str, case_opt: str | None, start: str | None,
             days: int | None, out_dir: str | None, pdf: bool, paper: str,
             threshold: str | None) -> None:
    """Write an audience's one-page crisis playbook: what to do when a crisis breaks."""
    from .reports.playbook import write_playbook

    _browser_first(pdf)
    _with_pdf(write_playbook(_pick_case(case, case_opt), audience, start, days, out_dir,
                             threshold), pdf, paper)


# -- end of crisis playbook (issue 20) --------------------------------------------------------


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--audiences", metavar="A,B", help="audience ids, comma-separated (default: all)")
@click.option("--goals", metavar="G,H", help="goal ids, comma-separated (default: all)")
@click.option("--workers", type=int, help="parallel workers (default: the number of CPUs)")
@_out_option
@click.option("--plan", metavar="RUNS.yaml", type=click.Path(dir_okay=False),
              help="a YAML file of runs, for scheduled use")
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--days", type=int, help="planning horizon in days (default or 0: the case's)")
@_pdf_options
@click.option("--brief", "briefs", is_flag=True, help="also write each report's one-page brief")
@_threshold_option
@click.pass_context
def batch(ctx: click.Context, case: str | None, case_opt: str | None, audiences: str | None,
          goals: str | None, workers: int | None, out_dir: str | None, plan: str | None,
          start: str | None, days: int | None, pdf: bool, paper: str, briefs: bool,
          threshold: str | None) -> None:
    """Render many audience × goal reports in parallel, with an index page."""
    from .batch.command import batch_main

    picked = _pick_case(case, case_opt) if case or case_opt else None  # a plan names its own
    ctx.exit(batch_main(picked, audiences, goals, workers, out_dir, plan, start, days,
                        threshold, pdf=pdf, paper=_paper(paper), briefs=briefs))


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--port", type=int, help="the port on 127.0.0.1 (default: a free one)")
@click.option("--open", "open_browser", is_flag=True, help="open the explorer in a browser")
def explore(case: str | None, case_opt: str | None, port: int | None,
            open_browser: bool) -> None:
    """JupyterLab on 127.0.0.1 with the explorer open (Ctrl-C stops it)."""
    from .explorer.lab import launch_lab

    launch_lab(_pick_case(case, case_opt), port=port, open_browser=open_browser)


@cli.command(name="new-case")
@click.argument("name")
@click.option("--xlsx", "as_xlsx", is_flag=True,
              help="write one workbook (NAME.xlsx) with a guide sheet and drop-downs")
def new_case(name: str, as_xlsx: bool) -> None:
    """A new case folder (with --xlsx, one workbook) from the template: a name or a path."""
    import re

    from .case.schema import ID_ALLOWED, ID_PATTERN
    from .case.template import write_template
    from .files.output import check_output_dir
    from .ratings.load import load_case

    target = Path(name) if ("/" in name or name.startswith(".")) else config.DATA_DIR / name
    # -- issue 13: a workbook instead of a folder ------------------------------------------
    if as_xlsx or target.suffix.lower() in (".xlsx", ".ods"):
        from .case.write import convert_case

        target = target if target.suffix else target.with_name(target.name + ".xlsx")
        if not re.fullmatch(ID_PATTERN, target.stem):
            raise BadParameterError("case name", target.stem, ID_ALLOWED)
        with tempfile.TemporaryDirectory(prefix="sk-new-case-") as tmp:
            convert_case(write_template(Path(tmp) / target.stem), target)
        load_case(target)
        click.echo(f"created {target}\nfill in its sheets (the guide sheet explains each one), "
                   f"then run: strategy-kit validate {target}")
        return
    # -- end issue 13 ----------------------------------------------------------------------
    if not re.fullmatch(ID_PATTERN, target.name):
        raise BadParameterError("case name", target.name, ID_ALLOWED)
    if target.exists() or target.is_symlink():  # a dangling link too: never write through it
        raise BadParameterError("case name", name, "a folder that does not exist yet")
    check_output_dir(target.parent, "the case's folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    # A private folder of our own beside the target (same disk: the rename is atomic); only
    # what this command created is ever removed. The template's dates move after today.
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write_template(tmp / target.name)
        (tmp / target.name).chmod(0o777 & ~_umask())  # a case folder is a normal folder
        os.rename(tmp / target.name, target)  # refuses an existing non-empty target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_case(target)
    click.echo(f"created {target}\nedit its CSV files, then run: strategy-kit validate {target}")


# -- issue 13: convert a case between a folder and a workbook -------------------------------


@cli.command()
@click.argument("src", metavar="SRC")
@click.argument("dest", metavar="DEST")
def convert(src: str, dest: str) -> None:
    """Convert a case (folder or workbook) to DEST: a folder, or a .xlsx or .ods workbook.

    The extension of DEST decides. SRC is validated first; DEST must not exist yet and is
    written whole or not at all.
    """
    from .case.write import convert_case

    click.echo(f"wrote {convert_case(src, dest)}")


# -- end issue 13 ------------------------------------------------------------------------------


# -- issue 15: many raters (docs/workshop.md) ----------------------------------------------


@cli.group()
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
    from .ratings.load import load_case
    from .ratings.sheets import write_rating_sheets

    c = load_case(_pick_case(case, case_opt), ratings=False)
    written = write_rating_sheets(c, raters, out_dir, tables.split(",") if tables else None,
                                  split, as_csv)
    click.echo(f"wrote {len(written)} rating sheets and raters.csv to {out_dir}\n"
               f"filled sheets go into {c.path / 'ratings'}/, then: strategy-kit validate {c.path}")


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--csv", "as_csv", is_flag=True, help="every item as CSV on standard output")
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
def agreement(case: str | None, case_opt: str | None, as_csv: bool, start: str | None) -> None:
    """Where the raters agree: items most disputed first, alphas, what changes the plan."""
    from .errors import BadParameterError
    from .model.disagreements import plan_disagreements
    from .ratings.console import agreement_csv, agreement_text
    from .ratings.load import case_ratings, load_case

    c = load_case(_pick_case(case, case_opt))
    r = case_ratings(c)
    if r is None:
        raise BadParameterError("case", c.name, "a case with a ratings/ folder (docs/workshop.md)")
    if as_csv:
        click.echo(agreement_csv(c, r), nl=False)
        return
    d = plan_disagreements(c, start=start)
    assert d is not None
    click.echo(agreement_text(c, r, d.changes, d.unchanged))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main() -> None:
    """Entry point of the ``strategy-kit`` console script."""
    from .run.startup import skip_slow_unused_imports

    skip_slow_unused_imports()
    cli(prog_name="strategy-kit")
