"""The case format as data: every table, its columns and what each column allows.

This is the contract of ``docs/case-format.md``. ``read`` reads files and ``checks`` turns
these specs into pandera schemas; nothing else should hard-code column names of a case file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
ID_ALLOWED = "a lowercase id: a-z, 0-9, '_' and '-', starting with a letter or digit"


@dataclass(frozen=True)
class Col:
    """One column of a case table.

    ``kind`` is one of ``id``, ``ref``, ``refs`` (ids joined by ';'), ``text``, ``score``,
    ``date``, ``enum``, ``days`` (a number of days >= 0), ``posdays`` (> 0), ``amount``
    (a number >= 0: person-days, money) or ``recurrence`` (``none``, ``yearly`` or an RFC 5545
    rule, ``case/recurrence.py``).
    """

    name: str
    kind: str
    required: bool = True  # the column must be in the file
    blank_ok: bool = False  # a cell may be empty
    ref: str | None = None  # the table whose ids a ref column names
    values: tuple[str, ...] = ()  # the allowed values of an enum column


@dataclass(frozen=True)
class Table:
    """One CSV table of a case."""

    name: str
    columns: tuple[Col, ...]
    optional_file: bool = False
    key: tuple[str, ...] = field(default=())  # columns that together must be unique

    @property
    def file(self) -> str:
        """The table's file name."""
        return f"{self.name}.csv"

    def col(self, name: str) -> Col:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


def _opt_text(name: str) -> Col:
    return Col(name, "text", required=False, blank_ok=True)


SOURCE = _opt_text("source")
DESCRIPTION = _opt_text("description")
#: A short name for axes and legends; the full ``name`` stays in hover text and tables.
LABEL = _opt_text("label")
#: Issue 19: whether an audience can grant a goal's ask (``decides``) or reaches those who can
#: (``moves``); blank: decides (method.md §Deciders and routes).
ROLES = ("decides", "moves")
ROLE = Col("role", "enum", required=False, blank_ok=True, values=ROLES)
#: Issue 19: the Spectrum of Allies' wedges, from active ally to active opponent (method.md
#: §Stance); blank: not placed.
STANCES = ("ally", "leaning-towards", "neutral", "leaning-against", "opposed")
STANCE = Col("stance", "enum", required=False, blank_ok=True, values=STANCES)
#: Issue 19: what must not happen when a format or frame is used (shown next to it).
SAFEGUARD = _opt_text("safeguard")
YES_NO = ("yes", "no")

#: What a moment is; a ``recess`` lowers the attention of the audiences it names while it
#: lasts (docs/method.md §Recesses).
MOMENT_KINDS = ("crisis", "event", "anniversary", "recess")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "audiences",
            (
                Col("id", "id"),
                Col("name", "text"), LABEL,
                Col("group", "text"),
                Col("influence", "score"),
                DESCRIPTION,
                SOURCE,
                ROLE,
                STANCE,
            ),
        ),
        Table("interests", (Col("id", "id"), Col("name", "text"), LABEL, Col("theme", "text"),
                            DESCRIPTION, SOURCE)),
        Table(
            "audience_interests",
            (
                Col("audience", "ref", ref="audiences"),
                Col("interest", "ref", ref="interests"),
                Col("weight", "score"),
                _opt_text("note"),
            ),
            key=("audience", "interest"),
        ),
        Table(
            "goals",
            (Col("id", "id"), Col("name", "text"), LABEL, Col("family", "text"), DESCRIPTION,
             SOURCE, _opt_text("ask")),
        ),
        Table(
            "goal_interests",
            (
                Col("goal", "ref", ref="goals"),
                Col("interest", "ref", ref="interests"),
                Col("strength", "score"),
                Col("hook", "text"),
            ),
            key=("goal", "interest"),
        ),
        Table(
            "goal_audiences",
            (
                Col("goal", "ref", ref="goals"),
                Col("audience", "ref", ref="audiences"),
                Col("influence", "score"),
                _opt_text("note"),
                SOURCE,
                ROLE,
                STANCE,
            ),
            optional_file=True,
            key=("goal", "audience"),
        ),
        Table(
            "moments",
            (
                Col("id", "id"),
                Col("name", "text"), LABEL,
                Col("kind", "enum", values=MOMENT_KINDS),
                # blank only for an undated crisis (a kind of crisis to prepare for)
                Col("start", "date", blank_ok=True),
                Col("end", "date", required=False, blank_ok=True),
                Col("recurrence", "recurrence"),
                Col("intensity", "score"),
                Col("half_life_days", "posdays"),
                Col("lead_days", "days"),
                DESCRIPTION,
                SOURCE,
                # the audiences it reaches (others are not reached) and the goals it decides
                Col("audiences", "refs", required=False, blank_ok=True, ref="audiences"),
                Col("goals", "refs", required=False, blank_ok=True, ref="goals"),
                # an undated crisis: how likely in a year, how fast a response must come
                Col("likelihood", "score", required=False, blank_ok=True),
                Col("response_days", "days", required=False, blank_ok=True),
            ),
        ),
        Table(
            "moment_dates",
            (
                Col("moment", "ref", ref="moments"),
                Col("start", "date"),
                Col("end", "date", required=False, blank_ok=True),
                SOURCE,
            ),
            optional_file=True,
            key=("moment", "start"),
        ),
        Table(
            "moment_audiences",
            (
                Col("moment", "ref", ref="moments"),
                Col("audience", "ref", ref="audiences"),
                Col("strength", "score"),
                _opt_text("note"),
            ),
            optional_file=True,
            key=("moment", "audience"),
        ),
        Table(
            "moment_interests",
            (
                Col("moment", "ref", ref="moments"),
                Col("interest", "ref", ref="interests"),
                Col("relevance", "score"),
            ),
            key=("moment", "interest"),
        ),
        Table(
            "formats",
            (
                Col("id", "id"),
                Col("name", "text"), LABEL,
                Col("kind", "text"),
                Col("effort", "enum", values=("low", "medium", "high")),
                Col("moment", "ref", required=False, blank_ok=True, ref="moments"),
                Col("lead_days", "days", blank_ok=True),  # blank: its kind's (model/leads.py)
                DESCRIPTION,
                SOURCE,
                SAFEGUARD,
            ),
        ),
        Table(
            "format_audiences",
            (
                Col("format", "ref", ref="formats"),
                Col("audience", "ref", ref="audiences"),
                Col("fit", "score"),
            ),
            key=("format", "audience"),
        ),
        Table(
            "allies",
            (Col("id", "id"), Col("name", "text"), LABEL, Col("kind", "text"), DESCRIPTION, SOURCE),
        ),
        Table(
            "ally_audiences",
            (
                Col("ally", "ref", ref="allies"),
                Col("audience", "ref", ref="audiences"),
                Col("reach", "score"),
            ),
            key=("ally", "audience"),
        ),
        Table(
            "frames",
            (
                Col("id", "id"),
                Col("name", "text"),
                Col("tone", "enum", values=("positive", "neutral", "negative")),
                Col("connects_to", "text"),
                Col("text", "text"),
                SOURCE,
                SAFEGUARD,
                Col("core", "enum", required=False, blank_ok=True, values=YES_NO),
                Col("voice", "enum", required=False, blank_ok=True, values=("to", "about")),
            ),
        ),
        Table(
            "frame_interests",
            (
                Col("frame", "ref", ref="frames"),
                Col("interest", "ref", ref="interests"),
                Col("relevance", "score"),
            ),
            key=("frame", "interest"),
        ),
        Table(
            "actions",
            (
                Col("id", "id"),
                Col("who", "text"),
                Col("what", "text"),
                Col("start", "date"),
                Col("end", "date", required=False, blank_ok=True),
                Col("audience", "ref", ref="audiences"),
                Col("goal", "ref", ref="goals"),
                Col("format", "ref", required=False, blank_ok=True, ref="formats"),
                Col("allies", "refs", required=False, blank_ok=True, ref="allies"),
                _opt_text("resources"),
                # issue 22, the plan in practice (docs/compare.md): all optional
                _opt_text("owner"),  # who is responsible; blank: the 'who' column
                Col("person_days", "amount", required=False, blank_ok=True),
                Col("budget", "amount", required=False, blank_ok=True),
                Col("status", "enum", required=False, blank_ok=True,
                    values=("planned", "done", "dropped")),  # blank: planned
                _opt_text("indicator"),  # what would show it worked
                _opt_text("result"),  # what it achieved (a done action)
                Col("example", "enum", required=False, blank_ok=True, values=YES_NO),
            ),
            optional_file=True,
        ),
        Table(
            "routes",
            (
                Col("from", "ref", ref="audiences"),
                Col("to", "ref", ref="audiences"),
                Col("strength", "score"),
                _opt_text("note"),
                SOURCE,
            ),
            optional_file=True,
            key=("from", "to"),
        ),
    )
}

#: The singular name of the thing each id table holds, for messages ("unknown audience 'x'").
KIND_OF_TABLE = {
    "audiences": "audience",
    "interests": "interest",
    "goals": "goal",
    "moments": "moment",
    "formats": "format",
    "allies": "ally",
    "frames": "frame",
    "actions": "action",
}
TABLE_OF_KIND = {v: k for k, v in KIND_OF_TABLE.items()}

DEFAULT_WEIGHTS = {"fit": 0.4, "influence": 0.3, "timing": 0.3}
DEFAULT_HORIZON_DAYS = 365
#: How fit, influence and timing combine into priority (docs/method.md §Priority).
PRIORITY_RULES = ("gated", "additive")
DEFAULT_PRIORITY_RULE = "gated"
#: How an audience's interests combine into fit (docs/method.md §Fit): ``noisy-or``
#: 1 − Π(1 − w·s), one strong reason carries; ``mean`` Σ w·s / Σ w, the earlier average.
FIT_RULES = ("noisy-or", "mean")
DEFAULT_FIT_RULE = "noisy-or"
#: Windows of opportunity (docs/method.md §Windows of opportunity): ``relative`` keeps the days
#: within ``share`` of the audience's own peak attention, never below ``floor``; ``absolute``
#: keeps the days at or above ``threshold``.
WINDOW_RULES = ("relative", "absolute")
DEFAULT_WINDOWS = {"rule": "relative", "share": 0.8, "floor": 0.05, "threshold": 0.5}
#: Windows separated by at most this many days are one window (case.yaml ``windows: gap``).
DEFAULT_WINDOW_GAP = 7
