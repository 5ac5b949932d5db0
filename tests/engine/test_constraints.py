"""Constraints across facts (facts.yaml `constraints`): input no rule can answer rightly
is refused before any decision, naming the constraint, its citation and its facts.

The rulebooks are the invented ones of tests/fixtures/rulebooks/good/daily (a Late Wages
and Sick Pay Act: an illness cannot end before it starts, § 2(1); the part paid on time
cannot exceed the amount due, § 1(2)) and good/lists (a leave part has at least one day,
§ 2(1)).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "rulebooks" / "good"
DAILY = engine.load(GOOD / "daily")
LISTS = engine.load(GOOD / "lists")
ILL = {"illness": {"start_date": "2020-12-30", "end_date": "2021-01-02"},
       "earnings": {"daily": "90"}}


def errors_of(rb: engine.Rulebook, facts: dict) -> list[engine.StatuteError]:
    with pytest.raises(engine.ErrorList) as e:
        rb.evaluate(facts, "2021-06-01")
    assert all(isinstance(x, engine.CaseError) for x in e.value.errors)
    return list(e.value.errors)


def test_constraints_are_loaded_with_their_citation_and_facts():
    ids = [c.id for c in DAILY.constraints]
    assert ids == ["illness_ends_after_it_starts", "paid_on_time_within_amount"]
    c = DAILY.constraints[0]
    assert (c.cite, c.message) == ("§ 2(1)", "the illness ends before it starts")
    assert set(c.expr.facts) == {"illness.start_date", "illness.end_date"}
    assert c.position.file.endswith("facts.yaml") and c.position.line > 1


def test_a_violated_constraint_names_the_facts_their_values_and_the_law():
    bad = {"illness": {"start_date": "2021-01-05", "end_date": "2021-01-02"},
           "earnings": {"daily": "90"}}
    [e] = errors_of(DAILY, bad)
    assert e.field == "illness.end_date, illness.start_date" or \
        set(e.field.split(", ")) == {"illness.start_date", "illness.end_date"}
    assert "the illness ends before it starts (§ 2(1))" in e.message
    assert "illness.start_date = 2021-01-05" in e.message
    assert "illness.end_date = 2021-01-02" in e.message
    assert "illness_ends_after_it_starts" in e.message


def test_the_boundary_holds_a_one_day_illness():
    """§ 2(1): start == end is a one-day illness, not an error: one day is paid, at the
    floor of the minimum wage of 2021-01 (3100 / 31 = 100.00 a day, above the 90 earned)."""
    one = {"illness": {"start_date": "2021-01-02", "end_date": "2021-01-02"},
           "earnings": {"daily": "90"}}
    r = DAILY.evaluate(one, "2021-06-01", decisions=["sick_pay"])
    assert (r["sick_pay"].status, str(r["sick_pay"].value)) == ("determined", "100.00")


def test_every_violated_constraint_is_reported_at_once():
    bad = {"illness": {"start_date": "2021-01-05", "end_date": "2021-01-02"},
           "pay": {"due_date": "2020-03-10", "amount": "100", "paid_on_time": "100.01"}}
    errs = errors_of(DAILY, bad)
    assert len(errs) == 2
    assert any("more was paid on time than was due (§ 1(2))" in e.message
               and "pay.paid_on_time = 100.01" in e.message for e in errs)


def test_a_constraint_on_a_missing_fact_holds_and_the_decision_is_undetermined():
    """A missing fact is the decisions' business: undetermined naming it (and the other
    fact the first day needs), not an error."""
    r = DAILY.evaluate({"illness": {"start_date": "2021-01-05"}}, "2021-06-01",
                       decisions=["sick_pay"])
    assert r["sick_pay"].status == "undetermined"
    assert r["sick_pay"].missing_facts == ("earnings.daily", "illness.end_date")


def test_a_constraint_over_a_list_of_records():
    parts = [{"days": 3, "start": "2021-02-01", "kind": "rest"},
             {"days": 0, "start": "2021-03-01", "kind": "care"}]
    [e] = errors_of(LISTS, {"volunteer": {"number": "112-233-445 95"},
                            "leave": {"parts": parts}})
    assert "a part of the leave has no days (§ 2(1))" in e.message
    assert "days: 0" in e.message and e.field == "leave.parts"
    ok = LISTS.evaluate({"volunteer": {"number": "112-233-445 95"},
                         "leave": {"parts": parts[:1]}}, "2021-03-10")
    assert ok.decisions  # one day or more: no error


def test_the_cli_exits_2_at_the_line_of_the_fact(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("on: 2021-06-01\nfacts:\n  illness:\n    start_date: 2021-01-05\n"
                    "    end_date: 2021-01-02\n  earnings: {daily: '90'}\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(GOOD / "daily"),
                        str(case)], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert f"{case}:4:" in r.stderr or f"{case}:5:" in r.stderr
    assert "the illness ends before it starts" in r.stderr


def test_as_known_on_keeps_the_constraints():
    view = DAILY.known_on("2021-01-01")
    assert view.constraints == DAILY.constraints
