"""Notebook/production parity: one dataset through run_windows (the Python package), `replay`, and
the processing module on the embedded broker gives identical windows; `verify` agrees, and
catches a result altered on purpose."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from parity_support import DIES_WITH_TEST, processing_module

import shared_functions as sf

SENSORS = 20


def readings() -> pd.DataFrame:
    """30 minutes (90 windows of 20 s) of readings from 20 sensors every 2 s, with neighbours swapped (out of order, within grace)."""
    random = np.random.default_rng(11)
    steps = 900
    frame = pd.DataFrame(
        {
            "sensor": [f"sensor-{index % SENSORS}" for index in range(steps * SENSORS)],
            "ts": 1_700_000_000_000 + np.repeat(np.arange(steps, dtype=np.int64) * 2_000, SENSORS) + np.tile(np.arange(SENSORS), steps) * 7,
            "value": np.round(random.normal(20.0, 3.0, steps * SENSORS), 3),
        }
    )
    order = np.arange(len(frame))
    order[100:-100:97], order[101:-99:97] = order[101:-99:97].copy(), order[100:-100:97].copy()
    return frame.iloc[order].reset_index(drop=True)


def pipelines_file(directory: Path, bootstrap: str, window: str) -> Path:
    path = directory / "pipelines.yaml"
    path.write_text(
        f"""kafka: {{bootstrap.servers: "{bootstrap}"}}
group_id: parity
pipelines:
  - name: statistics
    input: readings
    output: statistics
    dead_letters: dead
    function: function_a
    window: {{{window}}}
    event_time_field: ts
    idle_timeout: 1s
    max_clock_skew: off
    commit_interval: 200ms
"""
    )
    return path


def produce(bootstrap: str, frame: pd.DataFrame) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 50, "compression.type": "lz4"})
    for row in frame.itertuples(index=False):
        value = json.dumps({"sensor": row.sensor, "ts": int(row.ts), "value": float(row.value)}, separators=(",", ":"))
        producer.produce("readings", key=row.sensor, value=value, partition=0)
        producer.poll(0)
    assert producer.flush(30) == 0


def read_results(bootstrap: str, expected: int, seconds: float = 90) -> list:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"read-{time.time()}", "enable.auto.commit": False})
    consumer.assign([TopicPartition("statistics", 0, 0)])
    messages = []
    deadline = time.monotonic() + seconds
    while len(messages) < expected and time.monotonic() < deadline:
        message = consumer.poll(0.2)
        if message is not None and message.error() is None:
            messages.append(message)
    consumer.close()
    return messages


def identity(key, start, end, count, output) -> tuple:
    """A window's result, numbers compared by value (JSON's 19 and pandas' 19.0 are the same double)."""

    def number(value):
        if isinstance(value, (bool, str)) or value is None:
            return value
        return None if np.isnan(value) else float(value)

    canonical = {name: number(value) for name, value in output.items()}
    return (key, int(start), int(end), int(count), json.dumps(canonical, sort_keys=True))


WINDOWS = {
    # 90 tumbling windows of 20 s per sensor.
    "tumbling": ("size: 20s, grace: 5s", {"size": "20s", "grace": "5s"}, 90),
    # A reading every 2 s per sensor never leaves a 5 s gap: one session per sensor, cut at every
    # minute (the 30 minutes start 20 s into one, so they touch 31).
    "sessions": ("session_gap: 5s, grace: 5s, max_duration: 1m", {"session_gap": "5s", "grace": "5s", "max_duration": "1m"}, 31),
}


@pytest.mark.parametrize("shape", list(WINDOWS))
def test_run_windows_replay_and_the_module_agree_and_verify_finds_an_altered_result(broker, tmp_path, shape):
    binary = str(processing_module())
    frame = readings()
    window_yaml, window_arguments, windows_per_sensor = WINDOWS[shape]
    config = pipelines_file(tmp_path, broker, window_yaml)

    # 1. The notebook paths: the DataFrame's columns as typed buffers, and its rows as JSON lines.
    notebook = sf.run_windows(frame, "function_a", **window_arguments, time="ts", key="sensor", via="columns")
    as_json = sf.run_windows(frame, "function_a", **window_arguments, time="ts", key="sensor", via="json")
    pd.testing.assert_frame_equal(notebook, as_json, check_exact=True)
    assert notebook.attrs["run"].counts["late"] == 0 and notebook.attrs["run"].counts["dead_letters"] == 0
    output_columns = [column for column in notebook.columns if column not in sf.api.WINDOW_COLUMNS]
    start_ms = (notebook["window_start"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta("1ms")
    end_ms = (notebook["window_end"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta("1ms")
    from_notebook = sorted(
        identity(row.key, start, end, row.record_count, {column: getattr(row, column) for column in output_columns})
        for row, start, end in zip(notebook.itertuples(index=False), start_ms, end_ms)
    )

    # 2. The module on the embedded broker.
    produce(broker, frame)
    module = subprocess.Popen([*DIES_WITH_TEST, binary, "run", "--config", str(config), "--metrics-port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        # After the input ends, the idle rule advances stream time with the wall clock: the last
        # windows close about one window length (plus grace) later.
        messages = read_results(broker, expected=len(from_notebook))
    finally:
        module.terminate()
        assert module.wait(timeout=60) == 0, module.stderr.read()[-2000:]
    from_module = sorted(
        identity(
            message.key().decode(),
            *(dict(message.headers())[name].decode() for name in ("window_start", "window_end", "record_count")),
            json.loads(message.value()),
        )
        for message in messages
    )

    # 3. Replay of the exported input topic.
    exported = tmp_path / "readings.jsonl"
    subprocess.run([binary, "export", "--bootstrap-servers", broker, "--topic", "readings", "--output", str(exported)], check=True)
    replayed = subprocess.run([binary, "replay", "--config", str(config), "--input", str(exported)], check=True, capture_output=True, text=True)
    from_replay = sorted(
        identity(line["key"], line["window_start"], line["window_end"], line["record_count"], line["output"])
        for line in map(json.loads, replayed.stdout.splitlines())
    )

    assert len(from_notebook) == windows_per_sensor * SENSORS
    assert from_module == from_notebook
    assert from_replay == from_notebook

    # 4. verify agrees with every stored result...
    verify = [binary, "verify", "--config", str(config)]
    clean = subprocess.run(verify, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"{len(from_notebook)} identical, 0 different, 0 unverifiable" in clean.stdout

    # 5. ...and names the one result altered on purpose.
    original = messages[7]
    altered = json.loads(original.value())
    altered["mean"] += 1e-9
    producer = Producer({"bootstrap.servers": broker})
    producer.produce("statistics", key=original.key(), value=json.dumps(altered), headers=original.headers(), partition=0)
    assert producer.flush(30) == 0
    caught = subprocess.run(verify, capture_output=True, text=True)
    assert caught.returncode == 1, caught.stdout + caught.stderr
    [difference] = [line for line in caught.stdout.splitlines() if line.startswith("DIFFERENT")]
    headers = dict(original.headers())
    assert f"[{headers['window_start'].decode()}, {headers['window_end'].decode()})" in difference
    assert original.key().decode() in difference
    assert "1 different" in caught.stdout
