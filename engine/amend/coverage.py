"""Amendment coverage: does some test decide each side of every boundary of the timeline?

A boundary is a date on which something a decision reads changes: a rule's wording, a
parameter value, the start or end of the coverage. It is covered when a passing test
decides an affected decision with a selecting date (the applicable date: the date that
chooses rule versions and parameter values, not the `on` date) in the period just
before it, and another in the period from it on. Only then would a test notice if the
change were moved, dropped or wrong on either side.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from engine.amend.history import timeline

if TYPE_CHECKING:
    from engine.result import DecisionResult
    from engine.rulebook import Rulebook

__all__ = ["Boundary", "boundaries", "measure"]

_DAY = _dt.timedelta(days=1)


@dataclass
class Boundary:
    date: _dt.date
    subject: str  # rule id, parameter id, or "coverage"
    what: str
    act: str | None
    decisions: tuple[str, ...]
    before: tuple[_dt.date, _dt.date]  # the period a "before" test must fall in
    after: tuple[_dt.date, _dt.date]
    tests_before: list[str] = field(default_factory=list)
    tests_after: list[str] = field(default_factory=list)
    reachable: bool = True  # some decision reads what changes here

    @property
    def covered(self) -> bool:
        """Both sides decided by a test; a boundary no decision can read is never
        required (it is listed as unreachable)."""
        return not self.reachable or bool(self.tests_before and self.tests_after)


def boundaries(rb: "Rulebook") -> list[Boundary]:
    """Every boundary inside the coverage, and the coverage's own two edges."""
    cov = rb.coverage
    lo, hi = _dt.date.min, _dt.date.max
    by_subject: dict[str, list] = {}
    for c in timeline(rb):
        if c.kind == "currency":  # the parameter change on the same date covers it
            continue
        by_subject.setdefault(c.subject, []).append(c)
    out = []
    for subject, changes in by_subject.items():
        for i, c in enumerate(changes):
            if c.kind == "coverage":
                start = c.date == cov.start
                out.append(Boundary(c.date, "coverage", c.after or c.before or "", c.act,
                                    c.decisions,
                                    (lo, c.date - _DAY) if start else (cov.start, cov.end),
                                    (cov.start, cov.end) if start else (c.date, hi)))
                continue
            if not cov.start < c.date <= cov.end:
                continue  # the first value, or a change the rulebook cannot evaluate
            prev = changes[i - 1].date if i else cov.start
            nxt = changes[i + 1].date - _DAY if i + 1 < len(changes) else cov.end
            cite = f"{c.citation} " if c.kind == "rule" else ""
            what = f"{cite}{subject}: {c.before} -> {c.after}"
            before = (max(prev, cov.start), c.date - _DAY)
            after = (c.date, min(nxt, cov.end))
            readers = c.decisions if c.kind != "parameter" else tuple(
                d for d in c.decisions if _reads_near(rb, d, subject, before[0], after[1]))
            out.append(Boundary(c.date, subject, what, c.act, readers, before, after,
                                reachable=bool(readers)))
    return sorted(out, key=lambda b: (b.date, b.subject))


def _reads_near(rb: "Rulebook", decision: str, param: str, lo: _dt.date,
                hi: _dt.date) -> bool:
    """Some rule version of `decision` in force between `lo` and `hi` reads `param`
    (itself, or at a date it computes): a rate that only a later wording reads is no
    boundary of the days an earlier wording decides."""
    d = rb.decisions[decision]
    for r in (d.applicable_date, *d.rules):
        for v in r.versions:
            if v.start > hi or v.end < lo:
                continue
            for e in (v.expr, v.when):
                if e is not None and (param in e.params or param in e.series):
                    return True
    s = d.sum
    return s is not None and any(e is not None and param in (*e.params, *e.series)
                                 for e in (s.start, s.end, s.each))


def dates_read(r: "DecisionResult") -> set[_dt.date]:
    """Every date on which the answer read rule versions or parameter values: its
    applicable date, the selecting date of each run of days a sum decided, and each
    date a parameter was read on with at() (from the trace, when there is one)."""
    out = {r.applicable_date} if r.applicable_date is not None else set()
    for s in r.trace:
        if s.kind == "applicable_date" and isinstance(s.outcome, _dt.date):
            out.add(s.outcome)
        for p in s.parameters:
            if " on " in p.name:
                try:
                    out.add(_dt.date.fromisoformat(p.name.rsplit(" on ", 1)[1]))
                except ValueError:
                    pass
    return out


def measure(rb: "Rulebook", results: Iterable[tuple]) -> list[Boundary]:
    """Mark each boundary with the (named) results that decide each side of it.

    `results` holds `(name, result)` or `(name, result, decisions)`: with `decisions`,
    only those decisions count (a test covers only what it asserts).
    """
    found = boundaries(rb)
    for entry in results:
        name, result = entry[0], entry[1]
        only = entry[2] if len(entry) > 2 else None
        for decision, r in result.decisions.items():
            if only is not None and decision not in only:
                continue
            read = dates_read(r)
            for b in found:
                if decision not in b.decisions:
                    continue
                for day in read:
                    if b.before[0] <= day <= b.before[1] and name not in b.tests_before:
                        b.tests_before.append(name)
                    if b.after[0] <= day <= b.after[1] and name not in b.tests_after:
                        b.tests_after.append(name)
    return found
