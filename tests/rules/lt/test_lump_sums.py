"""The three lump sums of the Lithuanian Law on Benefits for Children (No I-621).

lump_sum_child_benefit (Art. 5, 13(1)), lump_sum_settlement_benefit (Art. 9, 13(3)) and
pregnant_woman_benefit (Art. 10, 13(4)), with the scope of Art. 1(2)-(3) and the
applicable date of Art. 12(7). Every expected amount is derived by hand from the base
social benefit (BSB) valid on the applicable date: 130 LTL until 2014-12-31, 38 EUR from
2015-01-01 (lt-parameters.md). Conventions are those of lt-benefits-for-children.md:
"within N months from D" = on or before the same day number N months later, clamped to
the month's end; age N is reached on the Nth birthday (29 Feb -> 1 Mar).
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[3]
RULEBOOK = ROOT / "rules" / "lt" / "benefits-for-children"
EXAMPLES = ROOT.parent / "shared" / "spec" / "examples"

CHILD = "lump_sum_child_benefit"
SETTLE = "lump_sum_settlement_benefit"
PREG = "pregnant_woman_benefit"

# Baseline cases, each granted (see test_grants). Tests vary one fact at a time.
NEWBORN = {"child.birth_date": "2010-06-14", "application.date": "2010-07-01"}
ADOPTED = {"child.birth_date": "2009-03-01", "child.adoption_date": "2010-05-10",
           "application.date": "2010-06-01"}
GUARDIAN = {"child.birth_date": "2010-06-14", "application.by_guardian": True,
            "guardianship.start_date": "2010-09-01", "application.date": "2010-10-01"}
SETTLEMENT = {"child.birth_date": "1991-04-10", "guardianship.type": "family",
              "guardianship.end_date": "2009-04-09", "guardianship.end_reason": "majority",
              "application.date": "2009-05-01"}
PREGNANCY = {"pregnancy.expected_birth_date": "2010-09-20", "application.date": "2010-08-01"}


@pytest.fixture(scope="module")
def rb() -> engine.Rulebook:
    return engine.load(RULEBOOK)


def decide(rb: engine.Rulebook, benefit: str, base: dict, on: str | None = None, **changes):
    """Decide one benefit for `base` with `changes` (keys use '__' for '.'); `on`
    defaults to the application date (or to the date given)."""
    facts = {**base, **{k.replace("__", "."): v for k, v in changes.items()}}
    facts = {k: v for k, v in facts.items() if v is not None}
    on = on or facts.get("application.date") or "2010-08-01"
    return rb.evaluate(facts, on=on, decisions=[benefit])[benefit]


def money(s: str) -> Decimal:
    return Decimal(s)


# --- grants --------------------------------------------------------------------------

# A grant cites the provision that gave the amount, and only it: the time limits of
# Art. 13 and the scope of Art. 1 held and changed nothing (the trace shows them).
@pytest.mark.parametrize("benefit, base, amount, currency, applicable, cites", [
    # Art. 5(1): a newborn gets 11 BSB; Art. 12(7): BSB on the birth date = 130 LTL.
    (CHILD, NEWBORN, "1430.00", "LTL", "2010-06-14", ["Art. 5(1)"]),
    # Art. 5(2): an adopted child gets 11 BSB; Art. 12(7): on the adoption date. 11 x 130.
    (CHILD, ADOPTED, "1430.00", "LTL", "2010-05-10", ["Art. 5(2)"]),
    # Art. 13(1), second sentence: the guardian's claim is for the same 11 BSB of Art. 5(1).
    (CHILD, GUARDIAN, "1430.00", "LTL", "2010-06-14", ["Art. 5(1)"]),
    # Art. 9(1): guardianship ended by majority on 2009-04-09 (>= 2009-01-01): 75 x 130.
    (SETTLE, SETTLEMENT, "9750.00", "LTL", "2009-04-09", ["Art. 9(1)"]),
    # Art. 10: 2 BSB; Art. 12(7): 70 days before 2010-09-20 is 2010-07-12 (20 days back to
    # 31 Aug, 31 more to 31 Jul, 19 more to 12 Jul). 2 x 130 = 260.00 LTL.
    (PREG, PREGNANCY, "260.00", "LTL", "2010-07-12", ["Art. 10"]),
])
def test_grants(rb, benefit, base, amount, currency, applicable, cites):
    r = decide(rb, benefit, base)
    assert (r.status, r.amount, r.currency) == ("granted", money(amount), currency)
    assert r.applicable_date == dt.date.fromisoformat(applicable)
    assert r.citations == tuple(cites)
    assert r.missing_facts == ()


# --- refusal grounds -----------------------------------------------------------------

@pytest.mark.parametrize("benefit, base, changes, cite", [
    # Art. 1(2): a parent meeting no subparagraph of Art. 1(2) is outside the Law (all benefits).
    (CHILD, NEWBORN, {"parent__residence_basis": "none"}, "Art. 1(2)"),
    (SETTLE, SETTLEMENT, {"parent__residence_basis": "none"}, "Art. 1(2)"),
    (PREG, PREGNANCY, {"parent__residence_basis": "none"}, "Art. 1(2)"),
    # Art. 1(3): the lump sum child benefit needs a resident parent AND a resident child.
    (CHILD, NEWBORN, {"parent__permanent_resident": False}, "Art. 1(3)"),
    (CHILD, NEWBORN, {"child__permanent_resident": False}, "Art. 1(3)"),
    # Art. 1(3): the settlement benefit is granted only to permanent residents (the ward).
    (SETTLE, SETTLEMENT, {"child__permanent_resident": False}, "Art. 1(3)"),
    # Art. 5(4): no newborn benefit for a stillborn child ...
    (CHILD, NEWBORN, {"child__stillborn": True}, "Art. 5(4)"),
    # ... nor for one maintained at a state or municipal establishment.
    (CHILD, NEWBORN, {"child__maintained_by_state_institution": True}, "Art. 5(4)"),
    # Art. 5(5): no adoption benefit for a spouse's child adopted by the other spouse.
    (CHILD, ADOPTED, {"child__adopted_by_spouse_of_parent": True}, "Art. 5(5)"),
    # Art. 9(1): only majority, emancipation or marriage end the guardianship with a benefit.
    (SETTLE, SETTLEMENT, {"guardianship__end_reason": "other"}, "Art. 9(1)"),
    # Art. 9(2)(1): maintained free of charge at a state or municipal establishment.
    (SETTLE, SETTLEMENT, {"child__maintained_by_state_institution": True}, "Art. 9(2)(1)"),
    # Art. 9(2)(2): temporary guardianship at the parents' request due to their departure.
    (SETTLE, SETTLEMENT, {"guardianship__at_parents_request_due_to_departure": True},
     "Art. 9(2)(2)"),
    # Art. 9(2)(3): arrested, imprisoned, in compulsory treatment, wanted or missing.
    (SETTLE, SETTLEMENT, {"child__detained": True}, "Art. 9(2)(3)"),
    # Art. 10: only a woman NOT entitled to maternity allowance gets the benefit.
    (PREG, PREGNANCY, {"pregnancy__entitled_to_maternity_allowance": True}, "Art. 10"),
    # Art. 10: granted "70 calendar days before" the birth date, i.e. from 2010-07-12;
    # a claim on 2010-07-11 comes before that day (settled reading: refused under Art. 10).
    (PREG, PREGNANCY, {"application__date": "2010-07-11"}, "Art. 10"),
])
def test_refusal_grounds(rb, benefit, base, changes, cite):
    r = decide(rb, benefit, base, **changes)
    assert r.status == "refused"
    assert cite in r.citations
    assert r.amount is None


def test_pregnancy_claim_on_the_70_day_date_is_granted(rb):
    """Art. 10: the claim on the 70-day date itself (2010-07-12) is not early: 2 x 130."""
    r = decide(rb, PREG, PREGNANCY, application__date="2010-07-12")
    assert (r.status, r.amount) == ("granted", money("260.00"))


def test_art_5_5_does_not_apply_to_a_newborn_claim(rb):
    """Art. 5(5) excludes only the *adoption* benefit; a newborn claim is Art. 5(1): 11 x 130."""
    r = decide(rb, CHILD, NEWBORN, child__adopted_by_spouse_of_parent=True)
    assert (r.status, r.amount) == ("granted", money("1430.00"))


@pytest.mark.parametrize("ground", ["child__stillborn", "child__maintained_by_state_institution"])
def test_art_5_4_does_not_apply_to_an_adoption_claim(rb, ground):
    """Art. 5(4) speaks of "a benefit for a newborn child"; the adoption benefit (Art. 5(2))
    is not excluded by it: 11 x 130 = 1430.00 LTL."""
    r = decide(rb, CHILD, ADOPTED, **{ground: True})
    assert (r.status, r.amount) == ("granted", money("1430.00"))


# --- time limits: last allowed day granted, the day after refused ---------------------

@pytest.mark.parametrize("benefit, base, changes, last_day, cite", [
    # Art. 13(1): within 12 months of the birth 2010-06-14 -> up to 2011-06-14.
    (CHILD, NEWBORN, {}, "2011-06-14", "Art. 13(1)"),
    # Art. 13(1): born 2010-01-31; 12 months later is 2011-01-31 (the day exists, no clamp).
    (CHILD, NEWBORN, {"child__birth_date": "2010-01-31"}, "2011-01-31", "Art. 13(1)"),
    # Art. 13(1): born 2012-02-29; 2013 has no 29 Feb, so clamped to the month's end 2013-02-28.
    (CHILD, NEWBORN, {"child__birth_date": "2012-02-29"}, "2013-02-28", "Art. 13(1)"),
    # Art. 13(1) guardian: within 6 months of guardianship start 2010-09-01 -> 2011-03-01.
    (CHILD, GUARDIAN, {}, "2011-03-01", "Art. 13(1)"),
    # Art. 13(1) guardian: start 2010-08-31 + 6 months = 31 Feb 2011 -> clamped to 2011-02-28.
    (CHILD, GUARDIAN, {"guardianship__start_date": "2010-08-31"}, "2011-02-28", "Art. 13(1)"),
    # Art. 13(1) guardian: "not later than until the child reaches the age of 1.5": born
    # 2010-06-14, 18 months later is 2011-12-14, so the last day is 2011-12-13 (guardianship
    # from 2011-10-01, whose 6 months end only 2012-04-01). This is past the newborn's 12
    # months, which do not bind the guardian route.
    (CHILD, GUARDIAN, {"guardianship__start_date": "2011-10-01"}, "2011-12-13", "Art. 13(1)"),
    # Art. 13(1): adoption 2010-05-10 -> within 12 months up to 2011-05-10 (more than 12
    # months after the 2009-03-01 birth, which does not matter for an adoption).
    (CHILD, ADOPTED, {}, "2011-05-10", "Art. 13(1)"),
    # Art. 13(3): born 1990-06-30, 25th birthday 2015-06-30: the day before is the last day.
    (SETTLE, SETTLEMENT, {"child__birth_date": "1990-06-30"}, "2015-06-29", "Art. 13(3)"),
    # Art. 13(3): born 1992-02-29; 2017 is not a leap year, so the 25th birthday is
    # 2017-03-01 and the last day is 2017-02-28.
    (SETTLE, SETTLEMENT, {"child__birth_date": "1992-02-29"}, "2017-02-28", "Art. 13(3)"),
    # Art. 13(4): 12 months from the 70-day date 2010-07-12 -> up to 2011-07-12.
    (PREG, PREGNANCY, {}, "2011-07-12", "Art. 13(4)"),
])
def test_time_limits(rb, benefit, base, changes, last_day, cite):
    last = dt.date.fromisoformat(last_day)
    on_time = decide(rb, benefit, base, **changes, application__date=last.isoformat())
    assert on_time.status == "granted", on_time
    late = decide(rb, benefit, base, **changes,
                  application__date=(last + dt.timedelta(days=1)).isoformat())
    assert late.status == "refused"
    assert cite in late.citations


def test_guardian_route_refused_when_a_lump_sum_was_paid_before(rb):
    """Art. 13(1): the guardian is paid only "where a lump sum benefit for this child has
    not been previously paid"."""
    r = decide(rb, CHILD, GUARDIAN, application__lump_sum_previously_paid=True)
    assert r.status == "refused"
    assert "Art. 13(1)" in r.citations


def test_adoption_benefit_despite_a_previous_newborn_payment(rb):
    """Art. 5(2): an adopted child gets 11 BSB "irrespective of the fact that a benefit for
    a newborn child has already been paid": 11 x 130 = 1430.00 LTL."""
    r = decide(rb, CHILD, ADOPTED, application__lump_sum_previously_paid=True)
    assert (r.status, r.amount, r.currency) == ("granted", money("1430.00"), "LTL")


# --- not applicable and undetermined --------------------------------------------------

@pytest.mark.parametrize("benefit, base, drop", [
    # decisions.yaml / spec "Applicability": no child.birth_date -> the lump sum child
    # benefit does not concern the case.
    (CHILD, NEWBORN, "child__birth_date"),
    # no guardianship.end_date -> no ended guardianship, no settlement benefit.
    (SETTLE, SETTLEMENT, "guardianship__end_date"),
    # no pregnancy.expected_birth_date -> no pregnancy benefit.
    (PREG, PREGNANCY, "pregnancy__expected_birth_date"),
])
def test_not_applicable(rb, benefit, base, drop):
    r = decide(rb, benefit, base, **{drop: None})
    assert r.status == "not_applicable"
    assert (r.amount, r.citations, r.missing_facts) == (None, (), ())


def test_settlement_without_birth_date_is_undetermined(rb):
    """Art. 13(3) needs the age on the application date; child.birth_date has no default."""
    r = decide(rb, SETTLE, SETTLEMENT, child__birth_date=None)
    assert r.status == "undetermined"
    assert r.missing_facts == ("child.birth_date",)


def test_settlement_without_end_reason_is_refused(rb):
    """Art. 9(1) grants only when guardianship ended by majority, emancipation or marriage.
    The spec's fact table gives guardianship.end_reason the default none, so a case that
    gives no reason meets none of them: refused under Art. 9(1), nothing missing."""
    r = decide(rb, SETTLE, SETTLEMENT, guardianship__end_reason=None)
    assert r.status == "refused"
    assert r.citations == ("Art. 9(1)",)
    assert r.missing_facts == ()


def test_guardian_route_without_start_date_is_undetermined(rb):
    """Art. 13(1): the guardian's 6 months run from the guardianship start; without it the
    time limit cannot be checked: undetermined, missing guardianship.start_date."""
    r = decide(rb, CHILD, GUARDIAN, guardianship__start_date=None)
    assert r.status == "undetermined"
    assert r.missing_facts == ("guardianship.start_date",)


def test_a_refusal_wins_over_a_missing_fact(rb):
    """Art. 9(1) refuses an end_reason 'other' whatever the age; the missing birth date
    (needed only for Art. 13(3)) cannot change that: refused, nothing missing."""
    r = decide(rb, SETTLE, SETTLEMENT, guardianship__end_reason="other", child__birth_date=None)
    assert r.status == "refused"
    assert r.citations == ("Art. 9(1)",)
    assert r.missing_facts == ()


# --- coverage and dated amounts -------------------------------------------------------
# Each case puts the applicable date (Art. 12(7)) on the given day: the birth date, the
# guardianship end date, or expected birth date - 70 days. The application is made that day.

def on_day(benefit: str, day: str) -> dict:
    d = dt.date.fromisoformat(day)
    if benefit == CHILD:
        return {"child.birth_date": day, "application.date": day}
    if benefit == SETTLE:  # a ward born 18 years before the end of guardianship
        return {"child.birth_date": d.replace(year=d.year - 18).isoformat(),
                "guardianship.end_date": day, "guardianship.end_reason": "majority",
                "application.date": day}
    return {"pregnancy.expected_birth_date": (d + dt.timedelta(days=70)).isoformat(),
            "application.date": day}


@pytest.mark.parametrize("benefit, day, amount, currency", [
    # Coverage 2008-01-01..2017-12-31: before and after it no version is in force.
    (CHILD, "2007-12-31", None, None),
    (CHILD, "2008-01-01", "1430.00", "LTL"),   # 11 x 130
    (CHILD, "2017-12-31", "418.00", "EUR"),    # 11 x 38
    (CHILD, "2018-01-01", None, None),
    (SETTLE, "2007-12-31", None, None),
    (SETTLE, "2008-01-01", "6500.00", "LTL"),  # Art. 9(1) before 2009: 50 x 130
    (SETTLE, "2017-12-31", "2850.00", "EUR"),  # 75 x 38
    (SETTLE, "2018-01-01", None, None),
    (PREG, "2007-12-31", None, None),          # expected birth 2008-03-10
    (PREG, "2008-01-01", "260.00", "LTL"),     # 2 x 130; expected birth 2008-03-11
    (PREG, "2017-12-31", "76.00", "EUR"),      # 2 x 38; expected birth 2018-03-11
    (PREG, "2018-01-01", None, None),          # expected birth 2018-03-12
])
def test_coverage_edges(rb, benefit, day, amount, currency):
    r = decide(rb, benefit, on_day(benefit, day))
    assert r.applicable_date == dt.date.fromisoformat(day)
    if amount is None:
        assert (r.status, r.amount) == ("not_covered", None)
    else:
        assert (r.status, r.amount, r.currency) == ("granted", money(amount), currency)


@pytest.mark.parametrize("end_date, amount", [
    ("2008-12-31", "6500.00"),  # Art. 9(1): 50 BSB until 31 December 2008: 50 x 130
    ("2009-01-01", "9750.00"),  # Art. 9(1): "as of 1 January 2009" 75 BSB: 75 x 130
])
def test_settlement_amount_change_of_2009(rb, end_date, amount):
    r = decide(rb, SETTLE, on_day(SETTLE, end_date))
    assert (r.status, r.amount, r.currency) == ("granted", money(amount), "LTL")
    assert "Art. 9(1)" in r.citations


@pytest.mark.parametrize("benefit, day, amount, currency", [
    # The BSB used is the one valid on the applicable date (Art. 12(7)), never converted:
    # 130 LTL on 2014-12-31, 38 EUR from 2015-01-01.
    (CHILD, "2014-12-31", "1430.00", "LTL"),   # 11 x 130
    (CHILD, "2015-01-01", "418.00", "EUR"),    # 11 x 38
    (PREG, "2014-12-31", "260.00", "LTL"),     # 2 x 130
    (PREG, "2015-01-01", "76.00", "EUR"),      # 2 x 38
    (SETTLE, "2014-12-31", "9750.00", "LTL"),  # 75 x 130
    (SETTLE, "2015-01-01", "2850.00", "EUR"),  # 75 x 38
])
def test_euro_changeover(rb, benefit, day, amount, currency):
    r = decide(rb, benefit, on_day(benefit, day))
    assert (r.status, r.amount, r.currency) == ("granted", money(amount), currency)


# --- the spec's worked examples -------------------------------------------------------

@pytest.mark.parametrize("name", ["lt-newborn-2010", "lt-settlement-2008", "lt-pregnancy-2016"])
def test_spec_examples(rb, name):
    """The spec's worked examples (reasoning in their comments: Art. 5(1) 11 x 130 =
    1430.00 LTL; Art. 9(1) before 2009 50 x 130 = 6500.00 LTL; Art. 10 2 x 38 = 76.00 EUR).
    Every field the expected file gives must match; each expected citation must be cited."""
    case_file = EXAMPLES / f"{name}.yaml"
    if not case_file.exists():
        pytest.skip(f"spec examples not found at {EXAMPLES} (the shared folder beside the repo)")
    expected = json.loads(case_file.with_name(f"{name}.expected.json").read_text())
    got = rb.evaluate_case(engine.read_case(case_file),
                           decisions=list(expected["decisions"])).as_dict()
    for key in ("rulebook", "on", "period"):
        if key in expected:
            assert got[key] == expected[key]
    for benefit, want in expected["decisions"].items():
        have = got["decisions"][benefit]
        for field, value in want.items():
            if field == "citations":
                assert set(value) <= set(have["citations"]), benefit
            else:
                assert have[field] == value, (benefit, field)


# --- defaults and trace ---------------------------------------------------------------

@pytest.mark.parametrize("on, status", [("2011-06-14", "granted"), ("2011-06-15", "refused")])
def test_application_date_defaults_to_on(rb, on, status):
    """application.date defaults to `on`: born 2010-06-14, Art. 13(1)'s 12 months end on
    2011-06-14, so evaluating on that day grants and on the next day refuses."""
    r = rb.evaluate({"child": {"birth_date": "2010-06-14"}}, on=on)[CHILD]
    assert r.status == status


def test_trace_of_a_granted_newborn(rb):
    """The trace names Art. 12(7) (applicable date = birth date), Art. 5(1) (11 BSB) and
    Art. 13(1) (time limit); the amount step read BSB = 130 LTL in force from 2008-01-01,
    with its source."""
    r = rb.evaluate({"child": {"birth_date": "2010-06-14"}}, on="2010-07-01", trace=True)[CHILD]
    assert r.status == "granted"
    steps = [s.as_dict() for s in r.trace]
    cited = {s["citation"] for s in steps}
    assert {"Art. 12(7)", "Art. 5(1)", "Art. 13(1)"} <= cited
    amount = next(s for s in steps if s["kind"] == "value" and s["citation"] == "Art. 5(1)")
    bsb = amount["parameters"]["base_social_benefit"]
    assert (bsb["value"], bsb["currency"], bsb["effective_from"]) == ("130", "LTL", "2008-01-01")
    assert bsb["source"]
