"""``make demo``: check the default case, print its priorities and render its main reports.

Run as ``python -m strategy_kit.demo [CASE]``. Renders the portfolio overview and, for each
goal, the report on the audience to ask first (its first decider), into ``reports/<case>/``.
"""

from __future__ import annotations

import sys

import click

from . import config
from .errors import StrategyKitError
from .files.present import terminal_safe
from .ratings.load import load_case


def main(argv: list[str] | None = None) -> int:
    """Run the demo; return the exit code (0 done, 2 bad input, 1 a run failed)."""
    from .batch.pool import run_batch
    from .model.routes import score_pathway
    from .model.scoring import score_priority
    from .reports.render import audience_job, overview_job

    args = sys.argv[1:] if argv is None else argv
    try:
        case = load_case(args[0] if args else config.DEFAULT_CASE)
        table = score_priority(case)
        path = score_pathway(case)
        # whom to ask (the first decider; issue 19), through whom (the strongest route to them)
        ask = path[path["ask_rank"] == 1][["goal", "audience"]]
        ask = ask.merge(table, on=["goal", "audience"]).set_index("goal")
        top = table[table["rank"] == 1].set_index("goal")  # a case without roles or deciders
        top = ask.reindex(top.index).fillna(top).reset_index()
        movers = path[path["move_rank"] == 1].set_index("goal")["audience"]
        top["through"] = top["goal"].map(movers).fillna("")
        click.secho(terminal_safe(f"{case.title}: whom to ask for each goal, and through whom"),
                    bold=True)
        cols = ["goal", "audience", "priority", "through"]
        click.echo(terminal_safe(top[cols].rename(columns={"audience": "ask"}).to_string(
            index=False, float_format=lambda v: f"{v:.2f}")))
        jobs = [overview_job(case)] + [audience_job(case, r.audience, r.goal)
                                      for r in top.itertuples()]
        click.echo(f"\nrendering {len(jobs)} reports into {config.REPORTS_DIR / case.name}/ …")
        summary = run_batch(jobs)
        click.echo(terminal_safe(summary.text()))
        for r in summary.done:
            click.echo(f"  {r.job.out}")
        for index in summary.indexes:
            click.secho(f"\nStart here: {index}", bold=True)
        click.echo("Open it in a browser: every page is self-contained and works offline. "
                   "More: strategy-kit batch renders every audience × goal.")
        return summary.exit_code
    except StrategyKitError as e:
        click.secho(terminal_safe(f"error: {e}"), fg="red", err=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
