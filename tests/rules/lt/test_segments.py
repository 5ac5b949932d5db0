"""Segments give the day-by-day answer (Art. 12(8) proration, issue: time as data).

Each monthly benefit is a sum over the days of the month; the engine decides one day
per segment between the dates where an outcome can change (birthdays, the dates of
guardianship and service, the Art. 13(2) limits, month starts). On generated cases
every monthly benefit must be exactly what deciding every day gives: status, amount,
currency, citations and missing facts. The expected values are the engine's own
day-by-day evaluation, the reference the segments are derived from.
"""
from __future__ import annotations

import collections
import datetime as dt
import random
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[3]
RB = engine.load(ROOT / "rules" / "lt" / "benefits-for-children")
MONTHLY = tuple(i for i, d in RB.decisions.items() if d.sum is not None)

def _case(rng: random.Random) -> tuple[dict, dt.date]:
    """A month of 2008-2017 and facts whose dates often fall inside it (a birthday, the
    start or end of guardianship or service, the Art. 13(2) limit), so that months split."""
    month = dt.date(rng.randint(2008, 2017), rng.randint(1, 12), 1)

    def near(years_back: int = 0) -> dt.date:
        base = dt.date(month.year - years_back, month.month, 1)
        return base + dt.timedelta(days=rng.randint(-20, 50))

    facts = {"child.birth_date": near(rng.choice([0, 1, 2, 2, 7, 7, 18, 19, 24])),
             "household.income_per_person": rng.choice(["300", "520", "600", "100"]),
             "household.children_raised": rng.randint(1, 4),
             "application.date": near(rng.choice([0, 0, 1])),
             "child.studies": rng.choice(["none", "general", "vocational"])}
    if rng.random() < 0.4:
        a, b = sorted((near(rng.randint(0, 3)), near(0)))
        facts |= {"guardianship.type": rng.choice(["family", "social_family"]),
                  "guardianship.start_date": a, "guardianship.end_date": b,
                  "guardianship.end_reason": rng.choice(["majority", "other"])}
    if rng.random() < 0.3:
        a, b = sorted((near(0), near(0)))
        facts |= {"military_service.start_date": a, "military_service.end_date": b}
    if rng.random() < 0.05:
        facts.pop("household.income_per_person")  # a missing fact: undetermined days
    return facts, month


@pytest.mark.parametrize("seed", range(4))
def test_segments_equal_deciding_every_day(seed):
    rng = random.Random(seed)
    on = dt.date(2018, 3, 1)
    statuses: collections.Counter = collections.Counter()
    split = 0
    for _ in range(150):
        facts, month = _case(rng)
        F = RB.vocabulary.prepare(facts, on)
        by_segment = RB._decide_all(dict(F), on, month, MONTHLY, True)
        by_day = RB._decide_all(dict(F), on, month, MONTHLY, False, by_day=True)
        # untraced: the generated code finds the cut points itself and computes what is
        # alike on every day once (engine.compile.hoist)
        plain = RB._decide_all(dict(F), on, month, MONTHLY, False)
        for i in MONTHLY:
            assert by_segment[i].as_dict() == by_day[i].as_dict(), (facts, month, i)
            assert plain[i].as_dict() == by_day[i].as_dict(), (facts, month, i)
            statuses[by_segment[i].status] += 1
            split += sum(1 for s in by_segment[i].trace if s.kind == "segment") > 1
    # the cases reach what the comparison is about: grants, refusals, split months
    assert statuses["granted"] > 50 and statuses["refused"] > 20 and split > 20, statuses


def test_every_monthly_benefit_has_a_segment_plan():
    assert MONTHLY and all(RB.decisions[i].sum.plan is not None for i in MONTHLY)


def test_a_month_is_decided_once_per_segment_not_per_day():
    """A whole month with no change (March 2011, child aged 1) is one segment: the rules
    are decided once, where day by day decides them 31 times (counted in the trace)."""
    facts = {"child": {"birth_date": "2010-01-10"}, "household": {"income_per_person": "300"},
             "application": {"date": "2011-03-01"}}
    F = RB.vocabulary.prepare(facts, dt.date(2011, 3, 15))
    seg = RB._decide_all(dict(F), dt.date(2011, 3, 15), dt.date(2011, 3, 1),
                         ("child_benefit",), True)["child_benefit"]
    day = RB._decide_all(dict(F), dt.date(2011, 3, 15), dt.date(2011, 3, 1),
                         ("child_benefit",), True, by_day=True)["child_benefit"]
    assert [s.outcome for s in seg.trace if s.kind == "decided"] == [1]
    assert [s.outcome for s in day.trace if s.kind == "decided"] == [31]
    assert seg.amount == day.amount == 97.5
