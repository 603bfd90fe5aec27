"""Errors raised by the shared functions, carrying the Swift library's kind, message and context."""

from __future__ import annotations

from typing import Any, Mapping


class SharedFunctionsError(ValueError):
    """A request the shared functions refused, or a library that could not be loaded.

    Attributes:
        kind: stable name of the problem, e.g. ``unknown_function``, ``invalid_parameter_value``,
            ``invalid_window``, ``invalid_record``, ``invalid_request``, ``library_unavailable``.
        message: what is wrong and what was expected, as the Swift library wrote it.
        context: where: ``function``, ``parameter``, ``row``, ``field`` when known.
    """

    def __init__(self, kind: str, message: str, context: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.context = dict(context or {})

    @classmethod
    def from_envelope(cls, error: Mapping[str, Any]) -> "SharedFunctionsError":
        """Builds the exception from the C ABI's ``{"kind", "message", "context"}`` object."""
        return cls(str(error.get("kind", "unknown")), str(error.get("message", "")), error.get("context") or {})
