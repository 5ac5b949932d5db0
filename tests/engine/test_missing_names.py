"""Every missing name is listed (tests/fixtures/rulebooks/good/missing, an invented Illness
Benefit Act): a sum whose range has a known start and an unknown end still decides its
first day, naming what that day misses too (or answering not_covered when no law decides
it); a value undetermined by a condition, or itself unknown, still evaluates the value and
the adjustments after it, naming every fact they miss. The fast and three-valued modes, and
segments and day by day, agree."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import engine

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good" / "missing"
RB = engine.load(GOOD)
IDS = ("daily_benefit", "illness_pay")


def _answers(facts: dict, on: str = "2021-06-01") -> dict:
    """The answers, after checking that every mode of the engine gives the same."""
    traced = RB.evaluate(facts, on=on, decisions=IDS, trace=True)
    plain = RB.evaluate(facts, on=on, decisions=IDS)
    on_d = dt.date.fromisoformat(on)
    F = RB.vocabulary.prepare(facts, on_d)
    three = RB._decide_all(dict(F), on_d, None, IDS, True, three_valued=True)
    by_day = RB._decide_all(dict(F), on_d, None, IDS, True, by_day=True)
    for i in IDS:
        assert plain[i].as_dict() == traced[i].as_dict(), i
        assert three[i].as_dict(trace=True) == traced[i].as_dict(trace=True), i
        assert by_day[i].as_dict() == traced[i].as_dict(), i
    return {i: traced[i] for i in IDS}


def test_an_unknown_end_names_what_the_first_day_misses_too():
    """Only the first day is given: the sum names its end and the daily benefit's facts
    (the earnings, the cap, and the record its § 2(2) cap asks about)."""
    r = _answers({"illness": {"start_date": "2021-03-01"}})
    assert r["daily_benefit"].status == "undetermined"
    assert r["daily_benefit"].missing_facts == ("cap.daily", "earnings.daily", "record.years")
    pay = r["illness_pay"]
    assert pay.status == "undetermined" and pay.amount is None
    assert pay.missing_facts == ("cap.daily", "earnings.daily", "illness.end_date",
                                 "record.years")


def test_an_unknown_end_alone_names_only_the_end():
    """Everything but the end is known: the first day is decided and misses nothing."""
    r = _answers({"illness": {"start_date": "2021-03-01"}, "earnings": {"daily": "80"},
                  "record": {"years": 3}, "cap": {"daily": "70"}})
    assert (r["daily_benefit"].status, r["daily_benefit"].amount) == ("determined",
                                                                      Decimal("70.00"))
    assert r["illness_pay"].status == "undetermined"
    assert r["illness_pay"].missing_facts == ("illness.end_date",)
    assert r["illness_pay"].citations == ("§ 1(1)",)


def test_an_unknown_end_after_an_uncovered_start_is_not_covered():
    """No law in force decides the first day (2022, past the coverage): not_covered comes
    before undetermined, as for an event decision."""
    r = _answers({"illness": {"start_date": "2022-01-05"}}, on="2022-02-01")
    assert r["illness_pay"].status == "not_covered"
    assert r["illness_pay"].missing_facts == ()
    assert r["illness_pay"].applicable_date.isoformat() == "2022-01-05"


def test_an_unknown_condition_does_not_hide_the_values_missing_facts():
    """§ 2(2) asks about the record (missing), and the value and § 2(3) miss the earnings
    and the cap: all three are named, not only the record."""
    r = _answers({"illness": {"start_date": "2021-03-01", "end_date": "2021-03-04"}})
    assert r["daily_benefit"].missing_facts == ("cap.daily", "earnings.daily", "record.years")
    assert r["illness_pay"].missing_facts == ("cap.daily", "earnings.daily", "record.years")


def test_an_unknown_value_does_not_hide_an_adjustments_missing_facts():
    """The earnings are missing, the record is known: the value is unknown, and § 2(3)
    after it misses the cap too."""
    r = _answers({"illness": {"start_date": "2021-03-01", "end_date": "2021-03-04"},
                  "record": {"years": 3}})
    assert r["daily_benefit"].missing_facts == ("cap.daily", "earnings.daily")


def test_a_known_value_with_an_unknown_adjustment_names_only_it():
    r = _answers({"illness": {"start_date": "2021-03-01", "end_date": "2021-03-04"},
                  "earnings": {"daily": "80"}, "record": {"years": 3}})
    assert r["daily_benefit"].missing_facts == ("cap.daily",)


@pytest.mark.parametrize("years, cap, amount", [(0, "70", "200.00"), (3, "70", "280.00")])
def test_a_known_case_is_summed_as_before(years, cap, amount):
    """4 days × min(80, 50) = 200 with under a year of record; 4 × min(80, 70) = 280."""
    r = _answers({"illness": {"start_date": "2021-03-01", "end_date": "2021-03-04"},
                  "earnings": {"daily": "80"}, "record": {"years": years},
                  "cap": {"daily": cap}})
    assert (r["illness_pay"].status, r["illness_pay"].amount) == ("determined",
                                                                  Decimal(amount))
    assert r["illness_pay"].citations == ("§ 1(2)",)
