"""The loaded, compiled rulebook: immutable objects, each with its position and citation.

Nothing here is mutated after `load()` returns, so one `Rulebook` can be shared by
any number of threads evaluating cases at once.
"""
from __future__ import annotations

import bisect
import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from engine.errors import Position
from engine.expr import Expr
from engine.render.messages import N_, Message

__all__ = [
    "NO_DEFAULT", "Fact", "Constraint", "value_json", "value_text", "ParameterValue",
    "Parameter", "Version", "Rule", "Decision",
    "Coverage", "Rounding", "Act", "Role", "ROLES", "Sum", "UNITS",
]

UNITS: dict[str, frozenset[str]] = {"percent": frozenset({"decimal", "int"})}
"""Each `unit:` a fact, parameter, definition or decision may declare, and the types it
suits. A unit changes only how text shows a value: the arithmetic is the same."""


@dataclass(frozen=True)
class Role:
    """What a rule does for its decision. The semantics of each role are written once,
    in `engine.compile.codegen` (the per-case code generated for every mode)."""

    name: str
    doc: str
    cited: str  # when a rule of this role is cited in an answer's citations


ROLES: dict[str, Role] = {r.name: r for r in (  # `doc` marked: `statute show` translates it
    Role("applicable_date", N_("the date that selects rule versions and parameter values"),
         "when the date cannot be known (undetermined)"),
    Role("requires", N_("a condition: false refuses the decision (or makes a computed one "
                        "not applicable)"), "when it is false"),
    Role("unless", N_("an exception: established, it refuses (or makes not applicable)"),
         "when it is established"),
    Role("value", N_("gives the answer (an amount, days, a date, a finding, ...); `when` "
                     "says for which cases, `overrides` which rule prevails"),
         "always, when it gave the answer"),
    Role("adjust", N_("changes the value given (`value` is the value so far); `order` "
                      "states which applies first"), "when it changed the value"),
)}


class _NoDefault:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()
"""The fact has no default: when a case omits it, it is unknown."""


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    type: str  # date | bool | int | money | decimal | enum | string
    values: frozenset[str] | None
    default: Any  # a value, None (known absent), or NO_DEFAULT
    default_from: str | None  # "on": the evaluation date
    cite: str
    description: str
    position: Position
    label: str | None = None  # the name explanations use instead of `name`
    unit: str | None = None  # "percent": the value is in percent points, shown as 60 %

    @property
    def expr_type(self) -> str:
        return {"enum": "str", "string": "str"}.get(self.type, self.type)


@dataclass(frozen=True, slots=True)
class Constraint:
    """A condition across facts that every case must meet (facts.yaml `constraints`).

    It guards against input no rule can answer rightly (an illness that ends before it
    starts): a case that violates it is refused before any decision, naming the facts.
    A constraint whose facts are missing is not violated: missing facts are the
    decisions' business (undetermined), not an error."""

    id: str
    expr: Any  # a compiled Expr of type bool over facts and `on`
    cite: str
    message: str
    position: Position


def value_json(value: Any) -> Any:
    """A parameter value in JSON: a decimal or date as a string, a record field by field."""
    if isinstance(value, Mapping):
        return {k: value_json(x) for k, x in value.items()}
    return value if isinstance(value, bool) else str(value)


def value_text(value: Any) -> str:
    """A parameter value as a reader sees it: `38`, `2003-01-01`, `{min: 1000, warning: yes}`."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {value_text(x)}" for k, x in value.items()) + "}"
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


@dataclass(frozen=True, slots=True)
class ParameterValue:
    start: _dt.date
    value: Any  # Decimal; a date for a date parameter
    currency: str | None
    source: str
    confidence: str  # high | medium | assumed
    note: str | None
    position: Position
    warning: str | None = None  # shown with every answer that reads a value below "high"
    amended_by: str | None = None  # the act that set this value (amendments.yaml)


@dataclass(frozen=True, slots=True)
class Parameter:
    id: str
    title: str
    type: str  # money | decimal | int | date | record
    cite: str
    values: tuple[ParameterValue, ...]
    position: Position
    starts: tuple[_dt.date, ...] = field(default=(), repr=False)
    verified_through: _dt.date | None = None
    fields: Mapping[str, str] | None = None  # a record's field -> type (money, bool, ...)
    label: str | None = None  # the name explanations use instead of `id`
    unit: str | None = None  # "percent": the value is in percent points, shown as 60 %

    @property
    def expr_type(self) -> str:
        """Its type in expressions: a record is read field by field (`p.field`)."""
        if self.fields is None:
            return self.type
        return "record(" + ",".join(f"{k}:{v}" for k, v in self.fields.items()) + ")"

    @property
    def carries_currency(self) -> bool:
        """Its values carry a currency: money, or a record with a money field."""
        return self.type == "money" or any(t == "money" for t in (self.fields or {}).values())

    def stale_after(self, day: _dt.date) -> bool:
        """True when `day` lies past the date the series was last verified."""
        return self.verified_through is not None and day > self.verified_through

    @property
    def stale_warning(self) -> str:
        return Message("{id} is read past {verified}, the date through which its values were "
                       "last verified", id=self.id, verified=self.verified_through)

    def at(self, day: _dt.date) -> ParameterValue | None:
        """The value in force on `day`: the last one starting on or before it."""
        i = bisect.bisect_right(self.starts, day)
        return self.values[i - 1] if i else None


@dataclass(frozen=True, slots=True)
class Version:
    """One dated wording of a rule. `assumed` marks the rulebook's coverage assumption."""

    start: _dt.date
    end: _dt.date
    expr: Expr | None  # None when the rule is not in force in this period
    when: Expr | None
    note: str | None
    text: str | None
    assumed: bool
    position: Position
    amended_by: str | None = None  # the act that introduced this wording (amendments.yaml)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    cite: str
    title: str | None
    text: str
    reading: str | None
    role: str  # a key of ROLES
    decisions: tuple[str, ...]
    versions: tuple[Version, ...]
    overrides: tuple[str, ...]
    article: str
    position: Position
    starts: tuple[_dt.date, ...] = field(default=(), repr=False)
    order: int | None = None  # for adjust rules: which applies first (1, 2, ...)
    row: str | None = None  # a decision table's row: the key value it is for
    act: str | None = None  # the act the provision belongs to (its article file's act)

    def version_at(self, day: _dt.date) -> Version | None:
        i = bisect.bisect_right(self.starts, day)
        if i and day <= self.versions[i - 1].end:
            return self.versions[i - 1]
        return None


@dataclass(frozen=True)
class Sum:
    """A decision summed over a range of days: its rules decided for each day (`day`),
    the selecting date of each day given by its applicable_date rule, each day's value
    turned into the day's share by `each` (default: the value itself), the shares added
    and rounded once (or where the rules round). `plan` says where the per-day outcome
    can change (None: decide every day)."""

    start: Expr
    end: Expr
    each: Expr | None
    cite: str
    text: str | None
    reading: str | None
    position: Position
    plan: Any = None  # engine.compile.segments.SegmentPlan | None
    empty_cite: str | None = None  # set: a range with no day is the kind's zero, citing it
    empty_date: Expr | None = None  # the applicable date of that zero (default: the start)
    empty_reading: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    title: str
    type: str  # a key of engine.kinds.KINDS
    per: str  # event | month
    applies_if: Expr
    applies_reading: str
    applicable_date: Rule
    rules: tuple[Rule, ...]  # requires / unless / value in rulebook order, then adjust by order
    params: tuple[str, ...]  # every parameter any of its rules reads
    position: Position
    entitlement: bool = False  # granted | refused, rather than determined
    currency: str | None = None  # of a money answer that reads no money parameter
    values: tuple[str, ...] = ()  # the values a finding may take
    depends: tuple[str, ...] = ()  # the decisions its expressions read
    no_value: str = "not_applicable"  # the status when a decision it reads has no value
    sum: Sum | None = None  # summed over a range of days
    series: tuple[str, ...] = ()  # parameters its rules read at computed dates (at())
    label: str | None = None  # the name explanations use instead of `id`
    unit: str | None = None  # "percent": the value is in percent points, shown as 60 %

    @property
    def yes(self) -> str:
        """The status of an answer with a value."""
        return "granted" if self.entitlement else "determined"

    @property
    def no(self) -> str:
        """The status when a condition fails or no value rule applies."""
        return "refused" if self.entitlement else "not_applicable"


@dataclass(frozen=True, slots=True)
class Coverage:
    """The dates a rulebook answers for. With no end (`open`), `end` is the last date the
    engine reads (dates.MAX_DATE): a law in force with no known end."""

    start: _dt.date
    end: _dt.date
    assumption: str
    open: bool = False

    def describe(self) -> str:
        return f"{self.start}.. (no end)" if self.open else f"{self.start}..{self.end}"

    def __contains__(self, day: _dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Rounding:
    quantum: Decimal
    mode: str


@dataclass(frozen=True, slots=True)
class Act:
    """An act that changed the law or a parameter: what it is, when it was known and applied."""

    id: str
    title: str
    adopted: _dt.date | None
    published: _dt.date | None  # None: not known, taken as the in-force date
    in_force: _dt.date
    source: str
    known: bool  # False: the act is not identified; title says what is known
    baseline: bool  # the consolidated wording itself: never filtered by as_known_on
    note: str | None
    position: Position

    @property
    def known_from(self) -> _dt.date:
        """The first day a caseworker could have known this act: its publication, or, when
        that is not known, its entry into force (never before its adoption)."""
        if self.published is not None:
            return self.published
        return max(self.in_force, self.adopted or self.in_force)
