"""Reports: papermill runs, offline HTML export, provenance, escaping, failures, bad input."""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from click.testing import CliRunner
from plotly.offline import get_plotlyjs_version

from strategy_kit import RunError, config, load_case
from strategy_kit.cli import cli
from strategy_kit.model.scoring import score_contributions, score_fit
from strategy_kit.reports.bundle import VENDORED_BUNDLE
from strategy_kit.reports.render import ReportJob, audience_job, run_report

pytestmark = pytest.mark.slow
PAPERMILL = [sys.executable, "-m", "papermill"]


def values(v: object) -> np.ndarray:
    """Numbers of a Plotly JSON array: a list, or a typed array (``bdata``) since plotly 6."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v, dtype=float)


def html_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_report_paths_follow_design(rendered: dict[str, Path]) -> None:
    assert rendered["audience"].name == "media--end-terror.html"
    assert rendered["audience"].parent.name == "belarus"
    assert rendered["overview"].name == "overview--all.html"
    assert rendered["hostile"].parent.name == "hostile"
    assert not list(rendered["audience"].parent.glob("*.failed.ipynb"))
    assert not list(rendered["audience"].parent.glob(".*.tmp"))


@pytest.mark.parametrize("which", ["audience", "overview"])
def test_html_is_offline_and_self_contained(rendered: dict[str, Path], which: str) -> None:
    html = html_of(rendered[which])
    # plotly.js is embedded once, compressed: the cartesian bundle of plotly.py's version
    packed = re.findall(r'<script[^>]*id="sk-plotly-gz"[^>]*>(.*?)</script>', html, re.S)
    assert len(packed) == 1
    js = gzip.decompress(base64.b64decode(packed[0])).decode()
    assert js == gzip.decompress(VENDORED_BUNDLE.read_bytes()).decode()
    assert f"(cartesian - minified) v{get_plotlyjs_version()}" in js[:200]
    assert "plotly.js v" not in html, "the full bundle is not embedded as well"
    assert len(html.encode()) <= 2_000_000, "a report travels: 2 MB at most (issue 14)"
    assert not re.search(r"<script[^>]+src=", html), "no external script"
    assert not re.search(r"<link[^>]+href=\"http", html), "no external stylesheet"
    page = html.replace(packed[0], "")
    for needle in ("cdn.jsdelivr", "cdnjs", "unpkg.com", "require.js", "MathJax.js", "mathjax@",
                   "url(http", 'src="http', 'href="http', "@import"):
        assert needle not in page, needle
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "sk.show_" not in html and "import strategy_kit" not in html, "no input code"
    assert 'class="sk-toc"' in html
    anchors = re.findall(r'<nav class="sk-toc".*?</nav>', html, re.S)[0]
    for target in re.findall(r'href="#([^"]+)"', anchors):
        assert f'id="{target}"' in html


def test_provenance_once_in_the_appendix(rendered: dict[str, Path]) -> None:
    html = html_of(rendered["audience"])
    case = load_case("belarus")
    appendix = html[html.index('id="Appendix"'):]
    provenance = appendix[appendix.index('id="Provenance"'):]
    assert case.data_hash in provenance
    assert "Keeping Belarus on the international agenda" in provenance
    assert "2027-01-01" in provenance and "end-terror" in provenance
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", provenance)
    # once on the page; the head's machine-readable metadata (for the index) aside
    meta = re.compile(r'<script[^>]*id="strategy-kit-meta"[^>]*>.*?</script>', re.S)
    assert len(meta.findall(html)) == 1
    assert meta.sub("", html).count(case.data_hash) == 1, "provenance appears once"
    footer = html[html.index('class="sk-footer"'):]
    assert 'href="#Provenance"' in footer
    assert str(case.path.parent) not in html, "no local path in a shared report"


@pytest.mark.parametrize("which", ["audience", "overview"])
def test_the_lead_comes_first(rendered: dict[str, Path], which: str) -> None:
    """Summary first; the workshop's advice under its own heading; the appendix last."""
    html = html_of(rendered[which])
    heads = re.findall(r'<h2 id="([^"]+)"', html)
    heads = [h for h in heads if h != "Contents"]
    assert heads[0] == "Summary"
    assert heads[-1] == "Appendix"
    assert "What-the-workshop-advised" in heads
    assert heads.index("What-the-workshop-advised") < heads.index("Appendix")
    after = html[html.index('id="Appendix"'):]
    assert after.index('id="Method"') < after.index('id="Provenance"')
    assert "<details" in after[:after.index('id="Provenance"')], "the method is folded"


def test_method_section_quotes_docs_method(rendered: dict[str, Path]) -> None:
    html = html_of(rendered["audience"])
    first_heading = next(
        ln.lstrip("# ").strip() for ln in config.METHOD_DOC.read_text().splitlines()
        if ln.startswith("## ")
    )
    assert first_heading in html


def test_case_strings_are_escaped(rendered: dict[str, Path]) -> None:
    html = html_of(rendered["hostile"])
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned" in html or "\\u003cscript\\u003ewindow" in html
    assert '<img src=x onerror="window.__pwned=2">' not in html
    assert "&lt;img src=x onerror=" in html


def test_plotted_fit_equals_engine_fit(tmp_path: Path) -> None:
    import papermill as pm

    out = tmp_path / "run.ipynb"
    pm.execute_notebook(str(config.NOTEBOOKS_DIR / "01-audience-strategy.ipynb"), str(out),
                        parameters={"audience": "influencers", "goal": "support-victims",
                                    "start": "2027-03-01", "days": 200},
                        kernel_name="python3", progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    figures = [o["data"]["application/vnd.plotly.v1+json"] for c in nb.cells
               if c.cell_type == "code" for o in c.get("outputs", [])
               if "application/vnd.plotly.v1+json" in o.get("data", {})]
    title = "contributions to fit"
    contrib = next(f for f in figures if title in f["layout"]["title"]["text"])
    plotted = sum(values(t["x"]).sum() for t in contrib["data"] if t["type"] == "bar")
    case = load_case("belarus")
    fit = score_fit(case, "support-victims").set_index("audience").loc["influencers", "fit"]
    assert plotted == pytest.approx(fit, abs=1e-9)
    engine = score_contributions(case, "influencers", "support-victims")
    assert engine["contribution"].sum() == pytest.approx(fit)


def test_plain_papermill_cli_and_help(tmp_path: Path) -> None:
    nb = str(config.NOTEBOOKS_DIR / "01-audience-strategy.ipynb")
    helped = subprocess.run([*PAPERMILL, "--help-notebook", nb], capture_output=True, text=True,
                            check=True)
    for name in ("case", "audience", "goal", "start", "days"):
        assert re.search(rf"\b{name}: ", helped.stdout), helped.stdout
    assert "planning start" in helped.stdout
    out = tmp_path / "out.ipynb"
    subprocess.run([*PAPERMILL, nb, str(out), "-p", "audience", "media", "-p", "goal",
                    "end-terror", "-p", "start", "2027-01-01", "--kernel", "python3"],
                   check=True, capture_output=True)
    ran = nbformat.read(out, as_version=4)
    assert not any(o.get("output_type") == "error" for c in ran.cells for o in c.get("outputs", []))


# -- bad input: exit 2, before any kernel starts, nothing written ------------------------------

BAD_ARGS = [
    (["--audience", "medai", "--goal", "end-terror"],
     "unknown audience 'medai'; did you mean 'media'?"),
    (["--audience", "media", "--goal", "end-teror"],
     "unknown goal 'end-teror'; did you mean 'end-terror'?"),
    (["--audience", "media", "--goal", "end-terror", "--start", "2027-13-01"],
     "bad start '2027-13-01': expected a date that exists in the calendar, YYYY-MM-DD"),
    (["--audience", "media", "--goal", "end-terror", "--case", "belarsu"],
     "no case 'belarsu'"),
    (["--audience", "media", "--goal", "end-terror", "--days", "-3"], "bad days '-3'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_ARGS)
def test_report_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["report", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Choices:" in result.output or "expected" in result.output or "Cases" in result.output
    assert not any(tmp_path.iterdir()), "nothing written"


def test_overview_bad_goal(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["overview", "--goal", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown goal 'nope'" in result.output
    assert not any(tmp_path.iterdir())


def test_failed_run_keeps_earlier_report_and_log(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell('audience: str = "x"  # who')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("1 + 1"),
                nbformat.v4.new_code_cell("raise RuntimeError('boom in cell')")]
    src = tmp_path / "failing.ipynb"
    nbformat.write(nb, src)
    out = tmp_path / "out" / "case" / "a--g.html"
    out.parent.mkdir(parents=True)
    out.write_text("earlier report")
    job = ReportJob(notebook=src, parameters={"audience": "y"}, out=out, title="t",
                    case_title="c", data_hash="h")
    with pytest.raises(RunError, match=r"cell \d+ failed: RuntimeError: boom in cell") as info:
        run_report(job)
    assert info.value.cell is not None
    assert out.read_text() == "earlier report"
    log = out.with_suffix(".failed.ipynb")
    assert log.exists() and info.value.log == str(log)
    assert sorted(p.name for p in out.parent.iterdir()) == ["a--g.failed.ipynb", "a--g.html"]


def test_report_job_parameters_are_json_safe() -> None:
    job = audience_job("belarus", "media", "end-terror", "2027-01-01", 30)
    assert json.loads(json.dumps(dict(job.parameters))) == dict(job.parameters)
    assert job.parameters["start"] == "2027-01-01" and job.parameters["days"] == 30


def test_broken_case_is_bad_input_even_after_the_quick_checks(template_copy: Path,
                                                              tmp_path: Path) -> None:
    # ids, dates and the folder pass the cheap checks; the full validation then fails
    p = template_copy / "audiences.csv"
    p.write_text(p.read_text().replace("Decision makers,0.8", "Decision makers,8"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", "--case", str(template_copy), "--audience",
                                      "lawmakers", "--goal", "release-prisoners", "--out",
                                      str(out)])
    assert result.exit_code == 2, result.output
    assert "audiences.csv, row 2, column 'influence'" in result.output
    assert not out.exists(), "nothing written"


def test_measured_attention_only_from_a_case_s_own_files(rendered: dict[str, Path],
                                                         template_copy: Path,
                                                         tmp_path: Path) -> None:
    html = html_of(rendered["audience"])
    assert '<h2 id="Measured-attention"' not in html, "no measurement, no section"
    for word in ("SYNTHETIC", "MADE-UP", "made up", "do not quote"):
        assert word not in html
    folder = template_copy / "attention"
    folder.mkdir()
    days = [f"2024-11-{d:02d}" for d in range(1, 31)] + [f"2024-12-{d:02d}" for d in range(1, 32)]
    values = [3, 4, 3, 5, 4, 3, 4, 3, 4, 5, 4, 3, 4, 4, 3, 5, 4, 3, 4, 4, 3, 4, 5, 4, 3, 4, 3, 4,
              5, 4, 4, 3, 4, 5, 4, 3, 4, 4, 3, 60, 41, 28, 19, 13, 9, 7, 5, 4, 4, 3, 4, 5, 4,
              3, 4, 4, 3, 4, 5, 4, 4]
    (folder / "stories.csv").write_text(
        "date,belarus stories\n" + "".join(f"{d},{v}\n" for d, v in zip(days, values,
                                                                      strict=True)))
    out = run_report(audience_job(template_copy, "lawmakers", "release-prisoners",
                                  "2025-01-01", 120, tmp_path))
    html = html_of(out)
    assert '<h2 id="Measured-attention"' in html
    assert ("Measured data: stories.csv (wide CSV (a date column and numeric series), column "
            "“belarus stories”), 1 Nov 2024 to 31 Dec 2024, 1 spike(s).") in html
    assert "fitted decay" in html


# -- issue 19: plain words first, whose numbers, safeguards, EXAMPLE rows, the spectrum -------


def _plain(html: str) -> str:
    import html as html_lib

    text = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


def test_report_says_whom_to_ask_whose_numbers_and_safeguards(rendered: dict[str, Path]) -> None:
    html = html_of(rendered["audience"])  # media, end-terror: a channel, not a decider
    text = _plain(html)
    summary = text[text.index("Summary ¶"):]
    assert summary.index("Use Media to move") < summary.index("Whose numbers") \
        < summary.index("Priority ")  # the sentence first, the formula below
    assert "Media themselves are not the ones to ask" in text
    assert "by the case's authors" in text and "0.3 a little, 0.6 clearly, 0.9 strongly" in text
    safeguard = ("Only with the consent of the people inside, never with names, faces or voices "
                 "that could identify them")
    assert safeguard in text  # beside "Voices from inside Belarus", media's first format
    assert "Spectrum of Allies for this goal" in html
    assert "EXAMPLE: " in html and "EXAMPLE rows of the case" in text


def test_overview_says_whom_to_ask_and_shows_the_spectrum(rendered: dict[str, Path]) -> None:
    html = html_of(rendered["overview"])
    text = _plain(html)
    assert "whom to ask" in text and "through" in text
    assert "Whose numbers: every score here is a judgement" in text
    assert "Spectrum of Allies, per goal" in html
    assert "EXAMPLE: " in html
