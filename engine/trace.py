"""Typed trace steps: recorded by the evaluator while it decides, never reconstructed.

Deciding records raw records through `Tracer.add` (cheap: a tuple); `materialize`
turns them into `Step`s, reading the fact and parameter values each step used, only
when a result's trace is read. `Tracer.add` is the one writer of a record and
`materialize` its one reader.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from engine.expr.operands import Comparison, Operand, comparisons, worked
from engine.kinds import plain
from engine.model import value_json

__all__ = ["ParamRead", "Step", "Tracer", "materialize", "to_json_value"]


class Tracer:
    """Collects the steps of one decision as raw records."""

    __slots__ = ("steps", "reads", "facts")

    def __init__(self, F: Mapping[str, Any]) -> None:
        self.facts = F
        self.steps: list[Any] = []
        self.reads: dict[str, Any] = {}  # parameter name -> ParameterValue in force

    def add(self, kind: str, rule: Any, expr: Any, outcome: Any, version: Any = None,
            note: str | None = None, citation: str | None = None,
            title: str | None = None, ctx: Any = None) -> None:
        """`ctx` is `(P, S)`, the parameters and the scope the step's expression read
        (S copied by the caller): its comparisons are worked out from them when read."""
        self.steps.append((kind, rule, expr, outcome, version, note, citation, title,
                           self.reads, ctx))

    def add_step(self, step: "Step") -> None:
        self.steps.append(step)

    def extend(self, other: "Tracer") -> None:
        self.steps.extend(other.steps)


@dataclass(frozen=True, slots=True)
class ParamRead:
    """A parameter value as read by a step: the value and where it comes from."""

    name: str
    value: Any  # a Decimal, a date, or a record's fields (dict)
    currency: str | None
    effective_from: _dt.date
    source: str
    confidence: str
    note: str | None

    def as_dict(self) -> dict:
        d = {"value": value_json(self.value), "currency": self.currency,
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
    comparisons: tuple[Comparison, ...] = ()  # the arithmetic of its comparisons and limits
    worked: Operand | None = None  # a value's expression with every value it read

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
        if self.comparisons:
            d["comparisons"] = [c.as_dict() for c in self.comparisons]
        if self.worked is not None and not self.worked.leaf:
            d["worked"] = self.worked.as_dict()
        return d


_MISSING = "missing"


def materialize(records: Any, F: Any) -> tuple[Step, ...]:
    """Turn the evaluator's raw records into Steps, reading each step's values.

    A record is a Step already, or `(kind, rule, expr, outcome, version, note,
    citation, title, reads, ctx)` where `reads` maps parameter names to the values in
    force and `ctx` holds the parameters and scope the expression read. Facts are
    immutable during an evaluation, so reading them now gives the values the step read
    then; the comparisons are walked over the same inputs (engine.expr.operands).
    """
    steps = []
    for rec in records:
        if isinstance(rec, Step):
            steps.append(rec)
            continue
        kind, rule, expr, outcome, version, note, citation, title, reads, ctx = rec
        facts = tuple((n, F.get(n, _MISSING) if n in F else _MISSING)
                      for n in (expr.facts if expr else ()))
        params = tuple(ParamRead(p, pv.value, pv.currency, pv.start, pv.source,
                                 pv.confidence, pv.note)
                       for p in (expr.params if expr else ()) if p in reads
                       for pv in (reads[p],))
        series = getattr(expr, "series", ()) if expr else ()
        if series and "@reads" in reads:  # values read at computed dates: at(p, date)
            params += tuple(dict.fromkeys(
                ParamRead(f"{p} on {day}", pv.value, pv.currency, pv.start, pv.source,
                          pv.confidence, pv.note)
                for p, day, pv in reads["@reads"] if p in series))
        ver = (version.start, version.end, version.assumed, version.note) if version else None
        steps.append(Step(
            kind, citation or (rule.cite if rule else None), rule.id if rule else None,
            title or (rule.title if rule else None), expr.source if expr else None, facts,
            params, outcome, note, ver,
            (version.text or rule.text) if rule and version else None,
            _comparisons(expr, F, ctx), _worked(kind, expr, F, ctx)))
    return tuple(steps)


def _worked(kind: str, expr: Any, F: Any, ctx: Any) -> Operand | None:
    tree = getattr(expr, "tree", None)
    if ctx is None or tree is None or kind not in ("value", "adjust"):
        return None
    P, S = ctx
    return worked(tree, F, P, S)


def _comparisons(expr: Any, F: Any, ctx: Any) -> tuple[Comparison, ...]:
    tree = getattr(expr, "tree", None)
    if ctx is None or tree is None:
        return ()
    P, S = ctx
    return comparisons(tree, F, P, S)


def to_json_value(v: Any) -> Any:
    """A value read or computed by a step, as JSON."""
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, (Decimal, _dt.date)):
        return plain(v)
    if isinstance(v, (frozenset, set)):
        return sorted(to_json_value(x) for x in v)
    if isinstance(v, (tuple, list)):
        return [to_json_value(x) for x in v]
    if isinstance(v, dict):
        return {k: to_json_value(x) for k, x in v.items()}
    if type(v).__name__ == "Unknown":
        return "unknown"
    return str(v)
