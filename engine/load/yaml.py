"""Safe YAML reading that keeps positions and reads scalars as YAML 1.2 would.

PyYAML resolves YAML 1.1 (`no` -> False, `010` -> 8, `1.5` -> float). Rulebooks hold
law and money, so scalars are resolved here instead: only `true`/`false` are
booleans, numbers with a fraction are exact `Decimal`s from their text, integers
with a leading zero are kept as strings (so a schema rejects them), and ISO dates
become `datetime.date`. Aliases, anchors, tags, merge keys and duplicate keys are
errors. Every value's
position is recorded by its path so that schema errors can name line and column.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import yaml

from engine.errors import LoadError, Position
from engine.render.messages import Message

try:  # the C parser is several times faster; positions are the same
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = ["Document", "read_yaml", "read_bounded", "parse_bytes", "parse_yaml", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 1_000_000

Path_ = tuple  # a path into the document: keys and list indexes

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_DEC = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_NULL = {"null", "~", ""}
MAX_DEPTH = 64


class Document:
    """A parsed YAML file: its data, the position of every value and key, its lines."""

    __slots__ = ("file", "data", "positions", "keys", "styles", "lines")

    def __init__(self, file: str, data: Any, positions: dict[Path_, Position],
                 keys: dict[Path_, Position] | None = None,
                 styles: dict[Path_, str] | None = None, lines: list[str] | None = None):
        self.file = file
        self.data = data
        self.positions = positions
        self.keys = keys or {}
        self.styles = styles or {}
        self.lines = lines or []

    def pos(self, path: Path_ = ()) -> Position:
        """Position of the value at `path`, or of its nearest enclosing value."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, Position(self.file, 1, 1))

    def key_pos(self, path: Path_) -> Position:
        """Position of the key that ends `path` (where a drafter looks for a bad key)."""
        return self.keys.get(tuple(path)) or self.pos(path)

    def locate(self, path: Path_, text: str) -> Callable[[int], Position]:
        """Map an offset in `text` (a scalar's whitespace-normalised value) to file:line:col."""
        start = self.pos(path)
        style = self.styles.get(tuple(path))
        if style in ("|", ">"):
            return self._block_locator(start, text)
        shift = 1 if style in ("'", '"') else 0
        return lambda off: Position(start.file, start.line, start.col + shift + off)

    def _block_locator(self, start: Position, text: str) -> Callable[[int], Position]:
        # The content starts on the line after the `>`/`|` indicator; it is folded
        # into one line, so walk the source lines to find where an offset falls.
        spans: list[tuple[int, int, int, int]] = []
        off = 0
        for n in range(start.line, len(self.lines)):
            raw = self.lines[n]
            if not raw.strip():
                if spans:
                    break
                continue
            indent = len(raw) - len(raw.lstrip())
            if spans and indent < spans[0][2]:
                break
            stripped = " ".join(raw.split())
            spans.append((off, n + 1, indent, len(stripped)))
            off += len(stripped) + 1
        if " ".join(" ".join(self.lines[n - 1].split()) for _, n, _, _ in spans) != text:
            first = spans[0] if spans else (0, start.line + 1, 0, 0)
            return lambda o: Position(start.file, first[1], first[2] + 1)

        def at(o: int) -> Position:
            for begin, line, indent, length in reversed(spans):
                if o >= begin:
                    return Position(start.file, line, indent + 1 + min(o - begin, length))
            return Position(start.file, spans[0][1], spans[0][2] + 1)
        return at


def read_yaml(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse one YAML file, refusing huge files before reading them whole."""
    return parse_bytes(read_bounded(path, max_bytes), str(path))


def read_bounded(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of one regular file, refused (LoadError) above `max_bytes` before reading."""
    p = Path(path)
    name = str(path)
    if not p.is_file():
        what = Message("a folder") if p.is_dir() else Message("not a regular file") \
            if p.exists() else Message("no such file")
        raise LoadError(Message("cannot read file: {what}", what=what), Position(name))
    try:
        size = p.stat().st_size
    except OSError as e:
        raise LoadError(Message("cannot read file: {strerror}", strerror=e.strerror),
                        Position(name)) from None
    if size > max_bytes:  # refused before reading any of it
        raise LoadError(Message("file is {size} bytes; the limit is {max_bytes} bytes", size=size,
                                max_bytes=max_bytes), Position(name))
    try:
        with p.open("rb") as fh:
            raw = fh.read(max_bytes + 1)  # bounded, should the file grow meanwhile
    except OSError as e:
        raise LoadError(Message("cannot read file: {strerror}", strerror=e.strerror),
                        Position(name)) from None
    if len(raw) > max_bytes:
        size = p.stat().st_size
        raise LoadError(Message("file is {max} bytes; the limit is {max_bytes} bytes",
                                max=max(size, len(raw)), max_bytes=max_bytes),
                        Position(name))
    return raw


def parse_bytes(raw: bytes, name: str) -> Document:
    """Parse the UTF-8 bytes of the file `name` (see `parse_yaml`)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LoadError(Message("not UTF-8 text ({reason} at byte {start})", reason=e.reason,
                                start=e.start), Position(name)) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, file: str = "<string>") -> Document:
    """Parse YAML text into plain data with positions (see module docstring).

    Built from the parser's event stream with an explicit stack, never recursively,
    so deep nesting is a clean error rather than a crash; aliases, anchors and tags
    are refused where they appear.
    """
    b = _Builder(file)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            b.feed(event)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        pos = Position(file, mark.line + 1, mark.column + 1) if mark else Position(file)
        what = e.problem or e.context or "malformed YAML"
        raise LoadError(Message("malformed YAML: {what}", what=what), pos) from None
    except yaml.YAMLError as e:
        raise LoadError(Message("malformed YAML: {e}", e=e), Position(file)) from None
    return Document(file, b.root, b.positions, b.keys, b.styles, text.splitlines())


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.positions: dict[Path_, Position] = {}
        self.keys: dict[Path_, Position] = {}
        self.styles: dict[Path_, str] = {}
        self.root: Any = None
        self.documents = 0
        # each frame: [container, path, pending key or None (mappings), key position]
        self.stack: list[list[Any]] = []

    def pos(self, event: yaml.Event) -> Position:
        return Position(self.file, event.start_mark.line + 1, event.start_mark.column + 1)

    def feed(self, event: yaml.Event) -> None:
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise LoadError(Message("a statute file holds one YAML document; remove the '---'"),
                                self.pos(event))
            return
        if kind in _IGNORED:
            return
        if kind is yaml.AliasEvent:
            raise LoadError(Message("YAML aliases (*name) are not allowed in statute files; "
                                    "write the value out"), self.pos(event))
        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            self.stack.pop()
            return
        if event.tag is not None and event.tag != "!":  # type: ignore[attr-defined]
            raise LoadError(Message("YAML tags ({tag}) are not allowed; quote the value to "
                                    "make it text", tag=event.tag), self.pos(event))
        if self.stack and isinstance(self.stack[-1][0], dict) and self.stack[-1][2] is None:
            self.key(event)
            return
        if kind is yaml.ScalarEvent:
            path = self.place(event, self.scalar(event))
            if event.style:  # type: ignore[attr-defined]
                self.styles[path] = event.style  # type: ignore[attr-defined]
        elif kind is yaml.MappingStartEvent:
            self.open(event, {})
        else:
            self.open(event, [])

    def key(self, event: yaml.Event) -> None:
        if type(event) is not yaml.ScalarEvent:
            raise LoadError(Message("mapping keys must be plain strings"), self.pos(event))
        frame = self.stack[-1]
        key = event.value  # type: ignore[attr-defined]
        if key == "<<" and not event.style:  # type: ignore[attr-defined]
            raise LoadError(Message("YAML merge keys (<<) are not allowed"), self.pos(event))
        if key in frame[0]:
            first = self.keys[frame[1] + (key,)]
            raise LoadError(Message("duplicate key {key!r} (first at line {line})", key=key,
                                    line=first.line),
                            self.pos(event), field=key)
        frame[2] = key
        self.keys[frame[1] + (key,)] = self.pos(event)

    def place(self, event: yaml.Event, value: Any) -> Path_:
        if not self.stack:
            path: Path_ = ()
            self.root = value
        else:
            frame = self.stack[-1]
            if isinstance(frame[0], dict):
                path = frame[1] + (frame[2],)
                frame[0][frame[2]] = value
                frame[2] = None
            else:
                path = frame[1] + (len(frame[0]),)
                frame[0].append(value)
        self.positions[path] = self.pos(event)
        return path

    def where(self) -> str:
        """The dotted key of the scalar being read (`facts.document.file_closed_on`)."""
        if not self.stack:
            return ""
        frame = self.stack[-1]
        tail = (frame[2],) if isinstance(frame[0], dict) else (len(frame[0]),)
        return ".".join(str(p) for p in (*frame[1], *tail))

    def open(self, event: yaml.Event, container: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise LoadError(Message("nested more than {MAX_DEPTH} levels deep",
                                    MAX_DEPTH=MAX_DEPTH), self.pos(event))
        path = self.place(event, container)
        self.stack.append([container, path, None])

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        text = event.value
        if event.style:  # quoted or block: always a string
            return text
        if text in _NULL:
            return None
        if text == "true":
            return True
        if text == "false":
            return False
        if _INT.match(text):
            if len(text) > 30:
                raise LoadError(Message("number {text}... has {n} digits; too large",
                                        text=text[:12], n=len(text)),
                                self.pos(event))
            return int(text)
        if _DEC.match(text):
            if len(text) > 60:
                raise LoadError(Message("number {text}... has {n} digits; too large",
                                        text=text[:12], n=len(text)),
                                self.pos(event))
            return Decimal(text)
        if _DATE.match(text):
            try:
                return _dt.date.fromisoformat(text)
            except ValueError:
                key = self.where()
                raise LoadError(Message("{text!r} is not a valid calendar date", text=text),
                                self.pos(event),
                                field=key or None) from None
        return text


_IGNORED = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)
