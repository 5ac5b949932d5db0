"""Month-by-month schedules of the monthly decisions, with totals per currency."""
from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from engine import dates
from engine.errors import CaseError, ErrorList
from engine.result import Result
from engine.model import value_json
from engine.kinds import DECIMAL_CONTEXT
from engine.render.messages import Message, message_of

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Schedule", "make_schedule", "MAX_MONTHS"]

MAX_MONTHS = 1200


@dataclass(frozen=True)
class Schedule:
    """One Result per month, and what was granted summed per decision and currency.

    Amounts in different currencies are never added together: a schedule across the
    change of currency has one total in each currency.
    """

    rulebook: str
    on: _dt.date
    start: _dt.date
    end: _dt.date
    decisions: tuple[str, ...]
    months: tuple[Result, ...]
    parameters: tuple[dict[str, Any], ...]  # per month: parameter -> value in force

    def totals(self) -> dict[str, dict[str, Decimal]]:
        """Per decision and currency, in the engine's arithmetic (not the caller's)."""
        out: dict[str, dict[str, Decimal]] = {d: {} for d in self.decisions}
        with decimal.localcontext(DECIMAL_CONTEXT):
            for month in self.months:
                for d, r in month.decisions.items():
                    if r.amount is not None:
                        cur = r.currency or ""
                        out[d][cur] = out[d].get(cur, Decimal(0)) + r.amount
        return out

    def total(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        with decimal.localcontext(DECIMAL_CONTEXT):
            for per in self.totals().values():
                for cur, amount in per.items():
                    out[cur] = out.get(cur, Decimal(0)) + amount
        return out

    def warnings(self) -> tuple[str, ...]:
        return tuple(sorted({w for m in self.months for w in m.warnings}))

    def as_dict(self, trace: bool = False) -> dict:
        return {
            "rulebook": self.rulebook, "on": self.on.isoformat(),
            "from": _month(self.start), "to": _month(self.end),
            "months": [{"period": m.period, "parameters": p,
                        "decisions": {k: v.as_dict(trace) for k, v in m.decisions.items()}}
                       for m, p in zip(self.months, self.parameters)],
            "totals": {d: {c: str(a) for c, a in t.items()} for d, t in self.totals().items()},
            "total": {c: str(a) for c, a in self.total().items()},
            "warnings": list(self.warnings()),
        }


def make_schedule(rb: "Rulebook", facts: Mapping[str, Any], on: Any, start: Any, end: Any,
                  decisions: Iterable[str] | None = None, trace: bool = False,
                  case: Any = None) -> Schedule:
    first, last = _as_month(start, "from"), _as_month(end, "to")
    if last < first:
        raise ErrorList([CaseError(Message("--to {month} is before --from {month2}",
                                           month=_month(last), month2=_month(first)),
                                   field="to")])
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if count > MAX_MONTHS:
        raise ErrorList([CaseError(Message("a schedule of {count} months is longer than the "
                                           "limit of {MAX_MONTHS}", count=count,
                                           MAX_MONTHS=MAX_MONTHS), field="to")])
    ids = tuple(decisions) if decisions is not None else tuple(
        i for i, d in rb.decisions.items() if d.per == "month")
    once = [i for i in ids if i in rb.decisions and rb.decisions[i].per != "month"]
    if once:
        raise ErrorList([CaseError(Message("{i!r} is decided once, on its applicable date, not "
                                           "month by month: leave it out of a schedule", i=i),
                                   field="decision")
                         for i in once])
    months, params = [], []
    month = first
    for _ in range(count):
        if case is not None:
            r = rb.evaluate_case(case, on=on, period=month, decisions=ids, trace=trace)
        else:
            r = rb.evaluate(facts, on=on, period=month, decisions=ids, trace=trace)
        months.append(r)
        params.append(_parameters_used(rb, r))
        month = dates.add_months(month, 1)
    return Schedule(rb.id, months[0].on, first, last, ids, tuple(months), tuple(params))


def _parameters_used(rb: "Rulebook", r: Result) -> dict[str, Any]:
    """The parameter values the month's answers were computed with."""
    out: dict[str, Any] = {}
    for d_id, res in r.decisions.items():
        if res.value is None or res.applicable_date is None:
            continue
        for name in rb.decisions[d_id].params:
            pv = rb.parameters[name].at(res.applicable_date)
            if pv is not None:
                out[name] = {"value": value_json(pv.value), "currency": pv.currency,
                             "effective_from": pv.start.isoformat()}
    return out


def _as_month(v: Any, name: str) -> _dt.date:
    if isinstance(v, _dt.datetime):  # a date-time would meet dates in comparisons
        raise ErrorList([CaseError(Message("{v!r} is a date-time; give a month YYYY-MM or a date",
                                           v=v),
                                   field=name)])
    if isinstance(v, _dt.date):
        if not dates.MIN_DATE <= v <= dates.MAX_DATE:
            raise ErrorList([CaseError(Message("{v} is outside the supported range", v=v),
                                       field=name)])
        return v.replace(day=1)
    try:
        return dates.parse_month(v)
    except ValueError as e:
        raise ErrorList([CaseError(message_of(e), field=name)]) from None


def _month(d: _dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"
