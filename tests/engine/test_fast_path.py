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
