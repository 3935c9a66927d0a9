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

CASE_HELP = "a case folder, or the name of a case under data/ (default: belarus)"


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
    from .case import load_case
    from .errors import CaseError

    c = load_case(_pick_case(case, case_opt))
    problems = attention_problems(c.path / "attention")  # what the reports will read too
    if problems:
        raise CaseError(c.name, problems)
    n = {t: len(getattr(c, t)) for t in ("audiences", "interests", "goals", "moments", "formats",
                                         "allies", "frames", "actions")}
    click.echo(terminal_safe(f"ok: {c.path} — '{c.title}': "
                             + ", ".join(f"{v} {k}" for k, v in n.items())))


@cli.command(name="list")
@click.argument("case", required=False)
@_case_option
def list_(case: str | None, case_opt: str | None) -> None:
    """Ids and names of audiences, goals and moments."""
    from .case import load_case

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
    from .case import load_case
    from .model.scoring import score_priority

    c = load_case(_pick_case(case, case_opt))
    table = score_priority(c, goal=goal, start=start, days=days)
    cols = ["audience", "goal", "fit", "influence", "timing", "priority", "rank"]
    if as_csv:
        table[cols].to_csv(sys.stdout, index=False, float_format="%.4f")
    else:
        click.echo(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def _out_option(f: Any) -> Any:
    return click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False),
                        help="where reports go (default: reports/)")(f)


@cli.command()
@click.argument("case", required=False)
@click.option("--audience", required=True, help="an audience id (strategy-kit list shows them)")
@click.option("--goal", required=True, help="a goal id")
@_case_option
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--days", type=int, help="planning horizon in days (default or 0: the case's)")
@_out_option
def report(case: str | None, audience: str, goal: str, case_opt: str | None, start: str | None,
           days: int | None, out_dir: str | None) -> None:
    """Render one audience × goal strategy report to a shareable HTML file."""
    from .reports.render import render_report

    click.echo(render_report("audience", _pick_case(case, case_opt), audience=audience,
                             goal=goal, start=start, days=days, out_dir=out_dir))


@cli.command()
@click.argument("case", required=False)
@_case_option
@click.option("--goal", help="a goal id (default: all goals)")
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--days", type=int, help="planning horizon in days (default or 0: the case's)")
@_out_option
def overview(case: str | None, case_opt: str | None, goal: str | None, start: str | None,
             days: int | None, out_dir: str | None) -> None:
    """Render the portfolio overview (every audience; one goal or all) to HTML."""
    from .reports.render import render_report

    click.echo(render_report("overview", _pick_case(case, case_opt), goal=goal, start=start,
                             days=days, out_dir=out_dir))


@cli.command()
@click.argument("case", required=False)
@click.option("--audience", required=True, help="an audience id (strategy-kit list shows them)")
@click.option("--goal", help="a goal id (default: the audience's best-fitting goal)")
@_case_option
@click.option("--start", help="planning start, YYYY-MM-DD (default: today)")
@click.option("--days", type=int, help="planning horizon in days (default or 0: the case's)")
@click.option("--out", "out", required=True, metavar="FILE.ics", type=click.Path(dir_okay=False),
              help="the calendar file to write")
def calendar(case: str | None, audience: str, goal: str | None, case_opt: str | None,
             start: str | None, days: int | None, out: str) -> None:
    """Windows of opportunity and preparation reminders as an ICS calendar file."""
    from .calendar import write_calendar

    click.echo(write_calendar(_pick_case(case, case_opt), audience, out, goal, start, days))


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
@click.pass_context
def batch(ctx: click.Context, case: str | None, case_opt: str | None, audiences: str | None,
          goals: str | None, workers: int | None, out_dir: str | None, plan: str | None,
          start: str | None, days: int | None) -> None:
    """Render many audience × goal reports in parallel, with an index page."""
    from .reports.batch import batch_main

    picked = _pick_case(case, case_opt) if case or case_opt else None  # a plan names its own
    ctx.exit(batch_main(picked, audiences, goals, workers, out_dir, plan, start, days))


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
def new_case(name: str) -> None:
    """A new case folder from the template (a name under data/, or a path)."""
    import re

    from .case import load_case
    from .case.schema import ID_ALLOWED, ID_PATTERN
    from .files.output import check_output_dir

    target = Path(name) if ("/" in name or name.startswith(".")) else config.DATA_DIR / name
    if not re.fullmatch(ID_PATTERN, target.name):
        raise BadParameterError("case name", target.name, ID_ALLOWED)
    if target.exists() or target.is_symlink():  # a dangling link too: never write through it
        raise BadParameterError("case name", name, "a folder that does not exist yet")
    check_output_dir(target.parent, "the case's folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    # A private folder of our own beside the target (same disk: the rename is atomic); only
    # what this command created is ever removed.
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        shutil.copytree(config.TEMPLATE_CASE_DIR, tmp / target.name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (tmp / target.name).chmod(0o777 & ~_umask())  # a case folder is a normal folder
        os.rename(tmp / target.name, target)  # refuses an existing non-empty target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_case(target)
    click.echo(f"created {target}\nedit its CSV files, then run: strategy-kit validate {target}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main() -> None:
    """Entry point of the ``strategy-kit`` console script."""
    from .reports.startup import skip_slow_unused_imports

    skip_slow_unused_imports()
    cli(prog_name="strategy-kit")
