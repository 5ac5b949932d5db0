"""Typed results: what `Rulebook.evaluate` returns, and its JSON form (the result contract)."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
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


@dataclass(frozen=True, slots=True)
class DecisionResult:
    id: str
    status: str
    amount: Decimal | None
    currency: str | None
    applicable_date: _dt.date | None
    citations: tuple[str, ...]
    missing_facts: tuple[str, ...]
    trace: tuple[Step, ...] = ()
    type: str = "money"
    value: Any = None

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


@dataclass(frozen=True, slots=True)
class Result:
    rulebook: str
    on: _dt.date
    period: str
    benefits: dict[str, DecisionResult]
    warnings: tuple[str, ...]

    def __getitem__(self, decision: str) -> DecisionResult:
        return self.benefits[decision]

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
