"""Support for tests that cross components: where the processing-module binary is."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


# Long-lived children get SIGKILL when the test process ends, however it ends (util-linux's setpriv
# sets the parent-death signal and execs the command), so no broker or module outlives a test.
DIES_WITH_TEST = ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"]


def processing_module() -> Path:
    """The processing-module executable: $PROCESSING_MODULE_BIN, else the debug build `make test` makes."""
    configured = os.environ.get("PROCESSING_MODULE_BIN")
    path = Path(configured) if configured else REPOSITORY / "data_processing/processing_module/.build/debug/processing-module"
    if not path.exists():
        pytest.fail(f"{path} is missing: build it with `make test-module` (or set PROCESSING_MODULE_BIN)")
    return path
