"""Scenarios (issue 22): one overridden cell changes exactly what it reaches; bad ones are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import strategy_kit as sk
from strategy_kit.errors import CaseError, UnknownChoiceError

TINY = Path(__file__).parents[1] / "cases" / "tiny"
START = "2025-01-01"


def _tiny(tmp_path: Path, scenarios: dict[str, str]) -> Path:
    case = tmp_path / "tiny"
    shutil.copytree(TINY, case)
    (case / "scenarios").mkdir()
    for name, text in scenarios.items():
        (case / "scenarios" / f"{name}.yaml").write_text(text)
    return case


MPS_090 = """\
title: Stronger MPs
question: Do MPs decide more than we thought?
answer: "Yes"
source: a test
overrides:
  audiences:
    - {id: mps, influence: 0.9}
"""


def test_one_cell_changes_exactly_what_it_reaches(tmp_path: Path) -> None:
    case = _tiny(tmp_path, {"stronger-mps": MPS_090})
    base = sk.score_priority(sk.load_case(case), start=START).set_index(["goal", "audience"])
    scen_case = sk.load_case(case, scenario="stronger-mps")
    assert scen_case.scenario == "stronger-mps"
    scen = sk.score_priority(scen_case, start=START).set_index(["goal", "audience"])
    scen = scen.loc[base.index]
    # fit and timing do not depend on influence: unchanged everywhere
    pd.testing.assert_series_equal(base["fit"], scen["fit"])
    pd.testing.assert_series_equal(base["timing"], scen["timing"])
    # influence and priority change on the mps rows only (additive rule: 0.3 × influence)
    changed = base.index[(base["priority"] - scen["priority"]).abs() > 1e-12]
    assert sorted(changed) == [("release", "mps"), ("sanctions", "mps")]
    # by hand: sanctions, mps: 0.4·0 + 0.3·0.9 + 0.3·0.6 = 0.45 > press 0.43 → mps 2nd, press 3rd
    assert scen.loc[("sanctions", "mps"), "priority"] == pytest.approx(0.45, abs=1e-3)
    assert base.loc[("sanctions", "mps"), "rank"] == 3 and base.loc[("sanctions", "press"),
                                                                   "rank"] == 2
    assert scen.loc[("sanctions", "mps"), "rank"] == 2 and scen.loc[("sanctions", "press"),
                                                                   "rank"] == 3
    # release: mps stays first (0.826), the others keep their ranks
    assert scen.loc[("release", "mps"), "priority"] == pytest.approx(0.826, abs=1e-3)
    assert (scen.xs("release")["rank"] == base.xs("release")["rank"]).all()
    # the case itself is untouched, and each version is its own immutable case
    assert sk.load_case(case).audiences.set_index("id").loc["mps", "influence"] == 0.8
    assert scen_case.data_hash != sk.load_case(case).data_hash


def test_added_link_row_and_dropped_row(tmp_path: Path) -> None:
    text = """\
title: Press cares about security
overrides:
  audience_interests:
    - {audience: press, interest: security, weight: 1.0}
  frames:
    - {id: fear, drop: true}
"""
    case = _tiny(tmp_path, {"press-security": text})
    c = sk.load_case(case, scenario="press-security")
    ai = c.audience_interests
    assert ((ai["audience"] == "press") & (ai["interest"] == "security")).sum() == 1
    assert "fear" not in set(c.frames["id"]) and "fear" not in set(c.frame_interests["frame"])
    # press, release: (0.5·0.5 + 1.0·1.0) / (0.5 + 0.5 + 1.0) = 0.625
    fit = sk.score_fit(c, "release").set_index("audience")["fit"]
    assert fit["press"] == pytest.approx(0.625)


def test_settings_override(tmp_path: Path) -> None:
    text = "title: Fit only\nsettings:\n  weights: {fit: 1, influence: 0, timing: 0}\n"
    case = _tiny(tmp_path, {"fit-only": text})
    c = sk.load_case(case, scenario="fit-only")
    assert dict(c.weights) == {"fit": 1.0, "influence": 0.0, "timing": 0.0}


def _problems(case: Path, name: str) -> list[str]:
    with pytest.raises(CaseError) as e:
        sk.load_case(case, scenario=name)
    return [str(p) for p in e.value.problems]


def test_bad_override_names_file_line_and_column(tmp_path: Path) -> None:
    bad = MPS_090.replace("influence: 0.9", "influence: 1.5")
    case = _tiny(tmp_path, {"bad": bad})
    (p,) = _problems(case, "bad")
    assert p.startswith("scenarios/bad.yaml, line 7, column 'influence'")
    assert "1.5" in p and "a number from 0 to 1" in p


def test_unknown_row_column_and_table_are_named_with_a_close_match(tmp_path: Path) -> None:
    text = """\
title: Slips
overrides:
  audiences:
    - {id: mp, influence: 0.9}
    - {id: press, influense: 0.9}
  audience_interest:
    - {audience: press, interest: rights, weight: 0.1}
"""
    case = _tiny(tmp_path, {"slips": text})
    ps = _problems(case, "slips")
    assert any("line 5, column 'influense'" in p and "did you mean 'influence'" in p for p in ps)
    assert any("unknown table 'audience_interest'" in p
               and "did you mean 'audience_interests'" in p for p in ps)
    text = "title: Slip\noverrides:\n  audiences:\n    - {id: mp, influence: 0.9}\n"
    (case / "scenarios" / "slip.yaml").write_text(text)
    (p,) = _problems(case, "slip")
    assert p.startswith("scenarios/slip.yaml, line 4, column 'id'") and "'mps'" in p


def test_a_bad_reference_in_an_added_row_is_the_scenarios(tmp_path: Path) -> None:
    text = ("title: New pair\noverrides:\n  format_audiences:\n"
            "    - {format: breif, audience: press, fit: 0.5}\n")
    case = _tiny(tmp_path, {"pair": text})
    (p,) = _problems(case, "pair")
    assert p.startswith("scenarios/pair.yaml, line 4") and "brief" in p


def test_unknown_scenario(tmp_path: Path) -> None:
    case = _tiny(tmp_path, {"stronger-mps": MPS_090})
    with pytest.raises(UnknownChoiceError, match="did you mean 'stronger-mps'"):
        sk.load_case(case, scenario="stronger-mp")


def test_belarus_has_scenarios_with_sources() -> None:
    from strategy_kit.case.scenario import list_scenarios, read_scenario

    path = sk.load_case("belarus").path
    names = list_scenarios(path)
    assert len(names) >= 3
    questions = {q["question"] for q in sk.load_case("belarus").guidance["open_questions"]}
    for name in names:
        s = read_scenario(path, name)
        assert s.source.startswith("Seed") and s.question in questions and s.answer
        assert sk.load_case("belarus", scenario=name).scenario == name


def test_report_jobs_carry_the_scenario_to_the_notebook(tmp_path: Path) -> None:
    from strategy_kit.batch.plan import plan_jobs
    from strategy_kit.reports.brief import write_brief
    from strategy_kit.reports.render import overview_job

    case = _tiny(tmp_path, {"stronger-mps": MPS_090})
    c = sk.load_case(case, scenario="stronger-mps")
    jobs = plan_jobs(c, "mps", "sanctions", START, 365, tmp_path / "r")
    (job,) = jobs
    assert job.parameters["scenario"] == "stronger-mps"
    assert job.out.parent.name == "tiny--stronger-mps"  # never over the case's own reports
    assert overview_job(c, out_dir=tmp_path / "r").parameters["scenario"] == "stronger-mps"
    assert "scenario" not in overview_job(sk.load_case(case), out_dir=tmp_path).parameters
    brief = write_brief(c, "mps", "sanctions", START, 365, tmp_path / "r")
    assert brief.parent.name == "tiny--stronger-mps"


def test_cli_scores_under_a_scenario(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from strategy_kit.cli import cli

    case = _tiny(tmp_path, {"stronger-mps": MPS_090})
    r = CliRunner().invoke(cli, ["scores", str(case), "--scenario", "stronger-mps", "--goal",
                                 "sanctions", "--start", START, "--csv"])
    assert r.exit_code == 0, r.output
    assert "mps,sanctions,0.0000,0.9000,0.6000,0.4500,2" in r.output
    r = CliRunner().invoke(cli, ["report", str(case), "--audience", "mps", "--goal", "release",
                                 "--scenario", "nope"])
    assert r.exit_code == 2 and "unknown scenario 'nope'" in r.output


def test_bad_settings_are_named_by_key(tmp_path: Path) -> None:
    text = "title: W\nsettings:\n  weights: {fit: 2}\n  capacity: many\n"
    case = _tiny(tmp_path, {"w": text})
    ps = _problems(case, "w")
    assert any(p.startswith("scenarios/w.yaml, column 'settings.weights.fit'") for p in ps)
    assert any(p.startswith("scenarios/w.yaml, column 'settings.capacity'") for p in ps)
