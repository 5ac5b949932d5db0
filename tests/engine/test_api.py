"""The public API: load once, evaluate as a pure function, share across threads."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"


@pytest.fixture(scope="module")
def rb() -> engine.Rulebook:
    return engine.load(LT)


def test_public_names_are_exported():
    for name in engine.__all__:
        assert hasattr(engine, name), name


def test_flat_and_nested_facts_give_the_same_answer(rb):
    nested = rb.evaluate({"child": {"birth_date": "2010-06-14"}}, on="2010-07-01")
    flat = rb.evaluate({"child.birth_date": dt.date(2010, 6, 14)}, on=dt.date(2010, 7, 1))
    assert nested.as_dict() == flat.as_dict()


def test_money_facts_refuse_floats(rb):
    """Floats are inexact: money must come as Decimal, int or a digit string."""
    with pytest.raises(engine.ErrorList) as e:
        rb.evaluate({"household": {"income_per_person": 300.1}}, on="2011-01-01")
    assert e.value.errors[0].field == "household.income_per_person"
    ok = rb.evaluate({"household": {"income_per_person": "300.10"}}, on="2011-01-01")
    assert ok.on == dt.date(2011, 1, 1)


def test_evaluation_does_not_mutate_the_callers_facts(rb):
    facts = {"child": {"birth_date": "2010-06-14"}}
    rb.evaluate(facts, on="2010-07-01", trace=True)
    assert facts == {"child": {"birth_date": "2010-06-14"}}


def test_one_rulebook_shared_by_threads_gives_the_same_answers(rb):
    """Art. 5(1): 11 x 130 LTL = 1430.00 for births in 2008-2014, 11 x 38 EUR = 418.00 after."""
    births = [dt.date(2008, 1, 1) + dt.timedelta(days=17 * i) for i in range(200)]

    def one(birth: dt.date) -> tuple:
        r = rb.evaluate({"child": {"birth_date": birth}}, on=birth, trace=True)
        d = r["lump_sum_child_benefit"]
        return birth, d.status, d.amount, d.currency

    serial = [one(b) for b in births]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(one, births))
    assert parallel == serial
    for birth, status, amount, currency in serial:
        if birth < dt.date(2015, 1, 1):
            assert (status, amount, currency) == ("granted", Decimal("1430.00"), "LTL")
        elif birth <= dt.date(2017, 12, 31):
            assert (status, amount, currency) == ("granted", Decimal("418.00"), "EUR")
        else:
            assert status == "not_covered"


def test_unknown_benefit_is_an_error(rb):
    with pytest.raises(engine.ErrorList) as e:
        rb.evaluate({}, on="2010-01-01", decisions=["no_such_benefit"])
    assert "unknown decision" in str(e.value)


@pytest.mark.parametrize("on", ["2010-13-01", "1700-01-01", "10.01.2010", ""])
def test_bad_evaluation_dates_are_errors(rb, on):
    with pytest.raises(engine.ErrorList):
        rb.evaluate({}, on=on)


def test_a_month_partly_outside_the_coverage_is_not_covered(tmp_path):
    """A copy of the rulebook covering only to 2017-12-15.

    As written (Art. 12(7): amounts valid in the month), every day of December 2017 is
    decided on 2017-12-01, inside the coverage: granted in full, 0.4 x 38 = 15.20 EUR
    (Art. 6(2)(1), a child of 5). If the applicable date were the day itself, 16 days of
    December would have no version in force: the month is then not_covered, never an
    amount for the covered days only (a silently partial answer)."""
    import shutil
    copy = tmp_path / "rb"
    shutil.copytree(LT, copy)
    for name in ("rulebook.yaml", "articles/art-09.yaml"):
        f = copy / name
        f.write_text(f.read_text().replace("to: 2017-12-31", "to: 2017-12-15"))
    facts = {"child": {"birth_date": "2012-01-01"}, "household": {"income_per_person": 50},
             "application": {"date": "2017-12-01"}}
    dec = engine.load(copy).evaluate(facts, on="2017-12-20", period="2017-12")["child_benefit"]
    assert (dec.status, dec.amount, dec.currency) == ("granted", Decimal("15.20"), "EUR")

    art12 = copy / "articles" / "art-12.yaml"
    text = art12.read_text()
    assert text.count("applicable_date: month_start(day)") == 1
    art12.write_text(text.replace("applicable_date: month_start(day)", "applicable_date: day"))
    rb = engine.load(copy)
    assert rb.evaluate(facts, on="2017-12-20", period="2017-12")["child_benefit"].status \
        == "not_covered"
    nov = rb.evaluate(facts, on="2017-12-20", period="2017-11")["child_benefit"]
    assert (nov.status, nov.amount) == ("granted", Decimal("15.20"))


def test_a_decimal_past_the_contexts_exponent_is_a_case_error(rb):
    """1E+1000000 would trap decimal.Overflow in any arithmetic: refused before any."""
    import decimal
    with pytest.raises(engine.ErrorList) as e:
        rb.evaluate({"child": {"birth_date": "2010-06-14"},
                     "household": {"income_per_person": decimal.Decimal("1E+1000000")}},
                    "2010-07-01")
    [err] = e.value.errors
    assert err.field == "household.income_per_person" and "out of range" in err.message


def test_a_schedule_from_a_date_time_is_a_case_error(rb):
    import datetime as dt
    with pytest.raises(engine.ErrorList) as e:
        rb.schedule({"child": {"birth_date": "2010-06-14"}}, "2010-07-01",
                    dt.datetime(2010, 1, 1), "2010-12")
    assert "date-time" in str(e.value)


def test_a_caller_trapping_inexact_gets_the_same_answer(rb):
    """The caller's decimal context traps Inexact and keeps 3 digits: the engine computes
    in its own context, so the answer is the one any caller gets (11 x 130 = 1430.00)."""
    import decimal
    facts = {"child": {"birth_date": "2010-06-14"}, "application": {"date": "2010-07-01"}}
    plain = rb.evaluate(facts, "2010-07-01")["lump_sum_child_benefit"].value
    ctx = decimal.Context(prec=3, traps=[decimal.Inexact, decimal.Rounded])
    with decimal.localcontext(ctx):
        strict = rb.evaluate(facts, "2010-07-01")["lump_sum_child_benefit"].value
    assert strict == plain == decimal.Decimal("1430.00")


def test_a_huge_integer_in_a_case_is_refused_without_pythons_digit_limit_message(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("on: 2010-07-01\nfacts:\n  household:\n    children_raised: 1" + "0" * 5000
                    + "\n", encoding="utf-8")
    with pytest.raises(engine.StatuteError) as e:
        engine.read_case(case)
    assert "digits; too large" in str(e.value) and "int_max_str_digits" not in str(e.value)
