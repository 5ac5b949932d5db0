"""The compiled fast path and the rule-by-rule interpreter must give the same answers.

`_codegen.py` writes each event decision out as straight-line Python; the interpreter
in `evaluator.py` is the reference (three-valued, any missing facts). On every
generated case both must agree on status, amount, currency, applicable date,
citations, missing facts, warnings and the whole trace.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

import engine
from engine.evaluate.decide import interpret_decision

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import handwritten  # noqa: E402  (its random_case covers every branch of the lump sums)


@pytest.fixture(scope="module")
def rb() -> engine.Rulebook:
    return engine.load(ROOT / "rules" / "lt" / "benefits-for-children")


def test_every_event_decision_is_compiled(rb):
    events = {i for i, d in rb.decisions.items() if d.per == "event"}
    assert events and set(rb.fast) == events


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_agrees_with_the_interpreter(rb, seed):
    rng = random.Random(seed)
    compared = 0
    for _ in range(300):
        facts, on = handwritten.random_case(rng)
        fast = rb.evaluate(facts, on=on, decisions=tuple(rb.fast), trace=True)
        F = rb.vocabulary.prepare(facts, on)
        warnings: set[str] = set()
        for i in rb.fast:
            slow = interpret_decision(rb, rb.decisions[i], F, on, None, True, warnings)
            assert fast[i].as_dict(trace=True) == slow.as_dict(trace=True), (facts, on, i)
            compared += 1
        assert set(fast.warnings) == warnings
    assert compared == 300 * len(rb.fast)
