"""DataFrame columns to the library's typed buffers (``sf_column``) and result tables back to
DataFrames: the columnar path of :func:`run_windows` and :func:`apply`, with no JSON per row.

Each column becomes what the JSON path would have written for it, read the way the engine reads
that text, so both paths give the same windows, outputs, late records and dead letters:

- numbers: float64 (NaN and infinities are ``null``) or int64 (nullable integers keep a mask);
- event time: int64 epoch ms, float64, time-zone-aware datetimes (as epoch ms), or ISO-8601 text;
- key: any values, as the text a JSON key field gives (strings as they are, integers and
  booleans as JSON spells them, floats as their shortest round-trip text), dictionary-encoded;
- partition: integers.
"""

from __future__ import annotations

import ctypes
import datetime as _datetime
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import library
from .errors import SharedFunctionsError

FLOAT64, INT64, BOOL, TEXT = 1, 2, 3, 4
TYPE_CODES = {"float64": FLOAT64, "int64": INT64, "bool": BOOL, "text": TEXT}
TYPE_NAMES = {code: name for name, code in TYPE_CODES.items()}


class Column(ctypes.Structure):
    """``sf_column``: 64 bytes of 8-byte fields (see ``c/shared_functions.h``)."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("type", ctypes.c_int64),
        ("length", ctypes.c_int64),
        ("values", ctypes.c_void_p),
        ("validity", ctypes.c_void_p),
        ("dictionary_count", ctypes.c_int64),
        ("dictionary_offsets", ctypes.c_void_p),
        ("dictionary_data", ctypes.c_void_p),
    ]


class TypedColumn:
    """One column as typed buffers; keeps the numpy arrays alive while the library reads them."""

    def __init__(self, name: str, kind: int, values: np.ndarray, missing: np.ndarray | None = None,
                 dictionary: Sequence[str] | None = None):
        self.name = name
        self.kind = kind
        self.values = np.ascontiguousarray(values)
        self.validity = None if missing is None or not missing.any() else np.ascontiguousarray(~missing, dtype=np.uint8)
        self.offsets = np.zeros(1, dtype=np.int64)
        self.data = np.zeros(1, dtype=np.uint8)
        if dictionary is not None:
            encoded = [text.encode("utf-8", "surrogatepass") for text in dictionary]
            self.offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
            np.cumsum([len(item) for item in encoded], out=self.offsets[1:])
            self.data = np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8).copy()
        self.dictionary_count = 0 if dictionary is None else len(dictionary)
        self.encoded_name = name.encode()

    def describe(self) -> Column:
        return Column(
            self.encoded_name, self.kind, len(self.values), self.values.ctypes.data,
            None if self.validity is None else self.validity.ctypes.data,
            self.dictionary_count, self.offsets.ctypes.data, self.data.ctypes.data,
        )


def _error(column: str, message: str, **context: Any) -> SharedFunctionsError:
    return SharedFunctionsError("invalid_column", f"column '{column}' {message}", {"column": column, **context})


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")


def _text_column(name: str, series: pd.Series) -> TypedColumn:
    """Strings (missing values allowed), dictionary-encoded."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return TypedColumn(name, TEXT, codes.astype(np.int32), None, [str(value) for value in uniques])


def numeric_column(name: str, series: pd.Series, accepted: Sequence[str], function: str) -> TypedColumn:
    """An input column of one of the ``accepted`` types (``float64``, ``int64``, ``bool``, ``text``)."""
    dtype = series.dtype
    found: tuple[int, np.ndarray, np.ndarray | None] | None = None
    if pd.api.types.is_bool_dtype(dtype) and not pd.api.types.is_object_dtype(dtype) and "bool" in accepted:
        missing = series.isna().to_numpy()
        found = (BOOL, series.fillna(False).to_numpy(dtype=np.uint8), missing)
    elif pd.api.types.is_integer_dtype(dtype) and "int64" in accepted:
        missing = series.isna().to_numpy() if series.hasnans else None
        found = (INT64, series.to_numpy(dtype=np.int64, na_value=0), missing)
    elif pd.api.types.is_float_dtype(dtype) and "float64" in accepted:
        found = (FLOAT64, series.to_numpy(dtype=np.float64, na_value=np.nan), None)
    elif pd.api.types.is_integer_dtype(dtype) and "float64" in accepted:
        found = (FLOAT64, series.to_numpy(dtype=np.float64, na_value=np.nan), None)
    elif "text" in accepted and _is_text(series):
        return _text_column(name, series)
    if found is None:
        raise _error(
            name,
            f"holds {dtype} values, but {function} reads it as {' or '.join(accepted)}; convert it "
            f"(e.g. pd.to_numeric(df['{name}'], errors='coerce')) or pass df.to_dict('records') to take the "
            "JSON path, which dead-letters each bad row",
            role="input", function=function, expected=list(accepted),
        )
    kind, values, missing = found
    return TypedColumn(name, kind, values, missing)


def time_column(name: str, series: pd.Series) -> TypedColumn:
    """The event-time column: int64 ms, float64 ms, aware datetimes (as ms) or ISO-8601 text."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        missing = series.isna().to_numpy()
        nanoseconds = series.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").array.asi8
        return TypedColumn(name, INT64, np.where(missing, 0, nanoseconds // 1_000_000), missing)
    if pd.api.types.is_datetime64_dtype(dtype):
        from .records import _naive_time
        raise _naive_time(name)
    if pd.api.types.is_bool_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        raise _error(name, "holds booleans; the event time must be epoch milliseconds, aware datetimes or ISO-8601 text", role="time")
    if pd.api.types.is_integer_dtype(dtype):
        missing = series.isna().to_numpy() if series.hasnans else None
        return TypedColumn(name, INT64, series.to_numpy(dtype=np.int64, na_value=0), missing)
    if pd.api.types.is_float_dtype(dtype):
        return TypedColumn(name, FLOAT64, series.to_numpy(dtype=np.float64, na_value=np.nan))
    if _is_text(series):
        return _text_column(name, series)
    kinds = pd.api.types.infer_dtype(series, skipna=True)
    if kinds == "datetime":
        values = list(series)
        if any(isinstance(value, _datetime.datetime) and value.tzinfo is None for value in values):
            from .records import _naive_time
            raise _naive_time(name)
        return time_column(name, pd.Series(pd.to_datetime(values, utc=True), index=series.index))
    raise _error(
        name, f"holds {kinds} values; the event time must be epoch milliseconds, aware datetimes or ISO-8601 text", role="time"
    )


def key_column(name: str, series: pd.Series) -> TypedColumn:
    """The key column as the text a JSON key field would give, dictionary-encoded (one
    conversion per distinct value)."""
    if isinstance(series.dtype, pd.CategoricalDtype):  # already encoded: reuse its codes
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    elif pd.api.types.is_string_dtype(series.dtype):  # hashing the object array is faster than the StringArray
        codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = list(np.asarray(uniques, dtype=object))
    floats = [index for index, value in enumerate(values) if isinstance(value, (float, np.floating)) and not isinstance(value, bool)]
    # Floats as the JSON path writes them: shortest round-trip text, infinities as null (no key).
    texts_of_floats = library.format_doubles(np.array([values[i] for i in floats], dtype=np.float64)) if floats else []
    formatted = {index: (None if text == "null" else text) for index, text in zip(floats, texts_of_floats)}
    texts = [formatted[index] if index in formatted else _key_text(value) for index, value in enumerate(values)]
    # The dictionary holds the texts; a value with no text (None, NaN, infinities, objects) is the absent key.
    mapping = np.full(len(texts) + 1, -1, dtype=np.int32)
    kept: list[str] = []
    for index, text in enumerate(texts):
        if text is not None:
            mapping[index] = len(kept)
            kept.append(text)
    return TypedColumn(name, TEXT, mapping[codes], None, kept)


def _key_text(value: Any) -> str | None:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, str):
        return value
    if isinstance(value, (pd.Timestamp, _datetime.datetime)):
        return str(pd.Timestamp(value).value // 1_000_000) if value.tzinfo is not None else pd.Timestamp(value).isoformat()
    if value is None or (isinstance(value, float) and math.isnan(value)) or isinstance(value, (dict, list, tuple)):
        return None
    raise _error("key", f"holds a {type(value).__name__} value, which has no JSON text", role="key")


def partition_column(name: str, series: pd.Series) -> TypedColumn:
    if not pd.api.types.is_integer_dtype(series.dtype):
        raise _error(name, f"holds {series.dtype} values; partitions must be integers from 0", role="partition")
    missing = series.isna().to_numpy() if series.hasnans else None
    return TypedColumn(name, INT64, series.to_numpy(dtype=np.int64, na_value=-1), missing)


def describe(columns: Sequence[TypedColumn]) -> ctypes.Array:
    return (Column * len(columns))(*(column.describe() for column in columns))


def result_tables(result: int) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The counts and the tables of an ``sf_result``: each table a dict of column name to numpy
    array (text as object arrays of str/None), built with vectorised copies only."""
    import json

    lib = library.load()
    document = json.loads(ctypes.string_at(lib.sf_result_document(result)))
    if "error" in document:
        raise SharedFunctionsError.from_envelope(document["error"])
    tables: dict[str, dict[str, Any]] = {}
    for table_name, table in document["ok"]["tables"].items():
        columns: dict[str, Any] = {}
        for index, described in enumerate(table["columns"]):
            column = Column()
            if lib.sf_result_column(result, table_name.encode(), index, ctypes.byref(column)) != 0:
                raise SharedFunctionsError("library_unavailable", f"sf_result_column found no column {index} in {table_name}")
            columns[described["name"]] = _array(column, table["rows"])
        tables[table_name] = columns
    return document["ok"]["counts"], tables


def _buffer(address: int, count: int, dtype) -> np.ndarray:
    if count == 0:
        return np.zeros(0, dtype=dtype)
    size = count * np.dtype(dtype).itemsize
    return np.frombuffer(ctypes.string_at(address, size), dtype=dtype).copy()


def _array(column: Column, rows: int) -> Any:
    missing = None if not column.validity else _buffer(column.validity, rows, np.uint8) == 0
    if column.type == FLOAT64:
        return _buffer(column.values, rows, np.float64)
    if column.type == INT64:
        values = _buffer(column.values, rows, np.int64)
        return values if missing is None else pd.arrays.IntegerArray(values, missing)
    if column.type == BOOL:
        values = _buffer(column.values, rows, np.uint8).astype(bool)
        return values if missing is None else pd.arrays.BooleanArray(values, missing)
    codes = _buffer(column.values, rows, np.int32)
    offsets = _buffer(column.dictionary_offsets, column.dictionary_count + 1, np.int64)
    data = ctypes.string_at(column.dictionary_data, int(offsets[-1])) if column.dictionary_count else b""
    strings = np.array([data[offsets[i]:offsets[i + 1]].decode() for i in range(column.dictionary_count)] + [None], dtype=object)
    return strings[codes]  # code -1 takes the trailing None
