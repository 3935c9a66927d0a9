"""strategy-kit batch: plans, isolation between reports on one kernel, failures, the index page,
interruption without orphan kernels."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from strategy_kit.batch.command import batch_main
from strategy_kit.batch.index import write_index
from strategy_kit.batch.plan import PlanError, load_plan, plan_jobs
from strategy_kit.batch.pool import run_batch
from strategy_kit.batch.results import BatchResult
from strategy_kit.case import load_case
from strategy_kit.model.scoring import score_priority
from strategy_kit.reports.render import ReportJob, audience_job, overview_job, run_report

START = "2027-01-01"


def leftovers(folder: Path) -> list[str]:
    """Partial files a run could leave behind (atomic writes use dot-files)."""
    return sorted(p.name for p in folder.rglob(".*") if p.is_file())


# -- choosing the reports (no kernel) ---------------------------------------------------------


def test_plan_jobs_defaults_to_every_audience_and_goal() -> None:
    jobs = plan_jobs("belarus", start=START)
    assert len(jobs) == 12 * 9  # issue 19 added the regime and GONGOs
    assert len({j.out for j in jobs}) == len(jobs)
    assert {j.parameters["start"] for j in jobs} == {START}


def test_plan_jobs_accepts_comma_lists_in_order_without_repeats() -> None:
    jobs = plan_jobs("belarus", "media, influencers,media", ["end-terror"], START, 30)
    assert [j.labels["audience"] for j in jobs] == ["media", "influencers"]
    assert {j.parameters["days"] for j in jobs} == {30}


@pytest.mark.parametrize(("option", "value", "message"), [
    ("audiences", "media,medai", r"unknown audience 'medai'; did you mean 'media'\? Choices: "),
    ("goals", "end-teror", r"unknown goal 'end-teror'; did you mean 'end-terror'\? Choices: "),
])
def test_unknown_id_is_exit_2_before_anything_runs(tmp_path: Path, capsys, option: str,
                                                    value: str, message: str) -> None:
    args = {"audiences": "media", "goals": "end-terror", option: value}
    t0 = time.perf_counter()
    code = batch_main("belarus", args["audiences"], args["goals"], 2, tmp_path, None, START)
    assert code == 2
    assert re.search(message, capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == [], "nothing written"
    assert time.perf_counter() - t0 < 10, "no worker or kernel was started"


def test_bad_workers_and_plan_with_ids_are_exit_2(tmp_path: Path, capsys) -> None:
    assert batch_main("belarus", "media", "end-terror", 0, tmp_path) == 2
    assert "bad workers '0'" in capsys.readouterr().err
    plan = tmp_path / "runs.yaml"
    plan.write_text("- {audience: media, goal: end-terror}\n")
    assert batch_main("belarus", "media", None, 2, tmp_path, plan) == 2
    assert "not both" in capsys.readouterr().err


def test_plan_file_forms(tmp_path: Path) -> None:
    runs = tmp_path / "runs.yaml"
    runs.write_text("- case: belarus\n  audience: media\n  goal: end-terror\n"
                    "  start: 2027-01-01\n  days: 90\n"
                    "- {audience: influencers, goals: [end-terror, support-people]}\n")
    jobs = load_plan(runs, start="2027-02-01", out_dir=tmp_path)
    assert [(j.labels["audience"], j.labels["goal"], j.parameters["start"],
             j.parameters["days"]) for j in jobs] == [
        ("media", "end-terror", "2027-01-01", 90),
        ("influencers", "end-terror", "2027-02-01", 365),
        ("influencers", "support-people", "2027-02-01", 365)]
    assert jobs[0].out == tmp_path.resolve() / "belarus" / "media--end-terror.html"

    one = tmp_path / "one.yaml"
    one.write_text("case: belarus\naudiences: [media, western-public]\ngoals: end-terror\n"
                   "start: 2027-03-01\n")
    assert [j.labels["audience"] for j in load_plan(one)] == ["media", "western-public"]

    nested = tmp_path / "nested.yaml"
    nested.write_text("case: belarus\nstart: 2027-01-01\nruns:\n"
                      "  - {audience: media, goal: end-terror}\n"
                      "  - {audience: media, goal: support-people, days: 30}\n"
                      "  - {goal: support-victims}\n")
    jobs = load_plan(nested)
    assert [j.parameters["days"] for j in jobs[:2]] == [365, 30]
    assert len(jobs) == 2 + 12, "no audience given: every audience"


def test_plan_file_lists_every_problem_with_its_line(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "runs.yaml"
    plan.write_text(
        "- {audience: medai, goal: end-terror}\n"
        "- {audience: media, goal: end-teror, colour: red}\n"
        "- {audience: media, goal: end-terror, days: -3}\n"
        "- {case: nowhere, audience: media, goal: end-terror}\n"
        "- {audience: media, goals: [end-terror], days: 30}\n"
        "- {audience: media, goal: end-terror}\n")
    with pytest.raises(PlanError) as e:
        load_plan(plan)
    text = str(e.value)
    assert "has 6 problems" in text
    assert ("runs.yaml, line 1, column 'audience': unknown audience (got 'medai'); "
            "allowed: ") in text
    assert "did you mean 'media'?" in text
    assert "line 2, column 'goal': unknown goal (got 'end-teror')" in text
    assert "line 2, column 'colour': unknown key" in text
    assert "line 3, column 'days': bad days (got '-3')" in text
    assert "line 4, column 'case': no such case (got 'nowhere')" in text
    assert "line 6: media--end-terror.html is also written by the run on line 5" in text
    assert batch_main(plan=plan, out_dir=tmp_path / "out") == 2
    assert "has 6 problems" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_plan_file_that_is_not_yaml(tmp_path: Path) -> None:
    plan = tmp_path / "runs.yaml"
    plan.write_text("- {audience: media\n")
    with pytest.raises(PlanError, match=r"runs.yaml, line 2: not valid YAML"):
        load_plan(plan)
    with pytest.raises(PlanError, match="cannot read it"):
        load_plan(tmp_path / "missing.yaml")


# -- the index page (no kernel) ---------------------------------------------------------------


def test_index_is_escaped_offline_and_sortable(hostile_case: Path, tmp_path: Path) -> None:
    jobs = [*plan_jobs(hostile_case, None, None, "2025-01-01", 120, tmp_path),
            overview_job(hostile_case, None, "2025-01-01", 120, tmp_path)]
    assert jobs[0].labels == {"audience": "lawmakers", "goal": "release-prisoners"}
    bad = "cell 3 failed: ValueError: <img src=x onerror=\"window.__pwned=3\">"
    log = jobs[1].out.with_suffix(".failed.ipynb")
    results = [BatchResult(jobs[0], "done", 0.8, worker=0),
               BatchResult(jobs[1], "failed", 0.4, bad, 3, str(log), 1),
               *(BatchResult(j, "not run") for j in jobs[2:])]
    [path] = write_index(results)
    assert path == tmp_path.resolve() / "hostile" / "index.html"
    page = path.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;b&gt;Lawmakers&lt;/b&gt;" in page
    assert "<img" not in page and "&lt;img src=x onerror=&#34;window.__pwned=3&#34;&gt;" in page
    assert not re.search(r"https?://", page), "no network address at all"
    assert not re.search(r"<[^>]*\ssrc=", page), "no element loads anything"
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\'' in page
    assert f'href="{jobs[0].out.name}"' in page, "relative link to the report"
    assert f'href="{jobs[1].out.name}"' not in page, "no link to a report that failed"
    assert f'href="{log.name}"' in page, "the failure's executed notebook"
    table = score_priority(load_case(hostile_case), goal="release-prisoners", start="2025-01-01",
                           days=120).set_index("audience")
    first = table.loc[jobs[0].labels["audience"]]
    row = page[page.index(f'href="{jobs[0].out.name}"'):].split("</tr>")[0]
    for col in ("fit", "timing", "priority"):
        assert f">{first[col]:.2f}<" in row
    assert f'data-sort="{int(first["rank"])}"' in row
    assert page.count("<tr class=") == len(jobs)
    assert "1 done" in page and "1 failed" in page and f"{len(jobs) - 2} not run" in page
    assert "Portfolio overview — all goals" in page
    assert "addEventListener" in page and "aria-sort" in page


def test_index_shows_the_horizon_of_each_report_when_they_differ(tmp_path: Path) -> None:
    plan = tmp_path / "runs.yaml"
    plan.write_text("- {audience: media, goal: end-terror, start: 2027-01-01}\n"
                    "- {audience: influencers, goal: end-terror, start: 2027-02-01, days: 30}\n")
    jobs = load_plan(plan, out_dir=tmp_path)
    page = Path(write_index([BatchResult(j, "done", 1.0) for j in jobs])[0]).read_text()
    assert ">From</button>" in page and ">2027-02-01</td>" in page and ">30</td>" in page
    same = plan_jobs("belarus", "media,influencers", "end-terror", "2027-01-01", 30, tmp_path)
    page = Path(write_index([BatchResult(j, "done", 1.0) for j in same])[0]).read_text()
    assert ">From</button>" not in page and (
        'Planning from <span class="nowrap">2027-01-01</span> for 30 days.') in page


@pytest.mark.browser
def test_index_sorts_on_click_without_requests(hostile_case: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    jobs = plan_jobs(hostile_case, None, None, "2025-01-01", 120, tmp_path)
    [path] = write_index([BatchResult(j, "done", float(i)) for i, j in enumerate(jobs)])
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = b.new_page()
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url)
                if not r.url.startswith(("file:", "data:")) else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        priority = "#reports tbody tr td:nth-child(5)"
        page.click("#reports th:nth-child(5) button")
        up = [float(t) for t in page.locator(priority).all_inner_texts()]
        page.click("#reports th:nth-child(5) button")
        down = [float(t) for t in page.locator(priority).all_inner_texts()]
        assert page.evaluate("typeof window.__pwned") == "undefined"
        b.close()
    assert up == sorted(up) and down == sorted(up, reverse=True) and len(up) == len(jobs)
    assert requests == [] and errors == []


# -- running: isolation, equivalence, failures (kernels) --------------------------------------


def notebook(path: Path, parameters: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


WRITER = """\
import os, sys, warnings
leak = "from the report before"
os.environ["SK_LEAK"] = "1"
sys.path.insert(0, helper_dir)
import skhelper
skhelper.counter += 1
os.chdir(helper_dir)
warnings.simplefilter("error")
import strategy_kit.sections.display as d
ids = [next(d._ids) for _ in range(5)]
with open(os.path.join(helper_dir, "kernel.pid"), "w") as f:
    f.write(str(os.getpid()))
"""

CHECKER = """\
import os, sys, warnings
if same_kernel:  # else the check would prove nothing
    with open(os.path.join(helper_dir, "kernel.pid")) as f:
        assert f.read() == str(os.getpid()), "not the kernel the writer ran on"
assert "leak" not in globals() and "skhelper" not in globals()
try:
    leak
except NameError:
    pass
else:
    raise AssertionError("a variable of the report before is defined")
assert get_ipython().execution_count == 4, "as in a new kernel: 3 cells, the 3rd running"
assert len(Out) == 0
assert "SK_LEAK" not in os.environ
assert os.getcwd() == start_cwd, os.getcwd()
assert helper_dir not in sys.path
assert "skhelper" not in sys.modules
assert ("error", None, Warning, None, 0) not in warnings.filters
import strategy_kit.sections.display as d
assert next(d._ids) == 1, "the kit's module state carried over"
sys.path.insert(0, helper_dir)
import skhelper
assert skhelper.counter == 0
"""


def check_job(nb: Path, out: Path, name: str, **parameters: object) -> ReportJob:
    return ReportJob(notebook=nb, parameters=parameters, out=out / "checks" / f"{name}.html",
                     title=f"check <{name}>", case_title="Checks & <tests>", data_hash="0")




def normalized(html: str) -> str:
    """A report's HTML without what legitimately differs between two runs."""
    html = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?", "<time>", html)
    return re.sub(r'(id=|getElementById\(|newPlot\(\s*)"[^"]*"', r'\1"<id>"', html)


@pytest.fixture(scope="module")
def one_kernel(tmp_path_factory: pytest.TempPathFactory):
    """One worker, so that every report runs on the same kernel, in this order."""
    tmp = tmp_path_factory.mktemp("batch")
    helper = tmp / "helper"
    helper.mkdir()
    (helper / "skhelper.py").write_text("counter = 0\n")
    writer = notebook(tmp / "writer.ipynb", 'helper_dir = ""', WRITER)
    checker = notebook(tmp / "checker.ipynb",
                       'helper_dir = ""\nstart_cwd = ""\nsame_kernel = False', CHECKER)
    error = notebook(tmp / "error.ipynb", 'x = 1', 'raise ValueError("boom <b>")', "x = 2")
    dies = notebook(tmp / "dies.ipynb", 'code = 3', "import os\nos._exit(code)", "x = 2")
    sleeper = notebook(tmp / "sleeper.ipynb", "x = 1", "import time\ntime.sleep(120)")
    killer = notebook(tmp / "killer.ipynb", "x = 1", "import os, signal, time\n"
                      "os.kill(int(os.environ['JPY_PARENT_PID']), signal.SIGKILL)\n"
                      "time.sleep(60)")
    out = tmp / "out"
    real = audience_job("belarus", "influencers", "end-terror", START, None, out)
    bad = audience_job("belarus", "media", "end-terror", START, None, out)
    bad = ReportJob(**{**bad.__dict__, "parameters": {**bad.parameters, "audience": "nobody"}})
    checks = dict(helper_dir=str(helper), start_cwd=os.getcwd())
    jobs = [check_job(writer, out, "writer-1", helper_dir=str(helper)), real,
            check_job(writer, out, "writer-2", helper_dir=str(helper)),
            check_job(checker, out, "checker-1", **checks, same_kernel=True),
            check_job(error, out, "error"),
            check_job(dies, out, "dies"),
            check_job(checker, out, "checker-2", **checks, same_kernel=False),
            bad,
            check_job(killer, out, "kills-its-worker"),
            check_job(checker, out, "checker-3", **checks, same_kernel=False),
            check_job(sleeper, out, "sleeps"),
            check_job(checker, out, "checker-4", **checks, same_kernel=False)]
    summary = run_batch(jobs, workers=1, progress=False, execution_timeout=6)
    alone = run_report(audience_job("belarus", "influencers", "end-terror", START, None,
                                    tmp / "alone"))
    return {r.job.out.stem: r for r in summary.results} | {
        "summary": summary, "out": out, "alone": alone, "real": real, "bad": bad}


@pytest.mark.slow
def test_no_variable_module_or_setting_leaks_into_the_next_report(one_kernel) -> None:
    for name in ("writer-1", "writer-2", "checker-1", "checker-2", "checker-3", "checker-4"):
        assert one_kernel[name].status == "done", one_kernel[name].error


@pytest.mark.slow
def test_a_batch_report_is_the_report_run_alone(one_kernel) -> None:
    real = one_kernel[one_kernel["real"].out.stem]
    assert real.status == "done", real.error
    batch = real.job.out.read_text(encoding="utf-8")
    alone = one_kernel["alone"].read_text(encoding="utf-8")
    figures = r"var f = (\{.*?\}); var draw = function"  # display.figure_bundle
    assert len(re.findall(figures, batch, re.S)) == 6  # Spectrum strip in, no measured attention
    assert re.findall(figures, batch, re.S) == re.findall(figures, alone, re.S), "same figures"
    text = [re.sub(r"<[^>]+>", " ", normalized(h.split("<body", 1)[1])).split()
            for h in (batch, alone)]
    assert text[0] == text[1], "same text"
    assert normalized(batch) == normalized(alone), "same page"


@pytest.mark.slow
def test_failures_stay_with_their_report(one_kernel) -> None:
    summary, out = one_kernel["summary"], one_kernel["out"]
    error, dies, bad = one_kernel["error"], one_kernel["dies"], one_kernel["media--end-terror"]
    assert (error.status, error.cell) == ("failed", 2)
    assert "ValueError: boom <b>" in error.error
    assert dies.status == "failed" and dies.cell == 2
    assert "DeadKernelError: the kernel died while this cell ran (exit code 3)" in dies.error
    assert bad.status == "failed"
    assert "UnknownChoiceError: unknown audience 'nobody'" in bad.error
    for r in (error, dies, bad):
        assert not r.job.out.exists(), "no HTML for a failed report"
        assert r.log and Path(r.log).exists(), "the executed notebook is kept"
    killer = one_kernel["kills-its-worker"]
    assert killer.status == "failed" and not killer.job.out.exists()
    assert killer.error == "the worker process died (exit code -9)"
    assert one_kernel["checker-3"].worker != killer.worker, "a new worker took over"
    sleeps = one_kernel["sleeps"]
    assert (sleeps.status, sleeps.cell) == ("failed", 2) and "CellTimeoutError" in sleeps.error
    assert 6 <= sleeps.seconds < 30
    assert len(summary.done) == 7 and len(summary.failed) == 5 and summary.exit_code == 1
    assert leftovers(out) == []
    text = summary.text()
    assert "12 reports in" in text and "7 done, 5 failed" in text
    assert "error.html: cell 2 failed: ValueError: boom <b>" in text
    index = (out / "checks" / "index.html").read_text(encoding="utf-8")
    assert "cell 2 failed: ValueError: boom &lt;b&gt;" in index
    assert "DeadKernelError" in index
    assert "Checks &amp; &lt;tests&gt;" in index


@pytest.mark.slow
def test_batch_command_with_two_workers(tmp_path: Path, capsys) -> None:
    code = batch_main("belarus", "media,influencers,western-public", "support-people", 2,
                      tmp_path, None, START)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.err.splitlines()
    assert lines[0] == "rendering 3 reports with 2 workers"
    assert sum(bool(re.match(r"\[\d/3\] done   [a-z-]+--support-people\.html \(\d+\.\d s\)$", x))
               for x in lines) == 3, "one line per report when stderr is not a terminal"
    assert re.search(r"^3 reports in \d+\.\d s with 2 workers, \d+\.\d\d s a report: "
                     r"3 done, 0 failed$", captured.err, re.M)
    assert re.search(r"^peak memory: \d+ MB", captured.err, re.M)
    index = tmp_path.resolve() / "belarus" / "index.html"
    assert captured.out.strip() == str(index)
    page = index.read_text(encoding="utf-8")
    for a in ("media", "influencers", "western-public"):
        assert (tmp_path / "belarus" / f"{a}--support-people.html").stat().st_size > 100_000
        assert f'href="{a}--support-people.html"' in page
    assert leftovers(tmp_path) == []


# -- interruption ----------------------------------------------------------------------------


def kernels_marked(marker: str) -> list[int]:
    psutil = pytest.importorskip("psutil")
    found = []
    for p in psutil.process_iter(["cmdline", "status"]):
        try:
            if (p.info["status"] != psutil.STATUS_ZOMBIE
                    and "ipykernel_launcher" in " ".join(p.info["cmdline"] or [])
                    and p.environ().get("SK_BATCH_TEST") == marker):
                found.append(p.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGINT to the process group", "SIGTERM to the command"])
def test_interrupt_stops_workers_and_kernels_and_keeps_finished_reports(tmp_path: Path,
                                                                        how: str) -> None:
    marker = uuid.uuid4().hex
    scratch = {"TMPDIR": tmp_path / "tmp", "JUPYTER_RUNTIME_DIR": tmp_path / "runtime"}
    for folder in scratch.values():
        folder.mkdir()
    code = ("import sys\nfrom strategy_kit.batch.command import batch_main\n"
            "if __name__ == '__main__':\n"
            f"    sys.exit(batch_main('belarus', None, 'end-terror', 2, {str(tmp_path / 'out')!r},"
            f" None, {START!r}))\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SK_BATCH_TEST": marker,
                                 **{k: str(v) for k, v in scratch.items()}},
                            start_new_session=True)
    try:
        lines = []
        while not (lines and re.match(r"\[ *1/\d+\]", lines[-1])):
            line = proc.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        assert kernels_marked(marker), "the batch's kernels can be found"
        if how.startswith("SIGINT"):
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == (130 if how.startswith("SIGINT") else 143), rest
    assert "interrupted by SIG" in rest
    deadline = time.monotonic() + 3
    while kernels_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kernels_marked(marker) == [], "no orphan kernel"
    for name, folder in scratch.items():
        assert sorted(p.name for p in folder.iterdir()) == [], f"files left in {name}"
    folder = tmp_path / "out" / "belarus"
    done = sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")
    assert done, "the finished reports are kept"
    for name in done:
        assert (folder / name).read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert leftovers(tmp_path) == [], "no partial file"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "not run" in index
    assert index.count("<a href=") >= len(done)


def test_index_also_lists_reports_of_earlier_runs(tmp_path: Path) -> None:
    from strategy_kit.batch.index import render_index
    from strategy_kit.batch.results import BatchResult

    job = audience_job("belarus", "media", "end-terror", START, None, tmp_path)
    job.out.parent.mkdir(parents=True)
    job.out.write_text("<html><head><title>Media — End terror</title></head></html>")
    earlier = job.out.parent / "overview--all.html"
    earlier.write_text("<html><head><title>Portfolio overview &amp; more</title></head></html>")
    page = render_index([BatchResult(job=job, status="done", seconds=1.0)])
    assert 'href="overview--all.html"' in page
    assert "Portfolio overview &amp; more" in page  # escaped once, as in the report's title
    assert page.count('href="media--end-terror.html"') == 1


def test_index_counts_add_up_rows_go_by_goal_then_rank_and_earlier_scores_stay(
        tmp_path: Path) -> None:
    from strategy_kit.batch.index import render_index
    from strategy_kit.batch.results import BatchResult
    from strategy_kit.reports.meta import META_ID, meta_json, report_meta

    goals = ["end-terror", "non-recognition"]
    jobs = plan_jobs("belarus", "media,influencers,key-governments", goals, START, None,
                     tmp_path)
    folder = jobs[0].out.parent
    folder.mkdir(parents=True)
    # an earlier run's report of another audience, with the scores it was made with
    earlier = audience_job("belarus", "western-public", "end-terror", START, None, tmp_path)
    meta = {**report_meta(earlier), "priority": 0.123456, "rank": 9}
    earlier.out.write_text(
        f'<html><head><title>x</title><script type="application/json" id="{META_ID}">'
        f"{meta_json(meta)}</script></head></html>", encoding="utf-8")
    (folder / "overview--all.html").write_text("<html><head><title>Overview</title></head>")
    (folder / "media--end-terror.pdf").write_bytes(b"%PDF-1.4")
    (folder / "media--end-terror.brief.html").write_text("<html></html>")
    results = [BatchResult(j, "failed" if i == 1 else "done", 1.0, "boom" if i == 1 else None)
               for i, j in enumerate(jobs)]
    page = render_index(results)
    assert page.count("<tr class=") == 8
    assert "8 reports: 5 done, 1 failed, 2 from earlier runs." in page
    table = {g: score_priority(load_case("belarus"), goal=g, start=START).set_index("audience")
             for g in goals}
    rows = re.findall(r'<tr class="[^"]*">.*?</tr>', page, re.S)
    order = list(load_case("belarus").ids("goal"))
    seen = []
    for row in rows[:7]:
        ids = re.findall(r"<small>([a-z-]+)</small>", row)
        rank = int(re.findall(r'data-sort="(\d+)">\d+</td>', row)[0])
        seen.append((order.index(ids[1]), rank))  # goals in the case's order
        if ids[0] != "western-public":  # this run's rows: the engine's rank
            assert rank == int(table[ids[1]].loc[ids[0], "rank"])
    assert seen == sorted(seen), "by goal, then rank"
    assert "Overview" in rows[7], "a report without scores comes last"
    earlier_row = next(r for r in rows if "western-public" in r)
    assert ">0.12<" in earlier_row and 'data-sort="9"' in earlier_row and "earlier" in earlier_row
    media = next(r for r in rows if 'href="media--end-terror.html"' in r)
    assert 'href="media--end-terror.pdf">PDF<' in media
    assert 'href="media--end-terror.brief.html">brief<' in media
    assert "media--end-terror.brief.html</a>" not in page.replace(">brief<", ""), "not a report"
    assert "td.date, .nowrap { white-space: nowrap; }" in page
