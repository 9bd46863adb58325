"""The error types a person can cause, and the engine's own failures.

Each carries where the problem is (file and line, row and column, or field)
and what to do about it, so apps and the CLI can show a message, never a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class WorkbenchError(Exception):
    """Base of every error the Workbench reports to a person."""


@dataclass(frozen=True)
class Problem:
    """One finding of the rulebook check: ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class RuleBookError(WorkbenchError):
    """The rulebook has problems; the rules in force stay as they were."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(WorkbenchError):
    """A case, report or row a person supplied is malformed."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


class EngineError(WorkbenchError):
    """durable_rules failed or was misused; a bug, not a user error."""
