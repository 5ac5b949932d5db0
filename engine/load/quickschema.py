"""A quick proof that a document is valid against a schema, without jsonschema.

Importing jsonschema (with `referencing`, `attrs`, `rpds`) costs more than the rest of
`statute eval` with a cached rulebook, and validating with it dominates loading. Most
documents are valid; this module proves that for the keywords the published schemas use,
with jsonschema's semantics as `engine.load.schema` configures them (a `Decimal` is a
number, a date is a string whose ISO text patterns match, `format: date` checked).

Each schema is compiled once into a tree of small checks, each answering VALID, INVALID
or UNSURE. Only a VALID verdict is used (`Validator.is_valid`): anything else (an error,
a keyword or value kind not modelled here, a float, a remote `$ref`) falls back to
jsonschema, which then gives the messages. INVALID is kept exact so that `not`, `oneOf`
and `if` can be decided; when unsure, a check says UNSURE.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Any, Callable, Mapping

__all__ = ["Validator", "VALID", "INVALID", "UNSURE"]

VALID, INVALID, UNSURE = True, False, None
Check = Callable[[Any], "bool | None"]

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "definitions", "title",
                          "description", "examples", "default", "deprecated", "readOnly",
                          "writeOnly", "markdownDescription"})


class _Unsupported(Exception):
    """A schema uses something not modelled here: every document is UNSURE."""


class Validator:
    """`is_valid(instance)`: True only if jsonschema would report no error."""

    def __init__(self, schema: Any, formats: Mapping[str, Callable[[Any], bool]]):
        self.root = schema
        self.formats = formats
        self.refs: dict[str, Check] = {}
        try:
            self.check: Check | None = self.compile(schema, top=True)
        except _Unsupported:
            self.check = None

    def is_valid(self, instance: Any) -> bool:
        if self.check is None:
            return False
        try:
            return self.check(instance) is VALID
        except Exception:  # noqa: BLE001 - any surprise: let jsonschema decide
            return False

    # -- compiling -----------------------------------------------------------
    def compile(self, schema: Any, top: bool = False) -> Check:
        if schema is True:
            return lambda v: VALID
        if schema is False:
            return lambda v: INVALID
        if not isinstance(schema, dict):
            raise _Unsupported(schema)
        if not top and "$id" in schema:
            raise _Unsupported("$id")  # a new base for references: not modelled
        checks: list[Check] = []
        for key, value in schema.items():
            if key in _ANNOTATIONS:
                continue
            make = _KEYWORDS.get(key)
            if make is None:
                raise _Unsupported(key)
            made = make(self, value, schema)
            if made is not None:
                checks.append(made)
        return _all_of(checks)

    def ref(self, target: str) -> Check:
        if not target.startswith("#/"):
            raise _Unsupported(target)
        if target not in self.refs:
            self.refs[target] = lambda v: UNSURE  # a recursive reference: unsure, not looping
            node: Any = self.root
            for part in target[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or part not in node:
                    raise _Unsupported(target)
                node = node[part]
            self.refs[target] = self.compile(node)
        found = self.refs
        return lambda v: found[target](v)


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return lambda v: VALID
    if len(checks) == 1:
        return checks[0]

    def check(v: Any) -> bool | None:
        verdict: bool | None = VALID
        for c in checks:
            r = c(v)
            if r is INVALID:
                return INVALID
            if r is UNSURE:
                verdict = UNSURE
        return verdict
    return check


def _every(check: Check, values: Any) -> bool | None:
    verdict: bool | None = VALID
    for x in values:
        r = check(x)
        if r is INVALID:
            return INVALID
        if r is UNSURE:
            verdict = UNSURE
    return verdict


# -- the types, as engine.load.schema redefines them -----------------------------
def _is_number(v: Any) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, (str, _dt.date)),
    "number": _is_number,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _modelled(v: Any) -> bool:
    """A value whose every type question is answered exactly here (floats are not)."""
    return not isinstance(v, float)


# -- one maker per keyword: (validator, keyword value, schema) -> check or None -------
def _type(vd: Validator, want: Any, schema: dict) -> Check:
    names = [want] if isinstance(want, str) else list(want)
    if any(n not in _TYPES for n in names):
        raise _Unsupported(want)
    tests = [_TYPES[n] for n in names]
    return lambda v: UNSURE if not _modelled(v) else any(t(v) for t in tests)


def _enum(vd: Validator, values: Any, schema: dict) -> Check:
    options = list(values)

    def check(v: Any) -> bool | None:
        if isinstance(v, str):  # jsonschema's equal(): str against anything is ==
            return any(v == o for o in options)
        return UNSURE
    return check


def _const(vd: Validator, value: Any, schema: dict) -> Check:
    return _enum(vd, [value], schema)


def _properties(vd: Validator, props: Any, schema: dict) -> Check:
    subs = {k: vd.compile(s) for k, s in props.items()}

    def check(v: Any) -> bool | None:
        if not isinstance(v, dict):
            return VALID
        verdict: bool | None = VALID
        for k, c in subs.items():
            if k in v:
                r = c(v[k])
                if r is INVALID:
                    return INVALID
                if r is UNSURE:
                    verdict = UNSURE
        return verdict
    return check


def _required(vd: Validator, names: Any, schema: dict) -> Check:
    need = list(names)
    return lambda v: not isinstance(v, dict) or all(n in v for n in need)


def _additional(vd: Validator, extra: Any, schema: dict) -> Check:
    if "patternProperties" in schema:
        raise _Unsupported("patternProperties")
    known = set(schema.get("properties", {}))
    sub = vd.compile(extra)

    def check(v: Any) -> bool | None:
        if not isinstance(v, dict):
            return VALID
        if extra is False:
            return all(k in known for k in v)
        return _every(sub, [x for k, x in v.items() if k not in known])
    return check


def _items(vd: Validator, items: Any, schema: dict) -> Check:
    if "prefixItems" in schema:
        raise _Unsupported("prefixItems")
    sub = vd.compile(items)

    def check(v: Any) -> bool | None:
        if not isinstance(v, list):
            return VALID
        return _every(sub, v)
    return check


def _count(kind: type[list] | type[dict], test: Callable[[int, Any], bool]) -> Callable[..., Check]:
    def make(vd: Validator, bound: Any, schema: dict) -> Check:
        if not isinstance(bound, int) or isinstance(bound, bool):
            raise _Unsupported(bound)
        return lambda v: not isinstance(v, kind) or test(len(v), bound)
    return make


def _length(test: Callable[[int, Any], bool]) -> Callable[..., Check]:
    def make(vd: Validator, bound: Any, schema: dict) -> Check:
        if not isinstance(bound, int) or isinstance(bound, bool):
            raise _Unsupported(bound)

        def check(v: Any) -> bool | None:
            if isinstance(v, str):
                return test(len(v), bound)
            if isinstance(v, _dt.date):  # a "string" without a length: not modelled
                return UNSURE
            return VALID
        return check
    return make


def _unique(vd: Validator, unique: Any, schema: dict) -> Check | None:
    if unique is not True:
        return None

    def check(v: Any) -> bool | None:
        if not isinstance(v, list):
            return VALID
        if all(isinstance(x, str) for x in v):
            return len(set(v)) == len(v)
        return UNSURE
    return check


def _pattern(vd: Validator, pattern: Any, schema: dict) -> Check:
    rx = re.compile(pattern)

    def check(v: Any) -> bool | None:
        if isinstance(v, _dt.date):
            v = v.isoformat()
        return not isinstance(v, str) or rx.search(v) is not None
    return check


def _format(vd: Validator, name: Any, schema: dict) -> Check | None:
    test = vd.formats.get(name)
    if test is None:
        return None  # jsonschema, with only these formats registered, ignores the others

    def check(v: Any) -> bool | None:
        try:
            return bool(test(v))
        except ValueError:
            return INVALID
    return check


def _bound(test: Callable[[Any, Any], bool]) -> Callable[..., Check]:
    def make(vd: Validator, bound: Any, schema: dict) -> Check:
        if not _is_number(bound):
            raise _Unsupported(bound)
        return lambda v: UNSURE if not _modelled(v) else not _is_number(v) or test(v, bound)
    return make


def _one_of(vd: Validator, subs: Any, schema: dict) -> Check:
    checks = [vd.compile(s) for s in subs]

    def check(v: Any) -> bool | None:
        verdicts = [c(v) for c in checks]
        if UNSURE in verdicts:
            return UNSURE
        return verdicts.count(VALID) == 1
    return check


def _any_of(vd: Validator, subs: Any, schema: dict) -> Check:
    checks = [vd.compile(s) for s in subs]

    def check(v: Any) -> bool | None:
        verdicts = [c(v) for c in checks]
        if VALID in verdicts:
            return VALID
        return UNSURE if UNSURE in verdicts else INVALID
    return check


def _all(vd: Validator, subs: Any, schema: dict) -> Check:
    return _all_of([vd.compile(s) for s in subs])


def _not(vd: Validator, sub: Any, schema: dict) -> Check:
    c = vd.compile(sub)

    def check(v: Any) -> bool | None:
        r = c(v)
        return UNSURE if r is UNSURE else not r
    return check


def _if(vd: Validator, sub: Any, schema: dict) -> Check:
    test = vd.compile(sub)
    then = vd.compile(schema.get("then", True))
    other = vd.compile(schema.get("else", True))

    def check(v: Any) -> bool | None:
        r = test(v)
        if r is UNSURE:
            return UNSURE
        return then(v) if r else other(v)
    return check


def _ignored_by_if(vd: Validator, sub: Any, schema: dict) -> None:
    """`then` and `else` are applied by `if` (and are no-ops without it)."""
    return None


def _property_names(vd: Validator, sub: Any, schema: dict) -> Check:
    c = vd.compile(sub)

    def check(v: Any) -> bool | None:
        if not isinstance(v, dict):
            return VALID
        return _every(c, v)
    return check


def _ref(vd: Validator, target: Any, schema: dict) -> Check:
    if not isinstance(target, str):
        raise _Unsupported(target)
    return vd.ref(target)


_KEYWORDS: dict[str, Callable[[Validator, Any, dict], Check | None]] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "properties": _properties,
    "required": _required,
    "additionalProperties": _additional,
    "items": _items,
    "minItems": _count(list, lambda n, b: n >= b),
    "maxItems": _count(list, lambda n, b: n <= b),
    "minProperties": _count(dict, lambda n, b: n >= b),
    "maxProperties": _count(dict, lambda n, b: n <= b),
    "minLength": _length(lambda n, b: n >= b),
    "maxLength": _length(lambda n, b: n <= b),
    "uniqueItems": _unique,
    "pattern": _pattern,
    "format": _format,
    "minimum": _bound(lambda v, b: v >= b),
    "maximum": _bound(lambda v, b: v <= b),
    "exclusiveMinimum": _bound(lambda v, b: v > b),
    "exclusiveMaximum": _bound(lambda v, b: v < b),
    "oneOf": _one_of,
    "anyOf": _any_of,
    "allOf": _all,
    "not": _not,
    "if": _if,
    "then": _ignored_by_if,
    "else": _ignored_by_if,
    "propertyNames": _property_names,
    "$ref": _ref,
}
