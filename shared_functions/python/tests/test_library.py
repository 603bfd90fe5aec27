"""The compiled library: loading, the environment override, NULL arguments, and leaks under valgrind."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import shared_functions as sf
from shared_functions import library


def test_the_library_in_use_is_the_swift_package_build():
    assert sf.library_path().name == "libSharedFunctionsC.so"
    assert sf.library_path().exists()


def test_an_override_naming_a_missing_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "libSharedFunctionsC.so"
    script = "import shared_functions as sf\ntry:\n    sf.functions()\nexcept sf.SharedFunctionsError as e:\n    print(e.kind, e.message)\n"
    environment = {**os.environ, library.LIBRARY_VARIABLE: str(missing)}
    output = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True).stdout
    assert output.startswith("library_unavailable") and str(missing) in output


def test_null_arguments_come_back_as_error_documents():
    native = library.load()
    for arguments in ((None, None, 0), (b'{"function":"function_a"}', None, 7)):
        pointer = native.sf_run_windows(*arguments)
        try:
            document = ctypes.string_at(pointer).decode()
        finally:
            native.sf_free(pointer)
        assert document.startswith('{"error":{') and "invalid_request" in document


@pytest.fixture(scope="module")
def abi_check(tmp_path_factory) -> Path:
    if shutil.which("gcc") is None or shutil.which("valgrind") is None:
        pytest.fail("gcc and valgrind are needed (make system-packages installs them)")
    root = library.swift_package_root()
    executable = tmp_path_factory.mktemp("abi") / "abi_check"
    directory = sf.library_path().parent
    subprocess.run(
        ["gcc", f"-I{root / 'c'}", str(root / "c" / "abi_check.c"), f"-L{directory}", "-lSharedFunctionsC",
         f"-Wl,-rpath,{directory}", "-o", str(executable)],
        check=True,
    )
    return executable


def valgrind(executable: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite", "--error-exitcode=9", str(executable), *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_no_entry_point_leaks_or_touches_bad_memory(abi_check):
    result = valgrind(abi_check)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "definitely lost: 0 bytes" in result.stderr or "no leaks are possible" in result.stderr
    assert "ERROR SUMMARY: 0 errors" in result.stderr


def test_the_leak_check_sees_a_dropped_document(abi_check):
    result = valgrind(abi_check, "leak")
    assert result.returncode == 9, result.stderr[-3000:]
    assert "definitely lost" in result.stderr
