"""The generated fact preparation (engine.compile.prepare) decides as its definition.

`Vocabulary.prepare` is written out per vocabulary for flat dicts of values already of
their fact's exact type, and hands anything else to `Vocabulary.prepare_general`. On
generated cases — mostly such values, in and out of range, mixed with JSON-style ones,
unknown names and wrong types — both give the same prepared facts and stated names or
the same errors, on a vocabulary of every scalar type (good/kinds) and one with list
facts and a constraint (good/lists).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings, strategies as st

import engine
from engine.dates import MAX_DATE, MIN_DATE
from engine.evaluate.facts import STATED, Vocabulary
from engine.expr.limits import MAX_AMOUNT

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good"
KINDS = engine.load(GOOD / "kinds")
LISTS = engine.load(GOOD / "lists")
ON = dt.date(2023, 3, 1)

_values = st.one_of(
    st.dates(dt.date(1700, 1, 1), dt.date(2300, 1, 1)), st.booleans(),
    st.integers(-3, 10 ** 16), st.decimals(allow_nan=True, places=2),
    st.decimals(-5, 10 ** 16), st.sampled_from(["none", "low", "high", "medium", "", "x" * 5000]),
    st.sampled_from(["2021-02-28", "12.50", None, 1.5]), st.lists(st.integers(0, 3), max_size=2),
    st.just({"days": 3}))


_EDGES = st.sampled_from  # hypothesis draws small numbers far more often: name the edges
_EXACT = {  # a value of the fact's own class, in range or not
    "date": st.dates(dt.date(1700, 1, 1), dt.date(2300, 1, 1))
    | _EDGES([MIN_DATE, MAX_DATE, MIN_DATE - dt.timedelta(1), MAX_DATE + dt.timedelta(1)]),
    "bool": st.booleans(),
    "int": st.integers(0, 100) | _EDGES([-1, MAX_AMOUNT - 1, MAX_AMOUNT, 10 ** 16]),
    "money": st.decimals(0, 1000, places=2)
    | _EDGES([Decimal("-0.01"), Decimal(MAX_AMOUNT), Decimal("NaN"), Decimal("Infinity"),
              Decimal("0.125"), Decimal("-0")]),
    "decimal": st.decimals(0, 1000) | _EDGES([Decimal("-1"), Decimal(MAX_AMOUNT), Decimal("sNaN")]),
    "enum": _EDGES(["none", "low", "high", "medium", ""]),
    "string": st.text(max_size=3) | st.just("x" * 5000),
}


def _mostly(usual: st.SearchStrategy, rare: st.SearchStrategy) -> st.SearchStrategy:
    """`usual` nine times in ten (one_of would draw the two alike)."""
    return st.integers(0, 9).flatmap(lambda k: usual if k else rare)


def _cases(rb: engine.Rulebook) -> st.SearchStrategy[dict]:
    """Flat cases whose values are mostly of their fact's exact class (the generated
    path), now and then anything at all, or an unknown name (the definition's path)."""
    facts = sorted(rb.facts)

    def value(name: str) -> st.SearchStrategy:
        exact = _EXACT.get(rb.facts[name].type)
        return _values if exact is None else _mostly(exact, _values)
    pair = st.sampled_from(facts).flatmap(lambda n: st.tuples(st.just(n), value(n)))
    unknown = st.tuples(st.just("job.unknown"), _values)
    return st.lists(_mostly(pair, unknown),
                    max_size=6).map(dict)


def _run(prepare, raw: dict) -> tuple:
    try:
        F = prepare(raw, ON)
    except engine.ErrorList as e:
        return ("err", sorted(str(x) for x in e.errors))
    return ("ok", {k: v for k, v in F.items() if k != STATED}, set(F[STATED]))


@settings(max_examples=400)  # cheap (microseconds each); the edges need the draws
@given(_cases(KINDS))
def test_generated_preparation_decides_as_the_definition(raw):
    v = KINDS.vocabulary
    assert _run(v.prepare, raw) == _run(v.prepare_general, raw)


@settings(max_examples=200)
@given(_cases(LISTS))
def test_generated_preparation_with_lists_and_a_constraint(raw):
    v = LISTS.vocabulary
    assert _run(v.prepare, raw) == _run(v.prepare_general, raw)


def test_exact_values_are_taken_without_the_definition(monkeypatch):
    """A flat case of exact values never reaches prepare_general (the point of it)."""
    v = KINDS.vocabulary
    raw = {"worker.start_date": dt.date(2022, 1, 10), "job.hours": 40,
           "job.hourly_rate": Decimal("12.50"), "job.hazard": "high", "worker.apprentice": True}
    want = _run(v.prepare_general, raw)
    calls: list = []
    general = Vocabulary.prepare_general
    monkeypatch.setattr(Vocabulary, "prepare_general",
                        lambda *a: calls.append(a) or general(*a))
    fresh = Vocabulary(v.facts, v.constraints)  # binds the counting definition
    assert _run(fresh.prepare, raw) == want and calls == []
    assert _run(fresh.prepare, {**raw, "worker.start_date": "2022-01-10"}) == want and calls
    assert _run(v.prepare, {**raw, "job.hazard": "medium"})[0] == "err"
