"""run_windows(): the production engine over DataFrames and lists, checked against plain pandas."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest
from sample_data import KNOWN_STATISTICS, KNOWN_VALUES, readings

import shared_functions as sf

FIVE_MINUTES = 300_000


def epoch_ms(timestamps: pd.Series) -> pd.Series:
    return (timestamps - pd.Timestamp(0, tz="UTC")) // pd.Timedelta("1ms")


def pandas_statistics(frame: pd.DataFrame, size_ms: int) -> pd.DataFrame:
    """function_a's count/mean/min/max/stddev per sensor and tumbling window, in plain pandas."""
    grouped = frame.assign(window_start=frame["ts"] // size_ms * size_ms).groupby(["sensor", "window_start"])["value"]
    return grouped.agg(["count", "mean", "min", "max", "std"]).reset_index()


def test_tumbling_windows_match_a_plain_pandas_groupby(small_readings):
    result = sf.run_windows(small_readings, "function_a", size="5m", time="ts", key="sensor")
    expected = pandas_statistics(small_readings, FIVE_MINUTES)
    actual = result.assign(window_start=epoch_ms(result["window_start"]))
    merged = expected.merge(actual, left_on=["sensor", "window_start"], right_on=["key", "window_start"], suffixes=("", "_swift"))
    assert len(merged) == len(expected) == len(result)
    assert (merged["count"] == merged["count_swift"]).all()
    assert (merged["record_count"] == merged["count"]).all()
    for statistic, swift in (("mean", "mean_swift"), ("min", "min_swift"), ("max", "max_swift"), ("std", "stddev")):
        np.testing.assert_allclose(merged[swift], merged[statistic], rtol=1e-12)
    assert (result["window_end"] - result["window_start"] == pd.Timedelta("5m")).all()
    assert str(result["window_start"].dt.tz) == "UTC"


def test_lists_and_dataframes_give_identical_results(small_readings):
    from_frame = sf.run_windows(small_readings, "function_a", size=FIVE_MINUTES, key="sensor")
    from_list = sf.run_windows(small_readings.to_dict("records"), "function_a", size=FIVE_MINUTES, key="sensor")
    pd.testing.assert_frame_equal(from_frame, from_list)


def test_time_columns_as_datetimes_or_iso_text_give_the_same_windows(small_readings):
    expected = sf.run_windows(small_readings, "function_a", size="5m", key="sensor")
    aware = small_readings.assign(ts=pd.to_datetime(small_readings["ts"], unit="ms", utc=True))
    pd.testing.assert_frame_equal(sf.run_windows(aware, "function_a", size="5m", key="sensor"), expected)
    iso = small_readings.assign(ts=aware["ts"].dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z")
    pd.testing.assert_frame_equal(sf.run_windows(iso, "function_a", size="5m", key="sensor"), expected)


def test_naive_datetimes_are_refused_with_the_fix(small_readings):
    naive = small_readings.assign(ts=pd.to_datetime(small_readings["ts"], unit="ms"))
    with pytest.raises(sf.SharedFunctionsError, match="tz_localize") as raised:
        sf.run_windows(naive, "function_a", size="5m")
    assert raised.value.context["field"] == "ts"


def test_every_bit_of_a_value_reaches_the_function():
    values = [0.1, 1 / 3, 2.0**-1074, 1.7976931348623157e308, -0.0, 123456789.12345678]
    for value in values:
        frame = pd.DataFrame({"ts": [0], "value": [value]})
        [row] = sf.run_windows(frame, "function_a", size=1_000).to_dict("records")
        assert row["min"] == value and row["max"] == value


def test_known_values_in_one_window():
    frame = pd.DataFrame({"ts": np.arange(10) * 10, "value": KNOWN_VALUES})
    [row] = sf.run_windows(frame, "function_a", size="1s").to_dict("records")
    assert {name: row[name] for name in KNOWN_STATISTICS} == KNOWN_STATISTICS
    assert row["close_reason"] == "end-of-input" and row["record_count"] == 10 and row["key"] is None


def test_late_records_and_dead_letters_are_reported_not_lost():
    records = [
        {"ts": 10, "sensor": "a", "value": 1.0},
        {"ts": 1_500, "sensor": "a", "value": float("nan")},  # null: counted as invalid, not dropped
        {"ts": 20, "sensor": "a", "value": 2.0},  # late: [0, 1000) closed at stream time 1500 (grace 200)
        {"ts": 30, "sensor": "a", "value": "x"},  # not a number: dead letter
        {"sensor": "a", "value": 1.0},  # no event time: dead letter
    ]
    with pytest.warns(UserWarning, match="1 late and 2 dead-lettered of 5 records"):
        result = sf.run_windows(records, "function_a", size="1s", grace="200ms", key="sensor")
    late, dead_letters = result.attrs["run"].late, result.attrs["run"].dead_letters
    assert late[["row", "lateness_ms"]].values.tolist() == [[2, 300]]
    assert dead_letters[["row", "kind"]].values.tolist() == [[3, "invalid_input"], [4, "no_event_time"]]
    assert result["invalid"].tolist() == [0, 1]
    counts = result.attrs["run"].counts
    assert counts["records"] == counts["buffered"] + counts["late"] + counts["dead_letters"]


def test_hopping_windows_and_global_scope(small_readings):
    hopping = sf.run_windows(small_readings, "function_a", size="5m", hop="1m", key="sensor")
    assert (hopping["window_end"] - hopping["window_start"] == pd.Timedelta("5m")).all()
    assert (epoch_ms(hopping["window_start"]) % 60_000 == 0).all()
    total = sf.run_windows(small_readings, "function_a", size="5m", scope="global", key="sensor")
    assert total["key"].isna().all()
    assert total["record_count"].sum() == len(small_readings)


def test_function_b_rows_are_anomalies_with_prefixed_key():
    values = [10.0, 10.1, 9.9, 10.0, 10.2, 9.8, 10.0, 10.1, 60.0]
    frame = pd.DataFrame({"ts": range(len(values)), "sensor": "s", "value": values})
    result = sf.run_windows(frame, "function_b", size="1s", key="sensor", threshold=3.5, min_records=5)
    assert result[["output_key", "value", "event_time"]].values.tolist() == [["s", 60.0, 8]]
    assert result.attrs["run"].windows["outputs"].tolist() == [1]


@pytest.mark.parametrize(
    ("arguments", "kind", "fragment"),
    [
        ({"size": "5 parsecs"}, "invalid_request", "'5min'"),
            ({"size": "300"}, "invalid_request", "timedelta64"),
        ({"size": 0}, "invalid_window", "size"),
        ({"size": "5m", "hop": "2m"}, "invalid_window", "divide"),
        ({"size": "5m", "grace": -1}, "invalid_window", "grace"),
        ({"size": "5m", "scope": "all"}, "invalid_request", "scope"),
        ({"size": "5m", "time": "when"}, "invalid_column", "'when'"),
        ({"size": "5m", "key": "device"}, "invalid_column", "'device'"),
        ({"size": "5m", "threshold": 1}, "unknown_parameter", "threshold"),
        ({"size": pd.Timedelta("1us")}, "invalid_request", "whole milliseconds"),
        ({}, "invalid_request", "size"),
        ({"size": "5m", "session_gap": "30m"}, "invalid_request", "size cannot be combined with session_gap"),
        ({"session_gap": "30m", "hop": "1m"}, "invalid_request", "hop cannot be combined"),
        ({"size": "5m", "max_duration": "1h"}, "invalid_request", "session windows only"),
        ({"session_gap": 0}, "invalid_window", "gap 0 ms"),
        ({"session_gap": "2h", "max_duration": "1h"}, "invalid_window", "maximum duration"),
        ({"count": 0}, "invalid_window", "count 0"),
        ({"count": 5, "hop": 6}, "invalid_window", "advance must not exceed count"),
        ({"count": 5, "size": "5m"}, "invalid_request", "size cannot be combined with count"),
        ({"count": 5, "grace": "1s"}, "invalid_request", "no grace"),
        ({"count": 2.5}, "invalid_request", "whole number of records"),
        ({"count": 5, "hop": "1m"}, "invalid_request", "hop of count windows"),
    ],
)
def test_bad_arguments_raise_with_the_reason(small_readings, arguments, kind, fragment):
    with pytest.raises(sf.SharedFunctionsError) as raised:
        sf.run_windows(small_readings, "function_a", **arguments)
    assert raised.value.kind == kind
    assert fragment in raised.value.message


def test_empty_input_gives_an_empty_frame():
    result = sf.run_windows([], "function_a", size="5m")
    assert result.empty and list(result.columns[:5]) == ["window_start", "window_end", "key", "close_reason", "record_count"]


def test_a_million_records(capsys):
    frame = readings(1_000_000, keys=100, step_ms=30)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no record may be late or dead-lettered
        result = sf.run_windows(frame, "function_a", size="5m", key="sensor")
    elapsed = time.perf_counter() - started
    assert result["record_count"].sum() == 1_000_000
    assert result["count"].sum() == 1_000_000
    with capsys.disabled():
        print(f"\nrun_windows: 1,000,000 records in {elapsed:.2f} s ({1_000_000 / elapsed:,.0f} records/s)")


def test_columns_have_the_declared_types_whatever_the_values():
    whole = pd.DataFrame({"ts": [0, 1], "value": [2.0, 4.0]})  # mean, min, max all whole numbers
    [row] = sf.run_windows(whole, "function_a", size="1s").to_dict("records")
    result = sf.run_windows(whole, "function_a", size="1s")
    assert result["mean"].dtype == "float64" and result["p50"].dtype == "float64"
    assert result["count"].dtype == "int64" and result["first_event_time"].dtype == "int64"
    assert result["record_count"].dtype == "int64"
    single = sf.run_windows(pd.DataFrame({"ts": [0], "value": [1.5]}), "function_a", size="1s")
    assert single["stddev"].dtype == "float64" and single["stddev"].isna().all()
    empty = sf.run_windows([], "function_b", size="1s")
    assert {"score", "output_key", "event_time"} <= set(empty.columns)


def test_results_concatenate_and_merge():
    first = sf.run_windows(readings(500, seed=1), "function_a", size="1m", key="sensor")
    second = sf.run_windows(readings(500, seed=2), "function_a", size="1m", key="sensor")
    combined = pd.concat([first, second], ignore_index=True)
    assert len(combined) == len(first) + len(second)
    assert len(first.merge(second, on=["window_start", "key"])) > 0


def test_a_partition_column_gives_each_partition_its_own_stream_time():
    records = [
        {"p": 0, "ts": 10, "sensor": "a", "value": 1.0},
        {"p": 0, "ts": 1_500, "sensor": "a", "value": 2.0},
        {"p": 1, "ts": 20, "sensor": "b", "value": 3.0},  # on time: partition 1 is at 20
        {"p": 0, "ts": 30, "sensor": "c", "value": 4.0},  # late: partition 0 is at 1500
    ]
    with pytest.warns(UserWarning, match="1 late"):
        result = sf.run_windows(records, "function_a", size="1s", key="sensor", partition="p")
    assert sorted(result["key"]) == ["a", "a", "b"]
    assert result.attrs["run"].late["row"].tolist() == [3]
    with pytest.warns(UserWarning, match="2 late"):
        single = sf.run_windows(records, "function_a", size="1s", key="sensor")
    assert single.attrs["run"].late["row"].tolist() == [2, 3]


def pandas_sessions(frame: pd.DataFrame, gap_ms: int, bucket_ms: int) -> pd.DataFrame:
    """Sessions per sensor in plain pandas: sorted by time, a new session after a silence of at
    least the gap or at a multiple of the maximum duration; bounds [first, min(last + gap, cut))."""
    ordered = frame.sort_values(["sensor", "ts"], kind="stable")
    bucket = ordered["ts"] // bucket_ms
    silent = ordered.groupby("sensor")["ts"].diff().fillna(gap_ms) >= gap_ms
    cut = bucket.ne(bucket.groupby(ordered["sensor"]).shift())
    session = (silent | cut).cumsum()
    grouped = ordered.groupby(session)
    sessions = pd.DataFrame(
        {
            "sensor": grouped["sensor"].first(),
            "start": grouped["ts"].min(),
            "last": grouped["ts"].max(),
            "count": grouped["value"].count(),
            "sum": grouped["value"].sum(),
            "bucket_end": (grouped["ts"].min() // bucket_ms + 1) * bucket_ms,
        }
    )
    sessions["end"] = np.minimum(sessions["last"] + gap_ms, sessions["bucket_end"])
    return sessions.reset_index(drop=True)


def test_session_windows_match_a_plain_pandas_sessionization():
    # Machines that run for a while, go idle, and run again; one runs across a maximum-duration cut.
    random = np.random.default_rng(16)
    rows = []
    for sensor in range(4):
        time_ms = 1_700_000_000_000 + sensor * 1_000
        for _ in range(400):
            time_ms += int(random.choice([1_000, 2_000, 3_000, 45_000], p=[0.5, 0.3, 0.15, 0.05]))
            rows.append({"sensor": f"m{sensor}", "ts": time_ms, "value": float(random.normal(50, 5))})
    frame = pd.DataFrame(rows).sort_values("ts", kind="stable").reset_index(drop=True)  # arrival in time order
    result = sf.run_windows(frame, "function_a", session_gap="30s", max_duration="10m", time="ts", key="sensor")
    expected = pandas_sessions(frame, 30_000, 600_000)
    actual = result.assign(start=epoch_ms(result["window_start"]), end=epoch_ms(result["window_end"]))
    merged = expected.merge(actual, left_on=["sensor", "start"], right_on=["key", "start"], suffixes=("", "_swift"))
    assert len(merged) == len(expected) == len(result) > 40
    assert (merged["end"] == merged["end_swift"]).all() and (merged["record_count"] == merged["count"]).all()
    np.testing.assert_allclose(merged["sum_swift"], merged["sum"], rtol=1e-12)
    reasons = set(result["close_reason"])
    assert {"stream-time", "maximum-duration", "end-of-input"} <= reasons, reasons
    as_json = sf.run_windows(frame, "function_a", session_gap="30s", max_duration="10m", time="ts", key="sensor", via="json")
    pd.testing.assert_frame_equal(result, as_json, check_exact=True)


def test_a_record_more_than_grace_behind_its_partition_is_late_for_sessions():
    rows = [{"sensor": "a", "ts": t, "value": 1.0} for t in (0, 1_000, 2_000, 60_000)] + [{"sensor": "b", "ts": 5_000, "value": 2.0}]
    with pytest.warns(UserWarning, match="1 late"):
        result = sf.run_windows(rows, "function_a", session_gap="10s", grace="5s", key="sensor")
    assert result["record_count"].tolist() == [3, 1]
    late = result.attrs["run"].late
    assert len(late) == 1 and late.iloc[0]["row"] == 4 and late.iloc[0]["lateness_ms"] == 55_000 - 5_000


def pandas_counts(frame: pd.DataFrame, count: int, hop: int) -> pd.DataFrame:
    """Count windows per sensor in plain pandas: each sensor's rows in row order, a window of
    ``count`` rows starting at every ``hop``-th row, the last ones partial."""
    windows = []
    for sensor, rows in frame.groupby("sensor", sort=False):
        for start in range(0, len(rows), hop):
            members = rows.iloc[start : start + count]
            windows.append(
                {
                    "sensor": sensor,
                    "first_row": members.index[0],
                    "start": members["ts"].min(),
                    "end": members["ts"].max() + 1,
                    "count": len(members),
                    "sum": members["value"].sum(),
                    "reason": "count-reached" if len(members) == count else "end-of-input",
                }
            )
    return pd.DataFrame(windows)


@pytest.mark.parametrize(("count", "hop"), [(5, 5), (8, 3)])
def test_count_windows_match_plain_pandas(count, hop):
    frame = readings(2_000, keys=7, step_ms=500, seed=16)
    frame.loc[frame.index % 13 == 0, "ts"] -= 20_000  # out of event-time order: counts do not care
    result = sf.run_windows(frame, "function_a", count=count, hop=hop, key="sensor")
    expected = pandas_counts(frame, count, hop)
    actual = result.assign(start=epoch_ms(result["window_start"]), end=epoch_ms(result["window_end"]))
    assert len(actual) == len(expected) > 2_000 // count
    key = ["sensor", "start", "end", "count"]
    merged = expected.merge(actual, left_on=key[:3] + ["count"], right_on=["key", "start", "end", "record_count"], suffixes=("", "_swift"))
    assert len(merged) == len(expected), "every window found by key, bounds and size"
    assert (merged["reason"] == merged["close_reason"]).all()
    np.testing.assert_allclose(merged["sum_swift"], merged["sum"], rtol=1e-12)
    assert result.attrs["run"].late.empty
    as_json = sf.run_windows(frame, "function_a", count=count, hop=hop, key="sensor", via="json")
    pd.testing.assert_frame_equal(result, as_json, check_exact=True)
