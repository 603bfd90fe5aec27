"""A small run of every benchmark, so that a change that breaks one fails the tests.

The figures of these runs mean nothing (debug builds, tiny inputs, a busy machine); what is
checked is that each benchmark runs to the end and prints its table and its goals. `make bench`,
`make bench-engine`, `make bench-kafka`, `make bench-pipeline` and `make bench-notebook` are the
real runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
MODULE = REPOSITORY / "data_processing/processing_module/.build/debug/processing-module"
ENGINE = REPOSITORY / "shared_functions/.build/debug/shared-functions"


def run(arguments: list[str], timeout: float = 600) -> str:
    finished = subprocess.run([str(argument) for argument in arguments], capture_output=True, text=True,
                              timeout=timeout, cwd=REPOSITORY)
    assert finished.returncode == 0, f"{arguments} exited with {finished.returncode}:\n{finished.stdout}\n{finished.stderr}"
    return finished.stdout


def test_engine_benchmark_prints_its_table_and_goals():
    output = run([ENGINE, "benchmark", "20000", "100"])
    assert "| hopping 5 min / 1 min | 100 |" in output
    assert output.count("memory per buffered record") == 2
    assert "goal: tumbling, 100 keys, engine alone at least 5,000,000 records/s:" in output
    assert "goal: hopping 5 min / 1 min" in output
    assert "| sessions, gap 45 s (30 readings each) | 100 |" in output
    assert "goal: sessions within 1.5 times the tumbling rate" in output
    assert "| counts of 30 readings | 100 |" in output
    assert "goal: count windows within 1.5 times the tumbling rate" in output


def test_kafka_benchmark_measures_both_directions_against_kcat():
    output = run([MODULE, "kafka-benchmark", "--messages", "20000", "--partitions", "2"])
    assert "| this Kafka layer | consume |" in output and "| kcat -X queued.min.messages=1000000 | consume |" in output
    assert "consume ratio to kcat:" in output


def test_pipeline_benchmark_closes_every_window():
    output = run([MODULE, "pipeline-benchmark", "--records", "20000", "--partitions", "2"])
    assert "windows closed 100, results 100, dead letters 0" in output
    assert "ratio to kcat:" in output


def test_notebook_benchmark_agrees_with_pandas():
    output = run([sys.executable, REPOSITORY / "shared_functions/python/benchmarks/run_windows_benchmark.py",
                  "--records", "20000"])
    assert "20,000 readings" in output


def test_comparison_harness_runs_the_module_and_kcat_end_to_end(tmp_path):
    """compare.py as `make bench` runs it, without the Python peers: 20,000 readings, the module
    against kcat, a few latency rounds; every window cross-checked, the goals printed."""
    output = run([sys.executable, REPOSITORY / "benchmarks/compare.py", "--records", "20000",
                  "--skip", "plain,quix,faust,scaling", "--latency-rounds", "5", "--binary", MODULE,
                  "--results", tmp_path], timeout=900)
    report = json.loads((tmp_path / "latest.json").read_text())
    module = report["systems"]["processing module"]
    assert module["records"] >= 20000 and module["records_per_s"] > 0
    assert module["results_read"] == 600, module
    assert report["correctness"]["windows_compared"] == 600
    assert all(check["agrees"] for check in report["correctness"]["systems"].values())
    for setting in ("defaults", "fetch-wait-1ms"):
        assert report["latency"][setting]["samples"] == 30 and report["latency"][setting]["missing"] == 0
    assert "| records/s at least 0.7 of kcat's |" in output
    assert "| window-close latency p99 under 50 ms, default configuration |" in output
    assert (tmp_path / "throughput.png").stat().st_size > 0
