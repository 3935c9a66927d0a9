"""The plan in practice (issue 22): owners, statuses, person-days per month against capacity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import strategy_kit as sk
from strategy_kit.errors import CaseError
from strategy_kit.model.plan import action_results, monthly_load, plan_actions, status_counts

TINY = Path(__file__).parents[1] / "cases" / "tiny"

ACTIONS = (
    "id,who,what,start,end,audience,goal,format,allies,resources,owner,person_days,budget,"
    "status,indicator,result\n"
    "prep-mps,Team,Prepare the MPs,2025-02-20,2025-03-11,mps,release,brief,ngo,,Ana,20,500,"
    "done,Two MPs ask a question,One MP did\n"
    """\
late-rally,Team,Diaspora rally,2025-03-01,,diaspora,release,,,,,6,,,,
press-kit,Team,Press kit,2025-09-08,2025-09-09,press,sanctions,,,,,4,,dropped,,
""")


@pytest.fixture
def case(tmp_path: Path) -> Path:
    c = tmp_path / "tiny"
    shutil.copytree(TINY, c)
    (c / "actions.csv").write_text(ACTIONS)
    with (c / "case.yaml").open("a") as f:
        f.write("capacity: 15\n")
    return c


def test_owner_defaults_to_who_and_status_to_planned(case: Path) -> None:
    a = plan_actions(sk.load_case(case)).set_index("action")
    assert a.loc["prep-mps", "owner"] == "Ana" and a.loc["late-rally", "owner"] == "Team"
    assert a.loc["late-rally", "status"] == "planned" and a.loc["press-kit", "status"] == "dropped"
    counts = status_counts(sk.load_case(case)).set_index("goal")
    assert counts.loc["release", ["planned", "done", "dropped"]].tolist() == [1, 1, 0]
    assert counts.loc["sanctions", ["planned", "done", "dropped"]].tolist() == [0, 0, 1]


def test_a_month_over_capacity_is_flagged(case: Path) -> None:
    load = monthly_load(sk.load_case(case)).set_index("month")
    # prep-mps: 20 person-days over 20 days, 9 in February and 11 in March; the rally (one
    # day, 6) in March; the dropped press kit counts nowhere.
    feb, mar = load.loc["2025-02-01"], load.loc["2025-03-01"]
    assert feb["person_days"] == pytest.approx(9.0) and not feb["over"]
    assert mar["person_days"] == pytest.approx(17.0) and mar["over"]
    assert len(load) == 2 and (load["capacity"] == 15).all()


def test_done_actions_carry_their_result_and_attention(case: Path) -> None:
    done = action_results(sk.load_case(case))
    assert list(done["action"]) == ["prep-mps"]
    r = done.iloc[0]
    assert r["result"] == "One MP did" and r["indicator"] == "Two MPs ask a question"
    assert 0 < r["attention"] <= 1  # the crackdown of 1 March falls in the action's days


def test_bad_status_and_capacity_are_named(case: Path) -> None:
    (case / "actions.csv").write_text(ACTIONS.replace(",done,", ",finished,"))
    (case / "case.yaml").write_text((case / "case.yaml").read_text().replace(
        "capacity: 15", "capacity: -3"))
    with pytest.raises(CaseError) as e:
        sk.load_case(case)
    text = str(e.value)
    assert "actions.csv, row 2, column 'status'" in text and "planned, done, dropped" in text
    assert "column 'capacity'" in text


def test_the_sections_show_owners_statuses_and_the_flag(case: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    from strategy_kit.sections.plan import show_plan_in_practice
    from strategy_kit.sections.portfolio import study_portfolio

    show_plan_in_practice(study_portfolio(sk.load_case(case), "all", "2025-01-01", 365))
    page = capsys.readouterr().out
    for text in ("Who does what", "Ana", "dropped", "Over capacity", "Mar 2025 (17.0 of 15)",
                 "One MP did", "planned, done, dropped"):
        assert text in page, text
