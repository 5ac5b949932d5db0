"""The arithmetic of a step: each comparison and limit an expression made, with its operands.

A trace step records the inputs it decided on (the case's facts, the parameter values in
force, a copy of its scope); this module walks the step's checked tree over those inputs
with the one three-valued evaluator (`evaluate3`'s walker), following the path the
expression took — `and`/`or` stop at the value that decides, `x if c else y` reads one
branch — so a comparison is listed only where the expression made it. Each comparison
(`a < b <= c`) and each limit (`min(...)`, `max(...)`) gives its operands' source, their
values, the names each operand read with their values, and the result.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from engine.expr._kleene import (NoValue, OutsideSeries, Unknown, _path, _Walker,
                                 compare_values)

__all__ = ["Operand", "Comparison", "comparisons", "worked"]

_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
        ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
_LIMITS = frozenset({"min", "max"})
_ABSENCE_OK = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)
_STOPS = (NoValue, OutsideSeries, ArithmeticError, ValueError, TypeError, KeyError)


@dataclass(frozen=True, slots=True)
class Operand:
    """One side of a comparison (or one argument of a limit), as the step read it."""

    source: str
    value: Any  # the value, or Unknown
    reads: tuple[tuple[str, Any], ...]  # the facts and parameters it read, with values
    leaf: bool  # a name or a literal on its own: nothing to work out

    def as_dict(self) -> dict:
        from engine.trace import to_json_value
        return {"expression": self.source, "value": to_json_value(self.value),
                "reads": {k: to_json_value(v) for k, v in self.reads}}


@dataclass(frozen=True, slots=True)
class Comparison:
    """`a op b [op c ...]`, or a limit `min(a, b)`: operands, operators and the result."""

    source: str
    kind: str  # "compare" | "min" | "max"
    operands: tuple[Operand, ...]
    operators: tuple[str, ...]  # between the operands (empty for a limit)
    result: Any  # True/False/Unknown for a comparison; the value chosen for a limit

    def as_dict(self) -> dict:
        from engine.trace import to_json_value
        d: dict[str, Any] = {"expression": self.source, "kind": self.kind,
                             "operands": [o.as_dict() for o in self.operands],
                             "result": to_json_value(self.result)}
        if self.operators:
            d["operators"] = list(self.operators)
        return d


def comparisons(tree: ast.AST, F: Mapping[str, Any], P: Mapping[str, Any],
                S: Mapping[str, Any]) -> tuple[Comparison, ...]:
    """The comparisons and limits `tree` made on these inputs, in the order it made them.

    `P` is copied, so reading a parameter at a date (`at`) does not add to the reads the
    decision recorded. An expression that cannot be walked again (a decision with no
    value, a date outside a series) lists what it made before that point."""
    reads = list(P.get("@reads", ())) if isinstance(P, Mapping) else []
    walker = _Walker(F, {**P, "@reads": reads} if P else P, S)
    out: list[Comparison] = []
    try:
        _visit(walker, tree.body if isinstance(tree, ast.Expression) else tree, out)
    except _STOPS:
        pass
    return tuple(out)


def worked(tree: ast.AST, F: Mapping[str, Any], P: Mapping[str, Any],
           S: Mapping[str, Any]) -> Operand | None:
    """A value's expression as one operand: its value and every name it read with its
    value (the decisions it read too), to write the arithmetic out; None if it cannot
    be walked again."""
    reads = list(P.get("@reads", ())) if isinstance(P, Mapping) else []
    walker = _Walker(F, {**P, "@reads": reads} if P else P, S)
    body = tree.body if isinstance(tree, ast.Expression) else tree
    try:
        return _operand(walker, body, False)
    except _STOPS:
        return None


_UNSEEN: Any = object()  # _visit did not compute the node's value


def _visit(w: _Walker, node: ast.AST, out: list[Comparison]) -> Any:
    """List the comparisons `node` makes; its value when that was computed on the way."""
    if isinstance(node, ast.Compare):
        return _compare(w, node, out)
    if isinstance(node, ast.BoolOp):
        stop = isinstance(node.op, ast.Or)
        for v in node.values:
            seen = _visit(w, v, out)
            if (w.value(v) if seen is _UNSEEN else seen) is stop:
                break
    elif isinstance(node, ast.UnaryOp):
        _visit(w, node.operand, out)
    elif isinstance(node, ast.IfExp):
        seen = _visit(w, node.test, out)
        t = w.value(node.test) if seen is _UNSEEN else seen
        if not isinstance(t, Unknown):
            _visit(w, node.body if t else node.orelse, out)
    elif isinstance(node, ast.BinOp):
        _visit(w, node.left, out)
        _visit(w, node.right, out)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name in ("given", "stated", "date", "status"):
            return _UNSEEN
        args = node.args[1:] if name in ("at", "cite") else node.args
        for a in args:
            _visit(w, a, out)
        if name in _LIMITS and len(node.args) > 1:
            ops = tuple(_operand(w, a, False) for a in node.args)
            if not any(isinstance(o.value, (tuple, list, frozenset)) for o in ops):
                out.append(Comparison(_source(node), name, ops, (), w.value(node)))
    return _UNSEEN


def _compare(w: _Walker, node: ast.Compare, out: list[Comparison]) -> Any:
    nodes = [node.left, *node.comparators]
    for n in nodes:
        _visit(w, n, out)
    ops = node.ops
    operands = tuple(_operand(w, n, all(isinstance(o, _ABSENCE_OK)
                                        for o in ops[max(i - 1, 0):i + 1]))
                     for i, n in enumerate(nodes))
    result = compare_values(ops, [o.value for o in operands])  # as the walker compares
    out.append(Comparison(_source(node), "compare", operands,
                          tuple(_OPS[type(o)] for o in ops), result))
    return result


def _operand(w: _Walker, node: ast.AST, absence_ok: bool) -> Operand:
    return Operand(_source(node), w.value(node, absence_ok), tuple(_reads(w, node).items()),
                   isinstance(node, (ast.Attribute, ast.Name, ast.Constant)))


def _reads(w: _Walker, node: ast.AST) -> dict[str, Any]:
    """The facts, parameters and scope names `node` reads, each with its value."""
    out: dict[str, Any] = {}
    for name, n, path in _read_nodes(node):
        if path:
            out[name] = w.value(n, True)
        elif name in w.P or name in w.S or name in w.F:
            out[name] = w.value(n)
    return out


@lru_cache(maxsize=8192)  # nodes of compiled (immutable) trees: hashed by identity
def _read_nodes(node: ast.AST) -> tuple[tuple[str, ast.AST, bool], ...]:
    """The names under `node`, left to right: (name, its node, whether a fact path)."""
    out: dict[str, tuple[str, ast.AST, bool]] = {}
    stack = [node]
    while stack:
        n = stack.pop()
        path = _path(n)
        if path is not None:
            out.setdefault(path, (path, n, True))
            continue
        if isinstance(n, ast.Name):
            out.setdefault(n.id, (n.id, n, False))
            continue
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name):
            stack.extend(reversed(n.args[1:] if n.func.id in ("at", "cite") else n.args))
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(n))))
    return tuple(out.values())


_DECIMAL = re.compile(r"Decimal\('([^']*)'\)")


@lru_cache(maxsize=8192)  # nodes of compiled (immutable) trees: hashed by identity
def _source(node: ast.AST) -> str:
    """The operand as the rule wrote it (the checker's exact `Decimal('1.5')` as 1.5)."""
    return _DECIMAL.sub(r"\1", ast.unparse(node))
