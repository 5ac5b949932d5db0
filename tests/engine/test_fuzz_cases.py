"""Any facts whatsoever give either an answer or a CaseError naming the fact, never
another exception (and never a traceback from the CLI)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine

ROOT = Path(__file__).resolve().parents[2]
RB = engine.load(ROOT / "rules" / "lt" / "benefits-for-children")
NAMES = sorted(RB.facts) + ["child.birthdate", "nope", "child", "child.birth_date.x"]

values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.dates(dt.date(1700, 1, 1), dt.date(2300, 1, 1)),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True), st.text(max_size=12),
    st.sampled_from(["2010-06-14", "2010-13-01", "LT", "none", "majority", "general", "300.50",
                     "-5", "1e400", "yes", "no"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                          max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=st.dictionaries(st.sampled_from(NAMES), values, max_size=8),
       on=st.dates(dt.date(2005, 1, 1), dt.date(2020, 12, 31)),
       trace=st.booleans())
def test_any_facts_give_an_answer_or_a_case_error(facts, on, trace):
    try:
        result = RB.evaluate(facts, on=on, trace=trace)
    except engine.ErrorList as e:
        assert e.errors and all(isinstance(x, engine.CaseError) for x in e.errors)
        assert all(x.field for x in e.errors)
        return
    for r in result.decisions.values():
        assert r.status in ("granted", "refused", "not_applicable", "undetermined",
                            "not_covered")
        assert (r.amount is None) == (r.status != "granted")
        assert r.amount is None or isinstance(r.amount, Decimal)
        if trace:
            r.as_dict(trace=True)
