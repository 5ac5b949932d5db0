"""The Russian sick-pay rulebook (255-ФЗ) and the SNILS check: mutants its own YAML tests
must kill, the public examples, and the bad input of ru-sick-leave.md («Bad input»).

Each mutant is a copy of rules/ru/sick-leave with one constant, parameter value, rounding
point or boundary changed; running the rulebook's tests/*.yaml against it must report at
least one failure (as tests/engine/test_mutation.py does for the LT rulebook).
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.testing.mutation import Mutant, failing_cases, killed_by

ROOT = Path(__file__).resolve().parents[3]
RU = ROOT / "rules" / "ru" / "sick-leave"

MUTANTS = [
    # (name, file, text, replacement)
    ("ст. 14 ч. 3: 730 -> 731", "articles/st-14.yaml",
     "settlement_period_earnings / cite('ст. 14 ч. 3', 730)",
     "settlement_period_earnings / cite('ст. 14 ч. 3', 731)"),
    ("ст. 14 ч. 1.1: 24 -> 23 months", "articles/st-14.yaml",
     "mrot * cite('ст. 14 ч. 1', 24)", "mrot * cite('ст. 14 ч. 1', 23)"),
    ("ст. 14 ч. 1.1: the minimum for earnings of exactly 24 MROT", "articles/st-14.yaml",
     "when: settlement_period_earnings < 24 * mrot",
     "when: settlement_period_earnings <= 24 * mrot"),
    ("ст. 3 ч. 2 п. 1: 3 -> 4 employer days", "articles/st-03.yaml",
     "value: min(3, days_between(", "value: min(4, days_between("),
    ("ст. 3 ч. 2 п. 1: employer part of 2 days", "decisions.yaml",
     "to: min(illness.end_date, add_days(illness.start_date, 2))",
     "to: min(illness.end_date, add_days(illness.start_date, 1))"),
    ("ст. 3 ч. 2 п. 1: the Fund from the 5th day", "decisions.yaml",
     "from: add_days(illness.start_date, 3)", "from: add_days(illness.start_date, 4)"),
    ("ст. 6 ч. 1: the day work resumes paid too", "decisions.yaml",
     "      to: illness.end_date\n      cite: ст. 6 ч. 1\n",
     "      to: add_days(illness.end_date, 1)\n      cite: ст. 6 ч. 1\n"),
    ("ст. 14 ч. 6.1: no floor", "articles/st-14.yaml",
     "adjust: max(value, mrot_per_day)", "adjust: value"),
    ("104-ФЗ ст. 1: no floor in 2021", "articles/fz-104-st-01.yaml",
     "adjust: max(value, mrot_per_day)", "adjust: value"),
    ("ст. 7 ч. 1: 80 -> 75 percent", "articles/st-07.yaml", 'value: "80"', 'value: "75"'),
    ("ст. 7 ч. 1: 60 -> 65 percent", "articles/st-07.yaml", 'value: "60"', 'value: "65"'),
    ("ст. 7 ч. 1: 100 percent from 9 years", "articles/st-07.yaml",
     "when: insurance_record.years >= 8\n", "when: insurance_record.years >= 9\n"),
    ("ст. 7 ч. 1: 80 percent from 6 years", "articles/st-07.yaml",
     "when: insurance_record.years >= 5 and insurance_record.years < 8",
     "when: insurance_record.years >= 6 and insurance_record.years < 8"),
    ("ст. 7 ч. 6: six months -> seven", "definitions.yaml",
     "insurance_record.months < 6", "insurance_record.months < 7"),
    ("ст. 8 ч. 2: the violation day itself not reduced", "definitions.yaml",
     "day >= reduction.violation_date", "day > reduction.violation_date"),
    ("maximum base 2023: 1 917 000 -> 1 918 000", "parameters/maximum_base.yaml",
     "value: 1917000", "value: 1918000"),
    ("maximum base 2020: 912 000 -> 913 000", "parameters/maximum_base.yaml",
     "value: 912000", "value: 913000"),
    ("maximum base 2016: 718 000 -> 719 000", "parameters/maximum_base.yaml",
     "value: 718000", "value: 719000"),
    ("ст. 14 ч. 3.2: the sum of the years against the sum of the bases", "definitions.yaml",
     "expr: counted_earnings_of_year_2 + counted_earnings_of_year_1",
     "expr: min(earnings.year_minus_2 + earnings.year_minus_1,"
     " maximum_base_of_year_2 + maximum_base_of_year_1)"),
    ("MROT 2024: 19 242 -> 19 243", "parameters/mrot.yaml", "value: 19242", "value: 19243"),
    ("MROT 15 279 from 2022-05-01", "parameters/mrot.yaml",
     "{from: 2022-06-01, amended_by: pp-973-2022", "{from: 2022-05-01, amended_by: pp-973-2022"),
    ("MROT 2021: 12 792 -> 12 800", "parameters/mrot.yaml", "value: 12792", "value: 12800"),
    ("the MROT of each day, not of the first day", "articles/st-14.yaml",
     "    applicable_date: illness.start_date", "    applicable_date: day if given(illness.end_date) else illness.start_date"),
    # (a point left out entirely, or rounded half even, is an equivalent mutant: a money
    # decision is rounded half up at the end anyway, and no MROT ÷ 28..31 days ends in an
    # exact half kopeck; rounding down is the mutant the tests must see)
    ("rounding point 1: the average daily earnings rounded down", "articles/st-14.yaml",
     "cite('ст. 14 ч. 3', 730), 0.01, 'ROUND_HALF_UP')\n\n  - id: not_below",
     "cite('ст. 14 ч. 3', 730), 0.01, 'ROUND_DOWN')\n\n  - id: not_below"),
    ("rounding point 1: the MROT minimum rounded down", "articles/st-14.yaml",
     "mrot * cite('ст. 14 ч. 1', 24) / cite('ст. 14 ч. 3', 730), 0.01, 'ROUND_HALF_UP')",
     "mrot * cite('ст. 14 ч. 1', 24) / cite('ст. 14 ч. 3', 730), 0.01, 'ROUND_DOWN')"),
    ("rounding point 2: the daily benefit rounded down", "articles/st-14.yaml",
     "benefit_percentage) / 100, 0.01, 'ROUND_HALF_UP')",
     "benefit_percentage) / 100, 0.01, 'ROUND_DOWN')"),
    ("rounding point 3: the MROT per day rounded down", "definitions.yaml",
     "expr: round(mrot / days_in_month(day), 0.01, 'ROUND_HALF_UP')",
     "expr: round(mrot / days_in_month(day), 0.01, 'ROUND_DOWN')"),
    ("rounding point 3: a 30-day month for the MROT per day", "definitions.yaml",
     "expr: round(mrot / days_in_month(day), 0.01, 'ROUND_HALF_UP')",
     "expr: round(mrot / 30, 0.01, 'ROUND_HALF_UP')"),
    ("ст. 14 ч. 6.1 from 2023-01-01", "articles/st-14.yaml",
     "        to: 2021-12-31\n        amended_by: fz-255\n        in_force: false\n"
     "        note: в 2021 году то же правило — 104-ФЗ ст. 1\n      - from: 2022-01-01\n",
     "        to: 2022-12-31\n        amended_by: fz-255\n        in_force: false\n"
     "        note: в 2021 году то же правило — 104-ФЗ ст. 1\n      - from: 2023-01-01\n"),
    ("SNILS: 001-001-998 checked", "articles/snils-p-08.yaml",
     "snils_serial <= 1001998", "snils_serial <= 1001997"),
    ("SNILS: weight 9 -> 10", "definitions.yaml",
     "digit(employee.snils, 0) * 9", "digit(employee.snils, 0) * 10"),
    ("SNILS: mod 101 -> mod 100", "definitions.yaml",
     "expr: snils_weighted_sum % 101 % 100", "expr: snils_weighted_sum % 100"),
]


@pytest.mark.parametrize("name, file, old, new", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_the_rulebooks_tests_kill_the_mutant(tmp_path, name, file, old, new):
    failed = killed_by(RU, Mutant(name, file, old, new), tmp_path)
    assert failed, f"{name}: every test still passes; the tests do not pin this"


def test_the_unmutated_rulebook_passes():
    assert not failing_cases(RU)


# --- the public examples -----------------------------------------------------------------

@pytest.fixture(scope="module")
def rb() -> engine.Rulebook:
    return engine.load(RU)


@pytest.mark.parametrize("case", sorted((RU / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_examples_give_their_expected_answers(rb, case):
    expected = json.loads(case.with_name(case.stem + ".expected.json").read_text())
    got = rb.evaluate_case(engine.read_case(case))
    for did, want in expected["decisions"].items():
        r = got[did]
        assert r.status == want["status"]
        if "amount" in want:
            assert r.amount == Decimal(want["amount"]) and r.currency == "RUB"
        for cite in want.get("citations", []):
            assert cite in r.citations


def test_the_parts_add_up_to_the_total(rb):
    """employer_part + fund_part = sick_pay_total exactly, across a month end, a floor in
    one month only and a reduction (ru-sick-leave.md, «Decisions»)."""
    facts = {"illness": {"start_date": "2023-02-26", "end_date": "2023-03-09"},
             "insurance_record": {"years": 10},
             "earnings": {"year_minus_2": "200000", "year_minus_1": "201500"},
             "reduction": {"violation_date": "2023-03-05"}}
    r = rb.evaluate(facts, on="2023-03-20")
    assert r["employer_part"].amount + r["fund_part"].amount == r["sick_pay_total"].amount


def test_the_trace_shows_the_three_rounding_points_and_the_segments(rb):
    r = rb.evaluate({"illness": {"start_date": "2024-02-27", "end_date": "2024-03-04"},
                     "insurance_record": {"years": 2},
                     "earnings": {"year_minus_2": 0, "year_minus_1": 0}},
                    on="2024-03-20", trace=True)
    avg = [s.expression for s in r["average_daily_earnings"].trace if s.expression]
    assert ("round(mrot * cite('ст. 14 ч. 1', 24) / cite('ст. 14 ч. 3', 730), 0.01, "
            "'ROUND_HALF_UP')") in avg
    daily = [s.expression for s in r["daily_benefit"].trace if s.expression]
    assert ("round(average_daily_earnings * cite('ст. 7 ч. 1', benefit_percentage) / 100, "
            "0.01, 'ROUND_HALF_UP')") in daily
    total = r["sick_pay_total"].trace
    segments = [s.title for s in total if s.kind == "segment"]
    # the days of incapacity and no other: no day past the last one in the sum
    assert segments == ["days 2024-02-27..2024-02-29 (3 day(s))",
                        "days 2024-03-01..2024-03-04 (4 day(s))"]
    shares = [s.outcome for s in total if s.kind == "share"]
    assert shares == [Decimal("1990.56"), Decimal("2482.84")]


# --- bad input: a clear error naming the facts, never an answer ----------------------------

BASE = {"illness": {"start_date": "2025-03-03", "end_date": "2025-03-07"},
        "insurance_record": {"years": 10, "months": 0},
        "earnings": {"year_minus_2": "1000000", "year_minus_1": "1200000"}}


def _with(**changes):
    facts = json.loads(json.dumps(BASE))
    for path, value in changes.items():
        group, name = path.split("__")
        facts.setdefault(group, {})[name] = value
    return facts


@pytest.mark.parametrize("changes, names", [
    ({"illness__end_date": "2025-03-02"}, {"illness.end_date", "illness.start_date"}),
    ({"insurance_record__months": 12}, {"insurance_record.months"}),
    ({"reduction__violation_date": "2025-03-08"}, {"reduction.violation_date"}),
    ({"reduction__violation_date": "2025-03-02"}, {"reduction.violation_date"}),
    # a replacement year must be earlier than the year it replaces (2023 for year − 2) ...
    ({"earnings__year_minus_2_replaced_by": 2023}, {"earnings.year_minus_2_replaced_by"}),
    ({"earnings__year_minus_1_replaced_by": 2024}, {"earnings.year_minus_1_replaced_by"}),
    # ... not the other settlement year, nor before 2011 (the first year of the base series)
    ({"earnings__year_minus_1_replaced_by": 2023}, {"earnings.year_minus_1_replaced_by"}),
    ({"earnings__year_minus_2_replaced_by": 2015, "earnings__year_minus_1_replaced_by": 2015},
     {"earnings.year_minus_1_replaced_by", "earnings.year_minus_2_replaced_by"}),
    ({"earnings__year_minus_2_replaced_by": 2010}, {"earnings.year_minus_2_replaced_by"}),
], ids=["end before start", "months 12", "violation after the end", "violation before the start",
        "replacement not earlier (year - 2)", "replacement not earlier (year - 1)",
        "replacement equal to the other year", "both replaced by one year", "replacement before 2011"])
def test_an_impossible_case_is_an_error_naming_its_facts(rb, changes, names):
    with pytest.raises(engine.ErrorList) as e:
        rb.evaluate(_with(**changes), on="2025-03-20")
    text = str(e.value)
    for name in names:
        assert name in text


@pytest.mark.parametrize("changes, name", [
    ({"employee__snils": 11223344595}, "employee.snils"),
    ({"insurance_record__years": -1}, "insurance_record.years"),
    ({"insurance_record__months": -1}, "insurance_record.months"),
    ({"earnings__year_minus_1": "-1"}, "earnings.year_minus_1"),
    ({"illness__start_date": "2025-02-30"}, "illness.start_date"),
    ({"illness__first_day": "2025-03-03"}, "illness.first_day"),
], ids=["snils not a string", "negative years", "negative months", "negative earnings",
        "impossible date", "unknown fact"])
def test_bad_input_is_an_error_naming_the_fact(rb, changes, name):
    with pytest.raises(engine.ErrorList) as e:
        rb.evaluate(_with(**changes), on="2025-03-20")
    assert name in str(e.value)


def test_a_valid_replacement_is_answered(rb):
    """Replacing 2023 (year − 2 of 2025) by 2021 and 2024 by 2022: bases 966 000 and
    1 032 000; (966 000 + 1 032 000) / 730 = 2736.99."""
    r = rb.evaluate(_with(earnings__year_minus_2_replaced_by=2021,
                          earnings__year_minus_1_replaced_by=2022,
                          earnings__year_minus_2="3000000", earnings__year_minus_1="3000000"),
                    on="2025-03-20", decisions=["average_daily_earnings"])
    assert r["average_daily_earnings"].amount == Decimal("2736.99")
