"""Every name a rulebook defines, where, and every place an expression names one.

Read from the YAML documents themselves (with positions), not from the loaded rulebook,
so navigation keeps working while a buffer does not load; what a name *means* (a
parameter's values, a decision's rules) comes from the last rulebook that loaded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from engine.errors import Position
from engine.lsp.documents import parse
from engine.load.yaml import Document

__all__ = ["Symbol", "Occurrence", "Index", "Analysis", "build_index", "word_at", "name_at",
           "enclosing_rule", "enclosing_key", "resolve", "NAME", "PROSE"]

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
"""A name in an expression: a fact (`child.birth_date`), a parameter, a definition, ..."""
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")

PROSE = frozenset({"text", "title", "description", "reading", "source", "note", "cite",
                   "citation", "assumption", "message", "article", "why", "name", "hit",
                   "key", "kind", "type", "values", "confidence", "currency", "mode"})
"""Keys whose values are words for readers, never expressions or names."""


@dataclass(frozen=True, slots=True)
class Symbol:
    kind: str  # fact | parameter | definition | decision | act | rule
    name: str
    position: Position  # where it is defined (1-based line and column)
    spec: Mapping[str, Any]  # what the YAML says of it


@dataclass(frozen=True, slots=True)
class Occurrence:
    name: str  # the symbol named
    position: Position  # where the name begins
    length: int  # characters of the name as written (a field after it not counted)


def _facts(doc: Document) -> Iterator[Symbol]:
    for name, spec in _mapping(doc.data, "facts").items():
        if not isinstance(spec, dict):
            continue
        yield Symbol("fact", name, doc.key_pos(("facts", name)), spec)
        for field, fspec in (spec.get("fields") or {}).items() if isinstance(
                spec.get("fields"), dict) else ():
            if isinstance(fspec, dict):  # a list of records: `parts.days` reads one field
                yield Symbol("fact", f"{name}.{field}", doc.key_pos(("facts", name, "fields",
                                                                     field)),
                             {**spec, **fspec, "of": None})


def _named(section: str, kind: str) -> Callable[[Document], Iterator[Symbol]]:
    def found(doc: Document) -> Iterator[Symbol]:
        for name, spec in _mapping(doc.data, section).items():
            if isinstance(spec, dict):
                yield Symbol(kind, name, doc.key_pos((section, name)), spec)
    return found


def _parameter(doc: Document) -> Iterator[Symbol]:
    if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
        yield Symbol("parameter", doc.data["id"], doc.pos(("id",)), doc.data)


def _acts(doc: Document) -> Iterator[Symbol]:
    acts = doc.data.get("acts") if isinstance(doc.data, dict) else None
    for i, act in enumerate(acts if isinstance(acts, list) else ()):
        if isinstance(act, dict) and isinstance(act.get("id"), str):
            yield Symbol("act", act["id"], doc.pos(("acts", i, "id")), act)


def _rules(doc: Document) -> Iterator[Symbol]:
    rules = doc.data.get("rules") if isinstance(doc.data, dict) else None
    for i, rule in enumerate(rules if isinstance(rules, list) else ()):
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            yield Symbol("rule", rule["id"], doc.pos(("rules", i, "id")), rule)


DEFINERS: dict[str, Callable[[Document], Iterator[Symbol]]] = {
    "facts.yaml": _facts,
    "decisions.yaml": _named("decisions", "decision"),
    "definitions.yaml": _named("definitions", "definition"),
    "amendments.yaml": _acts,
    "parameters": _parameter,
    "articles": _rules,
}
"""Which file defines which names: by file name, or by folder for parameters and articles."""


class Index:
    """The names of one rulebook (as its buffers stand) and where each is named."""

    def __init__(self, root: Path, docs: Mapping[str, Document]):
        self.root = root
        self.docs = dict(docs)  # relative path -> parsed document
        self.symbols: dict[str, Symbol] = {}
        self.rules: dict[str, Symbol] = {}
        for rel, doc in self.docs.items():
            definer = DEFINERS.get(rel) or DEFINERS.get(rel.partition("/")[0] if "/" in rel
                                                        else "")
            for s in definer(doc) if definer else ():
                (self.rules if s.kind == "rule" else self.symbols).setdefault(s.name, s)
        self._occurrences: list[Occurrence] | None = None

    def doc_for(self, file: str | Path) -> Document | None:
        p = Path(file)
        rel = str(p.relative_to(self.root)) if self.root in p.parents else str(p)
        return self.docs.get(rel)

    def lookup(self, name: str) -> Symbol | None:
        return self.symbols.get(name) or self.rules.get(name)

    def occurrences(self) -> list[Occurrence]:
        """Every name of a symbol written in an expression or a name-valued key."""
        if self._occurrences is None:
            self._occurrences = [o for doc in self.docs.values() for o in self._scan(doc)]
        return self._occurrences

    def _scan(self, doc: Document) -> Iterator[Occurrence]:
        for path, text in _strings(doc.data, ()):
            flat = " ".join(text.split())
            locate = doc.locate(path, flat)
            blanked = _QUOTED.sub(lambda m: " " * len(m.group()), flat)
            for m in NAME.finditer(blanked):
                name = resolve(m.group(), self.symbols)
                if name is not None:
                    yield Occurrence(name, locate(m.start()), len(name))


def resolve(chain: str, symbols: Mapping[str, Any]) -> str | None:
    """The symbol a dotted name stands for: the longest prefix that is one (`fine.min`
    reads the record parameter `fine`)."""
    parts = chain.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in symbols:
            return name
    return None


def build_index(root: Path, overlay: Mapping[str, str]) -> Index:
    """The index of the rulebook at `root` with the editor's buffers `overlay`."""
    return Index(root, dict(parse(root, overlay)))


def _mapping(data: Any, key: str) -> dict:
    section = data.get(key) if isinstance(data, dict) else None
    return section if isinstance(section, dict) else {}


def _strings(data: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every string that may name a symbol: not under a prose key."""
    stack = [(path, data)]
    while stack:
        at, value = stack.pop()
        if isinstance(value, str):
            if not at or not (isinstance(at[-1], str) and at[-1] in PROSE) and not (
                    len(at) >= 2 and at[-2] in PROSE and isinstance(at[-1], int)):
                yield at, value
        elif isinstance(value, dict):
            stack.extend((at + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((at + (i,), v) for i, v in enumerate(value))


@dataclass(frozen=True)
class Analysis:
    """What the features read: the index of the buffers as they stand, the last rulebook
    that loaded (None before any did), and the day taken as today."""

    index: Index
    rulebook: Any  # engine.Rulebook | None
    today: Any  # datetime.date

    def rule(self, rule_id: str) -> Any:
        """The loaded rule of that id, or None."""
        rb = self.rulebook
        if rb is None:
            return None
        for d in rb.decisions.values():
            for r in (d.applicable_date, *d.rules):
                if r.id == rule_id:
                    return r
        return None


_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_][A-Za-z0-9_\-]*)*")
"""An id as written after `amended_by:` (acts are named `X-1710`, `lfa-2020`)."""


def name_at(index: Index, line: str, col: int) -> str | None:
    """The symbol or rule named under column `col` (0-based) of `line`, or None."""
    for pattern in (_ID, NAME):  # an act id with dashes first; else a name of expressions
        found = word_at(line, col, pattern)
        if found is None:
            continue
        name = resolve(found[0], index.symbols)
        if name is not None:
            return name
        if found[0] in index.rules:
            return found[0]
    return None


def word_at(line: str, col: int, pattern: re.Pattern = NAME) -> tuple[str, int, int] | None:
    """The dotted name under column `col` (0-based) of `line`: (name, start, end)."""
    for m in pattern.finditer(line):
        if m.start() <= col <= m.end():
            return m.group(), m.start(), m.end()
        if m.start() > col:
            break
    return None


def enclosing_rule(index: Index, file: str, line: int) -> Symbol | None:
    """The rule written around 1-based `line` of `file`: the last that begins before it."""
    best = None
    for s in index.rules.values():
        if s.position.file == file and s.position.line <= line and (
                best is None or s.position.line > best.position.line):
            best = s
    return best


def enclosing_key(doc: Document, line: int, col: int) -> str | None:
    """The key whose value holds 1-based `line`, `col` of `doc`: the last key written
    before it (a folded text's continuation lines belong to the key above them)."""
    best: tuple[int, int] | None = None
    key = None
    for path, pos in doc.keys.items():
        at = (pos.line, pos.col)
        if at < (line, col) and (best is None or at > best):
            best, key = at, path[-1]
    return key if isinstance(key, str) else None
