"""The columnar path: DataFrame columns as typed buffers into the engine, results as typed columns.

Every case runs the same DataFrame through ``via="columns"`` and ``via="json"`` (the JSON lines a
Kafka value would hold) and requires identical frames: outputs (floats bit for bit), windows,
late records, dead letters and counts.
"""

from __future__ import annotations

import datetime
import warnings

import numpy as np
import pandas as pd
import pytest

import shared_functions as sf

BASE = 1_700_000_000_000


def awkward(rows: int = 6_000, seed: int = 7) -> pd.DataFrame:
    """Readings with disorder, late rows, missing and non-finite values, an out-of-range time."""
    random = np.random.default_rng(seed)
    ts = BASE + np.arange(rows, dtype=np.int64) * 250 + random.integers(-4_000, 4_000, rows)
    ts[random.choice(rows, 40, replace=False)] -= 900_000  # far behind: late
    value = random.normal(20.0, 3.0, rows)
    value[random.choice(rows, 30, replace=False)] = np.nan
    value[3], value[4], value[5] = np.inf, -np.inf, -0.0
    value[random.choice(rows, 25, replace=False)] = 500.0  # anomalies for function_b
    sensor = np.array([f"sensor-{index}" for index in random.integers(0, 7, rows)], dtype=object)
    sensor[random.choice(rows, 20, replace=False)] = None
    ts[11] = -9_000_000_000_000_000_000  # outside the supported range: dead letter
    return pd.DataFrame({"sensor": sensor, "ts": ts, "value": value, "partition": random.integers(0, 3, rows)})


def both(frame: pd.DataFrame, function: str, **arguments) -> tuple[pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        columns = sf.run_windows(frame, function, via="columns", **arguments)
        json = sf.run_windows(frame, function, via="json", **arguments)
    return columns, json


def assert_identical(columns: pd.DataFrame, json: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(columns, json, check_exact=True)
    for part in ("windows", "late", "dead_letters"):
        pd.testing.assert_frame_equal(getattr(columns.attrs["run"], part), getattr(json.attrs["run"], part), check_exact=True)
    assert columns.attrs["run"].counts == json.attrs["run"].counts
    for column in columns.columns:
        if columns[column].dtype == np.float64:  # bit for bit, NaN included
            assert (columns[column].to_numpy().view(np.int64) == json[column].to_numpy().view(np.int64)).all(), column


@pytest.mark.parametrize("function", ["function_a", "function_b"])
@pytest.mark.parametrize(
    "window",
    [
        {"size": "5min", "grace": "10s"},
        {"size": "5min", "hop": "1min", "grace": "5s"},
    ],
    ids=["tumbling", "hopping"],
)
@pytest.mark.parametrize("scope", ["key", "global"])
def test_columns_and_json_give_identical_results(function, window, scope):
    frame = awkward()
    columns, json = both(frame, function, key="sensor", partition="partition", scope=scope, **window)
    assert len(columns) > 0
    run = columns.attrs["run"]
    assert run.counts["late"] > 0 and run.counts["dead_letters"] > 0
    assert_identical(columns, json)


def variants() -> dict[str, pd.DataFrame]:
    frame = awkward(3_000, seed=11).drop(columns="partition")
    aware = pd.to_datetime(frame["ts"].clip(lower=0), unit="ms", utc=True)
    nullable_time = frame["ts"].astype("Int64")
    nullable_time[[20, 21]] = pd.NA
    float_time = frame["ts"].astype(np.float64) + 0.75
    float_time[[30]] = np.nan
    iso = aware.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
    iso[[40]] = None
    iso[[41]] = "2023-11-14 22:13:20"  # no zone: dead letter
    integer_values = (frame["value"].fillna(0).replace([np.inf, -np.inf], 0) * 10).round().astype(np.int64)
    nullable_values = integer_values.astype("Int64")
    nullable_values[[50, 51]] = pd.NA
    integer_keys = frame["sensor"].str.slice(7).astype(float).astype("Int64")
    return {
        "int64 time": frame,
        "nullable int time": frame.assign(ts=nullable_time),
        "float time": frame.assign(ts=float_time),
        "aware datetimes": frame.assign(ts=aware.where(frame.index != 60)),
        "ISO text": frame.assign(ts=iso),
        "int64 values": frame.assign(value=integer_values),
        "nullable int values": frame.assign(value=nullable_values),
        "float32 values": frame.assign(value=frame["value"].astype(np.float32)),
        "nullable int keys": frame.assign(sensor=integer_keys),
        "float keys": frame.assign(sensor=integer_keys.astype(np.float64) / 4),
        "categorical keys": frame.assign(sensor=frame["sensor"].astype("category")),
        "boolean keys": frame.assign(sensor=frame["sensor"].isna()),
    }


@pytest.mark.parametrize("name", list(variants()))
def test_every_column_type_reads_as_its_json_text(name):
    columns, json = both(variants()[name], "function_a", size="5m", grace="10s", key="sensor")
    assert len(columns) > 0
    assert_identical(columns, json)


def test_apply_on_columns_equals_apply_on_json():
    frame = awkward(2_000).query("ts > 0")  # no out-of-range time: apply refuses any bad row
    for function in ("function_a", "function_b"):
        assert sf.apply(function, frame, via="columns", key="k") == sf.apply(function, frame, via="json", key="k")
    bounds = (int(frame["ts"].min()), int(frame["ts"].max()) + 1)
    assert sf.apply("function_a", frame, window=bounds, via="columns") == sf.apply("function_a", frame, window=bounds, via="json")


def test_apply_refuses_a_row_outside_its_window_naming_it():
    frame = pd.DataFrame({"ts": [BASE, BASE + 5_000], "value": [1.0, 2.0]})
    with pytest.raises(sf.SharedFunctionsError, match="row 1") as raised:
        sf.apply("function_a", frame, window=(BASE, BASE + 1_000), via="columns")
    assert raised.value.kind == "invalid_record"


def test_the_function_declares_the_columns_it_reads():
    assert sf.input_columns("function_a") == [{"name": "value", "types": ["float64", "int64"]}]
    assert sf.input_columns("function_b", field="temperature")[0]["name"] == "temperature"
    listed = {function["name"]: function["inputs"] for function in sf.functions()}
    assert listed["function_a"] == [{"name": "value", "types": ["float64", "int64"]}]


@pytest.mark.parametrize(
    ("change", "arguments", "column", "fragment"),
    [
        (lambda f: f.drop(columns="value"), {}, "value", "is missing: function_a reads it"),
        (lambda f: f.assign(value=f["value"].astype(str)), {}, "value", "function_a reads it as float64 or int64"),
        (lambda f: f.assign(value=f["value"] > 20), {}, "value", "function_a reads it as float64 or int64"),
        (lambda f: f.assign(ts=f["ts"] > 0), {}, "ts", "booleans"),
        (lambda f: f.assign(partition=f["partition"] * 1.0), {"partition": "partition"}, "partition", "integers"),
    ],
    ids=["missing input", "text input", "boolean input", "boolean time", "float partition"],
)
def test_a_missing_or_mistyped_column_names_it(change, arguments, column, fragment):
    with pytest.raises(sf.SharedFunctionsError, match=fragment) as raised:
        sf.run_windows(change(awkward(100)), "function_a", size="5m", **arguments)
    assert raised.value.kind == "invalid_column"
    assert raised.value.context["column"] == column


def test_json_path_still_dead_letters_what_columns_refuse():
    frame = awkward(100).assign(value="warm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sf.run_windows(frame, "function_a", size="5m", via="json")
    assert (result.attrs["run"].dead_letters["kind"] == "invalid_input").sum() == 100


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5min", 300_000), ("5m", 300_000), ("30s", 30_000), ("1h", 3_600_000), ("250ms", 250), ("2D", 172_800_000),
        ("1d", 86_400_000), ("1 days 02:00:00", 93_600_000), ("1.5s", 1_500),
        (pd.Timedelta("5min"), 300_000), (datetime.timedelta(minutes=5), 300_000), (np.timedelta64(5, "m"), 300_000),
        (300_000, 300_000),
    ],
)
def test_durations_accept_what_pandas_users_write(value, expected):
    from shared_functions.durations import milliseconds

    assert milliseconds(value, "size") == expected


@pytest.mark.parametrize("value", ["5 parsecs", "300", "", "M", True, 1.5, None])
def test_a_bad_duration_lists_the_accepted_forms(value):
    from shared_functions.durations import milliseconds

    with pytest.raises(sf.SharedFunctionsError, match="'5min'.*timedelta64") as raised:
        milliseconds(value, "size")
    assert raised.value.context["field"] == "size"
