"""Validate loaded YAML against the published JSON Schemas, with positions.

The schemas are the same files editors use for autocompletion (shipped in the
wheel as `engine.schemas`). YAML gives `Decimal` and `datetime.date` values, so
the type checker accepts those where JSON would have numbers and date strings.

A document `quickschema` proves valid is not given to jsonschema at all; jsonschema is
imported, and its validators built, only for the others (and it reports their errors).
"""
from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from engine.load.yaml import Document
from engine.errors import LoadError
from engine.render.messages import Message, Plural
from engine.load import quickschema

__all__ = ["schema_errors", "load_schema", "SCHEMA_NAMES"]

SCHEMA_NAMES = ("rulebook", "facts", "parameter", "article", "decisions", "definitions",
                "amendments", "case", "result", "test")


def _is_number(checker: Any, v: Any) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


def _is_string(checker: Any, v: Any) -> bool:
    return isinstance(v, (str, _dt.date))


def _date_format(v: Any) -> bool:
    if isinstance(v, _dt.date):
        return True
    if isinstance(v, str):
        _dt.date.fromisoformat(v)
        return len(v) == 10
    return True


@lru_cache(maxsize=None)
def _jsonschema() -> tuple[Any, Any]:
    """The validator class and format checker; jsonschema is imported only when a document
    needs its full verdict (see `quickschema`): it is the slowest import of the engine."""
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker

    types = Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"number": _is_number, "string": _is_string})
    pattern_keyword = Draft202012Validator.VALIDATORS["pattern"]

    def pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Any:
        # dates pass as strings (see _is_string); a pattern is matched against their ISO text
        if isinstance(instance, _dt.date):
            instance = instance.isoformat()
        return pattern_keyword(validator, pattern, instance, schema)

    cls = jsonschema.validators.extend(Draft202012Validator, validators={"pattern": pattern},
                                       type_checker=types)
    formats = FormatChecker(formats=())
    formats.checks("date", raises=ValueError)(_date_format)
    return cls, formats


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    file = f"{name}.schema.json"
    try:  # the package's folder on disk: quicker than importing importlib.resources
        with open(Path(__file__).resolve().parent.parent / "schemas" / file, "rb") as fh:
            return json.loads(fh.read())
    except OSError:  # pragma: no cover - installed as a zip
        from importlib import resources

        return json.loads(resources.files("engine.schemas").joinpath(file).read_text("utf-8"))


@lru_cache(maxsize=None)
def _validator(name: str) -> Any:
    cls, formats = _jsonschema()
    return cls(load_schema(name), format_checker=formats)


@lru_cache(maxsize=None)
def _quick(name: str) -> quickschema.Validator:
    return quickschema.Validator(load_schema(name), _QUICK_FORMATS)


_QUICK_FORMATS = {"date": _date_format}


def schema_errors(doc: Document, name: str) -> Iterator[LoadError]:
    """Every violation of schema `name` in `doc`, each at the offending value."""
    if _quick(name).is_valid(doc.data):  # proven valid without jsonschema: nothing to report
        return
    for err in sorted(_validator(name).iter_errors(doc.data), key=lambda e: list(e.absolute_path)):
        path = tuple(err.absolute_path)
        pos = doc.pos(path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            if extra:
                path = path + (extra[0],)
                pos = doc.key_pos(path)
        yield LoadError(_message(err), pos, field=".".join(map(str, path)) or None)


def _message(err: Any) -> str:  # a jsonschema.ValidationError
    v = err.validator
    if v == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        known = ", ".join(sorted(err.schema.get("properties", {})))
        return Plural("unknown key(s) {keys}; allowed here: {known}",  # English has one form
                      "unknown key(s) {keys}; allowed here: {known}", len(extra),
                      keys=", ".join(map(repr, extra)), known=known)
    if v == "required":
        return Message("{name} is required here",
                       name=err.message.replace(" is a required property", ""))
    if v == "type":
        want = err.validator_value
        return Message("{value} is not of type {want}{hint}", value=_show(err.instance),
                       want=want, hint=_type_hint(err.instance, want))
    if v == "enum":
        return Message("{value} is not one of {values}", value=_show(err.instance),
                       values=", ".join(map(str, err.validator_value)))
    if v == "oneOf" and isinstance(err.instance, dict) and "decision" in err.instance:
        return Message("a rule needs exactly one of applicable_date, requires, unless, value, "
                       "adjust or versions (or a table, which may have versions)")
    if v == "format":
        return Message("{value} is not a valid {format} (YYYY-MM-DD)", value=_show(err.instance),
                       format=err.validator_value)
    return err.message


def _show(v: Any) -> str:
    """A value as an error shows it: a long one cut (never a whole file echoed back)."""
    if isinstance(v, (dict, list)):
        return type(v).__name__
    text = repr(v) if not isinstance(v, Decimal) else str(v)
    return text if len(text) <= 80 else f"{text[:60]}… ({len(text)} characters)"


def _type_hint(v: Any, want: Any) -> str:
    if isinstance(v, str) and "boolean" in str(want):
        return Message(" (only true and false are booleans; yes/no/on/off are text)")
    if isinstance(v, str) and v[:1] == "0" and v.isdigit():
        return Message(" (write numbers without leading zeros)")
    return ""
