"""The check stage on the editor's buffers, each problem as a range of a file.

statute's errors carry where they begin (`Position`: file, 1-based line and column); an
editor underlines a range. The range is what begins there: a whole scalar when the error
is at a value's start (an expression that does not type-check), the name or number when
it is inside an expression or on a key, the line's text when nothing narrower is known.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from engine.check import Report, check
from engine.errors import Position, StatuteError
from engine.lsp.documents import read_text
from engine.lsp.symbols import NAME
from engine.render.messages import Message, default_language, in_language

__all__ = ["Problem", "diagnose", "span"]

_NUMBER = re.compile(r"[-+]?[0-9][0-9_.]*")
_NOTE_AT = re.compile(r"(?P<file>[^:]+\.yaml):(?P<line>[0-9]+): ")


@dataclass(frozen=True, slots=True)
class Problem:
    """One diagnostic: a file, a 0-based line, a [start, end) column range in characters."""

    file: str  # absolute path
    line: int
    start: int
    end: int
    severity: str  # error | warning | information
    message: str


def diagnose(root: Path, overlay: Mapping[str, str],
             today: _dt.date | None = None) -> tuple[dict[str, list[Problem]], Report]:
    """Every problem `statute check` finds in the rulebook at `root` with the buffers
    `overlay` over its files, by absolute file path; and the check's report."""
    report = check(root, overlay, today=today)
    lang = _language(root, overlay)
    texts: dict[str, list[str]] = {}

    def lines(file: str) -> list[str]:
        if file not in texts:
            rel = os.path.relpath(file, root)
            text = read_text(root, rel, overlay) if not rel.startswith("..") else None
            texts[file] = (text or "").splitlines()
        return texts[file]

    out: dict[str, list[Problem]] = {}
    for e in report.errors:
        p = _problem(e, root, "error", lines, lang)
        out.setdefault(p.file, []).append(p)
    rb = report.rulebook
    for w in report.warnings:
        # a freshness warning names its parameter first: shown at its newest value
        pid = w.partition(":")[0]
        param = rb.parameters.get(pid) if rb is not None else None
        at = param.values[-1].position if param is not None and param.values else \
            Position(str(root / "rulebook.yaml"), 1, 1)
        p = _at(at, "warning", in_language(w, lang), lines)
        out.setdefault(p.file, []).append(p)
    for n in report.notes:
        m = _NOTE_AT.match(n)
        at = Position(str(root / m["file"]), int(m["line"]), 1) if m else \
            Position(str(root / "rulebook.yaml"), 1, 1)
        p = _at(at, "information", n[m.end():] if m else n, lines)
        out.setdefault(p.file, []).append(p)
    return out, report


def _language(root: Path, overlay: Mapping[str, str]) -> str:
    """The language the rulebook declares (in its buffer, when open): its diagnostics
    are written in it, as `statute check` writes them."""
    from engine.cli.i18n import declared_language
    return default_language(declared_language(read_text(root, "rulebook.yaml", overlay) or ""))


def _problem(e: StatuteError, root: Path, severity: str,
             lines: Callable[[str], list[str]], lang: str = "en") -> Problem:
    pos = e.position or Position(str(root / "rulebook.yaml"))
    file = pos.file if os.path.isabs(pos.file) else str(root / pos.file)
    if Path(file).is_dir() or not file.endswith(".yaml"):  # a folder's problem: its rulebook
        file = str(root / "rulebook.yaml")
    said = e.message.text(lang) if isinstance(e.message, Message) else e.message
    message = f"{e.field}: {said}" if e.field else said
    return _at(Position(file, pos.line, pos.col), severity, message, lines)


def _at(pos: Position, severity: str, message: str, lines: Callable[[str], list[str]]) -> Problem:
    text = lines(pos.file)
    if pos.line < 1 or pos.line > len(text):
        first = text[0] if text else ""
        return Problem(pos.file, 0, 0, len(first.rstrip()), severity, message)
    line = text[pos.line - 1]
    start, end = span(line, max(pos.col - 1, 0), message)
    return Problem(pos.file, pos.line - 1, start, end, severity, message)


def span(line: str, col: int, message: str = "") -> tuple[int, int]:
    """The [start, end) characters of `line` an error at column `col` (0-based) covers;
    a name the message quotes is underlined alone."""
    named = NAME.match(line, col)
    if named and f"'{named.group()}'" in message:
        return col, named.end()
    if col >= len(line.rstrip()):
        stripped = len(line) - len(line.lstrip())
        return stripped, max(len(line.rstrip()), stripped + 1)
    c = line[col]
    if c in "'\"":  # a quoted scalar: to its closing quote
        close = line.find(c, col + 1)
        return col, (close + 1 if close > 0 else len(line.rstrip()))
    before = line[:col].rstrip()
    if before.endswith(":") and not before.endswith("::"):
        # a value's start: the whole value, to a flow mapping's comma or the line's end
        rest = line[col:]
        cut = len(rest.rstrip())
        for stop in (",", "}", " #"):
            i = rest.find(stop)
            if stop != " #" and "(" in rest[:i if i >= 0 else 0]:
                continue  # a comma inside a call is part of the expression
            if 0 <= i < cut:
                cut = i
        return col, col + max(cut, 1)
    for pattern in (NAME, _NUMBER):
        m = pattern.match(line, col)
        if m:
            return col, m.end()
    return col, col + 1

