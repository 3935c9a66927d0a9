"""The case's settings: their defaults, and one check of each, for case.yaml and for a call.

``case.yaml`` (or a workbook's ``case`` sheet) sets the horizon, the priority rule and
weights, and the window rule; a call overrides some of them (``weights=`` of the scoring
functions, ``--threshold`` and the explorer's controls for the window rule). Both go through
the rules here: the keys and names allowed, the ranges, the defaults. A bad ``case.yaml``
value becomes a :class:`~strategy_kit.errors.Problem` (every one is listed, naming the key);
a bad override raises :class:`~strategy_kit.errors.BadParameterError` at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import BadParameterError, Problem, UnknownChoiceError, brief, close_match
from .schema import (
    DEFAULT_FIT_RULE,
    DEFAULT_HORIZON_DAYS,
    DEFAULT_PRIORITY_RULE,
    DEFAULT_WEIGHTS,
    DEFAULT_WINDOW_GAP,
    DEFAULT_WINDOWS,
    FIT_RULES,
    PRIORITY_RULES,
    WINDOW_RULES,
)

__all__ = ["KNOWN_KEYS", "PRIORITY_PARTS", "WINDOW_KEYS", "check_threshold", "default_settings",
           "override_weights", "override_windows", "parse_settings"]

#: The keys of case.yaml.
KNOWN_KEYS = ("title", "description", "horizon_days", "weights", "priority", "fit", "windows",
              "capacity", "workdays")
#: The parts of priority, in the order of its weights: fit, influence, timing.
PRIORITY_PARTS = tuple(DEFAULT_WEIGHTS)
#: The keys of the window rule (``windows:``): rule, share, floor, threshold.
WINDOW_KEYS = tuple(DEFAULT_WINDOWS)
_RULES = " or ".join(WINDOW_RULES)  # "relative or absolute"


# -- case.yaml: every problem listed ----------------------------------------------------------


def default_settings(title: str) -> dict[str, Any]:
    """The settings of a case whose case.yaml says nothing but its title."""
    return {"title": title, "description": "", "horizon_days": DEFAULT_HORIZON_DAYS,
            "weights": dict(DEFAULT_WEIGHTS), "priority": DEFAULT_PRIORITY_RULE,
            "fit": DEFAULT_FIT_RULE, "windows": dict(DEFAULT_WINDOWS)}


def parse_settings(raw: Any, settings: dict[str, Any], problems: list[Problem]) -> None:
    """Check case.yaml's keys and values (``raw``, read) into ``settings`` (the defaults).

    Title, description, horizon, weights, priority rule and windows; every bad value is a
    problem naming the key, the value and the range, and leaves the default in place.
    """
    if not isinstance(raw, dict):
        problems.append(Problem("case.yaml", "expected keys and values", value=brief(raw),
                                allowed=", ".join(KNOWN_KEYS)))
        return
    for key in ("title", "description"):
        v = raw.get(key)
        if not isinstance(v, str) or not v.strip():
            problems.append(Problem("case.yaml", f"'{key}' is missing or empty",
                                    column=key, allowed="a line of text"))
        else:
            settings[key] = v.strip()
    for key in raw:
        if key not in KNOWN_KEYS and close_match(key, KNOWN_KEYS):
            problems.append(Problem("case.yaml", f"unknown key '{brief(key)}'", column=brief(key),
                                    allowed=", ".join(sorted(KNOWN_KEYS)),
                                    suggestion=close_match(key, KNOWN_KEYS)))
    h = raw.get("horizon_days", DEFAULT_HORIZON_DAYS)
    if isinstance(h, bool) or not isinstance(h, int) or h < 1:
        problems.append(Problem("case.yaml", "bad horizon", column="horizon_days", value=brief(h),
                                allowed="a whole number of days, 1 or more"))
    else:
        settings["horizon_days"] = h
    rule = raw.get("priority", DEFAULT_PRIORITY_RULE)
    if _choice("priority", "priority rule", rule, PRIORITY_RULES, problems):
        settings["priority"] = rule
    fit_rule = raw.get("fit", DEFAULT_FIT_RULE)
    if _choice("fit", "fit rule", fit_rule, FIT_RULES, problems):
        settings["fit"] = fit_rule
    settings["windows"] = _windows(raw.get("windows", DEFAULT_WINDOWS), problems)
    cap = raw.get("capacity")  # person-days a month (docs/compare.md)
    if cap is not None:
        if isinstance(cap, bool) or not isinstance(cap, int | float) or cap <= 0:
            problems.append(Problem("case.yaml", "bad capacity", column="capacity",
                                    value=brief(cap), allowed="person-days a month, a number "
                                    "above 0 (or leave the key out)"))
        else:
            settings["capacity"] = float(cap)
    weights = _weights(raw.get("weights", DEFAULT_WEIGHTS), problems)
    if weights is not None:
        settings["weights"] = weights
    if "workdays" in raw:
        settings["workdays"] = _workdays(raw["workdays"], problems)


def _workdays(raw: Any, problems: list[Problem]) -> dict[str, Any]:
    """``workdays: {countries: [LT, PL, DE]}``: whose public holidays are not working days."""
    import holidays  # only when the case names countries: the package is large

    allowed = "countries: a list of ISO 3166 country codes such as [LT, PL, DE]"
    if not isinstance(raw, dict) or set(raw) - {"countries"}:
        problems.append(Problem("case.yaml", "bad workdays", column="workdays", value=brief(raw),
                                allowed=allowed))
        return {"countries": ()}
    codes = raw.get("countries") or []
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, list):
        problems.append(Problem("case.yaml", "bad workdays.countries",
                                column="workdays.countries", value=brief(codes),
                                allowed=allowed))
        return {"countries": ()}
    out = []
    for c in codes:
        code = str(c).strip().upper()
        if not _has_holidays(holidays, code):
            known = sorted(holidays.list_supported_countries())  # for the close match only
            problems.append(Problem("case.yaml", "unknown country", column="workdays.countries",
                                    value=brief(c), allowed="an ISO 3166 code the holidays "
                                    "package knows, such as LT, PL, DE, US",
                                    suggestion=close_match(code, known)))
        elif code not in out:
            out.append(code)
    return {"countries": tuple(out)}


def _has_holidays(holidays: Any, code: str) -> bool:
    # One country's calendar is loaded, not the list of all (a tenth of a second).
    try:
        holidays.country_holidays(code)
    except NotImplementedError:
        return False
    return True


def _fraction(key: str, v: object, problems: list[Problem], low: float = 0.0,
              high: float = 1.0, above: bool = False) -> float | None:
    """A number of case.yaml in [low, high] (or (low, high] with ``above``), else a problem."""
    span = f"{'above' if above else 'from'} {low:g} {'and at most' if above else 'to'} {high:g}"
    if isinstance(v, bool) or not isinstance(v, int | float):
        fix = None
        if isinstance(v, str) and v.replace(",", ".", 1).replace(".", "", 1).isdigit():
            fix = v.replace(",", ".", 1)  # 0,7 typed for 0.7
        problems.append(Problem("case.yaml", f"'{key}' is not a number", column=key,
                                value=brief(v), allowed=f"a number {span}", suggestion=fix))
        return None
    x = float(v)
    if (x <= low if above else x < low) or x > high:
        fix = f"{x / 100:.2f}" if high == 1.0 and 1 < x <= 100 else None  # a percentage
        problems.append(Problem("case.yaml", f"'{key}' is out of range", column=key,
                                value=f"{v:g}", allowed=f"a number {span}", suggestion=fix))
        return None
    return x


def _weights(raw: Any, problems: list[Problem]) -> dict[str, float] | None:
    """The priority weights, each from 0 to 1, rescaled to add up to 1."""
    if not isinstance(raw, dict):
        problems.append(Problem("case.yaml", "bad weights", column="weights", value=brief(raw),
                                allowed="fit, influence and timing, each a number from 0 to 1"))
        return None
    weights = {}
    for key, v in raw.items():
        if key not in DEFAULT_WEIGHTS:
            problems.append(Problem("case.yaml", f"unknown weight '{brief(key)}'", column="weights",
                                    allowed=", ".join(PRIORITY_PARTS),
                                    suggestion=close_match(key, DEFAULT_WEIGHTS)))
            continue
        x = _fraction(f"weights.{key}", v, problems)
        if x is not None:
            weights[key] = x
    full = {k: weights.get(k, 0.0 if raw else DEFAULT_WEIGHTS[k]) for k in DEFAULT_WEIGHTS}
    total = sum(full.values())
    if total <= 0:
        if len(weights) == len(raw):
            problems.append(Problem("case.yaml", "the weights add up to 0", column="weights",
                                    allowed="at least one weight above 0"))
        return None
    return {k: v / total for k, v in full.items()}


def _choice(key: str, what: str, v: object, choices: tuple[str, ...],
            problems: list[Problem]) -> bool:
    """True when ``v`` is one of ``choices``; else a problem naming the key and the choices."""
    if v in choices:
        return True
    problems.append(Problem("case.yaml", f"unknown {what}", column=key, value=brief(v),
                            allowed=" or ".join(choices), suggestion=close_match(v, choices)))
    return False


def _windows(raw: Any, problems: list[Problem]) -> dict[str, Any]:
    """The window rule of case.yaml (method.md §Windows of opportunity)."""
    out: dict[str, Any] = dict(DEFAULT_WINDOWS)
    if not isinstance(raw, dict):
        problems.append(Problem("case.yaml", "bad windows", column="windows", value=brief(raw),
                                allowed=f"rule ({_RULES}), share, floor, threshold"))
        return out
    for key, v in raw.items():
        if key == "gap":  # windows this many days apart or closer are one (method.md)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 90:
                problems.append(Problem("case.yaml", "bad windows.gap", column="windows.gap",
                                        value=brief(v), allowed="a whole number of days from "
                                        f"0 to 90 (default {DEFAULT_WINDOW_GAP})"))
            else:
                out["gap"] = v
        elif key not in DEFAULT_WINDOWS:
            problems.append(Problem("case.yaml", f"unknown key 'windows.{brief(key)}'",
                                    column="windows", allowed=", ".join([*WINDOW_KEYS, "gap"]),
                                    suggestion=close_match(key, [*DEFAULT_WINDOWS, "gap"])))
        elif key == "rule":
            if _choice("windows.rule", "window rule", v, WINDOW_RULES, problems):
                out["rule"] = v
        else:
            x = _fraction(f"windows.{key}", v, problems, above=key != "floor")
            if x is not None:
                out[key] = x
    return out


# -- a call's overrides: the first bad value raises -------------------------------------------


def check_threshold(threshold: object) -> float:
    """A window threshold or share: a number above 0, at most 1."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number) \
            or not 0 < float(threshold) <= 1:
        raise BadParameterError("threshold", threshold, "a number above 0 and at most 1")
    return float(threshold)


def override_weights(base: Mapping[str, float],
                     weights: Mapping[str, float] | None) -> dict[str, float]:
    """The priority weights ``base`` (a case's) with a call's ``weights`` over them.

    Keys ``weights`` leaves out keep their value; the result is not rescaled. Raises for an
    unknown part, a value that is not a number of 0 or more, or weights that add up to 0.
    """
    out = {k: float(base[k]) for k in PRIORITY_PARTS}
    if weights is not None:
        if not isinstance(weights, Mapping):
            raise BadParameterError("weights", weights,
                                    "a mapping of fit, influence and timing to numbers")
        for key, v in weights.items():
            if key not in PRIORITY_PARTS:
                raise UnknownChoiceError("weight", key, PRIORITY_PARTS)
            if isinstance(v, bool) or not isinstance(v, int | float | np.number) \
                    or not np.isfinite(v) or v < 0:
                raise BadParameterError(f"weight '{key}'", v, "a number, 0 or more")
            out[key] = float(v)
    if sum(out.values()) <= 0:
        raise BadParameterError("weights", dict(weights or {}), "at least one weight above 0")
    return out


def _share(text: str) -> float:
    try:
        v = float(text.strip().rstrip("%")) / 100
    except ValueError:
        raise BadParameterError("threshold", text, "a number above 0 and at most 1 (absolute), "
                                "or a share of the peak such as 80%") from None
    if not 0 < v <= 1:
        raise BadParameterError("threshold", text, "a share of the peak above 0% and at most "
                                "100%, such as 80%")
    return v


def override_windows(base: Mapping[str, Any], threshold: object) -> dict[str, Any]:
    """The window rule ``base`` (a case's ``windows``) with a call's override over it.

    ``threshold`` may be None (``base``), a number (the absolute rule at that threshold), a
    text such as ``"80%"`` (the relative rule at that share of the peak, with the case's
    floor), a number as text (``"0.4"``), or a mapping of ``windows:`` keys.
    """
    keys = (*WINDOW_KEYS, "gap")  # gap: runs this many days apart or closer are one window
    out = {**DEFAULT_WINDOWS, "gap": DEFAULT_WINDOW_GAP, **{k: base[k] for k in keys if k in base}}
    if threshold is None:
        return out
    if isinstance(threshold, Mapping):
        unknown = set(threshold) - set(keys)
        if unknown:
            raise BadParameterError("windows", sorted(unknown), ", ".join(keys))
        out.update(threshold)
        if out["rule"] not in WINDOW_RULES:
            raise BadParameterError("windows rule", out["rule"], _RULES)
        check_threshold(out["share"])
        check_threshold(out["threshold"])
        gap = out["gap"]
        if isinstance(gap, bool) or not isinstance(gap, int) or not 0 <= gap <= 90:
            raise BadParameterError("gap", gap, "a whole number of days from 0 to 90")
        if not 0 <= out["floor"] <= 1:
            raise BadParameterError("floor", out["floor"], "a number from 0 to 1")
        return out
    if isinstance(threshold, str):
        text = threshold.strip()
        if text.endswith("%"):
            return {**out, "rule": "relative", "share": _share(text)}
        try:
            threshold = float(text)
        except ValueError:
            raise BadParameterError("threshold", text, "a number above 0 and at most 1, or a "
                                    "share of the peak such as 80%") from None
    return {**out, "rule": "absolute", "threshold": check_threshold(threshold)}
