"""Where a name is defined (its facts, parameter, definitions or decisions file, its
act, its rule) and every place the rulebook names it."""
from __future__ import annotations

from engine.errors import Position
from engine.lsp.symbols import Analysis, name_at

__all__ = ["definition", "references", "Place"]

Place = tuple[Position, int]  # where a name begins, and its length in characters


def definition(a: Analysis, line: str, col: int) -> Place | None:
    """Where the name at 0-based `col` of `line` is defined."""
    name = name_at(a.index, line, col)
    if name is None:
        return None
    s = a.index.lookup(name)
    return (s.position, len(name)) if s is not None else None


def references(a: Analysis, line: str, col: int, declaration: bool = True) -> list[Place]:
    """Every place the rulebook names the fact, parameter, definition, decision or act
    at the cursor (with its definition when `declaration`), in file order."""
    name = name_at(a.index, line, col)
    if name is None or name not in a.index.symbols:
        return []
    places = {(o.position, o.length) for o in a.index.occurrences() if o.name == name}
    s = a.index.symbols[name]
    if declaration:
        places.add((s.position, len(name)))
    else:
        places.discard((s.position, len(name)))
    return sorted(places, key=lambda p: (p[0].file, p[0].line, p[0].col))
