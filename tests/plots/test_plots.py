"""Tests of strategy_kit.plots on small hand-made frames with the engine's columns."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from strategy_kit import plots
from strategy_kit.errors import BadParameterError, UnknownChoiceError

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
W = {"fit": 0.5, "influence": 0.3, "timing": 0.2}
D = pd.Timestamp


# --- frames with the columns of docs/architecture.md -------------------------------------------


def priority_frame() -> pd.DataFrame:
    rows = []
    for goal, goal_name in (("release", "Release of prisoners"), ("media", XSS + " goal")):
        for aud, name, group, fit, infl, tim in (
            ("mps", "Members of parliament", "Deciders", 0.8, 0.9, 0.4),
            ("press", "Journalists", "Media", 0.5, 0.6, 0.9),
            ("xss", XSS, XSS, 0.2, 0.3, 0.1),
        ):
            if goal == "media":
                fit = 1 - fit
            row = dict(audience=aud, audience_name=name, group=group, goal=goal,
                       goal_name=goal_name, fit=fit, influence=infl, timing=tim,
                       peak_date=D("2025-02-14"))
            for k, w in W.items():
                row[f"{k}_part"] = w * row[k]
            row["priority"] = sum(row[f"{k}_part"] for k in W)
            rows.append(row)
    df = pd.DataFrame(rows)
    df["rank"] = df.groupby("goal")["priority"].rank(ascending=False, method="first").astype(int)
    return df.sort_values(["goal", "rank"]).reset_index(drop=True)


def contributions_frame() -> pd.DataFrame:
    df = pd.DataFrame(dict(
        interest=["rights", "security", "xss"],
        interest_name=["Human rights", "Regional security", XSS],
        theme=["Values", "Security", XSS],
        weight=[0.5, 0.9, 0.6], strength=[0.9, 0.3, 0.0],
        hook=["Every release is a success they can claim.", "A threat to the region.", XSS],
    ))
    df["contribution"] = df["weight"] * df["strength"] / df["weight"].sum()
    return df.sort_values("contribution", ascending=False).reset_index(drop=True)


def timing_frame() -> pd.DataFrame:
    dates = pd.date_range("2025-01-01", periods=60)
    t = np.exp(-((np.arange(60) - 30) / 8.0) ** 2)
    return pd.concat([
        pd.DataFrame(dict(date=dates, audience="mps", timing=t)),
        pd.DataFrame(dict(date=dates, audience="xss", timing=t / 2)),
    ], ignore_index=True)


def drivers_frame() -> pd.DataFrame:
    dates = pd.date_range("2025-01-20", periods=20)
    return pd.DataFrame(dict(date=dates, moment="summit", moment_name=XSS, kind="event",
                             pressure=np.exp(-((np.arange(20) - 10) / 5.0) ** 2)))


def windows_frame() -> pd.DataFrame:
    return pd.DataFrame(dict(
        audience=["mps"], start=[D("2025-01-25")], end=[D("2025-02-06")],
        peak_date=[D("2025-01-31")], peak=[1.0], moments=[("summit",)], moment_names=[XSS],
        lead_days=[30.0], prepare_by=[D("2024-12-26")],
    ))


def robustness_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    summary = pd.DataFrame(dict(
        audience=["mps", "press", "xss"], audience_name=["Members of parliament", "Journalists",
                                                         XSS],
        base_rank=[1, 2, 3], median_rank=[1.0, 2.0, 3.0], rank_p05=[1.0, 1.0, 2.0],
        rank_p95=[2.0, 3.0, 3.0], p_top3=[1.0, 1.0, 1.0], fragile=[False, True, True],
    ))
    p = {"mps": [0.9, 0.1, 0.0], "press": [0.1, 0.6, 0.3], "xss": [0.0, 0.3, 0.7]}
    distribution = pd.DataFrame([dict(audience=a, rank=r + 1, probability=q)
                                 for a, qs in p.items() for r, q in enumerate(qs)])
    return summary, distribution


def coverage_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    windows = pd.DataFrame(dict(
        audience=["mps", "mps", "xss"], start=[D("2025-01-20"), D("2025-08-01"), D("2025-11-20")],
        end=[D("2025-02-25"), D("2025-08-25"), D("2025-12-20")], peak=[0.8, 0.7, 0.9],
        actions=[("brief",), (), ()], covered=[True, False, False],
    ))
    actions = pd.DataFrame(dict(
        action=["brief", XSS], audience=["mps", "mps"], start=[D("2025-01-25"), D("2025-04-01")],
        end=[D("2025-02-05"), pd.NaT], in_window=[True, False],
    ))
    return windows, actions


def table_frame() -> pd.DataFrame:
    return pd.DataFrame(dict(
        name=["Briefing", XSS], effort=["low", "high"], fit=[0.9, 0.33333], lead_days=[14.0, 90.0],
        prepare_by=[pd.NaT, D("2024-11-16")], allies=[("ngos", "unions"), ()],
    ))


def spectrum_frame() -> pd.DataFrame:
    return pd.DataFrame(dict(
        audience=["mps", "press", "xss", "regime"],
        audience_label=["Members of parliament", "Journalists", XSS, "Regime"],
        goal=["release"] * 4, goal_label=["Release prisoners"] * 4,
        stance=["leaning-towards", "neutral", "", "opposed"],
        role=["decides", "moves", "moves", "decides"],
    ))


def attention_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    dates = pd.date_range("2025-01-01", periods=60)
    share = 0.002 + 0.01 * np.exp(-((np.arange(60) - 30) / 4.0) ** 2)
    series = pd.DataFrame(dict(date=dates, share=share))
    spikes = pd.DataFrame(dict(start=[D("2025-01-27")], peak_date=[D("2025-01-31")],
                               peak_share=[share[30]], baseline=[0.002], end=[D("2025-02-04")],
                               peak_ratio=[share[30] / 0.002]))
    return series, spikes, timing_frame()


# --- one call per function, for the tests that run over all of them ----------------------------


def calls() -> dict[str, tuple]:
    """name: (function, frames, other arguments); every call has a case string ``XSS``."""
    summary, distribution = robustness_frames()
    windows, actions = coverage_frames()
    series, spikes, modelled = attention_frames()
    names = {"mps": "Members of parliament", "xss": XSS}
    return {
        "priority": (plots.plot_priority, (priority_frame(),), {}),
        "contributions": (plots.plot_contributions, (contributions_frame(),), {}),
        "timeline": (plots.plot_timeline, (timing_frame(), drivers_frame(), windows_frame()),
                     {"names": names}),
        "influence_fit": (plots.plot_influence_fit, (priority_frame(),), {}),
        "heatmap": (plots.plot_heatmap, (priority_frame(),), {}),
        "calendar": (plots.plot_calendar, (timing_frame(),), {"names": names}),
        "rank_stability": (plots.plot_rank_stability, (summary, distribution), {}),
        "table": (plots.plot_table, (table_frame(),), {"title": XSS}),
        "coverage": (plots.plot_coverage, (windows, actions), {"names": names}),
        "measured_attention": (plots.plot_measured_attention,
                               (series, spikes.assign(name=XSS), modelled), {}),
        "spectrum": (plots.plot_spectrum, (spectrum_frame(),), {"keep": "press"}),
    }


def strings(obj: object) -> list[str]:
    """Every string in a figure's JSON (labels, hover text, annotations, cells, …)."""
    found: list[str] = []

    def walk(o: object) -> None:
        if isinstance(o, str):
            found.append(o)
        elif isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list | tuple):
            for v in o:
                walk(v)

    walk(json.loads(pio.to_json(obj)))
    return found


def annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


# --- what every figure promises ----------------------------------------------------------------


@pytest.mark.parametrize("name", list(calls()))
def test_returns_a_figure_in_the_template(name):
    func, args, kwargs = calls()[name]
    fig = func(*args, **kwargs)
    assert isinstance(fig, go.Figure)
    assert fig.layout.template.layout.font.family == plots.FONT
    assert fig.layout.height and fig.layout.height >= 150
    assert fig.data


@pytest.mark.parametrize("name", list(calls()))
def test_does_not_mutate_its_arguments(name):
    func, args, kwargs = calls()[name]
    before = [a.copy(deep=True) for a in args]
    func(*args, **kwargs)
    for a, b in zip(args, before, strict=True):
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("name", list(calls()))
def test_escapes_case_strings(name):
    func, args, kwargs = calls()[name]
    texts = strings(func(*args, **kwargs))
    assert not any("<script" in t for t in texts)
    assert any(XSS_ESCAPED in t for t in texts)


@pytest.mark.parametrize("name", list(calls()))
def test_empty_frames_say_nothing_to_show(name):
    func, args, kwargs = calls()[name]
    for empty in ([a.iloc[0:0] for a in args], [pd.DataFrame() for _ in args]):
        fig = func(*empty, **kwargs)
        assert isinstance(fig, go.Figure)
        assert "nothing to show" in annotation_texts(fig)


def test_text_escapes_markup_and_keeps_quotes():
    assert plots._text("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert plots._text('say "hi"') == 'say "hi"'
    assert plots._text(None) == ""
    assert plots._text(float("nan")) == ""
    assert plots._text("&lt;") == "&amp;lt;"


def test_template_is_registered_with_a_colour_blind_safe_palette():
    template = pio.templates[plots.TEMPLATE]
    assert list(template.layout.colorway) == plots.PALETTE
    assert "#E69F00" in plots.PALETTE and "#0072B2" in plots.PALETTE


def test_missing_columns_are_named():
    with pytest.raises(BadParameterError, match="fit_part"):
        plots.plot_priority(priority_frame().drop(columns="fit_part"))


# --- each figure's data ------------------------------------------------------------------------


def test_priority_bars_are_the_parts_sorted_by_priority():
    df = priority_frame()
    fig = plots.plot_priority(df, goal="release")
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name.split()[0] for b in bars] == ["fit", "influence", "timing"]
    rows = df[df["goal"] == "release"].sort_values("priority", ascending=False)
    for bar, part in zip(bars, ["fit_part", "influence_part", "timing_part"], strict=True):
        np.testing.assert_allclose(list(bar.x), rows[part].to_numpy())
        assert bar.orientation == "h"
    assert list(bars[0].y) == ["Members of parliament", "Journalists", XSS_ESCAPED]
    assert fig.layout.barmode == "stack"
    assert fig.layout.yaxis.autorange == "reversed"  # the highest priority on top
    # hover: raw value, weight, the part and the total
    custom = bars[0].customdata[0]
    assert custom[1] == pytest.approx(0.8) and custom[2] == pytest.approx(0.5)
    assert custom[3] == pytest.approx(rows["priority"].iloc[0])
    assert "%{x:.2f}" in bars[0].hovertemplate


def test_priority_facets_several_goals_and_checks_the_goal():
    fig = plots.plot_priority(priority_frame())
    assert len([t for t in fig.data if t.type == "bar"]) == 6
    assert "Release of prisoners" in annotation_texts(fig)
    with pytest.raises(UnknownChoiceError, match="relase"):
        plots.plot_priority(priority_frame(), goal="relase")


def test_contributions_bars_sum_to_the_fit_with_hooks():
    df = contributions_frame()
    fig = plots.plot_contributions(df)
    xs = {y: x for t in fig.data for y, x in zip(t.y, t.x, strict=True)}
    assert sum(xs.values()) == pytest.approx(df["contribution"].sum())
    rights = df.loc[df["interest"] == "rights", "contribution"].iloc[0]
    assert xs["Human rights"] == pytest.approx(rights)
    assert list(fig.layout.yaxis.categoryarray) == ["Human rights", "Regional security",
                                                    XSS_ESCAPED]
    custom = {c[0]: c for t in fig.data for c in t.customdata}
    assert custom["Human rights"][3] == pytest.approx(df["weight"].sum())  # Σ weight
    assert "they can claim" in custom["Human rights"][4]
    assert f"{df['contribution'].sum():.2f}" in fig.layout.title.text


def test_timeline_shades_windows_marks_moments_and_threshold():
    fig = plots.plot_timeline(timing_frame(), drivers_frame(), windows_frame(), audience="mps",
                              threshold=0.4)
    line = fig.data[0]
    np.testing.assert_allclose(list(line.y), timing_frame().query("audience == 'mps'")["timing"])
    names = [t.name for t in fig.data]
    assert "window of opportunity" in names and "moment" in names
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 1
    hlines = [s for s in fig.layout.shapes if s.type == "line" and s.y0 == s.y1 == 0.4]
    assert hlines
    moment = next(t for t in fig.data if t.name == "moment")
    assert list(moment.x) == [D("2025-01-30")]  # the peak of its pressure
    assert any(XSS_ESCAPED in t for t in annotation_texts(fig))
    with pytest.raises(UnknownChoiceError, match="mp"):
        plots.plot_timeline(timing_frame(), audience="mp")


def test_timeline_draws_one_line_per_audience_with_names():
    fig = plots.plot_timeline(timing_frame(), names={"mps": "Members of parliament"})
    assert [t.name for t in fig.data] == ["Members of parliament", "xss"]


def test_influence_fit_grid_has_quadrants():
    df = priority_frame()
    fig = plots.plot_influence_fit(df, goal="release", size="priority")
    points = {t: (x, y) for tr in fig.data for t, x, y in zip(tr.text, tr.x, tr.y, strict=True)}
    row = df[(df.goal == "release") & (df.audience == "mps")].iloc[0]
    assert points["Members of parliament"] == (pytest.approx(row.fit), pytest.approx(row.influence))
    texts = annotation_texts(fig)
    for quadrant in ("manage closely", "keep satisfied", "keep informed", "monitor"):
        assert quadrant in texts
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert {s.x0 for s in lines} >= {0.5} and {s.y0 for s in lines} >= {0.5}
    with pytest.raises(BadParameterError, match="size"):
        plots.plot_influence_fit(df, size="fit")


def test_influence_fit_legend_wraps_long_groups_instead_of_cutting_them():
    group = "Governments and government-financed organisations"
    df = priority_frame().assign(group=group)
    fig = plots.plot_influence_fit(df, goal="release", size="priority")
    (name,) = {tr.name for tr in fig.data if tr.showlegend}
    assert "…" not in name and name.replace("<br>", " ").replace("- ", "-") == group


def test_heatmap_writes_the_values_in_the_cells():
    df = priority_frame()
    fig = plots.plot_heatmap(df, value="fit")
    hm = fig.data[0]
    assert hm.type == "heatmap" and hm.texttemplate == "%{z:.2f}"
    z = np.asarray(hm.z)
    assert z.shape == (3, 2)
    i = list(hm.y).index("Members of parliament")
    assert sorted(z[i]) == pytest.approx(sorted([0.8, 0.2]))
    with pytest.raises(BadParameterError, match="one of"):
        plots.plot_heatmap(df, value="bogus")


def test_calendar_takes_each_weeks_peak():
    tf = timing_frame()
    fig = plots.plot_calendar(tf)
    hm = fig.data[0]
    z = np.asarray(hm.z)
    assert z.shape == (2, 9)  # Wednesday 2025-01-01 to Saturday 2025-03-01: 9 weeks
    assert np.nanmax(z[0]) == pytest.approx(tf.query("audience == 'mps'")["timing"].max())
    daily = plots.plot_calendar(tf, freq="D")
    assert np.asarray(daily.data[0].z).shape == (2, 60)
    with pytest.raises(BadParameterError):
        plots.plot_calendar(tf, freq="M")


def test_calendar_height_grows_with_rows():
    tf = timing_frame()
    many = pd.concat([tf.assign(audience=f"a{i}") for i in range(20)])
    assert plots.plot_calendar(many).layout.height > plots.plot_calendar(tf).layout.height


def test_rank_stability_boxes_the_base_rank_and_flags_fragile():
    summary, distribution = robustness_frames()
    fig = plots.plot_rank_stability(summary, distribution)
    hm = fig.data[0]
    np.testing.assert_allclose(np.asarray(hm.z).sum(axis=1), 1.0)
    assert list(hm.x) == [1, 2, 3]
    boxes = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(s.x0 + s.x1) / 2 for s in boxes] == [1, 2, 3]
    assert "⚠" not in hm.y[0] and "⚠" in hm.y[1] and "⚠" in hm.y[2]
    assert any("fragile" in t for t in annotation_texts(fig))


def test_table_formats_numbers_dates_and_lists():
    fig = plots.plot_table(table_frame(), columns={"name": "format", "fit": "fit",
                                                   "lead_days": "lead", "prepare_by": "by",
                                                   "allies": "allies"}, title="Formats")
    table = fig.data[0]
    assert table.type == "table"
    assert [h for h in table.header.values] == ["<b>format</b>", "<b>fit</b>", "<b>lead</b>",
                                                "<b>by</b>", "<b>allies</b>"]
    cells = table.cells.values
    assert list(cells[0]) == ["Briefing", XSS_ESCAPED]
    assert list(cells[1]) == ["0.90", "0.33"]
    assert list(cells[2]) == ["14", "90"]
    assert list(cells[3]) == ["", "2024-11-16"]
    assert list(cells[4]) == ["ngos, unions", ""]
    assert list(table.cells.align) == ["left", "right", "right", "left", "left"]
    assert table.header.fill.color == plots.FIT
    with pytest.raises(BadParameterError, match="nope"):
        plots.plot_table(table_frame(), columns=["nope"])


def test_table_wraps_long_text():
    df = pd.DataFrame(dict(text=["word " * 40]))
    cell = plots.plot_table(df).data[0].cells.values[0][0]
    assert "<br>" in cell


def test_coverage_highlights_gaps_and_actions_outside_windows():
    windows, actions = coverage_frames()
    fig = plots.plot_coverage(windows, actions, names={"mps": "Members of parliament"})
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"window, covered", "window with no action (gap)",
                            "action in a window", "action outside every window"}
    gap = by_name["window with no action (gap)"]
    assert gap.marker.color == plots.WARN
    assert list(gap.y) == ["Members of parliament", "xss"]
    assert list(gap.base) == ["2025-08-01", "2025-11-20"]
    assert list(gap.x) == [25 * 86_400_000, 31 * 86_400_000]  # inclusive days
    outside = by_name["action outside every window"]
    assert outside.marker.pattern.shape == "/"
    assert list(outside.x) == [86_400_000]  # no end: one day


def test_measured_attention_marks_spikes_and_modelled_timing():
    series, spikes, modelled = attention_frames()
    fig = plots.plot_measured_attention(series, spikes, modelled.query("audience == 'mps'"))
    names = [t.name for t in fig.data]
    assert names == ["measured share", "spike", "modelled timing"]
    np.testing.assert_allclose(list(fig.data[0].y), series["share"])
    assert list(fig.data[1].x) == [D("2025-01-31")]
    assert fig.data[2].yaxis == "y2"
    assert "×" in annotation_texts(fig)[0]
    assert any(s.type == "rect" for s in fig.layout.shapes)  # the spike's span
    # a plain frame of dates, named
    named = pd.DataFrame(dict(date=[D("2025-01-31")], name=[XSS]))
    fig2 = plots.plot_measured_attention(series, named)
    assert fig2.data[1].y[0] == pytest.approx(series["share"].max())
    assert XSS_ESCAPED in annotation_texts(fig2)[0]


def test_measured_attention_draws_fits_beside_the_data_in_the_series_unit():
    series, spikes, _ = attention_frames()
    day = pd.Timestamp(series["date"].iloc[3])
    fits = pd.DataFrame({"date": pd.date_range(day, periods=4), "fitted": [4.0, 2.0, 1.0, 0.5]})
    fig = plots.plot_measured_attention(series, spikes, fits_df=fits, measure="index")
    fit = [t for t in fig.data if t.name == "fitted decay"]
    assert len(fit) == 1 and list(fit[0].y) == [4.0, 2.0, 1.0, 0.5]
    assert fit[0].line.dash == "dot"
    assert fig.data[0].name == "measured search interest (0–100)"
    assert fig.layout.yaxis.title.text == "search interest (0–100)"
    assert fig.layout.yaxis.tickformat == "~s"


def test_long_names_wrap_on_two_lines_and_labels_win() -> None:
    """Without a label a long name wraps rather than being cut; a label replaces it."""
    from strategy_kit.plots.style import _labels

    long = "Governments of other key countries (Germany, USA) and the EU"
    (wrapped,) = _labels([long], ["key"])
    assert "<br>" in wrapped and "…" not in wrapped
    assert wrapped.replace("<br>", " ") == long
    (label,) = _labels([long], ["key"], labels=["Key governments and EU"])
    assert label == "Key governments and EU"
    (fallback,) = _labels([long], ["key"], labels=[""])
    assert fallback == wrapped
    df = priority_frame().assign(audience_label=lambda d: "Short " + d["audience"])
    fig = plots.plot_priority(df, goal="release")
    assert all(str(y).startswith("Short ") for y in fig.data[0].y)
    hover = fig.data[0].customdata[:, 0]
    assert not any(str(h).startswith("Short ") for h in hover)  # full names in hover text


def test_the_template_has_defaults_for_every_trace_type_the_kit_draws() -> None:
    # The template keeps plotly_white's trace defaults only for the kit's trace types: a new
    # kind of trace must be added to TRACE_TYPES, or it would be drawn without them.
    import ast
    from pathlib import Path

    from strategy_kit.plots.style import TRACE_TYPES

    used = set()
    for path in Path(plots.__file__).parents[1].rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "go" and node.attr[:1].isupper() \
                    and node.attr not in ("Figure", "FigureWidget"):
                used.add(node.attr.lower())
    assert used and used <= set(TRACE_TYPES), sorted(used - set(TRACE_TYPES))
    template = pio.templates[plots.TEMPLATE]
    assert set(template.data.to_plotly_json()) == set(TRACE_TYPES)


def test_spectrum_puts_each_audience_on_its_wedge_deciders_in_bold():
    fig = plots.plot_spectrum(spectrum_frame(), keep="press")
    heads = list(fig.layout.xaxis.ticktext)
    assert heads == ["Allies", "Leaning towards", "Neutral", "Leaning against", "Opposed",
                     "Not placed"]
    texts = {round(a.x - 0.5): a.text for a in fig.layout.annotations if a.xref != "paper"
             and a.x is not None and a.x % 1 == 0.5}
    assert texts[1] == "<b>Members of</b><br><b>parliament</b>"  # decides: bold, wrapped
    assert texts[2] == "<u>Journalists</u>"  # moves: plain; the report's audience underlined
    assert texts[4] == "<b>Regime</b>"
    assert list(fig.layout.yaxis.ticktext) == ["Release prisoners"]
