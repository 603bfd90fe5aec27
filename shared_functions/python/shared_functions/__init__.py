"""The shared window functions and micro-batching engine, for notebooks.

Every call runs the compiled Swift library the processing module runs (through its C ABI), so
results here are the results production gives for the same records.
"""

from .api import RunDetails, apply, functions, input_columns, run_windows
from .errors import SharedFunctionsError
from .library import library_path

__all__ = ["RunDetails", "apply", "functions", "input_columns", "run_windows", "SharedFunctionsError", "library_path"]
