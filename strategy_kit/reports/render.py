"""Run a report notebook with papermill and export it to one self-contained HTML file.

The obvious pipeline (papermill CLI, then ``nbconvert --to html``) gives reports with no
figures and with requests to a CDN. Here the notebook is executed through
papermill's Python API on an IPC kernel, and exported in the same process with our own
template: no code, a table of contents, plotly.js inline once (compressed: ``bundle``), no
network, a provenance footer.
The HTML is written atomically; on failure the executed notebook is kept as the log.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from .. import __version__, config
from ..case.scenario import output_name
from ..config import TOC_MARK
from ..errors import RunError
from ..files.present import presentable
from ..params import parse_days, parse_start

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["ReportJob", "audience_job", "overview_job", "render_report", "run_report",
           "export_html", "exporter", "static_resources", "write_atomically"]

AUDIENCE_NOTEBOOK = config.NOTEBOOKS_DIR / "01-audience-strategy.ipynb"
OVERVIEW_NOTEBOOK = config.NOTEBOOKS_DIR / "02-portfolio-overview.ipynb"


@dataclass(frozen=True)
class ReportJob:
    """One report to render: a notebook, its papermill parameters and the HTML to write."""

    notebook: Path
    parameters: Mapping[str, Any]
    out: Path
    title: str
    case_title: str
    data_hash: str
    labels: Mapping[str, str] = field(default_factory=dict)


def _common(case: str | Path | Case, start: object, days: object) -> tuple[Case, str, int]:
    from ..case import Case
    from ..ratings.load import load_case

    c = case if isinstance(case, Case) else load_case(case)
    return c, parse_start(start).date().isoformat(), parse_days(days, c.horizon_days)  # type: ignore[arg-type]


def _threshold(c: Case, threshold: object) -> dict[str, str]:
    """The window-rule parameter of a report (``--threshold``), checked; none for the case's."""
    if threshold is None or str(threshold).strip() == "":
        return {}
    from ..model.windows import window_rule

    window_rule(c, str(threshold))  # raises BadParameterError on a bad value
    return {"threshold": str(threshold).strip()}


def _scenario(c: Case) -> dict[str, str]:
    """The scenario parameter of a report (issue 22); none without a scenario."""
    return {"scenario": c.scenario} if c.scenario else {}


def audience_job(case: str | Path | Case, audience: str, goal: str, start: object = None,
                 days: object = None, out_dir: str | Path | None = None,
                 threshold: object = None) -> ReportJob:
    """Check every parameter (before any kernel starts) and describe an audience report."""
    c, start_iso, n = _common(case, start, days)
    c.check("audience", audience)
    c.check("goal", goal)
    out = (Path(out_dir or config.REPORTS_DIR).resolve() / output_name(c)
           / f"{audience}--{goal}.html")
    a, g = c.names("audience")[audience], c.names("goal")[goal]
    return ReportJob(
        notebook=AUDIENCE_NOTEBOOK,
        parameters={"case": str(c.path), "audience": audience, "goal": goal,
                    "start": start_iso, "days": n, **_threshold(c, threshold),
                    **_scenario(c)},
        out=out, title=f"{a} — {g}", case_title=c.title, data_hash=c.data_hash,
        labels={"audience": audience, "goal": goal},
    )


def overview_job(case: str | Path | Case, goal: str | None = None, start: object = None,
                 days: object = None, out_dir: str | Path | None = None,
                 threshold: object = None) -> ReportJob:
    """Check every parameter and describe a portfolio overview (one goal, or ``all``)."""
    c, start_iso, n = _common(case, start, days)
    goal = goal or "all"
    if goal != "all":
        c.check("goal", goal)
    out = Path(out_dir or config.REPORTS_DIR).resolve() / output_name(c) / f"overview--{goal}.html"
    g = "all goals" if goal == "all" else c.names("goal")[goal]
    return ReportJob(
        notebook=OVERVIEW_NOTEBOOK,
        parameters={"case": str(c.path), "goal": goal, "start": start_iso, "days": n,
                    **_threshold(c, threshold), **_scenario(c)},
        out=out, title=f"Portfolio overview — {g}", case_title=c.title, data_hash=c.data_hash,
        labels={"goal": goal},
    )


# -- export -----------------------------------------------------------------------------------


def exporter() -> Any:
    """The report's HTML exporter (``exporter.py``), built on first use.

    nbconvert is imported then, while the kernel starts, not before it is launched.
    """
    from .exporter import exporter as built

    return built()


@functools.cache
def static_resources() -> dict[str, str]:
    """What every report embeds besides its notebook (the CSS), read once per process."""
    from .bundle import plotly_bundle

    plotly_bundle()  # read, checked and compressed once per process, before the first report
    return {"css": (config.TEMPLATES_DIR / "report.css").read_text()}


PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _trace_types(nb: nbformat.NotebookNode) -> set[str]:
    """The plotly trace types of the notebook's figures (their Plotly JSON outputs)."""
    found = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            fig = out.get("data", {}).get(PLOTLY_MIME)
            if isinstance(fig, dict):
                found |= {str(t.get("type") or "scatter") for t in fig.get("data", [])}
    return found


def _drop_plotly_json(nb: nbformat.NotebookNode) -> None:
    """Remove the figures' Plotly JSON, which JupyterLab draws and the page never shows.

    Each figure's ``text/html`` output carries the same JSON for the page. Without the second
    copy, nbconvert copies and checks a notebook a fraction of the size (most of an export's
    time on a report with figures).
    """
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and PLOTLY_MIME in data and "text/html" in data:
                del data[PLOTLY_MIME]


def _drop_empty_sections(nb: nbformat.NotebookNode) -> None:
    """Remove a ``##`` heading whose code cells showed nothing (an optional section)."""
    cells, keep = nb.cells, []
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            body = []
            for nxt in cells[i + 1:]:
                if nxt.cell_type == "markdown":
                    break
                body.append(nxt)
            if body and all(c.cell_type == "code" and not c.get("outputs") for c in body):
                continue
        keep.append(cell)
    nb.cells = keep


_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)(?:<a class="anchor-link".*?</a>)?</h2>', re.S)


def _toc(body: str) -> str:
    items = [f'<li><a href="#{i}">{t}</a></li>' for i, t in _H2.findall(body)]
    return "<ol>" + "".join(items) + "</ol>" if items else ""


def export_html(nb: nbformat.NotebookNode, title: str, footer: list[tuple[str, str]],
                meta: Mapping[str, Any] | None = None) -> str:
    """Export an executed notebook to a self-contained HTML page (no code, no network).

    ``meta`` (what the report is, its scores) is embedded as JSON in the page's head, where
    the index of a later batch reads it (``meta.read_meta``).
    """
    from .bundle import plotly_bundle
    from .meta import meta_json

    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title
    nb.metadata.pop("widgets", None)  # widget state would pull a renderer from a CDN
    _drop_empty_sections(nb)
    resources = {"sk": {**static_resources(), "footer": footer, "version": __version__,
                        "plotly": plotly_bundle(_trace_types(nb)),
                        "meta": meta_json(meta) if meta else ""}}
    _drop_plotly_json(nb)
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    # The headings get their ids from nbconvert; the contents list is built from the result.
    # Heading text is already escaped by the markdown renderer.
    nav = ('<nav class="sk-toc" aria-label="Contents"><h2 class="sk-toc-title">Contents</h2>'
           f"{_toc(body)}</nav>")
    if TOC_MARK in body:
        return body.replace(TOC_MARK, nav, 1)
    return body.replace("<main>", "<main>" + nav, 1)


def _footer(job: ReportJob) -> list[tuple[str, str]]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    # The case by its folder's name: a report is sent around, the sender's paths stay home.
    shown = {**job.parameters, **({"case": presentable(str(job.parameters["case"]))}
                                  if "case" in job.parameters else {})}
    params = json.dumps(shown, ensure_ascii=False)
    return [("Case", job.case_title), ("Data hash", job.data_hash),
            ("strategy-kit", __version__), ("Parameters", params), ("Generated", now)]


def write_atomically(path: Path, text: str) -> None:
    """The kit's one atomic writer (``files.atomic``): whole or not at all, faults explained."""
    from ..files.atomic import write_atomically as write

    write(path, text)


# -- execution --------------------------------------------------------------------------------


def execute(job: ReportJob, executed: Path, **engine_kwargs: Any) -> nbformat.NotebookNode:
    """Execute the job's notebook with papermill; raise RunError on failure.

    Papermill's ``execute_notebook`` step by step, less its last one: the executed notebook
    (megabytes of figures, serialized in a tenth of a second) is written to ``executed`` only
    when a cell failed, where it is the log; a report that ran is exported from memory.
    """
    import papermill as pm
    from papermill.engines import papermill_engines
    from papermill.execute import (
        prepare_notebook_metadata,
        raise_for_execution_errors,
        remove_error_markers,
    )
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from ..run.kernels import IPCKernelManager

    engine_kwargs.setdefault("kernel_manager_class", IPCKernelManager)
    engine = engine_kwargs.pop("engine_name", None)
    source = str(job.notebook)
    nb = load_notebook_node(source)
    if job.parameters:  # as papermill: no injected cell without parameters
        nb = parameterize_notebook(nb, dict(job.parameters), kernel_name=config.KERNEL_NAME,
                                   engine_name=engine)
    nb = remove_error_markers(prepare_notebook_metadata(nb, source, str(executed)))
    try:
        nb = papermill_engines.execute_notebook_with_engine(
            engine, nb, input_path=source, output_path=None, kernel_name=config.KERNEL_NAME,
            progress_bar=False, log_output=False, start_timeout=60, stdout_file=None,
            stderr_file=None, store_widget_state=False, **engine_kwargs)
        raise_for_execution_errors(nb, str(executed))  # writes the notebook, then raises
    except pm.PapermillExecutionError as e:
        evalue = e.evalue if len(e.evalue) <= 400 else e.evalue[:400] + " …"
        raise RunError(
            f"{job.out.name}: cell {e.exec_count} failed: {e.ename}: {evalue}",
            cell=e.exec_count,
        ) from e
    return nb


def run_report(job: ReportJob, **engine_kwargs: Any) -> Path:
    """Execute and export one report; return the HTML path.

    On failure no HTML is written (an earlier report stays in place), the executed notebook
    is kept next to where the HTML would be, as ``<name>.failed.ipynb``, and ``RunError``
    names the failing cell.
    """
    from ..files.private import private_dir

    log = job.out.with_suffix(".failed.ipynb")
    with tempfile.TemporaryDirectory(prefix="sk-run-", dir=private_dir()) as tmp:
        executed = Path(tmp) / job.out.with_suffix(".ipynb").name
        try:
            nb = execute(job, executed, **engine_kwargs)
        except RunError as e:
            if executed.exists():
                log.parent.mkdir(parents=True, exist_ok=True)
                os.replace(executed, log)
                e.log = str(log)
                e.args = (f"{e.args[0]}\nThe executed notebook is kept as {log}",)
            raise
        except Exception as e:  # the kernel died, or could not start
            raise RunError(f"{job.out.name}: the notebook could not run: {e}") from e
    from .meta import report_meta

    write_atomically(job.out, export_html(nb, job.title, _footer(job), report_meta(job)))
    log.unlink(missing_ok=True)
    return job.out




def render_report(kind: str, case: str | Path, *, audience: str | None = None,
                  goal: str | None = None, start: object = None, days: object = None,
                  out_dir: str | Path | None = None, threshold: object = None,
                  scenario: str | None = None) -> Path:
    """Check, run and export one report as fast as one process can (``strategy-kit report``).

    ``kind`` is ``audience`` or ``overview``. The cheap checks run first (``precheck``: no
    kernel starts on a bad parameter). Then the kernel is launched and imports the kit and
    loads the case in the background, while this process validates the case in full, imports
    papermill and nbconvert and prepares the exporter; a case that fails validation stops the
    kernel (exit 2, nothing written). The notebook then runs on that kernel through papermill
    (our ``strategy_kit_reuse`` engine) and is exported, as :func:`run_report` would.
    """
    import threading

    from ..case.load import CHECKED_ENV, checked_digests
    from ..files.output import check_output_dir
    from ..run.engine import ENGINE_NAME, reuse_engine
    from ..run.session import KernelSession
    from .precheck import precheck_report

    path = precheck_report(case, audience, goal, start, days)
    check_output_dir(Path(out_dir or config.REPORTS_DIR) / path.name)  # before any kernel
    if scenario:  # issue 22: the scenario read and checked before any kernel starts
        from ..ratings.load import load_case

        case = load_case(path, scenario=scenario)
    reuse_engine()  # registers the engine with papermill
    session = KernelSession()
    session.launch()
    failed: list[BaseException] = []
    checked = threading.Event()  # set once this process has validated the case

    def connect() -> None:
        try:
            session.connect()
            checked.wait()
            # The notebook's load_case is then a cache hit (validated cases are kept by hash),
            # and the kernel does not check again what this process has just checked. Waited
            # for as long as the kernel works on it: a large case on a busy machine takes
            # longer than any fixed time (issue 23).
            session.run(f"__import__('os').environ[{CHECKED_ENV!r}] = {checked_digests()!r}\n"
                        f"__import__('strategy_kit').load_case({str(path)!r}, "
                        f"scenario={scenario or None!r})", patient=True)
        except BaseException as e:  # noqa: BLE001  reported below, on the main thread
            failed.append(e)

    preparing = threading.Thread(target=connect, name="sk-kernel-start", daemon=True)
    preparing.start()
    try:
        if kind == "audience":
            job = audience_job(case if scenario else path, str(audience), str(goal), start, days,
                               out_dir, threshold)
        else:
            job = overview_job(case if scenario else path, goal, start, days, out_dir, threshold)
        checked.set()
        import papermill  # noqa: F401  (imported here, while the kernel starts)

        exporter()
        static_resources()
        preparing.join()
        if failed:
            raise RunError(f"{job.out.name}: the kernel could not start: {failed[0]}")
        return run_report(job, engine_name=ENGINE_NAME, session=session)
    finally:
        checked.set()  # a case that failed its checks: the kernel thread ends too
        preparing.join()
        session.shutdown()
