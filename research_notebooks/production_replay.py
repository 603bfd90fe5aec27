"""The production side of the notebooks' parity checks.

`shared_functions.run_windows` runs the compiled Swift engine and functions inside the notebook;
`processing-module replay` runs the same records through the processing module's pipeline code,
as `processing-module run` would on a Kafka topic. These helpers write records in the
`processing-module export` format, run `replay` on them, shape its results like `run_windows`'
DataFrame, and compare the two tables cell by cell, without tolerance.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

#: The provenance columns `run_windows` puts before the function's output fields.
PROVENANCE = ("window_start", "window_end", "key", "close_reason", "record_count")

_EPOCH = pd.Timestamp(0, tz="UTC")
_MILLISECOND = pd.Timedelta(milliseconds=1)


def repository_root(start: Path | None = None) -> Path:
    """The repository folder (the one holding `data_processing/` and `shared_functions/`) above `start`."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "data_processing").is_dir() and (folder / "shared_functions").is_dir():
            return folder
    raise FileNotFoundError(f"no repository above {start}: run the notebooks from research_notebooks/")


def find_processing_module() -> Path:
    """The `processing-module` binary: `$PROCESSING_MODULE_BIN`, else the newer of the release and
    debug builds in `data_processing/processing_module/.build/`."""
    override = os.environ.get("PROCESSING_MODULE_BIN")
    if override:
        path = Path(override)
        if not path.is_file():
            raise FileNotFoundError(f"PROCESSING_MODULE_BIN names no file: {override}")
        return path
    try:
        build = repository_root() / "data_processing" / "processing_module" / ".build"
    except FileNotFoundError as error:
        raise FileNotFoundError(f"processing-module not found: set PROCESSING_MODULE_BIN ({error})") from None
    built = [build / mode / "processing-module" for mode in ("release", "debug")]
    built = [path for path in built if path.is_file()]
    if not built:
        raise FileNotFoundError(
            "processing-module is not built: run `swift build -c release --product processing-module` "
            "in data_processing/processing_module, or set PROCESSING_MODULE_BIN")
    return max(built, key=lambda path: path.stat().st_mtime)


def _yaml_scalar(value: Any) -> str:
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if not re.fullmatch(r"[A-Za-z0-9_.\-/]+", text):
        return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar
    return text


def _yaml_flow(mapping: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {_yaml_scalar(value)}" for key, value in mapping.items()) + "}"


def pipeline_yaml(pipeline: Mapping[str, Any], indent: str = "  ") -> str:
    """One entry of a pipelines file's `pipelines:` list, in the style of
    `data_processing/pipelines.yaml` (nested mappings such as `window` on one line)."""
    lines = []
    for position, (key, value) in enumerate(pipeline.items()):
        prefix = indent + ("- " if position == 0 else "  ")
        text = _yaml_flow(value) if isinstance(value, Mapping) else _yaml_scalar(value)
        lines.append(f"{prefix}{key}: {text}")
    return "\n".join(lines) + "\n"


def pipelines_file(
    pipelines: Sequence[Mapping[str, Any]],
    bootstrap_servers: str = "localhost:9092",
    group_id: str = "processing-module",
) -> str:
    """A complete pipelines file (YAML) holding `pipelines`."""
    text = f"kafka:\n  bootstrap.servers: {bootstrap_servers}\ngroup_id: {group_id}\npipelines:\n"
    return text + "".join(pipeline_yaml(pipeline) for pipeline in pipelines)


def _json_value(value: Any) -> Any:
    """A cell as JSON: NaN and missing values become null, numpy scalars plain Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def export_lines(records: pd.DataFrame, fields: Iterable[str], key: str | None, time: str = "ts") -> str:
    """`records` as the JSON lines `processing-module export` writes: one Kafka record per row,
    `{"partition", "offset", "timestamp", "key", "value": "<the record's JSON text>"}`.

    The record's JSON holds `fields`. The coordinates come from the columns `partition`, `offset`
    and `timestamp` when present, else partition 0, offset = row number, timestamp = `time`.
    """
    fields = list(fields)
    lines = []
    for position, row in enumerate(records.to_dict("records")):
        value = {field: _json_value(row[field]) for field in fields}
        line = {
            "partition": int(row.get("partition", 0)),
            "offset": int(row.get("offset", position)),
            "timestamp": _json_value(row.get("timestamp", row[time])),
            "key": None if key is None else str(row[key]),
            "value": json.dumps(value, separators=(",", ":")),
        }
        lines.append(json.dumps(line, separators=(",", ":")))
    return "\n".join(lines) + "\n"


@dataclass
class ReplayResult:
    """What `processing-module replay` printed: one dict per result line, and its summary counters."""

    results: list[dict]
    records: int
    windows: int
    dead_letters: int
    late: int

    def frame(self) -> pd.DataFrame:
        """The results shaped like `run_windows`' DataFrame (see `results_frame`)."""
        return results_frame(self.results)


_SUMMARY = re.compile(
    r"replayed (\d+) records: (\d+) windows, (\d+) results, (\d+) dead letters, (\d+) late")


def replay(pipelines: str, lines: str, pipeline: str | None = None, binary: Path | None = None) -> ReplayResult:
    """Runs `processing-module replay --config <pipelines> --input <lines>` in a temporary folder."""
    binary = binary or find_processing_module()
    with tempfile.TemporaryDirectory(prefix="replay-") as folder:
        config = Path(folder) / "pipelines.yaml"
        config.write_text(pipelines)
        records = Path(folder) / "records.jsonl"
        records.write_text(lines)
        command = [str(binary), "replay", "--config", str(config), "--input", str(records)]
        if pipeline:
            command += ["--pipeline", pipeline]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"processing-module replay failed (exit {completed.returncode}): {completed.stderr.strip()}")
    summary = _SUMMARY.search(completed.stderr)
    if summary is None:
        raise RuntimeError(f"processing-module replay printed no summary: {completed.stderr.strip()}")
    records_in, windows, _, dead_letters, late = (int(group) for group in summary.groups())
    results = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    return ReplayResult(results, records_in, windows, dead_letters, late)


def results_frame(results: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Replay result lines as a DataFrame with `run_windows`' columns: the provenance columns
    (window bounds as UTC timestamps), then the output fields, an output field named like a
    provenance column getting the prefix `output_`."""
    rows = []
    for result in results:
        row = {column: result[column] for column in PROVENANCE}
        for field, value in result["output"].items():
            row[f"output_{field}" if field in PROVENANCE else field] = value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=None if rows else list(PROVENANCE))
    for column in ("window_start", "window_end"):
        frame[column] = pd.to_datetime(frame[column], unit="ms", utc=True)
    return frame


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as epoch milliseconds, so both sides compare as numbers."""
    frame = frame.reset_index(drop=True).copy()
    frame.attrs = {}  # only the values are compared
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            times = frame[column]
            if getattr(times.dt, "tz", None) is None:
                times = times.dt.tz_localize("UTC")
            frame[column] = (times - _EPOCH) // _MILLISECOND
    return frame


def compare(notebook: pd.DataFrame, production: pd.DataFrame, on: Sequence[str]) -> pd.DataFrame:
    """Every cell that differs between two result tables, as rows (column, the `on` values,
    notebook, production); empty when the tables are identical.

    Rows are matched on the columns `on` (rows with equal `on` values are paired in the order of
    their other values). Values are compared exactly: no tolerance, `null` equals `null` (NaN,
    None). A row present on one side only is reported with column `(row)`; a column present on
    one side only with column `<name> (missing on one side)`.
    """
    on = list(on)
    left, right = _comparable(notebook), _comparable(production)
    columns = [c for c in dict.fromkeys([*left.columns, *right.columns]) if c not in on]

    def paired(frame: pd.DataFrame) -> pd.DataFrame:
        ties = [c for c in columns if c in frame and pd.api.types.is_numeric_dtype(frame[c])]
        ordered = frame.sort_values(on + ties, kind="stable", na_position="first")
        return ordered.assign(_pair=ordered.groupby(on, dropna=False).cumcount())

    merged = paired(left).merge(
        paired(right), on=on + ["_pair"], how="outer", suffixes=("_notebook", "_production"), indicator=True)
    differences = []
    for row in merged.loc[merged["_merge"] != "both"].to_dict("records"):
        present = row["_merge"] == "left_only"
        differences.append({"column": "(row)", **{c: row[c] for c in on},
                            "notebook": "present" if present else "missing",
                            "production": "missing" if present else "present"})
    both = merged.loc[merged["_merge"] == "both"]
    for column in columns:
        if column not in left.columns or column not in right.columns:
            differences.append({"column": f"{column} (missing on one side)", "notebook": column in left.columns,
                                "production": column in right.columns})
            continue
        mine, theirs = both[f"{column}_notebook"], both[f"{column}_production"]
        same = (mine == theirs).fillna(False).astype(bool) | (mine.isna() & theirs.isna())
        for index in both.index[~same.to_numpy(dtype=bool)]:
            differences.append({"column": column, **{c: both.at[index, c] for c in on},
                                "notebook": mine.at[index], "production": theirs.at[index]})
    return pd.DataFrame(differences, columns=["column", *on, "notebook", "production"])
