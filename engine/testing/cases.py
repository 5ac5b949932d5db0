"""YAML regression tests pinned to dates: the cases in `rules/<law>/tests/*.yaml`.

A test file (schema `test`) lists cases, each with a date, an optional period, the facts
and the expected parts of the result of one or more decisions:

    cases:
      - name: what the case is
        cite: the provision it checks
        why: why the expected value is right, from the law's text
        on: 2024-03-01
        facts: {person: {birth_date: 2000-01-31}}
        expect:
          some_decision: {status: determined, value: 28, exact_citations: [§ 1(2)]}

The rulebook of a test file is the folder holding its `tests/` folder. `statute test`
and the pytest plugin (`engine.pytest_plugin`) both run the cases through this module:

    cases = collect(["rules/"])          # ErrorList if a test file is invalid
    for outcome in map(run_case, cases):
        if not outcome.passed:
            print(format_failure(outcome))
"""
from __future__ import annotations

import datetime as _dt
import difflib
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from engine import dates
from engine.load.schema import schema_errors
from engine.load.yaml import Document, read_yaml
from engine.errors import ErrorList, LoadError, Position, StatuteError
from engine.load.build import load
from engine.kinds import json_value
from engine.render.text import headline, trace_lines
from engine.result import DecisionResult, Result
from engine.rulebook import Rulebook
from engine.render.messages import Message, message_of, translator

__all__ = ["FIELDS", "Mismatch", "Outcome", "TestCase", "collect", "find_test_files",
           "format_failure", "is_test_file", "read_test_file", "run_case"]

MAX_TEST_BYTES = 1_000_000

# A cache of loaded rulebooks (or the errors that stopped them), by resolved folder.
Rulebooks = dict[Path, "Rulebook | StatuteError"]


@dataclass(frozen=True, eq=False)
class TestCase:
    """One case of a test file, ready to run against its (loaded) rulebook."""

    __test__ = False  # not a pytest test class, despite its name

    file: str
    line: int
    name: str
    rulebook_path: Path
    data: Mapping[str, Any] = field(repr=False)  # the case as written in the file
    index: int = field(repr=False)  # its position in the file's `cases`
    rulebook: Rulebook = field(repr=False)
    document: Document = field(repr=False)

    @property
    def position(self) -> Position:
        return self.document.pos(("cases", self.index))

    def pos(self, *path: Any) -> Position:
        """Position of a value inside this case (e.g. `pos("expect", decision)`)."""
        return self.document.pos(("cases", self.index, *path))


class Mismatch(NamedTuple):
    decision: str
    field: str
    expected: Any
    actual: Any


@dataclass(frozen=True, eq=False)
class Outcome:
    """What running a case gave: passed, the mismatches, the Result (None if it erred)."""

    case: TestCase
    passed: bool
    mismatches: tuple[Mismatch, ...] = ()
    result: Result | None = None
    errors: tuple[str, ...] = ()  # positioned messages: bad facts, an evaluation failure
    problems: tuple[StatuteError, ...] = ()  # the same errors, to show in another language


# -- finding and reading test files ----------------------------------------------------------

def is_test_file(path: Path) -> bool:
    """A `*.yaml` file in the `tests/` folder of a folder holding rulebook.yaml."""
    return (path.suffix == ".yaml" and path.parent.name == "tests"
            and (path.parent.parent / "rulebook.yaml").is_file())


_NOT_A_TEST_FILE = Message("not a test file: test files are *.yaml files in the tests/ folder "
                           "of a rulebook (beside rulebook.yaml)")


def find_test_files(paths: Iterable[str | Path]) -> list[Path]:
    """The test files named, and those under the folders named (recursively), in order."""
    found: list[Path] = []
    errors: list[StatuteError] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*.yaml") if is_test_file(f)))
        elif p.is_file():
            if is_test_file(p):
                found.append(p)
            else:
                errors.append(LoadError(_NOT_A_TEST_FILE, Position(str(p))))
        else:
            errors.append(LoadError(Message("no such file or folder"), Position(str(p))))
    if errors:
        raise ErrorList(errors)
    return list(dict.fromkeys(found))


def collect(paths: Iterable[str | Path], rulebooks: Rulebooks | None = None) -> list[TestCase]:
    """Every case in the test files found under `paths`, each file checked.

    Raises:
        ErrorList: every problem in every test file (and in the rulebooks they test),
            each at its file, line and column.
    """
    rulebooks = {} if rulebooks is None else rulebooks
    cases: list[TestCase] = []
    errors: dict[str, StatuteError] = {}  # by message: a broken rulebook is reported once
    for f in find_test_files(paths):
        try:
            cases.extend(read_test_file(f, rulebooks))
        except ErrorList as e:
            errors.update((str(x), x) for x in e.errors)
    if errors:
        raise ErrorList(errors.values())
    return cases


def read_test_file(path: str | Path, rulebooks: Rulebooks | None = None) -> list[TestCase]:
    """The cases of one test file, checked against the schema and its rulebook."""
    path = Path(path)
    file = str(path)
    if not is_test_file(path):
        raise ErrorList([LoadError(_NOT_A_TEST_FILE, Position(file))])
    try:
        doc = read_yaml(path, MAX_TEST_BYTES)
    except LoadError as e:
        raise ErrorList([e]) from None
    if not isinstance(doc.data, dict):
        raise ErrorList([LoadError(Message("a test file is a mapping with 'cases', a list of "
                                           "cases"),
                                   doc.pos())])
    errors: list[StatuteError] = list(schema_errors(_dates_as_text(doc), "test"))
    raw = doc.data.get("cases")
    entries = [(i, c) for i, c in enumerate(raw) if isinstance(c, dict)] \
        if isinstance(raw, list) else []
    root = path.parent.parent
    rb = _rulebook(root, rulebooks if rulebooks is not None else {})
    if isinstance(rb, StatuteError):
        errors.extend(rb.errors if isinstance(rb, ErrorList) else [rb])
        errors.append(LoadError(Message("the rulebook {root} has errors; run `statute check "
                                        "{root}`", root=root),
                                Position(file)))
    else:
        errors.extend(e for i, c in entries for e in _case_errors(doc, i, c, rb))
    first: dict[str, int] = {}
    for i, c in entries:
        name = c.get("name")
        if isinstance(name, str) and name in first:
            errors.append(LoadError(Message("duplicate case name {name!r} (first at line {first})",
                                            name=name, first=first[name]),
                                    doc.pos(("cases", i, "name")), field=f"cases.{i}.name"))
        elif isinstance(name, str):
            first[name] = doc.pos(("cases", i)).line
    if errors:
        raise ErrorList(errors)
    assert isinstance(rb, Rulebook)
    return [TestCase(file, doc.pos(("cases", i)).line, c["name"], root, c, i, rb, doc)
            for i, c in entries]


def _rulebook(root: Path, cache: Rulebooks) -> Rulebook | StatuteError:
    key = root.resolve()
    if key not in cache:
        try:
            cache[key] = load(root)
        except StatuteError as e:
            cache[key] = e
    return cache[key]


def _case_errors(doc: Document, i: int, data: Mapping[str, Any], rb: Rulebook) -> list[LoadError]:
    """What the schema cannot see: a month that does not exist, a decision the rulebook lacks."""
    errors = []
    if isinstance(data.get("period"), str):
        try:
            dates.parse_month(data["period"])
        except ValueError as e:
            errors.append(LoadError(message_of(e), doc.pos(("cases", i, "period")),
                                    field=f"cases.{i}.period"))
    expect = data.get("expect")
    for decision in expect if isinstance(expect, dict) else ():
        if decision not in rb.decisions:
            close = difflib.get_close_matches(decision, list(rb.decisions), n=1)
            hint = Message(" (did you mean {name!r}?)", name=close[0]) if close else ""
            errors.append(LoadError(Message("unknown decision {decision!r}{hint}; {id} decides "
                                            "{decisions}", decision=decision, hint=hint, id=rb.id,
                                            decisions=', '.join(rb.decisions)),
                                    doc.key_pos(("cases", i, "expect", decision)),
                                    field=f"cases.{i}.expect.{decision}"))
    return errors


def _dates_as_text(doc: Document) -> Document:
    """The document with its dates written back as text, positions unchanged.

    The schema checker treats a YAML date as a string (format: date), but jsonschema's
    `pattern` then fails on it with a TypeError (e.g. `period: 2010-07-01`, or a date
    where a currency goes). Validating the dates as the text they were written in gives
    the schema's own error instead.
    """
    def text(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: text(x) for k, x in v.items()}
        if isinstance(v, list):
            return [text(x) for x in v]
        return v.isoformat() if isinstance(v, _dt.date) else v
    return Document(doc.file, text(doc.data), doc.positions, doc.keys)


# -- running a case --------------------------------------------------------------------------

FIELDS = ("status", "type", "value", "amount", "currency", "applicable_date", "citations",
          "exact_citations", "missing_facts")


def _amount(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _date(v: Any) -> _dt.date | None:
    return v if v is None or isinstance(v, _dt.date) else _dt.date.fromisoformat(v)


def _same(want: Any, have: Any) -> bool:
    """JSON equality, with decimals (and decimal strings) equal when their numbers are."""
    if isinstance(want, dict) and isinstance(have, dict):
        return want.keys() == have.keys() and all(_same(want[k], have[k]) for k in want)
    if isinstance(want, (list, tuple)) and isinstance(have, (list, tuple)):
        return len(want) == len(have) and all(_same(a, b) for a, b in zip(want, have))
    if isinstance(want, bool) or isinstance(have, bool):
        return want is have
    if isinstance(want, _dt.date):
        want = want.isoformat()
    if want == have:
        return True
    try:
        return Decimal(str(want)) == Decimal(str(have))
    except (ArithmeticError, ValueError):
        return False


def _value(e: Any, r: DecisionResult) -> bool:
    have = json_value(r.type, r.value, r.currency)
    if r.type == "money" and not isinstance(e, dict) and have is not None:
        have = have["amount"]  # a money value may be written as its amount alone
    return _same(e, have)


# field -> does the expected value (as written) match the decision's result?
_MATCH: dict[str, Callable[[Any, DecisionResult], bool]] = {
    "status": lambda e, r: e == r.status,
    "type": lambda e, r: e == r.type,
    "value": _value,
    "amount": lambda e, r: _amount(e) == r.amount,
    "currency": lambda e, r: e == r.currency,
    "applicable_date": lambda e, r: _date(e) == r.applicable_date,
    "citations": lambda e, r: set(e) <= set(r.citations),
    "exact_citations": lambda e, r: list(e) == list(r.citations),
    "missing_facts": lambda e, r: sorted(e) == sorted(r.missing_facts),
}
_ACTUAL: dict[str, Callable[[DecisionResult], Any]] = {
    "value": lambda r: json_value(r.type, r.value, r.currency),
    "exact_citations": lambda r: r.citations,
}


def run_case(tc: TestCase) -> Outcome:
    """Evaluate the case (with trace) and compare every expected field.

    Bad facts, an evaluation error, even a crash of the engine, make a failed Outcome
    with the (positioned) messages, never an exception.
    """
    data = tc.data
    extra = {"as_known_on": data["as_known_on"]} if "as_known_on" in data else {}
    try:
        result = tc.rulebook.evaluate(data["facts"], on=data["on"], period=data.get("period"),
                                      trace=True, **extra)
    except ErrorList as e:
        placed = sorted((_place(tc, x) for x in e.errors), key=_where)
        return Outcome(tc, False, errors=tuple(map(str, placed)), problems=tuple(placed))
    except StatuteError as e:
        one = _place(tc, e)
        return Outcome(tc, False, errors=(str(one),), problems=(one,))
    except Exception as e:  # noqa: BLE001 - an engine defect: report it with its traceback
        return Outcome(tc, False, errors=(
            f"{tc.position}: the engine failed on this case:\n"
            + "".join(traceback.format_exception(e)).rstrip(),))
    mismatches = tuple(
        Mismatch(decision, f, expected[f], actual)
        for decision, expected in data["expect"].items()
        for f in FIELDS if f in expected
        for r in (result[decision],)
        if not _MATCH[f](expected[f], r)
        for actual in (_ACTUAL[f](r) if f in _ACTUAL else getattr(r, f),))
    return Outcome(tc, not mismatches, mismatches, result)


def _place(tc: TestCase, e: StatuteError) -> StatuteError:
    """Give an error about the case's facts, date or period the position it has in the file."""
    if e.position is not None:
        return e
    if not e.field:
        return type(e)(e.message, tc.position)
    if e.field in ("on", "period", "as_known_on") and e.field in tc.data:
        return type(e)(e.message, tc.pos(e.field), e.field)
    return type(e)(e.message, tc.pos("facts", *_key_path(tc.data["facts"], e.field)), e.field)


def _where(e: StatuteError) -> tuple[int, int]:
    return (e.position.line, e.position.col) if e.position else (0, 0)


def _key_path(facts: Any, name: str) -> tuple[str, ...]:
    """The keys leading to fact `name` as the case writes it (nested, dotted or mixed)."""
    parts, path, i = name.split("."), [], 0
    while i < len(parts) and isinstance(facts, Mapping):
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in facts:
                path.append(key)
                facts, i = facts[key], j
                break
        else:
            break
    return tuple(path)


# -- reporting -------------------------------------------------------------------------------

def format_failure(outcome: Outcome, lang: str = "en") -> str:
    """A failed case: where and what it checks, expected beside actual, each failing trace
    (the engine's phrases in `lang`; `cite:`, `why:`, `on` and `period` are the test
    file's own keys)."""
    _ = translator(lang)
    tc = outcome.case
    head = [f"{tc.position}: {tc.name}", f"  cite: {tc.data['cite']}",
            f"  why:  {' '.join(str(tc.data['why']).split())}",
            f"  on {_show(tc.data['on'])}" + (f", period {tc.data['period']}"
                                                if "period" in tc.data else "")
            + (_(", as known on {date}").format(date=_show(tc.data["as_known_on"]))
               if "as_known_on" in tc.data else "")]
    errors = [p.text(lang) for p in outcome.problems] if outcome.problems and lang != "en" \
        else outcome.errors
    out = head + [f"  {e}" for e in "\n".join(errors).splitlines()]
    by_decision: dict[str, list[Mismatch]] = {}
    for m in outcome.mismatches:
        by_decision.setdefault(m.decision, []).append(m)
    for decision, ms in by_decision.items():
        rows = [(decision, _("expected"), _("actual"))] + [
            (f"  {m.field}", _show(m.expected, m.field), _show(m.actual, m.field)) for m in ms]
        widths = [max(len(r[k]) for r in rows) for k in range(3)]
        out.append("")
        out.extend("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                   for r in rows)
        out.extend("    " + _("not among the actual citations: {cite}").format(cite=c) for m in ms
                   if m.field == "citations" for c in m.expected if c not in m.actual)
        assert outcome.result is not None
        out.append("")
        out.extend(_trace_lines(outcome.result[decision], lang))
    return "\n".join(out) + "\n"


def _trace_lines(r: DecisionResult, lang: str = "en") -> list[str]:
    return ["  " + translator(lang)("trace of {id}:").format(id=r.id), f"  {headline(r, lang)}",
            *(f"  {line}" for line in trace_lines(r, lang))]


def _show(v: Any, field: str | None = None) -> str:
    if v is None:
        return "null"
    if field == "amount" and not isinstance(v, Decimal):
        v = _amount(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(map(str, v)) + "]"
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)
