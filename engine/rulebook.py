"""A loaded rulebook and its one entry point, `evaluate`."""
from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from engine import dates
from engine.errors import CaseError, ErrorList, Position
from engine.evaluate.decide import REINTERPRET, Tracer, interpret_decision
from engine.evaluate.facts import Case, Vocabulary
from engine.model import Act, Coverage, Decision, Fact, Parameter, Rounding
from engine.result import Result
from engine.amend.history import known_on
from engine.evaluate.schedule import Schedule, make_schedule

__all__ = ["Rulebook"]


@dataclass(frozen=True, eq=False)
class Rulebook:
    """A compiled rulebook. Immutable: share one across threads freely."""

    id: str
    title: str
    root: str
    meta: Mapping[str, Any] = field(repr=False)
    coverage: Coverage
    rounding: Rounding
    facts: Mapping[str, Fact] = field(repr=False)
    parameters: Mapping[str, Parameter] = field(repr=False)
    decisions: Mapping[str, Decision] = field(repr=False)
    position: Position = field(repr=False)
    acts: Mapping[str, Act] = field(default_factory=dict, repr=False)
    baseline_act: str | None = None
    verified_through: _dt.date | None = None
    fast: dict[str, tuple] = field(default_factory=dict, repr=False)  # compiled at load
    known_cache: dict = field(default_factory=dict, repr=False)  # as_known_on date -> Rulebook
    vocabulary: Vocabulary = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocabulary", Vocabulary(self.facts))

    def evaluate(self, facts: Mapping[str, Any], on: _dt.date | str,
                 period: _dt.date | str | None = None,
                 decisions: Iterable[str] | None = None, trace: bool = False,
                 as_known_on: _dt.date | str | None = None) -> Result:
        """Decide every decision (or those named) for `facts` on date `on`.

        Args:
            facts: nested or flat (`"child.birth_date"`) facts in the rulebook's vocabulary.
            on: the evaluation date (a `date` or `YYYY-MM-DD`).
            period: the month asked about for monthly decisions (`YYYY-MM`); default: `on`'s.
            decisions: ids to decide; default: all, in the order of decisions.yaml.
            trace: record the explanation of each decision.
            as_known_on: decide with only the acts published by this date (the answer a
                caseworker could have given then); default: everything the rulebook knows.

        Raises:
            ErrorList: of CaseError, for unknown facts, wrong types or bad dates.
        """
        if as_known_on is not None:
            return self.known_on(as_known_on)._evaluate(facts, on, period, decisions, trace,
                                                        None)
        return self._evaluate(facts, on, period, decisions, trace, None)

    def known_on(self, day: _dt.date | str) -> "Rulebook":
        """This rulebook as known on `day`: acts published later are left out."""
        return known_on(self, _as_date(day, "as_known_on"))

    def schedule(self, facts: Mapping[str, Any], on: _dt.date | str, start: _dt.date | str,
                 end: _dt.date | str, decisions: Iterable[str] | None = None,
                 trace: bool = False) -> Schedule:
        """Decide the monthly decisions (or those named) for every month from start to end.

        `start` and `end` are months (`YYYY-MM` or a date in the month), both included.
        """
        return make_schedule(self, facts, on, start, end, decisions, trace)

    def schedule_case(self, case: Case, start: _dt.date | str, end: _dt.date | str,
                      on: _dt.date | None = None, decisions: Iterable[str] | None = None,
                      trace: bool = False) -> Schedule:
        """`schedule` for a case read by `read_case`, errors pointing into its file."""
        return make_schedule(self, case.facts, on or case.on, start, end, decisions, trace,
                             case)

    def evaluate_case(self, case: Case, on: _dt.date | None = None,
                      period: _dt.date | str | None = None,
                      decisions: Iterable[str] | None = None, trace: bool = False,
                      as_known_on: _dt.date | str | None = None) -> Result:
        """Evaluate a case read by `read_case`, errors pointing into its file."""
        if as_known_on is not None:
            return self.known_on(as_known_on).evaluate_case(case, on, period, decisions, trace)
        return self._evaluate(case.facts, on or case.on, period or case.period, decisions,
                              trace, case)

    def _evaluate(self, facts: Mapping[str, Any], on: Any, period: Any,
                  decisions: Iterable[str] | None, trace: bool, case: Case | None) -> Result:
        on_date = on if type(on) is _dt.date and _MIN <= on <= _MAX else _as_date(on, "on")
        month = None if period is None else _as_month(period)
        if decisions is None:
            ids: Iterable[str] = self.decisions
        else:
            ids = decisions if isinstance(decisions, tuple) else tuple(decisions)
            unknown = [i for i in ids if i not in self.decisions]
            if unknown:
                raise ErrorList([CaseError(f"unknown benefit {i!r}; this rulebook decides "
                                           f"{', '.join(self.decisions)}", field="benefit")
                                 for i in unknown])
        F = self.vocabulary.prepare(facts, on_date, case.document if case else None)
        c = decimal.getcontext()
        if c.prec < 28 or c.rounding != decimal.ROUND_HALF_EVEN or c.traps[decimal.Inexact] \
                or c.traps[decimal.Rounded]:
            # the caller's decimal settings must not change a legal answer: use the engine's
            with decimal.localcontext(_DECIMAL_CONTEXT):
                return self._decide_all(F, on_date, month, ids, trace)
        return self._decide_all(F, on_date, month, ids, trace)

    def _decide_all(self, F: dict[str, Any], on_date: _dt.date, month: _dt.date | None,
                    ids: Iterable[str], trace: bool) -> Result:
        warnings: set[str] = set()
        results = {}
        fast = self.fast
        for i in ids:  # the compiled fast path first, inlined: this loop is the hot path
            f = fast.get(i)
            if f is not None:
                try:
                    results[i] = f[1](F, on_date, warnings, Tracer(F)) if trace \
                        else f[0](F, on_date, warnings, None)
                    continue
                except REINTERPRET:
                    pass
            results[i] = interpret_decision(self, self.decisions[i], F, on_date, month, trace,
                                            warnings)
        return Result(self.id, on_date, month, results, warnings)


_MIN, _MAX = dates.MIN_DATE, dates.MAX_DATE
_DECIMAL_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN,
                                   traps=[decimal.InvalidOperation, decimal.DivisionByZero,
                                          decimal.Overflow])


def _as_date(v: Any, name: str) -> _dt.date:
    try:
        if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
            return dates.check_range(v)
        return dates.parse_date(v)
    except ValueError as e:
        raise ErrorList([CaseError(str(e), field=name)]) from None


def _as_month(v: Any) -> _dt.date:
    if isinstance(v, _dt.datetime):
        raise ErrorList([CaseError(f"{v!r} is a date-time; give a month YYYY-MM",
                                   field="period")])
    if isinstance(v, _dt.date):
        return v.replace(day=1)
    try:
        return dates.parse_month(v)
    except ValueError as e:
        raise ErrorList([CaseError(str(e), field="period")]) from None
