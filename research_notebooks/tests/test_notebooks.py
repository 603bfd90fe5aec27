"""The research notebooks, executed headless, and the state they are committed in.

Each notebook runs in a fresh `python3` kernel of this interpreter's environment, with
`research_notebooks/` as its working folder and no network: a first cell (added here, never
saved) refuses any socket connection to a non-loopback address, and the data-source variables
are cleared so the notebooks use their generated data. Any cell error fails the test. The
notebooks are executed in memory; nothing is written back.

    .venv/bin/python -m pytest research_notebooks/tests -v

The parity checks need the processing module built (`data_processing/processing_module/.build/`,
or `$PROCESSING_MODULE_BIN`); the `shared_functions` package must be installed in the environment.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient

FOLDER = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["research_notebook_a.ipynb", "research_notebook_b.ipynb"]
CELL_TIMEOUT_S = 600
SOURCE_VARIABLES = ["READINGS_CSV", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC"]

sys.path.insert(0, str(FOLDER))
import production_replay  # noqa: E402

GUARD = f"""\
# Added by tests/test_notebooks.py, never saved: the kernel must be this environment's, and
# connections may only go to loopback addresses.
import socket as _socket
import sys as _sys

assert _sys.prefix == {sys.prefix!r}, f"kernel runs {{_sys.executable}}, not the test environment's Python"
_connect, _connect_ex = _socket.socket.connect, _socket.socket.connect_ex


def _check(sock, address):
    if sock.family in (_socket.AF_INET, _socket.AF_INET6) and address[0] not in ("127.0.0.1", "::1", "localhost"):
        raise OSError(f"no network in the notebook tests: connection to {{address}} refused")


def _guarded_connect(self, address):
    _check(self, address)
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


_getaddrinfo = _socket.getaddrinfo


def _guarded_getaddrinfo(host, *arguments, **options):
    if host not in (None, "localhost", "127.0.0.1", "::1", b"localhost", b"127.0.0.1"):
        raise _socket.gaierror(f"no network in the notebook tests: lookup of {{host!r}} refused")
    return _getaddrinfo(host, *arguments, **options)


_socket.socket.connect, _socket.socket.connect_ex = _guarded_connect, _guarded_connect_ex
_socket.getaddrinfo = _guarded_getaddrinfo
"""


def execute(name: str) -> tuple[str, float]:
    """Runs notebook `name` and returns everything its cells printed or displayed as text, and the
    seconds it took. Raises nbclient's CellExecutionError (with the cell and traceback) on any error."""
    notebook = nbformat.read(FOLDER / name, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(GUARD))
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}})
    started = time.monotonic()
    client.execute()
    elapsed = time.monotonic() - started
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output["text"])
            elif "text/plain" in output.get("data", {}):
                texts.append(output["data"]["text/plain"])
    print(f"{name}: {elapsed:.1f} s")
    return "\n".join(texts), elapsed


@pytest.fixture
def offline(monkeypatch):
    """No data-source variables: the notebooks generate their data."""
    for variable in SOURCE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def identical_windows(text: str) -> int:
    found = re.search(r"identical: (\d+) windows", text)
    assert found, "notebook A printed no 'identical: N windows'"
    return int(found.group(1))


def test_notebook_a_generated_data_matches_replay(offline):
    text, _ = execute("research_notebook_a.ipynb")
    assert "from the generator" in text
    assert identical_windows(text) > 0


def test_notebook_a_reads_a_csv_file(offline, tmp_path):
    rng = np.random.default_rng(3)
    times = pd.Timestamp("2024-03-01T00:00:00Z") + pd.to_timedelta(np.arange(0, 3_600_000, 20_000), unit="ms")
    frame = pd.concat(
        pd.DataFrame({"sensor": f"s-{number}", "ts": times.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                      "value": (20 + number + rng.normal(0, 0.5, len(times))).round(3)})
        for number in range(3)
    ).sort_values("ts", kind="stable")
    path = tmp_path / "readings.csv"
    frame.to_csv(path, index=False)
    offline.setenv("READINGS_CSV", str(path))
    text, _ = execute("research_notebook_a.ipynb")
    assert "from the CSV file readings.csv" in text
    assert identical_windows(text) == 3 * 12  # three sensors, twelve 5-minute windows


def test_notebook_a_reads_a_kafka_topic_on_the_embedded_broker(offline):
    """The Kafka source on loopback: `processing-module broker` and `generate` (3 partitions)."""
    binary = production_replay.find_processing_module()
    # setpriv: the broker gets SIGKILL if the test process ends first, however it ends.
    broker = subprocess.Popen(["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", str(binary), "broker", "--partitions", "3", "--topics", "readings"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        servers = broker.stdout.readline().strip()
        assert re.fullmatch(r"127\.0\.0\.1:\d+", servers), f"the broker printed {servers!r}"
        subprocess.run([str(binary), "generate", "--bootstrap-servers", servers, "--topic", "readings",
                        "--speed", "0", "--count", "4000"], check=True, capture_output=True, timeout=60)
        offline.setenv("KAFKA_BOOTSTRAP_SERVERS", servers)
        text, _ = execute("research_notebook_a.ipynb")
    finally:
        broker.terminate()
        broker.wait(timeout=10)
    assert "4,000 readings of 8 sensors on 3 partition(s) from the Kafka topic readings" in text
    assert identical_windows(text) > 0


def test_notebook_b_runs(offline):
    text, _ = execute("research_notebook_b.ipynb")
    assert "replay with this configuration flags the same" in text
    assert "function: function_b" in text and "parameters: {threshold: " in text
    assert re.search(r"1h windows, .*: \d of 4 labelled anomaly windows flagged, \d+ of \d+ unlabelled", text)
    assert re.search(r"1d windows, .*: \d of 4 labelled anomaly windows flagged, \d+ of \d+ unlabelled", text)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_is_clean(name):
    """No outputs, no execution counts, no machine paths; valid nbformat with the python3 kernel."""
    path = FOLDER / name
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {number} has outputs"
            assert cell.execution_count is None, f"cell {number} has an execution count"
    text = path.read_text()
    for machine_path in ("/work/", "/home/", "/Users/", "/tmp/", "/root/", "C:\\\\"):
        assert machine_path not in text, f"{name} mentions {machine_path}"


def test_nab_data_carries_its_licence_and_labels():
    nab = FOLDER / "data" / "nab"
    assert "Copyright 2014-2024 Numenta Inc." in (nab / "LICENSE.txt").read_text()
    readme = (nab / "README.md").read_text()
    assert "MIT" in readme and "doi:10.1016/j.neucom.2017.04.070" in readme
    series = pd.read_csv(nab / "machine_temperature_system_failure.csv")
    assert list(series.columns) == ["timestamp", "value"] and len(series) == 22_695
    labels = json.loads((nab / "combined_windows.json").read_text())
    assert list(labels) == ["realKnownCause/machine_temperature_system_failure.csv"]
    assert len(labels["realKnownCause/machine_temperature_system_failure.csv"]) == 4


def _results() -> pd.DataFrame:
    return pd.DataFrame({
        "window_start": pd.to_datetime([0, 0, 300_000], unit="ms", utc=True),
        "window_end": pd.to_datetime([300_000, 300_000, 600_000], unit="ms", utc=True),
        "key": ["a", "b", "a"],
        "close_reason": ["stream-time", "stream-time", "end-of-input"],
        "record_count": [3, 2, 1],
        "mean": [1.5, 0.1 + 0.2, 7.0],
        "stddev": [0.5, 0.25, None],
    })


def test_compare_finds_no_difference_in_equal_tables():
    notebook, production = _results(), _results().iloc[::-1]  # row order does not matter
    production = production.assign(window_start=(production["window_start"] - pd.Timestamp(0, tz="UTC"))
                                   // pd.Timedelta(milliseconds=1))  # epoch ms equals the timestamp
    assert production_replay.compare(notebook, production, on=["window_start", "window_end", "key"]).empty


def test_compare_reports_an_altered_value_a_missing_row_and_a_null():
    production = _results()
    production.loc[1, "mean"] = 0.3  # 0.1 + 0.2 is not 0.3: no tolerance
    production.loc[0, "stddev"] = None
    production.loc[2, "close_reason"] = "stream-time"
    production = pd.concat([production, _results().assign(key="c").iloc[:1]], ignore_index=True)
    differences = production_replay.compare(_results(), production, on=["window_start", "window_end", "key"])
    assert sorted(differences["column"]) == ["(row)", "close_reason", "mean", "stddev"]
    altered = differences[differences["column"] == "mean"].iloc[0]
    assert altered["key"] == "b" and altered["notebook"] == 0.1 + 0.2 and altered["production"] == 0.3


def test_pipeline_yaml_has_the_pipelines_file_shape():
    text = production_replay.pipelines_file([{
        "name": "anomalies", "input": "readings", "output": "anomalies", "function": "function_b",
        "parameters": {"threshold": np.float64(4.0), "min_records": np.int64(8)},
        "window": {"size": "5m", "grace": "10s"}, "event_time_field": "ts",
    }])
    assert text == (
        "kafka:\n  bootstrap.servers: localhost:9092\ngroup_id: processing-module\npipelines:\n"
        "  - name: anomalies\n    input: readings\n    output: anomalies\n    function: function_b\n"
        "    parameters: {threshold: 4.0, min_records: 8}\n    window: {size: 5m, grace: 10s}\n"
        "    event_time_field: ts\n")
