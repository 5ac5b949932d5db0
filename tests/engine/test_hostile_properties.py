"""The three readers of untrusted text, on any input: a result or a StatuteError (an
ErrorList of them), never another exception — the YAML reader (any bytes), the
expression compiler and its evaluation (any text, and text built from the language's own
pieces), and the case reader with evaluation (any YAML-ish case). The invented rulebooks
tests/fixtures/rulebooks/good/lists and good/kinds give the names. tools/fuzz/harness.py
runs the same properties under atheris for longer."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, strategies as st

import engine
from engine.errors import Position, StatuteError
from engine.evaluate.facts import case_from_data
from engine.expr import Scope, compile_expression
from engine.load.yaml import parse_bytes

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good"
LISTS = engine.load(GOOD / "lists")
KINDS = engine.load(GOOD / "kinds")
SCOPE = Scope({n: f.expr_type for n, f in LISTS.facts.items()},
              {n: f.values for n, f in LISTS.facts.items() if f.values},
              {n: p.expr_type for n, p in LISTS.parameters.items()},
              {"on": "date", "day": "date"})
ON = dt.date(2021, 3, 10)
FACTS = LISTS.vocabulary.prepare({"volunteer": {"number": "112-233-445 95"},
                                  "leave": {"parts": [{"days": 3, "start": "2021-02-01",
                                                       "kind": "rest"}]}}, ON)

_pieces = st.sampled_from([
    "leave.parts.days", "leave.expenses", "volunteer.number", "volunteer.hours_pledged", "on",
    "day", "1", "0", "-", "+", "*", "/", "//", "%", "**", "(", ")", ",", " ", "==", "<",
    "and", "or", "not", "if", "else", "in", "len(", "sum(", "min(", "max(", "digit(",
    "digits(", "number(", "matches(", "'{digit:3}'", "'rest'", "round(", "add_days(",
    "date('2021-01-01')", "[", "]", "__class__", ".", "lambda", "x", "9" * 30, "1e999",
    "True", "None"])
_built = st.lists(_pieces, min_size=1, max_size=25).map("".join)


def _compile_and_run(text: str) -> None:
    try:
        e = compile_expression(text, SCOPE, Position("<property>", 1, 1))
    except StatuteError:
        return
    try:
        e.evaluate(FACTS, {}, {"on": ON, "day": ON})
    except StatuteError:
        pass


@given(st.binary(max_size=400))
def test_any_bytes_are_a_document_or_a_statute_error(raw):
    try:
        parse_bytes(raw, "<property>")
    except StatuteError:
        pass


@given(st.text(max_size=200))
def test_any_text_compiles_or_is_a_statute_error(text):
    _compile_and_run(text)


@given(_built)
def test_the_languages_own_pieces_compile_or_are_a_statute_error(text):
    _compile_and_run(text)


_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 20, 10 ** 20),
                    st.text(max_size=12), st.floats(), st.sampled_from(
                        ["2021-02-30", "2023-01-10", "12.50", "high", "1e9999"]))
_group = st.dictionaries(st.sampled_from(["start_date", "apprentice", "hours", "hourly_rate",
                                          "hazard", "first_offence", "due_on", "paid_on",
                                          "nope"]), _scalar, max_size=4)
_case = st.fixed_dictionaries({"on": st.one_of(st.dates(), st.text(max_size=10)),
                               "facts": st.dictionaries(st.sampled_from(
                                   ["worker", "job", "order", "other"]), _group, max_size=3)})


@given(_case)
def test_any_case_is_an_answer_or_a_statute_error(data):
    doc = parse_bytes(b"{}", "<property>")
    try:
        case = case_from_data(data, doc)
        KINDS.evaluate_case(case, trace=True).as_dict(trace=True)
    except StatuteError:
        pass


CRASHES = Path(__file__).resolve().parents[2] / "tools" / "fuzz" / "crashes"
_READERS = {"expr": lambda raw: _compile_and_run(raw.decode("utf-8", "replace")),
            "yaml": lambda raw: _document_or_error(raw),
            "case": lambda raw: _case_or_error(raw)}


def _document_or_error(raw: bytes) -> None:
    try:
        parse_bytes(raw, "<reproducer>")
    except StatuteError:
        pass


def _case_or_error(raw: bytes) -> None:
    try:
        KINDS.evaluate_case(case_from_data(None, parse_bytes(raw, "<reproducer>")), trace=True)
    except StatuteError:
        pass


def test_every_crash_the_fuzzer_found_stays_fixed():
    """tools/fuzz/crashes/<reader>/*: inputs atheris once crashed a reader with."""
    found = sorted(p for p in CRASHES.glob("*/*") if p.is_file())
    assert found, "the reproducers are kept under tools/fuzz/crashes/"
    for path in found:
        _READERS[path.parent.name](path.read_bytes())
