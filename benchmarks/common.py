"""Helpers shared by the peer programs and the orchestrator (standard library only).

Every peer reads the same readings topic (JSON values {"sensor", "ts", "value"}, keyed by sensor),
computes count/mean/min/max of `value` per key and 5-minute tumbling window of event time `ts`
(milliseconds), writes each closed window as one JSON line and ends with one summary line on
standard output, a JSON object that `compare.py` reads.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import time

WINDOW_MS = 5 * 60 * 1000


def peer_arguments(description: str) -> argparse.ArgumentParser:
    """The command line every peer accepts."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--topic", default="readings", help="input topic")
    parser.add_argument("--group", required=True, help="consumer group (use a fresh one per run)")
    parser.add_argument("--records", type=int, required=True, help="stop after consuming this many records")
    parser.add_argument("--output", required=True, help="JSON-lines file for the closed windows")
    parser.add_argument("--window-ms", type=int, default=WINDOW_MS, help="tumbling window size (ms)")
    parser.add_argument("--grace-ms", type=int, default=0, help="grace after a window's end (ms)")
    return parser


def peak_rss_mib() -> float:
    """This process's resident-memory high-water mark (VmHWM), in MiB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def window_result(key: str, start: int, end: int, count: int, mean: float, minimum: float, maximum: float) -> str:
    """One closed window as a JSON line (the format `compare.py` checks)."""
    return json.dumps(
        {"key": key, "window_start": start, "window_end": end, "count": count, "mean": mean, "min": minimum, "max": maximum}
    )


def statistics(values: list[float]) -> tuple[int, float, float, float]:
    """count, mean (exactly rounded sum), min, max of a window's values."""
    return len(values), math.fsum(values) / len(values), min(values), max(values)


class Throughput:
    """Records consumed, timed from the first record consumed to the last."""

    def __init__(self) -> None:
        self.records = 0
        self.first: float | None = None
        self.last: float | None = None

    def received(self) -> None:
        """Call when records arrive, before processing them: starts the clock on the first call."""
        if self.first is None:
            self.first = time.perf_counter()

    def consumed(self, count: int = 1) -> None:
        """Call after processing `count` records."""
        if self.first is None:
            self.first = time.perf_counter()
        self.records += count
        self.last = time.perf_counter()

    @property
    def seconds(self) -> float:
        if self.first is None or self.last is None:
            return 0.0
        return self.last - self.first

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


def print_summary(system: str, throughput: Throughput, windows: int, **extra) -> None:
    """The human line and the machine line (last line of standard output, JSON)."""
    rss = peak_rss_mib()
    print(
        f"{system}: {throughput.records} records in {throughput.seconds:.2f} s = {throughput.rate:,.0f} records/s, "
        f"{windows} windows closed, peak RSS {rss:.0f} MiB",
        flush=True,
    )
    summary = {
        "system": system,
        "records": throughput.records,
        "seconds": throughput.seconds,
        "records_per_s": throughput.rate,
        "windows": windows,
        "peak_rss_mib": rss,
    }
    summary.update(extra)
    print("SUMMARY " + json.dumps(summary), flush=True)
