"""What the GET endpoints answer, as JSON-ready data built from a loaded rulebook.

Each function reuses what a CLI command prints as JSON (`statute show`, `timeline`,
`diff`), so the API and the command line cannot drift apart.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from engine.amend.history import diff, timeline
from engine.check.reads import facts_read
from engine.evaluate.facts import ListFact
from engine.cli.show import describe
from engine.model import NO_DEFAULT, Fact, Parameter, ParameterValue, value_json
from engine.rulebook import Rulebook

__all__ = ["summary", "rulebook_info", "decision_info", "parameter_info", "timeline_info",
           "diff_info", "fact_info", "pins"]


def pins(rb: Rulebook) -> dict[str, Any]:
    from engine.serve.registry import ENGINE_VERSION

    return {"rulebook_hash": rb.content_hash, "rulebook_version": rb.version,
            "engine_version": ENGINE_VERSION}


def summary(rb: Rulebook) -> dict[str, Any]:
    """A rulebook in the list: id, title, coverage and what pins it."""
    return {"id": rb.id, "title": rb.title, "coverage": _coverage(rb),
            "decisions": list(rb.decisions), **pins(rb)}


def _coverage(rb: Rulebook) -> dict[str, Any]:
    c = rb.coverage
    return {"from": c.start.isoformat(), "to": None if c.open else c.end.isoformat(),
            "assumption": c.assumption}


def fact_info(f: Fact) -> dict[str, Any]:
    """One fact of the vocabulary: type, allowed values, default and where the law is."""
    d: dict[str, Any] = {"type": f.type, "cite": f.cite, "description": f.description}
    if f.values is not None:
        d["values"] = sorted(f.values)
    if f.default_from is not None:
        d["default_from"] = f.default_from
    elif f.default is not NO_DEFAULT:
        d["default"] = value_json(f.default) if f.default is not None else None
    if isinstance(f, ListFact):
        d["of"] = f.of
        d["max_items"] = f.max_items
        fields = f.fields
        if fields:
            d["fields"] = {n: {"type": x.type, **({"values": sorted(x.values)}
                                                   if x.values is not None else {})}
                           for n, x in fields}
    return d


def rulebook_info(rb: Rulebook) -> dict[str, Any]:
    """Metadata, coverage, decisions and the facts vocabulary."""
    meta = dict(rb.meta)
    return {
        "id": rb.id, "title": rb.title,
        "jurisdiction": meta.get("jurisdiction"), "language": meta.get("language"),
        "source": _plain(meta.get("source")),
        "coverage": _coverage(rb),
        "verified_through": rb.verified_through.isoformat() if rb.verified_through else None,
        "decisions": {d.id: {"title": d.title, "type": d.type, "per": d.per,
                             "entitlement": d.entitlement} for d in rb.decisions.values()},
        "facts": {n: fact_info(f) for n, f in rb.facts.items()},
        "parameters": {p.id: {"title": p.title, "type": p.type, "cite": p.cite}
                       for p in rb.parameters.values()},
        **pins(rb),
    }


def _plain(v: Any) -> Any:
    if isinstance(v, dict) or hasattr(v, "items"):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, (_dt.date,)):
        return v.isoformat()
    return v if v is None or isinstance(v, (str, bool, int)) else str(v)


def decision_info(rb: Rulebook, decision: str) -> dict[str, Any]:
    """The decision's rules by role (`statute show --format json`) and the exact facts
    it can read, its own and through the decisions it reads."""
    reads = facts_read(rb, decision)
    constrained = sorted({n for c in rb.constraints for n in c.expr.facts})
    return {
        **describe(rb.decisions[decision], rb.root),
        "facts_read": {"all": list(reads.facts), "own": list(reads.own),
                       "via": {k: list(v) for k, v in reads.via.items()},
                       "decisions": list(reads.decisions)},
        "facts_checked_by_constraints": constrained,
        "rulebook": rb.id, **pins(rb),
    }


def _value(p: Parameter, v: ParameterValue, end: _dt.date | None) -> dict[str, Any]:
    return {"from": v.start.isoformat(), "to": end.isoformat() if end else None,
            "value": value_json(v.value), "currency": v.currency, "source": v.source,
            "confidence": v.confidence, "note": v.note, "act": v.amended_by}


def parameter_info(rb: Rulebook, name: str, at: _dt.date | None) -> dict[str, Any]:
    """The whole series of a parameter, and with `at` the value in force that day (None
    before its first value)."""
    p = rb.parameters[name]
    series = []
    for i, v in enumerate(p.values):
        end = p.values[i + 1].start - _dt.timedelta(days=1) if i + 1 < len(p.values) else None
        series.append(_value(p, v, end))
    out: dict[str, Any] = {"id": p.id, "title": p.title, "type": p.type, "cite": p.cite,
                           "verified_through": p.verified_through.isoformat()
                           if p.verified_through else None, "series": series}
    if at is not None:
        now = p.at(at)
        out["at"] = at.isoformat()
        out["in_force"] = None if now is None else series[p.values.index(now)]
        if now is not None and now.amended_by is not None and now.amended_by in rb.acts:
            act = rb.acts[now.amended_by]
            out["in_force"] = {**series[p.values.index(now)], "act": {
                "id": act.id, "title": act.title, "in_force": act.in_force.isoformat(),
                "published": act.published.isoformat() if act.published else None,
                "source": act.source}}
    out.update(rulebook=rb.id, **pins(rb))
    return out


def timeline_info(rb: Rulebook) -> dict[str, Any]:
    """`statute timeline --format json`, pinned."""
    return {"rulebook": rb.id, "changes": [c.as_dict(rb) for c in timeline(rb)], **pins(rb)}


def diff_info(rb: Rulebook, a: _dt.date, b: _dt.date) -> dict[str, Any]:
    """`statute diff --format json`, pinned."""
    return {"rulebook": rb.id, "from": a.isoformat(), "to": b.isoformat(),
            "changes": [c.as_dict(rb) for c in diff(rb, a, b)], **pins(rb)}
