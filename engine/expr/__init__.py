"""Rule expressions: parsed, whitelisted and type-checked once, compiled to a function.

The language is simpleeval's (Python expression syntax) narrowed to a whitelist:
fact names (`child.birth_date`), parameters, the special names a rule declares
(`day`, `on`, ...), other decisions, literals, `and or not`, `+ - * /`, `%` and `//`
on whole numbers, comparisons, `in` a literal list or a list fact, `x if c else y`,
and the helpers in `helpers.HELPERS` (list, text, date and rounding helpers; no
loops the writer controls). Numbers with a fraction are exact decimals; `/` is exact
decimal division. The limits are one table, `limits.py`.

`Expr.evaluate` runs the compiled function (as fast as a hand-written lambda) and
falls back to three-valued evaluation only when a fact it reads is unknown.
"""
from __future__ import annotations

import ast
import copy
import re
import warnings
from dataclasses import dataclass, field
from decimal import DecimalException
from typing import Any, Callable, Mapping

from engine.errors import EvaluationError, LoadError, Position
from engine.expr._check import CheckError, Scope, check
from engine.expr._kleene import (NOVALUE, NoValue, OutsideSeries, Unknown, dep_value, evaluate3,
                                 param_at)
from engine.expr.helpers import cited, div
from engine.expr.limits import (LIMITS, MAX_DEFINITION_NESTING, MAX_DEPTH, MAX_LENGTH,
                                MAX_NODES)
from engine.render.messages import Message

__all__ = ["Expr", "Record", "Scope", "Unknown", "Absent", "FALLBACK", "NoValue", "NOVALUE",
           "OutsideSeries",
           "compile_expression", "parse_definition", "MAX_LENGTH", "MAX_NODES", "MAX_DEPTH",
           "LIMITS"]

_SINGLE_EQ = re.compile(r"(?<![=!<>])=(?!=)")


@dataclass(frozen=True, eq=False)
class Expr:
    """A compiled expression. Immutable, so one instance is safe across threads."""

    source: str
    position: Position
    type: str
    facts: tuple[str, ...]
    params: tuple[str, ...]
    specials: tuple[str, ...]
    tree: ast.Expression = field(repr=False)
    fn: Callable[[Mapping, Mapping, Mapping], Any] = field(repr=False)
    py: str = field(repr=False, default="")  # the Python source of fn's body
    names: Mapping[str, Any] = field(repr=False, default_factory=dict)  # its globals
    decisions: tuple[str, ...] = ()  # the other decisions it reads
    series: tuple[str, ...] = ()  # parameters it reads at a date it computes (at())

    @property
    def cites(self) -> bool:
        """It calls cite(): evaluating it may name provisions the answer cites."""
        return any(v is cited for v in self.names.values())

    def evaluate(self, F: Mapping[str, Any], P: Mapping[str, Any], S: Mapping[str, Any]) -> Any:
        """Value of the expression, or `Unknown` naming the facts that would decide it."""
        try:
            return self.fn(F, P, S)
        except FALLBACK:
            pass  # a fact is missing or absent: decide with three-valued logic
        except (ArithmeticError, DecimalException, ValueError, OverflowError) as e:
            raise self._failure(e) from None
        try:
            return evaluate3(self.tree, F, P, S)
        except (ArithmeticError, DecimalException, ValueError, OverflowError,
                TypeError, KeyError) as e:
            raise self._failure(e) from None

    def _failure(self, e: Exception) -> EvaluationError:
        what = type(e).__name__ if not str(e) else f"{type(e).__name__}: {e}"
        return EvaluationError(Message("expression {source!r} failed: {what}", source=self.source,
                                       what=what), self.position)


def compile_expression(text: Any, scope: Scope, position: Position,
                       expect: str | None = None,
                       locate: Callable[[int], Position] | None = None) -> Expr:
    """Parse, check and compile `text`; raise LoadError at file:line:col on any problem.

    `locate` maps a column of the (whitespace-normalised) text to its place in the
    file, so errors inside quoted or folded YAML scalars point at the right spot.
    """
    where = locate or (lambda off: _at(position, 1, off + 1))
    if not isinstance(text, str):
        raise LoadError(Message("an expression must be text, got {name} {text!r}",
                                name=type(text).__name__, text=text),
                        position)
    src = " ".join(text.split()) if "\n" in text else text.strip()
    if not src:
        raise LoadError(Message("empty expression"), position)
    if len(src) > MAX_LENGTH:
        raise LoadError(Message("expression is {n} characters long; the limit is {MAX_LENGTH}",
                                n=len(src), MAX_LENGTH=MAX_LENGTH),
                        position)
    try:
        tree = _parse(src)
    except SyntaxError as e:
        raise LoadError(_syntax_message(src, e), where((e.offset or 1) - 1)) from None
    except (RecursionError, MemoryError, ValueError):
        raise LoadError(Message("expression is nested too deeply"), position) from None
    if scope.definitions:
        size = _expanded_size(tree, scope.definitions, {}, [])
        if size > MAX_NODES:  # counted before writing it out: a chain of definitions
            # each naming the previous many times would otherwise grow past any memory
            raise LoadError(Message("expression has {about} parts once its definitions are "
                                    "written out; the limit is {MAX_NODES}", about=_about(size),
                                    MAX_NODES=MAX_NODES), position)
        try:
            tree = _expand(tree, scope.definitions)
        except CheckError as e:
            raise LoadError(e.message, where(getattr(e.node, "col_offset", 0) or 0)) from None
    nodes = _count(tree)
    if nodes > MAX_NODES:
        raise LoadError(Message("expression has {nodes} parts; the limit is {MAX_NODES}",
                                nodes=nodes, MAX_NODES=MAX_NODES), position)
    if _depth(tree) > MAX_DEPTH:
        raise LoadError(Message("expression is nested more than {MAX_DEPTH} levels deep",
                                MAX_DEPTH=MAX_DEPTH), position)
    try:
        checked = check(tree, src, scope)
    except CheckError as e:
        raise LoadError(e.message, where(getattr(e.node, "col_offset", 0) or 0)) from None
    if expect is not None and not _fits(checked.type, expect):
        raise LoadError(Message("expression gives {type}, but {expect} is needed here: {src}",
                                type=checked.type, expect=expect, src=src),
                        position)
    names = {"_div": div, "_present": _present, "_dep": dep_value, "_param_at": param_at,
             **checked.constants}
    code = compile(f"lambda F, P, S: {checked.source}", f"<{position}>", "eval")
    fn = eval(code, {"__builtins__": {}, **names})  # noqa: S307 - source built from a whitelist
    return Expr(src, position, checked.type, tuple(checked.facts), tuple(checked.params),
                tuple(checked.specials), tree, fn, checked.source, names,
                tuple(checked.decisions), tuple(checked.series))


@dataclass(frozen=True, eq=False)
class Record:
    """The value of a record kind (a range, a period): one expression per field.

    It reads like an `Expr` (source, facts, params, evaluate) so a rule's value can be
    either; a field that is unknown makes the record unknown.
    """

    source: str
    position: Position
    type: str
    fields: tuple[tuple[str, Any], ...]  # field -> Expr, None (null) or a tuple of Exprs

    # the names its field expressions read, gathered alike for each kind of name
    facts = property(lambda self: _union(e.facts for e in self._exprs()))
    params = property(lambda self: _union(e.params for e in self._exprs()))
    specials = property(lambda self: _union(e.specials for e in self._exprs()))
    decisions = property(lambda self: _union(e.decisions for e in self._exprs()))
    series = property(lambda self: _union(e.series for e in self._exprs()))
    cites = property(lambda self: any(e.cites for e in self._exprs()))

    @property
    def names(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for e in self._exprs():
            out.update(e.names)
        return out

    @property
    def py(self) -> str:
        def one(v: Any) -> str:
            if v is None:
                return "None"
            if isinstance(v, tuple):
                return "(" + ", ".join(f"({e.py})" for e in v) + ",)"
            return f"({v.py})"
        return "{" + ", ".join(f"{k!r}: {one(v)}" for k, v in self.fields) + "}"

    def _exprs(self) -> list[Any]:
        out: list[Any] = []
        for _, v in self.fields:
            if isinstance(v, tuple):
                out.extend(v)
            elif v is not None:
                out.append(v)
        return out

    def fn(self, F: Mapping[str, Any], P: Mapping[str, Any], S: Mapping[str, Any]) -> Any:
        def one(v: Any) -> Any:
            if v is None:
                return None
            if isinstance(v, tuple):
                return tuple(e.fn(F, P, S) for e in v)
            return v.fn(F, P, S)
        return {k: one(v) for k, v in self.fields}

    def evaluate(self, F: Mapping[str, Any], P: Mapping[str, Any], S: Mapping[str, Any]) -> Any:
        out: dict[str, Any] = {}
        unknown: Unknown | None = None
        for k, v in self.fields:
            if v is None:
                out[k] = None
                continue
            vals = [e.evaluate(F, P, S) for e in (v if isinstance(v, tuple) else (v,))]
            for x in vals:
                if isinstance(x, Unknown):
                    unknown = x if unknown is None else unknown | x
            out[k] = tuple(vals) if isinstance(v, tuple) else vals[0]
        return unknown if unknown is not None else out


def _union(groups: Any) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for g in groups:
        out.update(dict.fromkeys(g))
    return tuple(out)


class Absent(Exception):
    """Raised by compiled code that reads an absent fact as a value."""


FALLBACK = (KeyError, TypeError, AttributeError, Absent)
"""What compiled code raises when a fact is missing or absent: decide it three-valued."""


def _present(v: Any) -> Any:
    if v is None:
        raise Absent
    return v


def parse_definition(text: str, position: Position) -> ast.Expression:
    """Parse a definition's text once, for `Scope.definitions` (checked where it is used)."""
    src = " ".join(text.split())
    try:
        return _parse(src)
    except SyntaxError as e:
        raise LoadError(_syntax_message(src, e), _at(position, 1, e.offset or 1)) from None
    except (RecursionError, MemoryError, ValueError):
        raise LoadError(Message("definition is nested too deeply"), position) from None


class _Expander(ast.NodeTransformer):
    """Writes each definition's expression in place of its name, as a macro would.

    The expanded tree is what is checked, compiled, walked three-valued and compared
    with simpleeval, so a definition means exactly what writing it out would mean.
    """

    def __init__(self, definitions: Mapping[str, ast.Expression]):
        self.definitions = definitions
        self.active: list[str] = []

    def visit_Name(self, node: ast.Name) -> ast.AST:
        body = self.definitions.get(node.id)
        if body is None:
            return node
        if node.id in self.active:
            chain = " -> ".join([*self.active, node.id])
            raise CheckError(Message("definition refers to itself: {chain}", chain=chain), node)
        if len(self.active) >= MAX_DEFINITION_NESTING:
            raise CheckError(Message("definitions nest more than {MAX_DEFINITION_NESTING} "
                                     "levels deep", MAX_DEFINITION_NESTING=MAX_DEFINITION_NESTING),
                             node)
        self.active.append(node.id)
        try:
            expanded = self.visit(copy.deepcopy(body.body))
        finally:
            self.active.pop()
        return ast.copy_location(expanded, node) if hasattr(expanded, "lineno") else expanded


def _expanded_size(node: ast.AST, definitions: Mapping[str, ast.Expression],
                   memo: dict[str, int], active: list[str]) -> int:
    """The parts `node` has once every definition in it is written out, without writing
    it out (each definition's size is worked out once). A definition that refers to
    itself counts 1 here: the expander reports the cycle."""
    if isinstance(node, ast.Name) and node.id in definitions:
        name = node.id
        if name in active:
            return 1
        if name not in memo:
            active.append(name)
            try:
                memo[name] = _expanded_size(definitions[name].body, definitions, memo, active)
            finally:
                active.pop()
        return memo[name]
    return 1 + sum(_expanded_size(c, definitions, memo, active)
                   for c in ast.iter_child_nodes(node))


def _about(n: int) -> str:
    return str(n) if n < 10 ** 9 else f"about 10^{len(str(n)) - 1}"


def _expand(tree: ast.Expression, definitions: Mapping[str, ast.Expression]) -> ast.Expression:
    out = _Expander(definitions).visit(tree)
    return ast.fix_missing_locations(out)  # type: ignore[no-any-return]


def _parse(src: str) -> ast.Expression:
    """Python's parser, its SyntaxWarnings kept from the user's terminal (`9if x` warns
    "invalid decimal literal" on stderr): an expression is accepted or refused, with
    the refusal worded by the checker."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(src, mode="eval")


def _fits(got: str, want: str) -> bool:
    if want == "number":
        return got in ("int", "decimal")
    if want == "decimal":
        return got in ("int", "decimal")
    return got == want


def _at(position: Position, line: int, col: int) -> Position:
    """Position of a column inside an expression written on one line of YAML."""
    if not position.line:
        return position
    return Position(position.file, position.line + line - 1, position.col + col - 1)


def _syntax_message(src: str, e: SyntaxError) -> str:
    if _SINGLE_EQ.search(src):
        return Message("'=' assigns; use '==' to compare")
    return Message("syntax error: {msg}", msg=e.msg)


def _count(tree: ast.AST) -> int:
    return sum(1 for _ in ast.walk(tree))


def _depth(node: ast.AST, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    return max([_depth(c, level + 1) for c in ast.iter_child_nodes(node)], default=level)

