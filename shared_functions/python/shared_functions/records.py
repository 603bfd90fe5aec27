"""Records to the library's input: one JSON object per line, exactly as a Kafka value would hold it.

Numbers keep every bit (shortest round-trip text), non-finite numbers become ``null`` (JSON has no
NaN), time-zone-aware datetimes become epoch milliseconds. The event-time column must not hold
naive datetimes: they name no instant.
"""

from __future__ import annotations

import datetime as _datetime
import json
import math
from typing import Any, Iterable, Mapping, Sequence, Union

import numpy as np
import pandas as pd

from . import library
from .errors import SharedFunctionsError

Records = Union[pd.DataFrame, Sequence[Mapping[str, Any]]]


def encode(records: Records, time: str | None) -> tuple[bytes, int]:
    """The records as JSON lines and their count."""
    if isinstance(records, pd.DataFrame):
        return _encode_frame(records, time), len(records)
    if isinstance(records, (str, bytes)) or not isinstance(records, Iterable):
        raise SharedFunctionsError(
            "invalid_request", f"records must be a pandas DataFrame or a list of dicts, found {type(records).__name__}"
        )
    rows = list(records)
    lines = []
    for row_number, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise SharedFunctionsError(
                "invalid_record", f"row {row_number}: records must be dicts, found {type(row).__name__}", {"row": row_number}
            )
        if time is not None and isinstance(row.get(time), _datetime.datetime) and row[time].tzinfo is None:
            raise _naive_time(time, row_number)
        lines.append(json.dumps(_plain(row), default=_default, allow_nan=False, separators=(",", ":")))
    return "\n".join(lines).encode(), len(rows)


def _plain(value: Any) -> Any:
    """Replaces non-finite floats by None, recursively (only where there are any)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _default(value: Any) -> Any:
    if isinstance(value, (pd.Timestamp, _datetime.datetime)):
        if value.tzinfo is None:
            return pd.Timestamp(value).isoformat()
        return pd.Timestamp(value).value // 1_000_000
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _naive_time(time: str, row: int | None = None) -> SharedFunctionsError:
    where = f"row {row}: " if row is not None else ""
    return SharedFunctionsError(
        "invalid_record",
        f"{where}the event-time column '{time}' holds datetimes without a time zone, which name no instant; "
        f"localize them first, e.g. df['{time}'] = df['{time}'].dt.tz_localize('UTC')",
        {"field": time, **({"row": row} if row is not None else {})},
    )


def _column_texts(name: str, column: pd.Series, time: str | None) -> tuple[list[str], bool]:
    """Each value of a column as JSON text, or as string contents to be quoted (second item True)."""
    dtype = column.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        values = column.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").array.asi8 // 1_000_000
        texts = list(map(str, values.tolist()))
        return [("null" if missing else text) for text, missing in zip(texts, column.isna().tolist())] if column.hasnans else texts, False
    if pd.api.types.is_datetime64_dtype(dtype):
        if name == time:
            raise _naive_time(time)
        return [json.dumps(None if pd.isna(value) else pd.Timestamp(value).isoformat()) for value in column], False
    if pd.api.types.is_bool_dtype(dtype) and column.dtype != object:
        return ["true" if value else "false" for value in column.tolist()], False
    if pd.api.types.is_integer_dtype(dtype) and not column.hasnans:
        return list(map(str, column.to_numpy(dtype=np.int64).tolist())), False
    if pd.api.types.is_float_dtype(dtype):
        # The library formats them: the shortest text that reads back to the same bits.
        return library.format_doubles(np.ascontiguousarray(column.to_numpy(dtype=np.float64, na_value=np.nan))), False
    if _plain_strings(column):
        return column.tolist(), True
    return [json.dumps(_plain(value), default=_default, allow_nan=False) if not _missing(value) else "null" for value in column.tolist()], False


def _plain_strings(column: pd.Series) -> bool:
    """True when every value is text needing no JSON escape, so quoting it is enough."""
    if column.hasnans or pd.api.types.infer_dtype(column, skipna=False) != "string":
        return False
    return not column.str.contains(r'["\\\x00-\x1f]', regex=True).any()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value is pd.NA


def _encode_frame(frame: pd.DataFrame, time: str | None) -> bytes:
    if len(frame) == 0:
        return b""
    if len(set(map(str, frame.columns))) != len(frame.columns):
        raise SharedFunctionsError("invalid_request", "the DataFrame has duplicate column names")
    columns = [_column_texts(str(name), frame[name], time) for name in frame.columns]
    # One format string per row, e.g. {"sensor":"%s","ts":%s,"value":%s}, applied to each row's texts.
    members = []
    for name, (_, quoted) in zip(frame.columns, columns):
        placeholder = '"%s"' if quoted else "%s"
        members.append(json.dumps(str(name)).replace("%", "%%") + ":" + placeholder)
    template = "{" + ",".join(members) + "}"
    return "\n".join(map(template.__mod__, zip(*(texts for texts, _ in columns)))).encode()
