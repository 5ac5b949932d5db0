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
from decimal import Decimal, DecimalException
from typing import TYPE_CHECKING, Any, Mapping

from engine import dates
from engine.errors import EvaluationError
from engine.expr import FALLBACK, Expr, Unknown
from engine.model import Decision, Rule, Version
from engine.result import DecisionResult, Step

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["interpret_decision", "fast_path_helpers", "REINTERPRET", "Tracer"]

_EMPTY: Mapping[str, Any] = {}


class Tracer:
    """Records the steps taken as raw tuples; `result.materialize` makes Steps of them."""

    __slots__ = ("steps", "reads", "facts")

    def __init__(self, F: Mapping[str, Any]) -> None:
        self.facts = F
        self.steps: list[Any] = []
        self.reads: dict[str, Any] = {}  # parameter name -> ParameterValue in force

    def add(self, kind: str, rule: Rule | None, expr: Expr | None, F: Mapping[str, Any],
            outcome: Any, note: str | None = None, version: Version | None = None,
            citation: str | None = None, title: str | None = None) -> None:
        self.steps.append((kind, rule, expr, outcome, version, note, citation, title,
                           self.reads))


class _Day:
    """What the rules decide for one applicable date: status, unrounded amount, reasons."""

    __slots__ = ("status", "amount", "currency", "citations", "missing", "rule")

    def __init__(self, status: str, amount: Any = None, currency: str | None = None,
                 citations: tuple[str, ...] = (), missing: frozenset[str] = frozenset(),
                 rule: str | None = None):
        self.status, self.amount, self.currency = status, amount, currency
        self.citations, self.missing, self.rule = citations, missing, rule

    def key(self) -> tuple:
        return (self.status, self.amount, self.currency, self.citations, self.missing, self.rule)


def _result(d: Decision, status: str, tr: Tracer | None, applicable: _dt.date | None = None,
            citations: tuple[str, ...] = (), missing: frozenset[str] = frozenset(),
            amount: Decimal | None = None, currency: str | None = None,
            value: Any = None) -> DecisionResult:
    # tuple.__new__ directly: the same object DecisionResult(...) builds, one call cheaper
    return _new(DecisionResult, (d.id, status, amount, currency, applicable, citations,
                                 tuple(sorted(missing)) if missing else (), d.type, value,
                                 tr.steps if tr else None, tr.facts if tr else None))


_new = tuple.__new__


def interpret_decision(rb: "Rulebook", d: Decision, F: Mapping[str, Any], on: _dt.date,
                       period: _dt.date | None, trace: bool,
                       warnings: set[str]) -> DecisionResult:
    """Decide `d` rule by rule with three-valued logic (any case, any missing facts)."""
    tr = Tracer(F) if trace else None
    S: dict[str, Any] = {"on": on}
    applies = d.applies_if.evaluate(F, _EMPTY, S)
    if tr:
        tr.add("applies_if", None, d.applies_if, F, applies, note=d.applies_reading,
               title=f"does the case concern the {d.title.lower()}?")
    if applies is False:
        return _result(d, "not_applicable", tr)
    if isinstance(applies, Unknown):
        return _result(d, "undetermined", tr, missing=applies.names)
    if d.per == "month":
        month = period or _dt.date(on.year, on.month, 1)
        return _monthly(rb, d, F, on, month, tr, warnings)
    date_rule = d.applicable_date
    day = _applicable_date(d, F, S, tr)
    if isinstance(day, Unknown):
        return _result(d, "undetermined", tr, citations=(date_rule.cite,), missing=day.names)
    S["day"] = day
    return _event_result(rb, d, _decide(rb, d, F, S, day, tr, warnings), day, tr, F)


class _Reinterpret(Exception):
    """The fast path met a case it leaves to the interpreter (not covered, no version)."""


REINTERPRET = (*FALLBACK, _Reinterpret, ArithmeticError, DecimalException, ValueError,
                OverflowError)


def fast_path_helpers() -> dict[str, Any]:
    """The evaluator's pieces that compiled decisions call (see _codegen.py)."""
    return {"RESULT": _result, "CONCLUDE": _conclude, "EVENT_RESULT": _event_result,
            "NOT_COVERED": _event_not_covered, "ONE_CURRENCY": _one_currency,
            "PAST_VERIFIED": _past_verified,
            "EMPTY": frozenset(), "FALLBACK_NOW": _Reinterpret()}


def _trace_not_covered(rb: "Rulebook", day: _dt.date, tr: Tracer | None) -> None:
    if tr:
        cov = rb.coverage
        tr.add("coverage", None, None, tr.facts, False,
               title="is the applicable date within the rulebook's coverage?",
               note=f"{day} is outside {cov.start}..{cov.end}: no rule version is in force")


def _event_not_covered(rb: "Rulebook", d: Decision, day: _dt.date,
                       tr: Tracer | None) -> DecisionResult:
    _trace_not_covered(rb, day, tr)
    return _result(d, "not_covered", tr, day)


def _past_verified(rb: "Rulebook") -> str:
    return (f"evaluated past {rb.verified_through}, the date through which the rulebook was "
            "last verified")


def _one_currency(d: Decision, values: tuple) -> str | None:
    found = {pv.currency for pv in values if pv.currency}
    if len(found) > 1:
        raise EvaluationError(f"{d.id}: amount mixes currencies {sorted(found)}", d.position)
    return found.pop() if found else None


def _event_result(rb: "Rulebook", d: Decision, out: _Day, day: _dt.date, tr: Tracer | None,
                  F: Mapping[str, Any]) -> DecisionResult:
    if out.status != "granted":
        return _result(d, out.status, tr, day if out.status != "not_applicable" else None,
                       out.citations, out.missing)
    if d.type != "money":
        return _result(d, "granted", tr, day, out.citations, value=out.amount)
    rounded = _round(rb, out.amount, tr, F)
    return _result(d, "granted", tr, day, out.citations, amount=rounded, currency=out.currency)


def _applicable_date(d: Decision, F: Mapping[str, Any], S: Mapping[str, Any],
                     tr: Tracer | None) -> Any:
    rule = d.applicable_date
    expr = rule.versions[0].expr
    assert expr is not None
    day = expr.evaluate(F, _EMPTY, S)
    if tr:
        tr.add("applicable_date", rule, expr, F, day, note=rule.reading, version=rule.versions[0])
    return day


def _round(rb: "Rulebook", amount: Any, tr: Tracer | None, F: Mapping[str, Any]) -> Decimal:
    rounded = Decimal(amount).quantize(rb.rounding.quantum, rounding=rb.rounding.mode)
    if tr:
        tr.add("rounding", None, None, F, rounded, title="rounded once",
               note=f"{amount} rounded to {rb.rounding.quantum} ({rb.rounding.mode})")
    return rounded


def _monthly(rb: "Rulebook", d: Decision, F: Mapping[str, Any], on: _dt.date,
             period: _dt.date, tr: Tracer | None, warnings: set[str]) -> DecisionResult:
    """Decide each day of the month, merge equal days into segments, prorate (Art. 12(8)-style).

    A segment's share is monthly amount x days / calendar days of the month; the sum is
    rounded once. Any undetermined day makes the month undetermined: a partial sum
    would be a silently wrong answer.
    """
    dim = dates.days_in_month(period.year, period.month)
    segments: list[tuple[_dt.date, _dt.date, _Day]] = []
    heads: list[int] = []  # index of each segment's step in the trace
    for n in range(dim):
        today = period + _dt.timedelta(days=n)
        S = {"on": on, "day": today}
        day_tr = Tracer(F) if tr else None
        selector = _applicable_date(d, F, S, day_tr)
        if isinstance(selector, Unknown):
            out = _Day("undetermined", citations=(d.applicable_date.cite,), missing=selector.names)
        else:
            out = _decide(rb, d, F, S, selector, day_tr, warnings)
        if segments and segments[-1][2].key() == out.key():
            segments[-1] = (segments[-1][0], today, segments[-1][2])
        else:
            segments.append((today, today, out))
            if tr and day_tr:
                heads.append(len(tr.steps))
                tr.steps.append(_segment_step(today, today, out))
                tr.steps.extend(day_tr.steps)
        if tr and heads:
            first, last, o = segments[-1]
            tr.steps[heads[-1]] = _segment_step(first, last, o)
    statuses = {o.status for _, _, o in segments}
    cites = _unique(c for _, _, o in segments for c in o.citations)
    missing = frozenset().union(*(o.missing for _, _, o in segments))
    # a month partly outside the coverage is not_covered: an amount for only some of its
    # days would be a silently partial answer
    for status in ("undetermined", "not_covered", "granted", "refused"):
        if status in statuses:
            break
    else:
        return _result(d, "not_applicable", tr, period)
    if status != "granted":
        return _result(d, status, tr, period, cites, missing)
    total = Decimal(0)
    currencies = set()
    for first, last, o in segments:
        if o.status != "granted":
            continue
        days = (last - first).days + 1
        share = Decimal(o.amount) * days / dim
        total += share
        currencies.add(o.currency)
        if tr:
            tr.steps.append(Step("proration", None, o.rule, f"{first}..{last}", None, (), (),
                                 share, note=f"{o.amount} × {days}/{dim} days = {share}"))
    if len(currencies) > 1:
        raise EvaluationError(f"{d.id}: the month mixes currencies {sorted(map(str, currencies))}",
                              d.position)
    granted_cites = _unique(c for _, _, o in segments if o.status == "granted" for c in o.citations)
    rounded = _round(rb, total, tr, F)
    return _result(d, "granted", tr, period, granted_cites, amount=rounded,
                   currency=currencies.pop())


def _segment_step(first: _dt.date, last: _dt.date, out: _Day) -> Step:
    days = (last - first).days + 1
    return Step("segment", None, out.rule, f"days {first}..{last} ({days} day(s))", None, (), (),
                out.status, note="each day of the segment is decided alike; the steps follow")


def _decide(rb: "Rulebook", d: Decision, F: Mapping[str, Any], S: dict[str, Any],
            day: _dt.date, tr: Tracer | None, warnings: set[str]) -> _Day:
    """Apply every rule of `d` in the versions and parameter values in force on `day`."""
    cov = rb.coverage
    if not cov.start <= day <= cov.end:
        _trace_not_covered(rb, day, tr)
        return _Day("not_covered")

    if rb.verified_through and day > rb.verified_through:
        warnings.add(_past_verified(rb))
    P: dict[str, Any] = {}
    for name in d.params:
        param = rb.parameters[name]
        pv = param.at(day)
        if pv is None:
            if tr:
                tr.add("parameter", None, None, F, False, title=f"{name} on {day}",
                       note=f"no value of {name} is in force on {day}")
            return _Day("not_covered")
        P[name] = pv.value
        if pv.warning:
            warnings.add(pv.warning)
        if param.stale_after(day):
            warnings.add(param.stale_warning)
        if tr:
            tr.reads[name] = pv

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
            return _Day("not_covered")
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

    return _conclude(rb, d, F, P, S, day, refused, candidates, open_amounts, adjusts, held,
                     unknown, tr)


def _conclude(rb: "Rulebook", d: Decision, F: Mapping[str, Any], P: Mapping[str, Any],
              S: dict[str, Any], day: _dt.date, refused: list[Rule],
              candidates: list[tuple[Rule, Version]], open_amounts: Any,
              adjusts: list[tuple[Rule, Version]], held: list[str], unknown: frozenset[str],
              tr: Tracer | None) -> _Day:
    """After the conditions: refuse, or choose the amount rule and compute the amount."""
    if refused:
        return _Day("refused", citations=_unique(r.cite for r in refused))
    overridden = {o for r, _ in candidates for o in r.overrides}
    chosen = [(r, v) for r, v in candidates if r.id not in overridden]
    for r, _, w in open_amounts:
        if not chosen or any(o in {c.id for c, _ in chosen} for o in r.overrides):
            unknown |= w.names
    if unknown and (chosen or open_amounts):
        return _Day("undetermined", missing=unknown)
    if not chosen:  # no provision gives an amount, whatever the missing facts would say
        cites = _unique(r.cite for r in d.rules if r.role == "amount")
        if tr:
            tr.add("amount", None, None, F, False, citation=", ".join(cites),
                   title="no provision gives an amount for this case")
        return _Day("refused", citations=cites)
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
        return _Day("undetermined", missing=amount.names)
    exprs = [version.expr]
    for r, v in adjusts:
        assert v.expr is not None
        before = amount
        amount = v.expr.evaluate(F, P, {**S, "amount": amount})
        exprs.append(v.expr)
        if tr:
            tr.add("adjust", r, v.expr, F, amount, version=v,
                   note=f"the amount before this adjustment: {before}")
        if isinstance(amount, Unknown):
            return _Day("undetermined", missing=amount.names)
        held.append(r.cite)
    currency = _currency(rb, d, exprs, day) if d.type == "money" else None
    return _Day("granted", amount, currency, _unique([rule.cite, *held]), rule=rule.id)


def _currency(rb: "Rulebook", d: Decision, exprs: list[Expr], day: _dt.date) -> str | None:
    """The currency of the money parameters an amount was computed from (never mixed)."""
    values = tuple(pv for e in exprs for p in e.params if rb.parameters[p].type == "money"
                   for pv in (rb.parameters[p].at(day),) if pv is not None)
    return _one_currency(d, values)


def _names(v: Any) -> frozenset[str]:
    return v.names if isinstance(v, Unknown) else frozenset()


def _when_note(w: Any) -> str | None:
    if isinstance(w, Unknown):
        return f"whether it applies is unknown (missing: {', '.join(sorted(w.names))})"
    return None


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
