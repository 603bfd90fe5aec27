#!/usr/bin/env python3
"""Soak: continuous generated load through the processing module on the embedded broker.

    python3 scripts/soak.py [--minutes 10] [--sensors 200] [--speed 500] [--binary PATH]

Starts `processing-module broker`, `run` (both pipelines of a pipelines file written here:
function_a and function_b, 5-minute windows) and `generate`, then samples the module's resident
memory (VmRSS) and consumer lag (from /metrics) every 5 seconds and prints them. At the end it
compares the median RSS of the second minute with that of the last minute and exits 1 if memory
grew by more than 10% + 5 MB (RSS must stay flat), or if the lag kept growing.
Standard library only; no network beyond loopback.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_megabytes(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def metric(port: int, name: str) -> float:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--sensors", type=int, default=200)
    parser.add_argument("--speed", type=float, default=500, help="event time runs this many times faster than the clock")
    parser.add_argument("--binary", default=str(ROOT / "data_processing/processing_module/.build/release/processing-module"))
    arguments = parser.parse_args()
    binary = arguments.binary
    if not Path(binary).exists():
        print(f"{binary} is missing: run `make soak` (it builds it)", file=sys.stderr)
        return 2

    broker = subprocess.Popen([binary, "broker", "--partitions", "6", "--topics", "readings,statistics,anomalies,dead"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    processes = [broker]
    try:
        bootstrap = broker.stdout.readline().strip()
        directory = Path(tempfile.mkdtemp(prefix="soak-"))
        config = directory / "pipelines.yaml"
        config.write_text(f"""kafka: {{bootstrap.servers: "{bootstrap}"}}
group_id: soak
pipelines:
  - {{name: statistics, input: readings, output: statistics, dead_letters: dead, function: function_a,
     window: {{size: 5m, grace: 10s}}, event_time_field: ts}}
  - {{name: anomalies, input: readings, output: anomalies, dead_letters: dead, function: function_b,
     window: {{size: 5m, grace: 10s}}, event_time_field: ts}}
""")
        port = 20_000 + os.getpid() % 20_000
        module = subprocess.Popen([binary, "run", "--config", str(config), "--metrics-port", str(port), "--log-level", "warning"])
        processes.append(module)
        time.sleep(5)
        generator = subprocess.Popen([binary, "generate", "--bootstrap-servers", bootstrap, "--topic", "readings",
                                      "--sensors", str(arguments.sensors), "--speed", str(arguments.speed)],
                                     stderr=subprocess.DEVNULL)
        processes.append(generator)
        rate = arguments.sensors * arguments.speed / 10
        print(f"soak: {arguments.minutes:g} minutes at about {rate:,.0f} readings/s; sampling every 5 s", flush=True)
        print(f"{'elapsed s':>9} {'RSS MB':>8} {'lag':>10} {'records in':>12}", flush=True)
        samples = []
        started = time.monotonic()
        while time.monotonic() - started < arguments.minutes * 60:
            time.sleep(5)
            if module.poll() is not None:
                print(f"soak: the module exited with status {module.returncode}", file=sys.stderr)
                return 1
            elapsed = time.monotonic() - started
            sample = (elapsed, rss_megabytes(module.pid), metric(port, "processing_consumer_lag"),
                      metric(port, "processing_records_in_total"))
            samples.append(sample)
            print(f"{sample[0]:9.0f} {sample[1]:8.1f} {sample[2]:10.0f} {sample[3]:12.0f}", flush=True)
        second_minute = [rss for elapsed, rss, _, _ in samples if 60 <= elapsed < 120] or [samples[0][1]]
        last_minute = [rss for elapsed, rss, _, _ in samples if elapsed >= samples[-1][0] - 60]
        early, late = statistics.median(second_minute), statistics.median(last_minute)
        lags = [lag for _, _, lag, _ in samples]
        records = samples[-1][3]
        print(f"soak: {records:,.0f} records; RSS median {early:.1f} MB in minute 2, {late:.1f} MB in the last minute; "
              f"lag max {max(lags):,.0f}, last {lags[-1]:,.0f}")
        flat = late <= early * 1.10 + 5
        keeping_up = lags[-1] <= max(lags[: max(1, len(lags) // 2)]) + rate * 10
        print(f"soak: RSS {'flat' if flat else 'GREW'}; lag {'bounded' if keeping_up else 'GROWING'}")
        return 0 if flat and keeping_up else 1
    finally:
        # Generator first, then the module (it commits on the way out), the broker last.
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
