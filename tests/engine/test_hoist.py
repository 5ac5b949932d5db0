"""What a sum decides alike on every day is computed once per case (engine.compile.hoist):
the parts of its rules that read only facts, constants, `on` and `period_start`; never
a part that reads the day, a parameter in force on the day, a local of a comprehension
or the scope `cite()` writes into; and a hoisted part that fails where the rules would
not have reached it leaves the answer as the rules give it."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import engine
from engine.compile.hoist import Hoister

DAILY = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good" / "daily"


def _birthday(d, n):  # a helper, as the compiled expressions name them
    return d


def test_invariant_parts_become_names_once_each():
    h = Hoister()
    names = {"_k1": _birthday, "_k2": _birthday, "_k3": Decimal("1.5")}
    a = h.rewrite("S['day'] < _k1(F['a.d'], 2)", names)
    b = h.rewrite("_k2(F['a.d'], 2) <= S['day']", names)  # the same helper, named apart
    assert a == "S['day'] < h0" and b == "h0 <= S['day']"
    assert h.parts == [("h0", "_k1(F['a.d'], 2)")]
    assert h.rewrite("F['x'] != 'none' and F['y'] > S['on']", names) == "h1"


def test_what_varies_over_the_days_stays_where_it_is():
    h = Hoister()
    names = {"_k3": Decimal("1.5"), "_cite": object()}
    for py in ("F['income'] < _k3 * P['base']",          # a parameter in force on the day
               "S['day'] >= F['a.d']",                    # the day, and one fact read
               "any(x > 2 for x in F['xs'])" + " and S['day'] > F['a.d']",
               "_cite(S, 'p', F['n'] + 1) > S['value']"):  # cite() writes into S
        before = len(h.parts)
        h.rewrite(py, names)
        assert all("P[" not in s and "S['day']" not in s and "x >" not in s
                   and "_cite" not in s for _, s in h.parts[before:]), h.parts
    # what could move: F['n'] + 1 (inside cite(), which itself stays)
    assert h.parts == [("h0", "F['n'] + 1")]


ART_2_EXTRA = """
  - id: last_year_counts_after_the_illness
    cite: § 2(4)
    text: (invented for the tests) after the illness, last year's earnings must be known.
    decision: [sick_pay]
    when: day > add_days(illness.end_date, 1)
    requires: earnings.last_year > 0
"""


def test_a_hoisted_part_that_fails_leaves_the_rules_answer():
    """`earnings.last_year > 0` is read only on a day after the illness, which no day of
    the sum is: hoisted, it fails on a case without the fact; the answer is the rules'."""
    text = (DAILY / "articles" / "art-02.yaml").read_text(encoding="utf-8") + ART_2_EXTRA
    rb = engine.load(DAILY, files={"articles/art-02.yaml": text})
    source = rb.compiled["sick_pay"].sources[0]
    assert " = F['earnings.last_year'] > 0\n" in source, source
    rng = random.Random(7)
    for _ in range(40):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
        facts = {"illness.start_date": start,
                 "illness.end_date": start + dt.timedelta(days=rng.randint(0, 60)),
                 "earnings.daily": Decimal(rng.randint(20, 150))}
        if rng.random() < 0.5:
            facts["earnings.last_year"] = Decimal(rng.randint(0, 9000))
        on = dt.date(2021, 12, 31)
        plain = rb.evaluate(facts, on=on, decisions=["sick_pay"])["sick_pay"]
        traced = rb.evaluate(facts, on=on, decisions=["sick_pay"], trace=True)["sick_pay"]
        by_day = rb._decide_all(rb.vocabulary.prepare(facts, on), on, None, ("sick_pay",),
                                False, by_day=True)["sick_pay"]
        assert plain.as_dict() == traced.as_dict(), facts
        assert plain.as_dict() == by_day.as_dict(), facts
        assert plain.status == "determined" and plain.value is not None, plain
