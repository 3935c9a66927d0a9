"""Issue 19: fit that one strong reason carries, deciders and routes, stance, frames, safety."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strategy_kit.calendar import calendar_events
from strategy_kit.case import load_case
from strategy_kit.model.fit import fit_parts, fit_values
from strategy_kit.model.matrices import matrices
from strategy_kit.model.recommend import recommend_messages
from strategy_kit.model.routes import reach_matrix, score_pathway
from strategy_kit.model.stance import stance_move
from strategy_kit.reports.brief import brief_context, render_brief
from strategy_kit.sections.pathway import lead_sentence

START = "2026-12-01"


def test_noisy_or_fit_by_hand() -> None:
    w = np.array([[0.9, 0.6, 0.0]])
    s = np.array([[0.6, 0.3, 0.9]])
    # 1 − (1 − 0.9·0.6)(1 − 0.6·0.3)(1 − 0) = 1 − 0.46·0.82 = 0.6228
    assert fit_values(w, s)[0, 0] == pytest.approx(0.6228)
    # mean: (0.54 + 0.18) / 1.5 = 0.48
    assert fit_values(w, s, "mean")[0, 0] == pytest.approx(0.48)
    parts = fit_parts(w[0], s[0])
    assert parts.sum() == pytest.approx(0.6228)
    assert parts == pytest.approx([0.6228 * 0.54 / 0.72, 0.6228 * 0.18 / 0.72, 0.0])
    assert fit_parts(w[0], s[0], "mean") == pytest.approx([0.36, 0.12, 0.0])


def test_an_interest_the_goal_does_not_serve_never_lowers_fit() -> None:
    rng = np.random.default_rng(19)
    for _ in range(300):
        n = int(rng.integers(1, 12))
        w = rng.choice([0.3, 0.6, 0.9], size=(1, n))
        s = rng.choice([0.0, 0.3, 0.6, 0.9], size=(1, n))
        before = fit_values(w, s)[0, 0]
        w2 = np.append(w, [[rng.choice([0.3, 0.6, 0.9])]], axis=1)
        s2 = np.append(s, [[0.0]], axis=1)  # a new interest the goal does not serve
        assert fit_values(w2, s2)[0, 0] == pytest.approx(before)
        s3 = np.append(s, [[rng.choice([0.3, 0.6, 0.9])]], axis=1)  # one it serves
        assert fit_values(w2, s3)[0, 0] >= before - 1e-12
        # under the mean, the unserved interest dilutes the fit (the complaint)
        if fit_values(w, s, "mean")[0, 0] > 0:
            assert fit_values(w2, s2, "mean")[0, 0] < fit_values(w, s, "mean")[0, 0]


def test_fit_mean_setting_reproduces_the_average(tmp_path: Path) -> None:
    folder = tmp_path / "belarus-mean"
    shutil.copytree(Path("data/belarus"), folder)
    with (folder / "case.yaml").open("a", encoding="utf-8") as f:
        f.write("fit: mean\n")
    c = load_case(folder)
    assert c.fit_rule == "mean"
    mx = matrices(c)
    old = (mx.weight / mx.weight.sum(axis=1, keepdims=True)) @ mx.strength.T  # Σ w·s / Σ w
    assert mx.fit == pytest.approx(np.clip(old, 0, 1))
    # the issue's measured number: neighbour-governments' fit for non-recognition was 0.12
    a, g = mx.audiences.get_loc("neighbour-governments"), mx.goals.get_loc("non-recognition")
    assert round(float(mx.fit[a, g]), 2) == 0.12
    assert matrices(load_case("belarus")).fit[a, g] > 0.12


def test_bad_fit_setting_is_refused(tmp_path: Path) -> None:
    from strategy_kit.errors import CaseError

    folder = tmp_path / "bad"
    shutil.copytree(Path("tests/cases/tiny"), folder)
    with (folder / "case.yaml").open("a", encoding="utf-8") as f:
        f.write("fit: average\n")
    with pytest.raises(CaseError, match="fit"):
        load_case(folder)


def test_two_step_reach_by_hand() -> None:
    # a → b 0.6, b → c 0.9, a → c 0.3: reach(a, c) = max(0.3, 0.6·0.9) = 0.54 via b
    r = np.array([[0.0, 0.6, 0.3], [0.0, 0.0, 0.9], [0.0, 0.0, 0.0]])
    reach, via = reach_matrix(r)
    assert reach[0, 2] == pytest.approx(0.54) and via[0, 2] == 1
    assert reach[0, 1] == pytest.approx(0.6) and via[0, 1] == -1
    assert reach[1, 2] == pytest.approx(0.9)
    assert reach[2].sum() == 0 and np.diag(reach).sum() == 0


def test_move_score_by_hand_on_belarus() -> None:
    c = load_case("belarus")
    p = score_pathway(c, goal="end-terror", start=START).set_index("audience")
    dec = p[p["role"] == "decides"]["priority"]
    # media: key-governments 0.6 direct; neighbour-governments 0.3 direct but 0.9·0.6 = 0.54
    # via the western public; international organisations 0.3 direct but 0.6·0.6 = 0.36 via
    # key-governments
    reach = {"key-governments": 0.6, "neighbour-governments": 0.54,
             "international-organisations": 0.36}
    want = sum(reach[d] * dec[d] for d in reach) / dec.sum()
    assert p.at["media", "move"] == pytest.approx(want)
    assert p.at["media", "role"] == "moves" and p.at["media", "ask_rank"] == 0


@pytest.mark.parametrize("case_name", ["belarus", "tests/cases/sudan-like"])
def test_no_mover_is_presented_as_the_one_to_ask(case_name: str) -> None:
    c = load_case(case_name)
    p = score_pathway(c, start=START)
    assert set(p["role"]) == {"decides", "moves"}
    names = c.labels("audience")
    for _, row in p.iterrows():
        text = lead_sentence(c, row, None)
        if row["role"] == "moves":
            assert row["ask_rank"] == 0
            assert not text.startswith(f"Ask {names[row['audience']]}")
            assert "not the ones to ask" in text
        if row["ask_rank"] == 1:
            first = "Ask" if c.goals.set_index("id").at[row["goal"], "ask"] else "Approach"
            assert text.startswith(f"{first} {names[row['audience']]}")


def test_without_roles_every_audience_decides() -> None:
    p = score_pathway(load_case("tests/cases/tiny"), start=START)
    assert set(p["role"]) == {"decides"}
    assert (p["move"] == 0).all()


def test_stance_changes_the_recommended_move() -> None:
    c = load_case("belarus")
    row = score_pathway(c, goal="end-terror", start=START).set_index("audience").loc[
        "key-governments"].copy()
    row["audience"] = "key-governments"
    ask = lead_sentence(c, row, None)
    row["stance"] = "opposed"
    counter = lead_sentence(c, row, None)
    assert ask.startswith("Ask ") and counter.startswith("Do not ask ")
    verbs = {stance_move(s)[0] for s in ("ally", "leaning-towards", "neutral",
                                          "leaning-against", "opposed")}
    assert verbs == {"Mobilise", "Activate", "Persuade", "Neutralise", "Counter"}


def test_the_lead_frame_is_never_warned_against_and_the_core_leads() -> None:
    c = load_case("belarus")
    core = c.frames.loc[c.frames["core"] == "yes", "name"].tolist()
    assert core == ["Returning, not entering, Europe"]
    for a in c.ids("audience"):
        for g in c.ids("goal"):
            m = recommend_messages(c, a, g)
            assert m.frames.iloc[0]["name"] == core[0]
            assert m.frames.iloc[0]["use"] == "lead"
            assert m.warning is None


def test_frames_depend_on_the_goal() -> None:
    c = load_case("belarus")
    a = recommend_messages(c, "neighbour-governments", "support-people").frames["name"]
    b = recommend_messages(c, "neighbour-governments", "internationally-sane").frames["name"]
    assert list(a[1:]) != list(b[1:])
    assert "What exiles need: visas and legal status" in set(a)


def test_safeguards_stand_next_to_formats_and_frames_in_brief_and_calendar() -> None:
    c = load_case("belarus")
    html = render_brief(brief_context(c, "media", "end-terror", START))
    assert "Safeguard: Only with the consent of the people inside" in html
    ics = calendar_events(c, "media", "end-terror", start=START)
    text = " ".join(ics["description"])
    assert "Safeguard: Only with the consent of the people inside" in text
    assert "Ask: Make the release of all political prisoners" in text
    html2 = render_brief(brief_context(c, "western-public", "end-terror", START))
    assert "Whose numbers: judgements by the case&#39;s authors" in html2
    assert "not the ones to ask" in html2


def test_goal_without_ask_is_called_an_aspiration() -> None:
    c = load_case("tests/cases/tiny")
    ctx = brief_context(c, c.ids("audience")[0], c.ids("goal")[0], START)
    assert "an aspiration, not yet an objective" in ctx["ask"]
    assert isinstance(pd.Timestamp(START), pd.Timestamp)


def test_a_frame_about_an_opponent_is_not_offered_to_it() -> None:
    c = load_case("tests/cases/sudan-like")
    to_supplier = recommend_messages(c, "uae", "stop-arms").frames["frame"].tolist()
    assert "who-arms" not in to_supplier
    to_congress = recommend_messages(c, "us-congress", "stop-arms").frames
    assert "who-arms" in to_congress["frame"].tolist()
    from strategy_kit.model.recommend import frame_scores

    for a in c.ids("audience"):  # a negative frame never leads while a positive one speaks
        for g in c.ids("goal"):
            m = recommend_messages(c, a, g)
            _, score = frame_scores(c, a, g)
            positive = (c.frames["tone"] == "positive").to_numpy() & (score > 0)
            if positive.any():
                assert m.frames.iloc[0]["tone"] != "negative" and m.warning is None


def test_briefs_lead_with_the_core_frame_and_label_example_actions() -> None:
    c = load_case("belarus")
    for a, g in [("neighbour-governments", "support-people"), ("media", "end-terror"),
                 ("international-donors", "support-civil-society")]:
        ctx = brief_context(c, a, g, START)
        assert ctx["frame"]["name"] == "Returning, not entering, Europe" and ctx["frame"]["core"]
        assert ctx["warning"] is None
    items = " ".join(brief_context(c, "international-donors", "support-civil-society",
                                   START)["open_items"])
    assert "“EXAMPLE: Roundtable with donors" in items


def test_validate_says_once_that_a_case_has_no_roles() -> None:
    from click.testing import CliRunner

    from strategy_kit.cli import cli

    out = CliRunner().invoke(cli, ["validate", "tests/cases/tiny"]).output
    assert out.count("every audience is treated as one that decides") == 1
    out = CliRunner().invoke(cli, ["validate", "belarus"]).output
    assert "roles: none" not in out


def test_route_table_names_whom_a_channel_moves_and_who_moves_a_decider() -> None:
    from strategy_kit.sections.pathway import route_table

    c = load_case("belarus")
    t = route_table(c, "media", "end-terror")
    assert list(t["role"].unique()) == ["decides"]
    neighbours = t.set_index("audience").loc[c.names("audience")["neighbour-governments"]]
    assert neighbours["reach"] == pytest.approx(0.54)  # 0.9 × 0.6 via the western public
    assert neighbours["via"] == c.names("audience")["western-public"]
    t2 = route_table(c, "key-governments", "end-terror")
    assert set(t2["role"]) == {"moves"} and t2["reach"].is_monotonic_decreasing
