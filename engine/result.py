"""Typed results: what `Rulebook.evaluate` returns, and its JSON form (the result contract).

The contract is the same for every rulebook (`../shared/spec/ru-labour.md`): a
`decisions` mapping; on each decision `status`, `type` and `value` (null unless the
status carries a value), and for money `amount` and `currency` beside `value`.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from operator import itemgetter
from typing import Any, Mapping

from engine.kinds import KINDS, STATUSES, json_value
from engine.trace import ParamRead, Step, materialize, to_json_value

__all__ = ["STATUSES", "ParamRead", "Step", "DecisionResult", "Result", "make_result",
           "to_json_value"]

_new = tuple.__new__


class DecisionResult(tuple):
    """The answer for one decision. Immutable (a tuple underneath): safe to share.

    The evaluator records the steps it takes as raw records while deciding; they are
    turned into `Step` objects (with the fact and parameter values each step read)
    when `trace` is read, so tracing costs little until it is used. Build one with
    `make_result`, the only place that knows the field order.
    """

    __slots__ = ()

    def __new__(cls, id: str, status: str, type: str, value: Any = None,
                currency: str | None = None, applicable_date: _dt.date | None = None,
                citations: tuple[str, ...] = (), missing_facts: tuple[str, ...] = (),
                records: Any = None, facts: Any = None,
                notes: tuple[str, ...] = ()) -> "DecisionResult":
        return make_result(id, status, type, value, currency, applicable_date, citations,
                           missing_facts, records, facts, notes)

    id = property(itemgetter(0), doc="the decision id")
    status = property(itemgetter(1), doc="granted | refused | determined | not_applicable "
                                         "| undetermined | not_covered")
    type = property(itemgetter(2), doc="the answer kind (engine.kinds.KINDS)")
    value = property(itemgetter(3), doc="the answer (for money: the Decimal amount); None "
                                        "unless granted or determined")
    currency = property(itemgetter(4), doc="the currency of a money or range answer")
    applicable_date = property(itemgetter(5), doc="the date that selected versions and values")
    citations = property(itemgetter(6), doc="the provisions that decided status and value")
    missing_facts = property(itemgetter(7))
    notes = property(itemgetter(10), doc="why a status without a value was given, "
                                         "when another decision decided it")

    @property
    def amount(self) -> Decimal | None:
        """The amount of a money answer (None for other kinds and statuses)."""
        return self[3] if self[2] == "money" else None

    @property
    def trace(self) -> tuple[Step, ...]:
        """The explanation, step by step (empty unless evaluated with trace=True)."""
        return materialize(self[8] or (), self[9] or {})

    def __repr__(self) -> str:
        return (f"DecisionResult({self.id!r}, {self.status!r}, type={self.type!r}, "
                f"value={self.value!r}, currency={self.currency!r}, "
                f"citations={self.citations!r})")

    def as_dict(self, trace: bool = False) -> dict:
        """The decision's part of the result contract."""
        kind = KINDS[self.type]
        value = json_value(self.type, self.value, self.currency)
        d: dict[str, Any] = {"status": self.status, "type": self.type, "value": value}
        if kind.money and self.type == "money":
            d["amount"] = None if self.value is None else str(self.value)
            d["currency"] = self.currency if self.value is not None else None
        d["applicable_date"] = None if self.applicable_date is None \
            else self.applicable_date.isoformat()
        d["citations"] = list(self.citations)
        d["missing_facts"] = list(self.missing_facts)
        if self.notes:
            d["notes"] = list(self.notes)
        if trace:
            d["trace"] = [s.as_dict() for s in self.trace]
        return d


def make_result(id: str, status: str, type: str, value: Any, currency: str | None,
                applicable_date: _dt.date | None, citations: tuple[str, ...],
                missing_facts: tuple[str, ...], records: Any, facts: Any,
                notes: tuple[str, ...] = ()) -> DecisionResult:
    """A DecisionResult from its fields, in the one order they are stored."""
    return _new(DecisionResult, (id, status, type, value, currency, applicable_date,
                                 citations, missing_facts, records, facts, notes))


class Result:
    """The answers for one case: `result["decision_id"]` is a DecisionResult."""

    __slots__ = ("rulebook", "on", "_month", "decisions", "_warnings", "qualifiers",
                 "per_month", "source")

    def __init__(self, rulebook: str, on: _dt.date, month: _dt.date | None,
                 decisions: dict[str, DecisionResult], warnings: Any,
                 qualifiers: Mapping[str, Any] | None = None, per_month: bool = True,
                 source: Any = None):
        self.rulebook = rulebook
        self.on = on
        self._month = month
        self.decisions = decisions
        self._warnings = warnings
        # what pins the answer: as_known_on, the rulebook's content hash and version
        # (shared, read-only: the rulebook's own mapping)
        self.qualifiers: Mapping[str, Any] = qualifiers or {}
        self.per_month = per_month  # the rulebook decides per month: `period` is shown
        # the Rulebook that decided (read-only, shared): what an explanation reads of it
        # (its language, fact types, acts); never part of the JSON
        self.source = source

    @property
    def month(self) -> _dt.date:
        """First day of the month asked about (default: the month of `on`)."""
        return self._month or _dt.date(self.on.year, self.on.month, 1)

    @property
    def period(self) -> str:
        """The month asked about, `YYYY-MM` (the contract's `period`)."""
        return f"{self.month.year:04d}-{self.month.month:02d}"

    @property
    def warnings(self) -> tuple[str, ...]:
        """Assumptions relied on and parameter values below high confidence, sorted."""
        return tuple(sorted(self._warnings))

    def __getitem__(self, decision: str) -> DecisionResult:
        return self.decisions[decision]

    def __iter__(self) -> Any:
        return iter(self.decisions.values())

    def __repr__(self) -> str:
        return f"Result({self.rulebook!r}, on={self.on}, decisions={list(self.decisions)})"

    def as_dict(self, trace: bool = False) -> dict:
        """The result contract; `period` only for a rulebook with monthly decisions."""
        d: dict[str, Any] = {"rulebook": self.rulebook, "on": self.on.isoformat()}
        if self.per_month:
            d["period"] = self.period
        d["decisions"] = {k: v.as_dict(trace) for k, v in self.decisions.items()}
        d["warnings"] = list(self.warnings)
        d.update(self.qualifiers)
        known = self.qualifiers.get("as_known_on")
        if trace and known:  # the trace says so too, before the steps of each decision
            step = {"kind": "as_known_on", "outcome": known,
                    "acts_left_out": list(self.qualifiers.get("acts_left_out", ()))}
            for v in d["decisions"].values():
                v["trace"].insert(0, step)
        return d
