"""Durations and instants as the library takes them: integer milliseconds."""

from __future__ import annotations

import datetime as _datetime
import re
import warnings
from typing import Union

import numpy as np
import pandas as pd

from .errors import SharedFunctionsError

Duration = Union[int, str, _datetime.timedelta, pd.Timedelta, np.timedelta64]
Instant = Union[int, str, _datetime.datetime, pd.Timestamp, np.datetime64]

_UNITS = {"ms": 1, "s": 1_000, "m": 60_000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
_SIMPLE = re.compile(r"^\s*(\d+)\s*(ms|s|m|min|h|d|D)\s*$")
_NUMBER = re.compile(r"^\s*[-+]?\d*\.?\d+\s*$")

ACCEPTED = (
    "milliseconds as an int, text such as '5min', '5m', '30s', '250ms', '1h', '2D' or '1 days 02:00:00', "
    "a datetime.timedelta, a pandas Timedelta or a numpy timedelta64"
)


def milliseconds(value: Duration, name: str) -> int:
    """``value`` in whole milliseconds.

    Accepts what pandas users write: an int (ms), text that ``pandas.Timedelta`` reads ("5min",
    "5m", "30s", "250ms", "1h", "2D", "1 days 02:00:00"), a ``datetime.timedelta``, a
    ``pandas.Timedelta`` or a ``numpy.timedelta64``. Raises SharedFunctionsError (kind
    ``invalid_request``) naming the argument and listing the accepted forms otherwise.
    """
    if isinstance(value, bool):
        raise _invalid(name, value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.timedelta64):  # timedelta64 is an np.integer
        return int(value)
    if isinstance(value, str):
        simple = _SIMPLE.match(value)
        if simple:
            return int(simple.group(1)) * _UNITS[simple.group(2).lower()]
        if _NUMBER.match(value):  # a bare number names no unit (pandas would read nanoseconds)
            raise _invalid(name, value)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas deprecates some spellings; the value is still right
                delta = pd.Timedelta(value.strip())
        except (ValueError, TypeError):
            raise _invalid(name, value) from None
    elif isinstance(value, (_datetime.timedelta, pd.Timedelta, np.timedelta64)):
        delta = pd.Timedelta(value)
    else:
        raise _invalid(name, value)
    if delta is pd.NaT:
        raise _invalid(name, value)
    if delta.value % 1_000_000:
        raise SharedFunctionsError(
            "invalid_request", f"{name} must be whole milliseconds, found {value!r} ({delta})", {"field": name}
        )
    return delta.value // 1_000_000


def _invalid(name: str, value: object) -> SharedFunctionsError:
    return SharedFunctionsError(
        "invalid_request", f"{name} must be a duration: {ACCEPTED}; found {value!r}", {"field": name, "accepted": ACCEPTED}
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
