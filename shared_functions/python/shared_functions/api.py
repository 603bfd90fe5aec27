"""The functions notebooks call: list the shared functions, apply one to a batch, run one over windows."""

from __future__ import annotations

import warnings
from typing import Any, Literal

import pandas as pd

from . import library
from .durations import Duration, Instant, epoch_milliseconds, milliseconds
from .errors import SharedFunctionsError
from .records import Records, encode

WINDOW_COLUMNS = ["window_start", "window_end", "key", "close_reason", "record_count"]


def functions() -> list[dict[str, Any]]:
    """Every registered function: ``name``, ``version``, ``description`` and ``parameters``
    (each with ``name``, ``type``, ``default``, ``allowed``, ``description``)."""
    return library.call("functions")


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
    scope: Literal["key", "global"] = "key",
    **params: Any,
) -> pd.DataFrame:
    """Cuts ``data`` into windows with the production engine and runs ``function`` on each.

    Rows are taken in order as the arrival order of one Kafka partition: a record whose windows
    all closed (stream time passed their end plus ``grace``) is late. At the end every open window
    closes (``close_reason`` ``end-of-input``). The results are those the processing module
    produces for the same records on one partition.

    Args:
        data: a DataFrame or a list of dicts.
        function: a registered function, e.g. ``"function_a"``.
        size: window size: milliseconds, a timedelta, or text such as ``"5m"``.
        hop: the advance of hopping windows; ``None`` for tumbling windows.
        grace: how long after a window's end it waits for late records.
        time: the event-time column: epoch ms, time-zone-aware datetimes, or ISO-8601 text with a zone.
        key: the key column (values become text); ``None``: one key for all records.
        scope: ``"key"``: a batch per key and window; ``"global"``: one batch per window.
        **params: the function's parameters.

    Returns:
        One row per output: ``window_start``, ``window_end`` (UTC timestamps), ``key``,
        ``close_reason``, ``record_count``, then the output's fields (a field named like one of
        those columns gets the prefix ``output_``). ``attrs`` holds ``windows`` (every closed
        window with its output count), ``late`` (row, window_start, window_end, lateness_ms),
        ``dead_letters`` (row, kind, message) and ``counts``. A warning says how many records
        were late or dead-lettered.

    Raises:
        SharedFunctionsError: unknown function or parameter, bad parameter value, bad window.
    """
    if scope not in ("key", "global"):
        raise SharedFunctionsError("invalid_request", f"scope must be 'key' or 'global', found {scope!r}", {"field": "scope"})
    window = {"size_ms": milliseconds(size, "size"), "grace_ms": milliseconds(grace, "grace")}
    if hop is not None:
        window["advance_ms"] = milliseconds(hop, "hop")
    if isinstance(data, pd.DataFrame):
        for column, role in ((time, "time"), (key, "key")):
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
    result = library.call("run_windows", request, lines)
    return _frame(result)


def _frame(result: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for window in result["windows"]:
        base = {column: window[column] for column in WINDOW_COLUMNS}
        for output in window["outputs"]:
            row = dict(base)
            for name, value in output.items():
                row[f"output_{name}" if name in base else name] = value
            rows.append(row)
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=WINDOW_COLUMNS)
    _timestamps(frame, ["window_start", "window_end"])
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
    frame.attrs.update(windows=windows, late=late, dead_letters=dead_letters, counts=result["counts"])
    counts = result["counts"]
    if counts["late"] or counts["dead_letters"]:
        warnings.warn(
            f"{counts['late']} late and {counts['dead_letters']} dead-lettered of {counts['records']} records; "
            "see .attrs['late'] and .attrs['dead_letters']",
            stacklevel=3,
        )
    return frame


def _timestamps(frame: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column].astype("int64"), unit="ms", utc=True).astype("datetime64[ms, UTC]")
