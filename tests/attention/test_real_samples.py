"""The readers and the fits on real, published series (CC BY 4.0, FiveThirtyEight, 2017–2019).

The files stay in the shared folder beside the checkout (its SOURCES.md gives their origin and
licence); these tests are skipped, with a message, when it is absent. The reference half-lives
were computed independently, with ``scipy.optimize.curve_fit`` of ``A·2^(−t/h)`` on the same
days above the same baseline (a one-off script, not a dependency of the kit).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from strategy_kit.attention import (
    FIT_DAYS,
    AttentionFileError,
    find_spikes,
    load_attention,
    spike_half_lives,
)

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "attention-samples"
pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason=f"the real attention samples are not beside the checkout ({SAMPLES} is absent)")

MC = "fte-pr-mediacloud-hurricanes.csv"
TV = "fte-pr-tv-hurricanes.csv"
TRENDS = "fte-pr-google-trends-hurricanes.csv"

# file, series: spike start, peak day, fitted days (first, last), scipy half-life, scipy A
REFERENCE = {
    (MC, "Irma"): ("2017-08-31", "2017-09-10", ("2017-09-10", "2017-09-20"), 2.424, 2697),
    (MC, "Maria"): ("2017-09-13", "2017-09-20", ("2017-09-20", "2017-09-25"), 1.496, 630.4),
    (TV, "Maria"): ("2017-09-17", "2017-09-20", ("2017-09-20", "2017-09-25"), 1.418, 0.5121),
    (TRENDS, "Hurricane Maria"): ("2017-09-16", "2017-09-19", ("2017-09-19", "2017-09-25"),
                                  1.917, 22.56),
}


def test_google_trends_export_is_recognised_with_its_terms() -> None:
    d = load_attention(SAMPLES / TRENDS, series="Hurricane Irma")
    assert d.attrs["format"] == "google-trends"
    assert d.attrs["format_name"] == "Google Trends interest over time"
    assert d.attrs["measure"] == "index" and d.attrs["series"].startswith('"Hurricane Irma"')
    assert len(d.attrs["series_names"]) == 4
    assert (d["date"].iloc[0], d["date"].iloc[-1]) == (pd.Timestamp("2017-08-20"),
                                                       pd.Timestamp("2017-09-25"))
    assert d["share"].max() == 100 and not d["filled"].any()


def test_media_cloud_and_tv_wide_csvs_read_month_day_year_dates() -> None:
    mc = load_attention(SAMPLES / MC, series="Maria")
    assert mc.attrs["format"] == "wide-csv" and mc.attrs["series_names"] == [
        "Harvey", "Irma", "Maria", "Jose"]
    # 8/20/17 … 9/26/17: month/day, as the days above 12 show
    assert mc["date"].iloc[0] == pd.Timestamp("2017-08-20") and len(mc) == 38
    raw = {r["Date"]: float(r["Maria"]) for r in csv.DictReader((SAMPLES / MC).open())}
    assert mc.set_index("date").loc["2017-09-20", "share"] == raw["9/20/17"]
    tv = load_attention(SAMPLES / TV)
    assert tv.attrs["series"] == "Harvey" and tv.attrs["measure"] == "value"


def test_weekly_files_are_refused_with_the_reason() -> None:
    with pytest.raises(AttentionFileError, match="steps of 7 days, not daily"):
        load_attention(SAMPLES / "fte-mm2020-mediacloud-online-weekly.csv")


def test_an_unknown_series_lists_the_columns() -> None:
    with pytest.raises(AttentionFileError, match="no such series.*'Harvey', 'Irma'"):
        load_attention(SAMPLES / MC, series="Katrina")


@pytest.mark.parametrize(("file", "series"), list(REFERENCE))
def test_spikes_and_half_lives_match_an_independent_fit(file: str, series: str) -> None:
    start, peak, (first, last), half_life, amplitude = REFERENCE[(file, series)]
    d = load_attention(SAMPLES / file, series=series)
    sp = spike_half_lives(d)
    assert len(sp) == 1, sp
    row = sp.iloc[0]
    assert row["start"] == pd.Timestamp(start) and row["peak_date"] == pd.Timestamp(peak)
    # the peak is the series' highest day (read off the file by hand)
    assert row["peak_share"] == d["share"].max()
    assert (row["fit_start"], row["fit_end"]) == (pd.Timestamp(first), pd.Timestamp(last))
    assert (row["fit_end"] - row["fit_start"]).days <= FIT_DAYS
    assert row["half_life_days"] == pytest.approx(half_life, rel=0.005)
    assert row["amplitude"] == pytest.approx(amplitude, rel=0.005)


@pytest.mark.parametrize(("file", "series"), [(MC, "Harvey"), (TV, "Harvey"),
                                             (TRENDS, "Hurricane Harvey")])
def test_harvey_started_before_the_series_so_it_has_no_baseline(file: str, series: str) -> None:
    # Harvey made landfall on 25 August, five days after the first day of the files: its
    # coverage rose before a baseline of seven quiet days existed, so no spike is claimed.
    d = load_attention(SAMPLES / file, series=series)
    assert d["share"].idxmax() < 10
    assert find_spikes(d).empty and spike_half_lives(d).empty


def test_a_long_decay_is_fitted_on_two_weeks_only() -> None:
    sp = spike_half_lives(load_attention(SAMPLES / TV, series="Jose"))
    assert sp["peak_date"].tolist() == [pd.Timestamp("2017-09-08")]
    assert (sp["fit_end"] - sp["fit_start"]).dt.days.tolist() == [FIT_DAYS]
    assert sp["points"].tolist() == [FIT_DAYS + 1]


def test_a_stray_story_on_a_zero_baseline_is_no_spike() -> None:
    # Irma has one sentence on 28 August, ten days before the storm's coverage
    d = load_attention(SAMPLES / MC, series="Irma")
    assert d.set_index("date").loc["2017-08-28", "share"] == 1
    assert list(find_spikes(d)["peak_date"]) == [pd.Timestamp("2017-09-10")]


@pytest.mark.parametrize("file", sorted(p.name for p in SAMPLES.glob("*.csv")) if SAMPLES.is_dir()
                         else ["absent"])
def test_each_sample_reads_the_same_column_wise_and_row_by_row(file: str, monkeypatch) -> None:
    """Every series of every sample (or its error) is the same whichever way its blocks are
    read: by pandas' C parser, or row by row (tests/attention/test_large_exports.py)."""
    import strategy_kit.attention.counts as counts
    import strategy_kit.attention.wide as wide

    header = next(r for r in csv.reader((SAMPLES / file).open(encoding="utf-8-sig"))
                  if len(r) > 1)
    for series in [None, *[h.strip() for h in header[1:]]]:
        got = []
        for precise in (False, True):
            with monkeypatch.context() as m:
                if precise:
                    m.setattr(counts, "fast_columns", lambda *a, **k: None)
                    m.setattr(wide, "fast_columns", lambda *a, **k: None)
                try:
                    got.append(load_attention(SAMPLES / file, series=series))
                except AttentionFileError as e:
                    got.append(str(e))
        if isinstance(got[0], str):
            assert got[0] == got[1]
        else:
            pd.testing.assert_frame_equal(got[0], got[1], check_exact=True)
            assert got[0].attrs == got[1].attrs
