"""Validate loaded YAML against the published JSON Schemas, with positions.

The schemas are the same files editors use for autocompletion (shipped in the
wheel as `engine.schemas`). YAML gives `Decimal` and `datetime.date` values, so
the type checker accepts those where JSON would have numbers and date strings.
"""
from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

from engine.load.yaml import Document
from engine.errors import LoadError

__all__ = ["schema_errors", "load_schema", "SCHEMA_NAMES"]

SCHEMA_NAMES = ("rulebook", "facts", "parameter", "article", "decisions", "definitions",
                "amendments", "case", "result", "test")


def _is_number(checker: Any, v: Any) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


def _is_string(checker: Any, v: Any) -> bool:
    return isinstance(v, (str, _dt.date))


_TYPES = Draft202012Validator.TYPE_CHECKER.redefine_many(
    {"number": _is_number, "string": _is_string})
_PATTERN = Draft202012Validator.VALIDATORS["pattern"]


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Any:
    # dates pass as strings (see _is_string); a pattern is matched against their ISO text
    if isinstance(instance, _dt.date):
        instance = instance.isoformat()
    return _PATTERN(validator, pattern, instance, schema)


_Validator = jsonschema.validators.extend(Draft202012Validator, validators={"pattern": _pattern},
                                          type_checker=_TYPES)
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date", raises=ValueError)
def _date_format(v: Any) -> bool:
    if isinstance(v, _dt.date):
        return True
    if isinstance(v, str):
        _dt.date.fromisoformat(v)
        return len(v) == 10
    return True


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    text = resources.files("engine.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _validator(name: str) -> Any:
    return _Validator(load_schema(name), format_checker=_FORMATS)


def schema_errors(doc: Document, name: str) -> Iterator[LoadError]:
    """Every violation of schema `name` in `doc`, each at the offending value."""
    for err in sorted(_validator(name).iter_errors(doc.data), key=lambda e: list(e.absolute_path)):
        path = tuple(err.absolute_path)
        pos = doc.pos(path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            if extra:
                path = path + (extra[0],)
                pos = doc.key_pos(path)
        yield LoadError(_message(err), pos, field=".".join(map(str, path)) or None)


def _message(err: jsonschema.ValidationError) -> str:
    v = err.validator
    if v == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        known = ", ".join(sorted(err.schema.get("properties", {})))
        return f"unknown key(s) {', '.join(map(repr, extra))}; allowed here: {known}"
    if v == "required":
        return err.message.replace("is a required property", "is required here")
    if v == "type":
        want = err.validator_value
        return f"{_show(err.instance)} is not of type {want}" + _type_hint(err.instance, want)
    if v == "enum":
        return f"{_show(err.instance)} is not one of {', '.join(map(str, err.validator_value))}"
    if v == "oneOf" and isinstance(err.instance, dict) and "decision" in err.instance:
        return ("a rule needs exactly one of applicable_date, requires, unless, value, adjust "
                "or versions (or a table, which may have versions)")
    if v == "format":
        return f"{_show(err.instance)} is not a valid {err.validator_value} (YYYY-MM-DD)"
    return err.message


def _show(v: Any) -> str:
    if isinstance(v, (dict, list)):
        return type(v).__name__
    return repr(v) if not isinstance(v, Decimal) else str(v)


def _type_hint(v: Any, want: Any) -> str:
    if isinstance(v, str) and "boolean" in str(want):
        return " (only true and false are booleans; yes/no/on/off are text)"
    if isinstance(v, str) and v[:1] == "0" and v.isdigit():
        return " (write numbers without leading zeros)"
    return ""
