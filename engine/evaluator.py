"""Decide one decision for one case: a walk over precompiled rules.

The order of precedence is fixed and documented in rules/README.md:
not_applicable, then undetermined for an unknown applicable date, not_covered,
refused (any condition false or exception established, even when other facts are
missing), undetermined (a needed fact is missing), granted. The trace is recorded
here, while deciding, and only when asked for, so evaluation without a trace pays
nothing for it.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping

from .errors import EvaluationError
from .expr import Expr, Unknown
from .model import Decision, Rule, Version
from .result import DecisionResult, ParamRead, Step

if TYPE_CHECKING:
    from .rulebook import Rulebook

__all__ = ["evaluate_event"]

_EMPTY: Mapping[str, Any] = {}
_MISSING = "missing"


class _Tracer:
    """Collects trace steps and warnings; the evaluator calls it only when tracing."""

    __slots__ = ("steps", "reads")

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.reads: dict[str, ParamRead] = {}

    def add(self, kind: str, rule: Rule | None, expr: Expr | None, F: Mapping[str, Any],
            outcome: Any, note: str | None = None, version: Version | None = None,
            citation: str | None = None, title: str | None = None) -> None:
        facts = tuple((n, F.get(n, _MISSING) if n in F else _MISSING)
                      for n in (expr.facts if expr else ()))
        params = tuple(self.reads[p] for p in (expr.params if expr else ()) if p in self.reads)
        ver = (version.start, version.end, version.assumed, version.note) if version else None
        self.steps.append(Step(
            kind, citation or (rule.cite if rule else None), rule.id if rule else None,
            title or (rule.title if rule else None), expr.source if expr else None, facts,
            params, outcome, note, ver, (version.text or rule.text) if rule and version else None))


def _result(d: Decision, status: str, tracer: _Tracer | None, applicable: _dt.date | None = None,
            citations: tuple[str, ...] = (), missing: frozenset[str] = frozenset(),
            amount: Decimal | None = None, currency: str | None = None,
            value: Any = None) -> DecisionResult:
    return DecisionResult(d.id, status, amount, currency, applicable, citations,
                          tuple(sorted(missing)), tuple(tracer.steps) if tracer else (),
                          d.type, value)


def evaluate_event(rb: "Rulebook", d: Decision, F: Mapping[str, Any], on: _dt.date,
                   trace: bool, warnings: set[str]) -> DecisionResult:
    """Decide a decision whose amounts are fixed on one applicable date (a lump sum)."""
    tr = _Tracer() if trace else None
    S: dict[str, Any] = {"on": on}
    applies = d.applies_if.evaluate(F, _EMPTY, S)
    if tr:
        tr.add("applies_if", None, d.applies_if, F, applies, note=d.applies_reading,
               title=f"does the case concern the {d.title.lower()}?")
    if applies is False:
        return _result(d, "not_applicable", tr)
    if isinstance(applies, Unknown):
        return _result(d, "undetermined", tr, missing=applies.names)

    date_rule = d.applicable_date
    date_expr = date_rule.versions[0].expr
    assert date_expr is not None
    day = date_expr.evaluate(F, _EMPTY, S)
    if tr:
        tr.add("applicable_date", date_rule, date_expr, F, day, note=date_rule.reading,
               version=date_rule.versions[0])
    if isinstance(day, Unknown):
        return _result(d, "undetermined", tr, citations=(date_rule.cite,), missing=day.names)
    cov = rb.coverage
    if not cov.start <= day <= cov.end:
        if tr:
            tr.add("coverage", None, None, F, False, citation=None,
                   title="is the applicable date within the rulebook's coverage?",
                   note=f"{day} is outside {cov.start}..{cov.end}: no rule version is in force")
        return _result(d, "not_covered", tr, applicable=day)
    S["day"] = day

    P: dict[str, Any] = {}
    for name in d.params:
        pv = rb.parameters[name].at(day)
        if pv is None:
            if tr:
                tr.add("parameter", None, None, F, False, title=f"{name} on {day}",
                       note=f"no value of {name} is in force on {day}")
            return _result(d, "not_covered", tr, applicable=day)
        P[name] = pv.value
        if pv.confidence != "high":
            warnings.add(f"{name} = {pv.value} {pv.currency or ''} from {pv.start} has "
                         f"confidence '{pv.confidence}': {pv.note or pv.source}")
        if tr:
            tr.reads[name] = ParamRead(name, pv.value, pv.currency, pv.start, pv.source,
                                       pv.confidence, pv.note)

    refused: list[Rule] = []
    held: list[str] = []
    unknown: frozenset[str] = frozenset()
    candidates: list[tuple[Rule, Version]] = []
    open_amounts: list[tuple[Rule, Version, Unknown]] = []
    adjusts: list[tuple[Rule, Version]] = []
    assumed = False
    for r in d.rules:
        v = r.version_at(day)
        if v is None:
            if tr:
                tr.add("version", r, None, F, False,
                       note=f"no version of {r.cite} ({r.id}) is in force on {day}")
            return _result(d, "not_covered", tr, applicable=day)
        assumed = assumed or v.assumed
        if v.expr is None:
            if tr:
                tr.add(r.role, r, None, F, "not in force", version=v)
            continue
        w = True if v.when is None else v.when.evaluate(F, P, S)
        if w is False:
            if tr:
                tr.add(r.role, r, v.when, F, "does not apply", version=v,
                       note="its 'when' does not hold for this case")
            continue
        role = r.role
        if role == "amount":
            if w is True:
                candidates.append((r, v))
            else:
                open_amounts.append((r, v, w))
            continue
        if role == "adjust":
            if isinstance(w, Unknown):
                unknown |= w.names
            else:
                adjusts.append((r, v))
            continue
        val = v.expr.evaluate(F, P, S)
        if tr:
            tr.add(role, r, v.expr, F, val, version=v, note=_when_note(w))
        if role == "requires":
            if val is True:
                if w is True:
                    held.append(r.cite)
            elif val is False and w is True:
                refused.append(r)
            else:  # unknown condition, or a false one whose scope is unknown
                unknown |= _names(val) | _names(w)
        elif val is True and w is True:  # unless: an established exception refuses
            refused.append(r)
    if assumed:
        warnings.add(f"assumption: {cov.assumption}")

    if refused:
        return _result(d, "refused", tr, day, _unique(r.cite for r in refused))
    overridden = {o for r, _ in candidates for o in r.overrides}
    chosen = [(r, v) for r, v in candidates if r.id not in overridden]
    for r, v, w in open_amounts:
        if not chosen or any(o in {c.id for c, _ in chosen} for o in r.overrides):
            unknown |= w.names
    if unknown:
        return _result(d, "undetermined", tr, day, missing=unknown)
    if not chosen:
        cites = _unique(r.cite for r in d.rules if r.role == "amount")
        if tr:
            tr.add("amount", None, None, F, False, citation=", ".join(cites),
                   title="no provision gives an amount for this case")
        return _result(d, "refused", tr, day, cites)
    if len(chosen) > 1:
        raise EvaluationError(
            f"{d.id}: amount rules {', '.join(r.id for r, _ in chosen)} all apply and none "
            f"overrides the others; add 'overrides' to say which prevails", d.position)
    rule, version = chosen[0]
    assert version.expr is not None
    amount = version.expr.evaluate(F, P, S)
    if tr:
        tr.add("amount", rule, version.expr, F, amount, version=version)
    if isinstance(amount, Unknown):
        return _result(d, "undetermined", tr, day, missing=amount.names)
    exprs = [version.expr]
    for r, v in adjusts:
        assert v.expr is not None
        amount = v.expr.evaluate(F, P, {**S, "amount": amount})
        exprs.append(v.expr)
        if tr:
            tr.add("adjust", r, v.expr, F, amount, version=v)
        if isinstance(amount, Unknown):
            return _result(d, "undetermined", tr, day, missing=amount.names)
        held.append(r.cite)
    cites = _unique([rule.cite, *held])
    if d.type != "money":
        return _result(d, "granted", tr, day, cites, value=amount)
    currency = _currency(rb, d, exprs, day)
    rounded = Decimal(amount).quantize(rb.rounding.quantum, rounding=rb.rounding.mode)
    if tr:
        tr.add("rounding", None, None, F, rounded, citation=None, title="rounded once",
               note=f"{amount} rounded to {rb.rounding.quantum} ({rb.rounding.mode})")
    return _result(d, "granted", tr, day, cites, amount=rounded, currency=currency)


def _currency(rb: "Rulebook", d: Decision, exprs: list[Expr], day: _dt.date) -> str | None:
    """The currency of the money parameters an amount was computed from (never mixed)."""
    found = set()
    for e in exprs:
        for p in e.params:
            param = rb.parameters[p]
            if param.type == "money":
                pv = param.at(day)
                if pv is not None and pv.currency:
                    found.add(pv.currency)
    if len(found) > 1:
        raise EvaluationError(f"{d.id}: amount mixes currencies {sorted(found)}", d.position)
    return found.pop() if found else None


def _names(v: Any) -> frozenset[str]:
    return v.names if isinstance(v, Unknown) else frozenset()


def _when_note(w: Any) -> str | None:
    if isinstance(w, Unknown):
        return f"whether it applies is unknown (missing: {', '.join(sorted(w.names))})"
    return None


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
