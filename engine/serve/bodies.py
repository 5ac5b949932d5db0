"""Request bodies: JSON parsed exactly (numbers with a fraction as Decimal, as the YAML
reader reads a case file), the options checked against one table, the case itself
checked by the engine's own case reader (so the messages are the CLI's).
"""
from __future__ import annotations

import datetime as _dt
import difflib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Mapping

from engine import dates
from engine.evaluate.facts import Case, case_from_data
from engine.load.yaml import Document
from engine.serve.explain import LANGUAGES, TRACE_MODES, trace_mode
from engine.serve.problems import Problem, pointer

__all__ = ["parse_json", "Options", "options", "case_of", "CASE_KEYS"]

CASE_KEYS = ("on", "period", "facts")
"""A case in the spec's form; a request adds its options beside them."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(raw: bytes) -> Any:
    """The body as data; 400 naming line and column when it is not JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Problem(400, f"the body is not UTF-8 ({e.reason} at byte {e.start})") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise Problem(400, f"malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}",
                      line=e.lineno, column=e.colno) from None
    except (ValueError, RecursionError) as e:  # NaN, a huge integer, nesting past the stack
        what = "nested too deeply" if isinstance(e, RecursionError) else str(e)[:200]
        raise Problem(400, f"malformed JSON: {what}") from None


@dataclass(frozen=True)
class Options:
    decisions: tuple[str, ...] | None
    trace: str  # a TRACE_MODES value
    lang: str | None
    as_known_on: _dt.date | None
    start: str | None  # a schedule's first month
    end: str | None


def _decisions(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ValueError("give a list of decision ids")
    return tuple(v)


def _trace(v: Any) -> str:
    if v is True or v is False or v in TRACE_MODES:
        return trace_mode(v)
    raise ValueError(f"{_shown(v)} is not true, false or one of {', '.join(TRACE_MODES)}")


def _lang(v: Any) -> str:
    if v in LANGUAGES:
        return str(v)
    raise ValueError(f"{_shown(v)} is not one of {', '.join(LANGUAGES)}")


def _date(v: Any) -> _dt.date:
    if not isinstance(v, str):
        raise ValueError(f"{_shown(v)} is not a date YYYY-MM-DD")
    return dates.parse_date(v)


def _month(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"{_shown(v)} is not a month YYYY-MM")
    dates.parse_month(v)
    return v


def _shown(v: Any) -> str:
    """A value as an error quotes it: short, and never an error of its own."""
    if isinstance(v, (dict, list)):
        return f"a JSON {'object' if isinstance(v, dict) else 'array'}"
    text = json.dumps(v, default=str)
    return text if len(text) <= 60 else text[:50] + "…"


_OPTIONS: dict[str, Callable[[Any], Any]] = {
    "decisions": _decisions, "trace": _trace, "lang": _lang, "as_known_on": _date,
    "from": _month, "to": _month,
}


def options(body: Mapping[str, Any], allowed: tuple[str, ...], case: bool = True,
            required: tuple[str, ...] = ()) -> Options:
    """The request's options (`allowed`, beside the case's own keys when `case`), each
    bad, unknown or missing one named by its pointer: 422 listing them all."""
    errors = []
    got: dict[str, Any] = {}
    for key, value in body.items():
        if case and key in CASE_KEYS:
            continue
        if key in allowed:
            if key in _OPTIONS:
                try:
                    got[key] = _OPTIONS[key](value)
                except ValueError as e:
                    errors.append({"pointer": pointer(key), "field": key, "detail": str(e)})
            continue
        known = [*(CASE_KEYS if case else ()), *allowed]
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        errors.append({"pointer": pointer(str(key)), "field": str(key)[:200],
                       "detail": f"unknown option {str(key)[:200]!r}" +
                       (f"; did you mean {close[0]!r}?" if close else
                        f"; the request takes {', '.join(known)}")})
    for key in required:
        if key not in body:
            errors.append({"pointer": pointer(key), "field": key,
                           "detail": f"{key!r} is required here"})
    if errors:
        raise Problem(422, "; ".join(f"{e['field']}: {e['detail']}" for e in errors[:3]),
                      errors)
    return Options(got.get("decisions"), got.get("trace", "none"), got.get("lang"),
                   got.get("as_known_on"), got.get("from"), got.get("to"))


def case_of(body: Mapping[str, Any]) -> Case:
    """The case the body holds, checked as `statute eval` checks a case file (raises
    ErrorList with the CLI's messages; the caller turns fields into pointers)."""
    data = {k: body[k] for k in CASE_KEYS if k in body}
    return case_from_data(data, Document("<request>", data, {}))
