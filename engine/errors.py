"""One root error with a position, so every message reads `file:line:col: what`.

Load-time checks collect many errors and raise them together (`ErrorList`), so a
drafter sees every problem in one run; evaluation stops at the first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from engine.render.messages import Message, Plural

__all__ = [
    "Position", "StatuteError", "LoadError", "ErrorList", "CaseError", "EvaluationError",
    "printable",
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
    fact, `message` says what is wrong and, where it can, how to fix it. A `Message`
    keeps its template, so `text(lang)` shows the error in the reader's language;
    `str()` is English, and so is `as_dict()` (the JSON contract is language-neutral).
    """

    def __init__(self, message: str, position: Position | None = None, field: str | None = None):
        # bounded and printable: a message quotes input (a value, a key), and input may be
        # huge or carry terminal escape codes
        self.message: str = message.bounded(MAX_MESSAGE) if isinstance(message, Message) \
            else _safe(message, MAX_MESSAGE)
        self.position = position
        self.field = None if field is None else _safe(field, MAX_FIELD)
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The error line `file:line:col: field: message` with the message in `lang`."""
        where = f"{self.position}: " if self.position else ""
        what = f"{self.field}: " if self.field else ""
        msg = self.message.text(lang) if isinstance(self.message, Message) else self.message
        return f"{where}{what}{msg}"

    def as_dict(self) -> dict:
        pos = self.position
        return {
            "file": pos.file if pos else None,
            "line": pos.line if pos else None,
            "col": pos.col if pos else None,
            "field": self.field,
            "message": str(self.message),
        }


class LoadError(StatuteError, ValueError):
    """A rulebook file is malformed or inconsistent."""


class ErrorList(StatuteError, ValueError):
    """Every problem found in a rulebook or a case, reported together."""

    def __init__(self, errors: Iterable[StatuteError]):
        every = sorted(errors, key=_sort_key)
        self.errors = every[:MAX_ERRORS]
        if len(every) > MAX_ERRORS:  # a report stays readable and its size bounded
            self.errors.append(StatuteError(Plural(
                "... and {n} more error (the first {shown} are shown)",
                "... and {n} more errors (the first {shown} are shown)",
                len(every) - MAX_ERRORS, shown=MAX_ERRORS)))
        self.total = len(every)
        super().__init__(Plural("{n} error", "{n} errors", len(every)))

    def text(self, lang: str = "en") -> str:
        """Every error, one a line, in `lang`."""
        return "\n".join(e.text(lang) for e in self.errors)


class CaseError(StatuteError, ValueError):
    """A case (facts, dates, period) is invalid: unknown fact, wrong type, bad date."""


class EvaluationError(StatuteError, RuntimeError):
    """A rulebook failed while evaluating a valid case (a defect in the rulebook)."""


MAX_MESSAGE = 2000  # characters of one message (a quoted value is cut to fit)
MAX_FIELD = 200  # characters of the field or fact an error names
MAX_ERRORS = 100  # errors of one report; the rest are counted


def _safe(text: str, limit: int) -> str:
    """`text` with control characters shown as escapes (\\x1b, never an escape code the
    terminal acts on) and cut to `limit` characters."""
    text = str(text)
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c in "\n" else repr(c)[1:-1] for c in text)
    if len(text) > limit:
        text = f"{text[:limit - 40]}... ({len(text)} characters)"
    return text


def printable(text: str) -> str:
    """`text` with control characters (other than newlines) shown as escapes: what a
    rulebook or a case writes cannot drive the terminal it is shown on."""
    return text if text.isprintable() else _safe(text, len(text) * 4 + 64)


def _sort_key(e: StatuteError) -> tuple:
    p = e.position
    return (p.file if p else "", p.line if p else 0, p.col if p else 0, str(e.message))
