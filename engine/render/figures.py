"""Numbers and dates as a reader of a language writes them.

Money shows two decimals and its currency, other decimals only the digits they need (at
most four after the point, marked ≈ when the exact value has more), percent points as a
percentage (`60 %`, `60%`), dates in the reader's locale. The computation stays exact:
only what is printed is shortened.

Babel (the `messages` extra) supplies each locale's separators and date forms. Without
it the text keeps ISO dates and a plain point, so the core install still explains
every answer, only less idiomatically.
"""
from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

__all__ = ["Figures", "HAVE_BABEL"]

try:  # pragma: no cover - which branch runs depends on the install
    from babel.dates import format_date as _format_date
    from babel.dates import get_date_format as _get_date_format
    from babel.numbers import format_decimal as _format_decimal
    from babel.numbers import format_percent as _format_percent
    HAVE_BABEL = True
except ImportError:  # pragma: no cover
    HAVE_BABEL = False

_CENT = Decimal("0.01")
_MOST = Decimal("0.0001")


class Figures:
    """The formatter of one language: immutable, safe to share."""

    __slots__ = ("lang",)

    def __init__(self, lang: str):
        self.lang = lang

    def money(self, amount: Any, currency: str | None) -> str:
        """`1 430,00 XTS` (ru, lt), `1,430.00 XTS` (en): two decimals and the currency."""
        d = _decimal(amount)
        if d is None:
            return str(amount)
        shown = d.quantize(_CENT, rounding=ROUND_HALF_UP)
        text = self._number(shown, "#,##0.00")
        text = f"{text} {currency}" if currency else text
        return text if shown == d else f"≈ {text}"

    def number(self, value: Any) -> str:
        """A whole number with grouping; a decimal with the digits it needs (≤ 4)."""
        d = _decimal(value)
        if d is None:
            return str(value)
        if d == d.to_integral_value():
            return self._number(d.quantize(Decimal(1)), "#,##0")
        shown = d.quantize(_MOST, rounding=ROUND_HALF_UP).normalize()
        text = self._number(shown, "#,##0.####")
        return text if shown == d else f"≈ {text}"

    def percent(self, points: Any) -> str:
        """Percent points as the locale writes a percentage: 60 → `60 %` (ru, lt), `60%`
        (en); the digits it needs (≤ 4 after the point), ≈ when the exact value has more."""
        d = _decimal(points)
        if d is None:
            return str(points)
        shown = d.quantize(_MOST, rounding=ROUND_HALF_UP).normalize()
        if HAVE_BABEL:
            text = _plain_spaces(str(_format_percent(shown / 100, locale=self.lang,
                                                     decimal_quantization=False)))
        else:
            text = f"{format(shown, 'f')}%"
        return text if shown == d else f"≈ {text}"

    def date(self, day: _dt.date) -> str:
        """The date in the reader's locale (ISO without Babel)."""
        if HAVE_BABEL:
            return _plain_spaces(str(_format_date(day, format=_date_pattern(self.lang),
                                                  locale=self.lang)))
        return day.isoformat()

    def _number(self, d: Decimal, pattern: str) -> str:
        if HAVE_BABEL:
            return _plain_spaces(str(_format_decimal(d, format=pattern, locale=self.lang,
                                                     decimal_quantization=False)))
        return format(d, "f")


@lru_cache(maxsize=None)
def _date_pattern(lang: str) -> str:
    """The locale's medium date, unless it holds a comma (`Feb 12, 2024`): a date inside
    a written-out expression's argument list must not read as two arguments."""
    pattern = str(_get_date_format("medium", locale=lang).pattern)
    return "d MMM y" if "," in pattern else pattern


def _plain_spaces(text: str) -> str:
    """The locale's no-break spaces as plain ones: text output and terminals show
    every character as it is, and a golden file stays readable."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _decimal(v: Any) -> Decimal | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int):
        return Decimal(v)
    return None
