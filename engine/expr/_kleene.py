"""Three-valued evaluation, used only when a fact an expression reads is unknown.

The compiled fast path handles every case whose facts are all known. When it meets a
missing fact (or an absent one used as a value), evaluation falls back here: the
same tree is walked with Kleene logic, so `false and ?` is false, `true or ?` is
true, and anything else that touches an unknown is `Unknown` carrying the names of
the facts that would decide it.
"""
from __future__ import annotations

import ast
import operator as op
from typing import Any, Callable, Mapping

from engine.expr.helpers import HELPERS, cited, div, project

__all__ = ["Unknown", "evaluate3", "NoValue", "NOVALUE", "dep_value", "OutsideSeries",
           "param_at"]


class Unknown:
    """A value not determined by the case; `names` are the facts that would decide it."""

    __slots__ = ("names",)

    def __init__(self, names: frozenset[str]):
        self.names = names

    def __repr__(self) -> str:
        return f"Unknown({sorted(self.names)})"

    def __or__(self, other: "Unknown") -> "Unknown":
        return Unknown(self.names | other.names)


class NoValue(Exception):
    """An expression read the value of a decision that has none (refused, not applicable,
    not covered): the reading decision takes its declared `no_value` status."""

    def __init__(self, decision: str):
        super().__init__(decision)
        self.decision = decision


class _NoValueMark:
    __slots__ = ()

    def __repr__(self) -> str:
        return "no value"


NOVALUE: Any = _NoValueMark()
"""Stands in the facts for a decision that has no value; reading it raises NoValue."""


def dep_value(v: Any, decision: str) -> Any:
    """A decision's value as an expression reads it (compiled code calls this too)."""
    if v is NOVALUE:
        raise NoValue(decision)
    return v


class OutsideSeries(Exception):
    """at(parameter, date) found no value in force on the date: the decision that read
    it is not_covered."""

    def __init__(self, name: str, day: Any):
        super().__init__(f"{name} on {day}")
        self.name, self.day = name, day


def param_at(P: Any, name: str, day: Any) -> Any:
    """The value of parameter `name` in force on `day`, recorded for the trace.

    `P` holds the series under '@name' (put there by the compiled decision) and collects
    the values read under '@reads'."""
    pv = P["@" + name].at(day)
    if pv is None:
        raise OutsideSeries(name, day)
    P.setdefault("@reads", []).append((name, day, pv))
    return pv.value


_CMP: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: op.eq, ast.NotEq: op.ne, ast.Lt: op.lt, ast.LtE: op.le, ast.Gt: op.gt,
    ast.GtE: op.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.Is: lambda a, b: a is b, ast.IsNot: lambda a, b: a is not b,
}
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: op.add, ast.Sub: op.sub, ast.Mult: op.mul, ast.Div: div, ast.Mod: op.mod,
    ast.FloorDiv: op.floordiv,
}
_ABSENCE_OK = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)


class _Walker:
    __slots__ = ("F", "P", "S")

    def __init__(self, F: Mapping[str, Any], P: Mapping[str, Any], S: Mapping[str, Any]):
        self.F, self.P, self.S = F, P, S

    def value(self, node: ast.AST, absence_ok: bool = False) -> Any:
        """Evaluate `node`; a fact that is absent (None) is unknown unless absence_ok."""
        path = _path(node)
        if path is not None:
            pfield = getattr(node, "statute_param_field", None)
            if pfield is not None:  # `fine.official_min`: a field of a record parameter
                return self.P[pfield[0]][pfield[1]]
            field = getattr(node, "statute_projection", None)
            if field is not None:  # `parts.days`: a field of every record of list `parts`
                head, name = field
                if head not in self.F:
                    return Unknown(frozenset((head,)))
                return project(self.F[head], name)
            if path not in self.F:
                return Unknown(frozenset((path,)))
            v = self.F[path]
            if v is None and not absence_ok:
                return Unknown(frozenset((path,)))
            return v
        return _HANDLERS[type(node)](self, node)

    def boolop(self, node: ast.BoolOp) -> Any:
        stop = isinstance(node.op, ast.Or)  # the value that decides: True for or
        unknown: Unknown | None = None
        for v in node.values:
            r = self.value(v) if unknown is None else self.maybe(v)
            if isinstance(r, Unknown):
                unknown = r if unknown is None else unknown | r
            elif r is stop:
                return stop
        return unknown if unknown is not None else (not stop)

    def maybe(self, node: ast.AST) -> Any:
        """The value of a part that is read only if an unknown says so: reading a
        decision with no value there is unknown (no names: the unknown names them)."""
        try:
            return self.value(node)
        except NoValue:
            return Unknown(frozenset())

    def unaryop(self, node: ast.UnaryOp) -> Any:
        r = self.value(node.operand)
        if isinstance(r, Unknown):
            return r
        return (not r) if isinstance(node.op, ast.Not) else -r

    def binop(self, node: ast.BinOp) -> Any:
        a, b = self.value(node.left), self.value(node.right)
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return _join(a, b)
        return _ARITH[type(node.op)](a, b)

    def compare(self, node: ast.Compare) -> Any:
        operands = [node.left, *node.comparators]
        ops = node.ops
        values = [self.value(n, all(isinstance(o, _ABSENCE_OK) for o in ops[max(i - 1, 0):i + 1]))
                  for i, n in enumerate(operands)]
        return compare_values(ops, values)

    def ifexp(self, node: ast.IfExp) -> Any:
        t = self.value(node.test)
        if isinstance(t, Unknown):
            # which branch is read is unknown: one that reads a decision with no value
            # is unknown too (it may never be read), not the end of the decision
            a, b = self.maybe(node.body), self.maybe(node.orelse)
            if not isinstance(a, Unknown) and not isinstance(b, Unknown) and a == b:
                return a
            return t  # the condition's facts decide which branch is read: name those first
        return self.value(node.body if t else node.orelse)

    def call(self, node: ast.Call) -> Any:
        name = node.func.id  # type: ignore[attr-defined]
        if name == "given":
            path = _path(node.args[0])
            return self.F.get(path) is not None  # type: ignore[arg-type]
        if name == "stated":  # never unknown: the case wrote the fact, or it did not
            return _path(node.args[0]) in self.F.get("stated:", ())
        if name == "date":
            from engine.dates import parse_date
            return parse_date(node.args[0].value)  # type: ignore[attr-defined]
        if name == "at":
            day = self.value(node.args[1])
            if isinstance(day, Unknown):
                return day
            return param_at(self.P, node.args[0].id, day)  # type: ignore[attr-defined]
        if name == "cite":  # the value; a known one names the provision (helpers.cited)
            v = self.value(node.args[1])
            return v if isinstance(v, Unknown) else cited(self.S, node.args[0].value, v)  # type: ignore[attr-defined]
        if name == "status":
            key = "status:" + node.args[0].id  # type: ignore[attr-defined]
            return self.F[key] if key in self.F else Unknown(frozenset((node.args[0].id,)))  # type: ignore[attr-defined]
        args = [self.value(a) for a in node.args]
        unknown = [a for a in args if isinstance(a, Unknown)]
        if unknown:
            return _join(*unknown)
        # the checker may have chosen the implementation by type (sum of ints or decimals)
        return (getattr(node, "statute_impl", None) or HELPERS[name].fn)(*args)

    def name(self, node: ast.Name) -> Any:
        n = node.id
        if n in self.P:
            return self.P[n]
        if n in self.S:
            return self.S[n]
        # another decision's value: absent while it is undetermined (its missing facts
        # are named by the caller); a decision with no value cannot be read
        if n not in self.F:
            return Unknown(frozenset((n,)))
        return dep_value(self.F[n], n)

    def constant(self, node: ast.Constant) -> Any:
        return node.value

    def sequence(self, node: ast.Tuple | ast.List) -> Any:
        return frozenset(e.value for e in node.elts)  # type: ignore[attr-defined]

    def expression(self, node: ast.Expression) -> Any:
        return self.value(node.body)


_HANDLERS: dict[type, Callable[[_Walker, Any], Any]] = {
    ast.Expression: _Walker.expression, ast.BoolOp: _Walker.boolop,
    ast.UnaryOp: _Walker.unaryop, ast.BinOp: _Walker.binop, ast.Compare: _Walker.compare,
    ast.IfExp: _Walker.ifexp, ast.Call: _Walker.call, ast.Name: _Walker.name,
    ast.Constant: _Walker.constant, ast.Tuple: _Walker.sequence, ast.List: _Walker.sequence,
}


def compare_values(ops: Any, values: list) -> Any:
    """`v0 op0 v1 op1 v2 ...` with Kleene logic: False as soon as a known pair fails,
    else Unknown if a value is unknown, else True (the trace's arithmetic reuses it)."""
    unknown: Unknown | None = None
    for i, o in enumerate(ops):
        a, b = values[i], values[i + 1]
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            unknown = _join(unknown, a, b)
        elif not _CMP[type(o)](a, b):
            return False
    return unknown if unknown is not None else True


def _path(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Attribute):
        return None
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _join(*values: Any) -> Unknown:
    names: frozenset[str] = frozenset()
    for v in values:
        if isinstance(v, Unknown):
            names = names | v.names
    return Unknown(names)


def evaluate3(tree: ast.Expression, F: Mapping[str, Any], P: Mapping[str, Any],
              S: Mapping[str, Any]) -> Any:
    """Evaluate a checked tree with three-valued logic; returns a value or `Unknown`."""
    return _Walker(F, P, S).value(tree)
