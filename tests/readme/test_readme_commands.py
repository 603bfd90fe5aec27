"""The README's own commands, run as a user runs them: `make notebooks` and `make demo`.

`make notebooks` must come up on loopback with a token (answering /api/status with it, 403
without) and stop cleanly on SIGTERM; `make demo` must end by itself, naming each pipeline's
function and showing closed windows of both. Both run from the repository root, as root on CI.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
# The make process and all it starts get SIGKILL if the test process ends first (setpriv sets the
# parent-death signal of make; make's own children are ended with its process group below).
DIES_WITH_TEST = ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def listening_addresses(port: int) -> list[str]:
    """The local addresses of the TCP sockets listening on `port` (from /proc/net/tcp and tcp6)."""
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, port_hex = local.split(":")
                if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                    addresses.append(address)
    return addresses


def process_group(group: int) -> list[int]:
    """The live (not zombie) processes whose process group is `group`."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry))
    return members


def test_make_notebooks_serves_on_loopback_with_a_token_and_stops_cleanly():
    port = free_port()
    environment = {**os.environ, "JUPYTER_PORT": str(port)}
    environment.pop("JUPYTER_TOKEN", None)  # the token is generated and printed
    environment.pop("JUPYTER_IP", None)
    make = subprocess.Popen([*DIES_WITH_TEST, "make", "notebooks"], cwd=REPOSITORY, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(make.stdout), daemon=True)
    reader.start()
    try:
        token = None
        deadline = time.monotonic() + 900  # the first run builds the release binaries and installs JupyterLab
        while time.monotonic() < deadline and make.poll() is None:
            found = re.search(rf"Jupyter Lab: http://127\.0\.0\.1:{port}/lab\?token=([0-9a-f]+)", "".join(output))
            if found and status(f"http://127.0.0.1:{port}/api/status?token={found.group(1)}") == 200:
                token = found.group(1)
                break
            time.sleep(0.5)
        assert token, f"make notebooks did not come up with a token:\n{''.join(output)[-3000:]}"
        assert len(token) >= 32
        assert status(f"http://127.0.0.1:{port}/api/status") == 403, "no token, no access"
        assert status(f"http://127.0.0.1:{port}/api/status?token=wrong{token}") == 403
        assert listening_addresses(port) == ["0100007F"], f"only 127.0.0.1 listens: {listening_addresses(port)}"
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=60)
        reader.join(timeout=10)
    text = "".join(output)
    assert "Shutting down" in text, text[-3000:]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and status(f"http://127.0.0.1:{port}/api") != 0:
        time.sleep(0.2)
    assert status(f"http://127.0.0.1:{port}/api") == 0, "the server is gone"
    assert process_group(make.pid) == [], "no process of make's group is left"


def test_make_demo_ends_by_itself_naming_both_functions():
    completed = subprocess.run([*DIES_WITH_TEST, "make", "demo"], cwd=REPOSITORY, capture_output=True, text=True,
                               timeout=900)
    assert completed.returncode == 0, completed.stderr[-3000:]
    text = completed.stdout
    assert re.search(r"^pipeline statistics: function_a \d+\.\d+\.\d+, windowed statistics", text, re.MULTILINE), text
    assert re.search(r"^pipeline anomalies: function_b \d+\.\d+\.\d+, anomalous records", text, re.MULTILINE), text
    assert "── window 00:00–00:05 closed (stream-time) ──" in text
    assert re.search(r"^  sensor-\d  count 30  mean", text, re.MULTILINE), "statistics of function_a"
    assert re.search(r"^  ANOMALY sensor-\d in ", text, re.MULTILINE), "anomalies of function_b"
    assert re.search(r"^demo finished: 5 windows, \d+ statistics, \d+ anomalies", text, re.MULTILINE), text
