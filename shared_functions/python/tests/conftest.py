"""Fixtures for the package tests."""

from __future__ import annotations

import pandas as pd
import pytest
from sample_data import readings


@pytest.fixture
def small_readings() -> pd.DataFrame:
    return readings(5_000)
