"""What the report, the brief and the calendar say about timing (issue 20).

The next usable window first, then the strongest; estimated versus confirmed dates; the
crisis playbook of every Belarus audience.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from engine_helpers import TINY, with_tables

from strategy_kit.calendar import calendar_events
from strategy_kit.case import Case, load_case
from strategy_kit.model.crisis import crisis_playbook
from strategy_kit.reports.brief import brief_context, render_brief
from strategy_kit.reports.playbook import write_playbook
from strategy_kit.sections.advice import confirm_first, window_move
from strategy_kit.sections.audience import study_audience


def with_forum(case: Case, recurrence: str = "none", start: str = "2025-10-01") -> Case:
    """Tiny with a stronger moment in October: intensity 0.9 on security (r(mps) = 0.75)."""
    extra = {"id": "forum", "name": "Autumn forum", "label": "", "kind": "event",
             "start": pd.Timestamp(start), "end": pd.NaT, "recurrence": recurrence,
             "intensity": 0.9, "half_life_days": 5.0, "lead_days": 30.0, "description": "",
             "source": "", "audiences": (), "goals": (), "likelihood": float("nan"),
             "response_days": float("nan")}
    moments = pd.concat([case.moments, pd.DataFrame([extra])], ignore_index=True)
    for c in ("audiences", "goals"):
        moments[c] = moments[c].map(lambda v: v if isinstance(v, tuple) else ())
    mi = pd.concat([case.moment_interests, pd.DataFrame(
        [{"moment": "forum", "interest": "security", "relevance": 1.0}])], ignore_index=True)
    return with_tables(case, moments=moments, moment_interests=mi)


def test_the_first_move_is_the_early_usable_window_and_the_brief_names_both() -> None:
    # for release, mps: the crackdown (1–5 March) peaks at 0.8 · 6/7 = 0.686, the forum
    # (1 October) at 0.9 · 6/7 = 0.771; 80 % of 0.771 is 0.617, so both are windows
    case = with_forum(load_case(TINY))
    s = study_audience(case, "mps", "release", "2025-01-01", 365)
    assert len(s.preparation) == 2
    assert s.preparation["peak"].iloc[1] > s.preparation["peak"].iloc[0]
    move = window_move(s)
    # the crisis call, tied to the crackdown, needs 30 days: Thursday 30 January
    assert move.startswith("Next window: prepare from 30 Jan 2025 for the window 1 Mar 2025")
    assert "lead time: 30 days before Crackdown (2025-03-01), for Crisis call" in move
    # the forum ramps up over its 30-day lead: its window opens on 25 September
    assert "Then the strongest window of the horizon: prepare from 26 Aug 2025 for the " \
        "window 25 Sep 2025 – 2 Oct 2025 (peak attention 0.77" in move
    ctx = brief_context(case, "mps", "release", "2025-01-01", 365)
    assert ctx["window"]["when"].startswith("1 Mar 2025")
    assert ctx["window"]["strongest"]["when"].startswith("25 Sep 2025")
    html = render_brief(ctx)
    assert "Strongest window, later" in html and "25 Sep 2025" in html


def test_estimated_and_confirmed_dates_are_marked_everywhere() -> None:
    # the forum recurs on the last Wednesday of September: its 2025 date is an estimate
    # (its listed date is 2024's); the crackdown is a dated, one-off moment: confirmed
    case = with_forum(load_case(TINY), "FREQ=YEARLY;BYMONTH=9;BYDAY=-1WE", "2024-09-25")
    s = study_audience(case, "mps", "release", "2025-01-01", 365)
    p = s.preparation.set_index(s.preparation["moments"].map(lambda m: m[0]))
    assert p.loc["forum", "start"] <= pd.Timestamp("2025-09-24")  # last Wednesday of Sept.
    assert p.loc["forum", "estimated"] == ("Autumn forum",)
    assert p.loc["crackdown", "estimated"] == ()
    assert "driven by Autumn forum; dates estimated — check the organisers' date" in window_move(s)
    assert confirm_first(s).startswith("Confirm these dates first: Autumn forum.")
    html = render_brief(brief_context(case, "mps", "release", "2025-01-01", 365))
    assert "estimated" not in html  # the brief leads with the crackdown: a confirmed date
    # from April on the forum leads the brief: its date is an estimate
    html = render_brief(brief_context(case, "mps", "release", "2025-04-01", 365))
    assert "Dates estimated — check the organisers&#39; date" in html
    ev = calendar_events(case, "mps", "release", "2025-01-01", 365)
    forum = ev[(ev["moment"] == "forum") & (ev["kind"] == "window")].iloc[0]
    crack = ev[(ev["moment"] == "crackdown") & (ev["kind"] == "window")].iloc[0]
    assert "estimated — check the organisers' date: Autumn forum" in forum["description"]
    assert "estimated" not in crack["description"]
    moment = ev[(ev["moment"] == "crackdown") & (ev["kind"] == "moment")].iloc[0]
    assert "(confirmed date)" in moment["description"] and moment["rrule"] == ""


def test_every_belarus_audience_has_a_crisis_playbook() -> None:
    case = load_case("belarus")
    kinds = {"border-crisis", "nuclear-weapons", "mercenaries"}
    opening = 0
    opposed = set(case.audiences.loc[case.audiences["stance"] == "opposed", "id"])
    assert opposed == {"regime", "gongos"}
    for a in case.ids("audience"):
        p = crisis_playbook(case, a, "2026-12-04", 365)
        assert set(p["crisis"]) == kinds, a
        if a in opposed:  # not addressed: their moments are threats, no format reaches them
            continue
        assert (p["format"] != "").all() and (p["ally"] != "").all(), a
        assert p["response_days"].notna().all() and p["likelihood"].notna().all()
        opening += int(p["opens_window"].sum())
    # the neighbours' governments, whom no quiet year reaches, get a window from a crisis
    neighbours = crisis_playbook(case, "neighbour-governments", "2026-12-04", 365)
    assert neighbours["opens_window"].any()
    assert opening >= 3


def test_the_playbook_shows_a_formats_safeguard(tmp_path: Path) -> None:
    case = load_case("belarus")
    case = with_tables(case, formats=case.formats.assign(safeguard=""),
                       frames=case.frames.assign(safeguard=""))
    formats = case.formats
    formats.loc[formats["id"] == "voices-from-inside", "safeguard"] = \
        "Never name a person inside Belarus without their consent"
    c = with_tables(case, formats=formats)
    p = crisis_playbook(c, "media", "2026-12-04", 365)
    assert (p["safeguard"] == "Never name a person inside Belarus without their consent").all()
    page = write_playbook(c, "media", "2026-12-04", 365, tmp_path).read_text()
    assert "When a crisis breaks: Media" in page
    assert "Safeguard: Never name a person inside Belarus without their consent" in page
    # without safeguards, none is shown
    assert (crisis_playbook(case, "media", "2026-12-04", 365)["safeguard"] == "").all()


def test_the_audience_report_has_the_crisis_section(monkeypatch) -> None:
    import json

    from strategy_kit import config
    from strategy_kit.sections import crisis

    nb = json.loads((config.NOTEBOOKS_DIR / "01-audience-strategy.ipynb").read_text())
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert "## When a crisis breaks" in sources
    assert sources[sources.index("## When a crisis breaks") + 1] == "sk.show_crisis(study)"
    shown: list[object] = []
    monkeypatch.setattr(crisis, "show_table", lambda df, **kw: shown.append(df))
    monkeypatch.setattr(crisis, "show_text", lambda p, **kw: shown.extend(p))
    crisis.show_crisis(study_audience("belarus", "media", "end-terror", "2026-12-04", 365))
    assert shown[0].startswith("1 of the 3 kinds of crisis the case prepares for would open "
                               "a window for Media")
    table = shown[1]
    assert list(table["crisis"]) == ["A new border crisis using migrants",
                                     "Mercenaries or Russian troops massing in Belarus",
                                     "A new escalation around Russian nuclear weapons in Belarus"]
    assert table["for them"].iloc[0] == "opens a window (attention 0.43)"
    assert table["for them"].iloc[1] == "attention 0.41, below a window"
    # the case's safeguards stand beside the format and frame they guard (issue 19)
    assert "safeguard" in table.columns and table["safeguard"].str.len().gt(0).any()
