"""The decisive path of a decision: the steps that decided its status and its amount.

The full trace records every step the evaluator took; a reader first wants the few
that decided: the applicable date, the conditions that refused (or the exceptions
established), the facts still missing, the rule that gave the value with its
adjustments and rounding, and for a sum over days one table of the segments. Every
other condition is only counted (held, not established). Selection reads step kinds
and outcomes only, so it is the same for every rulebook.

    from engine.render.concise import concise_trace
    concise_trace(result["child_benefit"])    # JSON-friendly: a list of dicts
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.expr import Unknown
from engine.result import DecisionResult, Step

__all__ = ["Decisive", "Segment", "decisive", "concise_trace"]

_NOT_USED = ("does not apply", "not in force")
_TABLE_KINDS = frozenset({"segment", "share", "decided"})
_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Segment:
    """A run of days decided alike: its days, status, the value of a day and its share."""

    first: _dt.date
    last: _dt.date
    status: Any
    value: Any = None  # the value rule's outcome on the run's first day
    currency: str | None = None
    share: Any = None  # what the run adds to the sum

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def as_dict(self) -> dict:
        from engine.trace import to_json_value
        return {"from": self.first.isoformat(), "to": self.last.isoformat(),
                "days": self.days, "status": self.status, "value": to_json_value(self.value),
                "share": to_json_value(self.share)}


@dataclass(frozen=True)
class Decisive:
    """What a concise explanation shows of one decision."""

    steps: tuple[Step, ...]  # the decisive steps, in the order they were taken
    held: tuple[str, ...] = ()  # citations of conditions that held
    not_established: tuple[str, ...] = ()  # citations of exceptions not established
    segments: tuple[Segment, ...] = ()  # a sum over days: one row per run of alike days
    days_decided: int | None = None  # how many days of the sum the rules were decided on
    numeric_held: tuple[Step, ...] = ()  # conditions that held by comparing amounts


def decisive(r: DecisionResult) -> Decisive:
    """The decisive path of `r` (empty unless it was evaluated with trace=True)."""
    trace = r.trace
    if any(s.kind == "segment" for s in trace):
        return _summed(r, trace)
    steps, held, not_est = _path(r.status, trace)
    return Decisive(steps, held, not_est, numeric_held=_numeric_held(r.status, trace))


def concise_trace(r: DecisionResult) -> list[dict]:
    """The decisive path as JSON: the decisive steps (as the full trace writes them),
    then `held`/`not_established` citations and the `segments` table where there are."""
    d = decisive(r)
    out: list[dict] = [s.as_dict() for s in d.steps]
    out.extend(s.as_dict() for s in d.numeric_held)
    if d.held:
        out.append({"kind": "held", "citations": list(d.held)})
    if d.not_established:
        out.append({"kind": "not_established", "citations": list(d.not_established)})
    if d.segments:
        out.append({"kind": "segments", "days_decided": d.days_decided,
                    "rows": [s.as_dict() for s in d.segments]})
    return out


def _path(status: str, steps: Any) -> tuple[tuple[Step, ...], tuple[str, ...], tuple[str, ...]]:
    keep: list[Step] = []
    held: list[str] = []
    not_est: list[str] = []
    for s in steps:
        o = s.outcome
        unknown = isinstance(o, Unknown) or o == "unknown"
        if s.kind == "applies_if":
            if o is not True:
                keep.append(s)
        elif s.kind in ("applicable_date", "rounding", "sum", "adjust"):
            keep.append(s)
        elif s.kind == "requires":
            if o is True:
                held.append(s.citation or "")
            elif o is False or unknown:
                keep.append(s)
        elif s.kind == "unless":
            if o is False:
                not_est.append(s.citation or "")
            elif o is True or unknown:
                keep.append(s)
        elif s.kind == "value":
            if not (isinstance(o, str) and o in _NOT_USED):
                keep.append(s)
        elif s.kind in _TABLE_KINDS:
            continue
        elif o is False or isinstance(o, str) or unknown:  # coverage, version, parameter,
            keep.append(s)                                  # dependency: what stopped it
    if status in ("refused", "not_applicable", "undetermined", "not_covered"):
        # a refusal is explained by what refused: the value rules are not its reasons
        keep = [s for s in keep if s.kind != "value" or s.outcome is False]
    return tuple(keep), tuple(dict.fromkeys(held)), tuple(dict.fromkeys(not_est))


def _summed(r: DecisionResult, trace: Any) -> Decisive:
    prelude: list[Step] = []
    runs: list[tuple[Step, list[Step]]] = []
    shares: dict[tuple[str, str], Any] = {}
    after: list[Step] = []
    days_decided = None
    for s in trace:
        if s.kind == "segment":
            runs.append((s, []))
        elif s.kind == "share":
            m = _SPAN.search(s.title or "")
            if m:
                shares[(m.group(1), m.group(2))] = s.outcome
        elif s.kind == "decided":
            days_decided = s.outcome if isinstance(s.outcome, int) else None
        elif s.kind == "rounding":
            after.append(s)
        elif runs:
            runs[-1][1].append(s)
        else:
            prelude.append(s)
    segments = []
    for head, steps in runs:
        m = _SPAN.search(head.title or "")
        if not m:
            continue
        first, last = (_dt.date.fromisoformat(x) for x in m.groups())
        values = [x for x in steps if x.kind in ("value", "adjust")  # the day's final value
                  and not (isinstance(x.outcome, str) and x.outcome in _NOT_USED)]
        value = values[-1].outcome if values else None
        cur = next((p.currency for x in values for p in x.parameters if p.currency), None)
        segments.append(Segment(first, last, head.outcome, value, cur,
                                shares.get((m.group(1), m.group(2)))))
    # the decisive steps of the first run that has the decision's own status (or the first)
    chosen = next((st for h, st in runs if h.outcome == r.status), runs[0][1] if runs else [])
    pre, _, _ = _path(r.status, prelude)
    kept, held, not_est = _path(r.status, chosen)
    return Decisive((*pre, *kept, *after), held, not_est, tuple(segments), days_decided,
                    _numeric_held(r.status, chosen))


def _numeric_held(status: str, steps: Any) -> tuple[Step, ...]:
    """For an answer with a value: the conditions that held by comparing amounts (an
    income test), whose arithmetic a reader wants to see even though they passed."""
    if status not in ("granted", "determined"):
        return ()
    return tuple(s for s in steps if s.kind == "requires" and s.outcome is True
                 and any(isinstance(o.value, Decimal) for c in s.comparisons
                         for o in c.operands if o.reads))
