"""Typed results: what `Rulebook.evaluate` returns, and its JSON form (the result contract)."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

__all__ = ["STATUSES", "ParamRead", "Step", "DecisionResult", "Result", "to_json_value"]

STATUSES = ("granted", "refused", "not_applicable", "undetermined", "not_covered")


@dataclass(frozen=True, slots=True)
class ParamRead:
    """A parameter value as read by a step: the value and where it comes from."""

    name: str
    value: Decimal
    currency: str | None
    effective_from: _dt.date
    source: str
    confidence: str
    note: str | None

    def as_dict(self) -> dict:
        d = {"value": str(self.value), "currency": self.currency,
             "effective_from": self.effective_from.isoformat(), "source": self.source,
             "confidence": self.confidence}
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an explanation, recorded by the evaluator as it decides."""

    kind: str  # applies_if | applicable_date | coverage | requires | unless | amount | ...
    citation: str | None
    rule: str | None
    title: str | None
    expression: str | None
    facts: tuple[tuple[str, Any], ...]
    parameters: tuple[ParamRead, ...]
    outcome: Any
    note: str | None = None
    version: tuple[_dt.date, _dt.date, bool, str | None] | None = None  # start, end, assumed, note
    text: str | None = None

    def as_dict(self) -> dict:
        d: dict[str, Any] = {"kind": self.kind, "citation": self.citation, "rule": self.rule,
                             "title": self.title, "expression": self.expression,
                             "facts": {k: to_json_value(v) for k, v in self.facts},
                             "parameters": {p.name: p.as_dict() for p in self.parameters},
                             "outcome": to_json_value(self.outcome)}
        if self.version:
            start, end, assumed, note = self.version
            d["version"] = {"from": start.isoformat(), "to": end.isoformat(),
                            "assumed": assumed, "note": note}
        if self.note:
            d["note"] = self.note
        if self.text:
            d["text"] = self.text
        return d


class DecisionResult(tuple):
    """The answer for one decision. Immutable (a tuple underneath): safe to share.

    The evaluator records the steps it takes as raw records while deciding; they are
    turned into `Step` objects (with the fact and parameter values each step read)
    when `trace` is read, so tracing costs little until it is used.
    """

    __slots__ = ()

    # Field order, also written directly by evaluator._result and _codegen (keep in step):
    # id, status, amount, currency, applicable_date, citations, missing_facts, type, value,
    # records, facts.
    def __new__(cls, id: str, status: str, amount: Decimal | None, currency: str | None,
                applicable_date: _dt.date | None, citations: tuple[str, ...],
                missing_facts: tuple[str, ...], records: Any = None, type: str = "money",
                value: Any = None, facts: Any = None) -> "DecisionResult":
        return tuple.__new__(cls, (id, status, amount, currency, applicable_date, citations,
                                   missing_facts, type, value, records, facts))

    id = property(itemgetter(0), doc="the decision (benefit) id")
    status = property(itemgetter(1), doc="granted | refused | not_applicable | undetermined "
                                         "| not_covered")
    amount = property(itemgetter(2), doc="Decimal amount for a granted money decision")
    currency = property(itemgetter(3))
    applicable_date = property(itemgetter(4), doc="the date that selected versions and values")
    citations = property(itemgetter(5), doc="the provisions that decided status and amount")
    missing_facts = property(itemgetter(6))
    type = property(itemgetter(7))
    value = property(itemgetter(8), doc="the answer for decisions that are not money")

    @property
    def trace(self) -> tuple[Step, ...]:
        """The explanation, step by step (empty unless evaluated with trace=True)."""
        return materialize(self[9] or (), self[10] or {})

    def __repr__(self) -> str:
        return (f"DecisionResult({self.id!r}, {self.status!r}, amount={self.amount!r}, "
                f"currency={self.currency!r}, citations={self.citations!r})")

    def as_dict(self, trace: bool = False) -> dict:
        d: dict[str, Any] = {
            "status": self.status,
            "amount": None if self.amount is None else str(self.amount),
            "currency": self.currency,
            "applicable_date": None if self.applicable_date is None
            else self.applicable_date.isoformat(),
            "citations": list(self.citations),
            "missing_facts": list(self.missing_facts),
        }
        if self.type != "money":
            d["type"] = self.type
            d["value"] = to_json_value(self.value)
        if trace:
            d["trace"] = [s.as_dict() for s in self.trace]
        return d


_MISSING = "missing"


def materialize(records: Any, F: Any) -> tuple[Step, ...]:
    """Turn the evaluator's raw records into Steps, reading each step's values.

    A record is a Step already, or `(kind, rule, expr, outcome, version, note,
    citation, title, reads)` where `reads` maps parameter names to the values in force.
    Facts are immutable during an evaluation, so reading them now gives the values
    the step read then.
    """
    steps = []
    for rec in records:
        if isinstance(rec, Step):
            steps.append(rec)
            continue
        kind, rule, expr, outcome, version, note, citation, title, reads = rec
        facts = tuple((n, F.get(n, _MISSING) if n in F else _MISSING)
                      for n in (expr.facts if expr else ()))
        params = tuple(ParamRead(p, pv.value, pv.currency, pv.start, pv.source,
                                 pv.confidence, pv.note)
                       for p in (expr.params if expr else ()) if p in reads
                       for pv in (reads[p],))
        ver = (version.start, version.end, version.assumed, version.note) if version else None
        steps.append(Step(
            kind, citation or (rule.cite if rule else None), rule.id if rule else None,
            title or (rule.title if rule else None), expr.source if expr else None, facts,
            params, outcome, note, ver,
            (version.text or rule.text) if rule and version else None))
    return tuple(steps)


class Result:
    """The answers for one case: `result["benefit_id"]` is a DecisionResult."""

    __slots__ = ("rulebook", "on", "_month", "benefits", "_warnings")

    def __init__(self, rulebook: str, on: _dt.date, month: _dt.date | None,
                 benefits: dict[str, DecisionResult], warnings: Any):
        self.rulebook = rulebook
        self.on = on
        self._month = month
        self.benefits = benefits
        self._warnings = warnings

    @property
    def month(self) -> _dt.date:
        """First day of the period asked about (default: the month of `on`)."""
        return self._month or _dt.date(self.on.year, self.on.month, 1)

    @property
    def period(self) -> str:
        return f"{self.month.year:04d}-{self.month.month:02d}"

    @property
    def warnings(self) -> tuple[str, ...]:
        """Assumptions relied on and parameter values below high confidence, sorted."""
        return tuple(sorted(self._warnings))

    def __getitem__(self, decision: str) -> DecisionResult:
        return self.benefits[decision]

    def __repr__(self) -> str:
        return f"Result({self.rulebook!r}, on={self.on}, benefits={list(self.benefits)})"

    def as_dict(self, trace: bool = False) -> dict:
        return {"rulebook": self.rulebook, "on": self.on.isoformat(), "period": self.period,
                "benefits": {k: v.as_dict(trace) for k, v in self.benefits.items()},
                "warnings": list(self.warnings)}


def to_json_value(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, (frozenset, set, tuple, list)):
        return sorted(to_json_value(x) for x in v)
    if type(v).__name__ == "Unknown":
        return "unknown"
    return str(v)
