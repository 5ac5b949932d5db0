"""Calendar arithmetic with the legal conventions statute documents.

- A person reaches age N on the Nth birthday; someone born on 29 February has the
  birthday on 1 March in years without one.
- "Within N months from D" ends on the same day number N months later, clamped to
  the last day of a shorter month (31 January + 1 month = 28/29 February).
"""
from __future__ import annotations

import calendar
import datetime as _dt
from engine.render.messages import Message

__all__ = [
    "add_days", "add_months", "add_years", "birthday", "age", "days_between",
    "days_in_month", "month_start", "month_end", "parse_date", "parse_month",
]

Date = _dt.date
MIN_DATE = _dt.date(1800, 1, 1)
MAX_DATE = _dt.date(2200, 12, 31)


_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_date = _dt.date  # a global, not a module attribute: these run several times per case


def days_in_month(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _DAYS[month]


def add_months(d: Date, months: int) -> Date:
    """Same day number `months` later, clamped to the end of a shorter month."""
    total = d.year * 12 + d.month - 1 + months
    year = total // 12  # the floor, as divmod's, for months before the year's start too
    month = total - 12 * year + 1
    day = d.day
    if day > 28:
        day = min(day, days_in_month(year, month))
    return _date(year, month, day)


def add_years(d: Date, years: int) -> Date:
    return add_months(d, 12 * int(years))


def add_days(d: Date, days: int) -> Date:
    return d + _dt.timedelta(days=int(days))


def birthday(birth: Date, n: int) -> Date:
    """The day a person born on `birth` reaches age `n` (29 February -> 1 March)."""
    year = birth.year + (n if n.__class__ is int else int(n))
    day = birth.day
    if day == 29 and birth.month == 2 and not calendar.isleap(year):
        return _date(year, 3, 1)
    return _date(year, birth.month, day)


def age(birth: Date, on: Date) -> int:
    """Completed years on `on` under the birthday convention above."""
    years = on.year - birth.year
    if years > 0 and on < birthday(birth, years):
        years -= 1
    return years


def days_between(start: Date, end: Date) -> int:
    """Days from `start` to `end` (end - start); negative when end is earlier."""
    return (end - start).days


def month_start(d: Date) -> Date:
    return _date(d.year, d.month, 1)  # the constructor: date.replace() is slower


def month_end(d: Date) -> Date:
    return _date(d.year, d.month, days_in_month(d.year, d.month))


def parse_date(text: str) -> Date:
    """Parse an ISO `YYYY-MM-DD` date strictly; ValueError names the problem."""
    if not isinstance(text, str) or len(text) != 10 or text[4] != "-" or text[7] != "-" \
            or not (text[:4] + text[5:7] + text[8:]).isdigit() or not text.isascii():
        raise ValueError(Message("{text!r} is not a date in the form YYYY-MM-DD", text=text))
    try:
        d = _dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(Message("{text!r} is not a valid calendar date", text=text)) from None
    return check_range(d)


def check_range(d: Date) -> Date:
    if not MIN_DATE <= d <= MAX_DATE:
        raise ValueError(Message("{d} is outside the supported range {MIN_DATE}..{MAX_DATE}",
                                 d=d.isoformat(), MIN_DATE=MIN_DATE.isoformat(),
                                 MAX_DATE=MAX_DATE.isoformat()))
    return d


def parse_month(text: str) -> Date:
    """Parse `YYYY-MM` into the first day of that month."""
    if not isinstance(text, str) or len(text) != 7 or text[4] != "-" \
            or not (text[:4] + text[5:]).isdigit() or not text.isascii():
        raise ValueError(Message("{text!r} is not a month in the form YYYY-MM", text=text))
    try:
        first = _dt.date(int(text[:4]), int(text[5:7]), 1)
    except ValueError:
        raise ValueError(Message("{text!r} is not a valid month (YYYY-MM)", text=text)) from None
    if not MIN_DATE <= first <= MAX_DATE:
        raise ValueError(Message("{text} is outside the supported range {MIN_DATE}..{MAX_DATE}",
                                 text=text, MIN_DATE=MIN_DATE.isoformat()[:7],
                                 MAX_DATE=MAX_DATE.isoformat()[:7]))
    return first
