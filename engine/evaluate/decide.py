"""What follows the rules of a decision: choosing the value, rounding, the answer.

The rules themselves are applied by code generated per decision
(`engine.compile.codegen`), in a fast and a three-valued mode; the pieces here are
shared by every mode, so both give the same answers and traces.

The order of precedence is fixed and documented in rules/README.md:
not_applicable, then undetermined for an unknown applicable date, not_covered,
refused (any condition false or exception established, even when other facts are
missing; for a computed decision: not_applicable citing the rule), undetermined (a
needed fact is missing), granted (determined).
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal, DecimalException
from typing import TYPE_CHECKING, Any, Callable, Mapping

from engine.compile.segments import cut_points
from engine.errors import CaseError, ErrorList, EvaluationError
from engine.expr import FALLBACK, NOVALUE, NoValue, OutsideSeries, Unknown
from engine.expr.helpers import CITES
from engine.kinds import KINDS, VALUED
from engine.model import Decision, Rule
from engine.result import DecisionResult, make_result
from engine.trace import Step, Tracer
from engine.render.messages import Message

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Day", "helpers", "REINTERPRET", "NoValue", "NOVALUE", "no_value_result"]

EMPTY: frozenset[str] = frozenset()
_NO_PARAMS: Mapping[str, Any] = {}


class Day:
    """What the rules decide on one selecting date: status, unrounded value, reasons."""

    __slots__ = ("status", "value", "currency", "citations", "missing", "rule")

    def __init__(self, status: str, value: Any = None, currency: str | None = None,
                 citations: tuple[str, ...] = (), missing: frozenset[str] = EMPTY,
                 rule: str | None = None):
        self.status, self.value, self.currency = status, value, currency
        self.citations, self.missing, self.rule = citations, missing, rule

    def key(self) -> tuple:
        return (self.status, self.value, self.currency, self.citations, self.missing, self.rule)


class _Reinterpret(Exception):
    """The fast path met a case it leaves to the three-valued mode."""


REINTERPRET = (*FALLBACK, _Reinterpret, ArithmeticError, DecimalException, ValueError,
               OverflowError)
"""What the fast mode may raise: decide the case again in the three-valued mode."""


def _result(d: Decision, status: str, tr: Tracer | None, applicable: _dt.date | None = None,
            citations: tuple[str, ...] = (), missing: frozenset[str] = EMPTY,
            value: Any = None, currency: str | None = None) -> DecisionResult:
    return make_result(d.id, status, d.type, value, currency, applicable, citations,
                       tuple(sorted(missing)) if missing else (),
                       tr.steps if tr else None, tr.facts if tr else None)


def _not_applies(d: Decision, a: Any, tr: Tracer | None) -> DecisionResult:
    if a is False:
        return _result(d, "not_applicable", tr)
    return _result(d, "undetermined", tr, missing=_names(a))


def _unknown_date(d: Decision, day: Any, tr: Tracer | None) -> DecisionResult:
    return _result(d, "undetermined", tr, citations=(d.applicable_date.cite,),
                   missing=_names(day))


def _unknown_day(d: Decision, day: Any) -> Day:
    return Day("undetermined", citations=(d.applicable_date.cite,), missing=_names(day))


def _outside_coverage(rb: "Rulebook", day: _dt.date, tr: Tracer | None) -> Day:
    if tr:
        cov = rb.coverage
        tr.add("coverage", None, None, False, None,
               f"{day} is outside {cov.describe()}: no rule version is in force",
               title="is the applicable date within the rulebook's coverage?")
    return Day("not_covered")


def _no_parameter(name: str, day: _dt.date, tr: Tracer | None) -> Day:
    if tr:
        tr.add("parameter", None, None, False, None, f"no value of {name} is in force on {day}",
               title=f"{name} on {day}")
    return Day("not_covered")


def _no_version(rule: Rule, day: _dt.date, tr: Tracer | None) -> Day:
    if tr:
        tr.add("version", rule, None, False, None,
               f"no version of {rule.cite} ({rule.id}) is in force on {day}")
    return Day("not_covered")


def _past_verified(rb: "Rulebook") -> str:
    return Message("evaluated past {verified}, the date through which the rulebook was last "
                   "verified", verified=rb.verified_through)


def _fast_ev(e: Any, F: Mapping[str, Any], P: Mapping[str, Any], S: Mapping[str, Any]) -> Any:
    return e.fn(F, P, S)


def _three_ev(e: Any, F: Mapping[str, Any], P: Mapping[str, Any], S: Mapping[str, Any]) -> Any:
    return e.evaluate(F, P, S)


def _conclude(rb: "Rulebook", d: Decision, F: Mapping[str, Any], P: Mapping[str, Any],
              S: dict[str, Any], day: _dt.date, refused: list[Rule], values: list,
              opens: list, adjusts: list, unknown: frozenset[str], tr: Tracer | None,
              ev: Callable) -> Day:
    """After the conditions: refuse, or choose the value rule and compute the value.

    Citations are minimal: a refusal cites the rules that refused; a value cites the
    rule that gave it and each adjustment that changed it.
    """
    if refused:
        return Day(d.no, citations=_unique(r.cite for r in refused))
    if len(values) == 1 and not opens:
        chosen = values
    else:
        overridden = {o for r, _ in values for o in r.overrides}
        chosen = [(r, v) for r, v in values if r.id not in overridden]
        chosen_ids = {c.id for c, _ in chosen}
        for r, _, w in opens:
            if not chosen or any(o in chosen_ids for o in r.overrides):
                unknown = unknown | w.names
    if unknown and (chosen or opens):
        if len(chosen) == 1:  # the value and its adjustments may miss more: name them too
            unknown = unknown | _missing_in(chosen[0], adjusts, F, P, S, ev, tr)
        return Day("undetermined", missing=unknown)
    if not chosen:  # no provision gives a value, whatever the missing facts would say
        cites = _unique(r.cite for r in d.rules if r.role == "value")
        if tr:
            tr.add("value", None, None, False, citation=", ".join(cites),
                   title="no provision gives a value for this case")
        return Day(d.no, citations=cites)
    if len(chosen) > 1:
        raise EvaluationError(
            Message("{id}: value rules {items} all apply and none overrides the others; add "
                    "'overrides' to say which prevails", id=d.id,
                    items=', '.join(r.id for r, _ in chosen)), d.position)
    rule, version = chosen[0]
    S.pop(CITES, None)  # what cite() named while the conditions were decided is not cited
    value = ev(version.expr, F, P, S)
    if tr:
        tr.add("value", rule, version.expr, value, version, ctx=(P, {**S}))
    if isinstance(value, Unknown):
        return Day("undetermined", missing=_missing_after(value, adjusts, F, P, S, ev, tr))
    if value is None:  # `x if c else None`: here the rule gives no such value
        return Day(d.no, citations=(rule.cite,))
    kind = KINDS[d.type]
    if kind.fields:
        nulls = [k for k, v in value.items() if v is None and k not in kind.nullable]
        if nulls:
            raise EvaluationError(Message("{id}: {id2} gives no {nulls}, which a {name} must have",
                                          id=d.id, id2=rule.id, nulls=', '.join(nulls),
                                          name=kind.name), rule.position)
    cited = [rule.cite, *S.pop(CITES, ())]  # the rule, then what its value's cite() named
    exprs = [version.expr]
    for k, (r, v) in enumerate(adjusts):
        before = value
        scope = {**S, "value": value}
        value = ev(v.expr, F, P, scope)
        exprs.append(v.expr)
        if tr:
            tr.add("adjust", r, v.expr, value, v, f"the value before this adjustment: {before}",
                   ctx=(P, scope))
        if isinstance(value, Unknown):
            return Day("undetermined",
                       missing=_missing_after(value, adjusts[k + 1:], F, P, S, ev, tr))
        if value != before:
            cited.extend((r.cite, *scope.get(CITES, ())))
    if d.values and value not in d.values:
        raise EvaluationError(Message("{id}: {value!r} is not one of its values {values}", id=d.id,
                                      value=value, values=', '.join(d.values)), rule.position)
    currency = _currency(rb, d, exprs, day, F) if KINDS[d.type].money else None
    return Day(d.yes, value, currency, _unique(cited), rule=rule.id)


_GATHERING_STOPS = (NoValue, OutsideSeries, EvaluationError, ArithmeticError, DecimalException,
                    ValueError)
"""What ends the gathering of missing names early: the answer stays undetermined with the
names found so far (an error or a no-value met on the way is not the answer's to give)."""


def _missing_in(chosen: tuple[Rule, Any], adjusts: list, F: Mapping[str, Any], P: Mapping[str, Any],
                S: Mapping[str, Any], ev: Callable, tr: Tracer | None) -> frozenset[str]:
    """The facts the chosen value rule and the adjustments miss, when the decision is
    already undetermined by a condition: evaluated only to name every missing fact."""
    rule, version = chosen
    try:
        value = ev(version.expr, F, P, {**S})
    except _GATHERING_STOPS:
        return EMPTY
    if tr:
        tr.add("value", rule, version.expr, value, version,
               "evaluated to name every missing fact: the decision is undetermined")
    return _missing_after(value, adjusts, F, P, S, ev, tr)


def _missing_after(value: Any, adjusts: list, F: Mapping[str, Any], P: Mapping[str, Any],
                   S: Mapping[str, Any], ev: Callable, tr: Tracer | None) -> frozenset[str]:
    """The names an unknown `value` carries, with those the adjustments still to apply
    miss: an unknown value does not hide the other missing facts."""
    names = value.names if isinstance(value, Unknown) else EMPTY
    for r, v in adjusts:
        try:
            value = ev(v.expr, F, P, {**S, "value": value})
        except _GATHERING_STOPS:
            break
        if tr:
            tr.add("adjust", r, v.expr, value, v,
                   "evaluated to name every missing fact: the value is unknown")
        if isinstance(value, Unknown):
            names = names | value.names
    return names


def _currency(rb: "Rulebook", d: Decision, exprs: list, day: _dt.date,
              F: Mapping[str, Any]) -> str | None:
    """The currency of the money parameters and money decisions a value was computed from
    (never mixed), or the one the decision or the rulebook declares."""
    found = {pv.currency for e in exprs for p in e.params if rb.parameters[p].carries_currency
             for pv in (rb.parameters[p].at(day),) if pv is not None and pv.currency}
    found.update(c for e in exprs for dep in e.decisions
                 for c in (F.get("currency:" + dep),) if c)
    if len(found) > 1:
        raise EvaluationError(Message("{id}: the value mixes currencies {sorted}", id=d.id,
                                      sorted=sorted(found)),
                              d.position)
    return found.pop() if found else d.currency


def _round_money(rb: "Rulebook", amount: Any, tr: Tracer | None) -> Decimal:
    q = rb.rounding.quantum
    rounded = (amount if amount.__class__ is Decimal else Decimal(amount)).quantize(
        q, rounding=rb.rounding.mode)
    if tr:
        tr.add("rounding", None, None, rounded, None,
               f"{amount} rounded to {q} ({rb.rounding.mode})", title="rounded once")
    return rounded


def _finish(rb: "Rulebook", d: Decision, value: Any, tr: Tracer | None) -> Any:
    """The final rounding of a value, as its kind defines it."""
    if d.type == "money":
        return _round_money(rb, value, tr)
    if d.type == "range":
        return {**value, "min": _round_money(rb, value["min"], tr),
                "max": _round_money(rb, value["max"], tr)}
    return value


def _not_covered(rb: "Rulebook", d: Decision, day: _dt.date, tr: Tracer | None) -> DecisionResult:
    _outside_coverage(rb, day, tr)
    return _result(d, "not_covered", tr, day)


def _event_result(rb: "Rulebook", d: Decision, out: Day, day: _dt.date,
                  tr: Tracer | None) -> DecisionResult:
    if tr is None and d.type == "money" and out.status in VALUED:  # the common answer
        return make_result(d.id, out.status, "money", _round_money(rb, out.value, None),
                           out.currency, day, out.citations, (), None, None)
    if out.status not in VALUED:
        return _result(d, out.status, tr, day if out.status != "not_applicable" or
                       out.citations else None, out.citations, out.missing)
    return _result(d, out.status, tr, day, out.citations, value=_finish(rb, d, out.value, tr),
                   currency=out.currency)


MAX_SUM_DAYS = 36_525  # a sum over days spans at most 100 years: more is a case error


def _sum_result(rb: "Rulebook", d: Decision, F: Mapping[str, Any], S: dict[str, Any],
                W: set[str], tr: Tracer | None, each_day: Callable,
                by_day: bool = False) -> DecisionResult:
    """Decide `d` for each day of its range and add each day's share.

    Days are decided once per segment between the points where an outcome can change
    (engine.compile.segments); with `by_day`, or no plan, every day. A day outside the
    coverage makes the answer not_covered and an undetermined day undetermined: a
    partial sum would be a silently wrong answer. A refusal on some days (a time limit)
    is cited after the rules that gave the value: it changed the sum.
    """
    spec = d.sum
    assert spec is not None
    start = spec.start.evaluate(F, _NO_PARAMS, S)
    if isinstance(start, Unknown):
        return _result(d, "undetermined", tr, citations=(spec.cite,), missing=start.names)
    end = spec.end.evaluate(F, _NO_PARAMS, S)
    if isinstance(end, Unknown):
        return _unknown_end(d, F, S, W, tr, each_day, start, end)
    if tr:
        tr.add("sum", None, spec.start, f"{start}..{end}", None, spec.reading,
               spec.cite, f"the days summed: {spec.start.source} .. {spec.end.source}")
    if end < start:  # no day in the range
        if spec.empty_cite is None:
            return _result(d, d.no, tr, start, (spec.cite,))
        day = spec.empty_date.evaluate(F, _NO_PARAMS, S) if spec.empty_date else start
        day = start if isinstance(day, Unknown) else day
        zero = rb.rounding.quantum * 0 if KINDS[d.type].money else \
            (Decimal(0) if d.type == "decimal" else 0)
        if tr:
            tr.add("sum", None, None, zero, None, spec.empty_reading, spec.empty_cite,
                   f"no day from {start} to {end}: nothing to add")
        return _result(d, d.yes, tr, day, (spec.empty_cite,), value=zero,
                       currency=(d.currency or rb.meta.get("currency")) if KINDS[d.type].money
                       else None)
    count = (end - start).days + 1
    if count > MAX_SUM_DAYS:
        raise ErrorList([CaseError(Message("{id}: the range {start}..{end} is {count} days "
                                           "long; the limit is {MAX_SUM_DAYS} days (100 years)",
                                           id=d.id, start=start, end=end, count=count,
                                           MAX_SUM_DAYS=MAX_SUM_DAYS), field=d.id)])
    plan = None if by_day else spec.plan
    one = _dt.timedelta(days=1)
    if plan is None:
        firsts = [start + one * n for n in range(count)]
    else:
        firsts = cut_points(plan, F, S, start, end, _version_dates(rb, d))
    return _sum_segments(rb, d, F, S, W, tr, each_day, firsts, start, end, count,
                         plan is not None)


def _sum_segments(rb: "Rulebook", d: Decision, F: Mapping[str, Any], S: dict[str, Any],
                  W: set[str], tr: Tracer | None, each_day: Callable, firsts: list[_dt.date],
                  start: _dt.date, end: _dt.date, count: int, planned: bool) -> DecisionResult:
    """The sum of `d` over start..end (`count` days) decided once on each of `firsts`, the
    first days of its segments: runs of alike days merged, their shares added, the total
    rounded once. The compiled fast path (engine.compile.codegen) writes this loop out
    for its decision, and ends in the same `_sum_end`."""
    spec = d.sum
    assert spec is not None
    yes = d.yes
    one = _dt.timedelta(days=1)
    segments: list[tuple[_dt.date, _dt.date, Day, Any]] = []
    heads: list[int] = []  # index of each segment's step in the trace
    n = len(firsts)
    for k, first in enumerate(firsts):
        last = firsts[k + 1] - one if k + 1 < n else end
        S["day"] = first
        day_tr = Tracer(F) if tr else None
        out = each_day(F, S, W, day_tr)
        if k == 0:  # the sum's applicable date: the selecting date of its first day
            selected = S.get("applicable_date", start)
        # the share of one day: two runs of alike days merge only if it is the same
        share = _share(spec, out, F, S, 1) if out.status == yes else None
        if share.__class__ is Unknown:
            out, share = Day("undetermined", missing=share.names), None
        if segments and segments[-1][3] == share and _alike(segments[-1][2], out):
            segments[-1] = (segments[-1][0], last, out, share)
        else:
            segments.append((first, last, out, share))
            if tr and day_tr:
                heads.append(len(tr.steps))
                tr.steps.append(None)
                tr.steps.extend(day_tr.steps)
        if tr and heads:
            f0, l0, o0, _ = segments[-1]
            tr.steps[heads[-1]] = _segment_step(f0, l0, o0)
    if tr:
        tr.add("decided", None, None, n, None,
               f"the rules were decided on {n} of the {count} day(s): once per run "
               "of days whose outcome cannot differ" if planned else
               f"the rules were decided on each of the {count} day(s)",
               title="days decided")
    return _sum_end(rb, d, F, S, tr, selected, segments)


def _sum_end(rb: "Rulebook", d: Decision, F: Mapping[str, Any], S: dict[str, Any],
             tr: Tracer | None, selected: _dt.date,
             segments: list[tuple[_dt.date, _dt.date, Day, Any]]) -> DecisionResult:
    """The answer from the merged segments (first, last, Day, share of one day): the
    status that prevails, and for a value the runs' shares added and rounded once. The
    generated fast path's twin of the loop above ends here too."""
    spec = d.sum
    assert spec is not None
    yes, no = d.yes, d.no
    statuses = {o.status for _, _, o, _ in segments}
    for status in ("undetermined", "not_covered", yes, no):
        if status in statuses:
            break
    else:
        return _result(d, "not_applicable", tr, selected)
    S["day"] = segments[0][0]
    if status != yes:
        cites = _unique(c for _, _, o, _ in segments if o.status == status for c in o.citations)
        missing = frozenset().union(*(o.missing for _, _, o, _ in segments))
        return _result(d, status, tr, selected, cites, missing)
    total: Any = 0
    currencies = set()
    for first, last, o, unit in segments:
        if o.status != yes:
            continue
        days = (last - first).days + 1
        # the share of the whole run of alike days at once (value × days / ... ), so the
        # sum is exact where the law's arithmetic is: never a sum of rounded day shares
        # (a run of one day: its share is the one worked out above, on the same day)
        S["day"] = first
        part = unit if days == 1 else _share(spec, o, F, S, days)
        total += part
        currencies.add(o.currency)
        if tr:
            tr.add_step(Step("share", spec.cite, o.rule, f"{first}..{last}",
                             spec.each.source if spec.each else None, (), (), part,
                             note=f"{days} day(s): {part}"))
    if len(currencies) > 1:
        raise EvaluationError(Message("{id}: the sum mixes currencies {sorted}", id=d.id,
                                      sorted=sorted(map(str, currencies))), d.position)
    if len(segments) == 1:
        cites = segments[0][2].citations
    else:
        cites = _unique([*(c for _, _, o, _ in segments if o.status == yes for c in o.citations),
                         *(c for _, _, o, _ in segments if o.status == no for c in o.citations)])
    return _result(d, yes, tr, selected, cites, value=_finish(rb, d, total, tr),
                   currency=currencies.pop())


def _alike(a: Day, b: Day) -> bool:
    """Two days decided alike (Day.key() equal), field by field: no tuples built."""
    return a.status == b.status and a.value == b.value and a.currency == b.currency \
        and a.citations == b.citations and a.missing == b.missing and a.rule == b.rule


def _unknown_end(d: Decision, F: Mapping[str, Any], S: dict[str, Any], W: set[str],
                 tr: Tracer | None, each_day: Callable, start: _dt.date,
                 end: Unknown) -> DecisionResult:
    """The range's start is known, its end is not: the sum is undetermined, naming the
    end's facts and those its first day misses too (so every missing name is listed),
    or not_covered when no law in force decides its first day."""
    spec = d.sum
    assert spec is not None
    S["day"] = start
    day_tr = Tracer(F) if tr else None
    out = each_day(F, S, W, day_tr)
    selected = S.get("applicable_date", start)
    if tr and day_tr:
        tr.add("sum", None, spec.end, f"{start}..?", None,
               f"the end of the range ({spec.end.source}) is unknown (missing: "
               f"{', '.join(sorted(end.names))}): the first day, {start}, is decided to name "
               "every missing fact", spec.cite, "the days summed")
        tr.add_step(_segment_step(start, start, out))
        tr.steps.extend(day_tr.steps)
    if out.status == "not_covered":
        return _result(d, "not_covered", tr, selected)
    return _result(d, "undetermined", tr, citations=(spec.cite,),
                   missing=end.names | out.missing)


def _share(spec: Any, out: Day, F: Mapping[str, Any], S: dict[str, Any], days: int) -> Any:
    """The share of `days` alike days from the first of them (S['day']): `each` of the
    day's value and the number of days, or the value × days."""
    if spec.each is None:
        return out.value * days
    return spec.each.evaluate(F, _NO_PARAMS, {**S, "value": out.value, "days": days})


def _version_dates(rb: "Rulebook", d: Decision) -> tuple[_dt.date, ...]:
    """Where a rule version or parameter value of `d` begins or ends, and the coverage:
    sorted, worked out once per rulebook and decision."""
    cached = rb.cut_cache.get(d.id)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    one = _dt.timedelta(days=1)
    out = [rb.coverage.start, rb.coverage.end + one]
    for r in (d.applicable_date, *d.rules):
        for v in r.versions:
            out.extend((v.start, v.end + one))
    for name in d.params:
        out.extend(pv.start for pv in rb.parameters[name].values)
    dates = rb.cut_cache[d.id] = tuple(sorted(set(out)))
    return dates


def _segment_step(first: _dt.date, last: _dt.date, out: Day) -> Step:
    days = (last - first).days + 1
    return Step("segment", None, out.rule, f"days {first}..{last} ({days} day(s))", None, (), (),
                out.status, note="each day of the segment is decided alike; the steps follow")


def no_value_result(d: Decision, dep: DecisionResult, tr: Tracer | None) -> DecisionResult:
    """`d` read the value of `dep`, which has none: `d` takes its declared status, or is
    not_covered when `dep` is (no law in force says what it would be)."""
    status = "not_covered" if dep.status == "not_covered" else d.no_value
    note = f"{d.id} reads the value of {dep.id}, which is {dep.status}: {d.id} is {status}"
    if tr:
        tr.add("dependency", None, None, status, None, note, title=f"the value of {dep.id}")
    return make_result(d.id, status, d.type, None, None, dep.applicable_date, dep.citations, (),
                       tr.steps if tr else None, tr.facts if tr else None, (note,))


def outside_series_result(d: Decision, e: Any, tr: Tracer | None) -> DecisionResult:
    """`d` read a parameter on a date no value of it covers: not_covered, never a guess."""
    note = f"{d.id} reads {e.name} on {e.day}, when no value of it is in force"
    if tr:
        tr.add("parameter", None, None, False, None, note, title=f"{e.name} on {e.day}")
    return make_result(d.id, "not_covered", d.type, None, None, None, (), (),
                       tr.steps if tr else None, tr.facts if tr else None, (note,))


def _names(v: Any) -> frozenset[str]:
    return v.names if isinstance(v, Unknown) else EMPTY


def _when_note(w: Any) -> str | None:
    if isinstance(w, Unknown):
        return f"whether it applies is unknown (missing: {', '.join(sorted(w.names))})"
    return None


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def helpers() -> dict[str, Any]:
    """The pieces compiled decisions call (see engine.compile.codegen)."""
    return {"NOT_APPLIES": _not_applies, "NOT_COVERED": _not_covered,
            "CURRENCY": _currency, "ROUND_MONEY": _round_money, "UNKNOWN_DATE": _unknown_date,
            "UNKNOWN_DAY": _unknown_day, "EVENT_RESULT": _event_result,
            "SUM_RESULT": _sum_result, "SUM_SEGMENTS": _sum_segments, "SUM_END": _sum_end,
            "ALIKE": _alike,
            "VERSION_DATES": _version_dates, "MAX_SUM_DAYS": MAX_SUM_DAYS,
            "OUTSIDE_COVERAGE": _outside_coverage,
            "NO_PARAMETER": _no_parameter, "NO_VERSION": _no_version,
            "PAST_VERIFIED": _past_verified, "CONCLUDE": _conclude, "NAMES": _names,
            "WHEN_NOTE": _when_note, "EMPTY": EMPTY, "FAST_EV": _fast_ev,
            "THREE_EV": _three_ev}
