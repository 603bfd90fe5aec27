"""Fixtures for tests that cross components: an embedded broker."""

from __future__ import annotations

import subprocess
from typing import Iterator

import pytest
from parity_support import DIES_WITH_TEST, processing_module


@pytest.fixture
def broker() -> Iterator[str]:
    """An embedded broker (librdkafka's mock cluster) with one-partition topics; yields its address."""
    process = subprocess.Popen(
        [*DIES_WITH_TEST, str(processing_module()), "broker", "--partitions", "1", "--topics", "readings,statistics,dead"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        address = process.stdout.readline().strip()
        assert address, "the broker printed no address"
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)
