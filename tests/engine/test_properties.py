"""Properties of compiled expressions, checked against two independent evaluators.

(a) The compiled function agrees with simpleeval walking the same checked tree (its
    float literals already replaced by exact Decimals), for facts of the right types.
(b) The three-valued walker (`evaluate3`) agrees with the compiled function when every
    fact is known.
(c) With facts removed, `Expr.evaluate` gives either a definite value (equal to
    evaluate3's, and to the value with all facts when no removed fact is read by
    `given`) or `Unknown` naming only removed facts.

The expressions are every one the LT rulebook compiles, plus hand-written ones that
exercise arithmetic, exact decimals and the helpers.
"""
from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest
import simpleeval
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine import dates
from engine.errors import EvaluationError, Position
from engine.expr import Expr, Scope, Unknown, compile_expression
from engine.expr._kleene import evaluate3
from engine.expr.helpers import HELPERS, div

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"
RB = engine.load(LT)

SPECIAL_TYPES = {"day": "date", "on": "date", "applicable_date": "date", "value": "money"}

HAND_WRITTEN = [
    "household.income_per_person * 0.75 + base_social_benefit / 3",
    "(household.income_per_person - state_supported_income) * 1.5 "
    "if household.income_per_person > state_supported_income else base_social_benefit / 4",
    "age(child.birth_date, day) >= 18 or household.children_raised > 2",
    "min(base_social_benefit, household.income_per_person, 500) * 2",
    "max(day, child.birth_date, on) == day",
    "days_between(child.birth_date, day) / 7",
    "abs(household.income_per_person - base_social_benefit) <= 0.01",
    "add_months(child.birth_date, household.children_raised) <= month_end(day)",
    "household.children_raised * base_social_benefit / days_in_month(day)",
    "year(day) - year(child.birth_date) == age(child.birth_date, day) "
    "or month(day) != month(child.birth_date)",
    "child.residence in ('LT', 'EU_EEA_CH') and not child.emancipated",
    "-household.income_per_person + 2 * base_social_benefit - child.orphans_pension",
    "add_days(day, household.children_raised) > add_years(child.birth_date, 1)",
    "month_start(day) if child.married else add_days(month_start(day), -1)",
    "household.income_per_person / household.children_raised < 1.5 * state_supported_income",
    "0.1 * household.income_per_person + 0.2 * household.income_per_person "
    "== 0.3 * household.income_per_person",
    "1 / 3 + 1 / 3 + 1 / 3",
    "given(child.adoption_date) and child.adoption_date > child.birth_date "
    "or birthday(child.birth_date, 2) <= day < birthday(child.birth_date, 7)",
    "child.stillborn or child.detained and household.children_raised not in (1, 2)",
    "date('2009-01-01') <= day <= date('2014-12-31') and child.studies != 'none'",
]


def _scope() -> Scope:
    return Scope(facts={n: f.expr_type for n, f in RB.facts.items()},
                 enums={n: f.values for n, f in RB.facts.items() if f.values},
                 params={n: p.type for n, p in RB.parameters.items()},
                 specials={"day": "date", "on": "date"})


def _rulebook_exprs() -> list[Expr]:
    found: list[Expr] = []
    for d in RB.decisions.values():
        found.append(d.applies_if)
        found.extend(v.expr for v in d.applicable_date.versions if v.expr)
        for r in d.rules:
            for v in r.versions:
                found.extend(e for e in (v.expr, v.when) if e is not None)
    unique: dict[str, Expr] = {}
    for e in found:
        unique.setdefault(e.source, e)
    return list(unique.values())


RULEBOOK_EXPRS = _rulebook_exprs()
HAND_EXPRS = [compile_expression(s, _scope(), Position("hand-written", 1, 1))
              for s in HAND_WRITTEN]
EXPRS = RULEBOOK_EXPRS + HAND_EXPRS
IDS = [e.source if len(e.source) <= 60 else e.source[:57] + "..." for e in EXPRS]
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def test_the_rulebook_gives_enough_expressions():
    assert len(RULEBOOK_EXPRS) >= 25
    assert {"given(child.birth_date)", "month_start(day)", "50 * base_social_benefit",
            "household.income_per_person < 1.5 * state_supported_income"} <= {
        e.source for e in RULEBOOK_EXPRS}


# -- strategies --------------------------------------------------------------------------------

DATES = st.dates(dt.date(1980, 1, 1), dt.date(2035, 12, 31))
MONEY = st.decimals(min_value=-1000, max_value=100_000, places=2)


def _value(type_: str, values: frozenset[str] | None = None) -> st.SearchStrategy:
    return {
        "date": DATES,
        "bool": st.booleans(),
        "int": st.integers(0, 30),
        "money": MONEY,
        "decimal": st.decimals(min_value=-100, max_value=100, places=4),
        "enum": st.sampled_from(sorted(values or ())),
        "string": st.text(max_size=5),
    }[type_]


def _draw_inputs(data: st.DataObject, e: Expr) -> tuple[dict, dict, dict]:
    F = {n: data.draw(_value(RB.facts[n].type, RB.facts[n].values), label=n) for n in e.facts}
    P = {n: data.draw(_value(RB.parameters[n].type).filter(lambda v: v >= 0), label=n)
         for n in e.params}
    S = {n: data.draw(_value(SPECIAL_TYPES[n]), label=n) for n in e.specials}
    return F, P, S


# -- the independent evaluator -----------------------------------------------------------------

def _nest(F: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, v in F.items():
        *heads, last = path.split(".")
        d = out
        for h in heads:
            d = d.setdefault(h, {})
        d[last] = v
    return out


_FUNCTIONS: dict[str, Callable] = {name: h.fn for name, h in HELPERS.items()}
_FUNCTIONS["given"] = lambda v: v is not None
_FUNCTIONS["date"] = dates.parse_date
_OPERATORS = dict(simpleeval.DEFAULT_OPERATORS)
_OPERATORS[ast.Div] = div


def simple(e: Expr, F: dict, P: dict, S: dict) -> Any:
    names = {**_nest(F), **P, **S}
    s = simpleeval.EvalWithCompoundTypes(operators=_OPERATORS, functions=_FUNCTIONS,
                                         names=names)
    s.nodes[ast.Expression] = lambda node: s._eval(node.body)
    return s.eval(e.source, previously_parsed=e.tree)


def outcome(fn: Callable[[], Any]) -> tuple:
    """A value with its exact type, or 'error' for a failed division and the like."""
    try:
        v = fn()
    except (EvaluationError, ArithmeticError):
        return ("error",)
    if isinstance(v, Unknown):
        return ("unknown", v.names)
    return ("value", type(v), v)


def _given_reads(e: Expr) -> set[str]:
    out = set()
    for node in ast.walk(e.tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "given":
            out.add(ast.unparse(node.args[0]))
    return out


# -- (a) compiled == simpleeval -------------------------------------------------------------------

@pytest.mark.parametrize("expr", EXPRS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_compiled_agrees_with_simpleeval(expr, data):
    F, P, S = _draw_inputs(data, expr)
    got = outcome(lambda: expr.evaluate(F, P, S))
    want = outcome(lambda: simple(expr, F, P, S))
    assert got == want
    assert got[0] != "unknown"
    if got[0] == "value":
        assert not isinstance(got[2], float)


# -- (b) evaluate3 == compiled on known facts ---------------------------------------------------

@pytest.mark.parametrize("expr", EXPRS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_three_valued_walker_agrees_on_known_facts(expr, data):
    F, P, S = _draw_inputs(data, expr)
    compiled = outcome(lambda: expr.fn(F, P, S))
    walked = outcome(lambda: evaluate3(expr.tree, F, P, S))
    assert walked == compiled
    assert compiled == outcome(lambda: expr.evaluate(F, P, S))


# -- (c) removing facts --------------------------------------------------------------------------

WITH_FACTS = [e for e in EXPRS if e.facts]
WITH_FACTS_IDS = [IDS[EXPRS.index(e)] for e in WITH_FACTS]


@pytest.mark.parametrize("expr", WITH_FACTS, ids=WITH_FACTS_IDS)
@SETTINGS
@given(data=st.data())
def test_missing_facts_give_unknown_naming_only_them_or_a_sound_value(expr, data):
    F, P, S = _draw_inputs(data, expr)
    removed = data.draw(st.sets(st.sampled_from(expr.facts), min_size=1), label="removed")
    partial = {k: v for k, v in F.items() if k not in removed}
    got = outcome(lambda: expr.evaluate(partial, P, S))
    if got[0] == "unknown":
        assert got[1], "Unknown must name the facts that would decide it"
        assert got[1] <= removed
        return
    assert got == outcome(lambda: evaluate3(expr.tree, partial, P, S))
    if got[0] == "value" and not removed & _given_reads(expr):
        # a definite answer without some facts must be the answer with them
        assert got == outcome(lambda: expr.evaluate(F, P, S))


@pytest.mark.parametrize("expr", WITH_FACTS, ids=WITH_FACTS_IDS)
def test_with_every_fact_missing_the_answer_is_unknown_or_decided_by_given(expr):
    P = {n: Decimal("100") for n in expr.params}
    S = {n: dt.date(2012, 1, 1) for n in expr.specials}
    got = outcome(lambda: expr.evaluate({}, P, S))
    if got[0] == "unknown":
        assert got[1] <= set(expr.facts)
    else:
        assert got[0] == "value"
