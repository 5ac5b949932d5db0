"""The fast and the three-valued mode of every compiled decision give the same answers.

`engine.compile.codegen` writes each decision out twice from one definition of the
rule roles: with expressions inlined (fast; falls back on a missing fact) and with
three-valued evaluation (any missing facts). On every generated case both must agree
on status, value, currency, applicable date, citations, missing facts, warnings and
the whole trace.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import handwritten  # noqa: E402  (its random_case covers every branch of the lump sums)


@pytest.fixture(scope="module")
def rb() -> engine.Rulebook:
    return engine.load(ROOT / "rules" / "lt" / "benefits-for-children")


def test_every_decision_is_compiled_in_four_variants(rb):
    assert set(rb.compiled) == set(rb.decisions)
    for c in rb.compiled.values():
        assert len(c.sources) == 4 and len(set(c.sources)) == 4


@pytest.mark.parametrize("seed", range(4))
def test_fast_mode_agrees_with_the_three_valued_mode(rb, seed):
    rng = random.Random(seed)
    ids = tuple(rb.decisions)
    compared = 0
    for _ in range(150):
        facts, on = handwritten.random_case(rng)
        fast = rb.evaluate(facts, on=on, decisions=ids, trace=True)
        slow = rb._decide_all(rb.vocabulary.prepare(facts, on), on, None, ids, True,
                              three_valued=True)
        plain = rb.evaluate(facts, on=on, decisions=ids)  # untraced: its own generated code
        for i in ids:
            assert fast[i].as_dict(trace=True) == slow[i].as_dict(trace=True), (facts, on, i)
            assert plain[i].as_dict() == fast[i].as_dict(), (facts, on, i)
            compared += 1
        assert fast.warnings == slow.warnings
    assert compared == 150 * len(ids)


def _without_some_facts(rng: random.Random, facts: dict) -> dict:
    """`facts` with one or two of them left out: the cases the three-valued mode is for."""
    gone = set(rng.sample(sorted(facts), min(len(facts), rng.randint(1, 2))))
    return {k: v for k, v in facts.items() if k not in gone}


@pytest.mark.parametrize("seed", range(3))
def test_three_valued_mode_with_expressions_inlined_agrees_with_expr_evaluate(rb, seed):
    """The three-valued mode first runs each expression inline as the fast mode writes it
    and leaves it to `Expr.evaluate` when that fails; a twin built with `inline=False`
    evaluates every expression through `Expr.evaluate`. On cases with facts missing (lump
    sums and a month of the monthly benefits) both give the same answers and traces."""
    from engine.compile.codegen import compile_decision
    from engine.evaluate.decide import helpers as decide_helpers
    plain = engine.load(ROOT / "rules" / "lt" / "benefits-for-children")
    helpers = decide_helpers()
    for d in plain.decisions.values():
        plain.compiled[d.id] = compile_decision(plain, d, helpers, inline=False)
    # the twin really is another program: the inlined mode runs expressions in `try:`
    assert sum(c.sources[2].count("try:") for c in rb.compiled.values()) > \
        sum(c.sources[2].count("try:") for c in plain.compiled.values())
    rng = random.Random(seed)
    ids = tuple(rb.decisions)
    undetermined = 0
    for k in range(120):
        if k % 2:
            facts, on, period = handwritten.random_monthly_case(rng)
        else:
            (facts, on), period = handwritten.random_case(rng), None
        facts = _without_some_facts(rng, facts)
        for trace in (False, True):
            got = rb._decide_all(rb.vocabulary.prepare(facts, on), on, period, ids, trace,
                                 three_valued=True)
            want = plain._decide_all(plain.vocabulary.prepare(facts, on), on, period, ids,
                                     trace, three_valued=True)
            for i in ids:
                assert got[i].as_dict(trace=trace) == want[i].as_dict(trace=trace), \
                    (facts, on, period, i)
            assert got.warnings == want.warnings
        undetermined += sum(got[i].status == "undetermined" for i in ids)
    assert undetermined > 10  # the missing facts did leave decisions open
