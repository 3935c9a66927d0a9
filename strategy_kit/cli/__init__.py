"""The command line of ``docs/cli.md``. Thin: each command calls one package function."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from .. import __version__, config
from ..errors import BadParameterError, StrategyKitError, exit_code
from ..files.present import terminal_safe
from .options import audience_goal_options as _audience_goal_options
from .options import browser_first as _browser_first
from .options import case_option as _case_option
from .options import echo as _echo
from .options import horizon_options, scenario_option
from .options import out_option as _out_option
from .options import paper_size as _paper
from .options import pdf_options as _pdf_options
from .options import pick_case as _pick_case
from .options import threshold_option as _threshold_option
from .options import with_pdf as _with_pdf
from .versions import compare, snapshot, with_scenario
from .workshop import agreement, ratings


class _Group(click.Group):
    """Turns the kit's errors into the exit codes of docs/cli.md: 2 bad input, 1 a failed run.

    The one place errors become exit codes (``errors.exit_code``); an ``OSError`` that no
    writer caught (a full disk, a read-only folder) is one sentence too (``files.faults``).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StrategyKitError as e:
            click.secho(terminal_safe(f"error: {e}"), fg="red", err=True)
            ctx.exit(exit_code(e))
        except OSError as e:
            from ..files.faults import fault

            error = fault(e)
            click.secho(terminal_safe(f"error: {error}"), fg="red", err=True)
            ctx.exit(exit_code(error))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="strategy-kit")
def cli() -> None:
    """strategy-kit: who to address, why they care, when, how, with whom, and what to say."""


@cli.command()
@click.argument("case", required=False)
@_case_option
@scenario_option
def validate(case: str | None, case_opt: str | None, scenario: str | None) -> None:
    """Check a case; every problem is listed (exit 2 on any)."""
    from ..attention.read import attention_problems
    from ..case.locate import case_folder
    from ..case.schema import TABLES
    from ..errors import CaseError
    from ..files.cells import formula_warnings
    from ..ratings.load import load_case

    c = load_case(_pick_case(case, case_opt), scenario=scenario)
    # what the reports will read too (beside a workbook, for a workbook case)
    problems = attention_problems(case_folder(c.path) / "attention")
    if problems:
        raise CaseError(c.name, problems)
    n = {t: len(getattr(c, t)) for t in ("audiences", "interests", "goals", "moments", "formats",
                                         "allies", "frames", "actions")}
    _echo(f"ok: {c.path} — '{c.title}': " + ", ".join(f"{v} {k}" for k, v in n.items()))
    # text a spreadsheet could run as a formula (docs/security.md)
    for line in formula_warnings({t.file.removesuffix(".csv"): c.table(name)
                                  for name, t in TABLES.items()}):
        click.secho(terminal_safe(f"warning: {line}"), fg="yellow", err=True)
    from ..ratings.console import ratings_line
    from ..ratings.load import case_ratings
    from ..ratings.read import ratings_folder

    if ratings_folder(c.path).is_dir():
        _echo(ratings_line(case_ratings(c)))
    from ..model.routes import roles_note  # said once, for a case without roles

    if roles_note(c):
        _echo(roles_note(c))


@cli.command(name="list")
@click.argument("case", required=False)
@_case_option
def list_(case: str | None, case_opt: str | None) -> None:
    """Ids and names of audiences, goals and moments."""
    from ..ratings.load import load_case

    c = load_case(_pick_case(case, case_opt))
    for kind, title in (("audience", "Audiences"), ("goal", "Goals"), ("moment", "Moments")):
        names = c.names(kind)
        click.echo(click.style(f"{title} ({len(names)})", bold=True))  # the kit's own words
        width = max(map(len, names), default=0)
        for i, name in names.items():  # a name may hold anything: no terminal controls
            _echo(f"  {i:<{width}}  {name}")


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--goal", help="one goal id (default: every goal)")
@horizon_options
@click.option("--csv", "as_csv", is_flag=True, help="print CSV instead of a table")
@scenario_option
def scores(case: str | None, case_opt: str | None, goal: str | None, start: str | None,
           days: int | None, as_csv: bool, scenario: str | None) -> None:
    """The priority table: audience, goal, fit, influence, timing, priority, rank."""
    from ..model.routes import SCORES_COLUMNS, priority_with_roles
    from ..ratings.load import load_case

    c = load_case(_pick_case(case, case_opt), scenario=scenario)
    table = priority_with_roles(c, goal=goal, start=start, days=days)  # role, stance, reaches
    cols = SCORES_COLUMNS
    if as_csv:
        from ..files.cells import neutralise_frame  # a spreadsheet opens it: text, no formula

        _echo(neutralise_frame(table[cols]).to_csv(index=False, float_format="%.4f"), nl=False)
    else:
        _echo(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        _echo(f"scored on {c.values_note}")


@cli.command()
@_audience_goal_options
def brief(case: str | None, audience: str, goal: str, case_opt: str | None, start: str | None,
          days: int | None, out_dir: str | None, pdf: bool, paper: str,
          threshold: str | None, scenario: str | None) -> None:
    """Write the one-page brief of an audience × goal (HTML; with --pdf also a PDF)."""
    from ..files.output import check_output_dir
    from ..reports.brief import write_brief

    if out_dir:  # before any work, and before a dangling link is resolved away (exit 2)
        check_output_dir(out_dir)
    _browser_first(pdf)
    _with_pdf(write_brief(with_scenario(_pick_case(case, case_opt), scenario), audience, goal,
                          start, days, out_dir, threshold),
              pdf, paper)


@cli.command()
@_audience_goal_options
def report(case: str | None, audience: str, goal: str, case_opt: str | None, start: str | None,
           days: int | None, out_dir: str | None, pdf: bool, paper: str,
           threshold: str | None, scenario: str | None) -> None:
    """Render one audience × goal strategy report to a shareable HTML file."""
    from ..reports.render import render_report

    _browser_first(pdf)
    _with_pdf(render_report("audience", _pick_case(case, case_opt), audience=audience,
                            goal=goal, start=start, days=days, out_dir=out_dir,
                            threshold=threshold, scenario=scenario), pdf, paper)


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--goal", help="a goal id (default: all goals)")
@horizon_options
@_out_option
@_pdf_options
@_threshold_option
@scenario_option
def overview(case: str | None, case_opt: str | None, goal: str | None, start: str | None,
             days: int | None, out_dir: str | None, pdf: bool, paper: str,
             threshold: str | None, scenario: str | None) -> None:
    """Render the portfolio overview (every audience; one goal or all) to HTML."""
    from ..reports.render import render_report

    _browser_first(pdf)
    _with_pdf(render_report("overview", _pick_case(case, case_opt), goal=goal, start=start,
                            days=days, out_dir=out_dir, threshold=threshold,
                            scenario=scenario), pdf, paper)


@cli.command()
@click.argument("case", required=False)
@click.option("--audience", required=True, help="an audience id (strategy-kit list shows them)")
@click.option("--goal", help="a goal id (default: the audience's best-fitting goal)")
@_case_option
@horizon_options
@click.option("--out", "out", required=True, metavar="FILE.ics", type=click.Path(dir_okay=False),
              help="the calendar file to write")
@_threshold_option
@scenario_option
def calendar(case: str | None, audience: str, goal: str | None, case_opt: str | None,
             start: str | None, days: int | None, out: str, threshold: str | None,
             scenario: str | None) -> None:
    """Windows of opportunity and preparation reminders as an ICS calendar file."""
    from ..calendar import EmptyCalendarError, write_calendar

    try:
        _echo(write_calendar(with_scenario(_pick_case(case, case_opt), scenario), audience,
                                  out, goal, start, days, threshold))
    except EmptyCalendarError as e:  # nothing to export is not a failure: say why, exit 0
        _echo(str(e), err=True)


@cli.command()
@click.argument("case", required=False)
@click.option("--audience", required=True, help="an audience id (strategy-kit list shows them)")
@_case_option
@horizon_options
@_out_option
@_pdf_options
@_threshold_option
@scenario_option
def playbook(case: str | None, audience: str, case_opt: str | None, start: str | None,
             days: int | None, out_dir: str | None, pdf: bool, paper: str,
             threshold: str | None, scenario: str | None) -> None:
    """Write an audience's one-page crisis playbook: what to do when a crisis breaks."""
    from ..reports.playbook import write_playbook

    _browser_first(pdf)
    _with_pdf(write_playbook(with_scenario(_pick_case(case, case_opt), scenario), audience,
                             start, days, out_dir, threshold), pdf, paper)


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--audiences", metavar="A,B", help="audience ids, comma-separated (default: all)")
@click.option("--goals", metavar="G,H", help="goal ids, comma-separated (default: all)")
@click.option("--workers", type=int, help="parallel workers (default: the number of CPUs)")
@_out_option
@click.option("--plan", metavar="RUNS.yaml", type=click.Path(dir_okay=False),
              help="a YAML file of runs, for scheduled use")
@horizon_options
@_pdf_options
@click.option("--brief", "briefs", is_flag=True, help="also write each report's one-page brief")
@_threshold_option
@scenario_option
@click.pass_context
def batch(ctx: click.Context, case: str | None, case_opt: str | None, audiences: str | None,
          goals: str | None, workers: int | None, out_dir: str | None, plan: str | None,
          start: str | None, days: int | None, pdf: bool, paper: str, briefs: bool,
          threshold: str | None, scenario: str | None) -> None:
    """Render many audience × goal reports in parallel, with an index page."""
    from ..batch.command import batch_main

    picked = _pick_case(case, case_opt) if case or case_opt else None  # a plan names its own
    if scenario:  # issue 22: the jobs carry the scenario to each notebook
        if plan:
            raise BadParameterError("--scenario", scenario, "a case's scenario with --audiences/"
                                    "--goals, not with --plan")
        picked = with_scenario(picked or config.DEFAULT_CASE, scenario)
    ctx.exit(batch_main(picked, audiences, goals, workers, out_dir, plan, start, days,
                        threshold, pdf=pdf, paper=_paper(paper), briefs=briefs))


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--port", type=int, help="the port on 127.0.0.1 (default: a free one)")
@click.option("--open", "open_browser", is_flag=True, help="open the explorer in a browser")
@scenario_option
def explore(case: str | None, case_opt: str | None, port: int | None,
            open_browser: bool, scenario: str | None) -> None:
    """JupyterLab on 127.0.0.1 with the explorer open (Ctrl-C stops it)."""
    from ..explorer.lab import launch_lab

    launch_lab(_pick_case(case, case_opt), port=port, open_browser=open_browser,
               scenario=scenario)


@cli.command(name="new-case")
@click.argument("name")
@click.option("--xlsx", "as_xlsx", is_flag=True,
              help="write one workbook (NAME.xlsx) with a guide sheet and drop-downs")
def new_case(name: str, as_xlsx: bool) -> None:
    """A new case folder (with --xlsx, one workbook) from the template: a name or a path."""
    import re

    from ..case.schema import ID_ALLOWED, ID_PATTERN
    from ..case.template import write_template
    from ..files.output import check_output_dir
    from ..ratings.load import load_case

    target = Path(name) if ("/" in name or name.startswith(".")) else config.DATA_DIR / name
    if as_xlsx or target.suffix.lower() in (".xlsx", ".ods"):
        from ..case.write import convert_case

        target = target if target.suffix else target.with_name(target.name + ".xlsx")
        if not re.fullmatch(ID_PATTERN, target.stem):
            raise BadParameterError("case name", target.stem, ID_ALLOWED)
        from ..files.private import private_mkdtemp  # the template, in the kit's own folder

        tmp = private_mkdtemp("new-case-")
        try:
            convert_case(write_template(Path(tmp) / target.stem), target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        load_case(target)
        _echo(f"created {target}\nfill in its sheets (the guide sheet explains each one), "
                   f"then run: strategy-kit validate {target}")
        return
    if not re.fullmatch(ID_PATTERN, target.name):
        raise BadParameterError("case name", target.name, ID_ALLOWED)
    if target.exists() or target.is_symlink():  # a dangling link too: never write through it
        raise BadParameterError("case name", name, "a folder that does not exist yet")
    check_output_dir(target.parent, "the case's folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    # The kit's one atomic writer: a private folder beside the target (same disk: the rename
    # is atomic), never over an existing target. The template's dates move after today.
    from ..files.atomic import atomic_path

    with atomic_path(target, folder=True, replace=False) as tmp:
        write_template(tmp)
    load_case(target)
    _echo(f"created {target}\nedit its CSV files, then run: strategy-kit validate {target}")


@cli.command()
@click.argument("src", metavar="SRC")
@click.argument("dest", metavar="DEST")
def convert(src: str, dest: str) -> None:
    """Convert a case (folder or workbook) to DEST: a folder, or a .xlsx or .ods workbook.

    The extension of DEST decides. SRC is validated first; DEST must not exist yet and is
    written whole or not at all.
    """
    from ..case.write import convert_case

    _echo(f"wrote {convert_case(src, dest)}")


cli.add_command(ratings)  # the workshop (docs/workshop.md)
cli.add_command(agreement)
cli.add_command(compare)  # versions of a case (docs/compare.md)
cli.add_command(snapshot)


def main() -> None:
    """Entry point of the ``strategy-kit`` console script."""
    from ..run.startup import skip_slow_unused_imports

    skip_slow_unused_imports()
    cli(prog_name="strategy-kit")
