"""Result tables to DataFrames, the same for the columnar and the JSON path."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

WINDOW_COLUMNS = ["window_start", "window_end", "key", "close_reason", "record_count"]
Types = dict[str, tuple[str, bool]]


@dataclass(frozen=True, eq=False)
class RunDetails:
    """What a :func:`run_windows` call did besides its results, kept in ``result.attrs["run"]``.

    Attributes:
        windows: every closed window (window_start, window_end, key, close_reason, record_count,
            outputs, error: the function's error message when it failed), including those with
            no output.
        late: records whose windows had all closed (row, window_start, window_end, lateness_ms).
        dead_letters: records the module would dead-letter (row, kind, message).
        counts: records, buffered, late, dead_letters, windows, outputs.
    """

    windows: pd.DataFrame
    late: pd.DataFrame
    dead_letters: pd.DataFrame
    counts: dict[str, int]


def output_column(name: str) -> str:
    return f"output_{name}" if name in WINDOW_COLUMNS else name


def sorted_fields(types: Types) -> list[str]:
    """The output fields in the order of the outputs' sorted JSON keys (UTF-8 byte order)."""
    return sorted(types, key=lambda name: name.encode())


def tables_from_json(result: dict[str, Any], types: Types) -> dict[str, dict[str, list]]:
    """The JSON path's result as the columnar path's tables (lists per column)."""
    fields = sorted_fields(types)
    outputs: dict[str, list] = {column: [] for column in WINDOW_COLUMNS + [output_column(name) for name in fields]}
    windows: dict[str, list] = {column: [] for column in WINDOW_COLUMNS + ["outputs", "error"]}
    for window in result["windows"]:
        for column in WINDOW_COLUMNS:
            windows[column].append(window[column])
        windows["outputs"].append(len(window["outputs"]))
        windows["error"].append(window["error"]["message"] if "error" in window else None)
        for output in window["outputs"]:
            for column in WINDOW_COLUMNS:
                outputs[column].append(window[column])
            for name in fields:
                outputs[output_column(name)].append(output.get(name))
    late = {column: [entry[column] for entry in result["late"]] for column in ["row", "window_start", "window_end", "lateness_ms"]}
    dead = {column: [entry[column] for entry in result["dead_letters"]] for column in ["row", "kind", "message"]}
    return {"outputs": outputs, "windows": windows, "late": late, "dead_letters": dead}


def _typed(values: Any, kind: str, nullable: bool) -> Any:
    if kind == "number":
        return pd.array(values, dtype="float64").to_numpy(dtype=np.float64, na_value=np.nan)
    if kind == "integer":
        array = pd.array(values, dtype="Int64")
        return array if nullable or array.isna().any() else array.to_numpy(dtype=np.int64)
    if kind == "boolean":
        array = pd.array(values, dtype="boolean")
        return array if nullable or array.isna().any() else array.to_numpy(dtype=bool)
    return np.asarray(values, dtype=object) if len(values) else np.zeros(0, dtype=object)


def _timestamps(values: Any) -> pd.Series:
    return pd.to_datetime(np.asarray(values, dtype=np.int64), unit="ms", utc=True).astype("datetime64[ms, UTC]")


def _frame(columns: dict[str, Any], kinds: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    data = {}
    for name, values in columns.items():
        if name in ("window_start", "window_end"):
            data[name] = _timestamps(values)
        else:
            kind, nullable = kinds.get(name, ("string", True))
            data[name] = _typed(values, kind, nullable)
    return pd.DataFrame(data, columns=list(columns))


def frames(counts: dict[str, int], tables: dict[str, dict[str, Any]], types: Types) -> pd.DataFrame:
    """The outputs frame with the run's details in ``attrs["run"]``; warns about late and
    dead-lettered records."""
    integer = ("integer", False)
    base = {"record_count": integer, "row": integer, "lateness_ms": integer, "outputs": integer}
    output_kinds = {output_column(name): kind for name, kind in types.items()}
    frame = _frame(tables["outputs"], {**base, **output_kinds})
    frame.attrs["run"] = RunDetails(
        windows=_frame(tables["windows"], base),
        late=_frame(tables["late"], base),
        dead_letters=_frame(tables["dead_letters"], base),
        counts=counts,
    )
    if counts["late"] or counts["dead_letters"]:
        warnings.warn(
            f"{counts['late']} late and {counts['dead_letters']} dead-lettered of {counts['records']} records; "
            "see .attrs['run'].late and .attrs['run'].dead_letters",
            stacklevel=4,
        )
    return frame
