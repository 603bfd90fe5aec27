"""run_windows over 1,000,000 sensor readings next to a plain pandas implementation of function_a.

    .venv/bin/python shared_functions/python/benchmarks/run_windows_benchmark.py [--records N]

Prints the time and rate of each, the part of run_windows spent turning rows into JSON lines,
and checks that both give the same counts, means, minima and maxima (pandas computes its own
statistics; agreement is to 1e-12 relative).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import shared_functions as sf
from shared_functions.records import encode


def readings(count: int, keys: int) -> pd.DataFrame:
    random = np.random.default_rng(42)
    return pd.DataFrame(
        {
            "sensor": [f"sensor-{index}" for index in random.integers(0, keys, count)],
            "ts": 1_700_000_000_000 + np.arange(count, dtype=np.int64) * 30,
            "value": np.round(random.normal(20.0, 2.0, count), 3),
        }
    )


def pandas_function_a(frame: pd.DataFrame) -> pd.DataFrame:
    """function_a's statistics per sensor and 5-minute window with resample/groupby."""
    indexed = frame.assign(time=pd.to_datetime(frame["ts"], unit="ms", utc=True)).set_index("time")
    grouped = indexed.groupby("sensor")["value"].resample("5min")
    statistics = grouped.agg(["count", "sum", "mean", "min", "max", "std"])
    quantiles = grouped.quantile([0.5, 0.95, 0.99]).unstack()
    return statistics.join(quantiles).reset_index()


def timed(label: str, body):
    started = time.perf_counter()
    result = body()
    elapsed = time.perf_counter() - started
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=100)
    arguments = parser.parse_args()
    frame = readings(arguments.records, arguments.keys)
    print(f"{arguments.records:,} readings, {arguments.keys} sensors, 5-minute tumbling windows", flush=True)
    sf.functions()  # load (and if needed build) the library outside the timings

    (_, _), encoding = timed("encode", lambda: encode(frame, "ts"))
    ours, ours_seconds = timed("run_windows", lambda: sf.run_windows(frame, "function_a", size="5m", key="sensor"))
    theirs, theirs_seconds = timed("pandas", lambda: pandas_function_a(frame))
    theirs = theirs[theirs["count"] > 0]

    merged = ours.assign(window_start=ours["window_start"].astype("datetime64[ns, UTC]")).merge(
        theirs.rename(columns={"time": "window_start"}).assign(window_start=lambda t: t["window_start"].astype("datetime64[ns, UTC]")),
        left_on=["key", "window_start"], right_on=["sensor", "window_start"], suffixes=("", "_pandas"),
    )
    assert len(merged) == len(ours) == len(theirs), (len(merged), len(ours), len(theirs))
    assert (merged["count"] == merged["count_pandas"]).all()
    for column in ("mean", "min", "max", "sum"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_pandas"], rtol=1e-12)

    rows = [
        ("shared_functions.run_windows", ours_seconds),
        ("  of which rows to JSON lines (Python)", encoding),
        ("pandas resample/groupby (function_a's statistics)", theirs_seconds),
    ]
    print(f"{len(ours):,} windows; both agree (counts exact, mean/min/max/sum to 1e-12)")
    print(f"{'':52} {'seconds':>8} {'records/s':>12}")
    for label, seconds in rows:
        print(f"{label:52} {seconds:8.2f} {arguments.records / seconds:12,.0f}")


if __name__ == "__main__":
    main()
