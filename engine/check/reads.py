"""The exact facts a decision can read, found in its YAML (never by running it).

A decision reads the facts named in its own expressions (`applies_if`, the applicable
date, every version's condition and value, the bounds and share of a sum) and, through
each decision it reads, that decision's facts. This is what a caller must be able to
supply for the answer to be decided; a fact outside the set can never change it
(`tests/engine/check/test_reads.py` holds the set to that on every shipped example).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from engine.model import Decision

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Reads", "facts_read", "own_facts"]


@dataclass(frozen=True)
class Reads:
    """What one decision reads: `facts` in all (sorted), `own` those its own rules
    name, and `via`, for each decision it reads (directly or further down), the facts
    that decision's own rules name."""

    decision: str
    facts: tuple[str, ...]
    own: tuple[str, ...]
    via: dict[str, tuple[str, ...]]
    decisions: tuple[str, ...]  # every decision read, directly or further down


def _exprs(d: Decision) -> Iterator[object]:
    yield d.applies_if
    for r in (d.applicable_date, *d.rules):
        for v in r.versions:
            yield v.expr
            yield v.when
    if d.sum is not None:
        yield from (d.sum.start, d.sum.end, d.sum.each, d.sum.empty_date)


def own_facts(d: Decision) -> tuple[str, ...]:
    """The facts named in the decision's own expressions, sorted."""
    found: set[str] = set()
    for e in _exprs(d):
        if e is not None:
            found.update(getattr(e, "facts", ()))
    return tuple(sorted(found))


def facts_read(rb: "Rulebook", decision: str) -> Reads:
    """The facts `decision` can read, its own and those of the decisions it reads.

    Raises KeyError for a decision the rulebook does not have."""
    d = rb.decisions[decision]
    seen: list[str] = []
    todo = list(d.depends)
    while todo:  # the decisions read, transitively (the load refused any cycle)
        i = todo.pop(0)
        if i in seen or i == decision or i not in rb.decisions:
            continue
        seen.append(i)
        todo.extend(rb.decisions[i].depends)
    own = own_facts(d)
    via = {i: own_facts(rb.decisions[i]) for i in seen}
    every = set(own).union(*via.values()) if via else set(own)
    return Reads(decision, tuple(sorted(every)), own, via, tuple(seen))
