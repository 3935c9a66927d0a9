from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strategy_kit.attention import (
    FIT_DAYS,
    AttentionFileError,
    find_spikes,
    fit_half_life,
    load_attention,
    spike_half_lives,
)
from strategy_kit.errors import BadParameterError, StrategyKitError

MEDIACLOUD = (
    "date,count,total_count,ratio\n"
    "2023-06-01,10,1000,0.01\n"
    "2023-06-02,0,1100,0\n"
    "2023-06-04,30,1000,0.03\n"
)


def write(tmp_path: Path, text: str | bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def synthetic(
    days: int = 200,
    baseline: float = 0.01,
    spikes: tuple[tuple[int, float, float], ...] = ((80, 0.06, 12.0),),
    noise: float = 0.03,
    seed: int = 7,
) -> pd.Series:
    """Return a baseline plus decays (day, peak excess, half-life), with multiplicative noise."""
    t = np.arange(days, dtype=float)
    share = np.full(days, baseline)
    for day, excess, half_life in spikes:
        after = t >= day
        share[after] += excess * 2 ** (-(t[after] - day) / half_life)
    rng = np.random.default_rng(seed)
    share *= 1 + noise * rng.standard_normal(days)
    return pd.Series(share, index=pd.date_range("2023-01-01", periods=days, freq="D"))


# --- reading -------------------------------------------------------------------------------------


def test_mediacloud_parses_to_a_daily_series(tmp_path: Path) -> None:
    frame = load_attention(write(tmp_path, MEDIACLOUD))
    assert list(frame.columns) == ["date", "count", "total", "share", "filled"]
    assert list(frame["date"].dt.strftime("%Y-%m-%d")) == [
        "2023-06-01", "2023-06-02", "2023-06-03", "2023-06-04",
    ]
    assert frame["share"].tolist() == pytest.approx([0.01, 0.0, 0.015, 0.03])
    assert frame["filled"].tolist() == [False, False, True, False]
    assert math.isnan(frame["count"].iloc[2]) and math.isnan(frame["total"].iloc[2])
    assert frame["count"].iloc[1] == 0
    assert frame.attrs["format"] == "mediacloud"


def test_mediacloud_time_part_bom_crlf_and_unsorted_rows(tmp_path: Path) -> None:
    text = (
        "\ufeffdate,count,total_count,ratio\r\n"
        "2023-06-02 00:00:00,20,1000,0.02\r\n"
        "2023-06-01 00:00:00,10,1000,0.01\r\n"
    )
    frame = load_attention(write(tmp_path, text))
    assert frame["share"].tolist() == pytest.approx([0.01, 0.02])


def test_mediacloud_zero_total_is_unknown_not_zero(tmp_path: Path) -> None:
    text = "date,count,total_count,ratio\n2021-07-01,10,1000,0.01\n2021-07-02,0,0,0\n" \
        "2021-07-03,30,1000,0.03\n"
    frame = load_attention(write(tmp_path, text))
    assert frame["share"].tolist() == pytest.approx([0.01, 0.02, 0.03])
    assert frame["filled"].tolist() == [False, True, False]


def test_gdelt_timelinevolraw(tmp_path: Path) -> None:
    text = (
        "Date,Series,Value\n"
        "2023-06-24,Article Count,50\n"
        "2023-06-24,Total Monitored Articles,100000\n"
        "2023-06-25,Total Monitored Articles,80000\n"  # no Article Count row: none matched
        "2023-06-26,Article Count,120\n"
        "2023-06-26,Total Monitored Articles,120000\n"
    )
    frame = load_attention(write(tmp_path, text))
    assert frame.attrs["format"] == "gdelt-timelinevolraw"
    assert frame["count"].tolist() == [50, 0, 120]
    assert frame["total"].tolist() == [100000, 80000, 120000]
    assert frame["share"].tolist() == pytest.approx([0.0005, 0.0, 0.001])
    assert not frame["filled"].any()


def test_gdelt_sub_daily_steps_are_added_up(tmp_path: Path) -> None:
    text = (
        "Date,Series,Value\n"
        "20230624T000000Z,Article Count,1\n"
        "20230624T000000Z,Total Monitored Articles,100\n"
        "20230624T001500Z,Article Count,3\n"
        "20230624T001500Z,Total Monitored Articles,300\n"
        "2023-06-25 00:00:00,Article Count,2\n"
        "2023-06-25 00:00:00,Total Monitored Articles,100\n"
    )
    frame = load_attention(write(tmp_path, text))
    assert frame["count"].tolist() == [4, 2]
    assert frame["total"].tolist() == [400, 100]
    assert frame["share"].tolist() == pytest.approx([0.01, 0.02])


def test_gdelt_timelinevol_is_a_percentage(tmp_path: Path) -> None:
    text = (
        "Date,Series,Value\n"
        "2023-06-24,Volume Intensity,0.5\n"
        "20230625,Volume Intensity,1.5\n"
        "2023-06-27,Volume Intensity,0.5\n"
    )
    frame = load_attention(write(tmp_path, text))
    assert frame.attrs["format"] == "gdelt-timelinevol"
    assert frame["share"].tolist() == pytest.approx([0.005, 0.015, 0.01, 0.005])
    assert frame["count"].isna().all() and frame["total"].isna().all()


def test_google_trends_with_its_two_header_lines_and_below_one(tmp_path: Path) -> None:
    text = ("\ufeffCategory: All categories\n\nDay,belarus: (Worldwide),minsk: (Worldwide)\n"
            "2023-06-01,<1,4\n2023-06-02,100,7\n2023-06-03,12,\n")
    frame = load_attention(write(tmp_path, text))
    assert frame.attrs["format"] == "google-trends" and frame.attrs["measure"] == "index"
    assert frame.attrs["series"] == "belarus: (Worldwide)"
    assert frame["share"].tolist() == [0.5, 100, 12]
    minsk = load_attention(write(tmp_path, text), series="minsk")
    assert minsk["share"].tolist() == [4, 7, 7] and minsk["filled"].tolist() == [0, 0, 1]


def test_wide_csv_picks_a_column_and_reads_day_month_dates(tmp_path: Path) -> None:
    text = "Date,stories,share\n31/12/2022,5,0.1\n01/01/2023,7,0.2\n02/01/2023,6,0.3\n"
    frame = load_attention(write(tmp_path, text), series="share")
    assert frame.attrs["format"] == "wide-csv" and frame.attrs["series_names"] == [
        "stories", "share"]
    assert list(frame["date"].dt.strftime("%Y-%m-%d")) == ["2022-12-31", "2023-01-01",
                                                           "2023-01-02"]
    assert frame["share"].tolist() == [0.1, 0.2, 0.3]
    with pytest.raises(AttentionFileError, match="holds one series only"):
        load_attention(write(tmp_path, MEDIACLOUD), series="count")


def test_no_spike_and_a_spike_before_any_baseline_give_empty_frames() -> None:
    flat = pd.Series(0.01, index=pd.date_range("2023-01-01", periods=60, freq="D"))
    for series in (flat,
                   # starts at its peak and decays: no quiet days before it to measure against
                   synthetic(days=40, spikes=((0, 0.2, 3.0),), noise=0.0),
                   flat.iloc[:3]):
        spikes = find_spikes(series)
        assert spikes.empty and list(spikes.columns)[:3] == ["start", "peak_date", "peak_share"]
        fits = spike_half_lives(series)
        assert fits.empty and {"half_life_days", "fit_start", "fit_end"} <= set(fits.columns)


# --- bad files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "empty"),
        ("\n\n", 1, "empty"),
        ("stories,day\n3,2023-01-01\n", 1, r"not a known.*date,count,total_count,ratio"),
        ("date,stories\n2023-01-01,3\n2023-01-02,-1\n", 3, "negative 'stories'"),
        ("date,outlet\n2023-01-01,BBC\n", 2, "no numeric column"),
        ("Date,A\n1/2/17,3\n2/3/17,4\n", 2, "day/month or month/day"),
        ("Category: All categories\n\nWeek,belarus: (Worldwide)\n2023-01-01,3\n", 3,
         "rows by week, not by day"),
        ("source,count,ratio\nbbc.co.uk,3,0.1\n", 1, "top sources"),
        ('{"timeline": []}\n', 1, "JSON"),
        ("date,count,total_count,ratio\n", 2, "no data rows"),
        (MEDIACLOUD + "24/06/2023,3,10,0.3\n", 5, r"unreadable date.*spreadsheet.*YYYY-MM-DD"),
        (MEDIACLOUD + "2023-02-30,3,10,0.3\n", 5, "unreadable date"),
        (MEDIACLOUD + "2023-06-05,-3,10,0\n", 5, "negative 'count'"),
        (MEDIACLOUD + "2023-06-05,three,10,0\n", 5, "not a number"),
        (MEDIACLOUD + "2023-06-05,30,10,3\n", 5, "larger than total_count"),
        (MEDIACLOUD + "2023-06-05\n", 5, "no 'count' value"),
        ("Date,Series,Value\n2023-06-24,Article Count,-1\n", 2, "negative 'Value'"),
        ("Date,Series,Value\n2023-06-24,Average Tone,-1.2\n", 2, "not a volume series"),
        ("Date,Series,Value\n2023-06-24,Volume Intensity,1\n2023-06-24,Volume Intensity,1\n",
         3, "appears twice .first on line 2"),
        ("Date,Series,Value\n2023-06-24,Article Count,3\n", 2, "no 'Total Monitored"),
        ("Date,Series,Value\n2023-06-24,Volume Intensity,1\n2023-06-25,Article Count,1\n",
         3, "mixes"),
        ("Date,Series,Value\nyesterday,Volume Intensity,1\n", 2, "unreadable date"),
        ("date,count,total_count,ratio\n2023-01-02,1,10,0.1\n2023-01-09,1,10,0.1\n"
         "2023-01-16,1,10,0.1\n", 3, "steps of 7 days, not daily"),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path: Path, text: str, line: int, message: str):
    path = write(tmp_path, text)
    with pytest.raises(AttentionFileError, match=message) as info:
        load_attention(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path.name}, line {line}: ")  # no local path
    assert isinstance(info.value, StrategyKitError) and isinstance(info.value, ValueError)


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    data = MEDIACLOUD.encode() + "2023-06-05,3,10,0.3,Café\n".encode("latin-1")
    path = write(tmp_path, data)
    with pytest.raises(AttentionFileError, match=r"line 5: not UTF-8.*0xE9") as info:
        load_attention(path)
    assert info.value.line == 5


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AttentionFileError, match="cannot read"):
        load_attention(tmp_path / "nope.csv")


def test_header_after_comment_lines_keeps_editor_line_numbers(tmp_path: Path) -> None:
    text = "# query: belarus political prisoners\n" + MEDIACLOUD + "2023-06-05,-1,10,0\n"
    with pytest.raises(AttentionFileError, match="line 6: negative"):
        load_attention(write(tmp_path, text))


# --- spikes and half-lives -----------------------------------------------------------------------


def test_spikes_found_at_the_right_dates() -> None:
    series = synthetic(spikes=((60, 0.05, 5.0), (140, 0.08, 10.0)))
    spikes = find_spikes(series)
    assert list(spikes["peak_date"]) == [pd.Timestamp("2023-03-02"), pd.Timestamp("2023-05-21")]
    assert list(spikes["start"]) == list(spikes["peak_date"])
    assert (spikes["end"] > spikes["peak_date"]).all()
    assert spikes["baseline"].tolist() == pytest.approx([0.01, 0.01], rel=0.05)
    assert spikes["peak_share"].tolist() == pytest.approx([0.06, 0.09], rel=0.1)
    assert (spikes["peak_ratio"] > 5).all()


@pytest.mark.parametrize("seed", range(20))
def test_a_noisy_decay_is_one_spike(seed: int) -> None:
    spikes = find_spikes(synthetic(seed=seed, noise=0.05))
    assert spikes["start"].tolist() == [pd.Timestamp("2023-03-22")]
    # Noise can lift a later day of a slow decay over the first; it stays close.
    assert 0 <= (spikes["peak_date"] - spikes["start"]).dt.days.iloc[0] <= 3


def test_no_spikes_in_noise_alone() -> None:
    spikes = find_spikes(synthetic(spikes=()))
    assert spikes.empty
    assert list(spikes.columns) == [
        "start", "peak_date", "peak_share", "baseline", "end", "peak_ratio",
    ]


def test_ramp_up_spike_starts_before_its_peak() -> None:
    series = synthetic(spikes=((100, 0.05, 8.0),), noise=0.0)
    series.iloc[98] = 0.03
    series.iloc[99] = 0.045
    spikes = find_spikes(series)
    assert spikes["start"].tolist() == [pd.Timestamp("2023-04-09")]
    assert spikes["peak_date"].tolist() == [pd.Timestamp("2023-04-11")]


def test_known_half_life_is_recovered_within_ten_percent() -> None:
    series = synthetic(spikes=((80, 0.06, 12.0),))
    assert fit_half_life(series, "2023-03-22") == pytest.approx(12.0, rel=0.10)


def test_half_life_from_a_loaded_file(tmp_path: Path) -> None:
    series = synthetic(spikes=((80, 0.06, 12.0),))
    total = 100_000
    lines = ["Date,Series,Value"]
    for day, share in series.items():
        lines.append(f"{day:%Y-%m-%d},Article Count,{round(share * total)}")
        lines.append(f"{day:%Y-%m-%d},Total Monitored Articles,{total}")
    frame = load_attention(write(tmp_path, "\n".join(lines) + "\n"))
    result = spike_half_lives(frame)
    assert len(result) == 1
    assert result["peak_date"].iloc[0] == pd.Timestamp("2023-03-22")
    assert result["half_life_days"].iloc[0] == pytest.approx(12.0, rel=0.10)
    assert result["r2"].iloc[0] > 0.95
    assert result["points"].iloc[0] == FIT_DAYS + 1  # the peak and two weeks after it


def test_spike_half_lives_fits_each_spike() -> None:
    series = synthetic(spikes=((50, 0.05, 6.0), (150, 0.08, 15.0)), days=260)
    result = spike_half_lives(series)
    assert result["half_life_days"].tolist() == pytest.approx([6.0, 15.0], rel=0.10)
    assert list(result.columns)[-6:] == ["half_life_days", "r2", "points", "fit_start", "fit_end",
                                         "amplitude"]


def test_no_decay_gives_nan() -> None:
    series = pd.Series(0.01, index=pd.date_range("2023-01-01", periods=40, freq="D"))
    assert math.isnan(fit_half_life(series, "2023-01-20"))


def test_peak_outside_the_series_is_a_parameter_error() -> None:
    with pytest.raises(BadParameterError, match="peak_date.*a day from 2023-01-01"):
        fit_half_life(synthetic(), "2025-01-01")
    with pytest.raises(BadParameterError, match="peak_date"):
        fit_half_life(synthetic(), "March")


def test_frame_without_share_is_a_parameter_error() -> None:
    with pytest.raises(BadParameterError, match="'date' and 'share'"):
        find_spikes(pd.DataFrame({"date": [], "value": []}))


def test_arguments_are_not_mutated(tmp_path: Path) -> None:
    frame = load_attention(write(tmp_path, MEDIACLOUD))
    before = frame.copy()
    series = synthetic()
    series_before = series.copy()
    find_spikes(frame)
    spike_half_lives(series)
    fit_half_life(frame, "2023-06-04")
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_series_equal(series, series_before)
