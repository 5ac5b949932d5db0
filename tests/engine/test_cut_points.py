"""The cut points of a sum (engine.compile.segments): every day where the outcome of a
comparison with `day` can change begins a segment, and a comparison cuts only on the side
where it can change (`day >= D` between D - 1 and D, `day <= D` between D and D + 1)."""
from __future__ import annotations

import ast
import datetime as dt

from hypothesis import given, strategies as st

from engine.compile.segments import AFTER, BEFORE, BOTH, cut_points, plan_segments

D = dt.date
OPS = ("<", "<=", ">", ">=", "==", "!=")
dates = st.dates(D(2020, 1, 1), D(2020, 4, 30))


def _plan(source: str):
    plan = plan_segments([ast.parse(source, mode="eval")], ast.parse("c.start", mode="eval"), ())
    assert plan is not None
    return plan


def _truth(source: str, day: D, a: D, b: D) -> bool:
    return bool(eval(source.replace("a.d", "a").replace("b.d", "b"),  # noqa: S307 - ours
                     {"day": day, "a": a, "b": b}))


@given(op=st.sampled_from(OPS), day_first=st.booleans(), a=dates, b=dates, start=dates,
       length=st.integers(0, 60), chained=st.booleans())
def test_every_day_a_comparison_changes_begins_a_segment(op, day_first, a, b, start, length,
                                                         chained):
    source = f"day {op} a.d" if day_first else f"a.d {op} day"
    if chained:
        source = f"a.d <= day {op} b.d"
    end = start + dt.timedelta(days=length)
    cuts = set(cut_points(_plan(source), {"a.d": a, "b.d": b}, {}, start, end, ()))
    one = dt.timedelta(days=1)
    day = start + one
    while day <= end:
        if _truth(source, day, a, b) != _truth(source, day - one, a, b):
            assert day in cuts, (source, a, b, day)
        day += one
    assert start in cuts


def test_a_comparison_cuts_only_where_it_can_change():
    assert _plan("day >= a.d").sides == (BEFORE,)
    assert _plan("a.d > day").sides == (BEFORE,)  # day < a.d
    assert _plan("day <= a.d").sides == (AFTER,)
    assert _plan("a.d < day").sides == (AFTER,)  # day > a.d
    assert _plan("day == a.d").sides == (BOTH,)
    assert _plan("a.d <= day < b.d").sides == (BEFORE, BEFORE)
    # one landmark compared both ways cuts on both sides
    assert _plan("day >= a.d and day <= a.d").sides == (BOTH,)
    # a birthday inside the range: one cut, so two segments (not three)
    plan = _plan("day >= a.d")
    assert cut_points(plan, {"a.d": D(2020, 1, 15)}, {}, D(2020, 1, 1), D(2020, 1, 31),
                      ()) == [D(2020, 1, 1), D(2020, 1, 15)]
