"""Answer kinds: what a decision's value is, defined in one table.

Each kind says, in one place, the static type its value has in expressions (so a
decision read by another is type-checked), the fields of a record kind (each field
an expression of its own type in the YAML), its JSON form (the result contract,
`../shared/spec/ru-labour.md`), its text form and its final rounding. Adding a kind
touches only this table (and the schema's enum of type names).
"""
from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping

__all__ = ["Kind", "KINDS", "STATUSES", "Status", "VALUED", "DECIMAL_CONTEXT", "json_value",
           "text_value"]

DECIMAL_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN,
                                  traps=[decimal.InvalidOperation, decimal.DivisionByZero,
                                         decimal.Overflow])
"""The arithmetic every legal answer is computed in, whatever the caller's decimal
context says (its precision, rounding or traps must not change an answer)."""


@dataclass(frozen=True)
class Status:
    name: str
    has_value: bool  # the answer carries a value (granted, determined)
    doc: str


STATUSES: Mapping[str, Status] = {s.name: s for s in (
    Status("granted", True, "an entitlement the case has, with its value"),
    Status("refused", False, "an entitlement the case does not have; citations say why"),
    Status("determined", True, "a computed answer: days, a date, a finding, money, ..."),
    Status("not_applicable", False, "the case does not concern the decision, or the rule "
                                    "that applies gives no such value"),
    Status("undetermined", False, "facts that matter are missing; missing_facts names them"),
    Status("not_covered", False, "no rule version or parameter value is in force on a date "
                                 "the decision needed"),
)}
VALUED = frozenset(s.name for s in STATUSES.values() if s.has_value)


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    return v


def _money_json(v: Any, currency: str | None) -> Any:
    return {"amount": str(v), "currency": currency}


def _number_text(v: Any) -> str:
    if isinstance(v, Decimal):
        v = v.normalize() if v == v.to_integral_value() else v
        return f"{v:f}"
    return str(v)


def _range_json(v: Mapping[str, Any], currency: str | None) -> Any:
    years = v.get("disqualification_years")
    return {"min": _money_json(v["min"], currency), "max": _money_json(v["max"], currency),
            "warning_possible": v["warning_possible"],
            "disqualification_years": None if years is None else list(years)}


def _range_text(v: Mapping[str, Any], currency: str | None) -> str:
    cur = f" {currency}" if currency else ""
    out = f"{v['min']}{cur} to {v['max']}{cur}"
    if v["warning_possible"]:
        out += ", or a warning"
    years = v.get("disqualification_years")
    if years:
        out += f", or disqualification for {years[0]} to {years[1]} years"
    return out


def _whole(n: Any) -> Any:
    """A whole number as an int: an int parameter is held as an exact Decimal."""
    return int(n) if isinstance(n, Decimal) and n == n.to_integral_value() else n


def _period_json(v: Mapping[str, Any], currency: str | None) -> Any:
    return {"years": _whole(v["years"]), "kind": v["kind"], "epk": v["epk"]}


def _period_text(v: Mapping[str, Any], currency: str | None) -> str:
    kind = v["kind"]
    out = f"{_whole(v['years'])} years" if kind == "years" else kind.replace("_", " ")
    return out + (" (EPK: expert review may extend it)" if v["epk"] else "")


@dataclass(frozen=True)
class Kind:
    """One kind of answer. `fields` is set for record kinds: field -> static type."""

    name: str
    expr_type: str  # the value's type when another decision's expression reads it
    to_json: Callable[[Any, str | None], Any]
    to_text: Callable[[Any, str | None], str]
    money: bool = False  # carries a currency and is rounded by the rulebook's rounding
    fields: Mapping[str, str] = field(default_factory=dict)
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # record enum fields
    nullable: frozenset[str] = frozenset()  # record fields that may be null
    declares_values: bool = False  # the decision lists its values (finding)
    doc: str = ""


KINDS: Mapping[str, Kind] = {k.name: k for k in (
    Kind("money", "money", _money_json, lambda v, c: f"{v} {c or ''}".rstrip(), money=True,
         doc="an exact amount in a currency, rounded by the rulebook's rounding at the end"),
    Kind("days", "int", lambda v, c: v, lambda v, c: f"{v} day(s)", doc="a whole number of days"),
    Kind("int", "int", lambda v, c: v, lambda v, c: str(v), doc="a whole number"),
    Kind("decimal", "decimal", lambda v, c: str(v), lambda v, c: _number_text(v),
         doc="an exact decimal (a percentage, a rate)"),
    Kind("date", "date", lambda v, c: v.isoformat(), lambda v, c: v.isoformat(), doc="a date"),
    Kind("bool", "bool", lambda v, c: v, lambda v, c: "yes" if v else "no", doc="yes or no"),
    Kind("finding", "str", lambda v, c: v, lambda v, c: str(v), declares_values=True,
         doc="one of the values the decision declares (compliant | violation, ...); "
             "a violation names the violated provision first in its citations"),
    Kind("range", "range", _range_json, _range_text, money=True,
         fields={"min": "money", "max": "money", "warning_possible": "bool",
                 "disqualification_years": "list[int]"},
         nullable=frozenset({"disqualification_years"}),
         doc="a range of money (a fine): min, max, whether a warning may be given, and "
             "the disqualification years [min, max] or null"),
    Kind("period", "period", _period_json, _period_text,
         fields={"years": "int", "kind": "str", "epk": "bool"},
         enums={"kind": ("years", "permanent", "until_replaced", "until_claimed",
                         "until_event")},
         nullable=frozenset({"years"}),
         doc="a retention period: years (null unless kind is years), kind, and whether "
             "expert review (EPK) may extend it"),
)}


def json_value(kind: str, value: Any, currency: str | None) -> Any:
    """The JSON form of a value of `kind` (None stays null)."""
    return None if value is None else KINDS[kind].to_json(value, currency)


def text_value(kind: str, value: Any, currency: str | None) -> str:
    return "" if value is None else KINDS[kind].to_text(value, currency)


def plain(v: Any) -> Any:
    """A fact or intermediate value as JSON: decimals as strings, dates ISO."""
    return _plain(v)
