"""The functions notebooks call: list the shared functions, apply one to a batch, run one over windows."""

from __future__ import annotations

import functools
from typing import Any, Literal

import pandas as pd

from . import columns as _columns
from . import library
from .durations import Duration, Instant, epoch_milliseconds, milliseconds
from .errors import SharedFunctionsError
from .records import Records, encode
from .results import WINDOW_COLUMNS, RunDetails, frames, tables_from_json

Path = Literal["auto", "columns", "json"]
__all__ = ["WINDOW_COLUMNS", "RunDetails", "apply", "functions", "input_columns", "run_windows"]


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


def input_columns(function: str, **params: Any) -> list[dict[str, Any]]:
    """The columns ``function`` reads from a DataFrame with these parameters: ``name`` and the
    accepted ``types`` (``float64``, ``int64``, ``bool``, ``text``). Empty when the function has no
    columnar input (DataFrames then take the JSON path)."""
    return library.call("input_columns", {"function": function, "parameters": params})


def _require_columns(frame: pd.DataFrame, time: str, key: str | None, partition: str | None) -> None:
    for column, role in ((time, "time"), (key, "key"), (partition, "partition")):
        if column is not None and column not in frame.columns:
            raise SharedFunctionsError(
                "invalid_column",
                f"{role} column '{column}' is not in the DataFrame; columns: {', '.join(map(str, frame.columns))}",
                {"column": column, "role": role},
            )


def _table(frame: pd.DataFrame, function: str, params: dict[str, Any], time: str, key: str | None = None,
           partition: str | None = None) -> list[_columns.TypedColumn]:
    """The typed columns a columnar call reads from ``frame``: time, key, partition, then the
    function's inputs (each converted once, whatever roles it plays)."""
    if len(set(map(str, frame.columns))) != len(frame.columns):
        raise SharedFunctionsError("invalid_request", "the DataFrame has duplicate column names")
    typed: dict[str, _columns.TypedColumn] = {}
    _require_columns(frame, time, key, partition)
    typed[time] = _columns.time_column(time, frame[time])
    if key is not None:
        typed.setdefault(key, _columns.key_column(key, frame[key]))
    if partition is not None:
        typed.setdefault(partition, _columns.partition_column(partition, frame[partition]))
    for column in input_columns(function, **params):
        name = column["name"]
        if name not in frame.columns:
            raise SharedFunctionsError(
                "invalid_column",
                f"column '{name}' is missing: {function} reads it as its input ({' or '.join(column['types'])}); "
                f"columns: {', '.join(map(str, frame.columns))}",
                {"column": name, "role": "input", "function": function, "expected": column["types"]},
            )
        if name not in typed:
            typed[name] = _columns.numeric_column(name, frame[name], column["types"], function)
    return list(typed.values())


def _columnar(function: str, params: dict[str, Any], via: Path) -> bool:
    """Whether a DataFrame call takes the columnar path."""
    if via not in ("auto", "columns", "json"):
        raise SharedFunctionsError("invalid_request", f"via must be 'auto', 'columns' or 'json', found {via!r}", {"field": "via"})
    if via == "json":
        return False
    if input_columns(function, **params):
        return True
    if via == "columns":
        raise SharedFunctionsError(
            "columns_unsupported", f"{function}'s input has no columnar form; use via='json'", {"function": function}
        )
    return False


def apply(
    name: str,
    records: Records,
    *,
    window: tuple[Instant, Instant] | None = None,
    key: str | None = None,
    time: str = "ts",
    via: Path = "auto",
    **params: Any,
) -> list[dict[str, Any]]:
    """Runs function ``name`` on one batch and returns its outputs.

    A DataFrame's columns go to the library as typed buffers (the columnar path) when the
    function reads columns (:func:`input_columns`); a list of dicts goes as JSON lines. Both give
    the same outputs.

    Args:
        name: a registered function, e.g. ``"function_a"``.
        records: a DataFrame or a list of dicts, one per record.
        window: ``(start, end)`` of the batch's window (epoch ms or time-zone-aware datetimes);
            every record must fall inside it. Default: from the first to the last event time.
        key: the batch's key, as the module would pass it.
        time: the field holding each record's event time (epoch ms or ISO-8601 with a zone).
        via: ``"auto"`` (columns for DataFrames when the function reads columns), ``"columns"``
            or ``"json"`` (force one path).
        **params: the function's parameters (see :func:`functions`).

    Raises:
        SharedFunctionsError: unknown function or parameter, bad parameter value, a missing or
            mistyped column (``invalid_column``), or a record that does not decode
            (``context["row"]`` names it).
    """
    request: dict[str, Any] = {"function": name, "parameters": params, "time_field": time}
    if window is not None:
        start, end = window
        request["window"] = {"start_ms": epoch_milliseconds(start, "window start"), "end_ms": epoch_milliseconds(end, "window end")}
    if key is not None:
        request["key"] = str(key)
    if isinstance(records, pd.DataFrame) and _columnar(name, params, via):
        typed = _table(records, name, params, time)
        return library.call_columns("apply_columns", request, typed, len(records))["outputs"]
    lines, _ = encode(records, time)
    return library.call("apply", request, lines)["outputs"]


def _window(
    size: Duration | None,
    hop: Duration | None,
    grace: Duration,
    session_gap: Duration | None,
    max_duration: Duration | None,
    count: int | None = None,
) -> dict[str, int]:
    """The request's window: fixed (``size``, ``hop``), sessions (``session_gap``, ``max_duration``)
    or counts (``count``, ``hop`` in records), one kind only."""

    def refuse(message: str, field: str) -> SharedFunctionsError:
        return SharedFunctionsError("invalid_request", message, {"field": field})

    if count is not None:
        kinds = "windows are fixed (size, hop), sessions (session_gap, max_duration) or counts (count, hop)"
        for name, value in (("size", size), ("session_gap", session_gap), ("max_duration", max_duration)):
            if value is not None:
                raise refuse(f"{name} cannot be combined with count: {kinds}", name)
        if milliseconds(grace, "grace") != 0:
            raise refuse("count windows have no grace: a window closes with its last record", "grace")
        for name, value in (("count", count), ("hop", hop)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise refuse(f"{name} of count windows must be a whole number of records, found {value!r}", name)
        window: dict[str, int] = {"count": count}
        if hop is not None:
            window["count_advance"] = int(hop)  # type: ignore[arg-type]
        return window
    window = {"grace_ms": milliseconds(grace, "grace")}
    if session_gap is not None:
        for name, value in (("size", size), ("hop", hop)):
            if value is not None:
                raise refuse(f"{name} cannot be combined with session_gap: windows are fixed (size, hop) or sessions", name)
        window["session_gap_ms"] = milliseconds(session_gap, "session_gap")
        if max_duration is not None:
            window["max_duration_ms"] = milliseconds(max_duration, "max_duration")
        return window
    if max_duration is not None:
        raise refuse("max_duration applies to session windows only: give session_gap", "max_duration")
    if size is None:
        raise refuse("give size (fixed windows) or session_gap (session windows)", "size")
    window["size_ms"] = milliseconds(size, "size")
    if hop is not None:
        window["advance_ms"] = milliseconds(hop, "hop")
    return window


def run_windows(
    data: Records,
    function: str,
    size: Duration | None = None,
    hop: Duration | None = None,
    grace: Duration = 0,
    *,
    session_gap: Duration | None = None,
    max_duration: Duration | None = None,
    count: int | None = None,
    time: str = "ts",
    key: str | None = None,
    partition: str | None = None,
    scope: Literal["key", "global"] = "key",
    via: Path = "auto",
    **params: Any,
) -> pd.DataFrame:
    """Cuts ``data`` into windows with the production engine and runs ``function`` on each.

    Rows are taken in order as the arrival order of one Kafka partition (or of the partitions a
    ``partition`` column names): a record whose windows all closed (stream time passed their end
    plus ``grace``) is late. At the end every open window closes (``close_reason``
    ``end-of-input``). The results are those the processing module produces for the same records.

    A DataFrame takes the columnar path: the columns the function reads (:func:`input_columns`),
    the time, key and partition columns go to the library as typed buffers, and the results come
    back as typed columns, with no JSON and no Python work per row. A list of dicts (or
    ``via="json"``) takes the JSON path, which turns each row into the JSON a Kafka value would
    hold. Both give identical results.

    Args:
        data: a DataFrame or a list of dicts.
        function: a registered function, e.g. ``"function_a"``.
        size: window size: milliseconds, a timedelta (``datetime``, pandas or numpy), or text
            such as ``"5min"``, ``"5m"``, ``"30s"``, ``"250ms"``, ``"1h"``, ``"2D"``.
        hop: the advance of hopping windows; ``None`` for tumbling windows.
        grace: how long after a window's end it waits for late records.
        session_gap: session windows instead of ``size``: records whose intervals
            ``[t, t + session_gap)`` overlap are one session, reported as ``[first, last + gap)``;
            a record more than ``grace`` behind its partition's stream time is late.
        max_duration: sessions are cut at every multiple of it (epoch-aligned; default a day).
        count: count windows instead of ``size``: every ``count`` records of a key in row order
            (per partition), a new window every ``hop`` records (``hop`` a whole number of records,
            default ``count``); no record is late, no ``grace``. Bounds are the earliest and latest
            event time (plus 1 ms) of the window's records; full windows close with
            ``count-reached``, partial ones at the end of the input.
        time: the event-time column: epoch ms, time-zone-aware datetimes, or ISO-8601 text with a zone.
        key: the key column (values become text); ``None``: one key for all records.
        partition: a column of Kafka partition numbers; ``None``: all rows on partition 0.
        scope: ``"key"``: a batch per key and window; ``"global"``: one batch per window.
        via: ``"auto"``, ``"columns"`` or ``"json"`` (force one path, e.g. to compare them).
        **params: the function's parameters.

    Returns:
        One row per output: ``window_start``, ``window_end`` (UTC timestamps), ``key``,
        ``close_reason``, ``record_count``, then the output's fields in name order (a field
        named like one of those columns gets the prefix ``output_``), typed as the function
        declares them (numbers as float64, integers as int64, or Int64 when nullable).
        ``attrs["run"]`` is a :class:`RunDetails` with every window, the late records and the
        dead letters. A warning says how many records were late or dead-lettered.

    Raises:
        SharedFunctionsError: unknown function or parameter, bad parameter value, bad window,
            a missing or mistyped column (``invalid_column``, naming it).
    """
    if scope not in ("key", "global"):
        raise SharedFunctionsError("invalid_request", f"scope must be 'key' or 'global', found {scope!r}", {"field": "scope"})
    window = _window(size, hop, grace, session_gap, max_duration, count)
    request: dict[str, Any] = {"function": function, "parameters": params, "window": window, "time_field": time, "scope": scope}
    if key is not None:
        request["key_field"] = key
    if partition is not None:
        request["partition_field"] = partition
    types = _output_types(function)
    if isinstance(data, pd.DataFrame) and _columnar(function, params, via):
        typed = _table(data, function, params, time, key, partition)
        counts, tables = library.run_columns(request, typed, len(data))
        return frames(counts, tables, types)
    if isinstance(data, pd.DataFrame):
        _require_columns(data, time, key, partition)
    lines, _ = encode(data, time)
    result = library.call("run_windows", request, lines)
    return frames(result["counts"], tables_from_json(result, types), types)
