"""run_windows over 1,000,000 sensor readings next to plain pandas/numpy implementations.

    .venv/bin/python shared_functions/python/benchmarks/run_windows_benchmark.py [--records N]

Prints, for one DataFrame (100 sensors, 5-minute tumbling windows):
- function_a: run_windows on the columnar path and on the JSON path, against pandas
  resample/groupby of the same statistics (counts exact, mean/min/max/sum to 1e-12);
- function_b: run_windows against a vectorised pandas robust z-score (the same anomalies);
- peak RSS after the columnar runs (before the JSON path builds its text), and the goals of the
  notebook issue with met / not met. Every figure comes from this one run.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

import shared_functions as sf
from shared_functions.records import encode

FIVE_MINUTES = 300_000


def readings(count: int, keys: int) -> pd.DataFrame:
    random = np.random.default_rng(42)
    values = np.round(random.normal(20.0, 2.0, count), 3)
    values[random.choice(count, count // 1_000, replace=False)] = 45.0  # anomalies for function_b
    return pd.DataFrame(
        {
            "sensor": [f"sensor-{index}" for index in random.integers(0, keys, count)],
            "ts": 1_700_000_000_000 + np.arange(count, dtype=np.int64) * 30,
            "value": values,
        }
    )


def pandas_function_a(frame: pd.DataFrame) -> pd.DataFrame:
    """function_a's statistics per sensor and 5-minute window with resample/groupby."""
    indexed = frame.assign(time=pd.to_datetime(frame["ts"], unit="ms", utc=True)).set_index("time")
    grouped = indexed.groupby("sensor")["value"].resample("5min")
    statistics = grouped.agg(["count", "sum", "mean", "min", "max", "std"])
    quantiles = grouped.quantile([0.5, 0.95, 0.99]).unstack()
    return statistics.join(quantiles).reset_index()


def pandas_function_b(frame: pd.DataFrame, threshold: float = 3.5, min_records: int = 8) -> pd.DataFrame:
    """function_b's robust z-score per sensor and 5-minute window, vectorised: median, MAD, the
    mean-absolute-deviation fallback, and the rows whose |score| exceeds the threshold."""
    keys = [frame["sensor"], frame["ts"] // FIVE_MINUTES]
    value = frame["value"]
    median = value.groupby(keys).transform("median")
    deviation = (value - median).abs()
    mad = deviation.groupby(keys).transform("median")
    mean_deviation = deviation.groupby(keys).transform("mean")
    count = value.groupby(keys).transform("count")
    score = np.where(
        mad > 0, 0.6745 * (value - median) / mad,
        np.where(mean_deviation > 0, (value - median) / (1.253314 * mean_deviation), 0.0),
    )
    flagged = (np.abs(score) > threshold) & (count >= min_records)
    return frame.loc[flagged, ["sensor", "ts", "value"]].assign(score=score[flagged])


def timed(body):
    started = time.perf_counter()
    result = body()
    return result, time.perf_counter() - started


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=100)
    arguments = parser.parse_args()
    frame = readings(arguments.records, arguments.keys)
    print(f"{arguments.records:,} readings, {arguments.keys} sensors, 5-minute tumbling windows", flush=True)
    sf.functions()  # load (and if needed build) the library outside the timings
    sf.run_windows(frame.head(1_000), "function_a", size="5min", key="sensor")  # warm caches and threads
    frame_mib = frame.memory_usage(deep=True).sum() / 2**20
    before = peak_rss_mib()

    ours, columnar_seconds = timed(lambda: sf.run_windows(frame, "function_a", size="5min", key="sensor"))
    anomalies, function_b_seconds = timed(lambda: sf.run_windows(frame, "function_b", size="5min", key="sensor"))
    columnar_peak = peak_rss_mib()
    theirs, pandas_seconds = timed(lambda: pandas_function_a(frame))
    expected_anomalies, pandas_b_seconds = timed(lambda: pandas_function_b(frame))
    as_json, json_seconds = timed(lambda: sf.run_windows(frame, "function_a", size="5min", key="sensor", via="json"))
    (_, _), encoding = timed(lambda: encode(frame, "ts"))

    theirs = theirs[theirs["count"] > 0]
    merged = ours.assign(window_start=ours["window_start"].astype("datetime64[ns, UTC]")).merge(
        theirs.rename(columns={"time": "window_start"}).assign(window_start=lambda t: t["window_start"].astype("datetime64[ns, UTC]")),
        left_on=["key", "window_start"], right_on=["sensor", "window_start"], suffixes=("", "_pandas"),
    )
    assert len(merged) == len(ours) == len(theirs), (len(merged), len(ours), len(theirs))
    assert (merged["count"] == merged["count_pandas"]).all()
    for column in ("mean", "min", "max", "sum"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_pandas"], rtol=1e-12)
    pd.testing.assert_frame_equal(ours, as_json, check_exact=True)
    flagged = set(zip(anomalies["key"], anomalies["event_time"]))
    assert flagged == set(zip(expected_anomalies["sensor"], expected_anomalies["ts"])), "function_b and pandas disagree"

    records = arguments.records
    rows = [
        ("function_a: run_windows, columnar path (DataFrame)", columnar_seconds),
        ("function_a: run_windows, JSON path (via='json')", json_seconds),
        ("  of which rows to JSON lines (Python)", encoding),
        ("function_a: pandas resample/groupby", pandas_seconds),
        ("function_b: run_windows, columnar path", function_b_seconds),
        ("function_b: pandas/numpy robust z-score", pandas_b_seconds),
    ]
    print(f"{len(ours):,} windows and {len(anomalies):,} anomalies; all agree "
          "(columnar = JSON exactly; pandas counts and anomalies exact, mean/min/max/sum to 1e-12)")
    print(f"{'':52} {'seconds':>8} {'records/s':>12}")
    for label, seconds in rows:
        print(f"{label:52} {seconds:8.3f} {records / seconds:12,.0f}")
    print(f"DataFrame {frame_mib:.0f} MiB; peak RSS {before:.0f} MiB before the runs, {columnar_peak:.0f} MiB after the "
          f"columnar runs, {peak_rss_mib():.0f} MiB after the JSON path")
    goals = [
        ("function_a columnar at most half of pandas", columnar_seconds / pandas_seconds, 0.5),
        ("function_b not slower than pandas/numpy", function_b_seconds / pandas_b_seconds, 1.0),
    ]
    print("goals (ratios from this run):")
    for label, ratio, limit in goals:
        print(f"  {label:48} {ratio:6.2f} (goal <= {limit:.2f}) {'met' if ratio <= limit else 'NOT MET'}")


if __name__ == "__main__":
    main()
