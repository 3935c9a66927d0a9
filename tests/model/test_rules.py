"""Recurrence rules, confirmed dates and working days (issue 20), hand-checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from dateutil.rrule import rrulestr
from engine_helpers import (
    START,
    tiny_case,  # noqa: F401  (the module-scoped "tiny" fixture)
    with_tables,
)
from icalendar import Calendar

from strategy_kit.calendar import calendar_events, write_calendar
from strategy_kit.case import Case, load_case
from strategy_kit.case.recurrence import rule_problem, starts_between
from strategy_kit.errors import CaseError
from strategy_kit.model.matrices import matrices
from strategy_kit.model.occurrences import occurrence_table
from strategy_kit.model.preparation import plan_preparation
from strategy_kit.model.timing import attention_drivers
from strategy_kit.model.workdays import is_workday, previous_workday

D = dt.date


def _num(d: dt.date) -> int:
    return (d - D(1970, 1, 1)).days


# -- the rules themselves ---------------------------------------------------------------------


def test_second_friday_of_february_2027_is_the_12th() -> None:
    rule = "FREQ=YEARLY;BYMONTH=2;BYDAY=2FR"
    got = starts_between(rule, D(2025, 2, 14), D(2026, 1, 1), D(2027, 12, 31))
    assert got == [D(2026, 2, 13), D(2027, 2, 12)]
    assert all(d.weekday() == 4 for d in got)
    # the last Thursday of November 2027 is the 25th
    assert starts_between("FREQ=YEARLY;BYMONTH=11;BYDAY=-1TH", D(2023, 11, 30),
                          D(2027, 1, 1), D(2027, 12, 31)) == [D(2027, 11, 25)]


def test_yearly_and_none_keep_their_meaning() -> None:
    assert starts_between("yearly", D(2020, 8, 9), D(2026, 12, 4), D(2027, 12, 3)) == \
        [D(2027, 8, 9)]
    assert starts_between("yearly", D(2024, 2, 29), D(2025, 1, 1), D(2025, 12, 31)) == \
        [D(2025, 2, 28)]
    assert starts_between("none", D(2025, 3, 1), D(2025, 1, 1), D(2025, 12, 31)) == \
        [D(2025, 3, 1)]
    assert starts_between("none", D(2025, 3, 1), D(2026, 1, 1), D(2026, 12, 31)) == []


@pytest.mark.parametrize("text", ["FREQ=HOURLY", "FREQ=YEARLY;BYHOUR=9", "FREQ=YEARLY;BYDAY=9ZZ",
                                  "weekly", "FREQ=YEARLY;BYMONTH=13"])
def test_bad_rules_are_refused(text: str) -> None:
    assert rule_problem(text) is not None


def _tiny_with_moments(tiny: Case, rows: list[dict], dates: list[dict] | None = None) -> Case:
    mom = tiny.moments
    extra = pd.DataFrame(rows)
    for c in ("start", "end"):
        extra[c] = pd.to_datetime(extra[c])
    moments = pd.concat([mom, extra], ignore_index=True)
    for c in ("audiences", "goals"):
        moments[c] = moments[c].map(lambda v: v if isinstance(v, tuple) else ())
    mi = pd.concat([tiny.moment_interests, pd.DataFrame(
        [{"moment": r["id"], "interest": "security", "relevance": 1.0} for r in rows])],
        ignore_index=True)
    tables = {"moments": moments, "moment_interests": mi}
    if dates is not None:
        md = pd.DataFrame(dates)
        for c in ("start", "end"):
            md[c] = pd.to_datetime(md[c])
        tables["moment_dates"] = md
    return with_tables(tiny, **tables)


MSC = {"id": "msc", "name": "Munich", "kind": "event", "start": "2025-02-14",
       "end": "2025-02-16", "recurrence": "FREQ=YEARLY;BYMONTH=2;BYDAY=2FR", "intensity": 0.5,
       "half_life_days": 5.0, "lead_days": 0.0}


def test_a_rule_moves_attention_and_a_three_day_event_keeps_three_days(tiny: Case) -> None:
    case = _tiny_with_moments(tiny, [MSC])
    d = attention_drivers(case, "mps", "2027-01-01", 60)
    full = d[(d["moment"] == "msc") & (d["pressure"] >= d.loc[d["moment"] == "msc",
                                                               "pressure"].max() - 1e-12)]
    # held at full strength Friday 12 – Sunday 14 February 2027, not on the listed days
    assert list(full["date"]) == [pd.Timestamp(f"2027-02-{n}") for n in (12, 13, 14)]
    mx = matrices(case)
    idx, s, e, conf = occurrence_table(mx, _num(D(2027, 1, 1)), _num(D(2027, 3, 1)))
    j = mx.moments.get_loc("msc")
    mine = [(int(a), int(b), bool(c)) for i, a, b, c in zip(idx, s, e, conf, strict=True)
            if i == j]
    assert (_num(D(2027, 2, 12)), _num(D(2027, 2, 14)), False) in mine  # an estimate


def test_a_confirmed_date_replaces_the_estimate_of_its_year(tiny: Case) -> None:
    case = _tiny_with_moments(tiny, [MSC], [{"moment": "msc", "start": "2027-02-19",
                                             "end": "2027-02-21", "source": "organisers"}])
    mx = matrices(case)
    idx, s, e, conf = occurrence_table(mx, _num(D(2027, 1, 1)), _num(D(2028, 3, 1)))
    j = mx.moments.get_loc("msc")
    mine = [(int(a), bool(c)) for i, a, c in zip(idx, s, conf, strict=True) if i == j]
    assert (_num(D(2027, 2, 19)), True) in mine  # the organisers' date, confirmed
    assert (_num(D(2027, 2, 12)), False) not in mine  # the rule's estimate of 2027 is gone
    assert (_num(D(2028, 2, 11)), False) in mine  # 2028: still the rule's estimate


# -- the calendar: RRULE and estimated dates --------------------------------------------------


def test_ics_rrule_round_trips(tiny: Case, tmp_path: Path) -> None:
    case = _tiny_with_moments(tiny, [MSC])
    ev = calendar_events(case, "mps", "release", "2026-12-04", 365)
    moment = ev[(ev["kind"] == "moment") & (ev["moment"] == "msc")].iloc[0]
    assert moment["rrule"] == "FREQ=YEARLY;BYMONTH=2;BYDAY=2FR"
    assert "estimated — check the organisers' date" in moment["description"]
    path = write_calendar(case, "mps", tmp_path / "mps.ics", goal="release",
                          start="2026-12-04", days=365)
    cal = Calendar.from_ical(path.read_bytes())
    [vevent] = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith("Moment: Munich")]
    assert vevent.decoded("DTSTART") == D(2027, 2, 12)
    assert vevent.decoded("DTEND") == D(2027, 2, 15)  # exclusive: three days
    rule = vevent["RRULE"].to_ical().decode()
    expanded = rrulestr(rule, dtstart=dt.datetime(2027, 2, 12))
    nxt = [x.date() for x in expanded.between(dt.datetime(2027, 1, 1),
                                              dt.datetime(2029, 12, 31), inc=True)]
    # the calendar program's expansion is the kit's own
    assert nxt == starts_between(MSC["recurrence"], D(2025, 2, 14), D(2027, 1, 1),
                                 D(2029, 12, 31)) == [D(2027, 2, 12), D(2028, 2, 11),
                                                      D(2029, 2, 9)]


def test_no_rrule_where_a_confirmed_date_would_contradict_it(tiny: Case) -> None:
    case = _tiny_with_moments(tiny, [MSC], [{"moment": "msc", "start": "2027-02-19",
                                             "end": "2027-02-21", "source": "organisers"}])
    ev = calendar_events(case, "mps", "release", "2026-12-04", 365)
    moment = ev[(ev["kind"] == "moment") & (ev["moment"] == "msc")].iloc[0]
    assert moment["rrule"] == ""
    assert moment["start"] == pd.Timestamp("2027-02-19")
    assert "(confirmed date)" in moment["description"]
    window = ev[(ev["kind"] == "window") & (ev["moment"] == "msc")].iloc[0]
    assert "estimated" not in window["description"].split("Moments behind it")[1].split(
        "\n")[1]


# -- working days -----------------------------------------------------------------------------


def test_previous_working_day_skips_weekends_and_holidays(edit: Callable) -> None:
    path = edit("case.yaml", "horizon_days:", "workdays: {countries: [LT, PL, DE]}\nhorizon_days:")
    case = load_case(path)
    assert case.workday_countries == ("LT", "PL", "DE")
    # Sat 29 May 2027 → Fri 28 May; Mon 3 May 2027 is Poland's Constitution Day → Fri 30 Apr
    assert previous_workday(case, _num(D(2027, 5, 29))) == _num(D(2027, 5, 28))
    assert not is_workday(case, D(2027, 5, 3))
    assert previous_workday(case, _num(D(2027, 5, 3))) == _num(D(2027, 4, 30))
    # 24 December is a holiday in Lithuania: Fri 24 Dec 2027 → Thu 23 Dec
    assert previous_workday(case, _num(D(2027, 12, 24))) == _num(D(2027, 12, 23))


def test_an_unknown_country_is_refused_with_a_close_match(edit: Callable) -> None:
    path = edit("case.yaml", "horizon_days:", "workdays: {countries: [LTT]}\nhorizon_days:")
    with pytest.raises(CaseError, match="workdays.countries"):
        load_case(path)


def test_no_preparation_date_on_a_weekend_or_holiday_for_any_belarus_pair() -> None:
    case = load_case("belarus")
    assert case.workday_countries  # the case names its countries
    seen = 0
    for a in case.ids("audience"):
        for g in case.ids("goal"):
            plan = plan_preparation(case, a, g, start="2026-12-04", days=365)
            for r in plan.itertuples():
                days = [r.prepare_by, r.prepare_on] + [f.prepare_by for f in r.formats
                                                         if pd.notna(f.prepare_by)]
                for d in days:
                    assert is_workday(case, pd.Timestamp(d).date()), (a, g, d, r.reason)
                    seen += 1
    assert seen > 100


def test_calendar_reminders_fall_on_working_days(tmp_path: Path) -> None:
    case = load_case("belarus")
    for a in case.ids("audience"):
        ev = calendar_events(case, a, None, "2026-12-04", 365)
        for d in ev.loc[ev["kind"] == "prepare", "start"]:
            assert is_workday(case, d.date()), (a, d)


def test_start_is_the_default_start() -> None:
    assert START == "2025-01-01"


# -- lead times -------------------------------------------------------------------------------


def test_a_blank_lead_takes_its_kinds_default_and_the_reason_names_it(tiny: Case) -> None:
    from strategy_kit.model.leads import DEFAULT_LEAD_DAYS, format_leads

    leads = format_leads(pd.Series(["existing forum", "Networking", "poster"]),
                         pd.Series([float("nan"), float("nan"), 5.0]))
    assert list(leads) == [DEFAULT_LEAD_DAYS["existing forum"], 14.0, 5.0] == [90.0, 14.0, 5.0]
    f = tiny.formats
    f["lead_days"] = float("nan")
    case = with_tables(tiny, formats=f)
    plan = plan_preparation(case, "mps", "release", START, 365)
    fmts = [x for r in plan.itertuples() for x in r.formats]
    assert any(x.anchor.startswith("any time: no dated occasion") for x in fmts)
    assert all(pd.notna(x.prepare_by) or x.anchor.startswith("any time") for x in fmts)


def test_bad_recurrence_and_undated_event_are_reported_with_the_cell(edit: Callable) -> None:
    path = edit("moments.csv", "FREQ=YEARLY;BYMONTH=2;BYDAY=2FR", "FREQ=HOURLY")
    with pytest.raises(CaseError) as e:
        load_case(path)
    text = str(e.value)
    assert "moments.csv, row 3, column 'recurrence'" in text and "FREQ=HOURLY" in text
    assert "an RFC 5545 rule of whole days" in text
    path = edit("moments.csv", "summit,Annual security summit,event,2025-02-14,",
                "summit,Annual security summit,event,,")
    with pytest.raises(CaseError, match="moment 'summit' has no start"):
        load_case(path)
