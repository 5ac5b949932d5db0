"""`engine.check.reads.facts_read`: the facts a decision can read, found in the YAML.

Held two ways on every synthetic good rulebook and every shipped example case: a case
cut down to the facts the set names decides the decision exactly as the whole case
does (nothing outside the set matters), and every fact the trace shows the decision
reading is in the set (the set misses nothing the evaluation reads).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

import engine
from engine.check.reads import facts_read

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "rulebooks" / "good"


def _flat(facts: Any, vocab: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """A case's facts as dotted names (a group nested, a fact given whole)."""
    for k, v in facts.items():
        name = prefix + k
        if name not in vocab and isinstance(v, dict):
            yield from _flat(v, vocab, name + ".")
        else:
            yield name, v


def _examples() -> list[tuple[Path, Path]]:
    return [(p.parent.parent, p) for p in sorted((ROOT / "rules").glob("*/*/examples/*.yaml"))]


@pytest.mark.parametrize("root,case", _examples(), ids=lambda p: p.name)
def test_a_case_cut_to_the_facts_read_decides_the_same(root: Path, case: Path) -> None:
    rb = engine.load(root)
    c = engine.read_case(case)
    whole = dict(_flat(c.facts, rb.facts))
    assert set(whole) <= set(rb.facts), "the example's facts are in the vocabulary"
    full = rb.evaluate(whole, on=c.on, period=c.period, trace=True)
    checked = 0
    for d in rb.decisions:
        reads = set(facts_read(rb, d).facts)
        cut = {k: v for k, v in whole.items() if k in reads}
        one = rb.evaluate(cut, on=c.on, period=c.period, decisions=[d], trace=True)
        assert one[d].as_dict(trace=True) == full[d].as_dict(trace=True), d
        traced = {name for s in full[d].trace for name, _ in s.facts}
        assert traced <= reads, (d, traced - reads)
        checked += 1
    assert checked == len(rb.decisions)


@pytest.mark.parametrize("folder", sorted(p.name for p in GOOD.iterdir() if p.is_dir()))
def test_dropping_a_fact_outside_the_set_changes_nothing(folder: str) -> None:
    """With every fact at its default or absent, the set is the decisions' own facts
    plus those of the decisions they read; a decision reading none has an empty `via`."""
    rb = engine.load(GOOD / folder)
    for d in rb.decisions.values():
        r = facts_read(rb, d.id)
        assert set(r.own) <= set(r.facts)
        assert set(r.decisions) >= set(d.depends)
        for dep in r.decisions:
            assert set(facts_read(rb, dep).facts) <= set(r.facts), (d.id, dep)
        assert set(r.facts) <= set(rb.facts)


def test_a_decision_that_reads_another_reads_its_facts_too() -> None:
    rb = engine.load(GOOD / "kinds")
    r = facts_read(rb, "supervision_required")
    assert r.decisions == ("hazard_allowance", "weekly_wage") or \
        set(r.decisions) == {"hazard_allowance", "weekly_wage"}
    assert set(r.via["weekly_wage"]) <= set(r.facts)
    assert set(r.facts) == set(r.own) | set(r.via["hazard_allowance"]) | set(
        r.via["weekly_wage"])


def test_an_unknown_decision_is_a_key_error() -> None:
    rb = engine.load(GOOD / "minimal")
    with pytest.raises(KeyError):
        facts_read(rb, "no_such_decision")
