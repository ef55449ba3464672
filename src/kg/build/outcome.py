"""What a build ends with when the graph does not conform."""

from __future__ import annotations

from collections.abc import Callable

from kg.errors import KgError
from kg.validate.report import ValidationReport
from kg.words import counted

#: A build step's progress messages go to this callable (stderr in the CLI, nothing in tests).
Progress = Callable[[str], None]


def quiet(_message: str) -> None:
    """A :data:`Progress` that says nothing."""


class BuildFailed(KgError):
    """The graph does not conform: the build stops and ``dist/`` is left untouched."""

    def __init__(self, report: ValidationReport):
        super().__init__(f"validation failed: {counted(len(report.violations), 'violation')}")
        self.report = report
