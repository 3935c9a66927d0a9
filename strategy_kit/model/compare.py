"""Two versions of a case, compared: what changes a plan, and the cells that caused it.

A and B are any two loaded cases of the same kind: one case under two scenarios, a snapshot and
today, two rating rounds (docs/compare.md). ``compare_cases`` lists, per goal, the audiences
that change rank or cross into the top three, the windows gained or lost, the top moves that
change (the first audience's best format and ally), the frames that change lead, and for each
change the differing cells (``cell_changes``) that reach it. Rating rounds add the items whose
median moved and whether the raters converged (``ratings_changes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..case import Case
from ..case.schema import TABLES
from .recommend import recommend_allies, recommend_formats, recommend_messages
from .scoring import score_priority
from .windows import find_windows

__all__ = ["CHANGE_COLUMNS", "Comparison", "cell_changes", "compare_cases"]

CHANGE_COLUMNS = ["kind", "goal", "goal_name", "item", "item_name", "before", "after",
                  "change", "cause"]
#: At most this many cells named as the cause of one change (the rest are counted).
MAX_CAUSES = 4


@dataclass(frozen=True)
class Comparison:
    """What differs between two versions of a case.

    ``changes``: DataFrame[kind, goal, goal_name, item, item_name, before, after, change,
    cause] (``kind``: rank, top3, window, move, frame, rating, setting); ``cells``:
    DataFrame[table, row, column, before, after, ids] (the differing cells, ``row`` the row's
    key ``a/b``); ``a``/``b``: the two cases' labels.
    """

    a: str
    b: str
    changes: pd.DataFrame
    cells: pd.DataFrame


def _key(table: str) -> list[str]:
    t = TABLES[table]
    return ["id"] if t.columns[0].kind == "id" else list(t.key)


def _text(v: object) -> str:
    if isinstance(v, tuple):
        return ";".join(v)
    if v is None or (not isinstance(v, str) and pd.isna(v)):  # type: ignore[arg-type]
        return ""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def cell_changes(a: Case, b: Case) -> pd.DataFrame:
    """Every table cell that differs between two cases, rows matched by their key.

    A row only one side has is one line with ``column`` ``(row)``. Settings that differ are
    lines of the table ``case.yaml``.
    """
    rows: list[tuple[str, str, str, str, str, tuple[str, ...]]] = []
    for name in TABLES:
        key = _key(name)
        if not key:
            continue
        ta, tb = getattr(a, name), getattr(b, name)
        # keys as text (a date is part of moment_dates' key), so rows match and sort
        ia = {tuple(_text(r[k]) for k in key): r for r in ta.to_dict("records")}
        ib = {tuple(_text(r[k]) for k in key): r for r in tb.to_dict("records")}
        cols = [c.name for c in TABLES[name].columns if c.name not in key]
        for k in sorted(ia.keys() | ib.keys()):
            label = "/".join(k)
            if k not in ib:
                rows.append((name, label, "(row)", "present", "absent", k))
            elif k not in ia:
                added = ", ".join(f"{c} {_text(ib[k][c])}" for c in cols if _text(ib[k][c]))
                rows.append((name, label, "(row)", "absent", added or "present", k))
            else:
                for c in cols:
                    va, vb = _text(ia[k][c]), _text(ib[k][c])
                    if va != vb:
                        rows.append((name, label, c, va, vb, k))
    for key, va, vb in (("weights", dict(a.weights), dict(b.weights)),
                        ("horizon_days", a.horizon_days, b.horizon_days),
                        ("priority", a.priority_rule, b.priority_rule),
                        ("windows", dict(a.windows), dict(b.windows))):
        if va != vb:
            rows.append(("case.yaml", key, key, _text(va), _text(vb), ()))
    return pd.DataFrame(rows, columns=["table", "row", "column", "before", "after", "ids"])


#: The tables each kind of change depends on (method.md): a cell elsewhere cannot cause it.
RANKING = ("audiences", "audience_interests", "goal_interests", "goal_audiences", "moments",
           "moment_interests", "case.yaml")
REACH = {
    "rank": RANKING,
    "window": ("audience_interests", "moments", "moment_interests", "case.yaml"),
    "move": (*RANKING, "formats", "format_audiences", "allies", "ally_audiences"),
    "frame": ("frames", "frame_interests", "audience_interests", "goal_interests"),
}


def _causes(cells: pd.DataFrame, ids: Iterable[str], kind: str) -> str:
    """The differing cells of the tables ``kind`` depends on that name any of ``ids``.

    Settings reach everything.
    """
    want = set(ids)
    cells = cells[cells["table"].isin(REACH[kind])]
    hit = cells[cells["ids"].map(lambda k: not k or bool(want & set(k)))]
    parts = [f"{r.table} {r.row}: {r.column} {r.before or '—'} → {r.after or '—'}"
             if r.column != "(row)" else f"{r.table} {r.row}: {r.after}"
             for r in hit.itertuples()]
    if len(parts) > MAX_CAUSES:
        parts = [*parts[:MAX_CAUSES], f"and {len(parts) - MAX_CAUSES} more"]
    return "; ".join(parts)


def _interests(case: Case, audience: str) -> set[str]:
    ai = case.audience_interests
    return set(ai.loc[ai["audience"] == audience, "interest"])


def _ranks(a: Case, b: Case, start: object, days: object, cells: pd.DataFrame,
           top: int) -> tuple[list[dict[str, object]], pd.DataFrame, pd.DataFrame]:
    pa = score_priority(a, start=start, days=days).set_index(["goal", "audience"])
    pb = score_priority(b, start=start, days=days).set_index(["goal", "audience"])
    out: list[dict[str, object]] = []
    for g in b.ids("goal"):
        if g not in a.ids("goal"):
            continue
        ra, rb = pa.loc[g], pb.loc[g]
        moved = [x for x in rb.index if x in ra.index
                 and abs(ra.loc[x, "priority"] - rb.loc[x, "priority"]) > 1e-9]
        reach = {g, *moved}
        for x in moved:
            reach |= _interests(a, x) | _interests(b, x)
        for x in rb.index:
            if x not in ra.index or ra.loc[x, "rank"] == rb.loc[x, "rank"]:
                continue
            r0, r1 = int(ra.loc[x, "rank"]), int(rb.loc[x, "rank"])
            kind, change = "rank", f"rank {r0} → {r1}"
            if (r0 <= top) != (r1 <= top):
                kind = "top3"
                change = (f"enters the top {top}" if r1 <= top else f"leaves the top {top}") + (
                    f" (rank {r0} → {r1})")
            out.append({"kind": kind, "goal": g, "item": x,
                        "item_name": b.labels("audience").get(x, x),
                        "before": f"{r0} ({ra.loc[x, 'priority']:.3f})",
                        "after": f"{r1} ({rb.loc[x, 'priority']:.3f})", "change": change,
                        "cause": _causes(cells, reach, "rank")})
    return out, pa, pb


def _windows(a: Case, b: Case, start: object, days: object,
             cells: pd.DataFrame) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for x in b.ids("audience"):
        if x not in a.ids("audience"):
            continue
        wa = find_windows(a, x, start=start, days=days)
        wb = find_windows(b, x, start=start, days=days)
        for w, other, what in ((wa, wb, "lost"), (wb, wa, "gained")):
            for r in w.itertuples():
                if ((other["start"] <= r.end) & (other["end"] >= r.start)).any():
                    continue
                span = f"{r.start:%-d %b %Y} – {r.end:%-d %b %Y}"
                names = ", ".join(r.moment_names)
                moments = set(r.moments)
                out.append({"kind": "window", "goal": "", "item": x,
                            "item_name": b.labels("audience").get(x, x),
                            "before": span if what == "lost" else "",
                            "after": span if what == "gained" else "",
                            "change": f"window {what} ({names})",
                            "cause": _causes(cells, {x, *moments, *_interests(a, x),
                                                     *_interests(b, x)}, "window")})
    return out


def _best(df: pd.DataFrame, col: str, name: str) -> tuple[str, str]:
    return ("", "") if df.empty else (str(df.iloc[0][col]), str(df.iloc[0][name]))


def _moves(a: Case, b: Case, start: object, days: object, cells: pd.DataFrame,
           pa: pd.DataFrame, pb: pd.DataFrame) -> list[dict[str, object]]:
    """The goal's first move: its first audience, that audience's best format and ally."""
    out: list[dict[str, object]] = []
    for g in b.ids("goal"):
        if g not in a.ids("goal"):
            continue
        fa = pa.loc[g]["rank"].idxmin()
        fb = pb.loc[g]["rank"].idxmin()
        for what, get in (
            ("best format", lambda c, x, g=g: _best(recommend_formats(c, x, g, start, days),
                                                    "format", "name")),
            ("best ally", lambda c, x: _best(recommend_allies(c, x), "ally", "name")),
        ):
            (ia, na), (ib, nb) = get(a, fa), get(b, fb)
            if ia != ib:
                out.append({"kind": "move", "goal": g, "item": f"{what}",
                            "item_name": f"{what} for the first audience",
                            "before": f"{na} ({a.labels('audience')[fa]})",
                            "after": f"{nb} ({b.labels('audience')[fb]})",
                            "change": f"{what} changes",
                            "cause": _causes(cells, {g, fa, fb, ia, ib}, "move")})
    return out


def _frames(a: Case, b: Case, cells: pd.DataFrame, pa: pd.DataFrame, pb: pd.DataFrame,
            top: int) -> list[dict[str, object]]:
    """Frames that change lead, for the audiences in either version's top three of a goal."""
    out: list[dict[str, object]] = []
    for g in b.ids("goal"):
        if g not in a.ids("goal"):
            continue
        near = {x for x, r in pa.loc[g]["rank"].items() if r <= top}
        near |= {x for x, r in pb.loc[g]["rank"].items() if r <= top}
        for x in sorted(near & set(a.ids("audience")) & set(b.ids("audience"))):
            ma, mb = (recommend_messages(c, x, g, top=1).frames for c in (a, b))
            (fa, na), (fb, nb) = _best(ma, "frame", "name"), _best(mb, "frame", "name")
            if fa != fb:
                out.append({"kind": "frame", "goal": g, "item": x,
                            "item_name": b.labels("audience").get(x, x),
                            "before": na or "none", "after": nb or "none",
                            "change": "lead frame changes",
                            "cause": _causes(cells, {fa, fb, g, x} | _interests(b, x),
                                             "frame")})
    return out


def compare_cases(a: Case, b: Case, start: object = None, days: object = None, top: int = 3,
                  a_label: str = "A", b_label: str = "B") -> Comparison:
    """What changes the plan between case ``a`` (before) and ``b`` (after).

    Rank changes and the top three per goal, windows gained or lost per audience, the first
    move per goal, the lead frame of the top audiences; each with the differing cells that
    reach it (``cause``: the cells naming the audience, the goal, the audience's interests,
    the frames or moments involved; settings reach everything).
    """
    cells = cell_changes(a, b)
    ranks, pa, pb = _ranks(a, b, start, days, cells, top)
    rows = ranks + _windows(a, b, start, days, cells)
    rows += _moves(a, b, start, days, cells, pa, pb) + _frames(a, b, cells, pa, pb, top)
    changes = pd.DataFrame(rows, columns=[c for c in CHANGE_COLUMNS if c != "goal_name"])
    names = {**a.labels("goal"), **b.labels("goal")}
    changes.insert(2, "goal_name", changes["goal"].map(lambda g: names.get(g, "")))
    return Comparison(a=a_label, b=b_label, changes=changes[CHANGE_COLUMNS], cells=cells)
