"""Whitelist, name-check, type-check and translate an expression in one pass.

The input is Python's own `ast` for the expression. Every node type has a handler
in `_Checker.handlers`; a node type without one is refused, so the language is a
whitelist, never a blocklist. Each handler returns the node's static type and the
Python source that computes it; the source is compiled once into a function.
"""
from __future__ import annotations

import ast
import difflib
import itertools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from engine import dates
from engine.expr.limits import MAX_AMOUNT, MAX_LITERAL_DIGITS, MAX_QUANTUM_PLACES
from engine.expr.helpers import (HELPERS, SPECIAL_FORMS, cited, parse_pattern, project,
                                 sum_decimal, sum_int)
from engine.render.messages import Message, message_of

_CONST_IDS = itertools.count()
_AMOUNT_DIGITS = len(str(MAX_AMOUNT)) - 1  # a number whose exponent reaches it is >= MAX_AMOUNT
NUMBERS = {"int", "decimal"}
ORDERED = {"int", "decimal", "money", "date"}
COMPARE_SYM = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
               ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is",
               ast.IsNot: "is not"}
_ABSENCE_OK = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)
BINOP_SYM = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%",
             ast.FloorDiv: "//"}


class CheckError(Exception):
    """One problem at a node; the caller turns it into a positioned LoadError."""

    def __init__(self, message: str, node: ast.AST | None = None):
        super().__init__(message)
        self.message = message
        self.node = node


@dataclass
class Scope:
    """The names an expression may read, with their static types."""

    facts: dict[str, str]  # dotted fact name -> type
    enums: dict[str, frozenset[str]]  # enum fact -> allowed values
    params: dict[str, str]  # parameter name -> type
    specials: dict[str, str]  # day, on, amount, ... -> type
    nullable: frozenset[str] = frozenset()  # facts whose value may be None (absent)
    definitions: Mapping[str, ast.Expression] = field(default_factory=dict)  # name -> parsed
    decisions: Mapping[str, str] = field(default_factory=dict)  # decision id -> value type
    rounding: tuple[Any, str] = (Decimal("0.01"), "ROUND_HALF_UP")  # the rulebook's
    # names the rulebook has that this place may not read -> why (named in the error)
    unreachable: Mapping[str, str] = field(default_factory=dict)

    def with_specials(self, specials: dict[str, str]) -> "Scope":
        """The same names, with other special names (day, value, ...)."""
        return Scope(self.facts, self.enums, self.params, specials, self.nullable,
                     self.definitions, self.decisions, self.rounding, self.unreachable)


@dataclass
class Checked:
    source: str  # Python source of the body of `lambda F, P, S: ...`
    type: str
    constants: dict[str, Any]
    facts: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    specials: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    series: list[str] = field(default_factory=list)  # parameters read at a computed date


def fact_path(node: ast.AST) -> str | None:
    """`child.birth_date` as a string, or None when the node is not a dotted name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not parts:
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class _Checker:
    def __init__(self, scope: Scope, text: str):
        self.scope = scope
        self.text = text
        self.consts: dict[str, Any] = {}
        self.facts: list[str] = []
        self.params: list[str] = []
        self.specials: list[str] = []
        self.decisions: list[str] = []
        self.series: list[str] = []
        self.raw_ok = False  # inside ==, !=, in, is: an absent (None) fact is a value
        self.handlers: dict[type, Callable[[Any], tuple[str, str]]] = {
            ast.Expression: lambda n: self.visit(n.body),
            ast.BoolOp: self.boolop,
            ast.UnaryOp: self.unaryop,
            ast.BinOp: self.binop,
            ast.Compare: self.compare,
            ast.IfExp: self.ifexp,
            ast.Call: self.call,
            ast.Name: self.name,
            ast.Attribute: self.attribute,
            ast.Constant: self.constant,
            ast.Tuple: self.sequence,
            ast.List: self.sequence,
        }

    # -- dispatch -----------------------------------------------------------
    def visit(self, node: ast.AST) -> tuple[str, str]:
        handler = self.handlers.get(type(node))
        if handler is None:
            raise CheckError(_refusal(node), node)
        return handler(node)

    def const(self, value: Any) -> str:
        # unique across expressions, so many can be inlined into one decision function
        name = f"_k{next(_CONST_IDS)}"
        self.consts[name] = value
        return name

    def literal_text(self, node: ast.AST) -> str:
        """How a number literal is written. A node expanded from a definition carries the
        definition's offsets, not this text's: its segment here is other text, so the
        number is shown by its value (the definition's own check saw how it was written)."""
        text = ast.get_source_segment(self.text, node) or ""
        value = getattr(node, "value", None)
        if isinstance(value, float):
            try:
                if float(text) == value:
                    return text
            except ValueError:
                pass
            return repr(value)
        return text

    # -- leaves -------------------------------------------------------------
    def constant(self, node: ast.Constant) -> tuple[str, str]:
        v = node.value
        if isinstance(v, bool):
            return "bool", repr(v)
        if isinstance(v, Decimal):  # a number the checker already made exact
            return "decimal", self.const(v)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            text = self.literal_text(node)
            try:  # no arithmetic: an exponent like 1e999999999999 would trap Overflow
                exact = Decimal(text)
            except (InvalidOperation, ValueError):
                exact = None  # not plain digits: refused below, with its own message
            if exact is not None and exact.is_finite():
                # the digits as written (normalize() would round them to the context's 28)
                digits = len("".join(map(str, exact.as_tuple().digits)).strip("0"))
                if exact and exact.adjusted() >= _AMOUNT_DIGITS:
                    raise CheckError(Message("the number {text!r} is {MAX_AMOUNT:.0e} or more; "
                                             "amounts and counts in a rule stay below it",
                                             text=text[:30], MAX_AMOUNT=MAX_AMOUNT), node)
                if digits > MAX_LITERAL_DIGITS:
                    raise CheckError(Message("the number {text!r} has {digits} significant "
                                             "digits; at most {MAX_LITERAL_DIGITS} (the engine "
                                             "computes 28 exactly)", text=text[:30], digits=digits,
                                             MAX_LITERAL_DIGITS=MAX_LITERAL_DIGITS), node)
        if v is None:
            raise CheckError(Message("None is only allowed in 'x is None' and 'x is not None' "
                                     "(or use given(x))"), node)
        if isinstance(v, int):
            return "int", repr(v)
        if isinstance(v, float):
            text = self.literal_text(node)
            try:
                exact = Decimal(text)
            except InvalidOperation:
                exact = None
            if exact is None or "e" in text.lower() or not exact.is_finite():
                raise CheckError(Message("write the number {text!r} as plain digits, e.g. 1.5",
                                         text=text), node)
            node.value = exact  # type: ignore[assignment]  # the tree now holds the exact literal for every reader
            return "decimal", self.const(exact)
        if isinstance(v, str):
            return "str", repr(v)
        raise CheckError(Message("literal {v!r} is not allowed", v=v), node)

    def name(self, node: ast.Name) -> tuple[str, str]:
        n = node.id
        if n.startswith("_"):
            raise CheckError(Message("names starting with '_' are not allowed ({n})", n=n), node)
        if n in self.scope.params:
            _add(self.params, n)
            return self.scope.params[n], f"P[{n!r}]"
        if n in self.scope.specials:
            _add(self.specials, n)
            return self.scope.specials[n], f"S[{n!r}]"
        if n in self.scope.decisions:
            # another decision's value: read from the facts, where the evaluator puts it
            # once decided; a decision without a value raises NoValue when read
            t = self.scope.decisions[n]
            if t in ("range", "period"):
                raise CheckError(Message("decision {n!r} is a {t}; its value cannot be used in "
                                         "an expression (read status({n}) instead)", n=n, t=t),
                                 node)
            _add(self.decisions, n)
            return t, f"_dep(F[{n!r}], {n!r})"
        if n in HELPERS or n in SPECIAL_FORMS:
            raise CheckError(Message("{n} is a function: call it as {n}(...)", n=n), node)
        if n in ("true", "false", "null", "none"):
            raise CheckError(Message("unknown name {n!r}; in an expression write {get}", n=n,
                                     get={'true': 'True', 'false': 'False'}.get(n, 'None')), node)
        if n in self.scope.unreachable:
            raise CheckError(Message("{n!r} cannot be read here: {unreachable}", n=n,
                                     unreachable=self.scope.unreachable[n]), node)
        known = [*self.scope.params, *self.scope.specials, *self.scope.facts,
                 *self.scope.decisions]
        raise CheckError(Message("unknown name {n!r}{suggest}", n=n, suggest=_suggest(n, known)),
                         node)

    def attribute(self, node: ast.Attribute) -> tuple[str, str]:
        path = fact_path(node)
        if path is None:
            raise CheckError(Message("attribute access is only allowed in fact names like "
                                     "child.birth_date"),
                             node)
        if "__" in path or any(p.startswith("_") for p in path.split(".")):
            raise CheckError(Message("names starting with '_' are not allowed ({path})", path=path),
                             node)
        if path not in self.scope.facts:
            head, _, name = path.partition(".")
            if head in self.scope.params:
                return self.param_field(node, head, name)
            return self.projection(node, path)
        _add(self.facts, path)
        if path in self.scope.nullable and not self.raw_ok:
            # used as a value, an absent fact is unknown: _present raises, and the
            # three-valued walker reports the fact as missing
            return self.scope.facts[path], f"_present(F[{path!r}])"
        return self.scope.facts[path], f"F[{path!r}]"

    def param_field(self, node: ast.Attribute, param: str, name: str) -> tuple[str, str]:
        """`fine.official_min` for a record-valued parameter `fine`: one field of the value
        in force (the trace shows the whole record with its date and source)."""
        fields = param_record_fields(self.scope.params[param])
        if fields is None:
            raise CheckError(Message("parameter {param!r} is a {params}, not a record: it has "
                                     "no field {name!r}", param=param,
                                     params=self.scope.params[param], name=name), node)
        if name not in fields:
            raise CheckError(Message("parameter {param!r} has no field {name!r} (its fields "
                                     "are {fields}){suggest}", param=param, name=name,
                                     fields=', '.join(fields), suggest=_suggest(name, fields)),
                             node)
        _add(self.params, param)
        node.statute_param_field = (param, name)  # type: ignore[attr-defined]  # for the walker
        return fields[name], f"P[{param!r}][{name!r}]"

    def projection(self, node: ast.Attribute, path: str) -> tuple[str, str]:
        """`parts.days` for a list-of-records fact `parts`: the list of each record's days."""
        head, _, name = path.rpartition(".")
        fields = record_fields(self.scope.facts.get(head, ""))
        if fields is None:
            raise CheckError(Message("unknown fact {path!r}{suggest}", path=path,
                                     suggest=_suggest(path, self.scope.facts)), node)
        if name not in fields:
            raise CheckError(Message("the records of {head} have no field {name!r} (their "
                                     "fields are {fields}){suggest}", head=head, name=name,
                                     fields=', '.join(fields), suggest=_suggest(name, fields)),
                             node)
        _add(self.facts, head)
        node.statute_projection = (head, name)  # type: ignore[attr-defined]  # for the walker
        return f"list[{fields[name]}]", f"{self.const(project)}(F[{head!r}], {name!r})"

    def sequence(self, node: ast.Tuple | ast.List) -> tuple[str, str]:
        if not node.elts:
            raise CheckError(Message("an empty list is not allowed"), node)
        values, types = [], set()
        for e in node.elts:
            if not isinstance(e, ast.Constant) or e.value is None:
                raise CheckError(Message("a list may hold only literal values, e.g. ('a', 'b')"),
                                 e)
            t, _ = self.constant(e)
            types.add("number" if t in NUMBERS else t)
            values.append(e.value)
        if len(types) > 1:
            raise CheckError(Message("a list mixes types {sorted}", sorted=sorted(types)), node)
        elem = types.pop()
        # a literal list is a set of values for `in` only (not a list fact: never summed)
        return (f"literal[{'decimal' if elem == 'number' else elem}]",
                self.const(frozenset(values)))

    # -- operators ----------------------------------------------------------
    def boolop(self, node: ast.BoolOp) -> tuple[str, str]:
        parts = []
        for v in node.values:
            t, s = self.visit(v)
            if t != "bool":
                raise CheckError(Message("'and'/'or' need true/false operands, got {t}", t=t), v)
            parts.append(s)
        op = " and " if isinstance(node.op, ast.And) else " or "
        return "bool", "(" + op.join(parts) + ")"

    def unaryop(self, node: ast.UnaryOp) -> tuple[str, str]:
        t, s = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            if t != "bool":
                raise CheckError(Message("'not' needs a true/false operand, got {t}", t=t), node)
            return "bool", f"(not {s})"
        if isinstance(node.op, ast.USub):
            if t not in NUMBERS | {"money"}:
                raise CheckError(Message("cannot negate a {t}", t=t), node)
            return t, f"(-{s})"
        raise CheckError(_refusal(node.op), node)

    def binop(self, node: ast.BinOp) -> tuple[str, str]:
        sym = BINOP_SYM.get(type(node.op))
        if sym is None:
            raise CheckError(_refusal(node.op), node)
        lt, ls = self.visit(node.left)
        rt, rs = self.visit(node.right)
        result = _arith_type(sym, lt, rt, _is_literal(node.left), _is_literal(node.right))
        if result is None:
            hint: str = Message(" (use add_days/add_months/days_between for dates)") \
                if "date" in (lt, rt) else ""
            if sym in ("%", "//"):
                hint = Message(" ('{sym}' takes whole numbers; for money or decimals use "
                               "round(x / y, 1, 'ROUND_FLOOR'))", sym=sym)
            elif _is_list_type(lt) or _is_list_type(rt):
                hint = Message(" (a list has no arithmetic: use sum(), min(), max() or len())")
            raise CheckError(Message("cannot compute {lt} {sym} {rt}{hint}", lt=lt, sym=sym, rt=rt,
                                     hint=hint), node)
        if sym == "/":
            return result, f"_div({ls}, {rs})"
        return result, f"({ls} {sym} {rs})"

    def compare(self, node: ast.Compare) -> tuple[str, str]:
        if len(node.ops) > 1 and any(isinstance(o, _ABSENCE_OK) for o in node.ops):
            raise CheckError(Message("chain only <, <=, >, >= (e.g. a <= x < b); split other "
                                     "comparisons with 'and'"), node)
        raw = isinstance(node.ops[0], _ABSENCE_OK)
        lt, ls = self.operand(node.left, raw)
        out, left = [ls], node.left
        for op, right in zip(node.ops, node.comparators):
            sym = COMPARE_SYM.get(type(op))
            if sym is None:
                raise CheckError(_refusal(op), node)
            if sym in ("is", "is not"):
                if not (isinstance(right, ast.Constant) and right.value is None):
                    raise CheckError(Message("'{sym}' compares only with None; use == or !=",
                                             sym=sym), node)
                out.append(f"{sym} None")
                continue
            rt, rs = self.operand(right, raw)
            self._check_comparison(sym, lt, rt, left, right, node)
            out.append(f"{sym} {rs}")
            lt, left = rt, right
        return "bool", "(" + " ".join(out) + ")"

    def operand(self, node: ast.AST, raw: bool) -> tuple[str, str]:
        self.raw_ok, saved = raw and fact_path(node) is not None, self.raw_ok
        try:
            return self.visit(node)
        finally:
            self.raw_ok = saved

    def _check_comparison(self, sym: str, lt: str, rt: str, left: ast.AST, right: ast.AST,
                          node: ast.AST) -> None:
        if sym in ("in", "not in"):
            literal = literal_elem(rt)
            elem = literal or list_elem(rt)
            if elem is None:
                raise CheckError(Message("'{sym}' needs a list on the right: a literal list "
                                         "such as ('a', 'b'), or a list fact", sym=sym), node)
            if record_fields(rt) is not None:
                raise CheckError(Message("cannot look for a {lt} in a list of records; name "
                                         "one field, e.g. x in {value}.field", lt=lt,
                                         value=fact_path(right) or 'parts'), node)
            if not _compatible(lt, elem, _is_literal(left), literal is not None):
                raise CheckError(Message("cannot look for a {lt} in a list of {elem}", lt=lt,
                                         elem=elem), node)
            self._check_enum(left, right)
            if literal is None:
                self._check_enum(right, left)  # 'x' in an enum list fact
            return
        hint: str = ""
        if _is_list_type(lt) or _is_list_type(rt):
            hint = Message(" (a list is not a single value: compare min(xs, v), max(xs, v), "
                           "sum(xs) or len(xs), or test 'x in xs')")
        if sym in ("==", "!="):
            if not _compatible(lt, rt, _is_literal(left), _is_literal(right)) or \
                    literal_elem(lt) or literal_elem(rt):
                raise CheckError(Message("cannot compare {lt} {sym} {rt}{hint}", lt=lt, sym=sym,
                                         rt=rt, hint=hint), node)
            self._check_enum(left, right)
            self._check_enum(right, left)
            return
        if lt not in ORDERED or not _compatible(lt, rt, _is_literal(left), _is_literal(right)):
            raise CheckError(Message("cannot compare {lt} {sym} {rt}{hint}", lt=lt, sym=sym, rt=rt,
                                     hint=hint), node)

    def _check_enum(self, fact_node: ast.AST, value_node: ast.AST) -> None:
        path = fact_path(fact_node)
        if path is None and isinstance(fact_node, ast.Name):
            path = fact_node.id  # a finding decision's value
        if isinstance(fact_node, ast.Call) and getattr(fact_node.func, "id", None) == "status":
            path = "status()"
        allowed = self.scope.enums.get(path or "")
        if not allowed:
            return
        if isinstance(value_node, ast.IfExp):
            self._check_enum(fact_node, value_node.body)
            self._check_enum(fact_node, value_node.orelse)
            return
        if isinstance(value_node, (ast.Tuple, ast.List)):
            values = [e.value for e in value_node.elts if isinstance(e, ast.Constant)]
        elif isinstance(value_node, ast.Constant):
            values = [value_node.value]
        else:
            return
        for v in values:
            if v not in allowed:
                close = difflib.get_close_matches(str(v), sorted(allowed), n=1, cutoff=0.6)
                hint = Message("; did you mean {name!r}?", name=close[0]) if close else ""
                raise CheckError(Message("{v!r} is not a value of {path}; it is one of "
                                         "{sorted}{hint}", v=v, path=path,
                                         sorted=', '.join(sorted(allowed)), hint=hint), value_node)

    def ifexp(self, node: ast.IfExp) -> tuple[str, str]:
        tt, ts = self.visit(node.test)
        if tt != "bool":
            raise CheckError(Message("the condition of 'if' must be true/false, got {tt}", tt=tt),
                             node.test)
        nones = [_is_none(node.body), _is_none(node.orelse)]
        if any(nones):
            # `x if c else None`: where c fails the rule gives no value (the decision is
            # then not_applicable, citing the rule; a record's field is null)
            if all(nones):
                raise CheckError(Message("one branch of 'if' may be None, not both"), node)
            t, src = self.visit(node.orelse if nones[0] else node.body)
            if t == "bool":
                raise CheckError(Message("None cannot stand for true or false; write False"), node)
            return t, (f"(None if {ts} else {src})" if nones[0] else f"({src} if {ts} else None)")
        at, as_ = self.visit(node.body)
        bt, bs = self.visit(node.orelse)
        unified = _unify(at, bt, _is_literal(node.body), _is_literal(node.orelse))
        if unified is None:
            raise CheckError(Message("both branches of 'if' must have one type, got {at} and {bt}",
                                     at=at, bt=bt), node)
        return unified, f"({as_} if {ts} else {bs})"

    def call(self, node: ast.Call) -> tuple[str, str]:
        if not isinstance(node.func, ast.Name):
            raise CheckError(Message("only the documented helpers can be called, e.g. age(a, b)"),
                             node)
        fname = node.func.id
        if node.keywords:
            raise CheckError(Message("{fname}() takes positional arguments only", fname=fname),
                             node)
        if fname in ("given", "stated"):
            path = fact_path(node.args[0]) if len(node.args) == 1 else None
            if path is None:
                raise CheckError(Message("{fname}() takes one fact name, e.g. "
                                         "{fname}(child.birth_date)", fname=fname),
                                 node)
            self.operand(node.args[0], True)
            if path not in self.scope.facts:  # a field of a list of records
                raise CheckError(Message("{fname}() takes one fact name, not a field of a "
                                         "list; write {fname}({rpartition})", fname=fname,
                                         rpartition=path.rpartition('.')[0]), node)
            if fname == "stated":
                # the case itself wrote the fact: facts.prepare lists those under 'stated:'
                return "bool", f"({path!r} in F.get('stated:', ()))"
            return "bool", f"(F.get({path!r}) is not None)"
        if fname == "date":
            arg = node.args[0] if len(node.args) == 1 else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise CheckError(Message('date() takes one literal, e.g. date("2009-01-01")'),
                                 node)
            try:
                return "date", self.const(dates.parse_date(arg.value))
            except ValueError as e:
                raise CheckError(message_of(e), arg) from None
        if fname == "status":
            arg = node.args[0] if len(node.args) == 1 else None
            if not isinstance(arg, ast.Name):
                raise CheckError(Message("status() takes one decision id, e.g. "
                                         "status(some_decision)"),
                                 node)
            if arg.id not in self.scope.decisions:
                raise CheckError(Message("unknown decision {id!r}{hint}; the decisions are "
                                         "{decisions}", id=arg.id,
                                         hint=_suggest(arg.id, self.scope.decisions),
                                         decisions=", ".join(sorted(self.scope.decisions))),
                                 arg)
            _add(self.decisions, arg.id)
            return "str", f"F[{'status:' + arg.id!r}]"
        if fname == "cite":
            # the value of x; evaluating it names a provision the answer then cites (the
            # branch of a split that applied, a counting rule the date followed)
            first = node.args[0] if len(node.args) == 2 else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)
                    and first.value.strip()):
                raise CheckError(Message("cite() takes a provision written as a literal and a "
                                         "value, e.g. cite('§ 2(1)', x)"), first or node)
            t, s = self.visit(node.args[1])
            return t, f"{self.const(cited)}(S, {first.value!r}, {s})"
        if fname == "at":
            # a parameter's value in force on a date the expression computes (not the
            # selecting date): the maximum base of a year before, a rate of another day
            if len(node.args) != 2 or not isinstance(node.args[0], ast.Name) or \
                    node.args[0].id not in self.scope.params:
                name = getattr(node.args[0], "id", "") if node.args else ""
                raise CheckError(Message("at() takes a parameter and a date, e.g. "
                                         "at(some_parameter, make_date(year(day) - 1, 1, 1))"
                                         "{hint}", hint=_suggest(name, self.scope.params)), node)
            dt_type, dt_src = self.visit(node.args[1])
            if dt_type != "date":
                raise CheckError(Message("at() reads a parameter on a date, not on a {dt_type}",
                                         dt_type=dt_type),
                                 node.args[1])
            pname = node.args[0].id
            _add(self.series, pname)
            return self.scope.params[pname], f"_param_at(P, {pname!r}, {dt_src})"
        if fname == "round":
            self._round_defaults(node)
        if fname == "matches":
            pattern = node.args[1] if len(node.args) == 2 else None
            if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str)):
                raise CheckError(Message("matches() takes a text and a literal template, e.g. "
                                         "matches(x, '{{digit:3}}-{{digit:3}}')"), pattern or node)
            try:
                parse_pattern(pattern.value)
            except ValueError as e:
                raise CheckError(Message("matches(): {e}", e=e), pattern) from None
        helper = HELPERS.get(fname)
        if helper is None:
            names = [*HELPERS, *SPECIAL_FORMS]
            raise CheckError(Message("unknown function {fname!r}{suggest}; the helpers are "
                                     "{sorted}", fname=fname, suggest=_suggest(fname, names),
                                     sorted=', '.join(sorted(names))), node)
        typed = [(self.visit(a), a) for a in node.args]
        result = self._signature(helper, typed, node)
        fn = helper.fn
        if fname == "sum":  # the zero of an empty list has the list's type
            fn = sum_int if result == "int" else sum_decimal
            node.statute_impl = fn  # type: ignore[attr-defined]  # for the walker
        return result, f"{self.const(fn)}({', '.join(s for (_, s), _ in typed)})"

    def _round_defaults(self, node: ast.Call) -> None:
        """round(x[, quantum[, mode]]): the rulebook's quantum and mode unless stated;
        written into the tree, so every reader of it rounds alike."""
        args = node.args
        if not 1 <= len(args) <= 3:
            raise CheckError(Message("round() takes a value, and optionally a quantum and a "
                                     "mode: round(x), round(x, 0.01), round(x, 1, "
                                     "'ROUND_HALF_UP')"), node)
        quantum, mode = self.scope.rounding
        if len(args) >= 2:
            q = args[1]
            text = self.literal_text(q)
            try:
                qv = Decimal(text) if isinstance(q, ast.Constant) and not isinstance(
                    q.value, (bool, str)) else None
            except InvalidOperation:
                qv = None
            if qv is None or qv <= 0 or not power_of_ten(qv):
                raise CheckError(Message("round()'s quantum must be a power of ten written as "
                                         "a number (1, 0.1, 0.01), not {text!r}", text=text), q)
            if -qv.normalize().as_tuple().exponent > MAX_QUANTUM_PLACES:  # type: ignore[operator]
                raise CheckError(Message("round()'s quantum {text!r} has more than "
                                         "{MAX_QUANTUM_PLACES} decimal places", text=text,
                                         MAX_QUANTUM_PLACES=MAX_QUANTUM_PLACES), q)
            args[1] = ast.copy_location(ast.Constant(qv.normalize()), q)  # type: ignore[arg-type]
        else:
            args.append(ast.Constant(Decimal(quantum)))  # type: ignore[arg-type]
        if len(args) == 3:
            m = args[2]
            if not (isinstance(m, ast.Constant) and m.value in _ROUNDING_MODES):
                raise CheckError(Message("round()'s mode is one of {sorted}",
                                         sorted=', '.join(sorted(_ROUNDING_MODES))),
                                 m)
        else:
            args.append(ast.Constant(mode))
        ast.fix_missing_locations(node)

    def _signature(self, helper: Any, typed: list, node: ast.AST) -> str:
        types = [t for (t, _), _ in typed]
        if helper.args == ("same",) and types and _is_list_type(types[0]):
            return self._list_extreme(helper, typed, node)
        if helper.args == ("same",):
            if len(types) < 2:
                raise CheckError(Message("{name}() needs two or more arguments", name=helper.name),
                                 node)
            t = types[0]
            for (ti, _), a in typed[1:]:
                u = _unify(t, ti, False, _is_literal(a))
                if u is None:
                    raise CheckError(Message("{name}() arguments mix {t} and {ti}",
                                             name=helper.name, t=t, ti=ti), node)
                t = u
            if t not in ORDERED:
                raise CheckError(Message("{name}() compares numbers, money or dates, not {t}",
                                         name=helper.name, t=t), node)
            return t
        if len(types) != len(helper.args):
            raise CheckError(Message("{name}() takes {n} argument(s): {doc}", name=helper.name,
                                     n=len(helper.args), doc=helper.doc),
                             node)
        for want, ((got, _), a) in zip(helper.args, typed):
            if not _accepts(want, got):
                if literal_elem(got):
                    raise CheckError(Message("{name}() reads a list fact, not a literal list: "
                                             "a literal list is only for 'x in (...)'",
                                             name=helper.name), a)
                raise CheckError(Message("{name}() expects {want} here, got {got}: {doc}",
                                         name=helper.name, want=want, got=got, doc=helper.doc), a)
        if helper.returns == "element":
            return list_elem(types[0]) or types[0]
        return types[0] if helper.returns == "same" else helper.returns

    def _list_extreme(self, helper: Any, typed: list, node: ast.AST) -> str:
        """min(xs, v) / max(xs, v): the least / greatest of the list's items and v.

        The second value is required: it is the answer for an empty list, so the result
        is always defined, and it takes part in the comparison like any item."""
        (lt, _), _ = typed[0]
        if literal_elem(lt):
            raise CheckError(Message("{name}() reads a list fact, not a literal list: write "
                                     "{name}(a, b, ...) for values", name=helper.name), node)
        if len(typed) != 2:
            raise CheckError(Message("{name}() of a list takes the list and one more value, "
                                     "which is the answer for an empty list and is compared "
                                     "with the items: {name}(xs, v)", name=helper.name), node)
        elem = list_elem(lt) or ""
        (vt, _), v = typed[1]
        t = _unify(elem, vt, False, _is_literal(v))
        if t is None:
            raise CheckError(Message("{name}() of a list of {elem} needs a {elem} as its "
                                     "second value, got {vt}", name=helper.name, elem=elem, vt=vt),
                             v)
        if t not in ORDERED:
            raise CheckError(Message("{name}() compares numbers, money or dates, not {elem}",
                                     name=helper.name, elem=elem), node)
        return t


def list_type(of: str, fields: Mapping[str, str] | None = None) -> str:
    """The static type of a list fact: `list[int]`, or `list[record(days:int,start:date)]`
    for a list of records (field types are expression types: int, str, ...)."""
    if fields is not None:
        return "list[record(" + ",".join(f"{k}:{v}" for k, v in fields.items()) + ")]"
    return f"list[{of}]"


def list_elem(t: str) -> str | None:
    """The item type of a list type, or None when `t` is not one (literal lists are not)."""
    return t[5:-1] if t.startswith("list[") and t.endswith("]") else None


def literal_elem(t: str) -> str | None:
    """The item type of a literal list ('a', 'b'), usable only on the right of `in`."""
    return t[8:-1] if t.startswith("literal[") and t.endswith("]") else None


def record_fields(t: str) -> dict[str, str] | None:
    """The fields of a list-of-records type, in order; None for any other type."""
    elem = list_elem(t)
    if elem is None or not (elem.startswith("record(") and elem.endswith(")")):
        return None
    return dict(f.split(":", 1) for f in elem[7:-1].split(",") if f)  # type: ignore[misc]


def param_record_fields(t: str) -> dict[str, str] | None:
    """The fields of a record parameter's type (`Parameter.expr_type`), in order; None
    for any other type."""
    if not (t.startswith("record(") and t.endswith(")")):
        return None
    return dict(f.split(":", 1) for f in t[7:-1].split(",") if f)  # type: ignore[misc]


def _is_list_type(t: str) -> bool:
    return list_elem(t) is not None or literal_elem(t) is not None


def _accepts(want: str, got: str) -> bool:
    """Whether a helper's argument of static type `got` fits its declared `want`."""
    if want == "number":
        return got in NUMBERS | {"money"}
    if want in ("str|list", "list"):
        return list_elem(got) is not None or (want == "str|list" and got == "str")
    if want == "list[number]":
        return list_elem(got) in NUMBERS | {"money"}
    if want == "pattern":
        return got == "str"
    return got == want or (want == "decimal" and got == "int")


def check(tree: ast.Expression, text: str, scope: Scope) -> Checked:
    c = _Checker(scope, text)
    t, src = c.visit(tree)
    return Checked(src, t, c.consts, c.facts, c.params, c.specials, c.decisions, c.series)


def power_of_ten(q: Decimal) -> bool:
    """1, 10, 0.1, 0.01, ...: the only quanta rounding can honour exactly."""
    n = q.normalize()
    exponent = n.as_tuple().exponent
    return isinstance(exponent, int) and n == Decimal(1).scaleb(exponent)


_ROUNDING_MODES = frozenset({"ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_HALF_DOWN", "ROUND_UP",
                             "ROUND_DOWN", "ROUND_CEILING", "ROUND_FLOOR"})


def _add(seq: list[str], item: str) -> None:
    if item not in seq:
        seq.append(item)


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float, Decimal)) \
        and not isinstance(node.value, bool)


def _compatible(a: str, b: str, a_lit: bool, b_lit: bool) -> bool:
    return _unify(a, b, a_lit, b_lit) is not None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _unify(a: str, b: str, a_lit: bool, b_lit: bool) -> str | None:
    """The common type of two operands; a bare number literal may stand beside money."""
    if a == b:
        return a
    if a in NUMBERS and b in NUMBERS:
        return "decimal"
    if a == "money" and b in NUMBERS and b_lit or b == "money" and a in NUMBERS and a_lit:
        return "money"
    return None


def _arith_type(sym: str, a: str, b: str, a_lit: bool, b_lit: bool) -> str | None:
    if sym in ("%", "//"):  # whole numbers only: exact, and the same in every evaluator
        return "int" if a == b == "int" else None
    if a in NUMBERS and b in NUMBERS:
        return "int" if sym != "/" and a == b == "int" else "decimal"
    if sym in "+-":
        return "money" if _unify(a, b, a_lit, b_lit) == "money" else None
    if sym == "*":
        if {a, b} <= NUMBERS | {"money"} and (a == "money") != (b == "money"):
            return "money"
        return None
    if a == "money" and b in NUMBERS:
        return "money"
    if a == b == "money":
        return "decimal"
    return None


def _suggest(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return Message("; did you mean {name!r}?", name=close[0]) if close else ""


_WHY = {
    "Pow": Message("'**' is not allowed (unbounded work); multiply explicitly"),
    "Subscript": Message("indexing with [] is not allowed; name facts as child.birth_date"),
    "Lambda": Message("lambda is not allowed"),
    "ListComp": Message("comprehensions are not allowed"),
    "GeneratorExp": Message("comprehensions are not allowed"),
    "Dict": Message("dict literals are not allowed"),
    "NamedExpr": Message("':=' is not allowed"),
    "JoinedStr": Message("f-strings are not allowed"),
    "Starred": Message("'*' unpacking is not allowed"),
}


def _refusal(node: ast.AST) -> str:
    kind = type(node).__name__
    return _WHY.get(kind) or Message("{kind} is not allowed in a statute expression", kind=kind)
