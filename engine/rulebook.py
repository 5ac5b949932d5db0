"""A loaded rulebook and its one entry point, `evaluate`."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from . import dates
from .errors import CaseError, ErrorList, Position
from .evaluator import evaluate_decision
from .facts import Case, prepare_facts
from .model import Coverage, Decision, Fact, Parameter, Rounding
from .result import Result

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

    def evaluate(self, facts: Mapping[str, Any], on: _dt.date | str,
                 period: _dt.date | str | None = None,
                 decisions: Iterable[str] | None = None, trace: bool = False) -> Result:
        """Decide every decision (or those named) for `facts` on date `on`.

        Args:
            facts: nested or flat (`"child.birth_date"`) facts in the rulebook's vocabulary.
            on: the evaluation date (a `date` or `YYYY-MM-DD`).
            period: the month asked about for monthly decisions (`YYYY-MM`); default: `on`'s.
            decisions: ids to decide; default: all, in the order of decisions.yaml.
            trace: record the explanation of each decision.

        Raises:
            ErrorList: of CaseError, for unknown facts, wrong types or bad dates.
        """
        return self._evaluate(facts, on, period, decisions, trace, None)

    def evaluate_case(self, case: Case, on: _dt.date | None = None,
                      period: _dt.date | str | None = None,
                      decisions: Iterable[str] | None = None, trace: bool = False) -> Result:
        """Evaluate a case read by `read_case`, errors pointing into its file."""
        return self._evaluate(case.facts, on or case.on, period or case.period, decisions,
                              trace, case)

    def _evaluate(self, facts: Mapping[str, Any], on: Any, period: Any,
                  decisions: Iterable[str] | None, trace: bool, case: Case | None) -> Result:
        on_date = _as_date(on, "on")
        month = _as_month(period, on_date)
        ids = list(self.decisions) if decisions is None else list(decisions)
        unknown = [i for i in ids if i not in self.decisions]
        if unknown:
            raise ErrorList([CaseError(f"unknown benefit {i!r}; this rulebook decides "
                                       f"{', '.join(self.decisions)}", field="benefit")
                             for i in unknown])
        F = prepare_facts(self.facts, facts, on_date, case.document if case else None)
        warnings: set[str] = set()
        results = {i: evaluate_decision(self, self.decisions[i], F, on_date, month, trace,
                                          warnings)
                   for i in ids}
        return Result(self.id, on_date, f"{month.year:04d}-{month.month:02d}", results,
                      tuple(sorted(warnings)))


def _as_date(v: Any, name: str) -> _dt.date:
    try:
        if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
            return dates.check_range(v)
        return dates.parse_date(v)
    except ValueError as e:
        raise ErrorList([CaseError(str(e), field=name)]) from None


def _as_month(v: Any, on: _dt.date) -> _dt.date:
    if v is None:
        return on.replace(day=1)
    if isinstance(v, _dt.date):
        return v.replace(day=1)
    try:
        return dates.parse_month(v)
    except ValueError as e:
        raise ErrorList([CaseError(str(e), field="period")]) from None
