"""A loaded rulebook and its one entry point, `evaluate`."""
from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from engine import dates
from engine.errors import CaseError, ErrorList, EvaluationError, Position
from engine.compile.codegen import Compiled
from engine.compile.runner import make_runner
from engine.evaluate.decide import (REINTERPRET, _Reinterpret, no_value_result,
                                   outside_series_result)
from engine.evaluate.facts import Case, Vocabulary
from engine.expr import NOVALUE, NoValue, OutsideSeries
from engine.kinds import DECIMAL_CONTEXT, VALUED
from engine.trace import Tracer
from engine.model import Act, Constraint, Coverage, Decision, Fact, Parameter, Rounding
from engine.result import Result, make_result
from engine.amend.history import known_on
from engine.evaluate.schedule import Schedule, make_schedule
from engine.render.messages import Message, message_of

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
    order: tuple[str, ...] = ()  # every decision after the decisions it reads
    content_hash: str = ""  # sha256 over the sorted relative paths and bytes of its files
    constraints: tuple[Constraint, ...] = field(default=(), repr=False)  # across facts
    as_known_on: _dt.date | None = None  # set on the view `known_on` returns
    compiled: dict[str, Compiled] = field(default_factory=dict, repr=False)  # filled at load
    known_cache: dict = field(default_factory=dict, repr=False)  # as_known_on date -> Rulebook
    vocabulary: Vocabulary = field(init=False, repr=False)
    read_by: frozenset[str] = field(init=False, repr=False)  # decisions others read
    order_asked: tuple[str, ...] = field(init=False, repr=False)  # every id, as declared
    pins: Mapping[str, Any] = field(init=False, repr=False)  # what qualifies every answer
    per_month: bool = field(init=False, repr=False)
    _plans: dict = field(default_factory=dict, repr=False)  # requested ids -> order to decide
    _runners: dict = field(default_factory=dict, repr=False)  # requested ids -> generated run
    cut_cache: dict = field(default_factory=dict, repr=False)  # decision -> its version dates

    # `compiled` is filled once by the loader before the rulebook is returned; the two
    # caches only ever gain entries that are pure functions of their key, and a dict
    # assignment is atomic under the GIL, so concurrent readers see either no entry or
    # a complete one: sharing one Rulebook across threads is safe.

    def __post_init__(self) -> None:
        # read-only views: a caller cannot change what every other caller (and thread) reads
        for name in ("meta", "facts", "parameters", "decisions", "acts"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "vocabulary", Vocabulary(self.facts, self.constraints))
        if not self.order:
            object.__setattr__(self, "order", tuple(self.decisions))
        object.__setattr__(self, "order_asked", tuple(self.decisions))
        object.__setattr__(self, "read_by", frozenset(
            dep for d in self.decisions.values() for dep in d.depends))
        pins: dict[str, Any] = {}
        if self.as_known_on is not None:
            pins["as_known_on"] = self.as_known_on.isoformat()
            day = self.as_known_on  # the acts published after it, whose changes are left out
            pins["acts_left_out"] = sorted(a.id for a in self.acts.values()
                                           if not a.baseline and a.known_from > day)
        if self.content_hash:
            pins["rulebook_hash"] = self.content_hash
        if self.version:
            pins["rulebook_version"] = self.version
        object.__setattr__(self, "pins", pins)
        # some decision is decided per month: answers name the month (`period`)
        object.__setattr__(self, "per_month",
                           any(d.per == "month" for d in self.decisions.values()))

    @property
    def version(self) -> str | None:
        """The consolidated version the rulebook encodes (rulebook.yaml source)."""
        src = self.meta.get("source") if isinstance(self.meta, Mapping) else None
        return src.get("consolidated_version") if isinstance(src, Mapping) else None



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
            ids: tuple[str, ...] = self.order_asked
        else:
            ids = decisions if decisions.__class__ is tuple else tuple(decisions)
            unknown = () if ids in self._plans else [i for i in ids if i not in self.decisions]
            if unknown:
                raise ErrorList([CaseError(Message("unknown decision {i!r}; this rulebook "
                                                   "decides {decisions}", i=i,
                                                   decisions=', '.join(self.decisions)),
                                           field="decision")
                                 for i in unknown])
        F = self.vocabulary.prepare(facts, on_date, case.document if case else None)
        c = _getcontext()
        if c.prec < 28 or c.rounding != _HALF_EVEN or c.traps[_INEXACT] or c.traps[_ROUNDED]:
            # the caller's decimal settings must not change a legal answer: use the engine's
            with decimal.localcontext(_DECIMAL_CONTEXT):
                return self._decide_all(F, on_date, month, ids, trace)
        return self._decide_all(F, on_date, month, ids, trace)

    def _runner(self, ids: tuple[str, ...]) -> Any:
        """The loop below, generated for one plan (engine.compile.runner)."""
        steps, narrow = self.plan(ids)
        return make_runner(steps, ids if narrow else None, {
            "REINTERPRET": REINTERPRET, "NoValue": NoValue, "OutsideSeries": OutsideSeries,
            "NO_VALUE": no_value_result, "OUTSIDE": outside_series_result,
            "NAME_MISSING": _name_missing_facts, "VALUED": VALUED, "NOVALUE": NOVALUE,
            "ARITHMETIC": ARITHMETIC, "OUT_OF_SCALE": out_of_scale})

    def plan(self, ids: tuple[str, ...]) -> tuple[tuple, bool]:
        """The decisions to decide for `ids` (with those they read, in dependency order),
        each as (id, compiled, decision, reads others, read by others), and whether the
        answer must be narrowed or reordered to what was asked."""
        plan = self._plans.get(ids)
        if plan is None:
            need: set[str] = set()
            todo = list(ids)
            while todo:
                i = todo.pop()
                if i not in need:
                    need.add(i)
                    todo.extend(self.decisions[i].depends)
            order = tuple(i for i in self.order if i in need)
            steps = tuple((i, self.compiled[i], self.decisions[i], bool(self.decisions[i].depends),
                           i in self.read_by) for i in order)
            plan = (steps, order != ids)
            self._plans[ids] = plan
        return plan

    def _decide_all(self, F: dict[str, Any], on_date: _dt.date, month: _dt.date | None,
                    ids: tuple[str, ...], trace: bool, three_valued: bool = False,
                    by_day: bool = False, generated: bool = True) -> Result:
        """Decide `ids` on prepared facts `F`. `three_valued` skips the fast mode and
        `by_day` decides a sum day by day, not by segments; `generated=False` runs this
        loop instead of the plan's generated twin (tests compare them all)."""
        warnings: set[str] = set()
        if generated and not (trace or three_valued or by_day):  # the common request
            run = self._runners.get(ids)
            if run is None:
                run = self._runners[ids] = self._runner(ids)
            return Result(self.id, on_date, month, run(F, on_date, month, warnings),
                          warnings, self.pins, self.per_month, self)
        month_start = month or _dt.date(on_date.year, on_date.month, 1)
        results: dict[str, Any] = {}
        steps, narrow = self.plan(ids)
        for i, c, d, reads, read in steps:  # this loop is the hot path
            try:
                try:
                    if three_valued:
                        raise _Reinterpret
                    r = c.fast_traced(F, {"on": on_date, "period_start": month_start}, warnings,
                                      Tracer(F), by_day) if trace else \
                        c.fast(F, {"on": on_date, "period_start": month_start}, warnings, None,
                               by_day)
                except REINTERPRET:  # a fact is missing: decide it three-valued
                    r = c.three_traced(F, {"on": on_date, "period_start": month_start},
                                       warnings, Tracer(F), by_day) if trace else \
                        c.three(F, {"on": on_date, "period_start": month_start}, warnings, None,
                                by_day)
            except NoValue as e:
                r = no_value_result(d, results[e.decision], Tracer(F) if trace else None)
            except OutsideSeries as e:
                r = outside_series_result(d, e, Tracer(F) if trace else None)
            except ARITHMETIC as e:
                raise out_of_scale(d, e) from None
            if reads and r[7]:
                r = _name_missing_facts(r, results)
            results[i] = r
            if read and r.status != "undetermined":  # what the decisions reading it see
                F["status:" + i] = r.status
                if r.status in VALUED:
                    F[i] = r.value
                    if r.currency:
                        F["currency:" + i] = r.currency
                else:
                    F[i] = NOVALUE
            # an undetermined one stays out: its value and status are unknown to a reader,
            # which names its missing facts (_name_missing_facts)
        if narrow:  # report what was asked, in the order asked
            results = {i: results[i] for i in ids}
        return Result(self.id, on_date, month, results, warnings, self.pins, self.per_month,
                      self)


ARITHMETIC = (ArithmeticError, decimal.DecimalException)
"""What the three-valued mode may still raise on a valid case: numbers past the digits
the engine computes exactly (a product of large amounts rounded to cents)."""


def out_of_scale(d: Decision, e: BaseException) -> EvaluationError:
    """The decision's arithmetic left the 28 digits computed exactly: an error naming it
    (never a bare decimal exception, never a silently rounded amount)."""
    return EvaluationError(Message("{id}: the arithmetic went past the 28 digits the engine "
                                   "computes exactly ({name}); the case's amounts or the "
                                   "rule's numbers are out of scale", id=d.id,
                                   name=type(e).__name__), d.position)


def _frozen(v: Any) -> Any:
    """`v` as a read-only view: mappings (nested ones too) as MappingProxyType, lists as
    tuples; anything else as it is (the model's dataclasses are frozen themselves)."""
    if isinstance(v, MappingProxyType):
        return v
    if isinstance(v, dict):
        return MappingProxyType({k: _frozen(x) for k, x in v.items()})
    if isinstance(v, list):
        return tuple(_frozen(x) for x in v)
    return v


def _name_missing_facts(r: Any, results: Mapping[str, Any]) -> Any:
    """A decision undetermined because a decision it reads is: name that one's facts."""
    missing: set[str] = set()
    for name in r.missing_facts:
        dep = results.get(name)
        missing.update(dep.missing_facts if dep is not None else (name,))
    return make_result(r.id, r.status, r.type, r.value, r.currency, r.applicable_date,
                       r.citations, tuple(sorted(missing)), r[8], r[9], r.notes)


_MIN, _MAX = dates.MIN_DATE, dates.MAX_DATE
_DECIMAL_CONTEXT = DECIMAL_CONTEXT


_getcontext, _HALF_EVEN = decimal.getcontext, decimal.ROUND_HALF_EVEN
_INEXACT, _ROUNDED = decimal.Inexact, decimal.Rounded


def _as_date(v: Any, name: str) -> _dt.date:
    try:
        if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
            return dates.check_range(v)
        return dates.parse_date(v)
    except ValueError as e:
        raise ErrorList([CaseError(message_of(e), field=name)]) from None


def _as_month(v: Any) -> _dt.date:
    if v.__class__ is _dt.date:  # the common call: a date (the constructor, not replace())
        return v if v.day == 1 else _dt.date(v.year, v.month, 1)
    if isinstance(v, _dt.datetime):
        raise ErrorList([CaseError(Message("{v!r} is a date-time; give a month YYYY-MM", v=v),
                                   field="period")])
    if isinstance(v, _dt.date):
        return v.replace(day=1)
    try:
        return dates.parse_month(v)
    except ValueError as e:
        raise ErrorList([CaseError(message_of(e), field="period")]) from None
