"""Read a rulebook folder, validate every file, compile every expression, once.

All problems found are collected and raised together as `ErrorList`, each as
`file:line:col: message`, so `statute check` shows a drafter everything at once.
"""
from __future__ import annotations

import ast
import datetime as _dt
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping

from engine.load.schema import schema_errors
from engine.load.cache import cached_load
from engine.load.source import Source
from engine.load.yaml import Document
from engine.errors import ErrorList, LoadError, Position, StatuteError
from engine.expr.limits import MAX_QUANTUM_PLACES
from engine.expr import Record, Scope, compile_expression, parse_definition
from engine.expr._check import power_of_ten
from engine.expr.helpers import HELPERS, SPECIAL_FORMS
from engine.kinds import KINDS, STATUSES
from engine.model import (NO_DEFAULT, ROLES, Act, Constraint, Coverage, Decision, Fact,
                          Parameter, ParameterValue, Rounding, Rule, Sum, UNITS, Version,
                          value_text)
from engine.dates import MAX_DATE
from engine.check.acts import check_acts
from engine.check.citations import cites_within
from engine.check.dependencies import dependency_order
from engine.check.versions import Span, check_tiling
from engine.compile.codegen import compile_decision
from engine.compile.segments import plan_segments
from engine.evaluate.decide import helpers as decide_helpers
from engine.rulebook import Rulebook
from engine.render.messages import Message

__all__ = ["load"]

_ONE_DAY = _dt.timedelta(days=1)
_FACT_TYPE_CHECK: dict[str, Callable[[Any], bool]] = {
    "date": lambda v: isinstance(v, _dt.date),
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "money": lambda v: isinstance(v, (int, Decimal)) and not isinstance(v, bool),
    "decimal": lambda v: isinstance(v, (int, Decimal)) and not isinstance(v, bool),
    "enum": lambda v: isinstance(v, str),
    "string": lambda v: isinstance(v, str),
}


def load(path: str | Path, files: Mapping[str, str] | None = None) -> Rulebook:
    """Load, check and compile the rulebook in folder `path`; raise ErrorList listing every
    problem. `files` (relative path -> text) are read in place of the disk's: an editor's
    unsaved buffers, or a whole rulebook that exists only in memory.

    A rulebook loaded before, from the same files by the same engine, comes from the
    compiled-rulebook cache (`engine.load.cache`; `STATUTE_CACHE=0` turns it off)."""
    return cached_load(Source(path, files), _build)


def _build(source: Source) -> Rulebook:
    return _Loader(source).run()


class _Loader:
    def __init__(self, source: Source):
        self.source = source
        self.root = source.root
        self.monthly: set[str] = set()  # decided per month: `period_start`
        self.daily: set[str] = set()  # summed over days: `day`
        self.incomplete = False  # an article file failed: decision checks would only echo it
        self.errors: list[StatuteError] = []

    # -- plumbing -----------------------------------------------------------
    def error(self, message: str, position: Position, field: str | None = None) -> None:
        self.errors.append(LoadError(message, position, field))

    def read(self, rel: str | Path, schema: str, partial: list | None = None) -> Document | None:
        """The document if it is valid; with `partial`, an invalid one is appended there."""
        path = self.root / rel
        if not self.source.is_file(rel):
            why = ("not a regular file" if self.source.exists(rel)
                   else f"missing file (every rulebook has {rel})")
            self.error(why, Position(str(path)))
            return None
        try:
            doc = self.source.read(rel)
        except StatuteError as e:
            self.errors.append(e)
            return None
        errs = list(schema_errors(doc, schema))
        self.errors.extend(errs)
        if errs and partial is not None:
            partial.append(doc)
        return None if errs else doc

    def compile(self, doc: Document, path: tuple, scope: Scope, expect: str | None) -> Any:
        text = _get(doc.data, path)
        locate = doc.locate(path, " ".join(text.split())) if isinstance(text, str) else None
        try:
            return compile_expression(text, scope, doc.pos(path), expect, locate)
        except StatuteError as e:
            self.errors.append(e)
            return None

    # -- the run ------------------------------------------------------------
    def run(self) -> Rulebook:
        if not self.source.is_folder():
            raise ErrorList([LoadError(Message("not a rulebook folder"),
                                       Position(str(self.root)))])
        meta = self.read("rulebook.yaml", "rulebook")
        facts_doc = self.read("facts.yaml", "facts")
        decisions_doc = self.read("decisions.yaml", "decisions")
        acts = self.acts()
        params = self.parameters()
        self.money_params = {n for n, p in params.items() if p.carries_currency}
        facts = self.facts(facts_doc) if facts_doc else {}
        if meta is None or facts_doc is None or decisions_doc is None:
            raise ErrorList(self.errors or [LoadError(Message("rulebook is incomplete"),
                                                      Position(str(self.root)))])
        coverage = self.coverage(meta)
        data = meta.data
        rounding = self.rounding(meta)
        dspecs = decisions_doc.data["decisions"]
        enums: dict[str, frozenset[str]] = {n: f.values for n, f in facts.items() if f.values}
        enums.update({f"{n}.{name}": field.values for n, f in facts.items()
                      for name, field in getattr(f, "fields", ()) if field.values})
        enums.update({k: frozenset(v["values"]) for k, v in dspecs.items() if "values" in v})
        # an undetermined decision's status is unknown to its readers, never 'undetermined'
        enums["status()"] = frozenset(STATUSES) - {"undetermined"}
        scope_base = Scope(
            facts={n: f.expr_type for n, f in facts.items()},
            enums=enums,
            params={n: p.expr_type for n, p in params.items()},
            specials={},
            nullable=frozenset(n for n, f in facts.items()
                               if f.default is None and f.default_from is None),
            decisions={k: KINDS[v["type"]].expr_type for k, v in dspecs.items()},
            rounding=(rounding.quantum, rounding.mode))
        constraints = self.constraints(facts_doc, scope_base)
        definitions = self.definitions(scope_base)
        scope_base = Scope(scope_base.facts, scope_base.enums, scope_base.params, {},
                           scope_base.nullable, definitions, scope_base.decisions,
                           scope_base.rounding)
        rules = self.articles(scope_base, coverage, decisions_doc)
        decisions = self.decisions(decisions_doc, rules, scope_base, data.get("currency"))
        order, cycles = dependency_order(
            decisions, lambda d: decisions_doc.key_pos(("decisions", d)))
        self.errors.extend(cycles)
        if self.errors:
            raise ErrorList(self.errors)
        cov = data["coverage"]
        self.errors.extend(check_acts(
            acts, data["baseline"], meta.pos(("baseline",)),
            (cov["ended_by"], meta.pos(("coverage", "ended_by"))) if "ended_by" in cov else None,
            params, decisions))
        if self.errors:
            raise ErrorList(self.errors)
        rb = Rulebook(
            id=data["id"], title=data["title"], root=str(self.root), meta=data,
            coverage=coverage, rounding=rounding, facts=facts, parameters=params,
            decisions=decisions, position=meta.pos(), acts=acts, baseline_act=data["baseline"],
            verified_through=data["verified_through"], order=order,
            content_hash=self.source.content_hash(), constraints=constraints)
        helpers = decide_helpers()
        for d in decisions.values():
            rb.compiled[d.id] = compile_decision(rb, d, helpers)
        return rb

    def rounding(self, meta: Document) -> Rounding:
        """rulebook.yaml `rounding`: the quantum a power of ten (1, 0.1, 0.01; 1E+3 for
        thousands), at most MAX_QUANTUM_PLACES decimal places, stored so that quantize()
        rounds to exactly it (0.05 or 5 would round to something else than said)."""
        raw = meta.data["rounding"]["quantum"]
        at = meta.pos(("rounding", "quantum"))
        try:
            q = Decimal(str(raw))
        except ArithmeticError:
            q = Decimal(0)
        if isinstance(raw, bool) or not q.is_finite() or q <= 0 or not power_of_ten(q):
            self.error(Message("the rounding quantum must be a power of ten (1, 0.1, 0.01), "
                               "not {raw!r}", raw=str(raw)[:30]), at, "quantum")
            q = Decimal("0.01")
        elif -q.normalize().as_tuple().exponent > MAX_QUANTUM_PLACES:  # type: ignore[operator]
            self.error(Message("the rounding quantum {raw} has more than {MAX_QUANTUM_PLACES} "
                               "decimal places", raw=raw, MAX_QUANTUM_PLACES=MAX_QUANTUM_PLACES),
                       at, "quantum")
            q = Decimal("0.01")
        elif q > 1:
            q = q.normalize()  # 1000 -> 1E+3: quantize() reads the exponent
        return Rounding(q, meta.data["rounding"]["mode"])

    def acts(self) -> dict[str, Act]:
        doc = self.read("amendments.yaml", "amendments")
        out: dict[str, Act] = {}
        if doc is None:
            return out
        for i, a in enumerate(doc.data["acts"]):
            pos = doc.pos(("acts", i))
            if a["id"] in out:
                self.error(Message("act {a!r} is listed twice", a=a['id']), pos, "id")
            out[a["id"]] = Act(a["id"], " ".join(a["title"].split()), a.get("adopted"),
                               a["published"], a["in_force"], " ".join(a["source"].split()),
                               a.get("known", True), a.get("baseline", False),
                               " ".join(a["note"].split()) if "note" in a else None, pos)
        return out

    def coverage(self, meta: Document) -> Coverage:
        c = meta.data["coverage"]
        if "to" in c and c["from"] > c["to"]:
            self.error(Message("coverage 'from' is after 'to'"), meta.pos(("coverage",)))
        if "to" not in c and "ended_by" in c:
            self.error(Message("a coverage with no end has no ended_by"), meta.pos(("coverage",)))
        return Coverage(c["from"], c.get("to", MAX_DATE), " ".join(c["assumption"].split()),
                        "to" not in c)

    def facts(self, doc: Document) -> dict[str, Fact]:
        out = {}
        for name, spec in doc.data["facts"].items():
            pos = doc.pos(("facts", name))
            if spec["type"] == "list":
                self.unit(doc, ("facts", name), "list")
                out[name] = _list_fact(doc, name, spec, pos, self.error)
                continue
            for key in ("of", "fields", "max_items"):
                if key in spec:
                    self.error(Message("{key} is for a list fact (type: list), not a {spec}",
                                       key=key, spec=spec['type']),
                               doc.key_pos(("facts", name, key)), name)
            values = frozenset(spec["values"]) if "values" in spec else None
            default = spec.get("default", NO_DEFAULT)
            if default is not NO_DEFAULT and default is not None:
                ok = _FACT_TYPE_CHECK[spec["type"]](default)
                if not ok or (values is not None and default not in values):
                    self.error(Message("default {default!r} is not a valid {type}{values}",
                                       default=default, type=spec["type"], values=Message(
                                           " (one of {values})", values=", ".join(sorted(values)))
                                       if values else ""),
                               doc.pos(("facts", name, "default")), name)
                if spec["type"] in ("money", "decimal"):
                    default = Decimal(default)
            if default is None and spec["type"] == "bool":
                self.error(Message("a bool fact cannot default to null; give true or false"),
                           doc.pos(("facts", name, "default")), name)
            out[name] = Fact(name, spec["type"], values, default, spec.get("default_from"),
                             spec["cite"], " ".join(spec["description"].split()), pos,
                             _label(spec), self.unit(doc, ("facts", name), spec["type"]))
        return out

    def unit(self, doc: Document, at: tuple, kind: str) -> str | None:
        """The `unit:` declared at `at`, if it suits a value of type `kind` (else an error)."""
        unit = _get(doc.data, at).get("unit")
        if unit is not None and kind not in UNITS[unit]:
            self.error(Message("{unit} is for a value of type {kinds}, not {kind}", unit=unit,
                               kinds=", ".join(sorted(UNITS[unit])), kind=kind),
                       doc.pos((*at, "unit")), "unit")
            return None
        return unit

    def constraints(self, doc: Document, base: Scope) -> tuple[Constraint, ...]:
        """facts.yaml `constraints`: true/false expressions over facts and `on` only (no
        parameter, decision or definition: a constraint says what input is possible,
        before any rule is read), each checked where it is written."""
        out: list[Constraint] = []
        seen: set[str] = set()
        why = "a constraint reads facts and `on` only, not a parameter or a decision"
        scope = Scope(base.facts, base.enums, {}, {"on": "date"}, base.nullable,
                      rounding=base.rounding,
                      unreachable={n: why for n in (*base.params, *base.decisions)})
        for i, spec in enumerate(doc.data.get("constraints", ())):
            if spec["id"] in seen:
                self.error(Message("constraint {spec!r} is declared twice", spec=spec['id']),
                           doc.pos(("constraints", i, "id")), "id")
            seen.add(spec["id"])
            expr = self.compile(doc, ("constraints", i, "expr"), scope, "bool")
            if expr is not None:
                out.append(Constraint(spec["id"], expr, " ".join(spec["cite"].split()),
                                      " ".join(spec["message"].split()),
                                      doc.pos(("constraints", i))))
        return tuple(out)

    def definitions(self, base: Scope) -> dict[str, Any]:
        """Named expressions (definitions.yaml, optional), each checked where it is written."""
        if not self.source.is_file("definitions.yaml"):
            return {}
        doc = self.read("definitions.yaml", "definitions")
        if doc is None:
            return {}
        parsed: dict[str, Any] = {}
        taken = {*base.params, *_SPECIALS, *HELPERS, *SPECIAL_FORMS, *base.decisions,
                 *(f.split(".")[0] for f in base.facts)}
        for name, spec in doc.data["definitions"].items():
            if name in taken:
                self.error(Message("definition {name!r} would hide a fact group, parameter, "
                                   "decision, helper or special name of the same name; rename it",
                                   name=name), doc.key_pos(
                               ("definitions", name)), name)
                continue
            try:
                parsed[name] = parse_definition(spec["expr"],
                                                doc.pos(("definitions", name, "expr")))
            except StatuteError as e:
                self.errors.append(e)
        scope = Scope(base.facts, base.enums, base.params,
                      {"on": "date", "day": "date", "applicable_date": "date"},
                      base.nullable, parsed, base.decisions, base.rounding)
        want = {"str": "str"}
        for name in parsed:
            spec = doc.data["definitions"][name]
            self.unit(doc, ("definitions", name), spec["type"])
            self.compile(doc, ("definitions", name, "expr"), scope,
                         want.get(spec["type"], spec["type"]))
        return parsed

    def parameters(self) -> dict[str, Parameter]:
        out: dict[str, Parameter] = {}
        links: dict[str, list[tuple[int, dict, Position]]] = {}  # id -> its same_as entries
        for rel in self.source.glob("parameters"):
            path = Path(rel)
            invalid: list[Document] = []
            doc = self.read(rel, "parameter", invalid)
            if doc is None:
                # keep the name known so its readers do not report it as unknown too
                d = invalid[0].data if invalid else None
                if isinstance(d, dict) and isinstance(d.get("id"), str) and \
                        d.get("type") in ("money", "decimal", "int", "date"):
                    out[d["id"]] = Parameter(d["id"], str(d.get("title")), d["type"], "", (),
                                             invalid[0].pos())
                continue
            d = doc.data
            if d["id"] != path.stem:
                self.error(Message("parameter id {d!r} differs from its file name {stem!r}",
                                   d=d['id'], stem=path.stem),
                           doc.pos(("id",)), "id")
            values: list[ParameterValue] = []
            for i, v in enumerate(d["values"]):
                pos = doc.pos(("values", i))
                if values and v["from"] <= values[-1].start:
                    self.error(Message("values must be in date order: {v} is not after {start}",
                                       v=v['from'], start=values[-1].start),
                               doc.pos(("values", i, "from")), "from")
                if "same_as" in v:  # resolved once every series is read
                    links.setdefault(d["id"], []).append((len(values), v, pos))
                    values.append(ParameterValue(v["from"], Decimal(0), None, "", "high", None,
                                                 pos, None, v.get("amended_by")))
                    continue
                money = d["type"] == "money" or "money" in (d.get("fields") or {}).values()
                if money and "currency" not in v:
                    self.error(Message("a money value needs its currency"), pos, "currency")
                if not money and "currency" in v:
                    self.error(Message("a {d} parameter has no currency", d=d['type']),
                               pos, "currency")
                if d["type"] == "record":
                    record = self.record_value(doc, i, d, v["value"])
                    if record is not None:
                        values.append(_param_value(d, v, record, pos))
                    continue
                if d["type"] == "date" and not isinstance(v["value"], _dt.date):
                    self.error(Message("a date parameter's value is a date (YYYY-MM-DD), not "
                                       "{v!r}", v=v['value']),
                               doc.pos(("values", i, "value")), "value")
                    continue
                if d["type"] != "date" and not isinstance(v["value"], (int, Decimal)) or \
                        isinstance(v["value"], bool):
                    self.error(Message("a {d} parameter's value is a number, not {v!r}",
                                       d=d['type'], v=v['value']),
                               doc.pos(("values", i, "value")), "value")
                    continue
                if d["type"] != "date" and not abs(v["value"]) < 10 ** 15:
                    self.error(Message("value {v} is out of range (under 10^15)", v=v['value']),
                               doc.pos(("values", i, "value")), "value")
                if d["type"] in ("money", "int") and v["value"] < 0:
                    self.error(Message("{v} is negative; a {d} parameter is an amount or a "
                                       "count of 0 or more (a rate that may fall below zero is "
                                       "a decimal)", v=v['value'], d=d['type']),
                               doc.pos(("values", i, "value")), "value")
                if d["type"] == "int" and not isinstance(v["value"], int):
                    self.error(Message("an int parameter's value is a whole number, not {v!r}",
                                       v=v['value']),
                               doc.pos(("values", i, "value")), "value")
                    continue
                value = v["value"] if d["type"] in ("date", "int") else Decimal(v["value"])
                values.append(_param_value(d, v, value, pos))
            fields = d.get("fields")
            if (d["type"] == "record") != (fields is not None):
                self.error(Message("a record parameter declares its fields (and only a record "
                                   "does)"),
                           doc.pos(("fields",) if fields else ("type",)), "fields")
            out[d["id"]] = Parameter(d["id"], d["title"], d["type"], d["cite"], tuple(values),
                                     doc.pos(), tuple(v.start for v in values),
                                     d["verified_through"],
                                     dict(fields) if d["type"] == "record" and fields else None,
                                     _label(d), self.unit(doc, (), d["type"]))
        for pid in list(links):
            self.resolve_same_as(pid, out, links, [])
        return out

    @staticmethod
    def landmark(source: str, scope: Scope, position: Position) -> Any:
        """A landmark date of a sum's plan, compiled; None (its tree is walked instead)
        when the checker does not take its re-written source."""
        try:
            return compile_expression(source, scope, position)
        except StatuteError:
            return None

    def record_value(self, doc: Document, i: int, d: Mapping[str, Any],
                     value: Any) -> dict[str, Any] | None:
        """A record parameter's value: every declared field, each of its type."""
        at = ("values", i, "value")
        fields = d.get("fields") or {}
        if not isinstance(value, dict):
            self.error(Message("a record parameter's value is a mapping of its fields "
                               "({fields}), not {value!r}", fields=', '.join(fields), value=value),
                       doc.pos(at), "value")
            return None
        out: dict[str, Any] = {}
        for key in value:
            if key not in fields:
                self.error(Message("unknown field {key!r}; the fields of {d} are {fields}",
                                   key=key, d=d['id'], fields=', '.join(fields)),
                           doc.key_pos((*at, key)), "value")
        for name, t in fields.items():
            v = value.get(name)
            ok = {"date": lambda x: isinstance(x, _dt.date),
                  "bool": lambda x: isinstance(x, bool),
                  "int": lambda x: isinstance(x, int) and not isinstance(x, bool)}.get(
                t, lambda x: isinstance(x, (int, Decimal)) and not isinstance(x, bool))(v)
            if v is None:
                self.error(Message("field {name!r} is missing; every value gives each field",
                                   name=name),
                           doc.pos(at), "value")
            elif not ok or t in ("money", "decimal", "int") and not abs(v) < 10 ** 15:
                self.error(Message("field {name!r} is a {t}, not {v!r}", name=name, t=t, v=v),
                           doc.pos((*at, name)), "value")
            elif t in ("money", "int") and v < 0:
                self.error(Message("field {name!r} is negative; a {t} is 0 or more", name=name,
                                   t=t),
                           doc.pos((*at, name)), "value")
            else:
                out[name] = Decimal(v) if t in ("money", "decimal") else v
        return out if len(out) == len(fields) else None

    def resolve_same_as(self, pid: str, out: dict[str, Parameter],
                        links: dict[str, list[tuple[int, dict, Position]]],
                        chain: list[str]) -> None:
        """Write out the values a `same_as` entry stands for: the other series' values in
        force from its date until the next entry of this one (no value is copied in the
        YAML; the trace names both series and their sources)."""
        if pid not in links:
            return
        if pid in chain:
            self.error(Message("parameters are defined from each other in a cycle: {value}",
                               value=' -> '.join(chain[chain.index(pid):] + [pid])),
                       out[pid].position,
                       "same_as")
            links.pop(pid, None)
            return
        p = out[pid]
        entries = links.pop(pid)
        vals = list(p.values)
        for i, v, pos in reversed(entries):
            other = out.get(v["same_as"])
            if other is None:
                known = ", ".join(sorted(out))
                self.error(Message("same_as {v!r}: no such parameter (the parameters are {known})",
                                   v=v['same_as'], known=known), pos, "same_as")
                continue
            self.resolve_same_as(other.id, out, links, chain + [pid])
            other = out[other.id]
            if p.type == "record" or other.type == "record":
                self.error(Message("same_as is for a single value: a record parameter gives "
                                   "its own values"), pos, "same_as")
                continue
            if other.type != p.type:
                self.error(Message("same_as {id!r}: a {type} parameter cannot define a {type2} "
                                   "one", id=other.id, type=other.type, type2=p.type),
                           pos, "same_as")
                continue
            start = v["from"]
            end = vals[i + 1].start if i + 1 < len(vals) else None
            first = other.at(start)
            if first is None:
                self.error(Message("same_as {id!r}: it has no value in force on {start}",
                                   id=other.id, start=start), pos,
                           "same_as")
                continue
            said = " ".join(v["source"].split())
            derived = []
            for ov in (first, *(x for x in other.values if start < x.start)):
                if end is not None and ov.start >= end:
                    break
                derived.append(ParameterValue(
                    max(ov.start, start), ov.value, ov.currency,
                    f"equal to {other.id} from {start} ({said}); {other.id}: {ov.source}",
                    ov.confidence, ov.note, pos, ov.warning,
                    v.get("amended_by") if ov is first else ov.amended_by))
            vals[i:i + 1] = derived
        out[pid] = Parameter(p.id, p.title, p.type, p.cite, tuple(vals), p.position,
                             tuple(x.start for x in vals), p.verified_through,
                             label=p.label, unit=p.unit)

    def articles(self, base: Scope, coverage: Coverage, decisions_doc: Document) -> list[Rule]:
        rules: list[Rule] = []
        seen: dict[str, Position] = {}
        types = {k: v["type"] for k, v in decisions_doc.data["decisions"].items()}
        self.finding_values = {k: tuple(v.get("values", ()))
                               for k, v in decisions_doc.data["decisions"].items()}
        self.monthly = {k for k, v in decisions_doc.data["decisions"].items()
                        if v["per"] == "month"}
        self.daily = {k for k, v in decisions_doc.data["decisions"].items() if "sum" in v}
        folder = self.root / "articles"
        paths = sorted(self.source.glob("articles"), key=lambda r: _natural(Path(r)))
        if not paths:
            self.error(Message("no article files (articles/*.yaml)"), Position(str(folder)))
        for path in paths:
            doc = self.read(path, "article")
            if doc is None:
                self.incomplete = True
                continue
            citation = doc.data["citation"]
            self.file_act = doc.data.get("act")
            for i, spec in enumerate(doc.data["rules"]):
                made = self.table(doc, i, spec, citation, base, coverage, types) \
                    if "table" in spec else [self.rule(doc, i, spec, citation, base, coverage,
                                                        types)]
                for rule in made:
                    if rule is None:
                        continue
                    if rule.id in seen:
                        self.error(Message("rule id {id!r} is already used at {seen}", id=rule.id,
                                           seen=seen[rule.id]),
                                   rule.position, "id")
                    seen[rule.id] = rule.position
                    rules.append(rule)
        return rules

    def rule(self, doc: Document, i: int, spec: dict, citation: str, base: Scope,
             coverage: Coverage, types: dict[str, str]) -> Rule | None:
        at = ("rules", i)
        pos = doc.pos(at)
        cite = spec["cite"]
        if not cites_within(cite, citation):
            self.error(Message("citation {cite!r} is not within this file's {citation!r}",
                               cite=cite, citation=citation),
                       doc.pos(at + ("cite",)), "cite")
        decisions = (spec["decision"],) if isinstance(spec["decision"], str) else tuple(
            spec["decision"])
        for d in decisions:
            if d not in types:
                self.error(Message("unknown decision {d!r}; decisions.yaml declares {sorted}", d=d,
                                   sorted=', '.join(sorted(types))),
                           doc.pos(at + ("decision",)), "decision")
                return None
        role = next((r for r in ROLES if r in spec), None)
        if role is None:  # versions carry the role
            roles = {r for v in spec["versions"] for r in ROLES if r in v}
            if len(roles) != 1:
                self.error(Message("every version of a rule needs the same one of requires, "
                                   "unless, value, adjust"), doc.pos(at + ("versions",)))
                return None
            role = roles.pop()
        expect = {"applicable_date": "date", "requires": "bool", "unless": "bool"}.get(role)
        kind = None
        if expect is None:
            kinds = {types[d] for d in decisions}
            if len(kinds) != 1 or len({self.finding_values[d] for d in decisions}) != 1:
                self.error(Message("a {role} rule serves decisions of one kind only (here "
                                   "{sorted})", role=role, sorted=', '.join(sorted(kinds))),
                           pos, "decision")
                return None
            kind = KINDS[kinds.pop()]
            expect = kind.expr_type
            if role == "adjust" and kind.fields:
                self.error(Message("a {name} value cannot be adjusted; write its value rules "
                                   "instead", name=kind.name), pos, "adjust")
                return None
        if "order" in spec and role != "adjust":
            self.error(Message("'order' belongs to adjust rules only"),
                       doc.pos(at + ("order",)), "order")
        # `applicable_date` is the date that selects versions and values; `day` is each day
        # of a summed decision; `period_start` the first day of the month asked about (a
        # per-month decision); `value` the value an adjustment starts from
        specials = {"on": "date"}
        if set(decisions) & self.daily:
            specials["day"] = "date"
        if set(decisions) & self.monthly:
            specials["period_start"] = "date"
        if role != "applicable_date":
            specials["applicable_date"] = "date"
        if role == "adjust":
            specials["value"] = expect
        scope = base.with_specials(specials)
        if role == "applicable_date" and ("versions" in spec or "when" in spec):
            self.error(Message("an applicable_date rule has no versions and no 'when': it "
                               "selects them"),
                       pos)
            return None
        if role == "value" and kind is not None and kind.fields:
            expect = f"record:{kind.name}"
        versions = self.versions(doc, at, spec, role, scope, expect, coverage)
        if versions is None:
            return None
        if role == "applicable_date" and versions[0].expr is not None and versions[0].expr.params:
            self.error(Message("an applicable date cannot read parameters ({params}): it is "
                               "what selects their values",
                               params=', '.join(versions[0].expr.params)),
                       doc.pos(at + ("applicable_date",)), "applicable_date")
        if role == "value" and kind is not None and kind.declares_values and \
                self.finding_values[decisions[0]]:
            for v in versions:
                if v.expr is not None:
                    self.check_finding(doc, at, v.expr, self.finding_values[decisions[0]])
        return Rule(spec["id"], cite, spec.get("title"), " ".join(spec["text"].split()),
                    spec.get("reading"), role, decisions, versions,
                    tuple(spec.get("overrides", ())), citation, pos,
                    tuple(v.start for v in versions), spec.get("order"), self.file_act)

    def table(self, doc: Document, i: int, spec: dict, citation: str, base: Scope,
              coverage: Coverage, types: dict[str, str]) -> list[Rule | None]:
        """A decision table: one value rule per row and decision, `when` the key fact has
        the row's value. Checked here: the key is an enum fact, one row per value (hit
        policy unique), every value has a row, each row's citation lies in the file's.
        Cells that name no decision are the row's variables, usable in its other cells."""
        at = ("rules", i)
        tab = spec["table"]
        key = tab["key"]
        decisions = (spec["decision"],) if isinstance(spec["decision"], str) else tuple(
            spec["decision"])
        unknown = [d for d in decisions if d not in types]
        if unknown:
            self.error(Message("unknown decision {unknown!r}; decisions.yaml declares {sorted}",
                               unknown=unknown[0], sorted=', '.join(sorted(types))),
                       doc.pos(at + ("decision",)), "decision")
            return []
        allowed = base.enums.get(key)
        if key not in base.facts or not allowed:
            self.error(Message("a table is keyed by an enum fact; {key!r} is a {type}",
                               key=key, type=base.facts[key]) if key in base.facts else
                       Message("a table is keyed by an enum fact; {key!r} is no fact{hint}",
                               key=key, hint=_suggest_fact(key, base.facts)),
                       doc.pos(at + ("table", "key")), "key")
            self.incomplete = True  # its decisions' own checks would only echo this
            return []
        specials = {"on": "date", "applicable_date": "date"}
        if set(decisions) & self.daily:
            specials["day"] = "date"
        guard = spec.get("when")
        plain = Scope(base.facts, base.enums, base.params, specials, base.nullable,
                      base.definitions, base.decisions, base.rounding)
        if guard is not None and self.compile(doc, at + ("when",), plain, "bool") is None:
            return []
        windows = self.table_windows(doc, at, spec, coverage)
        if windows is None:
            return []
        for j, w in enumerate(windows):  # a version's own `when`, checked where written
            if w[6] is not None and self.compile(doc, at + ("versions", j, "when"), plain,
                                                 "bool") is None:
                return []
        rows: dict[str, Position] = {}
        out: list[Rule | None] = []
        for j, row in enumerate(tab["rows"]):
            rpath = at + ("table", "rows", j)
            rpos = doc.pos(rpath)
            k = row["key"]
            if k not in allowed:
                close = _close_matches(str(k), sorted(allowed), n=1, cutoff=0.6)
                hint = Message("; did you mean {name!r}?", name=close[0]) if close else ""
                self.error(Message("{k!r} is not a value of {key}{hint}", k=k, key=key, hint=hint),
                           doc.pos(rpath + ("key",)),
                           "key")
                continue
            if k in rows:
                self.error(Message("a second row for {k!r} (the first is at line {line}); the "
                                   "hit policy is unique: one row per value", k=k,
                                   line=rows[k].line), doc.pos(rpath + ("key",)),
                           "key")
                continue
            rows[k] = rpos
            if not cites_within(row["cite"], citation):
                self.error(Message("citation {row!r} is not within this file's {citation!r}",
                                   row=row['cite'], citation=citation),
                           doc.pos(rpath + ("cite",)), "cite")
            variables = {}
            for name, cell in row.items():
                if name in _ROW_KEYS or name in decisions:
                    continue
                try:
                    variables[name] = parse_definition(str(cell), doc.pos(rpath + (name,)))
                except StatuteError as e:
                    self.errors.append(e)
            scope = Scope(base.facts, base.enums, base.params, specials, base.nullable,
                          {**base.definitions, **variables}, base.decisions, base.rounding)
            whens: dict[str | None, Any] = {}  # a window's guard -> its compiled row test
            try:
                for g in {w[6] if w[6] is not None else guard for w in windows}:
                    test = f"{key} == {k!r}" if g is None else \
                        f"({' '.join(g.split())}) and {key} == {k!r}"
                    whens[g] = compile_expression(test, scope, doc.pos(rpath + ("key",)),
                                                  "bool")
            except StatuteError as e:
                self.errors.append(e)
                continue
            when = whens[guard] if guard in whens else next(iter(whens.values()))
            for dcol in decisions:
                if dcol not in row:
                    self.error(Message("the row for {k!r} gives no {dcol} (write {dcol}: null "
                                       "for none: the decision is then not applicable, citing "
                                       "the row)", k=k, dcol=dcol),
                               rpos, dcol)
                    continue
                rid = f"{spec['id']}[{k}]" + (f".{dcol}" if len(decisions) > 1 else "")
                text = " ".join(str(row.get("text") or spec["text"]).split())
                if row[dcol] is None:  # this row gives no such value: a condition that fails
                    none = compile_expression("False", scope, doc.pos(rpath + (dcol,)), "bool")
                    out.append(Rule(rid, row["cite"], row.get("title") or spec.get("title"),
                                    text, f"the row for {k} gives no {dcol}", "requires",
                                    (dcol,), (Version(coverage.start, coverage.end, none, when,
                                                      None, None, True, rpos),), (), citation,
                                    rpos, (coverage.start,), order=None, act=self.file_act,
                                    row=k))
                    continue
                kind = KINDS[types[dcol]]
                expect = f"record:{kind.name}" if kind.fields else kind.expr_type
                expr = self.compile_value(doc, rpath + (dcol,), scope, expect)
                if expr is None:
                    continue
                if kind.declares_values and self.finding_values[dcol]:
                    self.check_finding(doc, rpath, expr, self.finding_values[dcol], dcol)
                versions = tuple(Version(a, b, expr if live else None,
                                         whens[g if g is not None else guard] if live else None,
                                         note, None, assumed, rpos, act)
                                 for a, b, live, note, assumed, act, g in windows)
                out.append(Rule(rid, row["cite"], row.get("title") or spec.get("title"), text,
                                row.get("reading") or spec.get("reading"), "value", (dcol,),
                                versions, (), citation, rpos, tuple(v.start for v in versions),
                                order=None, act=self.file_act, row=k))
        if tab.get("complete", True):
            missing = sorted(set(allowed) - set(rows))
            if missing:
                self.error(Message("the table has no row for {map} of {key} (give one, or "
                                   "complete: false to leave them with no value)",
                                   map=', '.join(map(repr, missing)), key=key),
                           doc.pos(at + ("table",)), "table")
        return out

    def table_windows(self, doc: Document, at: tuple, spec: dict,
                      coverage: Coverage) -> list[tuple] | None:
        """When a table is in force: its `versions` (from, to, in_force, amended_by; the
        cells are the rows', so a version gives no value), tiling the coverage like any
        rule's; without them, the whole coverage (the coverage assumption)."""
        if "versions" not in spec:
            return [(coverage.start, coverage.end, True, None, True, None, None)]
        raw = spec["versions"]
        out: list[tuple] = []
        spans: list[Span] = []
        for j, v in enumerate(raw):
            vpath = at + ("versions", j)
            extra = sorted(set(v) - {"from", "to", "in_force", "amended_by", "note", "when"})
            if extra:
                self.error(Message("a table's version says when the table is in force; its "
                                   "cells are in the rows, not {extra}", extra=', '.join(extra)),
                           doc.pos(vpath), extra[0])
                return None
            end = v["to"] if "to" in v else (raw[j + 1]["from"] - _ONE_DAY if j + 1 < len(raw)
                                             else coverage.end)
            spans.append(Span(v["from"], end, doc.pos(vpath), doc.pos(vpath + ("from",))))
            out.append((v["from"], end, v.get("in_force", True), v.get("note"), False,
                        v.get("amended_by"), v.get("when")))
        errs = check_tiling(spans, coverage, doc.pos(at + ("versions",)))
        self.errors.extend(errs)
        return None if errs else out

    def check_finding(self, doc: Document, at: tuple, expr: Any, values: tuple[str, ...],
                      column: str = "value") -> None:
        """A finding's value is one of its declared values, written as literals."""

        def leaves(node: ast.AST) -> list[ast.AST]:
            if isinstance(node, ast.IfExp):
                return leaves(node.body) + leaves(node.orelse)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "cite" \
                    and len(node.args) == 2:  # cite('provision', 'value'): the value
                return leaves(node.args[1])
            return [node]

        for leaf in leaves(expr.tree.body):
            if not (isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)):
                self.error(Message("a finding's value is one of its values, written as a "
                                   "quoted literal (or 'a' if c else 'b'): {source}",
                                   source=expr.source), expr.position,
                           "value")
            elif leaf.value not in values:
                close = _close_matches(leaf.value, values, n=1, cutoff=0.6)
                hint = Message("; did you mean {name!r}?", name=close[0]) if close else ""
                at_leaf = expr.position
                if isinstance(_get(doc.data, at).get(column), str):  # where the literal is
                    at_leaf = doc.locate(at + (column,), expr.source)(
                        leaf.col_offset)  # type: ignore[attr-defined]
                self.error(Message("{value!r} is not a value of this finding; it is one of "
                                   "{values}{hint}", value=leaf.value, values=', '.join(values),
                                   hint=hint), at_leaf, "value")

    def compile_value(self, doc: Document, path: tuple, scope: Scope, expect: str) -> Any:
        """A rule's value: an expression, or for a record kind one expression per field."""
        if not expect.startswith("record:"):
            return self.compile_scalar(doc, path, scope, expect, None)
        kind = KINDS[expect[7:]]
        body = _get(doc.data, path)
        pos = doc.pos(path)
        if not isinstance(body, dict):
            self.error(Message("a {name} value gives each of its fields: {fields}", name=kind.name,
                               fields=', '.join(kind.fields)), pos, "value")
            return None
        missing = [f for f in kind.fields if f not in body]
        extra = [f for f in body if f not in kind.fields]
        if missing or extra:
            what = Message("missing {missing}; unknown {extra}", missing=", ".join(missing),
                           extra=", ".join(extra)) if missing and extra else \
                Message("missing {missing}", missing=", ".join(missing)) if missing else \
                Message("unknown {extra}", extra=", ".join(extra))
            self.error(Message("a {name} value has the fields {fields} ({what})", name=kind.name,
                               fields=', '.join(kind.fields), what=what),
                       pos, "value")
            return None
        fields: list[tuple[str, Any]] = []
        ok = True
        for name, ftype in kind.fields.items():
            raw = body[name]
            fpath = path + (name,)
            if raw is None:
                if name not in kind.nullable:
                    self.error(Message("{name} cannot be null", name=name), doc.pos(fpath), name)
                    ok = False
                fields.append((name, None))
                continue
            if ftype.startswith("list["):
                elem = ftype[5:-1]
                if not isinstance(raw, list) or len(raw) != 2:
                    self.error(Message("{name} is null or a list of two {elem} expressions "
                                       "[min, max]", name=name, elem=elem),
                               doc.pos(fpath), name)
                    ok = False
                    continue
                parts = tuple(self.compile_scalar(doc, fpath + (j,), scope, elem, None)
                              for j in range(2))
                ok = ok and all(e is not None for e in parts)
                fields.append((name, parts))
                continue
            e = self.compile_scalar(doc, fpath, scope, ftype, kind.enums.get(name))
            ok = ok and e is not None
            fields.append((name, e))
        if not ok:
            return None
        src = ", ".join(f"{k}: {_field_source(v)}" for k, v in fields)
        return Record(src, pos, expect, tuple(fields))

    def compile_scalar(self, doc: Document, path: tuple, scope: Scope, expect: str,
                       enum: tuple[str, ...] | None) -> Any:
        """One field: an expression; a number or bool written plainly; an enum word as is."""
        raw = _get(doc.data, path)
        if enum is not None and isinstance(raw, str) and raw in enum:
            raw = repr(raw)
        elif enum is not None and isinstance(raw, str) and raw.isidentifier():
            close = _close_matches(raw, enum, n=1, cutoff=0.6)
            hint = Message("; did you mean {name!r}?", name=close[0]) if close else ""
            self.error(Message("{raw!r} is not one of {enum}{hint}", raw=raw, enum=', '.join(enum),
                               hint=hint), doc.pos(path),
                       str(path[-1]))
            return None
        if isinstance(raw, bool):
            raw = repr(raw)
        elif isinstance(raw, (int, Decimal)):
            raw = str(raw)
        if not isinstance(raw, str):
            self.error(Message("expected an expression, got {raw!r}", raw=raw),
                       doc.pos(path), str(path[-1]))
            return None
        locate = doc.locate(path, " ".join(raw.split()))
        try:
            return compile_expression(raw, scope, doc.pos(path), expect, locate)
        except StatuteError as e:
            self.errors.append(e)
            return None

    def versions(self, doc: Document, at: tuple, spec: dict, role: str, scope: Scope,
                 expect: str, coverage: Coverage) -> tuple[Version, ...] | None:
        # `when` decides whether a rule applies before any value exists: no `value` in it
        when_scope = scope.with_specials({k: t for k, t in scope.specials.items()
                                          if k != "value"})

        def compile_body(body: dict, path: tuple) -> tuple[Any, Any]:
            expr = self.compile_value(doc, path + (role,), scope, expect) \
                if role in body else None
            where = path + ("when",) if "when" in body else at + ("when",)
            when_expr = self.compile(doc, where, when_scope, "bool") \
                if "when" in body or "when" in spec else None
            return expr, when_expr

        if "versions" not in spec:
            expr, when = compile_body(spec, at)
            return (Version(coverage.start, coverage.end, expr, when, None, None, True,
                            doc.pos(at)),)
        if role in spec:
            self.error(Message("give '{role}' either on the rule or in its versions, not both",
                               role=role),
                       doc.pos(at + (role,)))
            return None
        raw = spec["versions"]
        out: list[Version] = []
        spans: list[Span] = []
        for j, v in enumerate(raw):
            vpath = at + ("versions", j)
            vpos = doc.pos(vpath)
            start = v["from"]
            if "to" in v:
                end = v["to"]
            elif j + 1 < len(raw):
                end = raw[j + 1]["from"] - _ONE_DAY
            else:
                end = coverage.end
            in_force = v.get("in_force", True)
            if in_force and role not in v:
                self.error(Message("version needs '{role}' (or in_force: false)", role=role), vpos)
            spans.append(Span(start, end, vpos, doc.pos(vpath + ("from",))))
            expr, when = compile_body(v, vpath) if in_force else (None, None)
            out.append(Version(start, end, expr, when, v.get("note"), v.get("text"), False, vpos,
                               v.get("amended_by")))
        self.errors.extend(check_tiling(spans, coverage, doc.pos(at + ("versions",))))
        return tuple(out)

    def decisions(self, doc: Document, rules: list[Rule], base: Scope,
                  currency: str | None) -> dict[str, Decision]:
        out = {}
        scope = base.with_specials({"on": "date"})
        for did, spec in doc.data["decisions"].items():
            pos = doc.pos(("decisions", did))
            kind = KINDS[spec["type"]]
            mine = [r for r in rules if did in r.decisions]
            dates = [r for r in mine if r.role == "applicable_date"]
            body = [r for r in mine if r.role not in ("applicable_date", "adjust")]
            adjusts = [r for r in mine if r.role == "adjust"]
            if len(dates) != 1 and not (self.incomplete and not dates):
                where = ", ".join(str(r.position) for r in dates) or Message("none found")
                self.error(Message("decision {did!r} needs exactly one applicable_date rule "
                                   "({where})", did=did, where=where),
                           pos)
            if not any(r.role == "value" for r in body) and not self.incomplete:
                self.error(Message("decision {did!r} has no value rule", did=did), pos)
            value_ids = {r.id for r in body if r.role == "value"}
            for r in mine:
                for o in r.overrides:
                    if r.role != "value" or o not in value_ids:
                        self.error(Message("overrides {o!r}: not a value rule of {did!r}", o=o,
                                           did=did),
                                   r.position, "overrides")
            if len(adjusts) > 1:
                orders = [r.order for r in adjusts]
                if None in orders or len(set(orders)) != len(orders):
                    self.error(Message("decision {did!r} has {n} adjust rules ({items}): give "
                                       "each a distinct 'order' (1, 2, ...) saying which "
                                       "applies first", did=did, n=len(adjusts),
                                       items=', '.join(r.id for r in adjusts)), pos)
                adjusts.sort(key=lambda r: r.order or 0)
            body.extend(adjusts)
            if kind.declares_values != ("values" in spec):
                self.error(Message("a {name} decision {value} 'values'", name=kind.name,
                                   value='needs' if kind.declares_values else 'has no'),
                           pos, "values")
            if "sum" in spec and spec["type"] not in _SUMMABLE:
                self.error(Message("a sum over days adds {SUMMABLE}; {did!r} is a {spec}",
                                   SUMMABLE=', '.join(_SUMMABLE), did=did, spec=spec['type']),
                           doc.pos(("decisions", did, "sum")), "sum")
            if "currency" in spec and not kind.money:
                self.error(Message("a {name} decision has no currency", name=kind.name),
                           pos, "currency")
            applies = self.compile(doc, ("decisions", did, "applies_if", "expr"), scope, "bool")
            if applies is not None and applies.params:
                self.error(Message("applies_if cannot read parameters ({params}): their value "
                                   "depends on the applicable date, which is decided after it",
                                   params=', '.join(applies.params)),
                           doc.pos(("decisions", did, "applies_if", "expr")), "applies_if")
            if not dates or applies is None:
                continue
            params: list[str] = []
            series: list[str] = []
            depends: list[str] = list(applies.decisions)
            for r in (dates[0], *body):
                for v in r.versions:
                    for e in (v.expr, v.when):
                        for p in e.params if e else ():
                            if p not in params:
                                params.append(p)
                        for p in e.series if e else ():
                            if p not in series:
                                series.append(p)
                        for dep in e.decisions if e else ():
                            if dep not in depends:
                                depends.append(dep)
            summed = self.sum_spec(doc, did, spec, kind, base, dates[0], body, params) \
                if "sum" in spec and spec["type"] in _SUMMABLE else None
            if summed is not None:  # the range may read decisions too (a deadline)
                for e in (summed.start, summed.end, summed.each, summed.empty_date):
                    for dep in e.decisions if e is not None else ():
                        if dep not in depends:
                            depends.append(dep)
            dcur = spec.get("currency", currency)
            money_decisions = {k for k, v in doc.data["decisions"].items() if v["type"] == "money"}
            if kind.money and dcur is None and not self.incomplete:
                for r in body:
                    exprs = [v.expr for v in r.versions if v.expr]
                    if r.role == "value" and exprs and not any(
                            p in self.money_params for e in exprs for p in e.params) \
                            and not any(dep in money_decisions for e in exprs
                                        for dep in e.decisions):
                        self.error(Message("money decision {did!r}: value rule {id!r} reads no "
                                           "money parameter, so its currency is unknown; "
                                           "declare currency: in rulebook.yaml or on the decision",
                                           did=did, id=r.id), r.position, "currency")
            out[did] = Decision(did, spec["title"], spec["type"], spec["per"], applies,
                                " ".join(spec["applies_if"]["reading"].split()), dates[0],
                                tuple(body), tuple(params), pos,
                                entitlement=spec.get("entitlement", False), currency=dcur,
                                values=tuple(spec.get("values", ())), depends=tuple(depends),
                                no_value=spec.get("no_value", "not_applicable"), sum=summed,
                                series=tuple(series), label=_label(spec),
                                unit=self.unit(doc, ("decisions", did), spec["type"]))
        return out

    def sum_spec(self, doc: Document, did: str, spec: dict, kind: Any, base: Scope,
                 date_rule: Rule, body: list[Rule], params: list[str]) -> Sum | None:
        """The range of days a decision is summed over, and its segment plan."""
        sp = spec["sum"]
        at = ("decisions", did, "sum")
        constant = {"on": "date"}
        if spec["per"] == "month":
            constant["period_start"] = "date"
        scope = base.with_specials(constant)
        start = self.compile(doc, at + ("from",), scope, "date")
        end = self.compile(doc, at + ("to",), scope, "date")
        each = None
        if "each" in sp:
            each = self.compile(doc, at + ("each",), base.with_specials(
                {**constant, "day": "date", "applicable_date": "date", "days": "int",
                 "value": kind.expr_type}), kind.expr_type)
            if each is None:
                return None
        if start is None or end is None:
            return None
        for e, key in ((start, "from"), (end, "to")):
            if e.params or e.series:
                self.error(Message("a sum's '{key}' cannot read parameters ({value}): their "
                                   "values depend on the days summed, which it decides", key=key,
                                   value=', '.join((*e.params, *e.series))),
                           doc.pos(at + (key,)), key)
                return None
        selector = date_rule.versions[0].expr
        trees = [e.tree for r in body for v in r.versions for e in (v.expr, v.when)
                 if e is not None and hasattr(e, "tree")]
        if each is not None:
            trees.append(each.tree)
        plan = plan_segments(trees, selector.tree, params) if selector is not None else None
        if plan is not None and plan.landmarks:  # compiled once, not walked for every case
            plan = replace(plan, compiled=tuple(
                self.landmark(ast.unparse(t), scope.with_specials(
                    {**constant, "day": "date", "applicable_date": "date"}), doc.pos(at))
                for t in plan.landmarks))
        empty = sp.get("empty") or {}
        empty_date = self.compile(doc, at + ("empty", "applicable_date"), scope, "date") \
            if "applicable_date" in empty else None
        if empty and kind.name not in _SUMMABLE:
            self.error(Message("'empty' gives a zero; a {name} has none", name=kind.name),
                       doc.pos(at + ("empty",)))
        return Sum(start, end, each, sp["cite"], " ".join(sp["text"].split()) if "text" in sp
                   else None, " ".join(sp["reading"].split()) if "reading" in sp else None,
                   doc.pos(at), plan, empty.get("cite"), empty_date,
                   " ".join(empty["reading"].split()) if "reading" in empty else None)


_SPECIALS = ("on", "day", "days", "applicable_date", "value", "period_start")
_SUMMABLE = ("money", "days", "int", "decimal")
_ROW_KEYS = ("key", "cite", "title", "text", "reading")


def _param_value(d: Mapping[str, Any], v: Mapping[str, Any], value: Any,
                 pos: Position) -> ParameterValue:
    """One dated value of a parameter, with the warning a confidence below high gives."""
    note = " ".join(v["note"].split()) if "note" in v else None
    source = " ".join(v["source"].split())
    shown = value_text(value) if isinstance(value, dict) else v["value"]
    warning = None if v["confidence"] == "high" else Message(
        "{id} = {value} {currency} from {start} has confidence '{confidence}': {note}",
        id=d["id"], value=shown, currency=v.get("currency") or "", start=v["from"],
        confidence=v["confidence"], note=note or source)
    return ParameterValue(v["from"], value, v.get("currency"), source, v["confidence"], note,
                          pos, warning, v.get("amended_by"))


def _close_matches(word: str, options: Any, n: int, cutoff: float) -> list[str]:
    import difflib  # only when there is a mistake to suggest a fix for

    return difflib.get_close_matches(word, options, n=n, cutoff=cutoff)


def _suggest_fact(name: str, facts: Any) -> str:
    close = _close_matches(name, list(facts), n=1, cutoff=0.6)
    return Message("; did you mean {name!r}?", name=close[0]) if close else ""


def _field_source(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, tuple):
        return "[" + ", ".join(e.source for e in v) + "]"
    return str(v.source)


def _label(spec: Mapping[str, Any]) -> str | None:
    """A `label:` as explanations write it: its words on one line (the schema checked it)."""
    label = spec.get("label")
    return " ".join(label.split()) if isinstance(label, str) else None


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def _natural(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def _list_fact(doc: Document, name: str, spec: Mapping[str, Any], pos: Position,
               error: Callable[[str, Position, str | None], None]) -> Fact:
    """A `type: list` fact of facts.yaml: its items' type, its bound and its default checked."""
    from engine.evaluate.facts import ListFact, coerce_list
    from engine.expr.limits import MAX_LIST_ITEMS, MAX_RECORD_FIELDS

    def at(*key: str) -> Position:
        return doc.pos(("facts", name, *key))

    cite, description = spec["cite"], " ".join(spec["description"].split())
    if spec["max_items"] > MAX_LIST_ITEMS:
        error(Message("max_items {spec} is over the engine's ceiling of {MAX_LIST_ITEMS}",
                      spec=spec['max_items'], MAX_LIST_ITEMS=MAX_LIST_ITEMS),
              at("max_items"), name)
    of = spec["of"]
    item: Fact | None = None
    fields: list[tuple[str, Fact]] = []
    if of == "record":
        if len(spec["fields"]) > MAX_RECORD_FIELDS:
            error(Message("a record has at most {MAX_RECORD_FIELDS} fields, not {n}",
                          MAX_RECORD_FIELDS=MAX_RECORD_FIELDS, n=len(spec['fields'])),
                  at("fields"), name)
        for fname, fspec in spec["fields"].items():
            if (fspec["type"] == "enum") != ("values" in fspec):
                error(Message("an enum field needs its values") if fspec["type"] == "enum"
                      else Message("values are for an enum field, not a {type}",
                                   type=fspec["type"]),
                      at("fields", fname), name)
            fields.append((fname, Fact(f"{name}.{fname}", fspec["type"],
                                       frozenset(fspec.get("values", ())) or None, NO_DEFAULT,
                                       None, cite, description, pos)))
    else:
        if "fields" in spec:
            error(Message("fields are for a list of records (of: record)"), doc.key_pos(
                ("facts", name, "fields")), name)
        item = Fact(f"{name}[]", of, frozenset(spec["values"]) if "values" in spec else None,
                    NO_DEFAULT, None, cite, description, pos)
    fact = ListFact(name, "list", item.values if item is not None else None, NO_DEFAULT, None,
                    cite, description, pos, _label(spec), None, of,
                    max(1, min(spec["max_items"], MAX_LIST_ITEMS)), item, tuple(fields))
    if "default_from" in spec:
        error(Message("a list fact cannot default to the evaluation date; give default: [] or "
                      "a list"),
              at("default_from"), name)
    if "default" not in spec:
        return fact
    if spec["default"] is None:
        error(Message("a list fact cannot default to null; give default: [] (no items) or a list"),
              at("default"), name)
        return fact
    try:
        default = coerce_list(spec["default"], fact)
    except ValueError as e:
        where = getattr(e, "where", "")
        error(Message("default{where}: {e}", where=where, e=e), at("default"), name)
        return fact
    return replace(fact, default=default)
