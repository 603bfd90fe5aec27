"""The functions notebooks call: list the shared functions, apply one to a batch, run one over windows."""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from . import library
from .durations import Duration, Instant, epoch_milliseconds, milliseconds
from .errors import SharedFunctionsError
from .records import Records, encode

WINDOW_COLUMNS = ["window_start", "window_end", "key", "close_reason", "record_count"]


@dataclass(frozen=True, eq=False)
class RunDetails:
    """What a :func:`run_windows` call did besides its results, kept in ``result.attrs["run"]``.

    Attributes:
        windows: every closed window (window_start, window_end, key, close_reason, record_count,
            outputs, error), including those with no output.
        late: records whose windows had all closed (row, window_start, window_end, lateness_ms).
        dead_letters: records the module would dead-letter (row, kind, message).
        counts: records, buffered, late, dead_letters, windows, outputs.
    """

    windows: pd.DataFrame
    late: pd.DataFrame
    dead_letters: pd.DataFrame
    counts: dict[str, int]


def functions() -> list[dict[str, Any]]:
    """Every registered function: ``name``, ``version``, ``description`` and ``parameters``
    (each with ``name``, ``type``, ``default``, ``allowed``, ``description``)."""
    return [dict(function) for function in _functions()]


@functools.lru_cache(maxsize=1)
def _functions() -> tuple[dict[str, Any], ...]:
    return tuple(library.call("functions"))


def _output_types(function: str) -> dict[str, tuple[str, bool]]:
    """Each declared output field's JSON type and nullability."""
    for description in _functions():
        if description["name"] == function:
            return {field["name"]: (field["type"], field["nullable"]) for field in description.get("outputs", [])}
    return {}


def apply(
    name: str,
    records: Records,
    *,
    window: tuple[Instant, Instant] | None = None,
    key: str | None = None,
    time: str = "ts",
    **params: Any,
) -> list[dict[str, Any]]:
    """Runs function ``name`` on one batch and returns its outputs.

    Args:
        name: a registered function, e.g. ``"function_a"``.
        records: a DataFrame or a list of dicts, one per record.
        window: ``(start, end)`` of the batch's window (epoch ms or time-zone-aware datetimes);
            every record must fall inside it. Default: from the first to the last event time.
        key: the batch's key, as the module would pass it.
        time: the field holding each record's event time (epoch ms or ISO-8601 with a zone).
        **params: the function's parameters (see :func:`functions`).

    Raises:
        SharedFunctionsError: unknown function or parameter, bad parameter value, or a record
            that does not decode (``context["row"]`` names it).
    """
    lines, _ = encode(records, time)
    request: dict[str, Any] = {"function": name, "parameters": params, "time_field": time}
    if window is not None:
        start, end = window
        request["window"] = {"start_ms": epoch_milliseconds(start, "window start"), "end_ms": epoch_milliseconds(end, "window end")}
    if key is not None:
        request["key"] = str(key)
    return library.call("apply", request, lines)["outputs"]


def run_windows(
    data: Records,
    function: str,
    size: Duration,
    hop: Duration | None = None,
    grace: Duration = 0,
    *,
    time: str = "ts",
    key: str | None = None,
    partition: str | None = None,
    scope: Literal["key", "global"] = "key",
    **params: Any,
) -> pd.DataFrame:
    """Cuts ``data`` into windows with the production engine and runs ``function`` on each.

    Rows are taken in order as the arrival order of one Kafka partition (or of the partitions a
    ``partition`` column names): a record whose windows all closed (stream time passed their end
    plus ``grace``) is late. At the end every open window closes (``close_reason``
    ``end-of-input``). The results are those the processing module produces for the same records.

    Args:
        data: a DataFrame or a list of dicts.
        function: a registered function, e.g. ``"function_a"``.
        size: window size: milliseconds, a timedelta, or text such as ``"5m"``.
        hop: the advance of hopping windows; ``None`` for tumbling windows.
        grace: how long after a window's end it waits for late records.
        time: the event-time column: epoch ms, time-zone-aware datetimes, or ISO-8601 text with a zone.
        key: the key column (values become text); ``None``: one key for all records.
        partition: a column of Kafka partition numbers; ``None``: all rows on partition 0.
        scope: ``"key"``: a batch per key and window; ``"global"``: one batch per window.
        **params: the function's parameters.

    Returns:
        One row per output: ``window_start``, ``window_end`` (UTC timestamps), ``key``,
        ``close_reason``, ``record_count``, then the output's fields (a field named like one of
        those columns gets the prefix ``output_``), typed as the function declares them (numbers
        as float64, integers as int64, or Int64 when nullable). ``attrs["run"]`` is a
        :class:`RunDetails` with every window, the late records and the dead letters. A warning
        says how many records were late or dead-lettered.

    Raises:
        SharedFunctionsError: unknown function or parameter, bad parameter value, bad window.
    """
    if scope not in ("key", "global"):
        raise SharedFunctionsError("invalid_request", f"scope must be 'key' or 'global', found {scope!r}", {"field": "scope"})
    window = {"size_ms": milliseconds(size, "size"), "grace_ms": milliseconds(grace, "grace")}
    if hop is not None:
        window["advance_ms"] = milliseconds(hop, "hop")
    if isinstance(data, pd.DataFrame):
        for column, role in ((time, "time"), (key, "key"), (partition, "partition")):
            if column is not None and column not in data.columns:
                raise SharedFunctionsError(
                    "invalid_request",
                    f"{role} column '{column}' is not in the DataFrame; columns: {', '.join(map(str, data.columns))}",
                    {"field": role},
                )
    lines, _ = encode(data, time)
    request: dict[str, Any] = {"function": function, "parameters": params, "window": window, "time_field": time, "scope": scope}
    if key is not None:
        request["key_field"] = key
    if partition is not None:
        request["partition_field"] = partition
    result = library.call("run_windows", request, lines)
    return _frame(result, _output_types(function))


def _frame(result: dict[str, Any], types: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    rows = []
    for window in result["windows"]:
        base = {column: window[column] for column in WINDOW_COLUMNS}
        for output in window["outputs"]:
            row = dict(base)
            for name, value in output.items():
                row[f"output_{name}" if name in base else name] = value
            rows.append(row)
    output_columns = [f"output_{name}" if name in WINDOW_COLUMNS else name for name in types]
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=WINDOW_COLUMNS + output_columns)
    _timestamps(frame, ["window_start", "window_end"])
    frame["record_count"] = frame["record_count"].astype("int64")
    for name, (kind, nullable) in types.items():
        column = f"output_{name}" if name in WINDOW_COLUMNS else name
        if column in frame and kind == "number":
            frame[column] = frame[column].astype("float64")
        elif column in frame and kind == "integer":
            frame[column] = frame[column].astype("Int64" if nullable or frame[column].isna().any() else "int64")
    windows = pd.DataFrame(
        [
            {**{column: window[column] for column in WINDOW_COLUMNS}, "outputs": len(window["outputs"]), "error": window.get("error")}
            for window in result["windows"]
        ],
        columns=WINDOW_COLUMNS + ["outputs", "error"],
    )
    _timestamps(windows, ["window_start", "window_end"])
    late = pd.DataFrame(result["late"], columns=["row", "window_start", "window_end", "lateness_ms"])
    _timestamps(late, ["window_start", "window_end"])
    dead_letters = pd.DataFrame(result["dead_letters"], columns=["row", "kind", "message"])
    frame.attrs["run"] = RunDetails(windows=windows, late=late, dead_letters=dead_letters, counts=result["counts"])
    counts = result["counts"]
    if counts["late"] or counts["dead_letters"]:
        warnings.warn(
            f"{counts['late']} late and {counts['dead_letters']} dead-lettered of {counts['records']} records; "
            "see .attrs['run'].late and .attrs['run'].dead_letters",
            stacklevel=3,
        )
    return frame


def _timestamps(frame: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column].astype("int64"), unit="ms", utc=True).astype("datetime64[ms, UTC]")
