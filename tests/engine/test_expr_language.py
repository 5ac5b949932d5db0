"""engine.expr: lists, text checks, `%` and `//`, and stated() — checked, bounded, three-valued.

Unit tests give each new form's value and each refusal's message and column
(file:line:col of the expression in its YAML file). Property tests (the hypothesis
profile of tests/conftest.py: fixed examples and derandomized on CI) check that
(a) the compiled code agrees with simpleeval, walking the same tree, for `%` and `//`
    and, with reference functions written here, for the list and text helpers;
(b) the three-valued walker agrees with the compiled code on known facts;
(c) with facts removed, the answer is Unknown naming only removed facts, or definite
    and equal to the walker's (and to the answer with every fact, unless stated()/given()
    read a removed fact).
"""
from __future__ import annotations

import ast
import datetime as dt
import inspect
from decimal import Decimal
from typing import Any, Callable

import pytest
import simpleeval
from hypothesis import given
from hypothesis import strategies as st

import engine.expr
from engine.errors import EvaluationError, LoadError, Position
from engine.expr import Expr, Scope, Unknown, compile_expression, limits
from engine.expr._kleene import evaluate3
from engine.expr.helpers import HELPERS, PATTERN_CLASSES, parse_pattern

D = dt.date
REC = "list[record(days:int,start:date,paid:bool)]"
SCOPE = Scope(
    facts={
        "l.ints": "list[int]", "l.decs": "list[decimal]", "l.money": "list[money]",
        "l.dates": "list[date]", "l.flags": "list[bool]", "l.strs": "list[str]",
        "l.kinds": "list[str]", "l.recs": REC,
        "x.a": "int", "x.b": "int", "x.s": "str", "x.d": "date", "x.m": "money",
        "x.r": "decimal", "x.opt": "date",
    },
    enums={"l.kinds": frozenset({"rest", "care"})},
    params={"cap": "money"},
    specials={"day": "date"},
    nullable=frozenset({"x.opt"}),
)
LINE, COL = 4, 13
POS = Position("rule.yaml", LINE, COL)

RECS = ({"days": 3, "start": D(2021, 2, 1), "paid": True},
        {"days": 5, "start": D(2021, 1, 4), "paid": False})
FACTS: dict[str, Any] = {
    "l.ints": (4, 1, 7), "l.decs": (Decimal("0.5"), Decimal("1.25")),
    "l.money": (Decimal("10.00"), Decimal("2.50")), "l.dates": (D(2021, 1, 1), D(2020, 5, 5)),
    "l.flags": (True, False), "l.strs": ("ab", "c"), "l.kinds": ("care",), "l.recs": RECS,
    "x.a": 17, "x.b": 5, "x.s": "112-233-445 95", "x.d": D(2021, 1, 1),
    "x.m": Decimal("12.30"), "x.r": Decimal("0.5"), "x.opt": None,
    "stated:": frozenset({"x.a", "l.ints"}),
}
PARAMS = {"cap": Decimal("100")}
SPECIALS = {"day": D(2021, 6, 30)}
EMPTY = dict(FACTS, **{"l.ints": (), "l.decs": (), "l.money": (), "l.dates": (), "l.flags": (),
                       "l.strs": (), "l.kinds": (), "l.recs": ()})


def compile_(src: str) -> Expr:
    return compile_expression(src, SCOPE, POS)


def evaluate(src: str, F: dict | None = None) -> Any:
    return compile_(src).evaluate(FACTS if F is None else F, PARAMS, SPECIALS)


def refused(src: str) -> LoadError:
    with pytest.raises(LoadError) as e:
        compile_(src)
    return e.value


# -- accepted forms -------------------------------------------------------------------------

@pytest.mark.parametrize("src, type_, value", [
    # % and // on whole numbers: Python's floor semantics, x == (x // y) * y + x % y
    ("x.a % x.b", "int", 2),
    ("x.a // x.b", "int", 3),
    ("-x.a // x.b", "int", -4),
    ("-x.a % x.b", "int", 3),
    ("x.a % -5", "int", -3),
    ("(x.a // x.b) * x.b + x.a % x.b == x.a", "bool", True),
    ("405 % 101 % 100", "int", 1),
    # lists
    ("len(l.ints)", "int", 3),
    ("count(l.recs)", "int", 2),
    ("len(l.recs.days)", "int", 2),
    ("sum(l.ints)", "int", 12),
    ("sum(l.decs)", "decimal", Decimal("1.75")),
    ("sum(l.money)", "money", Decimal("12.50")),
    ("sum(l.recs.days)", "int", 8),
    ("sum(l.money) + x.m", "money", Decimal("24.80")),
    ("min(l.ints, 100)", "int", 1),
    ("min(l.ints, 0)", "int", 0),
    ("max(l.ints, 0)", "int", 7),
    ("max(l.decs, 1)", "decimal", Decimal("1.25")),
    ("max(l.money, cap)", "money", Decimal("100")),
    ("min(l.dates, x.d)", "date", D(2020, 5, 5)),
    ("max(l.recs.start, date('2000-01-01'))", "date", D(2021, 2, 1)),
    ("min(l.recs.days, 10)", "int", 3),
    ("x.b in l.ints", "bool", False),
    ("7 in l.ints", "bool", True),
    ("3 not in l.recs.days", "bool", False),
    ("x.d in l.dates", "bool", True),
    ("'c' in l.strs", "bool", True),
    ("'care' in l.kinds", "bool", True),
    ("any(l.flags)", "bool", True),
    ("all(l.flags)", "bool", False),
    ("any(l.recs.paid) and not all(l.recs.paid)", "bool", True),
    ("l.ints == l.ints", "bool", True),
    ("sum(l.ints) if len(l.ints) > 2 else 0", "int", 12),
    ("max(l.ints, 0) - min(l.ints, 0)", "int", 7),
    ("max(1, 2, 3)", "int", 3),  # several values: as before
    # text
    ("len(x.s)", "int", 14),
    ("len('')", "int", 0),
    ("digits(x.s)", "list[int]", (1, 1, 2, 2, 3, 3, 4, 4, 5, 9, 5)),
    ("sum(digits(x.s))", "int", 39),
    ("len(digits('a-b'))", "int", 0),
    ("digit(x.s, 0) * 9 + digit(x.s, 8)", "int", 14),
    ("digit(x.s, 10)", "int", 5),
    ("number(x.s)", "int", 11223344595),
    ("number(x.s) // 100", "int", 112233445),
    ("number(x.s) % 100", "int", 95),
    ("number('no digits')", "int", 0),
    ("number('007')", "int", 7),
    ("matches(x.s, '{digit:3}-{digit:3}-{digit:3} {digit:2}')", "bool", True),
    ("matches(x.s, '{digit:11}')", "bool", False),
    ("matches('AB-12', '{upper:2}-{digit}{digit}')", "bool", True),
    ("matches('ab-12', '{upper:2}-{digit:2}')", "bool", False),
    ("matches('ab-12', '{lower}{letter}{any}{digit:2}')", "bool", True),
    ("matches('{x}', '{{{letter}}}')", "bool", True),
    ("matches('d', 'd')", "bool", True),
    # stated
    ("stated(x.a)", "bool", True),
    ("stated(x.b)", "bool", False),
    ("stated(l.ints) and not stated(l.recs)", "bool", True),
    ("stated(x.opt)", "bool", False),
])
def test_new_forms_and_their_values(src, type_, value):
    e = compile_(src)
    assert e.type == type_
    got = e.evaluate(FACTS, PARAMS, SPECIALS)
    assert got == value
    assert type(got) is type(value)
    assert evaluate3(e.tree, FACTS, PARAMS, SPECIALS) == got


@pytest.mark.parametrize("src, value", [
    ("sum(l.ints)", 0),
    ("sum(l.decs)", Decimal(0)),
    ("sum(l.money)", Decimal(0)),
    ("sum(l.recs.days)", 0),
    ("len(l.ints) + count(l.recs)", 0),
    ("min(l.ints, 5)", 5),
    ("max(l.money, cap)", Decimal("100")),
    ("max(l.dates, x.d)", D(2021, 1, 1)),
    ("min(l.recs.start, day)", D(2021, 6, 30)),
    ("any(l.flags)", False),
    ("all(l.flags)", True),
    ("x.a in l.ints", False),
    ("'care' not in l.kinds", True),
])
def test_empty_lists_are_well_defined(src, value):
    """sum() of no items is 0 of the item type, min/max give their second value,
    any() is false and all() true: an empty list never makes an error or Unknown."""
    got = evaluate(src, EMPTY)
    assert got == value and type(got) is type(value)
    assert evaluate3(compile_(src).tree, EMPTY, PARAMS, SPECIALS) == got


def test_stated_is_never_unknown_and_needs_no_stated_key():
    F = {k: v for k, v in FACTS.items() if k not in ("x.a", "stated:")}
    assert evaluate("stated(x.a)", F) is False
    assert evaluate("stated(x.a) or x.a > 3", dict(F, **{"stated:": frozenset({"x.a"})})) is True
    got = evaluate("not stated(x.b) and x.a > 3", F)
    assert isinstance(got, Unknown) and got.names == {"x.a"}


def test_a_missing_list_is_unknown_naming_the_list_fact():
    F = {k: v for k, v in FACTS.items() if k != "l.recs"}
    for src in ("sum(l.recs.days) > 3", "count(l.recs) == 2", "2 in l.recs.days",
                "max(l.recs.start, day) < day"):
        got = evaluate(src, F)
        assert isinstance(got, Unknown) and got.names == {"l.recs"}, src
    assert compile_("sum(l.recs.days)").facts == ("l.recs",)
    assert evaluate("len(l.recs) > 0 or x.a == 17", F) is True


# -- refused forms: message and file:line:col ------------------------------------------------

@pytest.mark.parametrize("src, message, at", [
    # %, //
    ("x.m % 2", "cannot compute money % int ('%' takes whole numbers", "x.m"),
    ("x.m // 2", "cannot compute money // int", "x.m"),
    ("x.r % 2", "cannot compute decimal % int", "x.r"),
    ("x.a // 2.5", "cannot compute int // decimal", "x.a"),
    ("x.a / 2 // 1", "cannot compute decimal // int", "x.a"),
    ("x.d % 7", "cannot compute date % int", "x.d"),
    ("x.s % 2", "cannot compute str % int", "x.s"),
    ("l.ints % 2", "cannot compute list[int] % int", "l.ints"),
    # lists as values
    ("l.dates < x.d", "cannot compare list[date] < date (a list is not a single value", "l.dates"),
    ("l.ints == 3", "cannot compare list[int] == int", "l.ints"),
    ("l.ints + 1", "cannot compute list[int] + int (a list has no arithmetic", "l.ints"),
    ("-l.ints", "cannot negate a list[int]", "-"),
    ("l.flags and True", "'and'/'or' need true/false operands, got list[bool]", "l.flags"),
    ("l.ints if x.a > 1 else l.decs", "both branches of 'if' must have one type", "l.ints"),
    ("l.ints == (1, 2)", "cannot compare list[int] == literal[decimal]", "l.ints"),
    ("(1, 2) == (1, 2)", "cannot compare literal[decimal] == literal[decimal]", "("),
    ("x.a in l.recs", "cannot look for a int in a list of records; name one field", "x.a"),
    ("x.d in l.ints", "cannot look for a date in a list of int", "x.d"),
    ("x.m in l.ints", "cannot look for a money in a list of int", "x.m"),
    ("x.a in x.s", "'in' needs a list on the right", "x.a"),
    ("'sick' in l.kinds", "'sick' is not a value of l.kinds; it is one of care, rest", "'sick'"),
    # projections
    ("l.recs.dayz", "the records of l.recs have no field 'dayz'", "l.recs"),
    ("sum(l.recs.dayz)", "did you mean 'days'?", "l.recs"),
    ("l.ints.days", "unknown fact 'l.ints.days'", "l.ints"),
    ("l.recs.days.x", "unknown fact 'l.recs.days.x'", "l.recs"),
    # list helpers
    ("sum(l.dates)", "sum() expects list[number] here, got list[date]", "l.dates"),
    ("sum(l.recs.start)", "sum() expects list[number] here, got list[date]", "l.recs"),
    ("sum(l.recs)", "sum() expects list[number] here", "l.recs"),
    ("sum(l.flags)", "sum() expects list[number] here, got list[bool]", "l.flags"),
    ("sum(x.a)", "sum() expects list[number] here, got int", "x.a"),
    ("sum((1, 2))", "sum() reads a list fact, not a literal list", 4),
    ("sum(l.ints, 0)", "sum() takes 1 argument(s)", "sum"),
    ("len(x.a)", "len() expects str|list here, got int", "x.a"),
    ("count(x.s)", "count() expects list here, got str", "x.s"),
    ("any(l.ints)", "any() expects list[bool] here, got list[int]", "l.ints"),
    ("all(x.a > 1)", "all() expects list[bool] here, got bool", "x.a"),
    ("min(l.ints)", "min() of a list takes the list and one more value", "min"),
    ("max(l.ints, 1, 2)", "max() of a list takes the list and one more value", "max"),
    ("max(l.ints, x.d)", "max() of a list of int needs a int as its second value, got date",
     "x.d"),
    ("max(l.money, 1.5 * x.a)", "needs a money as its second value, got decimal", "1.5"),
    ("min(l.flags, True)", "min() compares numbers, money or dates, not bool", "min"),
    ("min(l.strs, 'a')", "min() compares numbers, money or dates, not str", "min"),
    ("min(l.recs, 1)", "min() of a list of record(days:int,start:date,paid:bool) needs",
     "1"),
    ("max((1, 2), 3)", "max() reads a list fact, not a literal list", "max"),
    ("min(1, l.ints)", "min() arguments mix int and list[int]", "min"),
    # no loops a writer controls
    ("sum(x for x in l.ints)", "comprehensions are not allowed", "("),
    ("[d * 2 for d in l.ints]", "comprehensions are not allowed", "["),
    ("l.ints[0]", "indexing with [] is not allowed", "l.ints"),
    # text helpers
    ("digits(x.a)", "digits() expects str here, got int", "x.a"),
    ("digit(x.s)", "digit() takes 2 argument(s)", "digit"),
    ("digit(x.s, 1.5)", "digit() expects int here, got decimal", "1.5"),
    ("number(l.strs)", "number() expects str here, got list[str]", "l.strs"),
    ("x.s + 1", "cannot compute str + int", "x.s"),
    ("matches(x.s)", "matches() takes a text and a literal template", "matches"),
    ("matches(x.s, x.s)", "matches() takes a text and a literal template", 13),
    ("matches(x.a, '{digit}')", "matches() expects str here, got int", "x.a"),
    ("matches(x.s, '{digt:3}')", "matches(): unknown class {digt} in the pattern (did you mean "
     "{digit}?); the classes are {digit}, {letter}, {upper}, {lower}, {any}", "'"),
    ("matches(x.s, '{}')", "unknown class {} in the pattern", "'"),
    ("matches(x.s, '{digit:0}')", "the count after ':' is a whole number from 1 to 200", "'"),
    ("matches(x.s, '{digit:x}')", "the count after ':' is a whole number", "'"),
    ("matches(x.s, '{digit:201}')", "the count after ':' is a whole number from 1 to 200", "'"),
    ("matches(x.s, '{digit:150}{any:60}')", "more than 200 positions", "'"),
    ("matches(x.s, '{digit')", "a '{' without its '}'", "'"),
    ("matches(x.s, 'a}')", "a '}' without its '{'", "'"),
    ("matches(x.s, '')", "an empty pattern matches only the empty text", "'"),
    # stated / given take one fact name
    ("stated(cap)", "stated() takes one fact name, e.g. stated(child.birth_date)", "stated"),
    ("stated(day)", "stated() takes one fact name", "stated"),
    ("stated(x.a, x.b)", "stated() takes one fact name", "stated"),
    ("stated('x.a')", "stated() takes one fact name", "stated"),
    ("stated(x.aa)", "unknown fact 'x.aa'", "x.aa"),
    ("stated(l.recs.days)", "stated() takes one fact name, not a field of a list; write "
     "stated(l.recs)", "stated"),
    ("given(l.recs.days)", "given() takes one fact name, not a field of a list", "given"),
    ("stated", "stated is a function", "stated"),
])
def test_refusals_name_the_problem_at_file_line_col(src, message, at):
    e = refused(src)
    assert message in e.message
    assert (e.position.file, e.position.line) == ("rule.yaml", LINE)
    assert e.position.col == (COL + at if isinstance(at, int) else COL + src.index(at))
    assert str(e).startswith(f"rule.yaml:{LINE}:{e.position.col}: ")


def test_every_pattern_class_is_documented_and_single_character():
    doc = HELPERS["matches"].doc
    for name, test in PATTERN_CLASSES.items():
        assert "{" + name + "}" in doc
        assert parse_pattern("{" + name + "}") == (test,)
    assert PATTERN_CLASSES["digit"]("٣") is False  # only 0-9: no other scripts' digits
    assert PATTERN_CLASSES["letter"]("ж") is True


def test_matching_is_linear_and_never_uses_regular_expressions():
    import engine.expr.helpers as h
    assert "re" not in vars(h) and "import re" not in inspect.getsource(h)
    e = compile_("matches(x.s, '{any:199}x')")
    assert e.evaluate(dict(FACTS, **{"x.s": "a" * 199 + "x"}), {}, {}) is True
    assert e.evaluate(dict(FACTS, **{"x.s": "a" * 200}), {}, {}) is False
    assert e.evaluate(dict(FACTS, **{"x.s": "a" * 100_000}), {}, {}) is False  # length first


# -- runtime failures are evaluation errors at the expression, never tracebacks ------------

@pytest.mark.parametrize("src, F, words", [
    ("x.a % x.b", {"x.a": 3, "x.b": 0}, "modulo by zero"),
    ("x.a // x.b", {"x.a": 3, "x.b": 0}, "by zero"),
    ("x.a // (x.b - 5)", {"x.a": 3, "x.b": 5}, "by zero"),
    ("digit(x.s, 11)", {"x.s": "112-233-445 95"}, "digit(s, 11): the text has 11 digit(s), "
     "numbered 0 to 10"),
    ("digit(x.s, x.a - 20)", {"x.s": "12", "x.a": 19}, "digit(s, -1)"),
    ("digit(x.s, 0)", {"x.s": "none"}, "the text has 0 digit(s)"),
    ("number(x.s) > 0", {"x.s": "1" * 41}, "the text has 41 digits; the limit is 40"),
])
def test_runtime_failures_are_evaluation_errors_naming_the_expression(src, F, words):
    e = compile_(src)
    for run in (lambda: e.evaluate(F, PARAMS, SPECIALS),
                lambda: e.evaluate({**F, "x.m": None}, PARAMS, SPECIALS)):
        with pytest.raises(EvaluationError) as err:
            run()
        assert words in err.value.message
        assert src in err.value.message
        assert err.value.position == POS


def test_a_number_of_the_digit_limit_is_read():
    assert evaluate("number(x.s) % 10", {"x.s": "9" * limits.MAX_NUMBER_DIGITS}) == 9


# -- the table of limits -------------------------------------------------------------------

def test_the_limits_live_in_one_table_and_keep_their_names():
    assert engine.expr.MAX_LENGTH is limits.MAX_LENGTH == 2000
    assert engine.expr.MAX_NODES is limits.MAX_NODES == 400
    assert engine.expr.MAX_DEPTH is limits.MAX_DEPTH == 40
    assert engine.expr.LIMITS is limits.LIMITS
    from engine.evaluate import facts
    assert facts.MAX_CASE_BYTES is limits.MAX_CASE_BYTES
    assert set(limits.LIMITS) == {n for n in limits.__all__ if n != "LIMITS"}
    for name, value in limits.LIMITS.items():
        assert getattr(limits, name) == value and value > 0


def test_each_limit_has_a_one_line_reason():
    source = inspect.getsource(limits)
    tree = ast.parse(source)
    body = tree.body
    for i, node in enumerate(body):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in limits.LIMITS:
            doc = body[i + 1]
            assert isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)
            assert doc.value.value.strip() and "\n" not in doc.value.value.strip()


def test_definitions_nest_at_most_to_the_limit():
    from engine.expr import parse_definition
    n = limits.MAX_DEFINITION_NESTING
    # d0 uses d1, ..., d{n} is x.a: a chain of n definitions from d1, n + 1 from d0
    defs = {f"d{i}": parse_definition(f"d{i + 1} + 1", POS) for i in range(n)}
    defs[f"d{n}"] = parse_definition("x.a", POS)
    deep = Scope(SCOPE.facts, SCOPE.enums, SCOPE.params, SCOPE.specials, SCOPE.nullable, defs)
    with pytest.raises(LoadError) as e:
        compile_expression("d0", deep, POS)
    assert f"more than {n} levels" in e.value.message
    assert compile_expression("d1", deep, POS).evaluate(FACTS, {}, {}) == 17 + n - 1


def test_a_decimal_literal_inside_a_definition_keeps_its_value_where_it_is_used():
    from engine.expr import parse_definition
    defs = {"half": parse_definition("x.a * 0.5 + round(x.r * 1.5, 0.01)", POS)}
    sc = Scope(SCOPE.facts, SCOPE.enums, SCOPE.params, SCOPE.specials, SCOPE.nullable, defs)
    e = compile_expression("x.b + half", sc, POS)
    assert e.evaluate(FACTS, {}, {}) == Decimal("5") + Decimal("8.5") + Decimal("0.75")


# -- properties ------------------------------------------------------------------------------

ARITHMETIC = [
    "x.a % x.b", "x.a // x.b", "(x.a - x.b) % 7", "(x.b - x.a) // 3", "x.a % 101 % 100",
    "-x.a // x.b + x.a % x.b", "(x.a // x.b) * x.b + x.a % x.b", "x.a * 9 % 11 // 2",
    "x.a % x.b if x.a > x.b else x.b // (x.a + 1)", "x.a // -2 - x.b % -3",
]
COLLECTIONS = [
    "len(l.ints) + count(l.recs)", "sum(l.ints)", "sum(l.decs)", "sum(l.money)",
    "sum(l.recs.days)", "min(l.ints, x.a)", "max(l.decs, 0)", "max(l.dates, x.d)",
    "max(l.recs.start, x.d)", "min(l.money, x.m)", "x.a in l.ints", "x.b not in l.recs.days",
    "any(l.flags) or all(l.recs.paid)", "all(l.flags)", "x.d in l.dates", "x.s in l.strs",
    "sum(l.ints) // (len(l.ints) + 1)", "sum(l.recs.days) % 7",
    "max(l.money, 0) - min(l.money, 0) + sum(l.money)",
    "len(x.s) % 3", "sum(digits(x.s))", "number(x.s) % 97", "number(x.s) // 10",
    "matches(x.s, '{digit:2}-{any}')", "matches(x.s, '{digit:3}')",
    "digit(x.s, 0) if len(digits(x.s)) > 0 else -1",
    "digit(x.s, x.a)",
]
STATED = ["stated(x.a) or x.a > 3", "stated(l.recs) and sum(l.recs.days) > 2",
          "x.b if stated(x.b) else x.a % 4", "not stated(x.opt) and given(x.opt)"]
ALL = ARITHMETIC + COLLECTIONS + STATED

TEXT = st.text(alphabet="0123456789- ab", max_size=12)
DATES = st.dates(D(2019, 1, 1), D(2023, 12, 31))
MONEY = st.decimals(min_value=0, max_value=1000, places=2)
STRATEGY: dict[str, st.SearchStrategy] = {
    "x.a": st.integers(-30, 30), "x.b": st.integers(-10, 10), "x.s": TEXT, "x.d": DATES,
    "x.m": MONEY, "x.r": st.decimals(min_value=-10, max_value=10, places=3),
    "x.opt": st.one_of(st.none(), DATES),
    "l.ints": st.lists(st.integers(0, 30), max_size=5).map(tuple),
    "l.decs": st.lists(st.decimals(min_value=-10, max_value=10, places=2), max_size=5).map(tuple),
    "l.money": st.lists(MONEY, max_size=5).map(tuple),
    "l.dates": st.lists(DATES, max_size=5).map(tuple),
    "l.flags": st.lists(st.booleans(), max_size=5).map(tuple),
    "l.strs": st.lists(TEXT, max_size=4).map(tuple),
    "l.kinds": st.lists(st.sampled_from(["rest", "care"]), max_size=3).map(tuple),
    "l.recs": st.lists(st.fixed_dictionaries({"days": st.integers(0, 30), "start": DATES,
                                              "paid": st.booleans()}), max_size=4).map(tuple),
}
COMPILED = {src: compile_(src) for src in ALL}


def _draw(data: st.DataObject, e: Expr) -> dict[str, Any]:
    F = {n: data.draw(STRATEGY[n], label=n) for n in e.facts}
    F["stated:"] = frozenset(data.draw(st.sets(st.sampled_from(sorted(SCOPE.facts))),
                                       label="stated"))
    return F


def outcome(fn: Callable[[], Any]) -> tuple:
    try:
        v = fn()
    except (EvaluationError, ArithmeticError, ValueError):
        return ("error",)
    if isinstance(v, Unknown):
        return ("unknown", v.names)
    return ("value", type(v), v)


class _Records(tuple):
    """simpleeval's view of a list of records: `recs.days` is the list of the days."""

    def __getattr__(self, name: str) -> tuple:
        if name.startswith("_"):
            raise AttributeError(name)
        return tuple(r[name] for r in self)


def _nest(F: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, v in F.items():
        if ":" in path:
            continue
        *heads, last = path.split(".")
        d = out
        for h in heads:
            d = d.setdefault(h, {})
        d[last] = _Records(v) if path == "l.recs" else v
    return out


def _reference_digit(s: str, i: int) -> int:
    ds = [c for c in s if "0" <= c <= "9"]
    if not 0 <= i < len(ds):
        raise ValueError("no such digit")
    return int(ds[i])


def _reference_matches(s: str, pattern: str) -> bool:
    # the templates of COLLECTIONS: {digit:N} and {any}, other characters literal
    tests: list[Callable[[str], bool]] = []
    for part in pattern.replace("}", "{").split("{"):
        if part.startswith("digit:"):
            tests += [lambda c: c in "0123456789"] * int(part[6:])
        elif part == "any":
            tests.append(lambda c: True)
        else:
            tests += [lambda c, lit=lit: c == lit for lit in part]
    return len(s) == len(tests) and all(t(c) for t, c in zip(tests, s))


REFERENCE: dict[str, Callable] = {
    "len": len, "count": len, "sum": lambda xs: sum(xs), "any": any, "all": all,
    "min": lambda xs, v: min([*xs, v]), "max": lambda xs, v: max([*xs, v]),
    "digits": lambda s: tuple(int(c) for c in s if "0" <= c <= "9"),
    "digit": _reference_digit,
    "number": lambda s: int("0" + "".join(c for c in s if "0" <= c <= "9")),
    "matches": _reference_matches,
}


def simple(e: Expr, F: dict[str, Any]) -> Any:
    s = simpleeval.EvalWithCompoundTypes(operators=dict(simpleeval.DEFAULT_OPERATORS),
                                         functions=REFERENCE, names=_nest(F))
    s.nodes[ast.Expression] = lambda node: s._eval(node.body)
    return s.eval(e.source, previously_parsed=e.tree)


@pytest.mark.parametrize("src", ARITHMETIC + COLLECTIONS)
@given(data=st.data())
def test_compiled_agrees_with_simpleeval(src, data):
    e = COMPILED[src]
    F = _draw(data, e)
    got = outcome(lambda: e.evaluate(F, PARAMS, SPECIALS))
    want = outcome(lambda: simple(e, F))
    assert got[0] == want[0]
    if got[0] == "value":
        assert got[2] == want[2]  # the reference's sum([]) is int 0 for any list
        if src in ARITHMETIC:
            assert got == want
        want_type = {"int": int, "bool": bool, "decimal": Decimal, "money": Decimal,
                     "date": dt.date}[e.type]
        # an int may stand for a decimal or money value (max(xs, 0) of no items is 0)
        assert got[1] is want_type or (e.type in ("decimal", "money") and got[1] is int)


@pytest.mark.parametrize("src", ALL)
@given(data=st.data())
def test_three_valued_walker_agrees_on_known_facts(src, data):
    e = COMPILED[src]
    F = _draw(data, e)
    compiled = outcome(lambda: e.fn(F, PARAMS, SPECIALS))
    walked = outcome(lambda: evaluate3(e.tree, F, PARAMS, SPECIALS))
    assert walked == compiled
    assert outcome(lambda: e.evaluate(F, PARAMS, SPECIALS)) == walked


@pytest.mark.parametrize("src", ALL)
@given(data=st.data())
def test_missing_facts_give_unknown_naming_only_them_or_a_sound_value(src, data):
    e = COMPILED[src]
    F = _draw(data, e)
    removed = data.draw(st.sets(st.sampled_from(e.facts), min_size=1), label="removed")
    partial = {k: v for k, v in F.items() if k not in removed}
    got = outcome(lambda: e.evaluate(partial, PARAMS, SPECIALS))
    if got[0] == "unknown":
        assert got[1] and got[1] <= removed
        return
    assert got == outcome(lambda: evaluate3(e.tree, partial, PARAMS, SPECIALS))
    if got[0] == "value" and "stated(" not in src and "given(" not in src:
        assert got == outcome(lambda: e.evaluate(F, PARAMS, SPECIALS))
