"""Data shared by the tests: the known values the Swift tests use, and seeded sensor readings."""

from __future__ import annotations

import numpy as np
import pandas as pd

# The values of FunctionATests.knownValues (Swift), with references from Python's statistics
# module (exact fractions) and numpy 2.4's default quantiles.
KNOWN_VALUES = [2.5, -1.0, 7.25, 3.0, 3.0, 10.0, 0.5, 4.75, -2.0, 6.0]
KNOWN_STATISTICS = {
    "count": 10,
    "invalid": 0,
    "sum": 34.0,
    "mean": 3.4,
    "min": -2.0,
    "max": 10.0,
    "p50": 3.0,
    "p95": 8.762499999999998,
    "p99": 9.752500000000001,
}
KNOWN_STDDEV = 3.727152621863863


def readings(count: int, keys: int = 10, step_ms: int = 1_000, seed: int = 7) -> pd.DataFrame:
    """Sensor readings in event-time order: sensor, ts (epoch ms), value."""
    random = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sensor": [f"sensor-{index}" for index in random.integers(0, keys, count)],
            "ts": 1_700_000_000_000 + np.arange(count, dtype=np.int64) * step_ms,
            "value": random.normal(20.0, 2.0, count),
        }
    )


