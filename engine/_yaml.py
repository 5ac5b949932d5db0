"""Safe YAML reading that keeps positions and reads scalars as YAML 1.2 would.

PyYAML resolves YAML 1.1 (`no` -> False, `010` -> 8, `1.5` -> float). Rulebooks hold
law and money, so scalars are resolved here instead: only `true`/`false` are
booleans, numbers with a fraction are exact `Decimal`s from their text, integers
with a leading zero are kept as strings (so a schema rejects them), and ISO dates
become `datetime.date`. Aliases and duplicate keys are errors. Every value's
position is recorded by its path so that schema errors can name line and column.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import LoadError, Position

try:  # the C parser is several times faster; positions are the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """No implicit resolvers: every untagged scalar composes as a string, resolved below."""

    yaml_implicit_resolvers: dict = {}

__all__ = ["Document", "read_yaml", "parse_yaml", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 1_000_000

Path_ = tuple  # a path into the document: keys and list indexes

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_DEC = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_NULL = {"null", "~", ""}
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


class Document:
    """A parsed YAML file: its data and the position of every value in it."""

    __slots__ = ("file", "data", "positions")

    def __init__(self, file: str, data: Any, positions: dict[Path_, Position]):
        self.file = file
        self.data = data
        self.positions = positions

    def pos(self, path: Path_ = ()) -> Position:
        """Position of the value at `path`, or of its nearest enclosing value."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, Position(self.file, 1, 1))


def read_yaml(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse one YAML file, refusing huge files before reading them whole."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise LoadError(f"cannot read file: {e.strerror}", Position(name)) from None
    if size > max_bytes:
        raise LoadError(f"file is {size} bytes; the limit is {max_bytes} bytes", Position(name))
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise LoadError(f"not UTF-8 text ({e.reason} at byte {e.start})", Position(name)) from None
    except OSError as e:
        raise LoadError(f"cannot read file: {e.strerror}", Position(name)) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, file: str = "<string>") -> Document:
    """Parse YAML text into plain data with positions (see module docstring)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        pos = Position(file, mark.line + 1, mark.column + 1) if mark else Position(file)
        what = e.problem or e.context or "malformed YAML"
        raise LoadError(f"malformed YAML: {what}", pos) from None
    except yaml.YAMLError as e:
        raise LoadError(f"malformed YAML: {e}", Position(file)) from None
    positions: dict[Path_, Position] = {}
    if node is None:
        return Document(file, None, positions)
    data = _Builder(file, positions).build(node, ())
    return Document(file, data, positions)


class _Builder:
    def __init__(self, file: str, positions: dict[Path_, Position]):
        self.file = file
        self.positions = positions
        self.seen: set[int] = set()

    def pos(self, node: yaml.Node) -> Position:
        return Position(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        # The composer returns the anchored node again for each alias: seeing a
        # node twice is an alias, and refusing it defeats "billion laughs" bombs.
        if id(node) in self.seen:
            raise LoadError("YAML aliases (*name) are not allowed in statute files; "
                            "write the value out", self.pos(node))
        self.seen.add(id(node))
        self.positions[path] = self.pos(node)
        if isinstance(node, yaml.MappingNode):
            if node.tag not in (_MAP_TAG,):
                raise LoadError(f"unsupported YAML tag {node.tag}", self.pos(node))
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                if knode.tag == "tag:yaml.org,2002:merge":
                    raise LoadError("YAML merge keys (<<) are not allowed", self.pos(knode))
                if not isinstance(knode, yaml.ScalarNode):
                    raise LoadError("mapping keys must be plain strings", self.pos(knode))
                key = knode.value
                if key in out:
                    first = self.positions[path + (key,)]
                    raise LoadError(f"duplicate key {key!r} (first at line {first.line})",
                                    self.pos(knode), field=key)
                out[key] = self.build(vnode, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise LoadError(f"unsupported YAML tag {node.tag}", self.pos(node))
            return [self.build(v, path + (i,)) for i, v in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        if node.tag != _STR_TAG:
            raise LoadError(f"unsupported YAML tag {node.tag}", self.pos(node))
        if node.style:  # quoted or block: always a string
            return text
        if text in _NULL:
            return None
        if text == "true":
            return True
        if text == "false":
            return False
        if _INT.match(text):
            return int(text)
        if _DEC.match(text):
            return Decimal(text)
        if _DATE.match(text):
            try:
                return _dt.date.fromisoformat(text)
            except ValueError:
                raise LoadError(f"{text!r} is not a valid calendar date", self.pos(node)) from None
        return text
