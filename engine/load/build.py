"""Read a rulebook folder, validate every file, compile every expression, once.

All problems found are collected and raised together as `ErrorList`, each as
`file:line:col: message`, so `statute check` shows a drafter everything at once.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from engine.load.schema import schema_errors
from engine.load.yaml import Document, read_yaml
from engine.errors import ErrorList, LoadError, Position, StatuteError
from engine.expr import Scope, compile_expression, parse_definition
from engine.expr.helpers import HELPERS, SPECIAL_FORMS
from engine.model import (NO_DEFAULT, Act, Coverage, Decision, Fact, Parameter, ParameterValue,
                    Rounding, Rule, Version)
from engine.compile.codegen import compile_event_decision
from engine.evaluate.decide import fast_path_helpers
from engine.rulebook import Rulebook

__all__ = ["load"]

ROLES = ("applicable_date", "requires", "unless", "amount", "adjust")
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
_DECISION_VALUE_TYPE = {"money": "money", "days": "int", "int": "int", "date": "date",
                        "finding": "bool", "bool": "bool", "decimal": "decimal"}


def load(path: str | Path) -> Rulebook:
    """Load and compile the rulebook in folder `path`; raise ErrorList listing every problem."""
    return _Loader(Path(path)).run()


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.monthly: set[str] = set()
        self.incomplete = False  # an article file failed: decision checks would only echo it
        self.errors: list[StatuteError] = []

    # -- plumbing -----------------------------------------------------------
    def error(self, message: str, position: Position, field: str | None = None) -> None:
        self.errors.append(LoadError(message, position, field))

    def read(self, rel: str | Path, schema: str, partial: list | None = None) -> Document | None:
        """The document if it is valid; with `partial`, an invalid one is appended there."""
        path = self.root / rel
        if not path.is_file():
            why = ("not a regular file" if path.exists()
                   else f"missing file (every rulebook has {rel})")
            self.error(why, Position(str(path)))
            return None
        try:
            doc = read_yaml(path)
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
        if not self.root.is_dir():
            raise ErrorList([LoadError("not a rulebook folder", Position(str(self.root)))])
        meta = self.read("rulebook.yaml", "rulebook")
        facts_doc = self.read("facts.yaml", "facts")
        decisions_doc = self.read("decisions.yaml", "decisions")
        acts = self.acts()
        params = self.parameters()
        facts = self.facts(facts_doc) if facts_doc else {}
        if meta is None or facts_doc is None or decisions_doc is None:
            raise ErrorList(self.errors or [LoadError("rulebook is incomplete",
                                                      Position(str(self.root)))])
        coverage = self.coverage(meta)
        scope_base = Scope(
            facts={n: f.expr_type for n, f in facts.items()},
            enums={n: f.values for n, f in facts.items() if f.values},
            params={n: p.type for n, p in params.items()},
            specials={},
            nullable=frozenset(n for n, f in facts.items()
                               if f.default is None and f.default_from is None))
        definitions = self.definitions(scope_base)
        scope_base = Scope(scope_base.facts, scope_base.enums, scope_base.params, {},
                           scope_base.nullable, definitions)
        rules = self.articles(scope_base, coverage, decisions_doc)
        decisions = self.decisions(decisions_doc, rules, scope_base)
        if self.errors:
            raise ErrorList(self.errors)
        data = meta.data
        rounding = Rounding(Decimal(data["rounding"]["quantum"]), data["rounding"]["mode"])
        self.check_acts(acts, meta, params, decisions)
        if self.errors:
            raise ErrorList(self.errors)
        rb = Rulebook(
            id=data["id"], title=data["title"], root=str(self.root), meta=data,
            coverage=coverage, rounding=rounding, facts=facts, parameters=params,
            decisions=decisions, position=meta.pos(), acts=acts, baseline_act=data["act"],
            verified_through=data["verified_through"])
        helpers = fast_path_helpers()
        for d in decisions.values():
            if d.per == "event":
                rb.fast[d.id] = compile_event_decision(rb, d, helpers)
        return rb

    def acts(self) -> dict[str, Act]:
        doc = self.read("amendments.yaml", "amendments")
        out: dict[str, Act] = {}
        if doc is None:
            return out
        for i, a in enumerate(doc.data["acts"]):
            pos = doc.pos(("acts", i))
            if a["id"] in out:
                self.error(f"act {a['id']!r} is listed twice", pos, "id")
            out[a["id"]] = Act(a["id"], " ".join(a["title"].split()), a.get("adopted"),
                               a["published"], a["in_force"], " ".join(a["source"].split()),
                               a.get("known", True), a.get("baseline", False),
                               " ".join(a["note"].split()) if "note" in a else None, pos)
        return out

    def check_acts(self, acts: dict[str, Act], meta: Document, params: dict[str, Parameter],
                   decisions: dict[str, Decision]) -> None:
        """Every dated change names a listed act; the baseline act is marked as such."""
        def need(act: str | None, pos: Position, what: str) -> None:
            if act is None:
                self.error(f"{what} names no act; add act: <id from amendments.yaml>", pos, "act")
            elif act not in acts:
                known = ", ".join(sorted(acts)) or "none"
                self.error(f"{what} names act {act!r}, which amendments.yaml does not list "
                           f"(it lists {known})", pos, "act")

        need(meta.data["act"], meta.pos(("act",)), "the rulebook")
        if "ended_by" in meta.data["coverage"]:
            need(meta.data["coverage"]["ended_by"], meta.pos(("coverage", "ended_by")),
                 "the end of coverage")
        if meta.data["act"] in acts and not acts[meta.data["act"]].baseline:
            self.error(f"act {meta.data['act']!r} is the rulebook's baseline wording; mark it "
                       "baseline: true in amendments.yaml", acts[meta.data["act"]].position)
        for p in params.values():
            for pv in p.values:
                need(pv.act, pv.position, f"{p.id} value from {pv.start}")
        seen = set()
        for d in decisions.values():
            for r in (d.applicable_date, *d.rules):
                if r.id in seen:
                    continue
                seen.add(r.id)
                for v in r.versions:
                    if not v.assumed:
                        need(v.act, v.position, f"version of {r.id} from {v.start}")

    def coverage(self, meta: Document) -> Coverage:
        c = meta.data["coverage"]
        if c["from"] > c["to"]:
            self.error("coverage 'from' is after 'to'", meta.pos(("coverage",)))
        return Coverage(c["from"], c["to"], " ".join(c["assumption"].split()))

    def facts(self, doc: Document) -> dict[str, Fact]:
        out = {}
        for name, spec in doc.data["facts"].items():
            pos = doc.pos(("facts", name))
            values = frozenset(spec["values"]) if "values" in spec else None
            default = spec.get("default", NO_DEFAULT)
            if default is not NO_DEFAULT and default is not None:
                ok = _FACT_TYPE_CHECK[spec["type"]](default)
                if not ok or (values is not None and default not in values):
                    self.error(f"default {default!r} is not a valid {spec['type']}"
                               + (f" (one of {', '.join(sorted(values))})" if values else ""),
                               doc.pos(("facts", name, "default")), name)
                if spec["type"] in ("money", "decimal"):
                    default = Decimal(default)
            if default is None and spec["type"] == "bool":
                self.error("a bool fact cannot default to null; give true or false",
                           doc.pos(("facts", name, "default")), name)
            out[name] = Fact(name, spec["type"], values, default, spec.get("default_from"),
                             spec["cite"], " ".join(spec["description"].split()), pos)
        return out

    def definitions(self, base: Scope) -> dict[str, Any]:
        """Named expressions (definitions.yaml, optional), each checked where it is written."""
        if not (self.root / "definitions.yaml").is_file():
            return {}
        doc = self.read("definitions.yaml", "definitions")
        if doc is None:
            return {}
        parsed: dict[str, Any] = {}
        taken = {*base.params, "day", "on", "amount", *HELPERS, *SPECIAL_FORMS,
                 *(f.split(".")[0] for f in base.facts)}
        for name, spec in doc.data["definitions"].items():
            if name in taken:
                self.error(f"definition {name!r} would hide a fact group, parameter, helper or "
                           f"special name of the same name; rename it", doc.key_pos(
                               ("definitions", name)), name)
                continue
            try:
                parsed[name] = parse_definition(spec["expr"],
                                                doc.pos(("definitions", name, "expr")))
            except StatuteError as e:
                self.errors.append(e)
        scope = Scope(base.facts, base.enums, base.params, {"on": "date", "day": "date"},
                      base.nullable, parsed)
        want = {"str": "str"}
        for name in parsed:
            spec = doc.data["definitions"][name]
            self.compile(doc, ("definitions", name, "expr"), scope,
                         want.get(spec["type"], spec["type"]))
        return parsed

    def parameters(self) -> dict[str, Parameter]:
        out: dict[str, Parameter] = {}
        folder = self.root / "parameters"
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            invalid: list[Document] = []
            doc = self.read(path.relative_to(self.root), "parameter", invalid)
            if doc is None:
                # keep the name known so its readers do not report it as unknown too
                d = invalid[0].data if invalid else None
                if isinstance(d, dict) and isinstance(d.get("id"), str) and \
                        d.get("type") in ("money", "decimal", "int"):
                    out[d["id"]] = Parameter(d["id"], str(d.get("title")), d["type"], "", (),
                                             invalid[0].pos())
                continue
            d = doc.data
            if d["id"] != path.stem:
                self.error(f"parameter id {d['id']!r} differs from its file name {path.stem!r}",
                           doc.pos(("id",)), "id")
            values: list[ParameterValue] = []
            for i, v in enumerate(d["values"]):
                pos = doc.pos(("values", i))
                if d["type"] == "money" and "currency" not in v:
                    self.error("a money value needs its currency", pos, "currency")
                if d["type"] != "money" and "currency" in v:
                    self.error(f"a {d['type']} parameter has no currency", pos, "currency")
                if not abs(v["value"]) < 10 ** 15:
                    self.error(f"value {v['value']} is out of range (under 10^15)",
                               doc.pos(("values", i, "value")), "value")
                if values and v["from"] <= values[-1].start:
                    self.error(f"values must be in date order: {v['from']} is not after "
                               f"{values[-1].start}", doc.pos(("values", i, "from")), "from")
                note = " ".join(v["note"].split()) if "note" in v else None
                source = " ".join(v["source"].split())
                warning = None if v["confidence"] == "high" else (
                    f"{d['id']} = {v['value']} {v.get('currency') or ''} from {v['from']} has "
                    f"confidence '{v['confidence']}': {note or source}")
                values.append(ParameterValue(v["from"], Decimal(v["value"]), v.get("currency"),
                                             source, v["confidence"], note, pos, warning,
                                             v.get("act")))
            out[d["id"]] = Parameter(d["id"], d["title"], d["type"], d["cite"], tuple(values),
                                     doc.pos(), tuple(v.start for v in values),
                                     d["verified_through"])
        return out

    def articles(self, base: Scope, coverage: Coverage, decisions_doc: Document) -> list[Rule]:
        rules: list[Rule] = []
        seen: dict[str, Position] = {}
        types = {k: v["type"] for k, v in decisions_doc.data["decisions"].items()}
        self.monthly = {k for k, v in decisions_doc.data["decisions"].items()
                        if v["per"] == "month"}
        folder = self.root / "articles"
        paths = sorted(folder.glob("*.yaml"), key=_natural) if folder.is_dir() else []
        if not paths:
            self.error("no article files (articles/*.yaml)", Position(str(folder)))
        for path in paths:
            doc = self.read(path.relative_to(self.root), "article")
            if doc is None:
                self.incomplete = True
                continue
            citation = doc.data["citation"]
            for i, spec in enumerate(doc.data["rules"]):
                rule = self.rule(doc, i, spec, citation, base, coverage, types)
                if rule is None:
                    continue
                if rule.id in seen:
                    self.error(f"rule id {rule.id!r} is already used at {seen[rule.id]}",
                               rule.position, "id")
                seen[rule.id] = rule.position
                rules.append(rule)
        return rules

    def rule(self, doc: Document, i: int, spec: dict, citation: str, base: Scope,
             coverage: Coverage, types: dict[str, str]) -> Rule | None:
        at = ("rules", i)
        pos = doc.pos(at)
        cite = spec["cite"]
        if not _cites_within(cite, citation):
            self.error(f"citation {cite!r} is not within this file's {citation!r}",
                       doc.pos(at + ("cite",)), "cite")
        decisions = (spec["decision"],) if isinstance(spec["decision"], str) else tuple(
            spec["decision"])
        for d in decisions:
            if d not in types:
                self.error(f"unknown decision {d!r}; decisions.yaml declares "
                           f"{', '.join(sorted(types))}", doc.pos(at + ("decision",)), "decision")
                return None
        role = next((r for r in ROLES if r in spec), None)
        if role is None:  # versions carry the role
            roles = {r for v in spec["versions"] for r in ROLES if r in v}
            if len(roles) != 1:
                self.error("every version of a rule needs the same one of "
                           "requires, unless, amount, adjust", doc.pos(at + ("versions",)))
                return None
            role = roles.pop()
        expect = {"applicable_date": "date", "requires": "bool", "unless": "bool"}.get(role)
        if expect is None:
            kinds = {_DECISION_VALUE_TYPE[types[d]] for d in decisions}
            if len(kinds) != 1:
                self.error("an amount rule serves decisions of one type only", pos, "decision")
                return None
            expect = kinds.pop()
        specials = {"on": "date", "day": "date"}
        if role == "applicable_date" and not set(decisions) & self.monthly:
            del specials["day"]  # an event's applicable date is what defines `day`
        if role == "adjust":
            specials["amount"] = expect
        scope = Scope(base.facts, base.enums, base.params, specials, base.nullable,
                      base.definitions)
        if role == "applicable_date" and ("versions" in spec or "when" in spec):
            self.error("an applicable_date rule has no versions and no 'when': it selects them",
                       pos)
            return None
        versions = self.versions(doc, at, spec, role, scope, expect, coverage)
        if versions is None:
            return None
        if role == "applicable_date" and versions[0].expr is not None and versions[0].expr.params:
            self.error(f"an applicable date cannot read parameters "
                       f"({', '.join(versions[0].expr.params)}): it is what selects their values",
                       doc.pos(at + ("applicable_date",)), "applicable_date")
        return Rule(spec["id"], cite, spec.get("title"), " ".join(spec["text"].split()),
                    spec.get("reading"), role, decisions, versions,
                    tuple(spec.get("overrides", ())), citation, pos,
                    tuple(v.start for v in versions))

    def versions(self, doc: Document, at: tuple, spec: dict, role: str, scope: Scope,
                 expect: str, coverage: Coverage) -> tuple[Version, ...] | None:
        # `when` decides whether a rule applies before any amount exists: no `amount` in it
        when_scope = Scope(scope.facts, scope.enums, scope.params,
                           {k: t for k, t in scope.specials.items() if k != "amount"},
                           scope.nullable, scope.definitions)

        def compile_body(body: dict, path: tuple) -> tuple[Any, Any]:
            expr = self.compile(doc, path + (role,), scope, expect) if role in body else None
            where = path + ("when",) if "when" in body else at + ("when",)
            when_expr = self.compile(doc, where, when_scope, "bool") \
                if "when" in body or "when" in spec else None
            return expr, when_expr

        if "versions" not in spec:
            expr, when = compile_body(spec, at)
            return (Version(coverage.start, coverage.end, expr, when, None, None, True,
                            doc.pos(at)),)
        if role in spec:
            self.error(f"give '{role}' either on the rule or in its versions, not both",
                       doc.pos(at + (role,)))
            return None
        raw = spec["versions"]
        out: list[Version] = []
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
                self.error(f"version needs '{role}' (or in_force: false)", vpos)
            if end < start:
                self.error(f"version ends ({end}) before it starts ({start})", vpos, "to")
            if start < coverage.start or end > coverage.end:
                self.error(f"version {start}..{end} lies outside the rulebook's coverage "
                           f"{coverage.start}..{coverage.end}", vpos)
            if out:
                prev = out[-1]
                if start <= prev.end:
                    self.error(f"version from {start} overlaps the previous one "
                               f"({prev.start}..{prev.end})", doc.pos(vpath + ("from",)), "from")
                elif start != prev.end + _ONE_DAY:
                    self.error(f"gap between versions: nothing is in force from "
                               f"{prev.end + _ONE_DAY} to {start - _ONE_DAY}",
                               doc.pos(vpath + ("from",)), "from")
            expr, when = compile_body(v, vpath) if in_force else (None, None)
            out.append(Version(start, end, expr, when, v.get("note"), v.get("text"), False, vpos,
                               v.get("act")))
        if out and (out[0].start != coverage.start or out[-1].end != coverage.end):
            first, last = out[0], out[-1]
            hole = (f"{coverage.start}..{first.start - _ONE_DAY}" if first.start != coverage.start
                    else f"{last.end + _ONE_DAY}..{coverage.end}")
            self.error(f"no version is in force from {hole}, inside the coverage "
                       f"{coverage.start}..{coverage.end}; add a version (in_force: false for "
                       "a period the rule did not exist)", doc.pos(at + ("versions",)), "versions")
        return tuple(out)

    def decisions(self, doc: Document, rules: list[Rule], base: Scope) -> dict[str, Decision]:
        out = {}
        scope = Scope(base.facts, base.enums, base.params, {"on": "date"}, base.nullable,
                      base.definitions)
        for did, spec in doc.data["decisions"].items():
            pos = doc.pos(("decisions", did))
            mine = [r for r in rules if did in r.decisions]
            dates = [r for r in mine if r.role == "applicable_date"]
            body = [r for r in mine if r.role != "applicable_date"]
            if len(dates) != 1 and not (self.incomplete and not dates):
                where = ", ".join(str(r.position) for r in dates) or "none found"
                self.error(f"decision {did!r} needs exactly one applicable_date rule ({where})",
                           pos)
            if not any(r.role == "amount" for r in body) and not self.incomplete:
                self.error(f"decision {did!r} has no amount rule", pos)
            amount_ids = {r.id for r in body if r.role == "amount"}
            for r in body:
                for o in r.overrides:
                    if r.role != "amount" or o not in amount_ids:
                        self.error(f"overrides {o!r}: not an amount rule of {did!r}",
                                   r.position, "overrides")
            applies = self.compile(doc, ("decisions", did, "applies_if", "expr"), scope, "bool")
            if applies is not None and applies.params:
                self.error(f"applies_if cannot read parameters ({', '.join(applies.params)}): "
                           "their value depends on the applicable date, which is decided after "
                           "it", doc.pos(("decisions", did, "applies_if", "expr")), "applies_if")
            if not dates or applies is None:
                continue
            params: list[str] = []
            for r in body:
                for v in r.versions:
                    for e in (v.expr, v.when):
                        for p in e.params if e else ():
                            if p not in params:
                                params.append(p)
            out[did] = Decision(did, spec["title"], spec["type"], spec["per"], applies,
                                " ".join(spec["applies_if"]["reading"].split()), dates[0],
                                tuple(body), tuple(params), pos)
        return out


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def _natural(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def _cites_within(cite: str, citation: str) -> bool:
    """`Art. 9(2)(1)` lies within `Art. 9`; `Art. 90` does not."""
    if not cite.startswith(citation):
        return False
    rest = cite[len(citation):]
    return not rest or not rest[0].isalnum()
