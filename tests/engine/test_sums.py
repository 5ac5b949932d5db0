"""Sums over days (tests/fixtures/rulebooks/good/daily, an invented Late Wages and Sick
Pay Act): a decision's rules decided for each day of a range, versions and parameter
values selected by each day's selecting date, the day's shares added and rounded once;
decided once per segment where the outcome cannot change, and equal to day by day."""
from __future__ import annotations

import ast
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.compile.segments import plan_segments

DAILY = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good" / "daily"
RB = engine.load(DAILY)
D = dt.date

LATE = {"pay": {"due_date": "2020-03-10", "paid_date": "2020-07-05", "amount": "30000"}}
ILL = {"illness": {"start_date": "2020-12-30", "end_date": "2021-01-02"},
       "earnings": {"daily": "90"}}


def test_interest_across_a_rate_change_and_an_amendment():
    """§ 1(2): days 2020-03-11..14 at 10 % (30000 × 10/100/300 = 10 a day, 4 days = 40),
    2020-03-15..06-30 at 12 % (12 a day, 108 days = 1296), 2020-07-01..05 at 12 % and the
    amended 1/150 (24 a day, 5 days = 120): 1456.00, rounded once."""
    r = RB.evaluate(LATE, on="2021-06-01", decisions=["late_interest"], trace=True)
    i = r["late_interest"]
    assert (i.status, i.value, i.currency) == ("determined", Decimal("1456.00"), "XTS")
    assert i.citations == ("§ 1(2)",)
    shares = [(s.title, s.outcome) for s in i.trace if s.kind == "share"]
    assert shares == [("2020-03-11..2020-03-14", 40), ("2020-03-15..2020-06-30", 1296),
                      ("2020-07-01..2020-07-05", 120)]
    # decided once per segment: 3 of the 117 days (the rate change, the amendment)
    assert [s.outcome for s in i.trace if s.kind == "decided"] == [3]


def test_a_count_of_days_is_a_sum_of_ones():
    """§ 1(1): 2020-03-11 to 2020-07-05 is 21 + 30 + 31 + 30 + 5 = 117 days of delay."""
    r = RB.evaluate(LATE, on="2021-06-01", decisions=["days_late"])["days_late"]
    assert (r.status, r.type, r.value) == ("determined", "days", 117)
    assert r.as_dict()["value"] == 117


def test_unpaid_runs_to_the_evaluation_date():
    """§ 1(1): with no payment date the delay runs to `on`: 2020-03-11..2020-03-20, 10 days:
    4 at 10 % (10 a day = 40) and, from the rate change of 2020-03-15, 6 at 12 % (12 a day
    = 72): 112.00."""
    facts = {"pay": {"due_date": "2020-03-10", "amount": "30000"}}
    r = RB.evaluate(facts, on="2020-03-20", decisions=["late_interest", "days_late"])
    assert r["late_interest"].value == Decimal("112.00") and r["days_late"].value == 10


def test_paid_on_time_has_no_day_to_sum():
    """A payment on the due date leaves no day of delay: the range is empty."""
    facts = {"pay": {"due_date": "2020-03-10", "paid_date": "2020-03-10", "amount": "5"}}
    r = RB.evaluate(facts, on="2020-04-01", decisions=["days_late"])["days_late"]
    assert r.status == "not_applicable" and r.citations == ("§ 1(1)",)


def test_sick_pay_uses_the_minimum_wage_of_the_first_day_with_a_monthly_floor():
    """§ 2(1)-(2): the minimum wage of 2020-12-30 (3000) serves every day, also in January
    2021 when 3100 is in force; 3000/31 = 96.774.. → 96.77 > 90 a day in both months:
    4 × 96.77 = 387.08. The employer's part is the first 3 days: 290.31."""
    r = RB.evaluate(ILL, on="2021-02-01", decisions=["sick_pay", "employer_part"])
    assert r["sick_pay"].value == Decimal("387.08")
    assert r["employer_part"].value == Decimal("290.31")
    assert r["sick_pay"].applicable_date == D(2020, 12, 30)


def test_an_illness_running_past_the_coverage_is_answered():
    """The selecting date is the first day (inside the coverage), so days after the
    coverage ends (2021-12-31) are still decided: 2021-12-30..2022-01-02, 3100/31 = 100.00
    a day: 400.00."""
    facts = {"illness": {"start_date": "2021-12-30", "end_date": "2022-01-02"},
             "earnings": {"daily": "90"}}
    r = RB.evaluate(facts, on="2022-02-01", decisions=["sick_pay"])["sick_pay"]
    assert (r.status, r.value) == ("determined", Decimal("400.00"))


def test_a_delay_running_past_the_coverage_is_not_covered():
    """Each day selects its own versions: a day after 2021-12-31 has none in force, so
    the sum is not_covered, never a partial amount."""
    facts = {"pay": {"due_date": "2021-12-20", "paid_date": "2022-01-05", "amount": "100"}}
    r = RB.evaluate(facts, on="2022-02-01", decisions=["late_interest"])["late_interest"]
    assert r.status == "not_covered" and r.value is None


def test_a_missing_fact_makes_the_sum_undetermined_naming_it():
    facts = {"pay": {"due_date": "2020-03-10", "paid_date": "2020-03-20"}}
    r = RB.evaluate(facts, on="2020-04-01", decisions=["late_interest"])["late_interest"]
    assert r.status == "undetermined" and r.missing_facts == ("pay.amount",)


def test_a_sum_over_a_million_years_is_a_clear_error_not_a_hang():
    facts = {"pay": {"due_date": "1800-01-01", "amount": "1"}}
    with pytest.raises(engine.ErrorList) as e:
        RB.evaluate(facts, on="2200-12-31", decisions=["days_late"])
    assert "the limit is 36525 days" in str(e.value)


def test_a_rule_reading_the_elapsed_days_is_decided_day_by_day():
    """days_between(due, day) changes every day: no segment plan, every day decided."""
    assert RB.decisions["interest_counted_by_day"].sum.plan is None
    r = RB.evaluate(LATE, on="2021-06-01", decisions=["interest_counted_by_day"], trace=True)
    i = r["interest_counted_by_day"]
    assert [s.outcome for s in i.trace if s.kind == "decided"] == [117]
    assert i.value == Decimal("1396.00")  # 4 × 10 + 113 × 12: this rule has no amendment


@pytest.mark.parametrize("seed", range(3))
def test_segments_equal_day_by_day_and_the_modes_agree(seed):
    rng = random.Random(seed)
    ids = tuple(RB.decisions)
    for _ in range(60):
        due = D(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
        start = D(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
        facts = {"pay.due_date": due, "pay.amount": Decimal(rng.randint(1, 90000)),
                 "pay.paid_on_time": Decimal(rng.randint(0, 900)),
                 "illness.start_date": start,
                 "illness.end_date": start + dt.timedelta(days=rng.randint(0, 90)),
                 "earnings.daily": Decimal(rng.randint(50, 150))}
        if rng.random() < 0.8:
            facts["pay.paid_date"] = due + dt.timedelta(days=rng.randint(0, 400))
        if rng.random() < 0.1:
            facts.pop("pay.amount")
        on = D(2022, 6, 1)
        F = RB.vocabulary.prepare(facts, on)
        seg = RB._decide_all(dict(F), on, None, ids, True)
        day = RB._decide_all(dict(F), on, None, ids, True, by_day=True)
        three = RB._decide_all(dict(F), on, None, ids, True, three_valued=True)
        plain = RB._decide_all(dict(F), on, None, ids, False)  # the generated cut points
        for i in ids:
            assert plain[i].as_dict() == day[i].as_dict(), (facts, i)
            assert seg[i].as_dict() == day[i].as_dict() or _same_but_trace(seg[i], day[i])
            assert seg[i].as_dict(trace=True) == three[i].as_dict(trace=True), (facts, i)


def _same_but_trace(a, b) -> bool:
    """Segment and day-by-day traces differ in how many days they decided, nothing else."""
    return {**a.as_dict(), "trace": None} == {**b.as_dict(), "trace": None}


def _plan(*sources: str, selector: str = "day", params=()):
    return plan_segments([ast.parse(s, mode="eval") for s in sources],
                         ast.parse(selector, mode="eval"), params)


def test_the_planner_finds_cut_points_or_refuses():
    p = _plan("day >= add_months(a.d, -12)", "birthday(b.d, 2) <= day < birthday(b.d, 7)")
    assert p is not None and len(p.landmarks) == 3 and p.dated and not p.monthly
    assert _plan("x * days_in_month(day)", selector="month_start(day)").monthly
    assert not _plan("1", selector="c.start").dated  # a fixed selecting date
    assert _plan("days_between(a.d, day)") is None  # changes every day
    assert _plan("add_days(day, 3) < a.d") is None  # day shifted: not a plain comparison
    assert _plan("day < rate_date", params=["rate_date"]) is None  # a landmark read by date


def test_a_series_defined_from_another_from_a_date():
    """§ 3(1): the refinancing rate is 9 % until 2020-04-30 and equal to the base rate from
    2020-05-01 (12 %, then 8 % from 2021), no value copied: 10 days at 9 (30000 × 9/100/300 =
    9 a day = 90) and 10 days at 12 (12 a day = 120): 210.00; each derived value names both
    series and their sources."""
    values = [(v.start, v.value) for v in RB.parameters["refinancing_rate"].values]
    assert values == [(D(2020, 1, 1), 9), (D(2020, 5, 1), 12), (D(2021, 1, 1), 8)]
    assert RB.parameters["refinancing_rate"].values[1].source.startswith(
        "equal to base_rate from 2020-05-01")
    facts = {"pay": {"due_date": "2020-04-20", "paid_date": "2020-05-10", "amount": "30000"}}
    r = RB.evaluate(facts, on="2021-06-01", decisions=["refinanced_interest"])
    assert r["refinanced_interest"].value == Decimal("210.00")


def test_a_parameter_read_at_a_computed_date():
    """§ 3(2): earnings of the year before the illness count up to that year's maximum base:
    an illness of 2021 reads the 2020 base (900000), one of 2020 the 2019 base (800000); the
    trace shows the value read, with the date it was read on."""
    ill = {"illness": {"start_date": "2021-03-01", "end_date": "2021-03-02"},
           "earnings": {"daily": "90", "last_year": "1000000"}}
    r = RB.evaluate(ill, on="2021-06-01", decisions=["counted_earnings"], trace=True)
    c = r["counted_earnings"]
    assert c.value == Decimal("900000.00")
    read = [(p.name, p.value, p.effective_from) for s in c.trace for p in s.parameters]
    assert read == [("maximum_base on 2020-01-01", 900000, D(2020, 1, 1))]
    ill["illness"]["start_date"] = "2020-03-01"
    assert RB.evaluate(ill, on="2021-06-01")["counted_earnings"].value == Decimal("800000.00")


def test_a_parameter_read_where_it_has_no_value_is_not_covered():
    """With the 2019 base left out, an illness of 2020 reads a year no value covers:
    not_covered, with a note naming the parameter and the date."""
    text = (DAILY / "parameters" / "maximum_base.yaml").read_text("utf-8")
    text = "\n".join(line for line in text.splitlines() if "2019-01-01" not in line) + "\n"
    rb = engine.load(DAILY, files={"parameters/maximum_base.yaml": text})
    ill = {"illness": {"start_date": "2020-03-01", "end_date": "2020-03-02"},
           "earnings": {"daily": "90", "last_year": "1000000"}}
    r = rb.evaluate(ill, on="2021-06-01", decisions=["counted_earnings"])["counted_earnings"]
    assert r.status == "not_covered" and r.notes == (
        "counted_earnings reads maximum_base on 2019-01-01, when no value of it is in force",)


def test_a_coverage_with_no_end():
    """A rulebook whose coverage has no end answers any later date with the versions and
    values last in force; its timeline has no day on which the coverage ends."""
    from engine.amend.history import timeline
    text = (DAILY / "rulebook.yaml").read_text("utf-8").replace("  to: 2021-12-31\n", "")
    rb = engine.load(DAILY, files={"rulebook.yaml": text})
    assert rb.coverage.open and rb.coverage.describe() == "2020-01-01.. (no end)"
    facts = {"pay": {"due_date": "2030-03-10", "paid_date": "2030-03-12", "amount": "30000"}}
    r = rb.evaluate(facts, on="2030-04-01", decisions=["late_interest"])["late_interest"]
    assert (r.status, r.value) == ("determined", Decimal("32.00"))  # 2 days × 30000×8/100/150
    assert [c.after for c in timeline(rb) if c.kind == "coverage"] == ["rulebook coverage begins"]


def test_amendment_coverage_counts_every_date_a_sum_read():
    """One delay across the 2020-03-15 rate change and the 2020-07-01 amendment decides
    both sides of each (its runs of days select versions on each side), though its
    applicable date is only its first day; a parameter no decision reads is unreachable,
    listed but never required."""
    from engine.amend.coverage import measure
    unused = ("id: unused_rate\ntitle: A rate nothing reads\ntype: decimal\ncite: § 1(2)\n"
              "verified_through: 2021-12-31\nvalues:\n"
              "  - {from: 2020-01-01, amended_by: lwa-2020, value: 1, confidence: high, "
              "source: x}\n"
              "  - {from: 2021-01-01, amended_by: rates-2020, value: 2, confidence: high, "
              "source: x}\n")
    rb = engine.load(DAILY, files={"parameters/unused_rate.yaml": unused})
    r = rb.evaluate(LATE, on="2021-06-01", decisions=["late_interest"], trace=True)
    found = {(b.date, b.subject): b for b in measure(rb, [("t", r, ("late_interest",))])}
    for key in ((D(2020, 3, 15), "base_rate"), (D(2020, 7, 1), "interest_per_day")):
        assert found[key].tests_before == ["t"] and found[key].tests_after == ["t"], key
    unread = found[(D(2021, 1, 1), "unused_rate")]
    assert not unread.reachable and unread.covered and unread.tests_before == []


@pytest.mark.parametrize("due, applies, cutoff", [
    # § 4: the cut-off in force on the due date: 2020-06-30 during 2020, 2020-12-31 from 2021
    ("2020-05-01", True, "2020-06-30"), ("2020-08-01", False, "2020-06-30"),
    ("2021-03-01", False, "2020-12-31"),
])
def test_a_date_valued_parameter(due, applies, cutoff):
    r = RB.evaluate({"pay": {"due_date": due, "amount": "1"}}, on="2021-06-01",
                    decisions=["old_rules_apply"], trace=True)["old_rules_apply"]
    assert (r.status, r.value) == ("determined", applies)
    read = [p.as_dict() for s in r.trace for p in s.parameters]
    assert [x["value"] for x in read] == [cutoff]


def test_a_sum_range_cannot_read_parameters():
    """The range decides the days whose selecting dates select parameter values: a bound
    reading a parameter is a load error at its place, not a failure at evaluation."""
    text = (DAILY / "decisions.yaml").read_text("utf-8").replace(
        "      to: min(illness.end_date, add_days(illness.start_date, 2))",
        "      to: add_days(illness.start_date, days_between(illness.start_date, old_rules_until))")
    with pytest.raises(engine.ErrorList) as e:
        engine.load(DAILY, files={"decisions.yaml": text})
    assert any("a sum's 'to' cannot read parameters (old_rules_until)" in x.message
               and x.position.line == 43 for x in e.value.errors), e.value.errors
