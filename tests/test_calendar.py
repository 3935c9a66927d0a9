from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar

from strategy_kit import load_case
from strategy_kit.calendar import (
    CALENDAR_COLUMNS,
    PRODID,
    EmptyCalendarError,
    calendar_events,
    write_calendar,
)
from strategy_kit.errors import BadParameterError, UnknownChoiceError
from strategy_kit.model.timing import score_timing
from strategy_kit.model.windows import find_windows

# Two years of the template case at a low threshold: four windows (Human Rights Day and the
# summit, twice), so yearly moments and their occurrence years are exercised.
START, DAYS, THRESHOLD = "2024-06-01", 730, 0.2


def parse(path: Path) -> tuple[Calendar, list]:
    cal = Calendar.from_ical(path.read_bytes())
    return cal, list(cal.walk("VEVENT"))


def unescape(text: str) -> str:
    """RFC 5545 TEXT unescaping, for the X- properties that icalendar leaves as they are."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], text)


def export(case: object, tmp_path: Path, name: str = "out.ics", **kw: object) -> Path:
    kw = {"start": START, "days": DAYS, "threshold": THRESHOLD, **kw}
    return write_calendar(case, "lawmakers", tmp_path / name, **kw)


def by_kind(events: list, kind: str) -> list:
    word = {"prepare": "preparation", "moment": "moment"}.get(kind, "window of opportunity")
    return [e for e in events if word in [str(c) for c in e["CATEGORIES"].cats]]


def test_two_all_day_events_per_window_on_the_windows_dates(template_copy: Path,
                                                            tmp_path: Path) -> None:
    case = load_case(template_copy)
    # the calendar's goal (the best-fitting one when not given) sets the windows' timing
    windows = find_windows(case, "lawmakers", START, DAYS, THRESHOLD, goal="release-prisoners")
    assert len(windows) == 4
    cal, events = parse(export(case, tmp_path))
    # two per window, and one per main moment behind them (recurring by its rule)
    mains = {w.moments[0] for w in windows.itertuples()}
    assert len(events) == 2 * len(windows) + len(mains)
    shown = sorted((e.decoded("DTSTART"), e.decoded("DTEND")) for e in by_kind(events, "window"))
    expected = sorted((w.start.date(), w.end.date() + dt.timedelta(days=1))
                      for w in windows.itertuples())
    assert shown == expected  # DTEND is exclusive: the day after the window's last day
    for e in events:
        start = e.decoded("DTSTART")
        assert type(start) is dt.date  # a date, not a datetime: an all-day event
        assert e["DTSTART"].params["VALUE"] == "DATE"
    prepares = sorted(e.decoded("DTSTART") for e in by_kind(events, "prepare"))
    # never later than find_windows' prepare_by (the main moment's lead); earlier when a
    # recommended format needs a longer lead
    for day, w in zip(prepares, windows.sort_values("start").itertuples(), strict=True):
        assert day <= w.prepare_by.date()


def test_calendar_properties_and_reminder_alarm(template_copy: Path, tmp_path: Path) -> None:
    cal, events = parse(export(template_copy, tmp_path))
    assert str(cal["PRODID"]) == PRODID == "-//strategy-kit//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert unescape(str(cal["X-WR-CALNAME"])) == ("Example campaign: Members of parliament, "
                                        "Release of political prisoners")
    for e in events:
        assert e["SEQUENCE"] == 0
        assert e.decoded("DTSTAMP").tzinfo is not None
        assert re.fullmatch(r"[0-9a-f]{32}@strategy-kit", str(e["UID"]))
    for e in by_kind(events, "prepare"):
        (alarm,) = e.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == dt.timedelta(hours=9)
    assert not any(e.walk("VALARM") for e in by_kind(events, "window"))
    _, events = parse(export(template_copy, tmp_path, "quiet.ics", alarm=False))
    assert not any(e.walk("VALARM") for e in events)


def test_description_names_audience_goal_moments_formats(template_copy: Path) -> None:
    ev = calendar_events(template_copy, "lawmakers", "release-prisoners", START, DAYS, THRESHOLD)
    assert list(ev.columns) == CALENDAR_COLUMNS
    windows = ev[ev["kind"] != "moment"]
    assert list(windows["kind"]) == ["prepare", "window"] * 4
    assert (ev.groupby("moment")["kind"].apply(lambda k: (k == "moment").sum()) == 1).all()
    summit = ev[(ev["moment"] == "summit") & (ev["kind"] == "window")].iloc[0]
    text = summit["description"]
    assert "Audience: Members of parliament [lawmakers]" in text
    assert "Goal: Release of political prisoners [release-prisoners]\n" in text
    assert "Moments behind it: Annual security summit" in text
    assert "- Briefing for lawmakers: fit 0.90" in text
    assert "- Side event at the summit (tied to Annual security summit): fit 0.80" in text
    assert "best-fitting" not in text
    assert summit["year"] == 2025


def test_prepare_date_follows_a_tied_format_with_a_longer_lead(edit: Callable) -> None:
    # The summit side event needs 150 days: preparation starts 150 days before 14 February,
    # not 60 days (the summit's lead) before the window opens.
    case = edit("formats.csv", "forum,high,summit,90", "forum,high,summit,150")
    ev = calendar_events(case, "lawmakers", None, "2024-06-01", 365)
    prep = ev[(ev["kind"] == "prepare") & (ev["moment"] == "summit")].iloc[0]
    assert prep["start"] == pd.Timestamp("2025-02-14") - pd.Timedelta(days=150)
    assert "150 days before Annual security summit (2025-02-14), for Side event" \
        in prep["description"]


def test_uids_stable_across_exports_and_a_small_weight_change(edit: Callable,
                                                              tmp_path: Path) -> None:
    case_dir = edit("case.yaml", "title:", "title:")  # the untouched copy
    kw = {"start": "2025-01-01", "days": 365, "threshold": None}
    first = parse(export(case_dir, tmp_path, "a.ics", **kw))[1]
    again = parse(export(case_dir, tmp_path, "b.ics", **kw))[1]
    uids = [str(e["UID"]) for e in first]
    # Human Rights Day and the summit: a window, a reminder and the moment itself each
    assert len(set(uids)) == len(uids) == 6
    assert uids == [str(e["UID"]) for e in again]
    # A slightly stronger interest in security: the summit window opens a day earlier.
    edit("audience_interests.csv", "lawmakers,security,0.9", "lawmakers,security,0.92")
    shifted = parse(export(case_dir, tmp_path, "c.ics", **kw))[1]
    assert [str(e["UID"]) for e in shifted] == uids
    day = {str(e["UID"]): e.decoded("DTSTART") for e in first}
    moved = {str(e["UID"]): e.decoded("DTSTART") for e in shifted}
    assert moved != day
    assert all(abs((moved[u] - day[u]).days) <= 1 for u in uids)


def test_uids_differ_by_audience_goal_year_and_kind(edit: Callable) -> None:
    edit("goals.csv", "release-prisoners,Release of political prisoners,Solidarity,",
         "release-prisoners,Release of political prisoners,Solidarity,\n"
         "isolate,Isolate the regime,Pressure,")
    case = edit("goal_interests.csv", "goal,interest,strength,hook\n",
                "goal,interest,strength,hook\nisolate,security,1.0,Isolation keeps us safe.\n")
    a = calendar_events(case, "lawmakers", "release-prisoners", START, DAYS, THRESHOLD)
    b = calendar_events(case, "lawmakers", "isolate", START, DAYS, THRESHOLD)
    assert set(a["uid"]).isdisjoint(b["uid"])
    assert a["uid"].is_unique
    # the summit's 2025 and 2026 windows, and each window's two events, all differ
    assert a.groupby(["moment", "year", "kind"]).size().eq(1).all()


def test_default_goal_is_the_best_fitting_and_the_description_says_so(edit: Callable) -> None:
    edit("goals.csv", "release-prisoners,Release of political prisoners,Solidarity,",
         "release-prisoners,Release of political prisoners,Solidarity,\n"
         "isolate,Isolate the regime,Pressure,")
    case = edit("goal_interests.csv", "goal,interest,strength,hook\n",
                "goal,interest,strength,hook\nisolate,security,1.0,Isolation keeps us safe.\n")
    ev = calendar_events(case, "lawmakers", start="2025-01-01", days=365)
    # noisy-or (issue 19): isolate 1 − (1 − 0.9·1.0) = 0.90 against release-prisoners
    # 1 − (1 − 0.5·0.9)(1 − 0.9·0.3) = 0.60
    assert set(ev["goal"]) == {"isolate"}
    assert ("Goal: Isolate the regime [isolate] (not given: the audience's best-fitting goal, "
            "fit 0.90)") in ev["description"].iloc[0]
    chosen = calendar_events(case, "lawmakers", "isolate", start="2025-01-01", days=365)
    assert list(chosen["uid"]) == list(ev["uid"])  # the same events as when it is named


def test_case_text_survives_escaping(edit: Callable, tmp_path: Path) -> None:
    nasty = 'MPs, "all"; <script>alert(1)</script>\nsecond line \\ end'
    edit("audiences.csv", "lawmakers,Members of parliament,",
         'lawmakers,"' + nasty.replace('"', '""') + '",')
    case = edit("moments.csv", "Annual security summit", '"Summit; Munich, <b>bold</b>"')
    path = export(case, tmp_path, start="2025-01-01", days=365, threshold=None)
    raw = path.read_text(encoding="utf-8")
    assert "\\;" in raw and "\\," in raw and "\\n" in raw
    # every physical line is a property or a folded continuation: no raw line break leaked
    for line in raw.split("\r\n")[:-1]:
        assert line.startswith(" ") or re.match(r"[A-Z-]+[;:]", line), line
    cal, events = parse(path)
    # icalendar does not unescape X- properties; calendar programs read them as TEXT
    assert nasty in unescape(str(cal["X-WR-CALNAME"]))
    for e in events:
        assert nasty in str(e["SUMMARY"])
        assert f"Audience: {nasty} [lawmakers]" in str(e["DESCRIPTION"])
    assert any("Moments behind it: Summit; Munich, <b>bold</b>" in str(e["DESCRIPTION"])
               for e in events)


def test_unknown_audience_or_goal_lists_the_choices_and_writes_nothing(
        template_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.ics"
    with pytest.raises(UnknownChoiceError, match=r"unknown audience 'lawmaker'; did you mean "
                       r"'lawmakers'\? Choices: 'lawmakers', 'journalists'") as err:
        write_calendar(template_copy, "lawmaker", out)
    assert err.value.choices == ("lawmakers", "journalists")
    with pytest.raises(UnknownChoiceError, match=r"unknown goal 'peace'.*'release-prisoners'"):
        write_calendar(template_copy, "lawmakers", out, goal="peace")
    with pytest.raises(UnknownChoiceError, match="unknown audience"):
        calendar_events(template_copy, "nobody")
    assert not out.exists()


@pytest.mark.parametrize("out", ["plan.txt", "plan", "plan.ics.bak", ""])
def test_out_must_end_in_ics(template_copy: Path, tmp_path: Path, out: str) -> None:
    target = tmp_path / out if out else out
    with pytest.raises(BadParameterError, match=r"bad out .*a file name ending in \.ics"):
        write_calendar(template_copy, "lawmakers", target)
    assert list(tmp_path.iterdir()) == [template_copy]


def test_bad_threshold_and_start_are_refused(template_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(BadParameterError, match="threshold"):
        write_calendar(template_copy, "lawmakers", tmp_path / "a.ics", threshold=0)
    with pytest.raises(BadParameterError, match="start"):
        write_calendar(template_copy, "lawmakers", tmp_path / "a.ics", start="14/02/2025")
    assert not (tmp_path / "a.ics").exists()


def test_write_is_atomic_and_replaces_the_old_file(template_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "cal" / "lawmakers.ics"  # the folder is created
    path = export(template_copy, tmp_path, "cal/lawmakers.ics")
    assert path == out and out.is_file()
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    export(template_copy, tmp_path, "cal/lawmakers.ics")
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert out.stat().st_mode & 0o777 == 0o600  # the old file's permissions are kept
    assert [p.name for p in out.parent.iterdir()] == ["lawmakers.ics"]  # no temp file left
    with pytest.raises(UnknownChoiceError):
        write_calendar(template_copy, "nobody", out)
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_no_window_says_why_and_writes_nothing(template_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "j.ics"
    with pytest.raises(EmptyCalendarError, match=r"nothing to export for journalists: its highest "
                       r"attention for release-prisoners between 2025-01-01 and 2025-12-31 is "
                       r"0\.\d\d .*below the window threshold 0\.90; lower it with "
                       r"--threshold .*No file written\."):
        write_calendar(template_copy, "journalists", out, start="2025-01-01", days=365,
                       threshold=0.9)
    assert not out.exists()
    # asked for, an empty calendar is still written, and says so
    path = write_calendar(template_copy, "journalists", out, start="2025-01-01", days=365,
                          threshold=0.9, allow_empty=True)
    cal, events = parse(path)
    assert events == []
    assert "No window in this horizon" in unescape(str(cal["X-WR-CALDESC"]))
    # an existing file is left as it was, and the message says so
    with pytest.raises(EmptyCalendarError, match="was left as it was"):
        write_calendar(template_copy, "journalists", out, start="2025-01-01", days=365,
                       threshold=0.9)


def test_nothing_before_the_plan_starts(template_copy: Path) -> None:
    """A preparation date already past is 'late — start now' on the plan's first day."""
    # The summit of 14 Feb 2025 needs its side event prepared 90 days ahead (16 Nov 2024):
    # planning from 1 Jan 2025, that date has passed. 16 Nov 2024 is a Saturday: the date
    # it should have started moves to the previous working day, Friday 15 Nov.
    ev = calendar_events(template_copy, "lawmakers", None, "2025-01-01", 365)
    assert (ev["start"] >= pd.Timestamp("2025-01-01")).all()
    late = ev[(ev["kind"] == "prepare") & (ev["moment"] == "summit")].iloc[0]
    assert late["start"] == pd.Timestamp("2025-01-01")
    assert late["summary"].startswith("Late — start now: Annual security summit window")
    assert "Late, start now: preparation should have started by 2024-11-15" \
        in late["description"]
    assert "moved from 2024-11-16, Saturday, to the previous working day" in late["description"]


def test_report_and_calendar_agree_on_preparation(template_copy: Path) -> None:
    from strategy_kit.model.preparation import plan_preparation

    case = load_case(template_copy)
    ev = calendar_events(case, "lawmakers", "release-prisoners", START, DAYS)
    plan = plan_preparation(case, "lawmakers", "release-prisoners", START, DAYS)
    prep = ev[ev["kind"] == "prepare"]
    assert list(prep["start"]) == list(plan["prepare_on"])


def test_a_fading_tail_is_not_a_window(template_copy: Path) -> None:
    # planning from the day after Human Rights Day, for five days: its attention only fades
    case = load_case(template_copy)
    t = score_timing(case, "2024-12-11", 5, audiences="lawmakers")["timing"]
    assert t.iloc[0] > 0.1 and t.is_monotonic_decreasing
    assert find_windows(case, "lawmakers", "2024-12-11", 5, threshold=0.05).empty
    with pytest.raises(EmptyCalendarError):
        write_calendar(case, "lawmakers", Path("never.ics"), None, "2024-12-11", 5)
    assert not Path("never.ics").exists()


def test_accepts_a_loaded_case_and_leaves_the_callers_rule_as_it_was(
        template_copy: Path) -> None:
    # A window rule given as a mapping is the caller's: merging the case's settings into it in
    # place would change it under them (this check fails if it did).
    case = load_case(template_copy)
    rule = {"rule": "absolute", "threshold": THRESHOLD}
    events = calendar_events(case, "lawmakers", start=START, days=DAYS, threshold=rule)
    assert rule == {"rule": "absolute", "threshold": THRESHOLD}
    same = calendar_events(template_copy, "lawmakers", start=START, days=DAYS,
                           threshold=THRESHOLD)
    pd.testing.assert_frame_equal(events, same)
