"""JSON-style facts (nested groups, ISO date strings, amounts as strings) take a quick
pass (Vocabulary._quick); it must decide exactly what the full check (_slow) decides —
the same prepared facts and stated names, or the same errors — on generated cases,
well formed and not, of an invented vocabulary with every scalar type
(tests/fixtures/rulebooks/good/kinds) and a list fact (good/lists)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

from hypothesis import given, strategies as st

import engine
from engine.evaluate.facts import STATED, Vocabulary

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good"
KINDS = engine.load(GOOD / "kinds")
LISTS = engine.load(GOOD / "lists")
ON = dt.date(2023, 3, 1)

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10 ** 16),
    st.sampled_from(["2021-02-28", "2021-02-30", "2021-2-3", "0001-01-01", "2300-01-01",
                     "12.50", "-3", "1e3", "abc", "low", "high", "medium", "", "12",
                     "300.5", "2020-01-01T00:00"]),
    st.dates(dt.date(1800, 1, 1), dt.date(2300, 1, 1)), st.decimals(allow_nan=True),
    st.floats(allow_nan=False, allow_infinity=False), st.lists(st.integers(0, 3), max_size=2))


def _case(vocab: engine.Rulebook) -> st.SearchStrategy[dict]:
    names = sorted(vocab.facts) + ["job.unknown", "nobody.here"]
    def build(pairs: list[tuple[str, object, bool]]) -> dict:
        out: dict = {}
        for name, value, nested in pairs:
            if nested and "." in name:
                group, _, rest = name.partition(".")
                sub = out.setdefault(group, {})
                if isinstance(sub, dict):
                    sub[rest] = value
            else:
                out[name] = value
        return out
    return st.lists(st.tuples(st.sampled_from(names), _scalars, st.booleans()),
                    max_size=8).map(build)


def _both(vocab, raw: dict) -> tuple:
    """prepare() as it is, and prepare() with the quick pass turned off."""
    v = vocab.vocabulary

    def run() -> tuple:
        try:
            F = v.prepare(raw, ON)
            return ("ok", {k: x for k, x in F.items() if k != STATED}, set(F[STATED]))
        except engine.ErrorList as e:
            return ("err", sorted(str(x) for x in e.errors))
    with_quick = run()
    with mock.patch.object(Vocabulary, "_quick", lambda self, slow, raw: None):
        without = run()
    return with_quick, without


@given(_case(KINDS))
def test_the_quick_pass_decides_as_the_full_check(raw):
    a, b = _both(KINDS, raw)
    assert a == b


@given(_case(LISTS))
def test_the_quick_pass_leaves_lists_to_the_full_check(raw):
    a, b = _both(LISTS, raw)
    assert a == b


def test_a_json_case_is_taken_by_the_quick_pass():
    raw = {"job": {"hazard": "high", "hours": 40, "hourly_rate": "12.50"},
           "worker": {"start_date": "2022-01-10"}}
    assert KINDS.vocabulary._quick(raw, raw) is not None
    F = KINDS.vocabulary.prepare(raw, ON)
    assert F["worker.start_date"] == dt.date(2022, 1, 10)
    assert str(F["job.hourly_rate"]) == "12.50"
    assert set(F[STATED]) == {"job.hazard", "job.hours", "job.hourly_rate", "worker.start_date"}
