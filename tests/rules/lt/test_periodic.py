"""The four monthly benefits of the Lithuanian Law on Benefits for Children (No I-621).

child_benefit (Art. 6, 1(3), 13(2)), serviceman_child_benefit (Art. 7, 1(3)),
guardianship_benefit (Art. 8(1), 8(2), 8(4), 8(6), 8(7), 13(7), 20(2)) and
targeted_guardianship_supplement (Art. 8(3), 8(7)), each decided for one month.

Art. 12(7): the amounts are those valid in the month paid for, i.e. the base social
benefit (BSB) and state-supported income (SSI) in force on the 1st of the month:
BSB 130 LTL until 2014-12-31, 38 EUR from 2015-01-01; SSI 350 LTL from 2008-08-01,
102 EUR from 2015-01-01 (lt-parameters.md). Money facts (income, pensions) are in the
currency of the month. Art. 12(8): for part of a month the amount is
monthly amount x entitled days / calendar days of the month, summed over the parts and
rounded once to 0.01 HALF_UP. Every expected amount below is derived by hand that way.
Conventions (lt-benefits-for-children.md): age N is reached on the Nth birthday
(29 Feb -> 1 Mar); "until the age of N" is every day before the Nth birthday; date
ranges in facts are inclusive at both ends.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[3]
RULEBOOK = ROOT / "rules" / "lt" / "benefits-for-children"

CB = "child_benefit"
SERV = "serviceman_child_benefit"
GUARD = "guardianship_benefit"
SUPP = "targeted_guardianship_supplement"

# Baseline cases. Tests vary one fact at a time (keys use '__' for '.').
# A child under 2 in 2011; income 100 per person is below 1.5 SSI in LTL (525) and EUR (153).
INFANT = {"child.birth_date": "2010-01-10", "household.income_per_person": 100}
# The father serves 2011-04-05..2011-04-20 (16 days, both ends included).
SERVICE = {"child.birth_date": "2010-01-10", "military_service.start_date": "2011-04-05",
           "military_service.end_date": "2011-04-20"}
# A 10-year-old under family guardianship since 2012, still running in 2015.
WARD = {"child.birth_date": "2005-03-01", "guardianship.type": "family",
        "guardianship.start_date": "2012-01-01"}
# Guardianship ended by majority on 2009-05-09 (18th birthday 2009-05-10); full-time
# higher education; 24th birthday 2015-05-10.
FORMER_WARD = {"child.birth_date": "1991-05-10", "guardianship.type": "family",
               "guardianship.start_date": "2005-01-01", "guardianship.end_date": "2009-05-09",
               "guardianship.end_reason": "majority", "child.studies": "higher_full_time"}
# Guardianship by a social family (Art. 8(3)).
SOCIAL = {"child.birth_date": "2005-03-01", "guardianship.type": "social_family",
          "guardianship.start_date": "2012-01-01"}


@pytest.fixture(scope="module")
def rb() -> engine.Rulebook:
    return engine.load(RULEBOOK)


def next_month(period: str) -> str:
    y, m = map(int, period.split("-"))
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}-01"


def decide(rb: engine.Rulebook, benefit: str, base: dict, period: str, trace: bool = False,
           **changes):
    """Decide one monthly benefit for `period` with `changes` applied to `base` (a value
    None drops the fact). Evaluated on the application date when the case gives one,
    else on the 1st of the following month, which application.date then defaults to:
    the whole month lies within Art. 13(2)'s 12 previous months and the child benefit's
    12-month grant period."""
    facts = {**base, **{k.replace("__", "."): v for k, v in changes.items()}}
    facts = {k: v for k, v in facts.items() if v is not None}
    on = facts.get("application.date") or next_month(period)
    return rb.evaluate(facts, on=on, period=period, decisions=[benefit], trace=trace)[benefit]


def money(s: str) -> Decimal:
    return Decimal(s)


def assert_granted(r, amount: str, currency: str, *cites: str) -> None:
    assert (r.status, r.amount, r.currency) == ("granted", money(amount), currency), r
    assert set(cites) <= set(r.citations), r.citations
    assert r.missing_facts == ()


def assert_refused(r, *cites: str) -> None:
    assert r.status == "refused", r
    assert (r.amount, r.currency) == (None, None)
    assert set(cites) <= set(r.citations), r.citations
    assert r.missing_facts == ()


# === child_benefit (Art. 6) ==========================================================

@pytest.mark.parametrize("birth, children, period, amount, currency, cites", [
    # 2nd birthday 2011-11-03 (Art. 6(1) "until the age of 2", then 6(2)(1)): the day
    # before (1st-2nd) at 0.75 BSB, the day of and after (3rd-30th) at 0.4 BSB:
    # 0.75 x 130 x 2/30 + 0.4 x 130 x 28/30 = 6.50 + 48.5333.. = 55.0333.. -> 55.03 LTL.
    ("2009-11-03", 1, "2011-11", "55.03", "LTL", ["Art. 6(1)", "Art. 6(2)(1)"]),
    # The same boundary in euro, 2nd birthday 2015-03-15: days 1-14 at 0.75 x 38 = 28.50,
    # days 15-31 at 0.4 x 38 = 15.20: (28.50 x 14 + 15.20 x 17)/31 = (399 + 258.4)/31
    # = 21.2064.. -> 21.21 EUR.
    ("2013-03-15", 1, "2015-03", "21.21", "EUR", ["Art. 6(1)", "Art. 6(2)(1)"]),
    # 7th birthday 2011-05-10 with 3 children: the day before under 6(2)(1), the day of
    # under 6(2)(2), both 0.4 x 130 = 52: 52 x 9/31 + 52 x 22/31 = 52.00 LTL.
    ("2004-05-10", 3, "2011-05", "52.00", "LTL", ["Art. 6(2)(1)", "Art. 6(2)(2)"]),
    # 7th birthday 2011-05-10 with 2 children: days 1-9 (the day before included) still
    # 6(2)(1); from the birthday nothing (6(2)(2) needs 3 children): 52 x 9/31 = 15.0967..
    # -> 15.10 LTL.
    ("2004-05-10", 2, "2011-05", "15.10", "LTL", ["Art. 6(2)(1)"]),
    # 18th birthday 2011-09-20 with 3 children: days 1-19 (the day before included) at
    # 0.4 x 130, nothing from the birthday on: 52 x 19/30 = 32.9333.. -> 32.93 LTL.
    ("1993-09-20", 3, "2011-09", "32.93", "LTL", ["Art. 6(2)(2)"]),
])
def test_child_benefit_birthday_boundaries(rb, birth, children, period, amount, currency, cites):
    """Art. 6(1), 6(2)(1)-(2), 12(8): the amount changes on the birthday itself (the day of
    the Nth birthday is the first day of age N); the month is prorated by calendar days."""
    r = decide(rb, CB, INFANT, period, child__birth_date=birth,
               household__children_raised=children)
    assert_granted(r, amount, currency, *cites)


@pytest.mark.parametrize("children, amount", [(3, "52.00"), (4, "52.00")])
def test_child_benefit_7_to_18_with_three_or_more_children(rb, children, amount):
    """Art. 6(2)(2): a 10-year-old (born 2001-03-10) in a household raising 3 or more
    children gets 0.4 BSB: 0.4 x 130 = 52.00 LTL for the whole of May 2011."""
    r = decide(rb, CB, INFANT, "2011-05", child__birth_date="2001-03-10",
               household__children_raised=children)
    assert_granted(r, amount, "LTL", "Art. 6(2)(2)")


@pytest.mark.parametrize("children", [1, 2])
def test_child_benefit_7_to_18_refused_with_fewer_than_three_children(rb, children):
    """Art. 6(2)(2): between 7 and 18 the benefit needs three or more children raised by
    the persons living together; with 1 or 2 no provision gives an amount: refused."""
    r = decide(rb, CB, INFANT, "2011-05", child__birth_date="2001-03-10",
               household__children_raised=children)
    assert_refused(r, "Art. 6(2)(2)")


@pytest.mark.parametrize("birth, period", [
    ("1993-09-20", "2011-10"),  # the month after the 18th birthday (2011-09-20)
    ("1992-01-15", "2011-05"),  # 19 years old
])
def test_child_benefit_nothing_past_the_18th_birthday(rb, birth, period):
    """Art. 6(2)(2): "until each of the children reaches the age of 18": no child benefit
    after the 18th birthday, even in a household raising 3 children."""
    r = decide(rb, CB, INFANT, period, child__birth_date=birth, household__children_raised=3)
    assert_refused(r, "Art. 6(2)(2)")


def test_child_benefit_birth_mid_month(rb):
    """Art. 6(1) "from the birth": born 2012-03-20, days 20-31 (the birth day included) =
    12 days at 0.75 x 130 = 97.50: 97.50 x 12/31 = 37.7419.. -> 37.74 LTL."""
    r = decide(rb, CB, INFANT, "2012-03", child__birth_date="2012-03-20")
    assert_granted(r, "37.74", "LTL", "Art. 6(1)")


def test_child_benefit_month_before_birth_refused(rb):
    """Art. 6(1) "from the birth": born 2012-03-20, nothing for February 2012."""
    r = decide(rb, CB, INFANT, "2012-02", child__birth_date="2012-03-20")
    assert_refused(r, "Art. 6(1)")


@pytest.mark.parametrize("period, amount", [
    # Born 2008-02-29: the 2nd birthday falls on 2010-03-01 (no 29 Feb in 2010), so every
    # day of February 2010 (28th included) is before it: 0.75 x 130 = 97.50 LTL.
    ("2010-02", "97.50"),
    # From 2010-03-01 the child is 2: all of March 2010 at 0.4 x 130 = 52.00 LTL.
    ("2010-03", "52.00"),
])
def test_child_benefit_born_on_29_february(rb, period, amount):
    """Art. 6(1), 6(2)(1) with the convention that a 29 February birthday falls on
    1 March in other years."""
    r = decide(rb, CB, INFANT, period, child__birth_date="2008-02-29")
    assert_granted(r, amount, "LTL")


@pytest.mark.parametrize("birth, period, income, status, amount, currency", [
    # 1.5 x SSI 350 = 525 LTL: 524.99 is lower -> 0.75 x 130 = 97.50 LTL.
    ("2010-01-10", "2011-03", "524.99", "granted", "97.50", "LTL"),
    # exactly 525 is not "lower than" 1.5 SSI -> refused.
    ("2010-01-10", "2011-03", "525", "refused", None, None),
    # 1.5 x SSI 102 = 153 EUR: 152.99 is lower -> 0.75 x 38 = 28.50 EUR.
    ("2014-01-10", "2015-03", "152.99", "granted", "28.50", "EUR"),
    # exactly 153 -> refused.
    ("2014-01-10", "2015-03", "153", "refused", None, None),
])
def test_child_benefit_income_test(rb, birth, period, income, status, amount, currency):
    """Art. 6(1): the income per person must be lower than 1.5 state-supported income of
    the month (Art. 12(7))."""
    r = decide(rb, CB, INFANT, period, child__birth_date=birth,
               household__income_per_person=money(income))
    if status == "granted":
        assert_granted(r, amount, currency, "Art. 6(1)")
    else:
        assert_refused(r, "Art. 6(1)")
        assert r.citations == ("Art. 6(1)",)


def test_child_benefit_missing_income_is_undetermined(rb):
    """Art. 6(1): household.income_per_person has no default; for a child under 2 (whose
    amount does not depend on it) the income test is open: undetermined, naming it."""
    r = decide(rb, CB, INFANT, "2011-03", household__income_per_person=None)
    assert r.status == "undetermined"
    assert (r.amount, r.currency) == (None, None)
    assert r.missing_facts == ("household.income_per_person",)


@pytest.mark.parametrize("birth, children", [
    ("2001-03-10", 1),  # 10 years old, 1 child: Art. 6(2)(2) needs 3 or more
    ("1992-01-15", 3),  # 19 years old: past 18, whatever the household
])
def test_child_benefit_refusal_wins_over_missing_income(rb, birth, children):
    """Art. 6(2)(2): a 10-year-old in a household raising 1 child (or a 19-year-old) gets
    no child benefit whatever the income; the missing income (needed only for the Art. 6(1)
    income test) cannot change that: refused, nothing missing."""
    r = decide(rb, CB, INFANT, "2011-05", child__birth_date=birth,
               household__children_raised=children, household__income_per_person=None)
    assert_refused(r, "Art. 6(2)(2)")


def test_child_benefit_established_exception_wins_over_missing_income(rb):
    """Art. 6(3)(2): a married minor is refused; the missing income does not matter."""
    r = decide(rb, CB, INFANT, "2011-03", household__income_per_person=None,
               child__married=True)
    assert_refused(r, "Art. 6(3)(2)")


@pytest.mark.parametrize("fact, cite", [
    ("child__emancipated", "Art. 6(3)(1)"),
    ("child__married", "Art. 6(3)(2)"),
    ("child__detained", "Art. 6(3)(3)"),
])
def test_child_benefit_exclusions(rb, fact, cite):
    """Art. 6(3): no child benefit for an emancipated (1), married (2) or arrested,
    imprisoned, treated, wanted or missing (3) minor."""
    r = decide(rb, CB, INFANT, "2011-03", **{fact: True})
    assert_refused(r, cite)
    assert r.citations == (cite,)


@pytest.mark.parametrize("basis, residence, status", [
    # Art. 1(2)(4) + child in the EU/EEA/Switzerland: granted 0.75 x 130 = 97.50 LTL.
    ("eu_coordination", "EU_EEA_CH", "granted"),
    ("eu_coordination", "LT", "granted"),
    # Art. 1(2)(3) (highly qualified permit) + child in Lithuania: granted.
    ("highly_qualified_permit", "LT", "granted"),
    ("permanent", "LT", "granted"),
    # Art. 1(2)(1) only covers a child residing in Lithuania: refused.
    ("permanent", "EU_EEA_CH", "refused"),
    ("highly_qualified_permit", "EU_EEA_CH", "refused"),
    # Art. 1(2)(4) covers the EU/EEA/CH, not elsewhere: refused.
    ("eu_coordination", "other", "refused"),
    ("permanent", "other", "refused"),
])
def test_child_benefit_residence(rb, basis, residence, status):
    """Art. 1(3), second sentence: a parent under Art. 1(2)(1) or (3) with a child residing
    in Lithuania, or under Art. 1(2)(4) with a child residing in the EU/EEA/Switzerland."""
    r = decide(rb, CB, INFANT, "2011-03", parent__residence_basis=basis,
               child__residence=residence)
    if status == "granted":
        assert_granted(r, "97.50", "LTL")  # Art. 1(3) held; the amount rule alone is cited
        assert r.citations == ("Art. 6(1)",)
    else:
        assert_refused(r, "Art. 1(3)")


def test_child_benefit_outside_the_scope_of_art_1_2(rb):
    """Art. 1(2): a parent meeting no subparagraph is outside the Law: refused."""
    r = decide(rb, CB, INFANT, "2011-03", parent__residence_basis="none")
    assert_refused(r, "Art. 1(2)")


@pytest.mark.parametrize("period, amount", [
    # Back pay: 12 months before 2011-06-15 is 2010-06-15; May 2010 lies wholly before.
    ("2010-05", None),
    # June 2010: days 15-30 = 16 days at 0.75 x 130 = 97.50: 97.50 x 16/30 = 52.00 LTL.
    ("2010-06", "52.00"),
    # The first whole month: 97.50 LTL.
    ("2010-07", "97.50"),
    # Grant period: up to 12 months after 2011-06-15, i.e. 2012-06-15 included. The child
    # (2 on 2012-01-10) gets 0.4 x 130 = 52: days 1-15 of June: 52 x 15/30 = 26.00 LTL.
    ("2012-06", "26.00"),
    # July 2012 lies wholly after the grant period: a new application is needed.
    ("2012-07", None),
])
def test_child_benefit_art_13_2_time_limits(rb, period, amount):
    """Art. 13(2): paid for no more than 12 previous months before the application
    (2011-06-15), and granted for 12 months; born 2010-01-10, so under 2 until 2012-01-09."""
    r = decide(rb, CB, INFANT, period, application__date="2011-06-15")
    if amount is None:
        assert_refused(r, "Art. 13(2)")
        assert r.citations == ("Art. 13(2)",)
    elif amount == "97.50":  # a whole month: the limit did not change the amount
        assert_granted(r, amount, "LTL")
        assert r.citations == ("Art. 6(1)",)
    else:  # the limit cut the month: it is cited beside the amount rule
        assert_granted(r, amount, "LTL", "Art. 13(2)")
        assert r.citations[0] in ("Art. 6(1)", "Art. 6(2)(1)")


def test_child_benefit_not_applicable_without_birth_date(rb):
    """decisions.yaml / spec "Applicability": no child.birth_date -> not_applicable."""
    r = decide(rb, CB, INFANT, "2011-03", child__birth_date=None)
    assert r.status == "not_applicable"
    assert (r.amount, r.citations, r.missing_facts) == (None, (), ())


# === serviceman_child_benefit (Art. 7) ===============================================

def test_serviceman_service_inside_one_month(rb):
    """Art. 7(1), 12(8): service 2011-04-05..2011-04-20, both ends included = 16 days at
    1.5 x 130 = 195: 195 x 16/30 = 104.00 LTL."""
    r = decide(rb, SERV, SERVICE, "2011-04")
    assert_granted(r, "104.00", "LTL", "Art. 7(1)")


@pytest.mark.parametrize("period", ["2011-03", "2011-05"])
def test_serviceman_nothing_outside_the_service(rb, period):
    """Art. 7(1) "during the period of service": nothing before or after it."""
    assert_refused(decide(rb, SERV, SERVICE, period), "Art. 7(1)")


def test_serviceman_child_born_during_the_service(rb):
    """Art. 7(1) "each child": born 2011-04-10, entitled from the birth to the end of the
    service 2011-04-20 = 11 days: 195 x 11/30 = 71.50 LTL."""
    r = decide(rb, SERV, SERVICE, "2011-04", child__birth_date="2011-04-10")
    assert_granted(r, "71.50", "LTL", "Art. 7(1)")


@pytest.mark.parametrize("period, amount, currency", [
    # Service from 2014-12-15, no end date (still serving): days 15-31 = 17 days at
    # 1.5 x 130 = 195: 195 x 17/31 = 106.9354.. -> 106.94 LTL.
    ("2014-12", "106.94", "LTL"),
    # January 2015 in full, at 1.5 x 38 = 57.00 EUR.
    ("2015-01", "57.00", "EUR"),
])
def test_serviceman_ongoing_service_across_the_changeover(rb, period, amount, currency):
    """Art. 7(1), 12(7): the BSB of the month; a service with no end date continues."""
    r = decide(rb, SERV, SERVICE, period, military_service__start_date="2014-12-15",
               military_service__end_date=None)
    assert_granted(r, amount, currency, "Art. 7(1)")


@pytest.mark.parametrize("changes", [
    {"child__maintained_by_state_institution": True},
    {"guardianship__type": "family", "guardianship__start_date": "2010-12-01"},
])
def test_serviceman_art_7_3_exclusions(rb, changes):
    """Art. 7(3): no benefit for a child maintained at a state or municipal establishment,
    nor for a child under guardianship."""
    r = decide(rb, SERV, SERVICE, "2011-04", **changes)
    assert_refused(r, "Art. 7(3)")


def test_serviceman_guardianship_starting_mid_service(rb):
    """Art. 7(3), 12(8): guardianship from 2011-04-11 leaves days 5-10 of the service
    (6 days): 195 x 6/30 = 39.00 LTL."""
    r = decide(rb, SERV, SERVICE, "2011-04", guardianship__type="family",
               guardianship__start_date="2011-04-11")
    assert_granted(r, "39.00", "LTL", "Art. 7(1)")


@pytest.mark.parametrize("fact", ["parent__permanent_resident", "child__permanent_resident"])
def test_serviceman_residence(rb, fact):
    """Art. 1(3), third sentence: at least one parent and the child must be permanent
    residents of Lithuania."""
    r = decide(rb, SERV, SERVICE, "2011-04", **{fact: False})
    assert_refused(r, "Art. 1(3)")


def test_serviceman_not_applicable_without_service(rb):
    """decisions.yaml / spec "Applicability": no military_service.start_date ->
    not_applicable."""
    r = decide(rb, SERV, SERVICE, "2011-04", military_service__start_date=None,
               military_service__end_date=None)
    assert r.status == "not_applicable"
    assert (r.amount, r.citations, r.missing_facts) == (None, (), ())


# === guardianship_benefit (Art. 8) ===================================================

@pytest.mark.parametrize("period, amount, currency", [
    ("2015-03", "152.00", "EUR"),  # 4 x 38
    ("2014-12", "520.00", "LTL"),  # 4 x 130
])
def test_guardianship_during_guardianship(rb, period, amount, currency):
    """Art. 8(1): 4 BSB per month during the guardianship."""
    r = decide(rb, GUARD, WARD, period)
    assert_granted(r, amount, currency, "Art. 8(1)")


def test_guardianship_starting_mid_month(rb):
    """Art. 8(1), 12(8): guardianship from 2015-03-10, days 10-31 = 22 days:
    152 x 22/31 = 107.8709.. -> 107.87 EUR."""
    r = decide(rb, GUARD, WARD, "2015-03", guardianship__start_date="2015-03-10")
    assert_granted(r, "107.87", "EUR", "Art. 8(1)")


ENDING = {**WARD, "child.birth_date": "1997-03-11", "guardianship.end_date": "2015-03-10",
          "guardianship.end_reason": "majority"}


def test_guardianship_ending_mid_month_without_studies(rb):
    """Art. 8(1): guardianship ended by majority on 2015-03-10 (the last day included);
    no studies, so no Art. 8(2) benefit after it: 152 x 10/31 = 49.0322.. -> 49.03 EUR."""
    r = decide(rb, GUARD, ENDING, "2015-03")
    assert_granted(r, "49.03", "EUR", "Art. 8(1)")
    assert_refused(decide(rb, GUARD, ENDING, "2015-04"), "Art. 8(2)")


def test_guardianship_ending_mid_month_then_studying(rb):
    """Art. 8(1) to 2015-03-10, then Art. 8(2) (studying under the general education
    curriculum after majority): 4 BSB throughout: 152 x 10/31 + 152 x 21/31 = 152.00 EUR."""
    r = decide(rb, GUARD, ENDING, "2015-03", child__studies="general")
    assert_granted(r, "152.00", "EUR", "Art. 8(1)", "Art. 8(2)")


@pytest.mark.parametrize("period, amount", [
    # April 2015, wholly before the 24th birthday: 4 x 38 = 152.00 EUR.
    ("2015-04", "152.00"),
    # 24th birthday 2015-05-10: days 1-9 (the day before included): 152 x 9/31 = 44.1290..
    # -> 44.13 EUR.
    ("2015-05", "44.13"),
    # June 2015: past 24.
    ("2015-06", None),
])
def test_guardianship_after_majority_while_studying_up_to_24(rb, period, amount):
    """Art. 8(2): after guardianship ended by majority, 4 BSB per month during full-time
    higher education, "no longer than until they reach the age of 24"."""
    r = decide(rb, GUARD, FORMER_WARD, period)
    if amount is None:
        assert_refused(r, "Art. 8(2)")
    else:
        assert_granted(r, amount, "EUR", "Art. 8(2)")


@pytest.mark.parametrize("reason, status", [
    ("emancipation", "granted"), ("marriage", "granted"), ("other", "refused")])
def test_guardianship_after_end_by_other_reasons(rb, reason, status):
    """Art. 8(2) names termination by majority, emancipation or marriage; a guardianship
    ended otherwise gives no Art. 8(2) benefit. April 2015: 4 x 38 = 152.00 EUR."""
    r = decide(rb, GUARD, FORMER_WARD, "2015-04", guardianship__end_reason=reason)
    if status == "granted":
        assert_granted(r, "152.00", "EUR", "Art. 8(2)")
    else:
        assert_refused(r, "Art. 8(2)")


def test_guardianship_after_majority_not_studying(rb):
    """Art. 8(2) pays "during the period of studies": with no studies, refused."""
    r = decide(rb, GUARD, FORMER_WARD, "2015-04", child__studies="none")
    assert_refused(r, "Art. 8(2)")


BOTH_DECEASED = {"child.birth_date": "1995-02-15", "child.both_parents_deceased": True,
                 "child.studies": "vocational"}


@pytest.mark.parametrize("period, amount, currency", [
    # 18th birthday 2013-02-15: days 15-28 of February 2013 = 14 days at 4 x 130 = 520:
    # 520 x 14/28 = 260.00 LTL.
    ("2013-02", "260.00", "LTL"),
    # Of age and studying in March 2015: 4 x 38 = 152.00 EUR.
    ("2015-03", "152.00", "EUR"),
    # January 2013: not yet of age.
    ("2013-01", None, None),
])
def test_guardianship_both_parents_deceased(rb, period, amount, currency):
    """Art. 8(2): "also in the case where both parents (the only parent) of the person of
    the age of majority are deceased": 4 BSB while studying (here vocational training),
    from the 18th birthday."""
    r = decide(rb, GUARD, BOTH_DECEASED, period)
    if amount is None:
        assert_refused(r, "Art. 8(2)")
    else:
        assert_granted(r, amount, currency, "Art. 8(2)")


@pytest.mark.parametrize("entries, status", [(2, "granted"), (3, "refused")])
def test_guardianship_school_group_entries(rb, entries, status):
    """Art. 8(2): not granted to persons who entered a school of the same group "more than
    twice": twice is allowed (4 x 38 = 152.00 EUR), three times excludes."""
    r = decide(rb, GUARD, FORMER_WARD, "2015-04", child__school_group_entries=entries)
    if status == "granted":
        assert_granted(r, "152.00", "EUR", "Art. 8(2)")
    else:
        assert_refused(r, "Art. 8(2)")
        assert r.citations == ("Art. 8(2)",)


@pytest.mark.parametrize("base, changes", [
    (WARD, {"child__studies": "general"}),            # during guardianship (Art. 8(1))
    (FORMER_WARD, {"child__studies": "vocational"}),  # after majority (Art. 8(2))
])
def test_guardianship_dormitory(rb, base, changes):
    """Art. 8(6): maintained free of charge at a school dormitory during the school year:
    2 BSB instead of 4: 2 x 38 = 76.00 EUR (April 2015)."""
    r = decide(rb, GUARD, base, "2015-04", child__maintained_at_dormitory=True, **changes)
    assert_granted(r, "76.00", "EUR", "Art. 8(6)")


@pytest.mark.parametrize("period, changes, amount, currency", [
    # orphan's pension 50: 152 - 50 = 102.00 EUR.
    ("2015-03", {"child__orphans_pension": 50}, "102.00", "EUR"),
    # orphan's pension 20 and maintenance benefit 30: 152 - 20 - 30 = 102.00 EUR.
    ("2015-03", {"child__orphans_pension": 20, "child__maintenance_benefit": 30}, "102.00",
     "EUR"),
    # in litas: 520 - 100 = 420.00 LTL.
    ("2014-12", {"child__orphans_pension": 100}, "420.00", "LTL"),
    # with the dormitory amount (Art. 8(6)): 76 - 50 = 26.00 EUR.
    ("2015-03", {"child__orphans_pension": 50, "child__maintained_at_dormitory": True,
                 "child__studies": "general"}, "26.00", "EUR"),
    # pension 200 exceeds 152: the difference is never below zero, still a grant: 0.00.
    ("2015-03", {"child__orphans_pension": 200}, "0.00", "EUR"),
])
def test_guardianship_deduction(rb, period, changes, amount, currency):
    """Art. 8(4): the benefit equals the difference between the amount set and the orphan's
    pension and/or maintenance benefit received; a negative difference is paid as 0.00
    (spec: "zero is still a grant")."""
    r = decide(rb, GUARD, WARD, period, **changes)
    assert_granted(r, amount, currency, "Art. 8(4)")
    assert r.as_dict()["amount"] == amount


COMPLETED = {"child.birth_date": "1996-01-10", "guardianship.type": "family",
             "guardianship.start_date": "2005-01-01", "guardianship.end_date": "2014-01-09",
             "guardianship.end_reason": "majority", "child.studies": "general",
             "child.completed_general_education_on": "2015-06-20"}


@pytest.mark.parametrize("period, studies, amount", [
    # Completed on 2015-06-20 aged 19: general studies still count in August: 152.00 EUR.
    ("2015-08", "general", "152.00"),
    # From 1 September 2015 they no longer count.
    ("2015-09", "general", None),
    # Studies of another kind (higher education) from September still count: 152.00 EUR.
    ("2015-09", "higher_full_time", "152.00"),
])
def test_guardianship_art_13_7(rb, period, studies, amount):
    """Art. 13(7): persons over 18 who completed the general education curriculum are paid
    the guardianship benefit "until 1 September of that year"."""
    r = decide(rb, GUARD, COMPLETED, period, child__studies=studies)
    if amount is None:
        assert_refused(r)
    else:
        assert_granted(r, amount, "EUR", "Art. 8(2)")


def test_guardianship_art_13_7_refusal_cites_art_13_7(rb):
    """Art. 13(7) decides the September 2015 refusal, so it is among the citations."""
    r = decide(rb, GUARD, COMPLETED, "2015-09")
    assert_refused(r, "Art. 13(7)")


@pytest.mark.parametrize("fact, cite", [
    ("child__detained", "Art. 8(7)(1)"),
    ("guardianship__at_parents_request_due_to_departure", "Art. 8(7)(2)"),
])
def test_guardianship_art_8_7_exclusions(rb, fact, cite):
    """Art. 8(7): not granted while the child is arrested, imprisoned, treated, wanted or
    missing (1), nor for temporary guardianship at the parents' request due to their
    departure (2)."""
    r = decide(rb, GUARD, WARD, "2015-03", **{fact: True})
    assert_refused(r, cite)
    assert r.citations == (cite,)


COUNTY = {"child.birth_date": "1997-03-01", "guardianship.type": "care_establishment",
          "guardianship.start_date": "2005-01-01",
          "guardianship.county_care_establishment_before_2007": True}


def test_guardianship_county_care_establishment_before_2007(rb):
    """Art. 20(2): a child placed at a county governor's care establishment by 2006-12-31
    gets no Art. 8(1) benefit."""
    r = decide(rb, GUARD, COUNTY, "2015-02")
    assert_refused(r, "Art. 20(2)")
    assert r.citations == ("Art. 20(2)",)


def test_guardianship_county_care_establishment_does_not_exclude_8_2(rb):
    """Art. 20(2) excludes only "a guardianship benefit, referred to in paragraph 1 of
    Article 8": after the guardianship ended by majority (2015-02-28), the Art. 8(2)
    benefit for studies is paid: 4 x 38 = 152.00 EUR for March 2015."""
    r = decide(rb, GUARD, COUNTY, "2015-03", guardianship__end_date="2015-02-28",
               guardianship__end_reason="majority", child__studies="general")
    assert_granted(r, "152.00", "EUR", "Art. 8(2)")


def test_guardianship_back_pay_limit(rb):
    """Art. 13(2): application 2015-06-15, so paid from 2015-06-15 minus 12 months =
    2014-06-15: June 2014 days 15-30 = 16 days: 520 x 16/30 = 277.3333.. -> 277.33 LTL;
    May 2014 refused."""
    r = decide(rb, GUARD, WARD, "2014-06", application__date="2015-06-15")
    assert_granted(r, "277.33", "LTL", "Art. 8(1)", "Art. 13(2)")
    assert_refused(decide(rb, GUARD, WARD, "2014-05", application__date="2015-06-15"),
                   "Art. 13(2)")


def test_guardianship_not_applicable(rb):
    """decisions.yaml / spec "Applicability": no guardianship, no ended guardianship and
    parents not both deceased -> not_applicable."""
    r = decide(rb, GUARD, INFANT, "2015-03")
    assert r.status == "not_applicable"
    assert (r.amount, r.citations, r.missing_facts) == (None, (), ())


# === targeted_guardianship_supplement (Art. 8(3)) ====================================

@pytest.mark.parametrize("period, amount, currency", [
    ("2015-03", "152.00", "EUR"),  # 4 x 38
    ("2014-12", "520.00", "LTL"),  # 4 x 130
])
def test_supplement_social_family(rb, period, amount, currency):
    """Art. 8(3): a child under guardianship of a social family: 4 BSB per month."""
    r = decide(rb, SUPP, SOCIAL, period)
    assert_granted(r, amount, currency, "Art. 8(3)")


def test_supplement_not_applicable_to_a_family(rb):
    """Art. 8(3) speaks only of a social family; guardianship by a family -> not_applicable
    (spec "Applicability")."""
    r = decide(rb, SUPP, SOCIAL, "2015-03", guardianship__type="family")
    assert r.status == "not_applicable"
    assert (r.amount, r.citations, r.missing_facts) == (None, (), ())


def test_supplement_ends_with_the_guardianship(rb):
    """Art. 8(3): paid for a child placed under social family guardianship, so it ends
    with it: guardianship ending 2015-03-10 (included): 152 x 10/31 = 49.0322.. -> 49.03
    EUR for March, nothing for April."""
    ended = {**SOCIAL, "guardianship.end_date": "2015-03-10", "guardianship.end_reason": "other"}
    assert_granted(decide(rb, SUPP, ended, "2015-03"), "49.03", "EUR", "Art. 8(3)")
    assert_refused(decide(rb, SUPP, ended, "2015-04"), "Art. 8(3)")


@pytest.mark.parametrize("fact, cite", [
    ("child__detained", "Art. 8(7)(1)"),
    ("guardianship__at_parents_request_due_to_departure", "Art. 8(7)(2)"),
])
def test_supplement_art_8_7_exclusions(rb, fact, cite):
    """Art. 8(7): neither the guardianship benefit nor the targeted supplement is granted
    in these cases."""
    r = decide(rb, SUPP, SOCIAL, "2015-03", **{fact: True})
    assert_refused(r, cite)


def test_supplement_not_reduced_by_the_orphans_pension(rb):
    """Art. 8(4) reduces the guardianship benefit only: with an orphan's pension of 50 the
    guardianship benefit is 152 - 50 = 102.00 EUR, the supplement stays 4 x 38 = 152.00."""
    assert_granted(decide(rb, SUPP, SOCIAL, "2015-03", child__orphans_pension=50),
                   "152.00", "EUR", "Art. 8(3)")
    assert_granted(decide(rb, GUARD, SOCIAL, "2015-03", child__orphans_pension=50),
                   "102.00", "EUR", "Art. 8(1)", "Art. 8(4)")


# === schedules across the euro changeover ============================================

# Born 2014-05-01 (under 2 throughout); income 100 per person is below 1.5 SSI in litas
# (525) and in euro (153); applied 2014-11-01.
CHANGEOVER = {"child.birth_date": "2014-05-01", "household.income_per_person": 100,
              "application.date": "2014-11-01"}


def test_schedule_across_the_euro_changeover(rb):
    """Art. 6(1), 12(7): 2014-11 and 2014-12 at 0.75 x 130 = 97.50 LTL, 2015-01 and 2015-02
    at 0.75 x 38 = 28.50 EUR. Totals are kept per currency, never added across: 195.00 LTL
    and 57.00 EUR."""
    s = rb.schedule(CHANGEOVER, "2015-03-01", "2014-11", "2015-02")
    assert [m.period for m in s.months] == ["2014-11", "2014-12", "2015-01", "2015-02"]
    got = [(m[CB].status, m[CB].amount, m[CB].currency) for m in s.months]
    assert got == [("granted", money("97.50"), "LTL"), ("granted", money("97.50"), "LTL"),
                   ("granted", money("28.50"), "EUR"), ("granted", money("28.50"), "EUR")]
    assert s.totals()[CB] == {"LTL": money("195.00"), "EUR": money("57.00")}
    assert s.total() == {"LTL": money("195.00"), "EUR": money("57.00")}
    # the other monthly benefits do not concern this case
    for other in (SERV, GUARD, SUPP):
        assert s.totals()[other] == {}


def test_schedule_parameters_per_month(rb):
    """Art. 12(7): each month uses the values in force on its 1st: BSB 130 LTL (from
    2008-01-01) in 2014-12, 38 EUR (from 2015-01-01) in 2015-01; SSI 350 LTL, then 102 EUR."""
    s = rb.schedule(CHANGEOVER, "2015-03-01", "2014-11", "2015-02")
    dec, jan = s.parameters[1], s.parameters[2]
    assert dec["base_social_benefit"] == {"value": "130", "currency": "LTL",
                                          "effective_from": "2008-01-01"}
    assert jan["base_social_benefit"] == {"value": "38", "currency": "EUR",
                                          "effective_from": "2015-01-01"}
    assert dec["state_supported_income"] == {"value": "350", "currency": "LTL",
                                             "effective_from": "2008-08-01"}
    assert jan["state_supported_income"] == {"value": "102", "currency": "EUR",
                                             "effective_from": "2015-01-01"}
    d = s.as_dict()
    assert [m["parameters"]["base_social_benefit"]["value"] for m in d["months"]] == \
        ["130", "130", "38", "38"]
    assert d["totals"][CB] == {"LTL": "195.00", "EUR": "57.00"}


# --- the CLI ---------------------------------------------------------------------------

CASE_YAML = """\
# born 2014-05-01, under 2 throughout; 100 per person < 1.5 SSI in LTL and EUR
"on": 2015-03-01
facts:
  child:
    birth_date: 2014-05-01
  household:
    income_per_person: 100
  application:
    date: 2014-11-01
"""


def statute(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    p = tmp_path / "changeover.yaml"
    p.write_text(CASE_YAML, encoding="utf-8")
    return p


def test_cli_schedule_table(case):
    """`statute eval RULEBOOK CASE --from 2014-11 --to 2015-02` prints one row per month
    and a 'total' row with 195.00 LTL and 57.00 EUR for the child benefit (2 x 97.50 and
    2 x 28.50, per currency)."""
    r = statute("eval", RULEBOOK, case, "--from", "2014-11", "--to", "2015-02")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stdout.splitlines()
    for month, amount in [("2014-11", "97.50 LTL"), ("2014-12", "97.50 LTL"),
                          ("2015-01", "28.50 EUR"), ("2015-02", "28.50 EUR")]:
        row = next(line for line in lines if line.startswith(month))
        assert amount in row, row
    total = [line for line in lines if line.split()[:1] == ["total"]]
    assert len(total) == 1, r.stdout
    assert "195.00 LTL" in total[0] and "57.00 EUR" in total[0], total[0]


def test_cli_schedule_json(case):
    """`--format json` gives months, totals per benefit and currency, and the total."""
    r = statute("eval", RULEBOOK, case, "--from", "2014-11", "--to", "2015-02",
                "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [m["period"] for m in data["months"]] == ["2014-11", "2014-12", "2015-01", "2015-02"]
    assert [m["decisions"][CB]["amount"] for m in data["months"]] == \
        ["97.50", "97.50", "28.50", "28.50"]
    assert data["months"][1]["parameters"]["base_social_benefit"]["currency"] == "LTL"
    assert data["months"][2]["parameters"]["base_social_benefit"]["currency"] == "EUR"
    assert data["totals"][CB] == {"LTL": "195.00", "EUR": "57.00"}
    assert data["total"] == {"LTL": "195.00", "EUR": "57.00"}


@pytest.mark.parametrize("args", [["--from", "2014-11"], ["--to", "2015-02"]])
def test_cli_from_without_to(case, args):
    """--from and --to go together: one without the other is invalid input, exit 2,
    a message and no traceback."""
    r = statute("eval", RULEBOOK, case, *args)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    assert "--from" in r.stderr and "--to" in r.stderr


# === trace ===========================================================================

def test_trace_of_a_birthday_month(rb):
    """Art. 12(8): in November 2011 (2nd birthday 2011-11-03) the days fall into two
    segments, 11-01..11-02 at 0.75 BSB and 11-03..11-30 at 0.4 BSB, each prorated:
    97.50 x 2/30 = 6.50 and 52 x 28/30 = 48.5333..; their sum is rounded once to 55.03."""
    r = decide(rb, CB, INFANT, "2011-11", trace=True, child__birth_date="2009-11-03",
               application__date="2011-06-01")
    assert_granted(r, "55.03", "LTL")
    segments = [s for s in r.trace if s.kind == "segment"]
    prorations = [s for s in r.trace if s.kind == "share"]
    assert len(segments) == 2 and len(prorations) == 2
    assert "2011-11-01..2011-11-02" in segments[0].title
    assert "2011-11-03..2011-11-30" in segments[1].title
    assert [s.rule for s in prorations] == ["child_benefit_under_2", "child_benefit_2_to_7"]
    assert prorations[0].outcome == money("6.50")
    assert sum(p.outcome for p in prorations).quantize(money("0.01")) == money("55.03")
    rounding = [s for s in r.trace if s.kind == "rounding"]
    assert len(rounding) == 1 and rounding[0].outcome == money("55.03")


def test_trace_of_a_whole_month_has_one_segment(rb):
    """A month with no change (March 2011, aged 1): one segment, one proration 97.50 x 31/31."""
    r = decide(rb, CB, INFANT, "2011-03", trace=True)
    assert [s.kind for s in r.trace].count("segment") == 1
    assert [s.outcome for s in r.trace if s.kind == "share"] == [money("97.50")]
