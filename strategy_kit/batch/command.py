"""The ``strategy-kit batch`` command.

It chooses the reports (``plan``), renders them on a pool of kernels (``pool``), writes the
index page (``index``) and prints the summary (``results``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from ..errors import BadParameterError, StrategyKitError
from ..files.lock import folder_lock
from ..files.output import check_output_dir
from ..files.present import terminal_safe
from ..run.startup import skip_slow_unused_imports
from .plan import ids_of, load_plan, plan_jobs
from .pool import run_batch
from .results import BatchSummary

__all__ = ["batch_main"]


# -- the command ------------------------------------------------------------------------------


def batch_main(case: str | None = None, audiences: str | Sequence[str] | None = None,
               goals: str | Sequence[str] | None = None, workers: int | None = None,
               out_dir: str | Path | None = None, plan: str | Path | None = None,
               start: str | None = None, days: int | None = None,
               threshold: str | None = None, *, pdf: bool = False, paper: str = "A4",
               briefs: bool = False) -> int:
    """``strategy-kit batch``: check, render, summarize; return the exit code.

    0 every report done, 1 any failed, 2 bad input (nothing run), 130/143 stopped by
    SIGINT/SIGTERM (finished reports are kept). Progress and summary go to stderr, the index
    pages' paths to stdout. ``briefs`` writes each done report's one-page brief beside it;
    ``pdf`` prints each done report (and brief) to PDF with a local Chromium (none: exit 2
    before anything runs); the index then links them.
    """
    import click

    skip_slow_unused_imports()
    with contextlib.ExitStack() as held:
        try:
            if workers is not None and workers < 1:
                raise BadParameterError("workers", workers, "a whole number of at least 1")
            if plan is not None:
                if ids_of(audiences) or ids_of(goals):
                    raise BadParameterError("--plan", plan, "a plan file, or --audiences/"
                                            "--goals, not both")
                jobs = load_plan(plan, case=case, start=start, days=days, out_dir=out_dir,
                                 threshold=threshold)
            else:
                jobs = plan_jobs(case, audiences, goals, start, days, out_dir, threshold)
            if pdf:
                from ..reports.pdf import find_browser

                find_browser()
            folders = sorted({job.out.parent for job in jobs})
            for folder in folders:  # before any kernel starts
                check_output_dir(folder)
            held.enter_context(folder_lock(folders))  # a second batch here stops (exit 2)
        except StrategyKitError as e:
            click.secho(terminal_safe(f"error: {e}"), fg="red", err=True)
            return 2
        summary = run_batch(jobs, workers)
        if (pdf or briefs) and not summary.interrupted:
            try:
                _companions(summary, pdf, paper, briefs)
            except StrategyKitError as e:
                click.secho(terminal_safe(f"error: {e}"), fg="red", err=True)
                return 2
    click.echo(terminal_safe(summary.text()), err=True)
    for p in summary.indexes:
        click.echo(terminal_safe(str(p)))  # a case's name may hold terminal controls
    return summary.exit_code


def _companions(summary: BatchSummary, pdf: bool, paper: str, briefs: bool) -> None:
    """Briefs and PDFs of the done reports, then the index again, to link them."""
    import click

    from ..reports.brief import write_briefs
    from .index import write_index

    done = [r.job for r in summary.done]
    written = write_briefs(done) if briefs else []
    if briefs:
        click.echo(f"{len(written)} brief(s) written", err=True)
    if pdf:
        from ..reports.pdf import write_pdfs

        pages = [(j.out, j.out.with_suffix(".pdf")) for j in done]
        pages += [(b, b.with_suffix(".pdf")) for b in written]
        click.echo(f"{len(write_pdfs(pages, paper=paper))} PDF(s) written", err=True)
    write_index(summary.results)
