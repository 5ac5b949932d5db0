"""engine.expr: the whitelisted, type-checked expression language and its evaluation."""
from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal

import pytest

from engine.errors import EvaluationError, LoadError, Position
from engine.expr import MAX_LENGTH, MAX_NODES, Scope, Unknown, compile_expression

SCOPE = Scope(
    facts={
        "child.birth_date": "date",
        "child.adoption_date": "date",
        "child.flag": "bool",
        "child.name": "str",
        "child.residence": "str",
        "household.income": "money",
        "household.count": "int",
        "x.rate": "decimal",
    },
    enums={"child.residence": frozenset({"LT", "EU", "other"})},
    params={"bsb": "money", "factor": "decimal", "n": "int"},
    nullable=frozenset({"child.adoption_date"}),  # declared `default: null` in facts.yaml
    specials={"day": "date", "on": "date"},
)
LINE, COL = 7, 11  # where the expression starts in its (imaginary) YAML file
POS = Position("rule.yaml", LINE, COL)

D = dt.date
BIRTH = D(2010, 6, 14)
DAY = D(2012, 3, 31)
FACTS = {
    "child.birth_date": BIRTH,
    "child.adoption_date": None,
    "child.flag": True,
    "child.name": "Ona",
    "child.residence": "LT",
    "household.income": Decimal("300.10"),
    "household.count": 3,
    "x.rate": Decimal("0.25"),
}
PARAMS = {"bsb": Decimal("130"), "factor": Decimal("1.5"), "n": 3}
SPECIALS = {"day": DAY, "on": D(2012, 4, 2)}


def compile_(src: str, expect: str | None = None):
    return compile_expression(src, SCOPE, POS, expect)


def evaluate(src: str, F=None, P=None, S=None):
    return compile_(src).evaluate(FACTS if F is None else F, PARAMS if P is None else P,
                                  SPECIALS if S is None else S)


def refused(src: str) -> LoadError:
    with pytest.raises(LoadError) as e:
        compile_(src)
    return e.value


# -- accepted forms ---------------------------------------------------------------------------

@pytest.mark.parametrize("src, type_, value", [
    ("child.birth_date", "date", BIRTH),
    ("day", "date", DAY),
    ("bsb", "money", Decimal("130")),
    ("n", "int", 3),
    ("True", "bool", True),
    ("'LT'", "str", "LT"),
    ("12", "int", 12),
    ("0.75", "decimal", Decimal("0.75")),
    ("-1.5", "decimal", Decimal("-1.5")),
    ("11 * bsb", "money", Decimal("1430")),
    ("0.75 * bsb", "money", Decimal("97.50")),
    ("bsb * 0.4", "money", Decimal("52.0")),
    ("bsb / 2", "money", Decimal("65")),
    ("bsb / bsb", "decimal", Decimal("1")),
    ("bsb + 1", "money", Decimal("131")),
    ("bsb - household.income", "money", Decimal("-170.10")),
    ("-household.income", "money", Decimal("-300.10")),
    ("household.income * x.rate", "money", Decimal("75.0250")),
    ("n * 2 + 1", "int", 7),
    ("n / 2", "decimal", Decimal("1.5")),
    ("x.rate * n", "decimal", Decimal("0.75")),
    ("household.income < 1.5 * bsb", "bool", False),
    ("household.income >= 300.1", "bool", True),
    ("child.birth_date < day", "bool", True),
    ("child.birth_date < date('2009-01-01')", "bool", False),
    ("date('2010-06-14') == child.birth_date", "bool", True),
    ("birthday(child.birth_date, 2) <= day < birthday(child.birth_date, 7)", "bool", False),
    ("1 < 2 < 3", "bool", True),
    ("child.flag and household.count >= 3", "bool", True),
    ("not child.flag or n == 3", "bool", True),
    ("child.residence == 'LT'", "bool", True),
    ("child.residence in ('LT', 'EU')", "bool", True),
    ("child.residence not in ('EU', 'other')", "bool", True),
    ("household.count in (1, 2, 3)", "bool", True),
    ("household.count in [1, 2]", "bool", False),
    ("n in (1, 2.5, 3)", "bool", True),
    ("child.name == 'Ona'", "bool", True),
    ("child.adoption_date is None", "bool", True),
    ("child.adoption_date is not None", "bool", False),
    ("given(child.birth_date)", "bool", True),
    ("given(child.adoption_date)", "bool", False),
    ("child.adoption_date if given(child.adoption_date) else child.birth_date", "date", BIRTH),
    ("bsb if child.flag else 0", "money", Decimal("130")),
    ("1 if child.flag else 1.5", "decimal", 1),
    ("age(child.birth_date, day)", "int", 1),
    ("age(date('2008-02-29'), date('2009-02-28'))", "int", 0),
    ("age(date('2008-02-29'), date('2009-03-01'))", "int", 1),
    ("birthday(child.birth_date, 2)", "date", D(2012, 6, 14)),
    ("birthday(date('2008-02-29'), 1)", "date", D(2009, 3, 1)),
    ("add_days(child.birth_date, -70)", "date", D(2010, 4, 5)),
    ("add_months(date('2011-01-31'), 1)", "date", D(2011, 2, 28)),
    ("add_months(day, -12)", "date", D(2011, 3, 31)),
    ("add_years(date('2012-02-29'), 1)", "date", D(2013, 2, 28)),
    ("days_between(child.birth_date, day)", "int", (DAY - BIRTH).days),
    ("month_start(day)", "date", D(2012, 3, 1)),
    ("month_end(date('2012-02-10'))", "date", D(2012, 2, 29)),
    ("days_in_month(date('2011-02-10'))", "int", 28),
    ("year(day)", "int", 2012),
    ("month(day)", "int", 3),
    ("min(bsb, household.income)", "money", Decimal("130")),
    ("max(bsb, 500)", "money", 500),
    ("max(day, on, child.birth_date)", "date", D(2012, 4, 2)),
    ("abs(bsb - household.income)", "money", Decimal("170.10")),
    ("abs(-n)", "int", 3),
    ("(child.flag\n and n == 3)", "bool", True),
])
def test_accepted_forms_and_their_values(src, type_, value):
    e = compile_(src)
    assert e.type == type_
    got = e.evaluate(FACTS, PARAMS, SPECIALS)
    assert got == value
    assert not isinstance(got, float)
    if isinstance(value, bool):
        assert got is value


def test_compiled_expressions_record_what_they_read():
    e = compile_("household.income < factor * bsb and day >= child.birth_date")
    assert e.facts == ("household.income", "child.birth_date")
    assert e.params == ("factor", "bsb")
    assert e.specials == ("day",)
    assert e.source == "household.income < factor * bsb and day >= child.birth_date"
    assert e.position == POS


@pytest.mark.parametrize("src, expect", [
    ("child.flag", "bool"), ("day", "date"), ("bsb", "money"), ("n", "number"),
    ("x.rate", "number"), ("n", "decimal"),
])
def test_expected_result_types_are_accepted(src, expect):
    compile_(src, expect)


@pytest.mark.parametrize("src, expect", [
    ("bsb", "bool"), ("n", "money"), ("day", "bool"), ("child.flag", "date"),
])
def test_a_result_of_the_wrong_type_is_refused(src, expect):
    e = refused_with_expect(src, expect)
    assert f"but {expect} is needed here" in e.message


def refused_with_expect(src, expect) -> LoadError:
    with pytest.raises(LoadError) as e:
        compile_(src, expect)
    return e.value


# -- refused forms: message and column ----------------------------------------------------

def _col(src: str, at: str) -> int:
    """Column, in the YAML file, of the first occurrence of `at` in `src`.

    The tables below give `at` as that text, or as a 0-based index into `src`.
    """
    return COL + src.index(at)


@pytest.mark.parametrize("src, message, at", [
    # escapes through attributes and names
    ("child.__class__", "names starting with '_' are not allowed", "child"),
    ("x.__globals__", "names starting with '_' are not allowed", "x"),
    ("child.birth_date.__class__.__mro__", "names starting with '_' are not allowed", "child"),
    ("day.__class__", "names starting with '_' are not allowed", "day"),
    ("child._secret", "names starting with '_' are not allowed", "child"),
    ("__builtins__", "names starting with '_' are not allowed", "__builtins__"),
    ("_k0", "names starting with '_' are not allowed", "_k0"),
    ("bsb.real", "parameter 'bsb' is a money, not a record: it has no field 'real'", "bsb"),
    ("day.year", "unknown fact 'day.year'", "day"),
    # calls to anything but the helpers
    ("open('x')", "unknown function 'open'", "open"),
    ("__import__('os')", "unknown function '__import__'", "__import__"),
    ("getattr(child, '__class__')", "unknown function 'getattr'", "getattr"),
    ("eval('1')", "unknown function 'eval'", "eval"),
    ("child.birth_date.replace(year=1)", "only the documented helpers can be called",
     "child"),
    ("(lambda: 1)()", "only the documented helpers can be called", "("),
    ("age(birth=child.birth_date, on=day)", "positional arguments only", "age"),
    ("min", "min is a function", "min"),
    ("print", "unknown name 'print'", "print"),
    # operators and syntax outside the whitelist
    ("bsb ** 2", "'**' is not allowed", "bsb"),
    ("10 ** 10 ** 10", "'**' is not allowed", "10"),
    # (% and // on whole numbers are allowed: tests/engine/test_expr_language.py)
    ("~n", "Invert is not allowed", "~"),
    ("+n", "UAdd is not allowed", "+"),
    ("child['birth_date']", "indexing with [] is not allowed", "child"),
    ("(1, 2)[0]", "indexing with [] is not allowed", "("),
    ("lambda: 1", "lambda is not allowed", "lambda"),
    ("[x for x in (1, 2)]", "comprehensions are not allowed", "["),
    ("any(x for x in (1, 2))", "comprehensions are not allowed", "("),
    ("{1: 2}", "dict literals are not allowed", "{"),
    ("{1, 2}", "Set is not allowed", "{"),
    ("(y := 1)", "':=' is not allowed", "y"),
    ("f'{n}'", "f-strings are not allowed", "f"),
    ("b'x'", "literal b'x' is not allowed", "b"),
    ("1j", "literal 1j is not allowed", "1j"),
    # '=' for '=='
    ("n = 3", "use '==' to compare", "="),
    ("child.residence = 'LT'", "use '==' to compare", "="),
    # unknown names, with a suggestion
    ("child.birthdate < day", "unknown fact 'child.birthdate'; did you mean 'child.birth_date'?",
     "child"),
    ("chld.birth_date < day", "did you mean 'child.birth_date'?", "chld"),
    ("day > child.birth_dat", "did you mean 'child.birth_date'?", "child"),
    ("bssb * 2", "unknown name 'bssb'; did you mean 'bsb'?", "bssb"),
    ("ag(child.birth_date, day)", "unknown function 'ag'; did you mean 'age'?", "ag"),
    # types
    ("child.birth_date < bsb", "cannot compare date < money", "child"),
    ("bsb * bsb", "cannot compute money * money", "bsb"),
    ("bsb + n", "cannot compute money + int", "bsb"),
    ("bsb > n", "cannot compare money > int", "bsb"),
    ("2 / bsb", "cannot compute int / money", "2"),
    ("day + 1", "cannot compute date + int (use add_days", "day"),
    ("day - child.birth_date", "cannot compute date - date", "day"),
    ("-day", "cannot negate a date", "-"),
    ("n and True", "'and'/'or' need true/false operands, got int", "n"),
    ("child.flag and n", "'and'/'or' need true/false operands, got int", 15),
    ("child.flag or household.income", "'and'/'or' need true/false operands, got money",
     "household"),
    ("not n", "'not' needs a true/false operand", "not"),
    ("n if n else 1", "the condition of 'if' must be true/false", 5),
    ("n if child.flag else bsb", "both branches of 'if' must have one type", "n"),
    ("child.flag == 1", "cannot compare bool == int", "child"),
    ("child.name < 'b'", "cannot compare str < str", "child"),
    ("'a' * 1000000000", "cannot compute str * int", "'a'"),
    ("child.residence == 'XX'", "'XX' is not a value of child.residence; it is one of EU, LT, "
     "other", "'XX'"),
    ("'XX' != child.residence", "'XX' is not a value of child.residence", "'XX'"),
    ("child.residence in ('LT', 'XX')", "'XX' is not a value of child.residence", "("),
    ("n in (1, 'a')", "a list mixes types", "("),
    ("n in ()", "an empty list is not allowed", "("),
    ("n in (n, 1)", "a list may hold only literal values", 6),
    ("child.flag is True", "'is' compares only with None", "child"),
    ("given(bsb)", "given() takes one fact name", "given"),
    ("given(child.birth_date, day)", "given() takes one fact name", "given"),
    ("date(on)", 'date() takes one literal', "date"),
    ("date('2009-02-30')", "'2009-02-30' is not a valid calendar date", "'2009"),
    ("age(child.birth_date)", "age() takes 2 argument(s)", "age"),
    ("add_days(day, 1.5)", "add_days() expects int here, got decimal", "1.5"),
    ("min(bsb, n)", "min() arguments mix money and int", "min"),
    ("min(1)", "min() needs two or more arguments", "min"),
    # exponent and other float spellings
    ("1e3", "write the number '1e3' as plain digits", "1e3"),
    ("1.5E2 * bsb", "write the number '1.5E2' as plain digits", "1.5E2"),
    ("bsb > 2e-1", "write the number '2e-1' as plain digits", "2e-1"),
])
def test_refused_forms_name_the_problem_and_its_column(src, message, at):
    e = refused(src)
    assert message in e.message
    assert e.position.file == "rule.yaml"
    assert e.position.line == LINE
    assert e.position.col == (COL + at if isinstance(at, int) else _col(src, at))


@pytest.mark.parametrize("src", [
    "child.__class__", "x.__globals__", "open('x')", "__import__('os')",
    "getattr(child, '__class__')", "child.birth_date.replace(year=1)",
])
def test_nothing_refused_reaches_code_generation(src, monkeypatch):
    import engine.expr

    def trap(*a, **k):
        raise AssertionError("a refused expression reached eval()")

    monkeypatch.setattr(engine.expr, "eval", trap, raising=False)
    monkeypatch.setattr(engine.expr, "compile", trap, raising=False)
    with pytest.raises(LoadError):
        compile_(src)


def test_the_assignment_message_points_at_the_equals_sign():
    e = refused("household.count = 3")
    assert "'='" in e.message and "'=='" in e.message
    assert e.position.col == COL + len("household.count ")


def test_a_syntax_error_is_a_load_error():
    e = refused("n * (bsb")
    assert e.message.startswith("syntax error")
    assert e.position.col == COL + len("n * ")


@pytest.mark.parametrize("bad", [123, None, Decimal("1.5"), ["n"], {"a": 1}, True])
def test_an_expression_must_be_text(bad):
    e = refused(bad)
    assert "an expression must be text" in e.message


@pytest.mark.parametrize("src", ["", "   ", "\n"])
def test_an_empty_expression_is_refused(src):
    assert "empty expression" in refused(src).message


def test_a_2mb_expression_is_refused_by_its_length():
    src = "n + " * 500_000 + "n"
    assert len(src) > 2_000_000
    e = refused(src)
    assert f"the limit is {MAX_LENGTH}" in e.message
    assert e.position == POS


def test_an_expression_just_over_the_length_limit_is_refused():
    src = "n" + " " * (MAX_LENGTH - 2) + "+ n"
    assert f"the limit is {MAX_LENGTH}" in refused(src).message


@pytest.mark.parametrize("src", [
    "-" * 60 + "n",
    "not " * 50 + "child.flag",
    "abs(" * 45 + "n" + ")" * 45,
    "(" * 45 + "n + " * 0 + "n" + " + 1)" * 45,
    "(n if child.flag else " * 45 + "n" + ")" * 45,
])
def test_very_deep_nesting_is_refused(src):
    e = refused(src)
    assert "nested" in e.message
    assert len(src) <= MAX_LENGTH


@pytest.mark.parametrize("src", [
    "(" * 300 + "n" + ")" * 300,
    "-" * 1990 + "n",
])
def test_pathological_nesting_is_a_load_error(src):
    e = refused(src)
    assert ("nested" in e.message or e.message.startswith("syntax error")
            or f"the limit is {MAX_NODES}" in e.message)


def test_too_many_nodes_are_refused():
    src = "n in (" + "1, " * 450 + "1)"
    assert len(src) <= MAX_LENGTH
    e = refused(src)
    assert f"the limit is {MAX_NODES}" in e.message


def test_a_long_flat_sum_is_refused():
    e = refused(" + ".join(["n"] * 300))
    assert f"the limit is {MAX_NODES}" in e.message or "nested" in e.message


# -- exact decimals ---------------------------------------------------------------------------

def test_decimal_literal_times_money_is_an_exact_decimal():
    m = Decimal("130.00")
    got = compile_("1.5 * bsb").evaluate({}, {"bsb": m}, {})
    assert type(got) is Decimal
    assert got == Decimal("195.000")


def test_decimal_literals_never_become_floats():
    e = compile_("0.1 + 0.2 == 0.3 and x.rate * 0.1 < 1.5")
    assert not any(isinstance(n, ast.Constant) and isinstance(n.value, float)
                   for n in ast.walk(e.tree))
    assert e.evaluate(FACTS, PARAMS, SPECIALS) is True


@pytest.mark.parametrize("src, value", [
    ("1 / 3", Decimal(1) / Decimal(3)),
    ("n / 2", Decimal("1.5")),
    ("6 / 3", Decimal(2)),
    ("bsb / 3", Decimal("130") / Decimal(3)),
    ("0.1 * 3", Decimal("0.3")),
    ("household.income * 1.5", Decimal("450.150")),
])
def test_division_and_products_are_decimals(src, value):
    got = evaluate(src)
    assert type(got) is Decimal
    assert got == value


@pytest.mark.parametrize("src, P", [
    ("n / 0", {"n": 3}),
    ("bsb / 0", {"bsb": Decimal(1)}),
    ("0 / 0", {}),
    ("1 / (n - 3)", {"n": 3}),
])
def test_division_by_zero_is_an_evaluation_error(src, P):
    with pytest.raises(EvaluationError) as e:
        compile_(src).evaluate({}, P, {})
    assert not isinstance(e.value, ZeroDivisionError)
    assert src in e.value.message
    assert e.value.position == POS


def test_a_date_out_of_range_is_an_evaluation_error():
    with pytest.raises(EvaluationError) as e:
        compile_("add_days(day, 100000000)").evaluate({}, {}, {"day": DAY})
    assert e.value.position == POS


# -- three-valued logic -------------------------------------------------------------------

NO_FLAG = {k: v for k, v in FACTS.items() if k != "child.flag"}
NO_COUNT = {k: v for k, v in FACTS.items() if k != "household.count"}


def test_false_and_unknown_is_false():
    assert evaluate("n == 4 and child.flag", F=NO_FLAG) is False
    assert evaluate("child.flag and n == 4", F=NO_FLAG) is False


def test_true_or_unknown_is_true():
    assert evaluate("n == 3 or child.flag", F=NO_FLAG) is True
    assert evaluate("child.flag or n == 3", F=NO_FLAG) is True


def test_unknown_and_true_is_unknown_naming_the_fact():
    got = evaluate("child.flag and True", F=NO_FLAG)
    assert isinstance(got, Unknown)
    assert got.names == frozenset({"child.flag"})


def test_unknowns_collect_every_name():
    F = {k: v for k, v in FACTS.items() if k not in ("child.flag", "household.count")}
    got = evaluate("child.flag and household.count > 2", F=F)
    assert isinstance(got, Unknown)
    assert got.names == frozenset({"child.flag", "household.count"})


def test_arithmetic_on_an_unknown_is_unknown():
    got = evaluate("household.count * 2 + n > 5", F=NO_COUNT)
    assert isinstance(got, Unknown) and got.names == {"household.count"}
    got = evaluate("add_days(day, household.count) > day", F=NO_COUNT)
    assert isinstance(got, Unknown) and got.names == {"household.count"}


def test_if_with_an_unknown_condition():
    assert evaluate("1 if child.flag else 1", F=NO_FLAG) == 1
    got = evaluate("1 if child.flag else 2", F=NO_FLAG)
    assert isinstance(got, Unknown) and got.names == {"child.flag"}


@pytest.mark.parametrize("src", [
    "child.adoption_date < day",
    "child.adoption_date >= child.birth_date",
    "add_days(child.adoption_date, 1) >= day",
    "days_between(child.adoption_date, day) > 0",
    "max(child.adoption_date, day) == day",
])
def test_comparisons_with_an_absent_fact_are_unknown_naming_it(src):
    F = dict(FACTS, **{"child.adoption_date": None})
    got = evaluate(src, F=F)
    assert isinstance(got, Unknown)
    assert got.names == frozenset({"child.adoption_date"})


@pytest.mark.parametrize("src", [
    "add_months(child.adoption_date, 12) >= day",
    "add_years(child.adoption_date, 1) >= day",
    "birthday(child.adoption_date, 2) <= day",
    "age(child.adoption_date, day) >= 18",
    "month_start(child.adoption_date) == day",
    "year(child.adoption_date) == 2010",
])
def test_helpers_given_an_absent_fact_are_unknown_naming_it(src):
    F = dict(FACTS, **{"child.adoption_date": None})
    got = evaluate(src, F=F)
    assert isinstance(got, Unknown)
    assert got.names == frozenset({"child.adoption_date"})


def test_equality_with_an_absent_fact_is_known():
    F = dict(FACTS, **{"child.adoption_date": None})
    assert evaluate("child.adoption_date == day", F=F) is False
    assert evaluate("child.adoption_date != day", F=F) is True
    assert evaluate("child.adoption_date is None", F=F) is True


def test_a_missing_fact_is_unknown_even_for_is_none():
    F = {k: v for k, v in FACTS.items() if k != "child.adoption_date"}
    got = evaluate("child.adoption_date is None", F=F)
    assert isinstance(got, Unknown) and got.names == {"child.adoption_date"}


@pytest.mark.parametrize("F, value", [
    ({}, False),
    ({"child.adoption_date": None}, False),
    ({"child.adoption_date": D(2011, 1, 1)}, True),
])
def test_given_is_never_unknown(F, value):
    assert evaluate("given(child.adoption_date)", F=F) is value
    assert evaluate("not given(child.adoption_date)", F=F) is (not value)


@pytest.mark.parametrize("src", [
    "child.adoption_date",
    "child.adoption_date if child.flag else day",
])
def test_an_absent_fact_used_as_a_value_is_unknown(src):
    F = dict(FACTS, **{"child.adoption_date": None})
    got = evaluate(src, F=F)
    assert isinstance(got, Unknown)
    assert got.names == frozenset({"child.adoption_date"})


@pytest.mark.parametrize("src", [
    "bsb + None", "bsb - None > 1", "day < None", "bsb >= None", "min(day, None)",
    "max(bsb, None)",
])
def test_none_is_refused_in_arithmetic_and_ordering(src):
    refused(src)


def test_an_enum_compared_with_a_conditional_value_outside_its_list_is_refused():
    e = refused("child.residence == ('XX' if child.flag else 'LT')")
    assert "'XX' is not a value of child.residence" in e.message


def test_expressions_are_reusable_and_do_not_keep_state():
    e = compile_("child.flag and household.count > 2")
    assert isinstance(e.evaluate(NO_FLAG, PARAMS, SPECIALS), Unknown)
    assert e.evaluate(FACTS, PARAMS, SPECIALS) is True
    assert e.evaluate(dict(FACTS, **{"child.flag": False}), PARAMS, SPECIALS) is False
