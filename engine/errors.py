"""One root error with a position, so every message reads `file:line:col: what`.

Load-time checks collect many errors and raise them together (`ErrorList`), so a
drafter sees every problem in one run; evaluation stops at the first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

__all__ = [
    "Position", "StatuteError", "LoadError", "ErrorList", "CaseError", "EvaluationError",
]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a loaded object or an error lives: file, 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


class StatuteError(Exception):
    """Root of every error statute raises on purpose.

    `position` says where (file, line, column), `field` names the offending key or
    fact, `message` says what is wrong and, where it can, how to fix it.
    """

    def __init__(self, message: str, position: Position | None = None, field: str | None = None):
        self.message = message
        self.position = position
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"

    def as_dict(self) -> dict:
        pos = self.position
        return {
            "file": pos.file if pos else None,
            "line": pos.line if pos else None,
            "col": pos.col if pos else None,
            "field": self.field,
            "message": self.message,
        }


class LoadError(StatuteError, ValueError):
    """A rulebook file is malformed or inconsistent."""


class ErrorList(StatuteError, ValueError):
    """Every problem found in a rulebook or a case, reported together."""

    def __init__(self, errors: Iterable[StatuteError]):
        self.errors = sorted(errors, key=_sort_key)
        super().__init__(f"{len(self.errors)} error(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class CaseError(StatuteError, ValueError):
    """A case (facts, dates, period) is invalid: unknown fact, wrong type, bad date."""


class EvaluationError(StatuteError, RuntimeError):
    """A rulebook failed while evaluating a valid case (a defect in the rulebook)."""


def _sort_key(e: StatuteError) -> tuple:
    p = e.position
    return (p.file if p else "", p.line if p else 0, p.col if p else 0, e.message)
