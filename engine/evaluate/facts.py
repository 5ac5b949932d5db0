"""Validate the facts of a case against the rulebook's vocabulary and apply defaults.

Facts arrive nested (`child: {birth_date: ...}`) or flat (`"child.birth_date": ...`).
An unknown name or a value of the wrong type is an error naming the fact and, when
the case came from a file, its line. Money and decimals must be exact: floats are
refused rather than silently rounded. A list fact's value is a tuple of checked items
(records as dicts), never longer than its `max_items`; a bad item is named as
`fact[3]` or `fact[3].field`. The prepared facts list, under the reserved key
`STATED`, the names the case itself wrote (for `stated(fact)`).
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping

from engine import dates
from engine.load.schema import schema_errors
from engine.load.yaml import Document, read_yaml
from engine.errors import CaseError, ErrorList, Position, StatuteError
from engine.expr._check import list_type
from engine.expr.limits import MAX_AMOUNT, MAX_CASE_BYTES, MAX_TEXT
from engine.model import NO_DEFAULT, Constraint, Fact
from engine.render.messages import Message, message_of

__all__ = ["Case", "Vocabulary", "ListFact", "read_case", "case_from_data", "coerce_list",
           "MAX_CASE_BYTES", "STATED"]

STATED = "stated:"
"""The key of prepared facts holding the names the case itself wrote (for stated()); the
colon keeps it apart from every fact name."""
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?\Z")


@dataclass(frozen=True, slots=True)
class ListFact(Fact):
    """A fact whose value is a list (`type: list`), at most `max_items` long.

    `item` describes each item of a list of scalars (its type is `of`); a list of
    records (`of: record`) has `fields` instead, each a scalar fact-like description.
    The prepared value is a tuple: of items, or of dicts (one per record).
    """

    of: str = "int"
    max_items: int = 0
    item: Fact | None = None
    fields: tuple[tuple[str, Fact], ...] = field(default=())

    @property
    def expr_type(self) -> str:
        if self.of == "record":
            return list_type("record", {n: f.expr_type for n, f in self.fields})
        return list_type(self.item.expr_type if self.item is not None else self.of)


@dataclass(frozen=True)
class Case:
    on: _dt.date
    period: _dt.date | None  # first day of the month asked about
    facts: Mapping[str, Any]
    document: Document | None = None


def read_case(path: str | Path) -> Case:
    """Read a case file (YAML or JSON); raise ErrorList naming file, line and field."""
    try:
        doc = read_yaml(path, MAX_CASE_BYTES)
    except StatuteError as e:
        if e.field and e.field.startswith("facts."):  # named as every case error names it
            raise CaseError(e.message, e.position, e.field[len("facts."):]) from None
        raise
    return case_from_data(None, doc)


def case_from_data(data: Any, doc: Document) -> Case:
    """A Case from parsed case data (`doc.data` unless `data` is given), checked."""
    data = doc.data if data is None else data
    if not isinstance(data, dict):
        raise ErrorList([CaseError(Message("a case is a mapping with 'on', optional 'period' "
                                           "and 'facts'"), doc.pos())])
    checked = Document(doc.file, data, doc.positions, doc.keys, doc.styles, doc.lines)
    errs: list[StatuteError] = [CaseError(e.message, e.position, e.field)
                                for e in schema_errors(checked, "case")]
    if errs:
        raise ErrorList(errs)
    try:
        on = _date(data["on"])
    except ValueError as e:
        raise ErrorList([CaseError(message_of(e), doc.pos(("on",)), "on")]) from None
    period = None
    if data.get("period") is not None:
        try:
            period = dates.parse_month(str(data["period"]))
        except ValueError as e:
            raise ErrorList([CaseError(message_of(e), doc.pos(("period",)), "period")]) from None
    facts = data.get("facts") or {}
    return Case(on, period, facts, doc)


class Vocabulary:
    """A rulebook's facts, prepared once so that checking a case costs little.

    Defaults are kept as one dict to copy; a given value already of the exact type
    the fact wants (a `date`, a `bool`, an `int`, a `Decimal`) is checked inline, and
    only other values go through the coercion table.
    """

    __slots__ = ("facts", "defaults", "on_defaults", "exact", "enums", "groups", "constraints",
                 "prepare")

    prepare: Callable[..., dict[str, Any]]
    """`prepare(raw, on, doc=None)`: `prepare_general`, generated for this vocabulary's
    types (engine.compile.prepare) for a flat dict of exact values."""

    def __init__(self, facts: Mapping[str, Fact], constraints: tuple[Constraint, ...] = ()):
        self.facts = facts
        self.constraints = constraints
        self.defaults = {n: f.default for n, f in facts.items()
                         if f.default is not NO_DEFAULT and f.default_from is None}
        self.on_defaults = tuple(n for n, f in facts.items() if f.default_from == "on")
        self.exact = {n: _EXACT.get(f.type) for n, f in facts.items()}
        self.enums = {n: f.values for n, f in facts.items() if f.values is not None}
        for n in self.enums:
            if facts[n].type == "enum":  # a list of enum values is checked as a list
                self.exact[n] = str
        self.groups = {".".join(n.split(".")[:i]) for n in facts
                       for i in range(1, n.count(".") + 1)}
        from engine.compile.prepare import make_preparer
        self.prepare = make_preparer(
            self.exact, self.defaults, self.on_defaults, self.enums,
            self._constrain if constraints else None, self.prepare_general,
            {"MIN": _MIN, "MAX": _MAX, "BIG": _BIG, "D0": _D0, "DBIG": _DBIG,
             "MAX_TEXT": MAX_TEXT}, STATED)

    def prepare_general(self, raw: Mapping[str, Any], on: _dt.date,
                        doc: Document | None = None) -> dict[str, Any]:
        """Flat facts with defaults applied; missing facts without a default stay absent.
        The definition of preparing a case (`prepare` is its generated twin)."""
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise ErrorList([CaseError(Message("facts must be a mapping"), _pos(doc, ("facts",)))])
        out = dict(self.defaults)
        for name in self.on_defaults:
            out[name] = on
        exact = self.exact
        slow: dict[str, Any] | None = None
        for name, value in raw.items():
            kind = exact.get(name, _UNKNOWN)
            if type(value) is kind and (
                    kind is bool
                    or kind is int and 0 <= value < _BIG
                    or kind is _dt.date and _MIN <= value <= _MAX
                    or kind is Decimal and value.is_finite() and _D0 <= value < _DBIG
                    or kind is str and value in self.enums.get(name, (value,))
                    and len(value) <= MAX_TEXT):
                out[name] = value
            else:
                if slow is None:
                    slow = {}
                slow[name] = value
        if slow:
            taken = self._quick(slow, raw)
            if taken is not None:  # nested groups and JSON scalars, all well formed
                out.update(taken)
                out[STATED] = frozenset(raw.keys() - slow.keys()) | taken.keys()
            else:
                stated = self._slow(slow, out, doc, raw.keys() - slow.keys())
                out[STATED] = frozenset(raw.keys() - slow.keys()) | stated
        else:  # every name was taken as given: the case's own keys (no copy: hot path)
            out[STATED] = raw.keys()
        if self.constraints:
            self._constrain(out, on, doc)
        return out

    def _constrain(self, F: dict[str, Any], on: _dt.date, doc: Document | None) -> None:
        """Refuse a case that breaks a constraint, naming the constraint and its facts.

        A constraint that is unknown (a fact it reads is missing) holds: the decisions
        that need the fact answer `undetermined`, naming it."""
        errors: list[StatuteError] = []
        for c in self.constraints:
            if c.expr.evaluate(F, {}, {"on": on}) is not False:
                continue
            names = [n for n in c.expr.facts if n in F]
            shown = "; ".join(f"{n} = {_value_text(F[n])}" for n in names)
            where = next((n for n in names if n in F[STATED]), names[0] if names else None)
            errors.append(CaseError(
                Message("{message} ({cite}): the case breaks constraint {id!r} ({source}) with "
                        "{value}", message=c.message, cite=c.cite, id=c.id, source=c.expr.source,
                        value=shown or Message("its facts")),
                _pos(doc, ("facts", *where.split("."))) if where else _pos(doc, ("facts",)),
                ", ".join(names) or None))
        if errors:
            raise ErrorList(errors)

    def _quick(self, slow: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any] | None:
        """The values the first pass left, when they are what a JSON case sends and all
        well formed: nested groups, ISO date strings, amounts as strings or whole
        numbers. Anything else (an unknown name, a bad or null value, a list, a name
        given twice) returns None, and `_slow` checks it all and names every problem;
        so this pass decides nothing `_slow` would decide otherwise."""
        exact, enums, groups = self.exact, self.enums, self.groups
        taken: dict[str, Any] = {}
        todo: list[tuple[str, Mapping[str, Any]]] = [("", slow)]
        while todo:
            prefix, items = todo.pop()
            for key, value in items.items():
                if key.__class__ is not str:
                    return None
                name = prefix + key
                kind = exact.get(name, _UNKNOWN)
                c = value.__class__
                if kind is _UNKNOWN:
                    if c is dict and name in groups:
                        todo.append((name + ".", value))
                        continue
                    return None
                if name in taken or (prefix and name in raw):  # given twice: _slow says so
                    return None
                if c is kind:
                    if kind is bool or kind is int and 0 <= value < _BIG \
                            or kind is _dt.date and _MIN <= value <= _MAX \
                            or kind is str and value in enums.get(name, (value,)) \
                            and len(value) <= MAX_TEXT \
                            or kind is Decimal and value.is_finite() and _D0 <= value < _DBIG:
                        taken[name] = value
                        continue
                    return None
                if c is str and kind is _dt.date:
                    try:
                        taken[name] = dates.parse_date(value)
                    except ValueError:
                        return None
                    continue
                if kind is Decimal and (c is int or c is str and _DECIMAL.match(value)):
                    d = Decimal(value)
                    if 0 <= d < _BIG:
                        taken[name] = d
                        continue
                return None
        return taken

    def _slow(self, raw: Mapping[str, Any], out: dict[str, Any], doc: Document | None,
              direct: Any) -> frozenset[str]:
        """Check and convert the values the fast path did not take; the names set."""
        given: dict[str, Any] = {}
        errors: list[StatuteError] = []
        _flatten(self.facts, raw, (), given, errors, doc)
        for name in given.keys() & direct:
            errors.append(CaseError(Message("{name!r} is given twice (nested and as a dotted "
                                            "name); give it once", name=name),
                                    _pos(doc, ("facts", *name.split("."))), name))
        stated = []
        for name, value in given.items():
            if value is None:  # explicitly not given: the default stands
                continue
            fact = self.facts[name]
            try:
                out[name] = _COERCE[fact.type](value, fact)
                stated.append(name)
            except _ItemError as e:  # names the item, and the field of a record
                path = ("facts", *name.split("."), *e.path)
                errors.append(CaseError(message_of(e), _pos(doc, path), name + e.where))
            except ValueError as e:
                errors.append(CaseError(message_of(e), _pos(doc, ("facts", *name.split("."))),
                                        name))
        if errors:
            raise ErrorList(errors)
        return frozenset(stated)


_UNKNOWN = object()
_EXACT = {"date": _dt.date, "bool": bool, "int": int, "money": Decimal, "decimal": Decimal,
          "string": str}
_MIN, _MAX = dates.MIN_DATE, dates.MAX_DATE
_BIG = MAX_AMOUNT  # amounts and counts at or above this are refused as implausible
_D0, _DBIG = Decimal(0), Decimal(MAX_AMOUNT)  # a Decimal compared with a Decimal: no conversion
_BIG_DIGITS = len(str(MAX_AMOUNT)) - 1  # a decimal whose exponent reaches it is >= _BIG


def _shown_number(v: Any) -> str:
    """A number as an error shows it: a long one cut, never echoed whole."""
    text = repr(v)
    return text if len(text) <= 40 else text[:30] + "…" + f" ({len(text)} characters)"


def _flatten(vocab: Mapping[str, Fact], raw: Mapping[str, Any], prefix: tuple,
             out: dict[str, Any], errors: list, doc: Document | None) -> None:
    for key, value in raw.items():
        path = prefix + (str(key),)
        name = ".".join(path)
        if name in vocab:
            if name in out:
                errors.append(CaseError(Message("{name!r} is given twice (nested and as a "
                                                "dotted name); give it once", name=name),
                                        _pos(doc, ("facts", *path)), name))
            out[name] = value
        elif isinstance(value, Mapping) and any(f.startswith(name + ".") for f in vocab):
            _flatten(vocab, value, path, out, errors, doc)
        else:
            close = difflib.get_close_matches(name, list(vocab), n=1, cutoff=0.6)
            hint = Message("; did you mean {name!r}?", name=close[0]) if close else \
                Message("; see the rulebook's facts.yaml for the vocabulary")
            errors.append(CaseError(Message("unknown fact {name!r}{hint}", name=name, hint=hint),
                                    _pos(doc, ("facts", *path)),
                                    name))


def _pos(doc: Document | None, path: tuple) -> Position | None:
    return doc.pos(path) if doc is not None else None


def _date(v: Any) -> _dt.date:
    if isinstance(v, _dt.datetime):
        raise ValueError(Message("{v!r} is a date-time; give a date YYYY-MM-DD", v=v))
    if isinstance(v, _dt.date):
        return dates.check_range(v)
    if isinstance(v, str):
        return dates.parse_date(v)
    raise ValueError(Message("{v!r} is not a date (YYYY-MM-DD)", v=v))


def _bool(v: Any, fact: Fact) -> bool:
    if isinstance(v, bool):
        return v
    raise ValueError(Message("{v!r} is not true or false{hint}", v=v, hint=Message(
        " (YAML 1.2: only true/false are booleans)") if isinstance(v, str) else ""))


def _int(v: Any, fact: Fact) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        if not 0 <= v < _BIG:
            raise ValueError(Message("{v!r} is out of range (0 to {value})", v=v, value=_BIG - 1))
        return v
    raise ValueError(Message("{v!r} is not a whole number", v=v))


def _decimal(v: Any, fact: Fact) -> Decimal:
    if isinstance(v, bool) or isinstance(v, float):
        raise ValueError(Message("{v!r} is not an exact decimal{hint}", v=v, hint=Message(
            "; pass money as a string or Decimal, never a float") if isinstance(v, float) else ""))
    if isinstance(v, (int, Decimal)):
        d = Decimal(v)
    elif isinstance(v, str) and _DECIMAL.match(v.strip()):
        d = Decimal(v.strip())
    else:
        raise ValueError(Message("{v!r} is not a {type} amount (digits, e.g. 300 or 300.50)", v=v,
                                 type=fact.type))
    # no arithmetic on it yet: an exponent past the context's (1E+1000000) would trap
    if not d.is_finite() or d.adjusted() >= _BIG_DIGITS:
        raise ValueError(Message("{shown_number} is out of range (under {BIG})",
                                 shown_number=_shown_number(v), BIG=_BIG))
    if d < 0:
        raise ValueError(Message("{v!r} is negative; a {type} fact is an amount of 0 or more", v=v,
                                 type=fact.type))
    return d


def _enum(v: Any, fact: Fact) -> str:
    if isinstance(v, str) and fact.values is not None and v in fact.values:
        return v
    values = sorted(fact.values or ())
    close = difflib.get_close_matches(v, values, n=1, cutoff=0.6) if isinstance(v, str) else []
    hint = Message("; did you mean {name!r}?", name=close[0]) if close else ""
    raise ValueError(Message("{v!r} is not one of {values}{hint}", v=v, values=', '.join(values),
                             hint=hint))


def _string(v: Any, fact: Fact) -> str:
    if isinstance(v, str):
        if len(v) > MAX_TEXT:
            raise ValueError(Message("the text is {n} characters long; the limit is {MAX_TEXT}",
                                     n=len(v), MAX_TEXT=MAX_TEXT))
        return v
    raise ValueError(Message("{v!r} is not text", v=v))


class _ItemError(ValueError):
    """A bad item of a list fact: `path` is its index (and field) below the fact."""

    def __init__(self, message: str, path: tuple):
        super().__init__(message)
        self.path = path
        self.where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def coerce_list(v: Any, fact: ListFact) -> tuple:
    """A list fact's value: a tuple of checked items (of dicts, for records).

    Raise ValueError when it is not a list or is longer than `max_items`, and
    `_ItemError` naming `[i]` or `[i].field` for a bad item."""
    if not isinstance(v, (list, tuple)):
        raise ValueError(Message("{shown} is not a list (give a YAML or JSON list, e.g. [])",
                                 shown=_shown(v)))
    if len(v) > fact.max_items:
        raise ValueError(Message("the list has {n} items; {name} holds at most {max_items} "
                                 "(max_items)", n=len(v), name=fact.name, max_items=fact.max_items))
    out: list[Any] = []
    for i, x in enumerate(v):
        if x is None:
            raise _ItemError(Message("null is not an item; leave the item out"), (i,))
        if fact.of != "record":
            item = fact.item
            assert item is not None
            try:
                out.append(_COERCE[item.type](x, item))
            except ValueError as e:
                raise _ItemError(message_of(e), (i,)) from None
            continue
        if not isinstance(x, Mapping):
            raise _ItemError(Message("{shown} is not a record; give a mapping with {items}",
                                     shown=_shown(x), items=', '.join(n for n, _ in fact.fields)),
                             (i,))
        names = dict(fact.fields)
        for key in x:
            if key not in names:
                close = difflib.get_close_matches(str(key), list(names), n=1, cutoff=0.6)
                raise _ItemError(Message("unknown field {key!r}{hint}", key=key, hint=(
                    Message("; did you mean {name!r}?", name=close[0]) if close else
                    Message("; the fields are {fields}", fields=", ".join(names)))),
                    (i, str(key)))
        record: dict[str, Any] = {}
        for name, spec in fact.fields:
            if x.get(name) is None:
                raise _ItemError(Message("missing; every record gives each of its fields "
                                         "({names})", names=', '.join(names)), (i, name))
            try:
                record[name] = _COERCE[spec.type](x[name], spec)
            except ValueError as e:
                raise _ItemError(message_of(e), (i, name)) from None
        out.append(record)
    return tuple(out)


def _value_text(v: Any) -> str:
    """A fact's value as a person reads it in an error (dates ISO, lists in brackets)."""
    if isinstance(v, tuple):
        return "[" + ", ".join(_value_text(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_value_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (_dt.date, Decimal)):
        return str(v)
    return "null" if v is None else repr(v) if isinstance(v, str) else str(v)


def _shown(v: Any) -> str:
    return type(v).__name__ if isinstance(v, (dict, list)) else repr(v)


_COERCE: dict[str, Callable[[Any, Fact], Any]] = {
    "date": lambda v, f: _date(v), "bool": _bool, "int": _int, "money": _decimal,
    "decimal": _decimal, "enum": _enum, "string": _string,
    "list": coerce_list,  # type: ignore[dict-item]  # only ever given a ListFact
}
