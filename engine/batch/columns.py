"""One checked expression tree (`Expr.tree`) → one Polars column expression.

The handlers mirror the three-valued walker (`engine.expr._kleene`) node for node, so
a column computes what the per-case path computes for each row: an unknown value is a
null, and Polars' Kleene `&`/`|` are the walker's `and`/`or`. What the walker treats
specially is treated alike here: an absent fact (`default: null`) compared with `==`,
`!=` or `in` is `None`, not unknown; `given(x)` is never unknown; `a if c else b` with
`c` unknown is known only when both branches are known and equal.

Numbers: whole numbers are Int64; decimals and money are Decimal(38, SCALE) — a wide
fixed scale, because Polars keeps the left operand's scale in a division (97.50 × 21 / 28
would give 73.12, not 73.125); the rulebook's rounding is applied where the per-case
path applies it. A construct with no column form here raises `Unsupported`, naming it:
the batch refuses the decision at compile time rather than answering it another way.
"""
from __future__ import annotations

import ast
import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping

import polars as pl

from engine.expr._kleene import _path  # a dotted fact name, as the walker reads it

__all__ = ["SCALE", "DEC", "Unsupported", "Col", "Dep", "Env", "column", "ROUND_MODES",
           "dec_lit", "POLARS_TYPES", "first_nv", "known", "cite_calls", "cite_flags",
           "OUTSIDE", "LIST_TYPES", "STATED", "stated_facts"]

SCALE = 20
DEC = pl.Decimal(38, SCALE)
"""Every decimal and money value in a batch: 18 whole digits, 20 after the point."""

ROUND_MODES = {"ROUND_HALF_UP": "half_away_from_zero", "ROUND_HALF_EVEN": "half_to_even"}
"""The decimal module's rounding modes Polars rounds in exactly (others are refused)."""

POLARS_TYPES: Mapping[str, Any] = {
    "date": pl.Date, "int": pl.Int64, "days": pl.Int64, "money": DEC, "decimal": DEC,
    "bool": pl.Boolean, "str": pl.Utf8, "enum": pl.Utf8, "string": pl.Utf8,
}


class Unsupported(Exception):
    """A construct the batch cannot compute as columns (yet): the decision is refused."""


@dataclass(frozen=True)
class Col:
    """A compiled node: its column expression, its type (int, dec, date, bool, str,
    set), and for a fact read as a plain value, whether the fact may be absent."""

    e: Any
    t: str
    absent: Any = None  # for a nullable fact: the expression "it is absent (None)"
    items: tuple = ()  # a literal tuple's values (`x in ('a', 'b')`)
    # where evaluating the node reads a decision that has no value (the walker raises
    # NoValue there): the id of the first such decision read, else null; None: never
    nv: Any = None


@dataclass(frozen=True)
class Dep:
    """An earlier decision as a later one reads it: its value (null unless it has one),
    its status (null while undetermined: unknown to a reader, as per case) and whether
    it has no value (refused, not applicable, not covered: reading it raises NoValue)."""

    value: Any
    status: Any
    novalue: Any
    t: str
    currency: Any = None


@dataclass(frozen=True)
class Env:
    """What names mean in one place: facts (column name and whether a null there is
    absent rather than unknown), parameters and special names (already columns)."""

    facts: Mapping[str, str]  # fact name -> its type in expressions
    nullable: frozenset[str]  # facts with `default: null`: null means absent
    params: Mapping[str, Col]  # parameter -> its value on the selecting date
    specials: Mapping[str, Col]  # day, on, value, days, ...
    # rows where the per-case path would raise (a division by zero, an invalid date):
    # filled while compiling; the plan reports those rows as errors, never answers them
    guards: list = field(default_factory=list)
    deps: Mapping[str, Dep] = field(default_factory=dict)  # earlier decisions read here
    series: Mapping[str, Any] = field(default_factory=dict)  # parameters read by at()
    # where set, large parts (a conditional, at(), make_date) are computed once as a
    # column of their own, and a subtree written twice (a definition used twice) once:
    # the expression would otherwise grow with every copy
    mat: Callable[[Any], Any] | None = None
    memo: dict = field(default_factory=dict)


def first_nv(*nvs: Any) -> Any:
    """The first of several NoValue marks evaluated in order (None: none can raise)."""
    live = [n for n in nvs if n is not None]
    if not live:
        return None
    return live[0] if len(live) == 1 else pl.coalesce(live)


OUTSIDE = "@outside"
"""The NoValue mark of at() on a date no value of its parameter covers: per case an
OutsideSeries, which the walker's `maybe` does not catch (the decision is not_covered)."""


def _maybe(nv: Any) -> Any:
    """What of a part's raising survives the walker's `maybe`: an OutsideSeries."""
    return None if nv is None else pl.when(nv == OUTSIDE).then(nv)


def known(c: Col) -> Any:
    """`c`'s value where reading it raised no NoValue (unknown there, as `maybe` makes it)."""
    return c.e if c.nv is None else pl.when(c.nv.is_null()).then(c.e)


def dec_lit(v: Any) -> Any:
    return pl.lit(Decimal(v)).cast(DEC)


def column(tree: ast.AST, env: Env) -> Col:
    """The column of `tree` (an `Expr.tree`); Unsupported names what has no column form."""
    return _node(tree, env)


_SHARED = (ast.IfExp, ast.Call, ast.BinOp, ast.BoolOp, ast.Compare)


def _node(node: ast.AST, env: Env) -> Col:
    if env.mat is None or not isinstance(node, _SHARED):
        return _plain(node, env)
    key = ast.dump(node)
    got = env.memo.get(key)
    if got is not None:  # its guards hold wherever it is read again
        env.guards.extend(got[1])
        return got[0]  # type: ignore[no-any-return]
    g0 = len(env.guards)
    c = _plain(node, env)
    if isinstance(node, (ast.IfExp, ast.Call)) and not c.items:
        c = Col(env.mat(c.e), c.t, c.absent, c.items, None if c.nv is None else env.mat(c.nv))
    env.memo[key] = (c, env.guards[g0:])
    return c


def _plain(node: ast.AST, env: Env) -> Col:
    path = _path(node)
    if path is not None:
        pfield = getattr(node, "statute_param_field", None)
        if pfield is not None:  # `fine.official_min`: a field of a record parameter
            got = env.params.get(f"{pfield[0]}.{pfield[1]}")
            if got is None:
                raise Unsupported(f"a field of a record parameter ({path})")
            return got
        if getattr(node, "statute_projection", None) is not None:
            raise Unsupported(f"a field of a list of records ({path})")
        t = env.facts.get(path)
        if t is None:
            raise Unsupported(f"the name {path}")
        if t.startswith("list") or t.startswith("record"):
            if t not in LIST_TYPES:
                raise Unsupported(f"a list fact of {t} ({path})")
            return Col(pl.col(path), t)
        c = pl.col(path)
        return Col(c, _tag(t), c.is_null() if path in env.nullable else None)
    handler = _HANDLERS.get(type(node))
    if handler is None:
        raise Unsupported(f"the construct {type(node).__name__}")
    return handler(node, env)


STATED = "@stated:"
"""Prefix of the column telling whether the input gave a fact (before its default)."""

LIST_TYPES = {"list[int]": pl.List(pl.Int64), "list[bool]": pl.List(pl.Boolean)}
"""The list facts with a column form: a Polars list column of their items."""


def _tag(t: str) -> str:
    return {"money": "dec", "decimal": "dec", "days": "int", "enum": "str",
            "string": "str"}.get(t, t)


def _num(c: Col, t: str) -> Any:
    return c.e.cast(DEC) if t == "dec" and c.t == "int" else c.e


def _expression(node: ast.Expression, env: Env) -> Col:
    return _node(node.body, env)


def _constant(node: ast.Constant, env: Env) -> Col:
    v = node.value
    if isinstance(v, bool):
        return Col(pl.lit(v), "bool")
    if isinstance(v, int):
        return Col(pl.lit(v, dtype=pl.Int64), "int")
    if isinstance(v, Decimal):
        return Col(dec_lit(v), "dec")
    if isinstance(v, str):
        return Col(pl.lit(v), "str")
    if v is None:  # a known None (`None if c else x`): null, marked absent
        return Col(pl.lit(None), "none", absent=pl.lit(True))
    raise Unsupported(f"the constant {v!r}")


def _name(node: ast.Name, env: Env) -> Col:
    if node.id in env.params:
        return env.params[node.id]
    if node.id in env.specials:
        return env.specials[node.id]
    if node.id in env.facts:  # a one-part fact name
        return Col(pl.col(node.id), _tag(env.facts[node.id]),
                   pl.col(node.id).is_null() if node.id in env.nullable else None)
    dep = env.deps.get(node.id)
    if dep is not None:  # another decision's value (decided earlier in the plan)
        return Col(dep.value, dep.t, nv=pl.when(dep.novalue).then(pl.lit(node.id)))
    raise Unsupported(f"reading another decision ({node.id})")


def _sequence(node: ast.Tuple | ast.List, env: Env) -> Col:
    items = []
    for e in node.elts:
        if not isinstance(e, ast.Constant):
            raise Unsupported("a list that is not of constants")
        items.append(e.value)
    return Col(pl.lit(None), "set", items=tuple(items))


def _boolop(node: ast.BoolOp, env: Env) -> Col:
    """Kleene `and`/`or`; a part after an unknown one is read as the walker's `maybe`
    reads it (a decision with no value there is unknown), a part before as `value`."""
    stop = isinstance(node.op, ast.Or)
    cols = [_node(v, env) for v in node.values]
    nvs, going = [], pl.lit(True)  # going: every earlier part known and not deciding
    reached = pl.lit(True)  # every earlier part not deciding (known or not)
    for c in cols:
        if c.nv is not None:
            nvs.append(pl.when(going).then(c.nv).when(reached).then(_maybe(c.nv)))
        going = going & (c.e != stop).fill_null(False) & \
            (c.nv.is_null() if c.nv is not None else pl.lit(True))
        reached = reached & ~(c.e == stop).fill_null(False)
    parts = [known(c) for c in cols]
    out = parts[0]
    for p in parts[1:]:
        out = (out | p) if stop else (out & p)
    return Col(out, "bool", nv=first_nv(*nvs))


def _unaryop(node: ast.UnaryOp, env: Env) -> Col:
    c = _node(node.operand, env)
    if isinstance(node.op, ast.Not):
        return Col(~c.e, "bool", nv=c.nv)
    if isinstance(node.op, ast.USub):
        return Col(-c.e, c.t, nv=c.nv)
    if isinstance(node.op, ast.UAdd):
        return c
    raise Unsupported(f"the operator {type(node.op).__name__}")


def _safe_divisor(b: Any, zero: Any, env: Env) -> Any:
    """A divisor with 0 made unknown: the rows it would divide by 0 are guarded (the
    per-case path raises there) and reported, never answered."""
    env.guards.append((b == zero).fill_null(False))
    return pl.when(b == zero).then(None).otherwise(b)


def _binop(node: ast.BinOp, env: Env) -> Col:
    a, b = _node(node.left, env), _node(node.right, env)
    out = _arith(node.op, a, b, env)
    return Col(out.e, out.t, nv=first_nv(a.nv, b.nv))


def _arith(op: ast.operator, a: Col, b: Col, env: Env) -> Col:
    if isinstance(op, ast.Div):  # helpers.div: exact decimal division, whatever the types
        x, y = _num(a, "dec"), _num(b, "dec")
        return Col(x / _safe_divisor(y, dec_lit(0), env), "dec")
    t = "dec" if "dec" in (a.t, b.t) else a.t
    if t not in ("int", "dec"):
        raise Unsupported(f"arithmetic on {a.t} and {b.t}")
    x, y = _num(a, t), _num(b, t)
    if isinstance(op, ast.Add):
        return Col(x + y, t)
    if isinstance(op, ast.Sub):
        return Col(x - y, t)
    if isinstance(op, ast.Mult):
        return Col(x * y, t)
    if isinstance(op, (ast.Mod, ast.FloorDiv)) and t == "int":  # Polars floors as Python
        y = _safe_divisor(y, pl.lit(0, dtype=pl.Int64), env)
        return Col(x % y if isinstance(op, ast.Mod) else x // y, t)
    raise Unsupported(f"the operator {type(op).__name__} on {t}")


_CMP: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
}
_ABSENCE_OK = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)


def _pair(op: ast.cmpop, a: Col, b: Col) -> Any:
    """One comparison of a chain, as the walker makes it (absent facts as None)."""
    if isinstance(op, (ast.In, ast.NotIn)):
        if b.t != "set":
            raise Unsupported("'in' a list fact")
        found = a.e.is_in(pl.lit(pl.Series(list(b.items))).implode())
        if a.absent is not None:  # None in (...) is False
            found = pl.when(a.absent).then(False).otherwise(found)
        return found if isinstance(op, ast.In) else ~found
    if isinstance(op, (ast.Is, ast.IsNot)):  # only `x is None`, `x is not None`
        if not (b.t == "none" or a.t == "none"):
            raise Unsupported("'is' between values")
        x = a if b.t == "none" else b
        is_none = x.absent if x.absent is not None else pl.lit(False)
        return is_none if isinstance(op, ast.Is) else ~is_none
    t = "dec" if "dec" in (a.t, b.t) else a.t
    x, y = _num(a, t), _num(b, t)
    out = _CMP[type(op)](x, y)
    if isinstance(op, (ast.Eq, ast.NotEq)) and (a.absent is not None or b.absent is not None):
        fa = a.absent if a.absent is not None else pl.lit(False)
        fb = b.absent if b.absent is not None else pl.lit(False)
        same = fa & fb  # None == None
        either = fa | fb
        eq = pl.when(either).then(same).otherwise(out) if isinstance(op, ast.Eq) else \
            pl.when(either).then(~same).otherwise(out)
        return eq
    return out


def _compare(node: ast.Compare, env: Env) -> Col:
    operands = [node.left, *node.comparators]
    cols = []
    for n in operands:
        if isinstance(n, ast.Constant) and n.value is None:
            cols.append(Col(pl.lit(None), "none"))
        else:
            cols.append(_node(n, env))
    out = None
    for i, op in enumerate(node.ops):
        a, b = cols[i], cols[i + 1]
        ok_a = all(isinstance(o, _ABSENCE_OK) for o in node.ops[max(i - 1, 0):i + 1])
        ok_b = all(isinstance(o, _ABSENCE_OK) for o in node.ops[i:i + 2])
        a = a if ok_a else Col(a.e, a.t)
        b = b if ok_b else Col(b.e, b.t)
        p = _pair(op, a, b)
        out = p if out is None else out & p  # a known False decides: Kleene `and`
    return Col(out, "bool", nv=first_nv(*(c.nv for c in cols)))


def _ifexp(node: ast.IfExp, env: Env) -> Col:
    t, a, b = _node(node.test, env), _node(node.body, env), _node(node.orelse, env)
    typ = "dec" if "dec" in (a.t, b.t) else (b.t if a.t == "none" else a.t)
    absent = None
    if a.absent is not None or b.absent is not None:  # which branch gives a None
        fa = a.absent if a.absent is not None else pl.lit(False)
        fb = b.absent if b.absent is not None else pl.lit(False)
        absent = pl.when(t.e.is_null()).then(fa & fb).when(t.e).then(fa).otherwise(fb)
    x, y = _num(a, typ), _num(b, typ)
    kx, ky = _num(Col(known(a), a.t), typ), _num(Col(known(b), b.t), typ)
    nv = first_nv(t.nv, None if a.nv is None else
                  pl.when(t.e.fill_null(False)).then(a.nv)
                  .when(t.e.is_null()).then(_maybe(a.nv)),
                  None if b.nv is None else
                  pl.when((~t.e).fill_null(False)).then(b.nv)
                  .when(t.e.is_null()).then(_maybe(b.nv)))
    # the test unknown: known only when both branches are known and equal
    return Col(pl.when(t.e.is_null()).then(pl.when(kx == ky).then(kx).otherwise(None))
               .when(t.e).then(x).otherwise(y), typ, absent, nv=nv)


def _call(node: ast.Call, env: Env) -> Col:
    name = node.func.id  # type: ignore[attr-defined]
    if name == "given":
        arg = node.args[0]
        path = _path(arg) or (arg.id if isinstance(arg, ast.Name) else None)
        if path is None or path not in env.facts:
            raise Unsupported(f"given() of {ast.unparse(arg)}")
        return Col(pl.col(path).is_not_null(), "bool")
    if name == "stated":  # never unknown: the case wrote the fact, or it did not
        path = _path(node.args[0]) or getattr(node.args[0], "id", None)
        if path is None or path not in env.facts:
            raise Unsupported(f"stated() of {ast.unparse(node.args[0])}")
        return Col(pl.col(STATED + path), "bool")
    if name == "status":  # another decision's status: unknown while it is undetermined
        dep = env.deps.get(node.args[0].id)  # type: ignore[attr-defined]
        if dep is None:
            raise Unsupported(f"status() of {ast.unparse(node.args[0])}")
        return Col(dep.status, "str")
    if name == "cite":  # the value; which provisions it names is cite_flags' business
        return _node(node.args[1], env)
    if name == "at":
        return _at(env, node.args[0].id, _node(node.args[1], env))  # type: ignore[attr-defined]
    if name == "date":
        return Col(pl.lit(_dt.date.fromisoformat(node.args[0].value)), "date")  # type: ignore[attr-defined]
    if name == "matches":
        return _matches(_node(node.args[0], env), node.args[1].value)  # type: ignore[attr-defined]
    if name in ("number", "digit"):
        args = [_node(x, env) for x in node.args]
        digits = args[0].e.str.replace_all("[^0-9]", "")
        if name == "number":  # past Int64's digits the per-case int would be exact: guarded
            env.guards.append((digits.str.len_chars() > 18).fill_null(False))
            safe = pl.when(digits.str.len_chars() <= 18).then(digits)
            out = pl.when(digits == "").then(pl.lit(0, dtype=pl.Int64)) \
                .otherwise(safe.cast(pl.Int64, strict=False))
        else:  # the i-th digit; one the text lacks raises per case: guarded
            i = args[1].e
            env.guards.append(((i < 0) | (i >= digits.str.len_chars())).fill_null(False))
            out = digits.str.slice(i.clip(0), 1).cast(pl.Int64, strict=False)
        return Col(out, "int", nv=first_nv(*(x.nv for x in args)))
    fn = _HELPERS.get(name)
    if fn is None:
        raise Unsupported(f"the function {name}()")
    if name == "round":
        x = _node(node.args[0], env)
        q, mode = node.args[1].value, node.args[2].value  # type: ignore[attr-defined]
        r = _round(x, q, mode)
        return Col(r.e, r.t, nv=x.nv)
    args = [_node(a, env) for a in node.args]
    res = _make_date(env, *args) if name == "make_date" else fn(*args)
    return Col(res.e, res.t, nv=first_nv(*(a.nv for a in args)))


def cite_calls(tree: ast.AST) -> list[str]:
    """The provisions `cite()` calls in `tree` name, in the order the walker records
    them (an inner call before the one around it, left before right), each once."""
    out: list[str] = []

    def visit(n: ast.AST) -> None:
        for ch in ast.iter_child_nodes(n):
            visit(ch)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "cite":
            out.append(n.args[0].value)  # type: ignore[attr-defined]
    visit(tree)
    return list(dict.fromkeys(out))


def cite_flags(tree: ast.AST, env: Env, reach: Any = None) -> list[tuple[str, Any]]:
    """Each `cite()` of `tree` with where it names its provision: where the walker
    evaluates the call and its value is known (a branch not taken, a part after a deciding
    one, is not evaluated; both branches of an unknown test are)."""
    reach = pl.lit(True) if reach is None else reach
    if not any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "cite"
               for n in ast.walk(tree)):
        return []
    if isinstance(tree, ast.Call) and getattr(tree.func, "id", None) == "cite":
        v = _node(tree.args[1], env)
        ok = reach & known(v).is_not_null()
        return cite_flags(tree.args[1], env, reach) + [(tree.args[0].value, ok)]  # type: ignore[attr-defined]
    if isinstance(tree, ast.IfExp):
        c = _node(tree.test, env)
        return (cite_flags(tree.test, env, reach)
                + cite_flags(tree.body, env, reach & c.e.fill_null(True))
                + cite_flags(tree.orelse, env, reach & (~c.e).fill_null(True)))
    if isinstance(tree, ast.BoolOp):
        stop = isinstance(tree.op, ast.Or)
        out: list[tuple[str, Any]] = []
        going = reach
        for part in tree.values:
            out += cite_flags(part, env, going)
            going = going & ~(_node(part, env).e == stop).fill_null(False)
        return out
    out = []
    for ch in ast.iter_child_nodes(tree):
        out += cite_flags(ch, env, reach)
    return out


_REGEX_META = set("\\.+*?()|[]{}^$#&-~")


def _matches(x: Col, pattern: str) -> Col:
    """helpers.matches: exactly the template's length, each position its character or
    class. Only classes whose column test is exactly Python's are compiled (`digit`:
    ASCII 0-9, `any`); `letter`, `upper`, `lower` follow Python's Unicode tables."""
    from engine.expr.helpers import PATTERN_CLASSES, parse_pattern
    tests = parse_pattern(pattern)
    names = {v: k for k, v in PATTERN_CLASSES.items()}
    e = x.e.str.len_chars() == len(tests)
    regex = []
    for t_ in tests:
        if isinstance(t_, str):
            regex.append("\\" + t_ if t_ in _REGEX_META else t_)
        elif names.get(t_) == "digit":
            regex.append("[0-9]")
        elif names.get(t_) == "any":
            regex.append("(?s:.)")
        else:
            raise Unsupported(f"matches() with the class {{{names.get(t_)}}}")
    return Col(e & x.e.str.contains("^" + "".join(regex) + "$"), "bool", nv=x.nv)


def _at(env: Env, name: str, day: Col) -> Col:
    """at(parameter, day): the value starting last on or before `day` (Parameter.at);
    a known day before its first value raises OutsideSeries per case (marked here)."""
    p = env.series.get(name)
    if p is None or p.fields is not None:
        raise Unsupported(f"at() of the parameter {name}")
    whole = p.type == "int" and all(type(pv.value) is int for pv in p.values)
    kind = "int" if whole else {"money": "dec", "decimal": "dec", "int": "dec",
                                "date": "date"}.get(p.type)
    if kind is None:
        raise Unsupported(f"at() of the {p.type} parameter {name}")
    dtype: Any = {"int": pl.Int64, "dec": DEC, "date": pl.Date}[kind]
    v: Any = pl.lit(None, dtype=dtype)
    for pv in p.values:
        lit = dec_lit(pv.value) if kind == "dec" else pl.lit(pv.value, dtype=dtype)
        v = pl.when(day.e >= pl.lit(pv.start)).then(lit).otherwise(v)
    before = (day.e < pl.lit(p.values[0].start)) if p.values else day.e.is_not_null()
    return Col(v, kind, nv=first_nv(day.nv, pl.when(before.fill_null(False))
                                    .then(pl.lit(OUTSIDE))))


def _round(x: Col, quantum: Decimal, mode: str) -> Col:
    places = -quantum.normalize().as_tuple().exponent  # type: ignore[operator]
    if mode not in ROUND_MODES or places < 0:
        raise Unsupported(f"round() to {quantum} with {mode}")
    if x.t == "int":
        if places >= 0:
            return x
    return Col(x.e.round(places, mode=ROUND_MODES[mode]), "dec")


def _make_date(env: Env, y: Col, m: Col, d: Col) -> Col:
    """make_date(y, m, d); components that make no date are guarded (the per-case path
    raises there), and never built (Polars would stop the whole chunk)."""
    valid = (m.e >= 1) & (m.e <= 12) & (d.e >= 1) & (d.e <= _dim(y.e, m.e)) & \
        (y.e >= 1) & (y.e <= 9999)
    env.guards.append((~valid).fill_null(False))
    safe = valid.fill_null(False)
    return Col(pl.when(safe).then(_ymd(pl.when(safe).then(y.e).otherwise(2000),
                                       pl.when(safe).then(m.e).otherwise(1),
                                       pl.when(safe).then(d.e).otherwise(1))), "date")


def _ymd(y: Any, m: Any, d: Any) -> Any:
    return pl.date(y, m, d)


def _dim(y: Any, m: Any) -> Any:
    """Days in month `m` of year `y` (columns)."""
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    return pl.when(m == 2).then(pl.when(leap).then(29).otherwise(28)) \
        .when(m.is_in([4, 6, 9, 11])).then(30).otherwise(31).cast(pl.Int64)


def stated_facts(trees: Any) -> set[str]:
    """The facts `stated()` reads in `trees`: the batch keeps whether the input gave them."""
    out: set[str] = set()
    for tree in trees:
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "stated":
                arg = n.args[0]
                out.add(_path(arg) or str(getattr(arg, "id", "")))
    return out


def _list_only(xs: Col, name: str, out: Col) -> Col:
    """`out`, when `xs` is a list of what `name` takes (sum of ints, any/all of bools)."""
    want = "list[int]" if name == "sum" else "list[bool]"
    if xs.t != want:
        raise Unsupported(f"{name}() of a {xs.t}")
    return out


def _constant_int(c: Col) -> int | None:
    """The value of a column that reads no column (`12`, `-70`), else None."""
    if c.t != "int" or c.e.meta.root_names():
        return None
    v = pl.select(c.e).item()
    return int(v) if v is not None else None


def _offset(d: Col, n: Col, unit: str) -> Any:
    """`d` moved by `n` calendar months or years, clamped to the month's end (Polars'
    calendar offset; never builds an invalid date as year/month/day would)."""
    k = _constant_int(n)
    return d.e.dt.offset_by(f"{k}{unit}" if k is not None else pl.format("{}" + unit, n.e))


def _add_months(d: Col, n: Col) -> Col:
    """dates.add_months: the same day number, clamped to the end of a shorter month."""
    return Col(_offset(d, n, "mo"), "date")


def _birthday(d: Col, n: Col) -> Col:
    """dates.birthday: 29 February → 1 March in a year without it."""
    moved = _offset(d, n, "y")
    feb29 = (d.e.dt.month() == 2) & (d.e.dt.day() == 29) & (moved.dt.day() != 29)
    return Col(pl.when(feb29).then(moved + pl.duration(days=1)).otherwise(moved), "date")


def _age(birth: Col, on: Col) -> Col:
    years = on.e.dt.year().cast(pl.Int64) - birth.e.dt.year().cast(pl.Int64)
    bday = _birthday(birth, Col(years, "int")).e
    return Col(pl.when((years > 0) & (on.e < bday)).then(years - 1).otherwise(years), "int")


def _minmax(pick: Callable[..., Any]) -> Callable[..., Col]:
    def fn(*xs: Col) -> Col:
        if xs and xs[0].t.startswith("list["):  # min(list, v): the items and v
            items, v = xs
            least = items.e.list.min() if pick is pl.min_horizontal else items.e.list.max()
            return Col(pl.when(items.e.is_null() | v.e.is_null()).then(None)
                       .otherwise(pick([least, v.e])), v.t)
        t = "dec" if any(x.t == "dec" for x in xs) else xs[0].t
        es = [_num(x, t) for x in xs]
        anynull = pl.any_horizontal([e.is_null() for e in es])
        return Col(pl.when(anynull).then(None).otherwise(pick(es)), t)  # unknown stays unknown
    return fn


_HELPERS: dict[str, Callable[..., Col]] = {
    "add_days": lambda d, n: Col(d.e + pl.duration(days=n.e), "date"),
    "add_months": _add_months,
    "add_years": lambda d, n: Col(_offset(d, n, "y"), "date"),
    "birthday": _birthday,
    "age": _age,
    "days_between": lambda a, b: Col((b.e - a.e).dt.total_days().cast(pl.Int64), "int"),
    "month_start": lambda d: Col(d.e.dt.month_start(), "date"),
    "month_end": lambda d: Col(d.e.dt.month_end(), "date"),
    "days_in_month": lambda d: Col(d.e.dt.days_in_month().cast(pl.Int64), "int"),
    "year": lambda d: Col(d.e.dt.year().cast(pl.Int64), "int"),
    "month": lambda d: Col(d.e.dt.month().cast(pl.Int64), "int"),
    "make_date": lambda y, m, d: Col(_ymd(y.e, m.e, d.e), "date"),
    "min": _minmax(pl.min_horizontal),
    "max": _minmax(pl.max_horizontal),
    "abs": lambda x: Col(x.e.abs(), x.t),
    "count": lambda xs: Col(xs.e.list.len().cast(pl.Int64), "int"),
    "len": lambda x: Col((x.e.list.len() if x.t.startswith("list[") else x.e.str.len_chars())
                         .cast(pl.Int64), "int"),
    "sum": lambda xs: _list_only(xs, "sum", Col(xs.e.list.sum().cast(pl.Int64), "int")),
    "any": lambda xs: _list_only(xs, "any", Col(xs.e.list.any(), "bool")),
    "all": lambda xs: _list_only(xs, "all", Col(xs.e.list.all(), "bool")),
    "round": lambda *a: a[0],  # handled in _call
}

_HANDLERS: dict[type, Callable[[Any, Env], Col]] = {
    ast.Expression: _expression, ast.Constant: _constant, ast.Name: _name,
    ast.BoolOp: _boolop, ast.UnaryOp: _unaryop, ast.BinOp: _binop, ast.Compare: _compare,
    ast.IfExp: _ifexp, ast.Call: _call, ast.Tuple: _sequence, ast.List: _sequence,
}


