"""The functions an expression may call, with their static signatures.

This table is the whole of what rule text can call: a name not here is a load
error. Each entry gives the Python implementation, the argument types and the
result type used by the type checker. Keep it small and document every addition in
rules/README.md.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from engine import dates

__all__ = ["Helper", "HELPERS", "SPECIAL_FORMS"]


@dataclass(frozen=True, slots=True)
class Helper:
    name: str
    fn: Callable[..., Any]
    args: tuple[str, ...]  # static types; "same" = all args share one type
    returns: str  # a type, or "same" for the shared argument type
    doc: str


def _min(*xs: Any) -> Any:
    return min(xs)


def _max(*xs: Any) -> Any:
    return max(xs)


def _abs(x: Any) -> Any:
    return abs(x)


def _year(d: _dt.date) -> int:
    return d.year


def _month(d: _dt.date) -> int:
    return d.month


def _days_in_month(d: _dt.date) -> int:
    return dates.days_in_month(d.year, d.month)


def _round(x: Any, quantum: Decimal, mode: str) -> Any:
    """x rounded to `quantum` (a power of ten) with `mode`; a whole number stays whole."""
    if isinstance(x, int):
        return x if quantum <= 1 else int(Decimal(x).quantize(quantum, rounding=mode))
    return x.quantize(quantum, rounding=mode)


HELPERS: dict[str, Helper] = {h.name: h for h in (
    Helper("age", dates.age, ("date", "date"), "int",
           "age(birth, on): completed years on `on`; 29 February birthdays fall on 1 March"),
    Helper("birthday", dates.birthday, ("date", "int"), "date",
           "birthday(birth, n): the day the person reaches age n"),
    Helper("add_days", dates.add_days, ("date", "int"), "date", "add_days(d, n): d plus n days"),
    Helper("add_months", dates.add_months, ("date", "int"), "date",
           "add_months(d, n): same day number n months later, clamped to the month's end"),
    Helper("add_years", dates.add_years, ("date", "int"), "date",
           "add_years(d, n): same day n years later, clamped (29 February -> 28 February)"),
    Helper("days_between", dates.days_between, ("date", "date"), "int",
           "days_between(a, b): b - a in days"),
    Helper("month_start", dates.month_start, ("date",), "date", "first day of d's month"),
    Helper("month_end", dates.month_end, ("date",), "date", "last day of d's month"),
    Helper("days_in_month", _days_in_month, ("date",), "int", "calendar days of d's month"),
    Helper("year", _year, ("date",), "int", "the year of d"),
    Helper("month", _month, ("date",), "int", "the month number of d"),
    Helper("make_date", _dt.date, ("int", "int", "int"), "date",
           "make_date(year, month, day): the date, e.g. 31 August of a year"),
    Helper("min", _min, ("same",), "same", "min(a, b, ...): the least of values of one type"),
    Helper("max", _max, ("same",), "same", "max(a, b, ...): the greatest of values of one type"),
    Helper("abs", _abs, ("number",), "same", "abs(x): absolute value of a number or money"),
    Helper("round", _round, ("number", "decimal", "str"), "same",
           "round(x[, quantum[, mode]]): x rounded at this point, to the rulebook's quantum "
           "and mode unless stated (round(x, 0.01), round(x, 1, 'ROUND_HALF_UP'))"),
)}

# Forms that look like calls but are compiled specially (see _check.py):
#   given(fact)         -> the case gives the fact a value (never unknown)
#   date("YYYY-MM-DD")  -> a date literal, checked and folded at load time
#   status(decision)    -> the status of another decision (granted, determined, ...)
#   at(parameter, date) -> the parameter's value in force on that date
SPECIAL_FORMS = {"given", "date", "status", "at"}


def div(a: Any, b: Any) -> Decimal:
    """Exact division: never lets int / int become a float."""
    return Decimal(a) / Decimal(b)
