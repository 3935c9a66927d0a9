"""The sections of ``notebooks/04-attention.ipynb``: measured media attention for a case.

The notebook calls :func:`study_attention` once, then one ``show_*`` function per cell
(notebooks hold no logic: docs/architecture.md). The method is ``docs/attention.md``;
every case string is escaped on its way out (``display``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import config, plots
from ..attention import FIT_DAYS, load_attention, spike_half_lives
from ..case import Case
from ..case.locate import case_folder
from ..config import TOC_MARK
from ..errors import BadParameterError
from ..params import long_date
from ..ratings.load import load_case
from .display import esc, show_figure, show_html, show_table, show_text

__all__ = [
    "AttentionStudy",
    "attention_files",
    "attention_figure",
    "markdown_paragraphs",
    "source_line",
    "study_attention",
    "show_attention_title",
    "show_measured_attention",
    "show_spikes",
    "show_half_lives",
    "show_half_life_note",
]

#: The folder of a case that holds its media-attention exports.
ATTENTION_FOLDER = "attention"
#: A fitted half-life is trusted from this R² and this many fitted days (docs/attention.md §6).
TRUST_R2 = 0.8
TRUST_POINTS = 10
#: A moment is taken to be behind a spike when one of its occurrences starts between this many
#: days before the spike's first day and the day after its peak.
MATCH_BEFORE_DAYS = 3
MATCH_AFTER_PEAK_DAYS = 1
NO_MOMENT = "not in moments.csv"


@dataclass(frozen=True)
class AttentionStudy:
    """A measured series, its spikes with fitted half-lives, and the case's moments."""

    case: Case
    file: Path
    series: pd.DataFrame
    spikes: pd.DataFrame
    readme: str

    @property
    def parameters(self) -> dict[str, str]:
        """The notebook's parameters, as given to it."""
        return {"case": self.case.name, "file": str(self.file)}


def attention_files(case: Case) -> list[Path]:
    """The measured-attention exports in the case's ``attention/`` folder, by name."""
    folder = case_folder(case.path) / ATTENTION_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")


def _find_file(case: Case, file: str | Path) -> Path:
    files = attention_files(case)
    listed = ", ".join(p.name for p in files) or "none"
    where = f"{case_folder(case.path).name}/{ATTENTION_FOLDER}/"
    if not str(file).strip():
        if not files:
            raise BadParameterError(
                "file", file, f"the path of a Media Cloud or GDELT CSV export; the case has "
                f"none in {where}: download one (docs/attention.md) and put it there")
        return files[0]
    p = Path(file).expanduser()
    # a name in the case's attention/ folder, or the tutorial's example beside the notebooks
    for candidate in (p, case_folder(case.path) / ATTENTION_FOLDER / p, config.NOTEBOOKS_DIR / p):
        if candidate.is_file():
            return candidate
    raise BadParameterError("file", file, f"an existing CSV file; in {where}: {listed}")


def _yearly(start: pd.Timestamp, year: int) -> pd.Timestamp:
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a year without one: the 28th, as the engine does
        return start.replace(year=year, day=28)


def _moments_near(case: Case, spikes: pd.DataFrame) -> list[list[str]]:
    """For each spike, the ids of the moments that may be behind it, the likeliest first.

    Nearest start to the spike's first day first; on a tie the more intense moment, then a
    crisis before a planned event.
    """
    moments = case.moments
    out = []
    for sp in spikes.itertuples(index=False):
        lo = sp.start - pd.Timedelta(days=MATCH_BEFORE_DAYS)
        hi = sp.peak_date + pd.Timedelta(days=MATCH_AFTER_PEAK_DAYS)
        found = []
        for m in moments.itertuples(index=False):
            starts = [m.start] if m.recurrence != "yearly" else [
                _yearly(m.start, y) for y in range(sp.start.year - 1, sp.start.year + 2)
                if y >= m.start.year]
            for s in starts:
                if lo <= s <= hi:
                    found.append((abs((s - sp.start).days), -m.intensity, m.kind != "crisis",
                                  m.id))
        out.append([f[-1] for f in sorted(found)])
    return out


def _readme(file: Path) -> str:
    p = file.parent / "README.md"
    return p.read_text(encoding="utf-8", errors="replace") if p.is_file() else ""


def study_attention(case: str | Path | Case = config.DEFAULT_CASE,
                    file: str | Path = "", series: str = "") -> AttentionStudy:
    """Load a media-attention export, find its spikes, fit their half-lives, match moments.

    Parameters
    ----------
    case
        A case name, folder, or loaded case.
    file
        A Media Cloud or GDELT CSV (a path, or a name in the case's ``attention/`` folder);
        empty for the first CSV file of that folder.
    series
        For a Google Trends or wide CSV file, the column to study (empty: the first).

    Returns
    -------
    AttentionStudy
        ``series`` (the frame of ``load_attention``) and ``spikes`` (the frame of
        ``spike_half_lives`` plus ``moment``, ``moment_name``, ``other_moments``, ``trusted``
        and ``case_half_life``, the moment's ``half_life_days`` in the case).

    Raises
    ------
    BadParameterError
        No such file, or the case has no export when ``file`` is empty.
    AttentionFileError
        The file is not a readable Media Cloud or GDELT export.
    """
    c = case if isinstance(case, Case) else load_case(case)
    path = _find_file(c, file)
    series = load_attention(path, series or None)
    spikes = spike_half_lives(series)
    near = _moments_near(c, spikes)
    names = c.names("moment")
    half = dict(zip(c.moments["id"], c.moments["half_life_days"], strict=True))
    spikes = spikes.assign(
        moment=pd.array([n[0] if n else "" for n in near], dtype="str"),
        moment_name=pd.array([names[n[0]] if n else "" for n in near], dtype="str"),
        other_moments=pd.Series([tuple(names[i] for i in n[1:]) for n in near], dtype=object),
        trusted=(spikes["r2"] >= TRUST_R2) & (spikes["points"] >= TRUST_POINTS),
        case_half_life=[half[n[0]] if n else math.nan for n in near],
    )
    return AttentionStudy(case=c, file=path, series=series, spikes=spikes,
                          readme=_readme(path))


# -- sections ---------------------------------------------------------------------------------


_day = long_date  # the report's date format (params.REPORT_DATE)


def _pct(v: float) -> str:
    return "" if pd.isna(v) else f"{v:.2%}"


def markdown_paragraphs(text: str) -> list[str]:
    """A README as plain paragraphs: headings, emphasis and code marks removed."""
    paras, current = [], []
    for line in text.splitlines():
        line = re.sub(r"^#+\s*", "", line.strip()).replace("**", "").replace("`", "")
        if not line:
            if current:
                paras.append(" ".join(current))
            current = []
        elif line.startswith("- ") and current:
            paras.append(" ".join(current))
            current = [line]
        else:
            current.append(line)
    if current:
        paras.append(" ".join(current))
    return paras


def _what(s: AttentionStudy) -> str:
    d = s.series
    fmt = str(d.attrs.get("format_name") or d.attrs.get("format"))
    return f"{fmt}, column “{d.attrs['series']}”" if d.attrs.get("series") else fmt


def source_line(s: AttentionStudy) -> str:
    """Where the measured data came from: file, recognised format, series and date range."""
    d = s.series
    fits = s.spikes["points"].gt(0)
    window = (f" Half-lives are fitted on at most the {FIT_DAYS + 1} days from a peak "
              f"(dotted lines; docs/attention.md)." if fits.any() else "")
    return (f"Measured data: {s.file.name} ({_what(s)}), {_day(d['date'].iloc[0])} to "
            f"{_day(d['date'].iloc[-1])}, {len(s.spikes)} spike(s).{window}")


def show_attention_title(s: AttentionStudy) -> None:
    """The title, the file and its period, and the notes of the folder's README."""
    d = s.series
    filled = int(d["filled"].sum())
    fmt = _what(s)
    show_html(
        f"<h1>Measured media attention: {esc(s.case.title)}</h1>"
        f'<p class="sk-lead">{esc(s.file.name)} ({esc(fmt)}): {len(d)} days from '
        f"{_day(d['date'].iloc[0])} to {_day(d['date'].iloc[-1])}"
        + (f", {filled} of them interpolated (no known total)" if filled else "")
        + f". {len(s.spikes)} spike(s) found.</p>{TOC_MARK}"
    )
    if s.readme:
        show_text(["From the README beside the file:", *markdown_paragraphs(s.readme)],
                  css="sk-note")


def _label(row: pd.Series) -> str:
    return str(row["moment_name"]) or NO_MOMENT


def attention_figure(s: AttentionStudy, modelled: pd.DataFrame | None = None) -> go.Figure:
    """The measured share of coverage with its spikes, and optionally a modelled timing.

    ``modelled`` is ``score_timing`` over the same days, drawn beside the measurement.
    """
    sp = s.spikes
    # a spike no moment explains is labelled with its date: short labels overlap less
    marks = pd.DataFrame({"date": sp["peak_date"], "share": sp["peak_share"],
                          "name": [r["moment_name"] or _day(r["peak_date"])
                                   for _, r in sp.iterrows()]})
    fits = [pd.DataFrame({"date": pd.date_range(r.fit_start, r.fit_end),
                          "fitted": r.baseline + r.amplitude * 2 ** (
                              -np.arange((r.fit_end - r.fit_start).days + 1) / r.half_life_days)})
            for r in sp.itertuples() if r.points > 0 and pd.notna(r.half_life_days)]
    measure = str(s.series.attrs.get("measure", "share"))
    title = {"share": "Share of coverage", "index": "Search interest"}.get(measure, "Measured")
    return plots.plot_measured_attention(
        s.series, marks, modelled_df=modelled, title=f"{title}, {s.file.name}",
        fits_df=pd.concat(fits) if fits else None, measure=measure)


def show_measured_attention(s: AttentionStudy) -> None:
    """The daily share of coverage, with each spike marked by the moment behind it."""
    show_figure(attention_figure(s))


def show_spikes(s: AttentionStudy) -> None:
    """The spikes: when, how high above the baseline, and the moment that may be behind it."""
    sp = s.spikes
    table = pd.DataFrame({
        "start": sp["start"], "peak day": sp["peak_date"], "end": sp["end"],
        "baseline": sp["baseline"].map(_value(s)), "peak": sp["peak_share"].map(_value(s)),
        "× baseline": sp["peak_ratio"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}"),
        "moment in the case": [_label(r) for _, r in sp.iterrows()],
        "also on those days": sp["other_moments"].map("; ".join),
    })
    show_table(table, caption="Spikes of attention (docs/attention.md §4)",
               empty="No spike found: the series never rose well above its baseline.")


def _value(s: AttentionStudy) -> Callable[[object], str]:
    """How the series' values read: a share as a percentage, other measures as numbers."""
    return _pct if s.series.attrs.get("measure", "share") == "share" else _num("{:.3g}")


def _num(fmt: str) -> Callable[[object], str]:
    return lambda v: "" if pd.isna(v) else fmt.format(v)


def _trust(row: pd.Series) -> str:
    if pd.isna(row["half_life_days"]):
        return "no: no decay could be fitted"
    if row["r2"] < TRUST_R2:
        return f"no: R² below {TRUST_R2}"
    if row["points"] < TRUST_POINTS:
        return f"no: fewer than {TRUST_POINTS} days fitted"
    return "yes"


def show_half_lives(s: AttentionStudy) -> None:
    """The fitted half-life of each spike, how far to trust it, and the case's judgement."""
    sp = s.spikes
    table = pd.DataFrame({
        "peak": sp["peak_date"],
        "moment in the case": [_label(r) for _, r in sp.iterrows()],
        "fitted half-life (days)": sp["half_life_days"].map(_num("{:.1f}")),
        "R²": sp["r2"].map(_num("{:.2f}")),
        "days fitted": sp["points"],
        "fitted from": sp["fit_start"].where(sp["points"] > 0),
        "to": sp["fit_end"].where(sp["points"] > 0),
        "trust it": [_trust(r) for _, r in sp.iterrows()],
        "half_life_days in moments.csv": sp["case_half_life"].map(_num("{:g}")),
    })
    show_table(table, caption="Fitted half-lives: share = baseline + A·2^(−t / half-life)",
               empty="No spike, so no half-life to fit.")


def _moment_row(case: Case, moment: str) -> tuple[list[str], list[str]]:
    """The header and the moment's row of moments.csv, as written in the file."""
    text = (case.path / "moments.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    i = header.index("id")
    return header, next(r for r in rows[1:] if r and r[i].strip() == moment)


def _csv_line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(values)
    return buf.getvalue()


def _suggestion(s: AttentionStudy, best: pd.Series) -> str:
    """The moment's row of moments.csv with the fitted half-life and its source written in."""
    header, row = _moment_row(s.case, str(best["moment"]))
    row = row + [""] * (len(header) - len(row))
    new = dict(zip(header, row, strict=True))
    new["half_life_days"] = str(max(1, round(float(best["half_life_days"]))))
    note = (f"half-life fitted on {s.file.name}, spike of "
            f"{pd.Timestamp(best['peak_date']):%Y-%m-%d}, R² {best['r2']:.2f}, "
            f"{int(best['points'])} days ({dt.date.today():%Y-%m-%d})")
    if "source" in new:
        new["source"] = f"{new['source']}; {note}" if new["source"].strip() else note
    return _csv_line(header) + "\n" + _csv_line([new[h] for h in header])


def show_half_life_note(s: AttentionStudy) -> None:
    """How to put a fitted half-life into moments.csv, with this file's best example."""
    sp = s.spikes
    usable = sp[sp["trusted"] & (sp["moment"] != "")]
    show_text([
        "A moment's half_life_days in moments.csv says how fast attention to it fades; "
        "without a measurement it is a judgement. To replace the judgement with a measurement:",
    ])
    steps = [
        f"Keep the fits you can trust: R² of at least {TRUST_R2} and {TRUST_POINTS} or more "
        "days fitted.",
        "For a yearly moment, take the median half-life over its spikes in past years; for a "
        "crisis, the half-life of its own spike (or of a similar past crisis).",
        "Write the rounded value into the moment's half_life_days, and say in source where it "
        "came from, so that the reports' provenance shows it.",
        "Run strategy-kit validate, then look at the timing figures again: a longer half-life "
        "widens the windows of opportunity after the moment.",
    ]
    show_html("<ol>" + "".join(f"<li>{esc(x)}</li>" for x in steps) + "</ol>")
    if usable.empty:
        show_text(["No spike of this file has a trusted fit that matches a moment of the "
                   "case, so there is no value to copy. A spike marked "
                   f"“{NO_MOMENT}” may be a moment the case is missing."], css="sk-note")
    else:
        best = usable.sort_values(["r2", "points"], ascending=False).iloc[0]
        show_text([f"For example, the spike of {_day(best['peak_date'])} matches "
                   f"{best['moment_name']} ({best['moment']}); moments.csv gives it "
                   f"half_life_days {best['case_half_life']:g}, and the fit measures "
                   f"{best['half_life_days']:.1f} days. Its row would become:"])
        show_html(f'<pre class="sk-code">{esc(_suggestion(s, best))}</pre>')
    show_text(["Measured press attention stands in for an audience's attention: it shows how "
               "long the press keeps a topic alive, not how long a minister or an editor does. "
               "intensity and lead_days remain judgements. Method: docs/attention.md."],
              css="sk-note")
