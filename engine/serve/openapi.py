"""The OpenAPI 3.1 document, generated from the loaded rulebooks.

A rulebook id holds `/`, and a request body's schema cannot depend on a path
parameter, so every rulebook has its own literal paths, and its decide requests their
own schema: its facts as nested groups, each with its type, allowed values, default and
a description citing the article. Responses are the result contract
(`engine/schemas/result.schema.json`); examples are the rulebook's own `examples/`.
"""
from __future__ import annotations

import json
import re
from importlib import resources as _res
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.dates import MAX_DATE, MIN_DATE
from engine.errors import StatuteError
from engine.evaluate.facts import read_case
from engine.expr.limits import MAX_AMOUNT, MAX_TEXT
from engine.model import NO_DEFAULT, Fact, value_json
from engine.serve.explain import LANGUAGES, TRACE_MODES

if TYPE_CHECKING:
    from engine.serve.limits import Limits
    from engine.serve.registry import Catalog

__all__ = ["document", "facts_schema", "fact_schema"]

_DECIMAL = r"^(0|[1-9][0-9]*)(\.[0-9]+)?$"
_MONTH = r"^[0-9]{4}-[0-9]{2}$"
MAX_EXAMPLES = 5  # per rulebook, from its examples/ folder


def _years(lo: int, hi: int) -> str:
    """A pattern for the years lo..hi: whole centuries as `CC[0-9]{2}`, the rest listed."""
    alts: list[str] = []
    y = lo
    while y <= hi:
        if y % 100 == 0 and y + 99 <= hi:
            alts.append(f"{y // 100}[0-9]{{2}}")
            y += 100
        else:
            alts.append(str(y))
            y += 1
    return "|".join(alts)


DATE = {"type": "string", "format": "date",
        "pattern": f"^({_years(MIN_DATE.year, MAX_DATE.year)})-[0-9]{{2}}-[0-9]{{2}}$",
        "description": f"YYYY-MM-DD, from {MIN_DATE} to {MAX_DATE}"}
"""A date the engine reads: ISO, within the range every date must fall in."""


def _scalar(kind: str, f: Any) -> dict[str, Any]:
    if kind == "date":
        return {k: v for k, v in DATE.items() if k != "description"}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "int":
        return {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT - 1}
    if kind in ("money", "decimal"):  # exact: a string of digits, or a JSON number
        return {"anyOf": [{"type": "string", "pattern": _DECIMAL},
                          {"type": "number", "minimum": 0, "exclusiveMaximum": MAX_AMOUNT}]}
    if kind == "enum":
        return {"type": "string", "enum": sorted(f.values or ())}
    return {"type": "string", "maxLength": MAX_TEXT}


def fact_schema(f: Fact) -> dict[str, Any]:
    """One fact's schema: its type, values, default; null leaves it unstated."""
    of = getattr(f, "of", None)
    if f.type == "list":
        if of == "record":
            items: dict[str, Any] = {
                "type": "object", "additionalProperties": False,
                "required": [n for n, _ in f.fields],  # type: ignore[attr-defined]
                "properties": {n: _scalar(x.type, x) for n, x in f.fields}}  # type: ignore
        else:
            item = f.item  # type: ignore[attr-defined]
            items = _scalar(item.type, item) if item is not None else {}
        s: dict[str, Any] = {"type": "array", "items": items,
                             "maxItems": f.max_items}  # type: ignore[attr-defined]
    else:
        s = _scalar(f.type, f)
    s = {"anyOf": [s, {"type": "null"}]}
    s["description"] = f"{' '.join(f.description.split())} ({f.cite})" if f.cite else \
        " ".join(f.description.split())
    if f.default_from is not None:
        s["description"] += f"; default: the {f.default_from} date"
    elif f.default is not NO_DEFAULT and f.default is not None:
        s["default"] = value_json(f.default) if not isinstance(f.default, (bool, int)) \
            else f.default
    return s


def facts_schema(facts: Any) -> dict[str, Any]:
    """The vocabulary as nested groups (`loan: {due_date: ...}`), no other names."""
    root: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {}}
    for name, f in facts.items():
        at = root
        parts = name.split(".")
        for group in parts[:-1]:
            at = at["properties"].setdefault(group, {"type": "object",
                                                     "additionalProperties": False,
                                                     "properties": {}})
        at["properties"][parts[-1]] = fact_schema(f)
    return root


def _result_schema() -> dict[str, Any]:
    s = json.loads(_res.files("engine.schemas").joinpath("result.schema.json").read_text())
    s.pop("$schema", None)
    s.pop("$id", None)
    s["properties"]["engine_version"] = {"type": "string"}
    s["properties"]["explanation"] = {"$ref": "#/components/schemas/Explanation"}
    s["required"] = [*s["required"], "engine_version", "rulebook_hash"]
    return s


def _schedule_schema() -> dict[str, Any]:
    decisions = {"$ref": "#/components/schemas/Result/properties/decisions"}
    return {"type": "object",
            "required": ["rulebook", "on", "from", "to", "months", "totals", "total",
                         "warnings", "engine_version"],
            "properties": {
                "rulebook": {"type": "string"}, "on": {"type": "string", "format": "date"},
                "from": {"type": "string"}, "to": {"type": "string"},
                "months": {"type": "array", "items": {
                    "type": "object", "required": ["period", "parameters", "decisions"],
                    "properties": {"period": {"type": "string"},
                                   "parameters": {"type": "object"},
                                   "decisions": decisions}}},
                "totals": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": {"type": "string"}}},
                "total": {"type": "object", "additionalProperties": {"type": "string"}},
                "warnings": {"type": "array", "items": {"type": "string"}},
                "rulebook_hash": {"type": "string"}, "rulebook_version": {"type": "string"},
                "as_known_on": {"type": "string"}, "engine_version": {"type": "string"}}}


_PROBLEM = {"type": "object", "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"}, "title": {"type": "string"},
                "status": {"type": "integer"}, "detail": {"type": "string"},
                "suggestion": {"type": "string"},
                "errors": {"type": "array", "items": {
                    "type": "object", "required": ["detail"],
                    "properties": {"pointer": {"type": "string",
                                               "description": "RFC 6901, into the body"},
                                   "parameter": {"type": "string"},
                                   "field": {"type": "string"},
                                   "detail": {"type": "string"}}}}}}
def _obj(*required: str, **props: Any) -> dict[str, Any]:
    """An object schema: these keys required, these properties typed, others allowed."""
    return {"type": "object", "required": list(required), "properties": props}


_S, _A, _O = {"type": "string"}, {"type": "array"}, {"type": "object"}
_PINS = {"rulebook_hash": _S, "engine_version": _S}
_CHANGES = {"type": "array", "items": _obj("date", "kind", "subject", "decisions",
                                           date=_S, kind=_S, subject=_S, decisions=_A)}
_GETS = {  # the GET bodies: their keys, shaped as the CLI's JSON is
    "Rulebook": _obj("id", "title", "coverage", "decisions", "facts", "parameters",
                     *_PINS, id=_S, title=_S, coverage=_O, decisions=_O, facts=_O,
                     parameters=_O, **_PINS),
    "Decision": _obj("id", "type", "rules", "facts_read", "rulebook", *_PINS, id=_S,
                     type=_S, rules=_O, rulebook=_S, **_PINS, facts_read=_obj(
                         "all", "own", "via", "decisions", all=_A, own=_A, via=_O,
                         decisions=_A)),
    "Parameter": _obj("id", "type", "series", "rulebook", *_PINS, id=_S, type=_S,
                      rulebook=_S, **_PINS, series={"type": "array", "items": _obj(
                          "from", "value", "source", "confidence", **{"from": _S},
                          source=_S, confidence=_S)}),
    "Timeline": _obj("rulebook", "changes", *_PINS, rulebook=_S, changes=_CHANGES, **_PINS),
    "Diff": _obj("rulebook", "from", "to", "changes", *_PINS, rulebook=_S, changes=_CHANGES,
                 **{"from": _S, "to": _S}, **_PINS),
    "Rulebooks": _obj("rulebooks", "engine_version", engine_version=_S, rulebooks={
        "type": "array", "items": _obj("id", "title", "coverage", "decisions", *_PINS,
                                       id=_S, title=_S, **_PINS)}),
    "Health": _obj("status", "engine_version", "rulebooks", "failures",
                   status={"enum": ["ok", "degraded"]}, engine_version=_S, rulebooks=_O,
                   failures={"type": "array", "items": _obj("folder", "errors", folder=_S,
                                                            errors=_A)}),
}


def _problems(*codes: int) -> dict[str, Any]:
    why = {400: "malformed JSON or query", 404: "unknown rulebook, decision or parameter",
           405: "method not allowed", 413: "body too large", 415: "not JSON",
           422: "invalid case or options", 500: "the rulebook could not decide a valid case",
           503: "over the concurrency cap (see Retry-After)",
           504: "past the per-request deadline"}
    return {str(c): {"description": why[c], "content": {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}} for c in codes}


def _ok(schema: dict[str, Any], what: str) -> dict[str, Any]:
    return {"description": what, "headers": {
        "Statute-Rulebook-Hash": {"schema": {"type": "string"}},
        "Statute-Engine-Version": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": schema}}}


def _get(summary: str, schema: dict[str, Any], params: list | None = None) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": params or [],
                    "responses": {"200": _ok(schema, summary),
                                  "304": {"description": "not modified (If-None-Match)"},
                                  **_problems(400, 404, 405)}}}


def _post(summary: str, request: dict[str, Any], response: dict[str, Any],
          examples: dict[str, Any] | None = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": request}
    if examples:
        media["examples"] = examples
    return {"post": {"summary": summary,
                     "requestBody": {"required": True, "content": {"application/json": media}},
                     "responses": {"200": _ok(response, summary),
                                   **_problems(400, 404, 405, 413, 415, 422, 500, 503,
                                               504)}}}


def _slug(rid: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", rid).strip("_")


def _examples(folder: str, rid: str) -> dict[str, Any]:
    """The rulebook's example cases as request bodies (JSON: dates and amounts as text)."""
    out: dict[str, Any] = {}
    for p in sorted(Path(folder, "examples").glob("*.yaml"))[:MAX_EXAMPLES]:
        try:
            case = read_case(p)
        except StatuteError:
            continue
        body: dict[str, Any] = {"on": case.on.isoformat()}
        if case.period is not None:
            body["period"] = case.period.strftime("%Y-%m")
        body["facts"] = json.loads(json.dumps(case.facts, default=str))
        out[p.stem] = {"summary": f"{rid}: examples/{p.name}", "value": body}
    return out


def _paths(entry: Any, schemas: dict[str, Any], limits: "Limits") -> dict[str, Any]:
    rb = entry.rb
    base = f"/rulebooks/{rb.id}"
    slug = _slug(rb.id)
    ids = list(rb.decisions)
    options = {
        "decisions": {"type": "array", "items": {"type": "string", "enum": ids},
                      "description": "decide only these (default: every decision)"},
        "trace": {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": list(TRACE_MODES)}],
                  "description": "include the explanation trace (true: every step)"},
        "lang": {"type": "string", "enum": list(LANGUAGES),
                 "description": "add `explanation`, the answer as text for this reader"},
        "as_known_on": {**DATE,
                        "description": "decide with only the acts published by this date"},
    }
    case = {"on": {**DATE, "description": "the evaluation date YYYY-MM-DD"},
            "period": {"type": "string", "pattern": _MONTH,
                       "description": "the month asked about, for monthly decisions"},
            "facts": {"$ref": f"#/components/schemas/{slug}_facts"}}
    schemas[f"{slug}_facts"] = facts_schema(rb.facts)
    schemas[f"{slug}_case"] = {"type": "object", "additionalProperties": False,
                               "required": ["on"], "properties": case}
    schemas[f"{slug}_decide"] = {"type": "object", "additionalProperties": False,
                                 "required": ["on"], "properties": {**case, **options}}
    month = {"type": "string", "pattern": _MONTH}
    schemas[f"{slug}_schedule"] = {
        "type": "object", "additionalProperties": False, "required": ["on", "from", "to"],
        "properties": {**case, **options, "from": {**month, "description": "first month"},
                       "to": {**month, "description": "last month"}}}
    schemas[f"{slug}_decide_many"] = {
        "type": "object", "additionalProperties": False, "required": ["cases"],
        "properties": {"cases": {"type": "array", "maxItems": limits.max_cases,
                                 "items": {"$ref": f"#/components/schemas/{slug}_case"}},
                       **options}}
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    examples = _examples(entry.folder, rb.id)

    def enum_param(name: str, values: list[str], what: str) -> dict[str, Any]:
        return {"name": name, "in": "path", "required": True, "description": what,
                "schema": {"type": "string", "enum": values}}

    def date_param(name: str, required: bool) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": required,
                "schema": DATE}

    paths = {
        base: _get(f"{rb.title}: metadata, coverage, decisions, facts", ref("Rulebook")),
        f"{base}/decisions/{{decision}}": _get(
            "a decision's rules by role and the exact facts it can read", ref("Decision"),
            [enum_param("decision", ids, "a decision id")]),
        f"{base}/parameters/{{name}}": _get(
            "a parameter's series, and with `at` the value in force that day", ref("Parameter"),
            [enum_param("name", list(rb.parameters), "a parameter id"),
             date_param("at", False)]),
        f"{base}/timeline": _get("every dated change and its act", ref("Timeline")),
        f"{base}/diff": _get("what differs between two dates", ref("Diff"),
                             [date_param("from", True), date_param("to", True)]),
        f"{base}/decide": _post("decide a case (the result contract)", ref(f"{slug}_decide"),
                                ref("Result"), examples),
        f"{base}/schedule": _post("the monthly decisions, month by month",
                                  ref(f"{slug}_schedule"), ref("Schedule")),
        f"{base}/decide-many": _post("decide a bounded list of cases", ref(f"{slug}_decide_many"),
                                     {"type": "object", "required": ["results"],
                                      "properties": {"results": {"type": "array",
                                                                 "items": ref("Result")}}}),
    }
    if not rb.parameters:  # an empty enum is no schema: the path is left out
        del paths[f"{base}/parameters/{{name}}"]
    return paths


def document(cat: "Catalog", limits: "Limits | None" = None) -> bytes:
    """The OpenAPI 3.1 document of every rulebook in the catalog, as JSON bytes."""
    from engine.serve.limits import Limits
    from engine.serve.registry import ENGINE_VERSION

    limits = limits or Limits()

    schemas: dict[str, Any] = {
        "Result": _result_schema(), "Schedule": _schedule_schema(), "Problem": _PROBLEM,
        **_GETS,
        "Explanation": {"type": "object", "required": ["lang", "text"],
                        "properties": {"lang": {"type": "string"},
                                       "requested_lang": {"type": "string"},
                                       "trace": {"type": "string"},
                                       "text": {"type": "string"}}}}
    paths: dict[str, Any] = {
        "/healthz": _get("rulebooks loaded, and those that failed to load",
                         {"$ref": "#/components/schemas/Health"}),
        "/rulebooks": _get("every rulebook loaded", {"$ref": "#/components/schemas/Rulebooks"}),
    }
    del paths["/healthz"]["get"]["responses"]["304"]
    for entry in cat.entries.values():
        paths.update(_paths(entry, schemas, limits))
    doc = {"openapi": "3.1.0",
           "info": {"title": "statute", "version": ENGINE_VERSION,
                    "description": "Legislation as versioned YAML, evaluated with an "
                                   "explanation; one set of literal paths per rulebook."},
           "paths": paths, "components": {"schemas": schemas}}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()
