"""The arithmetic the trace records agrees with what the step decided.

For every step of 200 LT cases and every shipped example: a step whose expression is one
comparison records it with the step's own outcome, and each comparison's result is what
its operators give on its recorded operand values (the three-valued walker computed both,
so this holds the walk to the decision it explains). Each operand's `reads` name only
facts, parameters and scope names the step read."""
from __future__ import annotations

import ast
import json
import operator as op
from pathlib import Path

import pytest

import engine
from engine.expr import Unknown

ROOT = Path(__file__).resolve().parents[2]
_OPS = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge, "==": op.eq, "!=": op.ne,
        "in": lambda a, b: a in b, "not in": lambda a, b: a not in b}


def _cases():
    lt = ROOT / "rules" / "lt" / "benefits-for-children"
    rb = engine.load(lt)
    for line in (lt / "examples" / "cases.jsonl").read_text().splitlines():
        c = json.loads(line)
        yield rb, c["facts"], c["on"]
    for folder in sorted((ROOT / "rules").glob("*/*")):
        book = engine.load(folder)
        for ex in sorted((folder / "examples").glob("*.yaml")):
            case = engine.read_case(ex)
            yield book, case, None


def _results():
    for rb, facts, on in _cases():
        if on is None:
            yield rb.evaluate_case(facts, trace=True)
        else:
            yield rb.evaluate(facts, on=on, trace=True)


@pytest.fixture(scope="module")
def steps():
    return [s for result in _results() for r in result for s in r.trace if s.comparisons]


def test_there_are_comparisons_to_check(steps):
    assert len(steps) > 500


def test_a_single_comparison_gives_the_steps_outcome(steps):
    checked = 0
    for s in steps:
        body = ast.parse(s.expression, mode="eval").body if s.expression else None
        if isinstance(body, ast.Compare) and isinstance(s.outcome, bool) \
                and s.kind in ("requires", "unless", "applies_if"):
            assert s.comparisons[-1].result is s.outcome, (s.rule, s.expression)
            checked += 1
    assert checked > 100


def test_each_result_is_its_operators_on_its_operands(steps):
    for s in steps:
        for c in s.comparisons:
            values = [o.value for o in c.operands]
            if c.kind != "compare" or any(isinstance(v, Unknown) for v in values) \
                    or any(o not in _OPS for o in c.operators) or None in values:
                continue
            want = all(_OPS[o](a, b) for o, a, b in zip(c.operators, values, values[1:]))
            assert c.result is want, (s.rule, c.source)


def test_a_limit_chooses_among_its_operands(steps):
    limits = [c for s in steps for c in s.comparisons if c.kind in ("min", "max")]
    assert limits
    for c in limits:
        values = [o.value for o in c.operands]
        if not any(isinstance(v, Unknown) for v in values):
            assert c.result == (min if c.kind == "min" else max)(values), c.source
