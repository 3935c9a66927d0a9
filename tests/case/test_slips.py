"""Slips a strategist makes, each caught with a message that names the likely fix (issue 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from strategy_kit import CaseError, load_case
from strategy_kit.case.template import write_template


def problems(case: Path) -> list[str]:
    with pytest.raises(CaseError) as err:
        load_case(case)
    return [str(p) for p in err.value.problems]


def test_a_percentage_weight_suggests_the_fraction(edit: Callable) -> None:
    case = edit("case.yaml", "  fit: 0.4", "  fit: 40")
    (msg,) = problems(case)
    assert msg == ("case.yaml, column 'weights.fit': 'weights.fit' is out of range (got '40'); "
                   "allowed: a number from 0 to 1; did you mean '0.40'?")


def test_a_decimal_comma_in_case_yaml(edit: Callable) -> None:
    case = edit("case.yaml", "  timing: 0.3", "  timing: 0,3")
    (msg,) = problems(case)
    assert "'weights.timing' is not a number (got '0,3')" in msg
    assert "did you mean '0.3'?" in msg


def test_priority_rule_and_windows_are_checked(edit: Callable) -> None:
    edit("case.yaml", "\npriority: gated", "\npriority: geometric")
    case = edit("case.yaml", "  rule: relative\n  share: 0.8\n  floor: 0.05",
                "  rule: relativ\n  share: 80\n  floor: -1\n  treshold: 0.5")
    msgs = problems(case)
    assert any("unknown priority rule (got 'geometric'); allowed: gated or additive" in m
               for m in msgs)
    assert any("unknown window rule (got 'relativ')" in m and "did you mean 'relative'" in m
               for m in msgs)
    assert any("'windows.share' is out of range (got '80'); allowed: a number above 0 and at "
               "most 1; did you mean '0.80'?" in m for m in msgs)
    assert any("'windows.floor' is out of range (got '-1')" in m for m in msgs)
    assert any("unknown key 'windows.treshold'" in m and "did you mean 'threshold'" in m
               for m in msgs)


def test_valid_settings_reach_the_case(edit: Callable) -> None:
    edit("case.yaml", "\npriority: gated", "\npriority: additive")
    case = load_case(edit("case.yaml", "  share: 0.8\n  floor: 0.05", "  share: 0.7"))
    assert case.priority_rule == "additive"
    assert dict(case.windows) == {"rule": "relative", "share": 0.7, "floor": 0.05,
                                  "threshold": 0.5}


def test_yaml_syntax_error_says_how_to_quote(edit: Callable) -> None:
    case = edit("case.yaml", 'title: "Example campaign"', "title: Belarus: the next year")
    (msg,) = problems(case)
    assert msg.startswith("case.yaml, line 2: not valid YAML")
    assert 'in double quotes, e.g. title: "Belarus: the next year"' in msg


@pytest.mark.parametrize(("cell", "fix"), [('"0,9"', "0.9"), ("90", "0.90"), ("90%", "0.90")])
def test_a_score_typed_as_a_percentage_or_with_a_comma(edit: Callable, cell: str,
                                                       fix: str) -> None:
    case = edit("format_audiences.csv", "briefing,lawmakers,0.9", f"briefing,lawmakers,{cell}")
    (msg,) = problems(case)
    assert msg.startswith("format_audiences.csv, row 2, column 'fit': bad value")
    assert msg.endswith(f"allowed: a number from 0 to 1; did you mean '{fix}'?")


@pytest.mark.parametrize(("cell", "fix"), [
    ("12/03/2027", "'2027-03-12' (day first) or '2027-12-03'"),
    ("25.12.2027", "'2027-12-25'"),
    ("2027/1/5", "'2027-01-05'"),
])
def test_a_date_in_another_format(edit: Callable, cell: str, fix: str) -> None:
    case = edit("actions.csv", "2025-01-20,2025-01-31", f"{cell},")
    (msg,) = problems(case)
    assert "actions.csv, row 2, column 'start': bad value" in msg
    assert ("allowed: a date that exists, written YYYY-MM-DD, from 1900 to 2199; "
            f"did you mean {fix}?") in msg


def test_a_comma_in_an_id_list_names_the_separator(edit: Callable) -> None:
    edit("allies.csv", "rights-ngos", "rights-ngos")
    case = edit("actions.csv", ",rights-ngos,", ',"rights-ngos,rights-ngos",')
    (msg,) = problems(case)
    assert "ids in a list are separated by ';', not ','" in msg
    assert "did you mean 'rights-ngos;rights-ngos'?" in msg


def test_new_case_dates_are_after_today(tmp_path: Path) -> None:
    today = dt.date(2031, 6, 1)
    case = load_case(write_template(tmp_path / "fresh", today=today))
    assert (case.actions["start"] > pd_ts(today)).all()
    # everything moved by the same whole years: the briefing still precedes the summit
    summit = case.moments.set_index("id").loc["summit", "start"]
    assert case.actions["start"].min() < summit
    assert summit.month == 2 and summit.day == 14


def pd_ts(day: dt.date):  # noqa: ANN201
    import pandas as pd

    return pd.Timestamp(day)
