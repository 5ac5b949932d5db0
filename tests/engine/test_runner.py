"""The generated runner of a request (engine.compile.runner) decides exactly as the loop
it is written from (Rulebook._decide_all with generated=False): every answer and warning,
on generated cases of an invented rulebook whose decisions read one another
(tests/fixtures/rulebooks/good/kinds) and of the LT lump sums, for a request of every
decision, of one, and of decisions asked out of their order."""
from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import handwritten  # noqa: E402

LT = engine.load(ROOT / "rules" / "lt" / "benefits-for-children")
KINDS = engine.load(ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "kinds")
DAILY = engine.load(ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "daily")


def same(rb: engine.Rulebook, facts: dict, on: dt.date, ids: tuple[str, ...]) -> None:
    F = rb.vocabulary.prepare(facts, on)
    a = rb._decide_all(dict(F), on, None, ids, False)
    b = rb._decide_all(dict(F), on, None, ids, False, generated=False)
    assert list(a.decisions) == list(b.decisions) == list(ids)
    for i in ids:
        assert a[i].as_dict() == b[i].as_dict(), (facts, on, i)
        assert tuple(a[i]) == tuple(b[i])
    assert a.warnings == b.warnings


@pytest.mark.parametrize("seed", range(3))
def test_the_lt_lump_sums(seed):
    rng = random.Random(seed)
    every = tuple(LT.decisions)
    for _ in range(120):
        facts, on = handwritten.random_case(rng)
        for ids in (every, ("lump_sum_settlement_benefit",),
                    ("pregnant_woman_benefit", "lump_sum_child_benefit")):
            same(LT, facts, on, ids)


def test_decisions_that_read_decisions():
    """good/kinds: the fine reads the safety finding, late_fee reads days_late."""
    rng = random.Random(7)
    every = tuple(KINDS.decisions)
    compared = 0
    for _ in range(200):
        facts = {"job": {"hazard": rng.choice(["low", "high"]),
                         "first_offence": rng.random() < 0.5}}
        if rng.random() < 0.8:
            facts["order"] = {"due_on": dt.date(2021, 1, 1) + dt.timedelta(rng.randrange(900))}
        on = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(1800))
        try:
            KINDS.vocabulary.prepare(facts, on)
        except engine.ErrorList:
            continue
        for ids in (every, ("safety_fine",), ("late_fee", "days_late")):
            same(KINDS, facts, on, ids)
        compared += 1
    assert compared > 150  # the generated facts are valid cases, not skipped


def test_sums_and_readers_of_a_sum():
    every = tuple(DAILY.decisions)
    for paid in ("2020-03-10", "2020-03-14", "2020-07-05", None):
        pay = {"due_date": "2020-03-10", "amount": "30000"}
        if paid:
            pay["paid_date"] = paid
        same(DAILY, {"pay": pay}, dt.date(2021, 6, 1), every)
        same(DAILY, {"pay": pay, "illness": {"start_date": "2020-12-30"}},
             dt.date(2021, 6, 1), every)
