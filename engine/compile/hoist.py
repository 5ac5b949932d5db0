"""What a sum decides alike on every day: computed once per case, not once per segment.

A sum decides its rules once per segment, and most of what its conditions compute does
not depend on the day: a test of a fact (`parent.residence_basis != 'none'`), or the
date the day is compared with (`birthday(child.birth_date, 2)`). `Hoister` rewrites the
inlined Python of the per-day code so that each such subexpression — the largest parts
that read only facts, constants, `on` and `period_start` — is a name computed once
before the segments, and the same subexpression written twice (in two rules, or as a
landmark of the cut points) is computed once.

Computing a part ahead of the day that needs it may compute one the rules would not have
reached (behind a `when` that never holds); that part may fail where the rules would
not. The generated code therefore computes every hoisted part in one `try` and, on any
failure, decides the sum exactly as before, without them (engine.compile.codegen).
"""
from __future__ import annotations

import ast
from typing import Any, Mapping

__all__ = ["Hoister"]

_INVARIANT_SPECIALS = frozenset({"on", "period_start"})  # the same on every day of a sum
_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
           ast.NamedExpr)


class Hoister:
    """Collects the day-invariant parts of the expressions it rewrites, deduplicated."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str]] = []  # (variable, Python source), first seen first
        self._by_key: dict[str, str] = {}

    def rewrite(self, py: str, names: Mapping[str, Any]) -> str:
        """`py` (an expression's inlined Python) with its invariant parts replaced by the
        variables holding them; `names` are its globals (helpers and constants)."""
        tree = ast.parse(py, mode="eval")
        out = _Replace(self, names).visit(tree)
        return ast.unparse(out.body)

    def variable(self, node: ast.expr, names: Mapping[str, Any]) -> str | None:
        """The variable of an invariant `node` (one per distinct part), or None when the
        part is not worth a name."""
        if _trivial(node):
            return None
        key = ast.dump(_Canonical(names).visit(_copy(node)))
        var = self._by_key.get(key)
        if var is None:
            var = self._by_key[key] = f"h{len(self.parts)}"
            self.parts.append((var, ast.unparse(node)))
        return var

    def lookup(self, py: str, names: Mapping[str, Any]) -> str | None:
        """The variable already holding the whole of `py`, if one does."""
        node = ast.parse(py, mode="eval").body
        if not _invariant(node, names):
            return None
        return self._by_key.get(ast.dump(_Canonical(names).visit(_copy(node))))


def _invariant(node: ast.AST, names: Mapping[str, Any]) -> bool:
    """`node` reads only facts (F[...]), globals, and the specials fixed for the sum."""
    for n in ast.walk(node):
        if isinstance(n, _SCOPES):
            return False
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) \
                and n.value.id == "S":
            key = n.slice
            if not (isinstance(key, ast.Constant) and key.value in _INVARIANT_SPECIALS):
                return False
        elif isinstance(n, ast.Name) and n.id not in names and n.id not in ("F", "S"):
            return False  # P (a parameter in force on the day), or a local
    # a bare S (cite() writes into it) is not a subscript of it
    subs = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Subscript)}
    return not any(isinstance(n, ast.Name) and n.id == "S" and id(n) not in subs
                   for n in ast.walk(node))


def _trivial(node: ast.expr) -> bool:
    """A constant, a name or one fact read: reading it again costs what a name does."""
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
        and isinstance(node.slice, ast.Constant)


class _Replace(ast.NodeTransformer):
    def __init__(self, hoister: Hoister, names: Mapping[str, Any]):
        self.hoister, self.names = hoister, names

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.expr) and _invariant(node, self.names):
            var = self.hoister.variable(node, self.names)
            if var is not None:
                return ast.copy_location(ast.Name(var, ast.Load()), node)
            return node
        return super().generic_visit(node)


class _Canonical(ast.NodeTransformer):
    """Globals named by what they hold: two expressions name one helper differently."""

    def __init__(self, names: Mapping[str, Any]):
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.names:
            obj = self.names[node.id]
            tag = f"fn{id(obj)}" if callable(obj) else f"c{type(obj).__name__}{obj!r}"
            return ast.Name(tag, ast.Load())
        return node


def _copy(node: ast.expr) -> ast.expr:
    return ast.parse(ast.unparse(node), mode="eval").body
