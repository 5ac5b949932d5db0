"""The case simulator's form: one field per fact of the vocabulary, and back.

`fields(rb)` describes the controls (a date input for a date, a select for an enum or a
bool, a number input for an amount); `case_from_form(rb, form)` turns what was sent
into the case the API takes (`{"on", "period", "facts"}`), or field errors keyed by the
control's name. A blank control is a fact not given: the rulebook's default applies.
The engine's own errors (a date out of coverage, a constraint) are placed next to their
field from the field name each error carries.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from engine.evaluate.facts import ListFact
from engine.model import NO_DEFAULT, Fact, value_json
from engine.rulebook import Rulebook

__all__ = ["Field", "fields", "case_from_form", "form_from_case"]


@dataclass(frozen=True)
class Field:
    name: str  # the control's name: the fact's dotted name, or "on" / "period"
    kind: str  # date | month | select | number | text | list | json
    fact_type: str
    cite: str
    description: str
    options: tuple[str, ...] = ()
    default: str | None = None  # shown to the reader; None: no default (must be given)
    step: str | None = None  # a number input's step

    @property
    def control_id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("[", "-").replace("]", "")


def _default(f: Fact) -> str | None:
    if f.default_from is not None:
        return f"= {f.default_from}"
    if f.default is NO_DEFAULT:
        return None
    if f.default is None:
        return "—"
    v = value_json(f.default)
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def fields(rb: Rulebook) -> list[Field]:
    """The controls of the form, in the vocabulary's order, after `on` (and `period`)."""
    out = [Field("on", "date", "date", "", "")]
    if rb.per_month:
        out.append(Field("period", "month", "month", "", ""))
    for name, f in rb.facts.items():
        d = _default(f)
        if isinstance(f, ListFact):
            kind = "json" if f.of == "record" else "list"
            out.append(Field(name, kind, f"list of {f.of}", f.cite, f.description, default=d))
        elif f.type == "date":
            out.append(Field(name, "date", f.type, f.cite, f.description, default=d))
        elif f.type == "bool":
            out.append(Field(name, "select", f.type, f.cite, f.description,
                             ("true", "false"), d))
        elif f.type == "enum":
            out.append(Field(name, "select", f.type, f.cite, f.description,
                             tuple(sorted(f.values or ())), d))
        elif f.type in ("int", "money", "decimal"):
            out.append(Field(name, "number", f.type, f.cite, f.description, default=d,
                             step="1" if f.type == "int" else "any"))
        else:
            out.append(Field(name, "text", f.type, f.cite, f.description, default=d))
    return out


def _english(message: str) -> str:
    return message


def _scalar(kind: str, raw: str, _: Callable[[str], str] = _english) -> Any:
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(_("{value} is not a whole number").format(
                value=repr(raw[:40]))) from None
    if kind in ("money", "decimal"):
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise ValueError(_("{value} is not a number").format(
                value=repr(raw[:40]))) from None
    if kind == "date":
        try:
            _dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(_("{value} is not a date YYYY-MM-DD").format(
                value=repr(raw[:40]))) from None
        return raw
    if kind == "bool":
        if raw not in ("true", "false"):
            raise ValueError(_("{value} is not true or false").format(value=repr(raw[:40])))
        return raw == "true"
    return raw


def case_from_form(rb: Rulebook, form: Mapping[str, str],
                   _: Callable[[str], str] = _english) -> tuple[dict[str, Any],
                                                                dict[str, str]]:
    """The case the form holds, and the errors of the controls (name -> message, in the
    language of the gettext function `_`)."""
    errors: dict[str, str] = {}
    case: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    for fd in fields(rb):
        raw = (form.get(fd.name) or "").strip()
        if fd.name == "on":
            if not raw:
                errors["on"] = _("required: the date the case is decided on")
            else:
                try:
                    _dt.date.fromisoformat(raw)
                    case["on"] = raw
                except ValueError:
                    errors["on"] = _("{value} is not a date YYYY-MM-DD").format(
                        value=repr(raw[:40]))
            continue
        if fd.name == "period":
            if raw:
                case["period"] = raw
            continue
        if not raw:
            continue
        f = rb.facts[fd.name]
        try:
            if fd.kind == "select" and raw not in fd.options:
                raise ValueError(_("{value} is not one of {values}").format(
                    value=repr(raw[:40]), values=", ".join(fd.options)))
            if isinstance(f, ListFact):
                if fd.kind == "json":
                    value = json.loads(raw, parse_float=Decimal)
                    if not isinstance(value, list):
                        raise ValueError(_("give a JSON list of objects"))
                else:
                    value = [_scalar(f.of, x.strip(), _) for x in raw.split(",") if x.strip()]
            else:
                value = _scalar(f.type, raw, _)
        except (ValueError, json.JSONDecodeError) as e:
            errors[fd.name] = str(e)[:200]
            continue
        facts[fd.name] = value
    case["facts"] = facts
    return case, errors


def form_from_case(case: Mapping[str, Any]) -> dict[str, str]:
    """The form's values for a case (its facts flattened to dotted names)."""
    out: dict[str, str] = {}
    for k in ("on", "period"):
        if case.get(k) is not None:
            out[k] = str(case[k])

    def walk(prefix: str, v: Any) -> None:
        if isinstance(v, Mapping):
            for k, x in v.items():
                walk(f"{prefix}.{k}" if prefix else str(k), x)
        elif isinstance(v, list):
            if all(not isinstance(x, (Mapping, list)) for x in v):
                out[prefix] = ", ".join(str(x) for x in v)
            else:
                out[prefix] = json.dumps(v, default=str)
        elif isinstance(v, bool):
            out[prefix] = "true" if v else "false"
        elif v is not None:
            out[prefix] = str(v)

    walk("", case.get("facts") or {})
    return out
