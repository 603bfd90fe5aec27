"""End-to-end comparison on the embedded broker: the processing module against kcat, a plain
confluent-kafka loop, Quix Streams and Faust, on the same readings in one run.

    .venv-bench/bin/python benchmarks/compare.py                  # 1,000,000 readings (about 20 minutes)
    .venv-bench/bin/python benchmarks/compare.py --records 50000  # a quick run

Steps (see benchmarks/README.md for the method):
 1. `processing-module broker` on loopback: the readings topic (6 partitions) and every output topic.
 2. `processing-module generate`: N readings of 100 sensors, once; checks the broker kept them all.
 3. kcat reads the topic with a deep prefetch queue, timed as a whole process (three runs, median).
 4. `processing-module run`: function_a, 5-minute tumbling windows on event time `ts`,
    at-least-once, one instance; throughput from its /metrics.
 5. Window-close latency: a trickle of records, each closing a window, through a fresh `run`
    (librdkafka defaults, then kafka.fetch.wait.max.ms=1), and the measurement's own floor.
 6. Two instances in one consumer group (scaling).
 7. Each peer (plain loop, Quix Streams, Faust), one after the other, with a fresh consumer group.
 8. Every system's windows are checked against the processing module's.
Writes benchmarks/results/latest.json, latest.md and throughput.png, and prints the table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
DEFAULT_BINARY = REPOSITORY / "data_processing/processing_module/.build/release/processing-module"
WINDOW_MS = 5 * 60 * 1000
RELATIVE_TOLERANCE = 1e-9
MODULE = "processing module"
MODULE_2 = "processing module, 2 instances"
KCAT = "kcat (deep queue)"
# Window-close latency runs: (name, `--set` overrides). librdkafka's mock cluster answers a fetch only
# after fetch.wait.max.ms (500 ms by default) even when records arrive meanwhile, where Kafka answers
# as soon as there are records; the second setting takes that wait out.
LATENCY_SETTINGS = [("defaults", ()), ("fetch-wait-1ms", ("kafka.fetch.wait.max.ms=1",))]


METHOD = {
    "throughput": "records consumed / seconds from the first record consumed to the last. Peers time themselves "
                  "(from the arrival of their first batch to the end of processing their last); the processing "
                  "module is observed through /metrics every 10 ms (records counted after the first observation "
                  "over the time since it); kcat is timed as a whole process (start-up and connection included), "
                  "median of three runs.",
    "peak_rss": "VmHWM (/proc/PID/status) of each process: peers report their own at the end; the processing "
                "module's is read just before it is stopped (two instances: the larger); kcat's is sampled while "
                "it runs. Not ru_maxrss from wait4: a child's ru_maxrss includes the RSS of the Python parent at "
                "fork time.",
    "correctness": "windows keyed by (key, window_start); counts exact, mean/min/max within 1e-9 relative of the "
                   "processing module's; only windows every system closed are compared.",
    "latency": "a record per partition every interval, each closing the previous window of its key; from handing "
               "it to a producer (linger.ms 0) to the result being read from the output topic by a consumer with "
               "fetch.wait.max.ms 1; floor = the same path without processing.",
}


MODULE_LOG_LEVEL = "warning"  # --module-log-level


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------- processes


class Child:
    """A child process with its output in a log file."""

    def __init__(self, arguments: list[str], log_path: Path, **options) -> None:
        self.log_path = log_path
        self.log_file = open(log_path, "wb")
        self.process = subprocess.Popen(arguments, stdout=self.log_file, stderr=subprocess.STDOUT, **options)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                self.log_file.close()
                return self.process.returncode
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.log_path.name}: still running after {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self, timeout: float = 60) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM of a running process, in MiB (None once it has gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a running process, in seconds (None once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stable_binary(path: Path, work: Path) -> Path:
    """A private copy of the binary, so a rebuild during the run cannot change it; waits while it is missing."""
    for _ in range(120):
        if path.exists():
            copy = work / "processing-module"
            shutil.copy2(path, copy)
            return copy
        log(f"{path} is missing (being rebuilt?); waiting")
        time.sleep(5)
    raise SystemExit(f"{path} not found: build it with `swift build -c release` in data_processing/processing_module")


# ---------------------------------------------------------------- Kafka helpers


def watermarks(bootstrap: str, topic: str, partitions: int) -> list[tuple[int, int]]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "compare-watermarks"})
    marks = [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10) for p in range(partitions)]
    consumer.close()
    return marks


def read_topic(bootstrap: str, topic: str, partitions: int) -> list:
    """Every message of a topic up to its high watermarks (no consumer group)."""
    high = {p: h for p, (_, h) in enumerate(watermarks(bootstrap, topic, partitions)) if h > 0}
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "compare-reader", "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in high])
    messages = []
    deadline = time.monotonic() + 120
    while high and time.monotonic() < deadline:
        for message in consumer.consume(num_messages=10_000, timeout=0.5):
            if message.error():
                continue
            messages.append(message)
            if message.offset() + 1 >= high.get(message.partition(), 0):
                high.pop(message.partition(), None)
    consumer.close()
    return messages


def module_windows(messages: list) -> list[dict]:
    """function_a results as comparable windows (key, window_start, window_end, count, mean, min, max)."""
    windows = []
    for message in messages:
        headers = {name: value.decode() for name, value in (message.headers() or [])}
        output = json.loads(message.value())
        windows.append(
            {
                "key": message.key().decode(),
                "window_start": int(headers["window_start"]),
                "window_end": int(headers["window_end"]),
                "count": output["count"],
                "mean": output["mean"],
                "min": output["min"],
                "max": output["max"],
            }
        )
    return windows


def metric(port: int, name: str, pipeline: str) -> int:
    """One counter of `processing-module run`'s /metrics (0 while the server is not up)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return 0
    found = re.search(rf'^{name}\{{pipeline="{re.escape(pipeline)}"[^}}]*\}} (\d+)', text, re.MULTILINE)
    return int(found.group(1)) if found else 0


# ---------------------------------------------------------------- the processing module


def pipelines_yaml(bootstrap: str, group: str, name: str, source: str, output: str) -> str:
    return f"""kafka: {{bootstrap.servers: "{bootstrap}"}}
group_id: {group}
pipelines:
  - name: {name}
    input: {source}
    output: {output}
    dead_letters: {source}.dead-letters
    function: function_a
    parameters: {{field: value}}
    window: {{size: 5m}}
    event_time_field: ts
    idle_timeout: off
    guarantee: at-least-once
"""


def start_modules(binary: Path, work: Path, bootstrap: str, group: str, name: str, source: str, output: str,
                  instances: int = 1, overrides: tuple[str, ...] = ()) -> list[tuple[Child, int]]:
    """`processing-module run` instances of one pipeline, each with its own /metrics port."""
    config = work / f"{group}.yaml"
    config.write_text(pipelines_yaml(bootstrap, group, name, source, output))
    children = []
    for index in range(instances):
        port = free_port()
        child = Child(
            [str(binary), "run", "--config", str(config), "--metrics-port", str(port), "--progress-interval", "0",
             "--log-level", MODULE_LOG_LEVEL, *(argument for override in overrides for argument in ("--set", override))],
            work / f"{group}-{index}.log",
        )
        children.append((child, port))
    return children


class UnevenStart(Exception):
    """Not every instance had partitions when the first records were read."""


def time_module_input(ports: list[int], records: int, timeout: float) -> dict:
    """Rate from /metrics: records counted between the first observation with input and the one
    where all records are in, over the time between those observations (polled every 10 ms).

    With several instances, each must hold partitions within a second of the first records read;
    otherwise UnevenStart is raised (librdkafka's mock cluster makes a member that joins a running
    group wait session.timeout.ms less a second, 44 s by default, for its assignment, so a late
    joiner would measure that wait instead)."""
    first = None
    deadline = time.monotonic() + timeout
    total = 0
    balanced = len(ports) == 1
    while time.monotonic() < deadline:
        before = time.perf_counter()
        total = sum(metric(port, "processing_records_in_total", "statistics") for port in ports)
        observed = (before + time.perf_counter()) / 2
        if first is None and total > 0:
            first = (observed, total)
        if first is not None and not balanced:
            assigned = [metric(port, "processing_assigned_partitions", "statistics") for port in ports]
            balanced = all(count > 0 for count in assigned)
            if not balanced and observed - first[0] > 1.0:
                raise UnevenStart(f"partitions per instance {assigned} one second after the first records")
        if total >= records:
            if not balanced:
                raise UnevenStart(f"one instance read the records before the other had partitions {assigned}")
            first_time, first_total = first
            seconds = observed - first_time
            return {"records": total, "seconds": seconds, "first_observed": first_time,
                    "records_per_s": (total - first_total) / seconds if seconds > 0 else 0.0,
                    "records_in_first_observation": first_total}
        time.sleep(0.01)
    raise TimeoutError(f"the processing module read {total} of {records} records in {timeout:.0f} s")


def wait_for_results(ports: list[int], settle: float = 2.0, timeout: float = 120) -> int:
    """Waits until the results produced stop changing (the commit flushes them every second)."""
    last, since = -1, time.monotonic()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = sum(metric(port, "processing_records_out_total", "statistics") for port in ports)
        if out != last:
            last, since = out, time.monotonic()
        elif time.monotonic() - since >= settle:
            return out
        time.sleep(0.1)
    return last


def readable_delays(bootstrap: str, partitions: int, sends: list[tuple], read_from: str, identify, interval: float
                    ) -> dict:
    """Sends records one every `interval` seconds and times when the awaited messages become readable.

    `sends`: (topic, partition, key, value, timestamp, awaited), where `awaited` names the message
    this send should make readable on `read_from` (or None). A consumer assigned to every partition
    of `read_from` polls continuously (fetch.wait.max.ms 1) and notes when each message, named by
    `identify(message)`, arrives. Returns awaited name -> milliseconds from handing the send to the
    producer (linger.ms 0) to its message being read, for the messages that arrived within 10 s.
    """
    arrivals: dict = {}
    stop = threading.Event()
    reader = Consumer({"bootstrap.servers": bootstrap, "group.id": "compare-latency", "enable.auto.commit": False,
                       "fetch.wait.max.ms": 1, "fetch.error.backoff.ms": 1})
    reader.assign([TopicPartition(read_from, p, OFFSET_BEGINNING) for p in range(partitions)])

    def read() -> None:
        while not stop.is_set():
            for message in reader.consume(num_messages=1000, timeout=0.01):
                if not message.error():
                    arrivals.setdefault(identify(message), time.perf_counter())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    time.sleep(1.0)  # the reader's first fetches
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0, "enable.idempotence": True})
    producer.list_topics(sends[0][0], timeout=10)  # connected, with the topic's metadata, before the first send
    sent: dict = {}
    for topic, partition, key, value, timestamp, awaited in sends:
        now = time.perf_counter()
        producer.produce(topic, value=value, key=key, partition=partition, timestamp=timestamp or 0)
        producer.poll(0)
        if awaited is not None:
            sent[awaited] = now
        time.sleep(interval)
    producer.flush(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(name in arrivals for name in sent):
        time.sleep(0.05)
    stop.set()
    thread.join()
    reader.close()
    return {name: (arrivals[name] - at) * 1000 if name in arrivals else None for name, at in sent.items()}


def summarise_delays(delays: list, interval: float) -> dict:
    samples = sorted(delay for delay in delays if delay is not None)
    return {
        "samples": len(samples),
        "missing": len(delays) - len(samples),
        "p50_ms": percentile(samples, 50),
        "p90_ms": percentile(samples, 90),
        "p99_ms": percentile(samples, 99),
        "min_ms": samples[0] if samples else None,
        "max_ms": samples[-1] if samples else None,
        "interval_ms": interval * 1000,
    }


def measure_floor(bootstrap: str, partitions: int, topic: str, count: int, interval: float, warmup: int = 60) -> dict:
    """The measurement's own floor: a record produced to a topic until the same reader reads it there
    (the first `warmup` records are not counted)."""
    sends = [(topic, i % partitions, f"floor-{i}", b"{}", None, f"floor-{i}" if i >= warmup else None)
             for i in range(warmup + count)]
    delays = readable_delays(bootstrap, partitions, sends, topic, lambda message: message.key().decode(), interval)
    return summarise_delays(list(delays.values()), interval)


def measure_window_close(bootstrap: str, partitions: int, source: str, output: str, rounds: int, interval: float,
                         warmup_rounds: int = 10) -> dict:
    """Window-close latency of a running `latency` pipeline (source -> function_a -> output).

    Round r sends one record to each partition p of `source` (key lat-<run>-p, event time in window
    r). That record moves partition p's stream time into window r, so it closes window r-1 of its
    key: the latency is from handing that record to the producer until window r-1's result is
    readable on `output`. The first `warmup_rounds` rounds are not counted: right after the
    pipeline's assignment, the first records wait for up to a few hundred milliseconds.
    """
    # Event times end before now: the module dead-letters event times more than max_clock_skew (1 h)
    # ahead of the wall clock, and a fixed date would drift past that bound as time goes by.
    now_ms = int(time.time() * 1000)
    base = now_ms - now_ms % WINDOW_MS - (rounds + warmup_rounds + 2) * WINDOW_MS
    run = int(time.time())  # in the keys, so that results of an earlier run on the same topic never match
    sends = []
    for round_number in range(rounds + warmup_rounds + 1):
        for partition in range(partitions):
            key = f"lat-{run}-{partition}"
            event_time = base + round_number * WINDOW_MS + 1000
            value = json.dumps({"sensor": key, "ts": event_time, "value": float(round_number)})
            closes = (key, base + (round_number - 1) * WINDOW_MS) if round_number > warmup_rounds else None
            sends.append((source, partition, key, value, event_time, closes))

    def identify(message) -> tuple[str, int]:
        return message.key().decode(), int(dict(message.headers() or [])["window_start"])

    delays = readable_delays(bootstrap, partitions, sends, output, identify, interval)
    return summarise_delays(list(delays.values()), interval)


def latency_run(binary: Path, work: Path, bootstrap: str, suffix: str, overrides: tuple[str, ...], partitions: int,
                rounds: int, interval: float) -> dict:
    """A `processing-module run` with only the latency pipeline, on its own topics, then the trickle."""
    source, output = f"latency-{suffix}", f"latency-{suffix}-out"
    children = start_modules(binary, work, bootstrap, f"bench-latency-{suffix}", "latency", source, output,
                             overrides=overrides)
    (child, port), = children
    try:
        deadline = time.monotonic() + 60
        while metric(port, "processing_assigned_partitions", "latency") < partitions:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the latency pipeline got no assignment in 60 s; see {child.log_path}")
            time.sleep(0.1)
        result = measure_window_close(bootstrap, partitions, source, output, rounds, interval)
    finally:
        child.stop()
    result["settings"] = list(overrides) or ["(defaults)"]
    log(f"window-close latency {result['settings']}: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms "
        f"({result['samples']} samples, {result['missing']} missing)")
    return result


def percentile(sorted_values: list[float], q: float) -> float | None:
    """numpy's 'linear' percentile of already sorted values."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


# ---------------------------------------------------------------- correctness


def load_jsonl(path: Path) -> list[dict]:
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def index_windows(windows: list[dict]) -> tuple[dict, int, int]:
    """(key, window_start) -> window; also how many duplicates were identical and how many conflicted."""
    indexed: dict = {}
    identical = conflicting = 0
    for window in windows:
        name = (window["key"], window["window_start"])
        if name in indexed:
            if same_values(indexed[name], window):
                identical += 1
            else:
                conflicting += 1
            continue
        indexed[name] = window
    return indexed, identical, conflicting


def same_values(reference: dict, other: dict) -> bool:
    if reference["count"] != other["count"] or reference["window_end"] != other["window_end"]:
        return False
    for field in ("mean", "min", "max"):
        a, b = float(reference[field]), float(other[field])
        if abs(a - b) > RELATIVE_TOLERANCE * max(abs(a), abs(b)):
            return False
    return True


def check_results(results: dict[str, list[dict]]) -> dict:
    """Compares every system's windows with the processing module's on the windows all of them closed."""
    indexed = {system: index_windows(windows) for system, windows in results.items()}
    common = set.intersection(*(set(windows) for windows, _, _ in indexed.values()))
    reference = indexed[MODULE][0]
    report = {"windows_compared": len(common), "systems": {}}
    for system, (windows, identical, conflicting) in indexed.items():
        excluded = sorted(set(windows) - common)
        mismatches = [name for name in common if not same_values(reference[name], windows[name])]
        report["systems"][system] = {
            "windows": len(windows),
            "excluded": len(excluded),
            "excluded_windows": describe_windows(excluded),
            "mismatches": len(mismatches),
            "mismatch_examples": [
                {"reference": reference[name], "system": windows[name]} for name in sorted(mismatches)[:3]
            ],
            "duplicates_identical": identical,
            "duplicates_conflicting": conflicting,
            "agrees": not mismatches and not conflicting and len(common) > 0,
        }
    return report


def describe_windows(names: list[tuple[str, int]]) -> str:
    """A short description of excluded windows: per window start, how many keys."""
    if not names:
        return ""
    by_start: dict[int, int] = {}
    for _, start in names:
        by_start[start] = by_start.get(start, 0) + 1
    parts = [f"{count} keys at window_start {start} "
             f"({datetime.fromtimestamp(start / 1000, timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')})"
             for start, count in sorted(by_start.items())[:4]]
    if len(by_start) > 4:
        parts.append(f"... {len(by_start)} window starts in all")
    return "; ".join(parts)


# ---------------------------------------------------------------- the run


def run_peer(name: str, script: str, extra: list[str], bootstrap: str, group: str, records: int, work: Path,
             timeout: float) -> tuple[dict, list[dict]]:
    output = work / f"{group}.jsonl"
    child = Child(
        [sys.executable, "-W", "ignore", str(HERE / script), "--bootstrap", bootstrap, "--group", group,
         "--records", str(records), "--output", str(output), *extra],
        work / f"{group}.log",
        cwd=work,
    )
    began = time.monotonic()
    code = child.wait(timeout)
    text = child.output()
    found = re.findall(r"SUMMARY (\{.*\})", text)
    if not found:
        raise RuntimeError(f"{name} exited {code} without a summary; see {child.log_path}:\n{text[-3000:]}")
    summary = json.loads(found[-1])
    summary["exit_code"] = code
    summary["wall_seconds"] = time.monotonic() - began
    log(f"{name}: {summary['records_per_s']:,.0f} records/s, peak RSS {summary['peak_rss_mib']:.0f} MiB "
        f"({summary['wall_seconds']:.0f} s wall)")
    return summary, load_jsonl(output)


def kcat_runs(bootstrap: str, records: int, runs: int) -> dict:
    rates, rss, cpu = [], [], []
    for _ in range(runs):
        began = time.perf_counter()
        process = subprocess.Popen(
            ["kcat", "-C", "-b", bootstrap, "-t", "readings", "-o", "beginning", "-e", "-q",
             "-X", "queued.min.messages=1000000"],
            stdout=subprocess.PIPE,
        )
        lines = 0
        peak = 0.0
        while chunk := process.stdout.read(1 << 20):
            lines += chunk.count(b"\n")
            peak = max(peak, peak_rss_mib(process.pid) or 0.0)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - began
        if process.returncode != 0:
            raise RuntimeError(f"kcat exited with {process.returncode}")
        cpu.append(usage.ru_utime + usage.ru_stime)
        if lines != records:
            raise RuntimeError(f"kcat read {lines} messages, expected {records}")
        rates.append(records / seconds)
        rss.append(peak)
    log(f"kcat: {', '.join(f'{rate:,.0f}' for rate in rates)} messages/s")
    return {"records": records, "records_per_s": statistics.median(rates), "runs_records_per_s": rates,
            "peak_rss_mib": max(rss), "cpu_us_per_record": statistics.median(cpu) / records * 1e6}


SCALING_ATTEMPTS = 3


def module_run(binary: Path, work: Path, bootstrap: str, group: str, output_topic: str, instances: int, records: int,
               partitions: int, overrides: tuple[str, ...] = ()) -> tuple[dict, list[dict]]:
    """`instances` processing modules in one consumer group over the readings; with several, up to
    SCALING_ATTEMPTS tries (fresh group and output topic `<output_topic>-<attempt>`) for a start
    where every instance gets partitions in the first assignment."""
    failed = []
    for attempt in range(1, (SCALING_ATTEMPTS if instances > 1 else 1) + 1):
        name, output = (group, output_topic) if instances == 1 else (f"{group}-{attempt}", f"{output_topic}-{attempt}")
        started = time.perf_counter()
        children = start_modules(binary, work, bootstrap, name, "statistics", "readings", output, instances, overrides)
        ports = [port for _, port in children]
        try:
            timing = time_module_input(ports, records, timeout=1800)
            timing["start_to_first_record_seconds"] = timing.pop("first_observed") - started
            produced = wait_for_results(ports)
            per_instance = [metric(port, "processing_records_in_total", "statistics") for port in ports]
        except UnevenStart as uneven:
            log(f"processing module x{instances}, attempt {attempt}: {uneven}; trying again")
            failed.append(str(uneven))
            continue
        finally:
            rss = [peak_rss_mib(child.pid) for child, _ in children]
            cpu = [cpu_seconds(child.pid) for child, _ in children]
            stopping = time.perf_counter()
            for child, _ in children:
                child.process.send_signal(signal.SIGTERM)
            codes = [child.wait(60) for child, _ in children]
        timing["stop_seconds"] = time.perf_counter() - stopping
        windows = module_windows(read_topic(bootstrap, output, partitions))
        summary = {
            **timing,
            "instances": instances,
            "records_per_instance": per_instance,
            "records_read_again": sum(per_instance) - records,
            "results_produced": produced,
            "results_read": len(windows),
            "peak_rss_mib": max((value for value in rss if value is not None), default=None),
            "peak_rss_mib_per_instance": rss,
            # Whole process, start-up and the wait for results included (a slight overestimate).
            "cpu_us_per_record": sum(value or 0 for value in cpu) / records * 1e6,
            "exit_codes": codes,
            "failed_attempts": failed,
        }
        log(f"processing module x{instances}: {timing['records_per_s']:,.0f} records/s, "
            f"peak RSS {summary['peak_rss_mib']:.0f} MiB, {len(windows)} results, per instance {per_instance}")
        return summary, windows
    raise RuntimeError(f"processing module x{instances}: no even start in {SCALING_ATTEMPTS} attempts: {failed}")


def environment(binary: Path) -> dict:
    def command(*arguments: str) -> str:
        try:
            return subprocess.run(arguments, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return ""

    import confluent_kafka

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    versions = {}
    for package in ("quixstreams", "faust-streaming", "confluent-kafka", "aiokafka"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:
            versions[package] = None
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "python_librdkafka": confluent_kafka.libversion()[0],
        "kcat": command("kcat", "-V").splitlines()[0] if command("kcat", "-V") else "",
        "module": command(str(binary), "--version"),
        "git_commit": command("git", "-C", str(REPOSITORY), "rev-parse", "HEAD"),
        "git_dirty": bool(command("git", "-C", str(REPOSITORY), "status", "--porcelain", "--untracked-files=no")),
        "binary_sha256": hashlib.sha256(binary.read_bytes()).hexdigest(),
    }


def ratio(rate: float, reference: float | None) -> str:
    if not reference:
        return "-"
    value = rate / reference
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def table(report: dict) -> str:
    rows = report["systems"]
    kcat = rows.get(KCAT, {}).get("records_per_s")
    quix = rows.get("Quix Streams", {}).get("records_per_s")
    checks = report.get("correctness", {}).get("systems", {})
    lines = [
        "| system | records/s | ratio to kcat | ratio to Quix Streams | window-close latency p50 / p99 (ms) "
        "| peak RSS (MiB) | results |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for system, row in rows.items():
        rate = row["records_per_s"]
        to_kcat = ratio(rate, kcat)
        to_quix = ratio(rate, quix)
        latency = row.get("latency")
        latency_text = f"{latency['p50_ms']:.1f} / {latency['p99_ms']:.1f}" if latency and latency["samples"] else "-"
        rss = f"{row['peak_rss_mib']:.0f}" if row.get("peak_rss_mib") is not None else "-"
        check = checks.get(system)
        if system == KCAT:
            verdict = "(reads only)"
        elif row.get("records_read_again"):
            verdict = f"rebalanced: {row['records_read_again']:,} records read twice"
        elif check is None:
            verdict = "-"
        elif check["agrees"]:
            verdict = f"agree ({check['excluded']:,} excluded)" if check["excluded"] else "agree"
        else:
            verdict = f"DISAGREE ({check['mismatches']} differ, {check['duplicates_conflicting']} conflicting)"
        lines.append(f"| {system} | {rate:,.0f} | {to_kcat} | {to_quix} | {latency_text} | {rss} | {verdict} |")
    return "\n".join(lines)


def plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["systems"])
    rates = [report["systems"][name]["records_per_s"] for name in names]
    colours = ["#1f77b4" if name.startswith(MODULE) else "#7f7f7f" if name == KCAT else "#ff7f0e" for name in names]
    figure, axes = plt.subplots(figsize=(10, 5.5))
    bars = axes.bar(range(len(names)), rates, color=colours)
    axes.set_yscale("log")
    axes.set_ylim(bottom=10 ** math.floor(math.log10(min(rates))), top=max(rates) * 3)
    from matplotlib.patches import Patch

    axes.legend(handles=[Patch(color="#1f77b4", label="this processing module"),
                         Patch(color="#7f7f7f", label="kcat: reads only, no processing"),
                         Patch(color="#ff7f0e", label="Python peers")], loc="upper right", fontsize=9)
    axes.set_ylabel("records per second (log scale)")
    axes.set_xticks(range(len(names)), [name.replace(", ", ",\n").replace(" (", "\n(") for name in names], fontsize=9)
    for bar, rate in zip(bars, rates):
        axes.annotate(f"{rate:,.0f}", (bar.get_x() + bar.get_width() / 2, rate), ha="center", va="bottom", fontsize=9)
    parameters = report["parameters"]
    axes.set_title(
        f"{parameters['records']:,} readings, {parameters['keys']} keys, {parameters['partitions']} partitions, "
        f"5-minute tumbling windows, embedded broker\n{report['environment']['cores']} cores, "
        f"{report['environment']['date'][:10]}",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def goals(report: dict) -> list[tuple[str, str, bool | None]]:
    """The end-to-end goals (issue 14) with what this run measured: (goal, measured, met or None)."""
    systems = report["systems"]
    module, kcat, plain = systems.get(MODULE, {}), systems.get(KCAT), systems.get("confluent-kafka loop")
    rate = module.get("records_per_s", 0.0)
    rows: list[tuple[str, str, bool | None]] = []
    if kcat:
        rows.append(("records/s at least 0.7 of kcat's", f"{rate / kcat['records_per_s']:.2f}",
                     rate >= 0.7 * kcat["records_per_s"]))
    if plain:
        rows.append(("records/s at least 4 times the confluent-kafka loop's", f"{rate / plain['records_per_s']:.1f}",
                     rate >= 4 * plain["records_per_s"]))
    if module.get("peak_rss_mib") is not None:
        rows.append(("peak RSS at most 64 MiB", f"{module['peak_rss_mib']:.0f} MiB", module["peak_rss_mib"] <= 64))
    latency = report.get("latency", {}).get("defaults")
    if latency:
        measured = latency["samples"] > 0 and latency["missing"] == 0
        rows.append(("window-close latency p50 under 15 ms, default configuration",
                     f"{latency['p50_ms']:.1f} ms" if measured else "no samples", measured and latency["p50_ms"] < 15))
        rows.append(("window-close latency p99 under 50 ms, default configuration",
                     f"{latency['p99_ms']:.1f} ms" if measured else "no samples", measured and latency["p99_ms"] < 50))
    if kcat and module.get("cpu_us_per_record") is not None:
        rows.append(("CPU time per record (user + sys), module / kcat",
                     f"{module['cpu_us_per_record']:.2f} / {kcat['cpu_us_per_record']:.2f} us", None))
    return rows


def goals_table(report: dict) -> str:
    lines = ["| goal | measured | met |", "|---|---:|---|"]
    for goal, measured, met in goals(report):
        lines.append(f"| {goal} | {measured} | {'-' if met is None else 'met' if met else 'not met'} |")
    return "\n".join(lines)


def write_results(report: dict, folder: Path) -> None:
    """latest.json, latest.md (the tables) and throughput.png from a report; prints the tables."""
    markdown = table(report)
    correctness = report["correctness"]
    details = []
    if "latency" in report:
        details.append("Latency in the table: the processing module with kafka.fetch.wait.max.ms=1 (see below).")
    details.append(f"Windows compared (closed by every system): {correctness['windows_compared']:,}.")
    for system, check in correctness["systems"].items():
        if check["excluded"]:
            details.append(f"- {system}: {check['windows']:,} windows, {check['excluded']:,} excluded "
                           f"(not closed by every system: {check['excluded_windows']})")
        if check["duplicates_identical"] or check["duplicates_conflicting"]:
            details.append(f"- {system}: {check['duplicates_identical']} identical and "
                           f"{check['duplicates_conflicting']} conflicting duplicate windows")
        if check["mismatches"]:
            details.append(f"- {system}: {check['mismatches']} windows differ, e.g. {check['mismatch_examples'][:1]}")
    if "latency" in report:
        details += ["", "Window-close latency of the processing module (record that closes a window -> its result "
                    "readable on the output topic):", "",
                    "| measured | samples | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | missing |",
                    "|---|---:|---:|---:|---:|---:|---:|"]
        for name, row in report["latency"].items():
            label = "floor: produce -> read, no processing" if name == "floor" else "module, " + ", ".join(row["settings"])
            details.append(f"| {label} | {row['samples']} | {row['p50_ms']:.1f} | {row['p90_ms']:.1f} | "
                           f"{row['p99_ms']:.1f} | {row['max_ms']:.1f} | {row['missing']} |")
    if MODULE_2 in report["systems"]:
        row = report["systems"][MODULE_2]
        details += ["", f"Scaling: 2 instances read {row['records_per_instance']} records; peak RSS per instance "
                    f"{[round(rss or 0) for rss in row['peak_rss_mib_per_instance']]} MiB"
                    + (f"; attempts without an even start: {row['failed_attempts']}" if row.get("failed_attempts") else "")
                    + "."]
    for system, row in report.get("invalid_runs", {}).items():
        details += ["", f"Not reported: {system}: {row['invalid_because']}"]
    if report.get("notes"):
        details += ["", "Notes:"] + [f"- {note}" for note in report["notes"]]
    text = (markdown + "\n\nGoals (one run):\n\n" + goals_table(report) + "\n\n" + "\n".join(details)
            + f"\n\nTotal run time: {report['total_seconds']:.0f} s.\n")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (folder / "latest.md").write_text(text)
    plot(report, folder / "throughput.png")
    print()
    print(text)
    print(f"written: {folder / 'latest.json'}, latest.md, throughput.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000, help="readings to produce (default 1,000,000)")
    parser.add_argument("--keys", type=int, default=100, help="sensors (message keys)")
    parser.add_argument("--partitions", type=int, default=6, help="partitions of the readings topic")
    parser.add_argument("--binary", type=Path, default=DEFAULT_BINARY, help="the processing-module release binary")
    parser.add_argument("--skip", default="", help="comma-separated: kcat, plain, quix, faust, scaling, latency")
    parser.add_argument("--latency-rounds", type=int, default=100, help="trickle rounds (one record per partition each)")
    parser.add_argument("--latency-interval-ms", type=float, default=10, help="pause between two trickle records")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where latest.json, latest.md, throughput.png go")
    parser.add_argument("--peer-timeout", type=float, default=3600, help="seconds allowed per peer")
    parser.add_argument("--keep-work", action="store_true", help="keep the work folder (logs, window files)")
    parser.add_argument("--module-log-level", default="warning", help="log level of the processing-module runs")
    parser.add_argument("--module-set", action="append", default=[], metavar="KEY=VALUE",
                        help="a pipelines-file override for the throughput runs of the module (repeatable), "
                             "e.g. kafka.queued.min.messages=20000")
    parser.add_argument("--render", type=Path, metavar="JSON",
                        help="only rewrite latest.md and throughput.png (in --results) from a report file")
    arguments = parser.parse_args()
    if arguments.render:
        write_results(json.loads(arguments.render.read_text()), arguments.results)
        return
    global MODULE_LOG_LEVEL
    MODULE_LOG_LEVEL = arguments.module_log_level
    skip = {name.strip() for name in arguments.skip.split(",") if name.strip()}

    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="compare-"))
    arguments.results.mkdir(parents=True, exist_ok=True)
    binary = stable_binary(arguments.binary, work)
    log(f"work folder {work}")

    quix_topics = [] if "quix" in skip else subprocess.run(
        [sys.executable, "-W", "ignore", str(HERE / "peer_quix.py"), "--bootstrap", "unused:1", "--group", "bench-quix",
         "--records", "1", "--output", os.devnull, "--list-internal-topics", str(arguments.partitions)],
        capture_output=True, text=True, check=True, cwd=work,
    ).stdout.split()
    topics = ["readings", "readings.dead-letters", "statistics-1", "latency-floor",
              *(f"statistics-2-{attempt}" for attempt in range(1, SCALING_ATTEMPTS + 1)),
              "bench-faust-stats-changelog", *quix_topics]
    for suffix, _ in LATENCY_SETTINGS:
        topics += [f"latency-{suffix}", f"latency-{suffix}-out", f"latency-{suffix}.dead-letters"]
    broker = Child([str(binary), "broker", "--partitions", str(arguments.partitions), "--topics", ",".join(topics)],
                   work / "broker.log", start_new_session=True)
    report: dict = {"parameters": {"records": arguments.records, "keys": arguments.keys,
                                   "partitions": arguments.partitions, "window": "5m tumbling, grace 0",
                                   "guarantee": "at-least-once", "module_overrides": arguments.module_set},
                    "environment": environment(binary), "method": METHOD, "systems": {}, "phases_seconds": {},
                    "notes": []}
    try:
        bootstrap = ""
        for _ in range(300):
            found = re.search(r"^(\d+\.\d+\.\d+\.\d+:\d+)$", broker.output(), re.MULTILINE)
            if found:
                bootstrap = found.group(1)
                break
            time.sleep(0.1)
        if not bootstrap:
            raise SystemExit(f"the broker did not start: {broker.output()}")
        log(f"broker {bootstrap}; topics {', '.join(topics)}")

        phase = time.monotonic()
        produced = subprocess.run(
            [str(binary), "generate", "--bootstrap-servers", bootstrap, "--topic", "readings", "--sensors",
             str(arguments.keys), "--speed", "0", "--count", str(arguments.records)],
            capture_output=True, text=True,
        )
        report["phases_seconds"]["produce"] = time.monotonic() - phase
        marks = watermarks(bootstrap, "readings", arguments.partitions)
        held = sum(high - low for low, high in marks)
        if produced.returncode != 0 or any(low != 0 for low, _ in marks) or held != arguments.records:
            raise SystemExit(f"the broker holds {held} of {arguments.records} readings (watermarks {marks}); "
                             f"generate said: {produced.stderr.strip()}")
        report["readings_per_partition"] = [high for _, high in marks]
        log(f"produced {arguments.records:,} readings in {report['phases_seconds']['produce']:.1f} s; "
            f"per partition {report['readings_per_partition']}")

        results: dict[str, list[dict]] = {}
        if "kcat" not in skip:
            phase = time.monotonic()
            report["systems"][KCAT] = kcat_runs(bootstrap, arguments.records, runs=3)
            report["phases_seconds"]["kcat"] = time.monotonic() - phase

        phase = time.monotonic()
        report["systems"][MODULE], results[MODULE] = module_run(
            binary, work, bootstrap, "bench-pm1", "statistics-1", 1, arguments.records, arguments.partitions,
            tuple(arguments.module_set))
        report["phases_seconds"]["processing module"] = time.monotonic() - phase

        if "latency" not in skip:
            phase = time.monotonic()
            interval = arguments.latency_interval_ms / 1000
            report["latency"] = {"floor": measure_floor(bootstrap, arguments.partitions, "latency-floor", 300, interval)}
            log(f"latency floor (produce to read, no processing): p50 {report['latency']['floor']['p50_ms']:.1f} ms, "
                f"p99 {report['latency']['floor']['p99_ms']:.1f} ms")
            for suffix, overrides in LATENCY_SETTINGS:
                report["latency"][suffix] = latency_run(binary, work, bootstrap, suffix, overrides, arguments.partitions,
                                                        arguments.latency_rounds, interval)
            report["systems"][MODULE]["latency"] = report["latency"]["fetch-wait-1ms"]
            report["phases_seconds"]["latency"] = time.monotonic() - phase

        if "scaling" not in skip:
            phase = time.monotonic()
            try:
                report["systems"][MODULE_2], results[MODULE_2] = module_run(
                    binary, work, bootstrap, "bench-pm2", "statistics-2", 2, arguments.records, arguments.partitions,
                    tuple(arguments.module_set))
            except RuntimeError as error:
                report["notes"].append(str(error))
            report["phases_seconds"]["processing module x2"] = time.monotonic() - phase

        peers = [("plain", "confluent-kafka loop", "peer_plain.py", [], "bench-plain"),
                 ("quix", "Quix Streams", "peer_quix.py", [], "bench-quix"),
                 ("faust", "Faust", "peer_faust.py", [], "bench-faust")]
        for short, name, script, extra, group in peers:
            if short in skip:
                continue
            phase = time.monotonic()
            try:
                summary, windows = run_peer(name, script, extra, bootstrap, group, arguments.records, work,
                                            arguments.peer_timeout)
            except (RuntimeError, TimeoutError) as error:
                log(f"{name} failed: {error}")
                report["notes"].append(f"{name} failed: {str(error)[:2000]}")
                continue
            report["systems"][name] = summary
            results[name] = windows
            report["phases_seconds"][name] = time.monotonic() - phase

        report["correctness"] = check_results(results)
    finally:
        if broker.process.poll() is None:
            broker.stop()

    report["total_seconds"] = time.monotonic() - began
    write_results(report, arguments.results)
    if not arguments.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"work folder kept: {work}")


if __name__ == "__main__":
    main()
