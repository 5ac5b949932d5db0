"""What may be typed at the cursor: the rulebook's names in an expression, an enum's
values inside `in (...)` or after `==`/`!=`, decision ids after `decision:`, act ids
after `amended_by:`, parameters after `same_as:`, each with what it is."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from engine.expr.helpers import HELPERS
from engine.kinds import STATUSES
from engine.lsp.hover import SPECIAL_FORM_DOCS
from engine.lsp.symbols import PROSE, Analysis, Symbol

__all__ = ["Item", "complete"]


@dataclass(frozen=True, slots=True)
class Item:
    label: str
    kind: str  # fact | parameter | definition | decision | act | helper | value | rule
    detail: str
    documentation: str
    insert: str  # the text that replaces [start, cursor) of the line
    start: int  # 0-based column where the replaced text begins


_KEY = re.compile(r"^\s*(?:-\s+)?(?:.*[{,]\s*)?(?P<key>[A-Za-z_]+):\s*(?P<rest>.*)$")
_COMPARED = re.compile(r"(?P<name>[A-Za-z_][\w.]*(?:\([\w.]*\))?)\s*(?:==|!=)\s*"
                       r"(?P<q>['\"]?)(?P<partial>\w*)$")
_LISTED = re.compile(r"(?P<name>[A-Za-z_][\w.]*(?:\([\w.]*\))?)\s+(?:not\s+)?in\s*[(\[]"
                     r"(?:[^)\]]*,)?\s*(?P<q>['\"]?)(?P<partial>\w*)$")
_PARTIAL = re.compile(r"[A-Za-z_][\w.]*$")
_PARTIAL_ID = re.compile(r"[\w.\-]*$")

BY_KEY = {"decision": ("decision",), "amended_by": ("act",), "act": ("act",),
          "ended_by": ("act",), "baseline": ("act",), "same_as": ("parameter",),
          "overrides": ("rule",)}
"""Keys whose value is a name of one kind (the rest of the keys hold expressions)."""


def complete(a: Analysis, line: str, col: int, key: str | None = None) -> list[Item]:
    """The items offered at 0-based `col` of `line`, inside the value of `key` (found on
    the line when not given: the caller knows it from the parsed file, which sees a
    folded text's continuation lines)."""
    before = line[:col]
    keyed = _KEY.match(before)
    key = keyed["key"] if keyed else key
    if key in PROSE:
        return []
    for pattern in (_LISTED, _COMPARED):
        m = pattern.search(before)
        if m:
            values = _enum_values(a, m["name"])
            if values is not None:
                q = m["q"] or "'"
                start = m.start("partial") - len(m["q"])
                return [Item(v, "value", f"a value of {m['name']}", "", f"{q}{v}{q}", start)
                        for v in values if v.startswith(m["partial"])]
    partial = (_PARTIAL_ID if key in BY_KEY else _PARTIAL).search(before)
    typed = partial.group() if partial else ""
    start = col - len(typed)
    if key in BY_KEY:
        return [i for i in _names(a, BY_KEY[key], start) if i.label.startswith(typed)]
    kinds = ("fact", "parameter", "definition", "decision", "helper")
    return [i for i in _names(a, kinds, start) if i.label.startswith(typed)]


def _names(a: Analysis, kinds: tuple[str, ...], start: int) -> Iterator[Item]:
    for s in a.index.symbols.values():
        if s.kind in kinds:
            yield Item(s.name, s.kind, _detail(s), _doc(s), s.name, start)
    if "rule" in kinds:
        for s in a.index.rules.values():
            yield Item(s.name, "rule", f"rule [{s.spec.get('cite')}]", _doc(s), s.name, start)
    if "helper" in kinds:
        for h in HELPERS.values():
            yield Item(h.name, "helper", f"({', '.join(h.args)}) → {h.returns}", h.doc,
                       h.name, start)
        for name, doc in SPECIAL_FORM_DOCS.items():
            yield Item(name, "helper", "special form", doc, name, start)


def _detail(s: Symbol) -> str:
    spec = s.spec
    if s.kind == "fact":
        return f"fact: {spec.get('type')}"
    if s.kind == "act":
        return f"act in force {spec.get('in_force')}"
    return f"{s.kind}: {spec.get('type', '')}".rstrip(": ")


def _doc(s: Symbol) -> str:
    spec = s.spec
    for key in ("description", "title", "text"):
        if spec.get(key):
            text = " ".join(str(spec[key]).split())
            return f"{text} ({spec['cite']})" if spec.get("cite") else text
    return ""


def _enum_values(a: Analysis, name: str) -> list[str] | None:
    """The values `name` may be compared with: an enum fact's, a finding decision's, the
    statuses for `status(...)`; None when it has none."""
    if name.startswith("status("):
        return sorted(set(STATUSES) - {"undetermined"})
    s = a.index.symbols.get(name)
    if s is None:
        return None
    values = s.spec.get("values")
    if isinstance(values, list) and values:
        return [str(v) for v in values]
    return None
