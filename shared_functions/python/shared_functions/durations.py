"""Durations and instants as the library takes them: integer milliseconds."""

from __future__ import annotations

import datetime as _datetime
import re
from typing import Union

import numpy as np
import pandas as pd

from .errors import SharedFunctionsError

Duration = Union[int, str, _datetime.timedelta, pd.Timedelta, np.timedelta64]
Instant = Union[int, str, _datetime.datetime, pd.Timestamp, np.datetime64]

_UNITS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_PATTERN = re.compile(r"^\s*(\d+)\s*(ms|s|m|h|d)\s*$")


def milliseconds(value: Duration, name: str) -> int:
    """``value`` in whole milliseconds: an int (ms), a timedelta, or text like ``"5m"``, ``"250ms"``.

    Raises SharedFunctionsError (kind ``invalid_request``) naming the argument otherwise.
    """
    if isinstance(value, bool):
        raise SharedFunctionsError("invalid_request", f"{name} must be a duration, found {value!r}", {"field": name})
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, str):
        match = _PATTERN.match(value)
        if not match:
            raise SharedFunctionsError(
                "invalid_request",
                f"{name} must be a duration like '5m', '10s', '250ms', '1h' or '1d', found {value!r}",
                {"field": name},
            )
        return int(match.group(1)) * _UNITS[match.group(2)]
    if isinstance(value, (_datetime.timedelta, pd.Timedelta, np.timedelta64)):
        nanoseconds = pd.Timedelta(value).value
        if nanoseconds % 1_000_000:
            raise SharedFunctionsError(
                "invalid_request", f"{name} must be whole milliseconds, found {value!r}", {"field": name}
            )
        return nanoseconds // 1_000_000
    raise SharedFunctionsError(
        "invalid_request", f"{name} must be milliseconds, a timedelta or text like '5m', found {value!r}", {"field": name}
    )


def epoch_milliseconds(value: Instant, name: str) -> int:
    """``value`` as milliseconds since the Unix epoch; datetimes must carry a time zone."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    try:
        timestamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise SharedFunctionsError(
            "invalid_request", f"{name} must be epoch milliseconds or a time-zone-aware datetime, found {value!r}",
            {"field": name},
        ) from None
    if timestamp.tzinfo is None:
        raise SharedFunctionsError(
            "invalid_request",
            f"{name} {value!r} has no time zone, so it names no instant; localize it (e.g. tz='UTC')",
            {"field": name},
        )
    return timestamp.value // 1_000_000
