"""The calendar helpers as columns give engine.dates' answers on every day tried,
29 February included (Polars would stop a chunk on an invalid date: none is built)."""
from __future__ import annotations

import datetime as _dt

import pytest

pl = pytest.importorskip("polars")

from engine import dates  # noqa: E402
from engine.batch.columns import Col, _HELPERS, _birthday  # noqa: E402

DAYS = [_dt.date(2007, 12, 1) + _dt.timedelta(days=k) for k in range(0, 1700, 3)] + \
    [_dt.date(y, 2, 29) for y in (2008, 2012, 2016)] + [_dt.date(2009, 1, 31)]


@pytest.mark.parametrize("n", [-13, -12, -1, 1, 2, 4, 6, 7, 12, 18, 24])
def test_offsets_match_dates(n):
    frame = pl.DataFrame({"d": DAYS})
    d, k = Col(pl.col("d"), "date"), Col(pl.lit(n, dtype=pl.Int64), "int")
    out = frame.select(b=_birthday(d, k).e, m=_HELPERS["add_months"](d, k).e,
                       y=_HELPERS["add_years"](d, k).e, a=_HELPERS["add_days"](d, k).e)
    assert out["m"].to_list() == [dates.add_months(x, n) for x in DAYS]
    assert out["y"].to_list() == [dates.add_years(x, n) for x in DAYS]
    assert out["a"].to_list() == [dates.add_days(x, n) for x in DAYS]
    if n > 0:
        assert out["b"].to_list() == [dates.birthday(x, n) for x in DAYS]


def test_offset_by_a_column_and_month_helpers():
    frame = pl.DataFrame({"d": DAYS, "n": [k % 30 - 5 for k in range(len(DAYS))]})
    d, k = Col(pl.col("d"), "date"), Col(pl.col("n"), "int")
    out = frame.select(m=_HELPERS["add_months"](d, k).e, e=_HELPERS["month_end"](d).e,
                       i=_HELPERS["days_in_month"](d).e, s=_HELPERS["month_start"](d).e)
    ns = frame["n"].to_list()
    assert out["m"].to_list() == [dates.add_months(x, n) for x, n in zip(DAYS, ns)]
    assert out["e"].to_list() == [dates.month_end(x) for x in DAYS]
    assert out["s"].to_list() == [dates.month_start(x) for x in DAYS]
    assert out["i"].to_list() == [dates.days_in_month(x.year, x.month) for x in DAYS]


def test_age_matches_dates():
    on = _dt.date(2016, 2, 28)
    frame = pl.DataFrame({"d": DAYS})
    out = frame.select(a=_HELPERS["age"](Col(pl.col("d"), "date"),
                                         Col(pl.lit(on), "date")).e)
    assert out["a"].to_list() == [dates.age(x, on) for x in DAYS]
