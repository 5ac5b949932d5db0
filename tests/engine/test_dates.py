"""The calendar helpers against references written the plain way with `calendar`.

`add_months` and `birthday` are tuned (they run several times per case in a monthly
sum); these properties hold them to the obvious definitions on any date.
"""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from engine.dates import add_months, birthday

DATES = st.dates(dt.date(1800, 1, 1), dt.date(2150, 12, 31))


def _add_months(d: dt.date, months: int) -> dt.date:
    year, month = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _birthday(birth: dt.date, n: int) -> dt.date:
    year = birth.year + int(n)
    if (birth.month, birth.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return birth.replace(year=year)


@given(DATES, st.integers(-600, 600))
def test_add_months_clamps_to_the_end_of_a_shorter_month(d, months):
    assert add_months(d, months) == _add_months(d, months)


@given(DATES, st.integers(0, 49) | st.integers(0, 49).map(Decimal))
def test_birthday_of_29_february_is_1_march_in_a_common_year(birth, n):
    assert birthday(birth, n) == _birthday(birth, n)


def test_the_edges_by_hand():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 3, 31), -1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2024, 1, 15), -13) == dt.date(2022, 12, 15)
    assert birthday(dt.date(2004, 2, 29), 1) == dt.date(2005, 3, 1)
    assert birthday(dt.date(2004, 2, 29), 4) == dt.date(2008, 2, 29)
