"""The functions an expression may call, with their static signatures.

This table is the whole of what rule text can call: a name not here is a load
error. Each entry gives the Python implementation, the argument types and the
result type used by the type checker. Keep it small and document every addition in
rules/README.md.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from engine import dates
from engine.expr.limits import MAX_NUMBER_DIGITS, MAX_PATTERN
from engine.render.messages import Message

__all__ = ["Helper", "HELPERS", "SPECIAL_FORMS", "CITES", "cited", "PATTERN_CLASSES",
           "parse_pattern", "project", "sum_int", "sum_decimal"]


@dataclass(frozen=True, slots=True)
class Helper:
    name: str
    fn: Callable[..., Any]
    args: tuple[str, ...]  # static types; "same" = all args share one type
    returns: str  # a type, or "same" for the shared argument type
    doc: str


def _min(*xs: Any) -> Any:
    if len(xs) == 2 and type(xs[0]) is tuple:  # min(list, value): the items and the value
        return min((*xs[0], xs[1]))
    return min(xs)


def _max(*xs: Any) -> Any:
    if len(xs) == 2 and type(xs[0]) is tuple:  # max(list, value): the items and the value
        return max((*xs[0], xs[1]))
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


# -- lists (the values of list facts are tuples; of records, tuples of dicts) -------------

def _len(x: Any) -> int:
    return len(x)


def project(records: tuple, name: str) -> tuple:
    """`parts.days`: the field `name` of every record of a list of records, in order."""
    return tuple(r[name] for r in records)


def sum_int(xs: tuple) -> int:
    """sum() of a list of whole numbers: 0 for an empty list."""
    return sum(xs)


def sum_decimal(xs: tuple) -> Decimal:
    """sum() of a list of decimals or money: Decimal 0 for an empty list."""
    return sum(xs, Decimal(0))


def _sum(xs: tuple) -> Any:
    """sum() when the element type is not known: the checker picks sum_int or sum_decimal."""
    return sum(xs[1:], xs[0]) if xs else 0


def _any(xs: tuple) -> bool:
    return any(xs)


def _all(xs: tuple) -> bool:
    return all(xs)


# -- text, for validating identifiers and codes ------------------------------------------

_DIGITS = "0123456789"


def _digits(s: str) -> tuple[int, ...]:
    """The digits 0-9 of s in order; every other character is skipped."""
    return tuple(ord(c) - 48 for c in s if c in _DIGITS)


def _digit(s: str, i: int) -> int:
    """The i-th digit (0-based) of s, counting digits only."""
    ds = _digits(s)
    if not 0 <= i < len(ds):
        raise ValueError(Message("digit(s, {i}): the text has {n} digit(s){numbered}", i=i,
                                 n=len(ds), numbered=Message(", numbered 0 to {last}",
                                                             last=len(ds) - 1) if ds else ""))
    return ds[i]


def _number(s: str) -> int:
    """The whole number the digits of s spell (other characters skipped); 0 if none."""
    ds = "".join(c for c in s if c in _DIGITS)
    if len(ds) > MAX_NUMBER_DIGITS:
        raise ValueError(Message("number(s): the text has {n} digits; the limit is "
                                 "{MAX_NUMBER_DIGITS}", n=len(ds),
                                 MAX_NUMBER_DIGITS=MAX_NUMBER_DIGITS))
    return int(ds) if ds else 0


PATTERN_CLASSES: dict[str, Callable[[str], bool]] = {
    "digit": lambda c: c in _DIGITS,
    "letter": str.isalpha,
    "upper": lambda c: c.isalpha() and c.isupper(),
    "lower": lambda c: c.isalpha() and c.islower(),
    "any": lambda c: True,
}
"""The classes a matches() template may name, each matching one character."""


@functools.lru_cache(maxsize=256)
def parse_pattern(pattern: str) -> tuple[Any, ...]:
    """A matches() template as one test per position: a literal character or a class.

    A template is fixed-length: every character stands for itself except `{class}` (one
    character of the class) and `{class:N}` (N of them); `{{` and `}}` are literal braces.
    Matching is one comparison per position, so it cannot backtrack. Raise ValueError
    saying what is wrong (the checker calls this at load time, so it never fails later).
    """
    out: list[Any] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "{" and pattern.startswith("{{", i) or c == "}" and pattern.startswith("}}", i):
            out.append(c)
            i += 2
            continue
        if c == "}":
            raise ValueError(Message("a '}}' without its '{{' (write '}}}}' for a literal brace)"))
        if c != "{":
            out.append(c)
            i += 1
            continue
        end = pattern.find("}", i)
        if end < 0:
            raise ValueError(Message("a '{{' without its '}}' (write '{{{{' for a literal brace)"))
        body = pattern[i + 1:end]
        name, _, count = body.partition(":")
        if name not in PATTERN_CLASSES:
            close = difflib.get_close_matches(name, list(PATTERN_CLASSES), n=1, cutoff=0.6)
            raise ValueError(Message("unknown class {{{name}}} in the pattern{hint}; the "
                                     "classes are {classes}", name=name, hint=Message(
                                         " (did you mean {{{name}}}?)", name=close[0])
                                     if close else "",
                                     classes=", ".join("{" + k + "}" for k in PATTERN_CLASSES)))
        times = 1
        if count or body.endswith(":"):
            if not count.isdigit() or not count.isascii() or not 1 <= int(count) <= MAX_PATTERN:
                raise ValueError(Message("{{{body}}}: the count after ':' is a whole number "
                                         "from 1 to {MAX_PATTERN}", body=body,
                                         MAX_PATTERN=MAX_PATTERN))
            times = int(count)
        out.extend([PATTERN_CLASSES[name]] * times)
        if len(out) > MAX_PATTERN:
            break
        i = end + 1
    if not out:
        raise ValueError(Message("an empty pattern matches only the empty text; compare with "
                                 "'' instead"))
    if len(out) > MAX_PATTERN:
        raise ValueError(Message("the pattern has more than {MAX_PATTERN} positions; the limit "
                                 "is {MAX_PATTERN}", MAX_PATTERN=MAX_PATTERN))
    return tuple(out)


def _matches(s: str, pattern: str) -> bool:
    """s has exactly the template's length and each character fits its position."""
    tests = parse_pattern(pattern)
    if len(s) != len(tests):
        return False
    return all(c == t if type(t) is str else t(c) for c, t in zip(s, tests))


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
    # lists ("list" = any list fact or projection; "list[number]" = of int, decimal or
    # money; "element" = the list's element type)
    Helper("len", _len, ("str|list",), "int", "len(x): the characters of a text, or the "
           "items of a list"),
    Helper("count", _len, ("list",), "int", "count(xs): the items of a list (as len)"),
    Helper("sum", _sum, ("list[number]",), "element",
           "sum(xs): the total of a list of numbers or money; 0 for an empty list"),
    Helper("any", _any, ("list[bool]",), "bool",
           "any(xs): some item of a true/false list is true (false for an empty list)"),
    Helper("all", _all, ("list[bool]",), "bool",
           "all(xs): every item of a true/false list is true (true for an empty list)"),
    # text
    Helper("digits", _digits, ("str",), "list[int]",
           "digits(s): the digits 0-9 of s in order, as a list of ints; other characters "
           "are skipped"),
    Helper("digit", _digit, ("str", "int"), "int",
           "digit(s, i): the i-th digit of s, from 0, counting digits only; past the last "
           "digit it is an evaluation error"),
    Helper("number", _number, ("str",), "int",
           f"number(s): the whole number the digits of s spell (others skipped), 0 if none; "
           f"at most {MAX_NUMBER_DIGITS} digits"),
    Helper("matches", _matches, ("str", "pattern"), "bool",
           "matches(s, 'template'): s has the template's fixed form, e.g. "
           "'{digit:3}-{digit:3}' ({digit} {letter} {upper} {lower} {any}, {class:N} for N of "
           "them, other characters literal)"),
)}

# Forms that look like calls but are compiled specially (see _check.py):
#   given(fact)         -> the case gives the fact a value (never unknown)
#   date("YYYY-MM-DD")  -> a date literal, checked and folded at load time
#   status(decision)    -> the status of another decision (granted, determined, ...)
#   at(parameter, date) -> the parameter's value in force on that date
#   stated(fact)        -> the case itself wrote the fact (not its default; never unknown)
SPECIAL_FORMS = {"given", "date", "status", "at", "stated", "cite"}

CITES = "@cites"
"""The key of the specials mapping under which `cite()` gathers the provisions it names."""


def cited(S: Any, provision: str, value: Any) -> Any:
    """`cite(provision, x)`: the value `x`; evaluating it names `provision`, which the
    decision then cites after the rule that gave its value (engine.evaluate.decide)."""
    S.setdefault(CITES, []).append(provision)
    return value


def div(a: Any, b: Any) -> Decimal:
    """Exact division: never lets int / int become a float."""
    return Decimal(a) / Decimal(b)
