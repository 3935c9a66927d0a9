from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest
from papermill.translators import PythonTranslator

from strategy_kit import config, load_case
from strategy_kit.attention import AttentionFileError
from strategy_kit.errors import BadParameterError
from strategy_kit.sections.measured import TRUST_R2, study_attention

NOTEBOOK = config.NOTEBOOKS_DIR / "04-attention.ipynb"
SAMPLE = config.NOTEBOOKS_DIR / "made-up-example" / "MADE-UP-media-cloud-belarus-2023.csv"


def media_cloud(path: Path, spikes: tuple[tuple[str, float, float], ...], first: str = "2024-09-01",
                last: str = "2025-03-31", seed: int = 1) -> Path:
    """A Media Cloud export: a 0.3 % baseline plus (peak day, excess share, half-life) decays."""
    days = pd.date_range(first, last, freq="D")
    t = np.arange(len(days))
    share = np.full(len(days), 0.003)
    for day, excess, half_life in spikes:
        p = days.get_loc(pd.Timestamp(day))
        share[p:] += excess * 2 ** (-(t[p:] - p) / half_life)
    rng = np.random.default_rng(seed)
    share *= 1 + 0.03 * rng.standard_normal(len(days))
    total = np.full(len(days), 40_000)
    count = np.round(total * share).astype(int)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "count": count, "total_count": total,
                  "ratio": count / total}).to_csv(path, index=False)
    return path


# Human Rights Day (template case, yearly from 2024-12-10) and an unexplained spike.
SPIKES = (("2024-12-10", 0.02, 5.0), ("2025-01-20", 0.012, 4.0))


def run(tmp_path: Path, case: Path, file: str) -> str:
    """Run the notebook; return its HTML outputs, joined (and check no cell failed)."""
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters={"case": str(case),
                               "file": file}, kernel_name="python3", progress_bar=False,
                               cwd=str(tmp_path))
    nb = nbformat.read(out, as_version=4)
    html = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o["output_type"] != "error", o
            html.append(str(o.get("data", {}).get("text/html", "")))
    return "\n".join(html)


def test_notebook_is_committed_without_outputs_and_tags_its_parameters() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    # papermill reads every line (a second "=" on a line would hide it from papermill)
    found = PythonTranslator.inspect(params[0])
    assert [(p.name, p.inferred_type_name, p.default) for p in found] == [
        ("case", "str", '"belarus"'),
        ("file", "str", '"made-up-example/MADE-UP-media-cloud-belarus-2023.csv"')]
    assert "empty means the first file in the case's attention/ folder" in found[1].help
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            # no logic: a parameter, an import, or one call of the package per cell
            assert cell is params[0] or len(cell.source.splitlines()) == 1


@pytest.mark.slow
def test_notebook_runs_on_a_file_and_shows_series_spikes_half_lives_and_note(
        edit: Callable, tmp_path: Path) -> None:
    case = edit("moments.csv", "Human Rights Day", "Human Rights Day <script>alert(1)</script>")
    export = media_cloud(tmp_path / "exports" / "hrd.csv", SPIKES)
    html = run(tmp_path, case, str(export))
    assert "hrd.csv (Media Cloud counts over time): 212 days" in html
    assert 'class="sk-figure"' in html and "Share of coverage, hrd.csv" in html
    assert "Human Rights Day &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "not in moments.csv" in html  # the January spike
    assert "Fitted half-lives" in html
    # the note quotes the moment's row with the fitted half-life (5 days) written in
    assert "human-rights-day,Human Rights Day &lt;script&gt;alert(1)&lt;/script&gt;," \
           "anniversary,2024-12-10,,yearly,0.6,5,30," in html
    assert "half-life fitted on hrd.csv, spike of 2024-12-10" in html


@pytest.mark.slow
def test_notebook_reads_the_first_file_of_the_case_attention_folder(
        template_copy: Path, tmp_path: Path) -> None:
    media_cloud(template_copy / "attention" / "a-first.csv", SPIKES)
    media_cloud(template_copy / "attention" / "b-second.csv", SPIKES[:1])
    (template_copy / "attention" / "README.md").write_text(
        "# Notes\n\nSYNTHETIC **test** data.\n", encoding="utf-8")
    html = run(tmp_path, template_copy, "")
    assert "a-first.csv" in html and "b-second.csv" not in html
    assert "SYNTHETIC test data." in html


def test_study_matches_spikes_to_moments_and_fits_half_lives(template_copy: Path,
                                                             tmp_path: Path) -> None:
    export = media_cloud(tmp_path / "x.csv", SPIKES)
    s = study_attention(template_copy, export)
    sp = s.spikes
    assert list(sp["peak_date"].dt.strftime("%Y-%m-%d")) == ["2024-12-10", "2025-01-20"]
    assert list(sp["moment"]) == ["human-rights-day", ""]
    assert sp["case_half_life"].iloc[0] == 7 and math.isnan(sp["case_half_life"].iloc[1])
    assert sp["half_life_days"].iloc[0] == pytest.approx(5.0, rel=0.15)
    assert bool(sp["trusted"].iloc[0]) and sp["r2"].iloc[0] >= TRUST_R2
    assert s.readme == ""


def test_study_finds_a_file_by_name_in_the_attention_folder(template_copy: Path) -> None:
    media_cloud(template_copy / "attention" / "hrd.csv", SPIKES)
    s = study_attention(load_case(template_copy), "hrd.csv")
    assert s.file == template_copy / "attention" / "hrd.csv"


def test_study_says_which_files_there_are(template_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(BadParameterError, match=r"none in example/attention/: download one"):
        study_attention(template_copy, "")
    media_cloud(template_copy / "attention" / "hrd.csv", SPIKES)
    with pytest.raises(BadParameterError, match=r"bad file 'nope.csv'.*attention/: hrd.csv"):
        study_attention(template_copy, "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("stories,day\n3,2024-01-01\n", encoding="utf-8")
    with pytest.raises(AttentionFileError, match="not a known media-attention header"):
        study_attention(template_copy, bad)


def test_made_up_example_is_labelled_and_in_no_case(tmp_path: Path) -> None:
    # made-up attention never reaches a report: no case of the kit carries an attention series
    assert not list(config.DATA_DIR.glob("*/attention/*.csv"))
    readme = (SAMPLE.parent / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC example data, not measured" in readme and "MADE-UP" in SAMPLE.name
    assert SAMPLE.read_text(encoding="utf-8").startswith("date,count,total_count,ratio\n")
    # copied, so that the test does not depend on the rest of data/belarus being finished
    case = tmp_path / "case"
    shutil.copytree(config.TEMPLATE_CASE_DIR, case)
    (case / "moments.csv").write_text(
        "id,name,kind,start,end,recurrence,intensity,half_life_days,lead_days\n"
        "russian-nukes-2023,Russian nuclear weapons in Belarus,crisis,2023-03-25,,none,0.9,30,0\n"
        "wagner-2023,Wagner mercenaries in Belarus,crisis,2023-07-15,,none,0.9,21,0\n"
        "human-rights-day,Human Rights Day,anniversary,2024-12-10,,yearly,0.6,7,30\n"
        "summit,Annual security summit,event,2025-02-14,2025-02-16,yearly,0.8,10,60\n",
        encoding="utf-8")
    links = (case / "moment_interests.csv").read_text(encoding="utf-8").splitlines()
    (case / "moment_interests.csv").write_text("\n".join(  # the template's other moments go
        r for r in links if not r.startswith(("border-crisis,", "summer-recess,"))) + "\n",
        encoding="utf-8")
    s = study_attention(case, SAMPLE.relative_to(config.NOTEBOOKS_DIR))  # as the notebook does
    assert len(s.series) == 365
    matched = s.spikes[s.spikes["moment"] != ""].set_index("moment")
    assert set(matched.index) == {"russian-nukes-2023", "wagner-2023"}
    assert matched.loc["russian-nukes-2023", "peak_date"] == pd.Timestamp("2023-03-26")
    assert matched.loc["wagner-2023", "peak_date"] == pd.Timestamp("2023-07-15")
    assert matched["trusted"].all()
