"""Finding, building and calling the compiled shared functions library (``libSharedFunctionsC``)."""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from .errors import SharedFunctionsError

LIBRARY_VARIABLE = "SHARED_FUNCTIONS_LIBRARY"
"""Environment variable naming the library file; when set, nothing is built."""

LIBRARY_NAME = "libSharedFunctionsC.so"
ABI_VERSION = "2"

_lock = threading.Lock()
_library: ctypes.CDLL | None = None


def swift_package_root() -> Path:
    """The ``shared_functions`` Swift package this Python package lives in (``python/..``)."""
    return Path(__file__).resolve().parents[2]


def library_path() -> Path:
    """The library file in use: ``$SHARED_FUNCTIONS_LIBRARY``, else the package's release build."""
    configured = os.environ.get(LIBRARY_VARIABLE)
    if configured:
        return Path(configured)
    return swift_package_root() / ".build" / "release" / LIBRARY_NAME


def _newest_source_time(root: Path) -> float:
    sources = [root / "Package.swift", *root.glob("Sources/**/*.swift")]
    return max(path.stat().st_mtime for path in sources if path.exists())


def _needs_build(path: Path, root: Path) -> bool:
    return not path.exists() or path.stat().st_mtime < _newest_source_time(root)


def build_library() -> Path:
    """Builds the library with ``swift build -c release`` when missing or older than the sources.

    Prints what it does on standard error (the first build takes about a minute). A lock file
    keeps concurrent processes from building at once.
    """
    root = swift_package_root()
    path = root / ".build" / "release" / LIBRARY_NAME
    if not (root / "Package.swift").exists():
        raise SharedFunctionsError(
            "library_unavailable",
            f"no Swift package at {root} to build the library from; set {LIBRARY_VARIABLE} to the path of {LIBRARY_NAME}",
        )
    (root / ".build").mkdir(exist_ok=True)
    with open(root / ".build" / "python-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _needs_build(path, root):
            return path
        print(
            f"shared_functions: building {LIBRARY_NAME} (swift build -c release --product SharedFunctionsC) in {root}; "
            "the first build takes about a minute...",
            file=sys.stderr,
            flush=True,
        )
        command = ["swift", "build", "-c", "release", "--product", "SharedFunctionsC"]
        try:
            result = subprocess.run(command, cwd=root, capture_output=True, text=True)
        except FileNotFoundError as error:
            raise SharedFunctionsError(
                "library_unavailable",
                f"the Swift toolchain is not on PATH ({error}); install it, or set {LIBRARY_VARIABLE} to a built {LIBRARY_NAME}",
            ) from None
        if result.returncode != 0:
            raise SharedFunctionsError(
                "library_unavailable",
                f"swift build failed (exit {result.returncode}):\n{result.stdout[-4000:]}{result.stderr[-4000:]}",
            )
        print("shared_functions: library built", file=sys.stderr, flush=True)
        return path


def load() -> ctypes.CDLL:
    """The loaded library (built first if needed), with its functions' signatures declared."""
    global _library
    with _lock:
        if _library is not None:
            return _library
        path = library_path() if os.environ.get(LIBRARY_VARIABLE) else build_library()
        if not path.exists():
            raise SharedFunctionsError("library_unavailable", f"{path} does not exist (from ${LIBRARY_VARIABLE})")
        try:
            library = ctypes.CDLL(str(path))
        except OSError as error:
            raise SharedFunctionsError("library_unavailable", f"cannot load {path}: {error}") from None
        library.sf_abi_version.restype = ctypes.c_char_p
        library.sf_abi_version.argtypes = []
        library.sf_functions.restype = ctypes.c_void_p
        library.sf_functions.argtypes = []
        for name in ("sf_apply", "sf_run_windows"):
            function = getattr(library, name)
            function.restype = ctypes.c_void_p
            function.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        library.sf_format_doubles.restype = ctypes.c_void_p
        library.sf_format_doubles.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        for name in ("sf_apply_columns",):
            function = getattr(library, name)
            function.restype = ctypes.c_void_p
            function.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64]
        library.sf_input_columns.restype = ctypes.c_void_p
        library.sf_input_columns.argtypes = [ctypes.c_char_p]
        library.sf_run_windows_columns.restype = ctypes.c_void_p
        library.sf_run_windows_columns.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64]
        library.sf_result_document.restype = ctypes.c_void_p
        library.sf_result_document.argtypes = [ctypes.c_void_p]
        library.sf_result_column.restype = ctypes.c_int64
        library.sf_result_column.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64, ctypes.c_void_p]
        library.sf_result_free.restype = None
        library.sf_result_free.argtypes = [ctypes.c_void_p]
        library.sf_free.restype = None
        library.sf_free.argtypes = [ctypes.c_void_p]
        version = library.sf_abi_version().decode()
        if version != ABI_VERSION:
            raise SharedFunctionsError(
                "library_unavailable", f"{path} has ABI version {version}, this package needs {ABI_VERSION}; rebuild it"
            )
        _library = library
        return library


def format_doubles(values) -> list[str]:
    """Each float64 of a contiguous numpy array as JSON text (shortest round-trip; ``null`` for
    NaN and infinities), formatted by the library: several times faster than Python's ``repr``."""
    library = load()
    if len(values) == 0:
        return []
    pointer = library.sf_format_doubles(values.ctypes.data, len(values))
    if not pointer:
        raise SharedFunctionsError("library_unavailable", "sf_format_doubles returned nothing (out of memory)")
    try:
        return ctypes.string_at(pointer).decode().split("\n")
    finally:
        library.sf_free(pointer)


def call(name: str, request: dict[str, Any] | None = None, records: bytes | None = None) -> Any:
    """Calls ``sf_<name>`` and returns the ``ok`` value of its document, or raises its error."""
    library = load()
    function = getattr(library, f"sf_{name}")
    if request is None:
        pointer = function()
    elif records is None:
        pointer = function(json.dumps(request).encode())
    else:
        pointer = function(json.dumps(request).encode(), records, len(records))
    return _document(name, pointer)


def call_columns(name: str, request: dict[str, Any], columns, rows: int) -> Any:
    """Calls ``sf_<name>`` (a columnar entry returning a document) with typed columns."""
    from .columns import describe

    library = load()
    described = describe(columns)
    pointer = getattr(library, f"sf_{name}")(json.dumps(request).encode(), ctypes.addressof(described), len(columns), rows)
    return _document(name, pointer)


def run_columns(request: dict[str, Any], columns, rows: int):
    """``sf_run_windows_columns``: the counts and result tables (dicts of numpy arrays)."""
    from .columns import describe, result_tables

    library = load()
    described = describe(columns)
    result = library.sf_run_windows_columns(json.dumps(request).encode(), ctypes.addressof(described), len(columns), rows)
    if not result:
        raise SharedFunctionsError("library_unavailable", "sf_run_windows_columns returned nothing (out of memory)")
    try:
        return result_tables(result)
    finally:
        library.sf_result_free(result)


def _integer(text: str) -> int | float:
    """JSON integers as ints, except ``-0``: the library writes negative zero so, and only a
    float keeps its sign (the columnar path reads it as -0.0 too)."""
    return -0.0 if text == "-0" else int(text)


def _document(name: str, pointer) -> Any:
    library = load()
    if not pointer:
        raise SharedFunctionsError("library_unavailable", f"sf_{name} returned no document (out of memory)")
    try:
        document = json.loads(ctypes.string_at(pointer), parse_int=_integer)
    finally:
        library.sf_free(pointer)
    if "error" in document:
        raise SharedFunctionsError.from_envelope(document["error"])
    return document["ok"]
