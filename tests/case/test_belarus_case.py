"""The default case data/belarus/ transcribes every item of the seed, each with its source.

The seed is the Minsk Forum XXI Vilnius Session workshop takeaways
(published by the German-Belarusian Society, dbg-online.org; data/belarus/README.md).
Each test row names the table, the row (an id, or a regex on its name) and a phrase of the
seed that row's `source` must quote.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from strategy_kit.case import Case, load_case


@pytest.fixture(scope="module")
def case() -> Case:
    return load_case("belarus")


def _row(case: Case, table: str, key: str) -> pd.Series:
    """The row whose id is ``key``, or the one row whose name matches the regex ``key``."""
    df = getattr(case, table)
    hit = df[df["id"] == key]
    if hit.empty:
        hit = df[df["name"].str.contains(key, flags=re.IGNORECASE, regex=True)]
    assert len(hit) == 1, f"{table}: expected one row for {key!r}, found {list(hit['id'])}"
    return hit.iloc[0]


def _norm(text: str) -> str:
    """Lowercase, straight quotes, no punctuation differences that a transcription may vary."""
    text = text.lower().replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _assert_sourced(row: pd.Series, phrase: str) -> None:
    source = str(row.get("source", ""))
    assert source.strip(), f"{row['id']} has no source"
    assert _norm(phrase) in _norm(source), f"{row['id']}: {phrase!r} not in source {source!r}"


# -- audiences: the nine of "Who is international?", decision makers split in two -----------

AUDIENCES = [
    ("neighbour-governments", "Decision makers (governments etc)"),
    ("neighbour-governments", "Countries with a significant Belarusian diaspora / neighbours"),
    ("key-governments", "Decision makers (governments etc)"),
    ("key-governments", "Other key countries (Germany, USA, etc.) and supranational bodies"),
    ("international-organisations", "International organizations (UN, Interpol"),
    ("international-donors", "International donors"),
    ("international-civil-society", "International civil society (organisations)"),
    ("western-public", "Broader public in Western countries"),
    ("media", "Media"),
    ("influencers", "Influencers"),
    ("multinational-business", "Multinational businesses"),
    ("foreign-national-business", "Foreign national business"),
]


@pytest.mark.parametrize(("audience", "phrase"), AUDIENCES)
def test_audience_from_seed(case: Case, audience: str, phrase: str) -> None:
    _assert_sourced(_row(case, "audiences", audience), phrase)


def test_audiences_are_the_seed_clusters(case: Case) -> None:
    groups = case.audiences.groupby("group")["id"].apply(set).to_dict()
    assert groups == {
        "Governments and government-financed organisations": {
            "neighbour-governments", "key-governments", "international-organisations",
            "international-donors"},
        "Civil society, public and media": {
            "international-civil-society", "western-public", "media", "influencers"},
        "Business": {"multinational-business", "foreign-national-business"},
        # issue 19: the opponents the seed names, countered, never asked
        "Opponents": {"regime", "gongos"},
    }
    assert case.audiences["influence"].between(0, 1).all()


def test_government_split_has_different_interests(case: Case) -> None:
    ai = case.audience_interests
    neighbours = set(ai.loc[(ai.audience == "neighbour-governments") & (ai.weight >= 0.6),
                            "interest"])
    key = set(ai.loc[(ai.audience == "key-governments") & (ai.weight >= 0.6), "interest"])
    assert {"security-threats", "exile-local-lobbying", "minorities-in-belarus"} <= neighbours
    assert {"gongo-expertise", "avoid-recognition-precedents", "moral-integrity"} <= key
    assert not {"exile-local-lobbying", "minorities-in-belarus"} & key


# -- interests: every bullet of "Which of the target groups' interests..." --------------------

INTERESTS = [
    ("security-threats", "security threats from regime (migrant crisis)"),
    ("army-out-of-war", "Avoid Belarusian army entering the war"),
    ("regional-stability", "Regional stability"),
    ("environmental-security", "Environmental security (Bialowieza, Astravets)"),
    ("exile-local-lobbying", "local lobbyism directed at problem solving (e.g. visa issues)"),
    ("belarusian-minority-citizens", "status of national minority (like Czech Republic)"),
    ("sovereign-belarus", "Keep a sovereign Belarus independent from Russia"),
    ("minorities-in-belarus", "rights of their minorities in Belarus"),
    ("economy-transit", "Economy, transit"),
    ("belarus-stability-independence", "Security, stability, independence of Belarus"),
    ("public-supports-rights", "supports human rights and democracy"),
    ("moral-integrity", "Ensure moral integrity"),
    ("avoid-losses", "losses, abuses (incl. propaganda), reputational losses"),
    ("gongo-expertise", "tell which organizations are GONGOs"),
    ("avoid-recognition-precedents", "precedents"),
    ("food-security", "Food security (Belarusian fertilizers)"),
    ("international-principles", "Upholding international principles"),
    ("donor-agenda", "humanitarian, ecological, social issues"),
    ("effective-spending", "money to be spend effectively"),
    ("accountability", "Accountability"),
    ("regional-security-mobility", "Regional security (incl. movement, tourism)"),
    ("business-ties", "Business ties"),
    ("educational-communities", "Educational communities"),
    ("civic-environment", "Topics that civic groups deal with: environment (Astravets)"),
    ("civic-human-rights", "human rights"),
    ("shared-heritage", "National / shared heritage"),
    # issue 19: the opponents' interests
    ("regime-re-engagement", "used by the regime to re-engage with the West"),
    ("pass-as-civil-society", "of GONGOs / non-political civil society"),
]


@pytest.mark.parametrize(("interest", "phrase"), INTERESTS)
def test_interest_from_seed(case: Case, interest: str, phrase: str) -> None:
    row = _row(case, "interests", interest)
    _assert_sourced(row, phrase)
    assert row["theme"].strip()


def test_inferred_interests_are_marked(case: Case) -> None:
    seed_ids = {i for i, _ in INTERESTS}
    inferred = case.interests[~case.interests["id"].isin(seed_ids)]
    assert len(inferred) >= 1
    for _, row in inferred.iterrows():
        assert "inference" in row["description"].lower(), row["id"]
        assert row["source"].startswith("Inferred from the seed"), row["id"]


def test_every_audience_and_goal_has_interests(case: Case) -> None:
    ai, gi = case.audience_interests, case.goal_interests
    assert set(ai.loc[ai.weight > 0, "audience"]) == set(case.audiences["id"])
    assert set(gi.loc[gi.strength > 0, "goal"]) == set(case.goals["id"])
    assert (gi["hook"].str.strip() != "").all()


# -- goals: both families of "own goals of the Belarusian civil society" ----------------------

WITHOUT, SOLIDARITY = "A Belarus without the regime", "Active international solidarity and support"
GOALS = [
    ("non-recognition", WITHOUT, "Prevention of recognition of the regime; continued "
                                 "delegitimisation"),
    ("no-normalisation", WITHOUT, "Prevention of normalisation of the regime"),
    ("no-normalisation", WITHOUT, "out-of-the-box"),
    ("no-normalisation", WITHOUT, "environmental track"),
    ("maintain-pressure", WITHOUT, "Maintain pressure on the regime; mitigate abuse of "
                                   "international organisations"),
    ("end-terror", WITHOUT, "End to terror and repressions in Belarus, liberation of political "
                            "prisoners"),
    ("internationally-sane", WITHOUT, "internationally sane"),
    ("internationally-sane", WITHOUT, "including Ukraine"),
    ("support-civil-society", SOLIDARITY, "civil society"),
    ("support-democratic-forces", SOLIDARITY, "strong resources for foreign affairs"),
    ("support-democratic-forces", SOLIDARITY, "recognition of the legitimacy of the "
                                              "representatives of democratic Belarus"),
    ("support-people", SOLIDARITY, "regular people"),
    ("support-victims", SOLIDARITY, "victims of repressions, political prisoners"),
]


@pytest.mark.parametrize(("goal", "family", "phrase"), GOALS)
def test_goal_from_seed(case: Case, goal: str, family: str, phrase: str) -> None:
    row = _row(case, "goals", goal)
    assert row["family"] == family
    _assert_sourced(row, phrase)


# -- moments: the three crises with their real dates, and the yearly occasions ----------------

CRISES = [
    ("border-crisis-2021", "border crisis (ab)using migrants", "2021-11-08"),
    ("russian-nukes-2023", "Russian nuclear weapons in Belarus", "2023-03-25"),
    ("wagner-2023", "Wagner mercenaries in Belarus", "2023-07-15"),
]


@pytest.mark.parametrize(("moment", "phrase", "start"), CRISES)
def test_crisis_with_real_date(case: Case, moment: str, phrase: str, start: str) -> None:
    row = _row(case, "moments", moment)
    _assert_sourced(row, phrase)
    assert row["kind"] == "crisis" and row["recurrence"] == "none"
    assert row["start"] == pd.Timestamp(start)
    assert row["lead_days"] == 0 and 14 <= row["half_life_days"] <= 45
    assert "date:" in row["source"]


def test_crisis_context_dates(case: Case) -> None:
    m = case.moments.set_index("id")
    assert "summer 2021" in m.at["border-crisis-2021", "source"]
    assert "Bruzgi" in m.at["border-crisis-2021", "source"]
    assert "June 2023" in m.at["russian-nukes-2023", "source"]
    assert "24 June 2023" in m.at["wagner-2023", "source"]


YEARLY = [
    ("election-anniversary", "08-09"),
    ("freedom-day", "03-25"),
    ("political-prisoners-day", "05-21"),
    ("human-rights-day", "12-10"),
    ("chernobyl-anniversary", "04-26"),
    ("munich-security-conference", "02-"),
    ("eap-csf-assembly", "11-"),
    ("frankfurt-book-fair", "10-"),
    ("hrc-belarus-resolution", None),
    ("hrc-summer-dialogue", "06-"),
]


@pytest.mark.parametrize(("moment", "month_day"), YEARLY)
def test_yearly_occasion(case: Case, moment: str, month_day: str | None) -> None:
    row = _row(case, "moments", moment)
    # a fixed day (yearly) or a rule of how it is held (issue 20), with the rule's source
    rule = str(row["recurrence"])
    assert (rule == "yearly" or rule.startswith("FREQ=YEARLY")) \
        and row["kind"] in ("anniversary", "event")
    assert rule == "yearly" or "Rule: Inference" in row["source"]
    assert "date:" in row["source"] and row["source"].startswith("Seed")
    if month_day:
        assert row["start"].strftime("%m-%d").startswith(month_day)
    assert row["lead_days"] >= 30 if row["kind"] == "event" else row["lead_days"] >= 0


def test_minsk_forum_is_not_carried_forward(case: Case) -> None:
    # "Sessions and dates vary": no date is invented for the next session (issue 20)
    row = _row(case, "moments", "minsk-forum")
    assert row["recurrence"] == "none" and "moment_dates.csv" in row["description"]


def test_election_anniversary_is_9_august_2020(case: Case) -> None:
    row = _row(case, "moments", "election-anniversary")
    assert row["start"] == pd.Timestamp("2020-08-09") and row["kind"] == "anniversary"


# -- formats ----------------------------------------------------------------------------------

FORMATS = [
    ("networking", "Networking (p2p, o2o)", None),
    ("eap-csf", "EaP CS Forum", "eap-csf-assembly"),
    ("security-conferences", "Security conferences", "munich-security-conference"),
    ("party-network-events", "Network events of political parties", None),
    ("religious-conventions", "Annual convention of religious groups (Catholic, Protestant, "
                              "Jewish)", None),
    ("book-fairs", "Book fairs", "frankfurt-book-fair"),
    ("festivals", "Festivals (culture, science, etc.)", None),
    ("womens-rights-conventions", "Women rights conventions", None),
    ("climate-summits", "civil society climate summits", None),
    ("other-relevant-events", "Any other relevant events", None),
    ("cultural-sports-venues", "Museums, galleries, cinemas", None),
    ("voices-from-inside", "families of political prisoners, professional groups, yard groups",
     None),
    ("documentation", "Document and provide reliable information", None),
]


@pytest.mark.parametrize(("fmt", "phrase", "moment"), FORMATS)
def test_format_from_seed(case: Case, fmt: str, phrase: str, moment: str | None) -> None:
    row = _row(case, "formats", fmt)
    _assert_sourced(row, phrase)
    assert row["effort"] in ("low", "medium", "high")
    if moment:
        assert row["moment"] == moment
    fa = case.format_audiences
    assert (fa.loc[fa["format"] == fmt, "fit"] > 0).any()


# -- allies -----------------------------------------------------------------------------------

ALLIES = [
    ("international-ngos", "relevant international NGOs"),
    ("international-ngos", "resources, reputation, contacts"),
    ("public-figures", "influencers, public figures, actors, artists, sportsmen"),
    ("academia", "Academia"),
    ("unions", "(Workers) unions"),
    ("parliamentary-groups", "Parliamentary groups"),
    ("similar-position-partners", "Partners from countries in similar positions"),
    ("global-topic-alliances", "e.g. on domestic violence"),
    ("national-minority-orgs", "national minority status"),
]


@pytest.mark.parametrize(("ally", "phrase"), ALLIES)
def test_ally_from_seed(case: Case, ally: str, phrase: str) -> None:
    _assert_sourced(_row(case, "allies", ally), phrase)
    aa = case.ally_audiences
    assert (aa.loc[aa["ally"] == ally, "reach"] > 0).any()


# -- frames -----------------------------------------------------------------------------------

ANGLES = ["Historic experiences", "Culture and attitudes", "Interests", "Similarities",
          "Extraordinary stories, faces, events", "What's attractive / what's frightening"]


def test_returning_to_europe_frame(case: Case) -> None:
    f = case.frames
    hit = f[f["name"].str.contains("returning", case=False)
            | f["text"].str.contains("returning", case=False)]
    assert (hit["tone"] == "positive").any()
    _assert_sourced(hit.iloc[0], "not \"entering\" but \"returning\" to Europe")


@pytest.mark.parametrize("angle", ANGLES)
def test_each_storytelling_angle_has_positive_and_negative_frames(case: Case, angle: str) -> None:
    tones = set(case.frames.loc[case.frames["connects_to"] == angle, "tone"])
    assert {"positive", "negative"} <= tones, angle


@pytest.mark.parametrize(("frame", "tone", "phrase"), [
    ("permanent-terror", "negative", "permanent terror from the Moscow-backed regime"),
    ("faces-behind-bars", "negative", "human rights violations, political prisoners"),
    ("belarus-in-its-own-right", "neutral", "Belarus seen only in connection with"),
    ("exiles-practical-needs", "neutral", "visa issues and questions of legal status"),
    ("peaceful-revolution", "positive", "peaceful protests"),
    ("successes-despite-odds", "positive", "successes despite dire circumstances"),
    ("engaged-civil-society", "positive", "strong engagement from civil society"),
    ("choice-not-dictatorship", "positive", "choice not to (want to) live in a dictatorship"),
])
def test_agenda_frame(case: Case, frame: str, tone: str, phrase: str) -> None:
    row = _row(case, "frames", frame)
    assert row["tone"] == tone
    _assert_sourced(row, phrase)
    fi = case.frame_interests
    assert (fi.loc[fi["frame"] == frame, "relevance"] > 0).any()


# -- guidance ---------------------------------------------------------------------------------

RECOMMENDATIONS = [
    "Know your own interests and goals",
    "Stay true to your values",
    "Put yourself in the shoes of your target group",
    "Research and use existing formats, structures, resources, moments, platforms, channels",
    "Adapt your messaging to your audience",
    "Cooperate! Build alliances",
]


@pytest.mark.parametrize("phrase", RECOMMENDATIONS)
def test_recommendation(case: Case, phrase: str) -> None:
    assert any(_norm(phrase) in _norm(r) for r in case.guidance["recommendations"])


@pytest.mark.parametrize("phrase", [
    "Negative agenda puts people off",
    "Lack of a joint message",
    "only in connection with or relative to other countries",
    "brand management",
])
def test_pitfall(case: Case, phrase: str) -> None:
    assert any(_norm(phrase) in _norm(p) for p in case.guidance["pitfalls"])


@pytest.mark.parametrize(("pattern", "n_options"), [
    (r"one belarus or two belaruses", 2),
    (r"careful.*total resistance", 2),
    (r"side of russia.*just the regime", 2),
])
def test_open_question(case: Case, pattern: str, n_options: int) -> None:
    qs = [q for q in case.guidance["open_questions"]
          if re.search(pattern, q["question"], flags=re.IGNORECASE)]
    assert len(qs) == 1, pattern
    assert len(qs[0]["options"]) == n_options


def test_no_consensus_is_recorded(case: Case) -> None:
    q = next(q for q in case.guidance["open_questions"] if "two Belaruses" in q["question"])
    assert "no consensus" in q["question"]


# -- the whole case ---------------------------------------------------------------------------


def test_case_settings(case: Case) -> None:
    assert case.horizon_days == 365
    assert dict(case.weights) == pytest.approx({"fit": 0.4, "influence": 0.3, "timing": 0.3})
    assert case.title and case.description


@pytest.mark.parametrize("table", ["audiences", "interests", "goals", "moments", "formats",
                                   "allies", "frames"])
def test_every_row_has_a_source(case: Case, table: str) -> None:
    df = getattr(case, table)
    empty = df.loc[df["source"].str.strip() == "", "id"].tolist()
    assert not empty, f"{table}: rows without source: {empty}"


def test_no_html_in_case_text(case: Case) -> None:
    for table in ("audiences", "interests", "goals", "goal_interests", "moments", "formats",
                  "allies", "frames", "actions", "audience_interests"):
        df = getattr(case, table)
        for col in df.columns:
            if df[col].dtype == object:
                bad = df[col].astype(str).str.contains(r"<[a-zA-Z/!]|&[a-z]+;", regex=True)
                assert not bad.any(), f"{table}.{col}: {df.loc[bad, col].tolist()}"


def test_example_actions_are_marked_and_dated(case: Case) -> None:
    a = case.actions
    assert len(a) >= 3
    assert a["resources"].str.startswith("EXAMPLE").all()
    assert a["start"].dt.year.between(2026, 2027).all()


# -- issue 19: asks, roles, routes, stances and safeguards, each with its source ---------------


def test_every_goal_has_an_ask_and_visas_are_part_of_one(case: Case) -> None:
    goals = case.goals.set_index("id")
    assert (goals["ask"].str.len() > 20).all()
    people = goals.loc["support-people"]
    assert "visas" in people["ask"] and "legal status" in people["ask"]
    assert "visa issues and questions of legal status" in people["source"]
    assert "mistake the exiles' agenda" not in " ".join(case.guidance["pitfalls"])


def test_roles_stances_and_routes_are_sourced(case: Case) -> None:
    aud = case.audiences.set_index("id")
    assert set(aud["role"]) == {"decides", "moves"}
    assert aud.at["media", "role"] == "moves" and aud.at["key-governments", "role"] == "decides"
    assert set(aud.loc[["regime", "gongos"], "stance"]) == {"opposed"}
    assert aud["source"].str.contains("role and stance").all()
    routes = case.routes
    assert len(routes) >= 10 and routes["source"].str.strip().ne("").all()
    assert ((routes["source"].str.startswith("Seed")) | (routes["source"].str.contains(
        "Inference"))).all()
    ga = case.goal_audiences
    assert ga["source"].str.strip().ne("").all()


def test_safeguards_and_the_core_frame_come_from_the_seed(case: Case) -> None:
    f = case.formats.set_index("id")
    assert "without exposing them" in f.at["voices-from-inside", "safeguard"] \
        or "consent" in f.at["voices-from-inside", "safeguard"]
    assert "safeguard:" in f.at["voices-from-inside", "source"]
    frames = case.frames.set_index("id")
    assert frames.at["returning-to-europe", "core"] == "yes"
    assert "Lack of joint message" in frames.at["returning-to-europe", "source"]
    assert set(case.actions["example"]) == {"yes"}
