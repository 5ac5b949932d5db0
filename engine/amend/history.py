"""The rulebook through time: its timeline, a diff between two dates, and the law as
known on a date (only the acts published by then).

Every change is tied to the act that made it (amendments.yaml), so a drafter can see
what changed, when, by which act, and from which source.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from engine.model import Decision, Parameter, Rule, Version, value_text

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Change", "timeline", "diff", "known_on"]

_DAY = _dt.timedelta(days=1)


@dataclass(frozen=True)
class Change:
    """One thing that changes on `date`: a rule's wording, a parameter value, the coverage."""

    date: _dt.date
    kind: str  # coverage | rule | parameter | currency
    subject: str  # rule id, parameter id, or "coverage"
    citation: str | None
    before: str | None
    after: str | None
    act: str | None
    decisions: tuple[str, ...]  # the decisions the change can affect

    def as_dict(self, rb: "Rulebook") -> dict[str, Any]:
        act = rb.acts.get(self.act or "")
        return {
            "date": self.date.isoformat(), "kind": self.kind, "subject": self.subject,
            "citation": self.citation, "before": self.before, "after": self.after,
            "decisions": list(self.decisions),
            "act": None if act is None else {
                "id": act.id, "title": act.title, "known": act.known,
                "published": act.published.isoformat() if act.published else None,
                "in_force": act.in_force.isoformat(), "source": act.source},
        }


def _rules(rb: "Rulebook") -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for d in rb.decisions.values():
        for r in (d.applicable_date, *d.rules):
            out.setdefault(r.id, r)
    return out


def _wording(r: Rule, v: Version) -> str:
    if v.expr is None:
        return "not in force"
    text = f"{r.role}: {v.expr.source}"
    return f"{text} when {v.when.source}" if v.when is not None else text


def _value(param: Parameter, i: int, against: int | None = None) -> str:
    """Value `i` of a series; of a record, only the fields that differ from value
    `against` (the timeline says what changed, not the whole record again)."""
    v = param.values[i]
    value = v.value
    if against is not None and isinstance(value, dict):
        other = param.values[against].value
        value = {k: x for k, x in value.items() if other.get(k) != x} or value
    return f"{value_text(value)} {v.currency}" if v.currency else value_text(value)


def timeline(rb: "Rulebook") -> list[Change]:
    """Every date on which something changes, oldest first."""
    cov = rb.coverage
    every = tuple(rb.decisions)
    end_act = rb.meta["coverage"].get("ended_by")
    changes = [
        Change(cov.start, "coverage", "coverage", None, None, "rulebook coverage begins",
               rb.baseline_act, every),
    ]
    if not cov.open:  # a coverage with no end has no day on which it ends
        changes.append(Change(cov.end + _DAY, "coverage", "coverage", None,
                              "rulebook coverage ends", None, end_act, every))
    for r in _rules(rb).values():
        for i, v in enumerate(r.versions):
            if i == 0 and v.start <= cov.start:
                continue
            before = _wording(r, r.versions[i - 1]) if i else "not in force"
            changes.append(Change(v.start, "rule", r.id, r.cite, before, _wording(r, v),
                                  v.amended_by, r.decisions))
    for p in rb.parameters.values():
        readers = tuple(d.id for d in rb.decisions.values() if p.id in (*d.params, *d.series))
        for i, pv in enumerate(p.values):
            previous = _value(p, i - 1, i) if i else None
            changes.append(Change(pv.start, "parameter", p.id, p.cite, previous,
                                  _value(p, i, i - 1 if i else None),
                                  pv.amended_by, readers))
            prev = p.values[i - 1].currency if i else None
            if i and pv.currency != prev:
                changes.append(Change(pv.start, "currency", p.id, p.cite, prev, pv.currency,
                                      pv.amended_by, readers))
    order = {"coverage": 0, "currency": 1, "rule": 2, "parameter": 3}
    return sorted(changes, key=lambda c: (c.date, order[c.kind], c.subject))


def diff(rb: "Rulebook", a: _dt.date, b: _dt.date) -> list[Change]:
    """What is in force on `b` that differs from what was in force on `a`."""
    out = []
    cov = rb.coverage
    ina, inb = a in cov, b in cov
    if ina != inb:
        out.append(Change(b, "coverage", "coverage", None,
                          "covered" if ina else "not covered", "covered" if inb else "not covered",
                          None, tuple(rb.decisions)))
    for r in _rules(rb).values():
        va, vb = r.version_at(a), r.version_at(b)
        if va is not vb:
            out.append(Change(b, "rule", r.id, r.cite,
                              _wording(r, va) if va else "no version in force",
                              _wording(r, vb) if vb else "no version in force",
                              vb.amended_by if vb else None, r.decisions))
    for p in rb.parameters.values():
        pa, pb = p.at(a), p.at(b)
        if pa is not pb:
            readers = tuple(d.id for d in rb.decisions.values() if p.id in (*d.params, *d.series))
            out.append(Change(b, "parameter", p.id, p.cite, _dated(pa), _dated(pb),
                              pb.amended_by if pb else None, readers))
    return out


def _dated(v: Any) -> str:
    if v is None:
        return "no value"
    return f"{value_text(v.value)} {v.currency or ''}".strip() + f" (from {v.start})"


def known_on(rb: "Rulebook", day: _dt.date) -> "Rulebook":
    """The rulebook as a caseworker could have known it on `day`.

    Rule versions and parameter values introduced by acts not yet published on `day`
    (an act with no known publication date counts from its entry into force) are left
    out; the wording or value before them stays in force in their place. The baseline
    wording is never left out: it is the rulebook's coverage assumption.
    """
    cached = rb.known_cache.get(day)  # kept on the rulebook: it lives and dies with it
    if cached is None:
        cached = rb.known_cache[day] = _known_on(rb, day)
    return cached


def _known_on(rb: "Rulebook", day: _dt.date) -> "Rulebook":
    from engine.compile.codegen import compile_decision
    from engine.evaluate.decide import helpers as decide_helpers
    from engine.rulebook import Rulebook

    def unknown(act_id: str | None) -> bool:
        act = rb.acts.get(act_id or "")
        return act is not None and not act.baseline and act.known_from > day

    params = {}
    for p in rb.parameters.values():
        values = tuple(v for v in p.values if not unknown(v.amended_by))
        params[p.id] = replace(p, values=values, starts=tuple(v.start for v in values))
    rules: dict[str, Rule] = {}
    for r in _rules(rb).values():
        kept: list[Version] = []
        for v in r.versions:
            if unknown(v.amended_by) and kept:
                kept[-1] = replace(kept[-1], end=v.end)  # the earlier wording goes on
            elif unknown(v.amended_by):
                kept.append(replace(v, expr=None, when=None))  # not yet known: not in force
            else:
                kept.append(v)
        rules[r.id] = replace(r, versions=tuple(kept), starts=tuple(v.start for v in kept))
    decisions = {i: _rebuilt(d, rules) for i, d in rb.decisions.items()}
    out = Rulebook(id=rb.id, title=rb.title, root=rb.root, meta=rb.meta, coverage=rb.coverage,
                   rounding=rb.rounding, facts=rb.facts, parameters=params,
                   decisions=decisions, position=rb.position, acts=rb.acts,
                   baseline_act=rb.baseline_act, verified_through=rb.verified_through,
                   order=rb.order, content_hash=rb.content_hash, as_known_on=day,
                   constraints=rb.constraints)
    helpers = decide_helpers()
    for d in decisions.values():
        out.compiled[d.id] = compile_decision(out, d, helpers)
    return out


def _rebuilt(d: Decision, rules: dict[str, Rule]) -> Decision:
    return replace(d, applicable_date=rules[d.applicable_date.id],
                   rules=tuple(rules[r.id] for r in d.rules))
