"""Smaller mechanisms the Russian rulebooks needed, each on an invented rulebook:
a sum whose range is empty (tests/fixtures/rulebooks/good/daily: § 1(1) paid by the due
date, no day of delay), int parameters held as whole numbers, a table whose versions
carry their own `when` (good/records), a branch that is read only if an unknown says so,
(amendment coverage that knows which wording reads which series is shown on the
annual-leave rulebook: tests/rules/ru/test_annual_leave.py)."""
from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import engine

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good"
DAILY = engine.load(GOOD / "daily")


def test_an_empty_range_is_the_kinds_zero_citing_the_rule_that_emptied_it():
    """§ 1(1): paid on the due date: from 03-11 to 03-10 has no day -> 0.00, determined,
    citing § 1(1), for the applicable date the `empty` names (the due date)."""
    facts = {"pay": {"due_date": "2020-03-10", "paid_date": "2020-03-10", "amount": "500"}}
    r = DAILY.evaluate(facts, "2020-04-01", decisions=["interest_or_nothing"], trace=True)
    i = r["interest_or_nothing"]
    assert (i.status, i.value, i.currency) == ("determined", Decimal("0.00"), "XTS")
    assert i.citations == ("§ 1(1)",) and i.applicable_date == dt.date(2020, 3, 10)
    assert any(s.kind == "sum" and "no day from 2020-03-11 to 2020-03-10" in (s.title or "")
               for s in i.trace)
    # without `empty` the same range is not_applicable (late_interest, the default)
    same = DAILY.evaluate(facts, "2020-04-01", decisions=["late_interest"])["late_interest"]
    assert same.status == "not_applicable"


def test_a_range_with_days_is_summed_as_before():
    """§ 1(2): 2020-03-11..14 at 10 % / 300 on 30000 = 10 a day -> 40.00, like late_interest."""
    facts = {"pay": {"due_date": "2020-03-10", "paid_date": "2020-03-14", "amount": "30000"}}
    r = DAILY.evaluate(facts, "2020-04-01", decisions=["interest_or_nothing", "late_interest"])
    assert r["interest_or_nothing"].value == r["late_interest"].value == Decimal("40.00")


def test_empty_is_refused_for_a_kind_without_zero(tmp_path):
    copy = tmp_path / "daily"
    shutil.copytree(GOOD / "daily", copy)
    p = copy / "decisions.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace(
        "      empty: {cite: § 1(1), applicable_date: pay.due_date, reading: paid by the due date - no day of delay}\n",
        "      empty: {cite: § 1(1), applicable_date: pay.amount}\n"), encoding="utf-8")
    try:
        engine.load(copy)
    except engine.ErrorList as e:
        assert any("date" in x.message and "decisions.yaml" in str(x.position) for x in e.errors)
    else:
        raise AssertionError("an applicable date of money loaded")


def test_int_parameters_are_whole_numbers(tmp_path):
    copy = tmp_path / "records"
    shutil.copytree(GOOD / "records", copy)
    (copy / "parameters" / "grace_days.yaml").write_text(
        "id: grace_days\ntitle: Days of grace\ntype: int\ncite: § 1(1)\nverified_through: 2024-12-31\n"
        "values:\n  - {from: 2020-01-01, amended_by: sfa-2020, value: 3, confidence: high, source: invented}\n",
        encoding="utf-8")
    assert engine.load(copy).parameters["grace_days"].values[0].value == 3
    assert type(engine.load(copy).parameters["grace_days"].values[0].value) is int
    (copy / "parameters" / "grace_days.yaml").write_text(
        "id: grace_days\ntitle: Days of grace\ntype: int\ncite: § 1(1)\nverified_through: 2024-12-31\n"
        "values:\n  - {from: 2020-01-01, amended_by: sfa-2020, value: 3.5, confidence: high, source: invented}\n",
        encoding="utf-8")
    try:
        engine.load(copy)
    except engine.ErrorList as e:
        assert any("whole number" in x.message for x in e.errors)
    else:
        raise AssertionError("an int parameter of 3.5 loaded")


def test_a_table_version_with_its_own_when(tmp_path):
    """good/records § 1(2) with dated scopes: until 2021 the table speaks of every case,
    from 2022 only of first offences (the repeat table § 2 takes the rest)."""
    copy = tmp_path / "records"
    shutil.copytree(GOOD / "records", copy)
    art = copy / "articles" / "art-01.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace(
        "    when: not offence.repeat or violation.date < date('2022-01-01')\n",
        "    versions:\n      - {from: 2020-01-01, amended_by: sfa-2020}\n"
        "      - {from: 2022-01-01, amended_by: sfa-2022, when: not offence.repeat}\n"),
        encoding="utf-8")
    rb = engine.load(copy)

    def fine(day: str, repeat: bool) -> engine.DecisionResult:
        return rb.evaluate({"violation": {"date": day}, "offender": {"kind": "official"},
                            "offence": {"repeat": repeat}}, "2024-06-01")["fine"]
    assert fine("2021-06-01", True).citations == ("§ 1(2)",)  # the 2020 scope: every case
    assert fine("2022-06-01", True).citations == ("§ 2",)  # from 2022 § 2 alone
    assert fine("2022-06-01", False).value["min"] == Decimal("2000.00")


def test_a_branch_read_only_if_an_unknown_says_so_does_not_end_the_decision(tmp_path):
    """`x if c else y` with c unknown names c's facts; a branch reading a decision with no
    value there is not the decision's answer (it may never be read)."""
    copy = tmp_path / "daily"
    shutil.copytree(GOOD / "daily", copy)
    (copy / "facts.yaml").write_text((copy / "facts.yaml").read_text(encoding="utf-8").replace(
        "constraints:", "  pay.by_transfer: {type: bool, cite: § 1(1), description: \"paid by bank transfer\"}\n"
        "constraints:", 1), encoding="utf-8")
    art = copy / "articles" / "art-01.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace(
        "    decision: days_late\n    value: 1",
        "    decision: days_late\n    value: \"1 if pay.by_transfer else (2 if sick_pay > 0 else 3)\""),
        encoding="utf-8")
    rb = engine.load(copy)
    r = rb.evaluate({"pay": {"due_date": "2020-03-10", "paid_date": "2020-03-12", "amount": "5"}},
                    "2020-04-01", decisions=["days_late"])["days_late"]
    assert r.status == "undetermined" and r.missing_facts == ("pay.by_transfer",)


def test_an_impossible_date_in_a_case_names_the_fact_as_every_case_error_does(tmp_path):
    """A case error names the fact (`pay.due_date`), not its path in the file."""
    case = tmp_path / "case.yaml"
    case.write_text("on: 2021-06-01\nfacts:\n  pay:\n    due_date: 2021-02-30\n", encoding="utf-8")
    try:
        engine.read_case(case)
    except engine.CaseError as e:
        assert e.field == "pay.due_date" and "not a valid calendar date" in e.message
        assert e.position is not None and e.position.line == 4
    else:
        raise AssertionError("an impossible date was read")


def test_a_rulebook_is_read_only_for_its_callers():
    """Every caller (and thread) shares one Rulebook: none can change what others read."""
    rb = engine.load(GOOD / "minimal")
    for mapping in (rb.decisions, rb.facts, rb.parameters, rb.meta, rb.acts,
                    rb.meta["coverage"]):
        try:
            mapping["x"] = 1  # type: ignore[index]
        except TypeError:
            pass
        else:
            raise AssertionError(f"{type(mapping).__name__} took an assignment")
        assert not hasattr(mapping, "pop")
    assert "late_return_fine" in rb.decisions


def test_schedule_totals_ignore_the_callers_decimal_precision():
    """A caller's context of 3 digits must not turn 292.50 into 292 (the engine's 28)."""
    import decimal
    lt = engine.load(Path(__file__).resolve().parents[2] / "rules" / "lt" / "benefits-for-children")
    facts = {"child": {"birth_date": "2013-01-15"}, "application": {"date": "2013-02-01"},
             "household": {"income_per_person": "100"}}
    plain = lt.schedule(facts, "2013-12-31", "2013-01", "2013-12").total()
    with decimal.localcontext(decimal.Context(prec=3)):
        narrow = lt.schedule(facts, "2013-12-31", "2013-01", "2013-12").total()
    assert narrow == plain and all(v.as_tuple().exponent == -2 for v in plain.values())
