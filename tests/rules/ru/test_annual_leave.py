"""The Russian annual-leave rulebook (ТК РФ, КоАП РФ): mutants its own YAML tests must
kill, the public examples, the explanation of the late-pay example, amendments as data,
and the bad input of ru-annual-leave.md («Conventions»: bad input).

Each mutant is a copy of rules/ru/annual-leave with one parameter value, divisor, date or
boundary changed; the rulebook's tests/*.yaml must report at least one failure.
"""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.amend.history import diff, timeline
from engine.render.text import render_text
from engine.testing.cases import collect
from engine.testing.mutation import Mutant, failing_cases, killed_by

ROOT = Path(__file__).resolve().parents[3]
RU = ROOT / "rules" / "ru" / "annual-leave"
RB = engine.load(RU)

MUTANTS = [
    # (name, file, text, replacement)
    ("ст. 236: 1/150 -> 1/300 after 2016-10-03", "articles/tk-236.yaml",
     "key_rate / 100 / 150", "key_rate / 100 / 300"),
    ("ст. 236: 1/300 -> 1/150 before 2016-10-03", "articles/tk-236.yaml",
     "refinancing_rate / 100 / 300", "refinancing_rate / 100 / 150"),
    ("ст. 236: the new wording a day later", "articles/tk-236.yaml",
     "ставки рефинансирования\n        value: (vacation_pay.amount - vacation_pay.paid_on_time)"
     " * refinancing_rate / 100 / 300\n      - from: 2016-10-03\n",
     "ставки рефинансирования\n        value: (vacation_pay.amount - vacation_pay.paid_on_time)"
     " * refinancing_rate / 100 / 300\n      - from: 2016-10-04\n"),
    # (reading the refinancing rate after 2016-10-03 would be an equivalent mutant: it
    # equals the key rate from 2016-01-01, so no answer can tell them apart)
    ("key rate 2022-02-28: 20 -> 21", "parameters/key_rate.yaml",
     "cbr-key-rate-2022-02-28, value: 20,", "cbr-key-rate-2022-02-28, value: 21,"),
    ("key rate 2024-07-29 a day later", "parameters/key_rate.yaml",
     "{from: 2024-07-29, amended_by: cbr-key-rate-2024-07-29", "{from: 2024-07-30, amended_by: cbr-key-rate-2024-07-29"),
    ("key rate 2016-09-19: 10 -> 10.5", "parameters/key_rate.yaml",
     "{from: 2016-09-19, amended_by: cbr-key-rate-2016-09-19, value: 10,",
     "{from: 2016-09-19, amended_by: cbr-key-rate-2016-09-19, value: 10.5,"),
    ("refinancing rate 8.25 -> 8", "parameters/refinancing_rate.yaml", "value: 8.25", "value: 8"),
    ("ст. 125 ч. 1: 14 -> 13 days", "parameters/split_part_minimum_days.yaml",
     "value: 14", "value: 13"),
    ("ст. 125 ч. 1: a 14-day part not enough", "articles/tk-125.yaml",
     "max(leave.parts, 0) < split_part_minimum_days", "max(leave.parts, 0) <= split_part_minimum_days"),
    ("ст. 115 ч. 1: 28 -> 30", "parameters/main_leave_days.yaml", "value: 28", "value: 30"),
    ("ст. 267: 31 -> 30", "parameters/minor_main_leave_days.yaml", "value: 31", "value: 30"),
    ("ст. 267: age on the evaluation date", "definitions.yaml",
     "age(employee.birth_date, applicable_date) < 18", "age(employee.birth_date, on) < 18"),
    ("ст. 122 ч. 2: 6 -> 5 months", "parameters/first_leave_months.yaml", "value: 6", "value: 5"),
    ("ст. 121 ч. 1: excluded days not added", "articles/tk-122.yaml",
     "      employment.excluded_service_days)) if", "      0)) if"),
    ("ст. 124 ч. 4: 2 -> 3 years", "parameters/years_not_granted_limit.yaml",
     "value: 2", "value: 3"),
    ("ст. 126 ч. 1: 28 -> 27", "parameters/compensation_threshold_days.yaml",
     "value: 28", "value: 27"),
    ("ст. 117 ч. 4: 7 -> 8 protected days", "parameters/harmful_leave_minimum_days.yaml",
     "value: 7", "value: 8"),
    ("ст. 136 ч. 9: 3 -> 2 days", "parameters/vacation_pay_days_before.yaml",
     "value: 3", "value: 2"),
    ("ст. 291: 2 -> 3 working days", "parameters/short_term_leave_per_month.yaml",
     "value: 2", "value: 3"),
    ("ст. 295: 2 -> 1 working day", "parameters/seasonal_leave_per_month.yaml",
     "value: 2", "value: 1"),
    ("ст. 5.27 ч. 1: legal entity min 30000 -> 20000", "parameters/fine_5_27_1.yaml",
     "legal_entity_min: 30000", "legal_entity_min: 20000"),
    ("ст. 5.27 ч. 1: no warning", "parameters/fine_5_27_1.yaml",
     "warning: true", "warning: false"),
    ("ст. 5.27 ч. 6: official max 20000 -> 25000", "parameters/fine_5_27_6.yaml",
     "official_max: 20000", "official_max: 25000"),
    ("ст. 5.27 ч. 7: legal entity max 100000 -> 90000", "parameters/fine_5_27_7.yaml",
     "legal_entity_max: 100000", "legal_entity_max: 90000"),
    ("ст. 5.27 ч. 2: disqualification 1-3 -> 1-2 years", "parameters/fine_5_27_2.yaml",
     "official_disqualification_max_years: 3", "official_disqualification_max_years: 2"),
    ("ст. 5.27 ч. 4: IE 10000 -> 5000", "parameters/fine_5_27_4.yaml",
     "individual_entrepreneur_min: 10000", "individual_entrepreneur_min: 5000"),
    ("ст. 4.6 ч. 1: a year and a day", "definitions.yaml",
     "applicable_date <= add_months(previous_penalty.executed_date, 12)",
     "applicable_date <= add_days(add_months(previous_penalty.executed_date, 12), 1)"),
    ("ст. 4.6 ч. 1: an earlier decision in force later counts", "definitions.yaml",
     "and previous_penalty.effective_date <= applicable_date\n",
     "and previous_penalty.effective_date <= add_days(applicable_date, 1)\n"),
    ("R9: the violation on the deadline itself", "articles/koap-5-27.yaml",
     "add_days(vacation_pay_deadline, 1) if offence.kind", "vacation_pay_deadline if offence.kind"),
    ("R10: ч. 6 from 2016-10-04", "articles/koap-5-27.yaml",
     "      - from: 2016-10-03\n        amended_by: fz-272-2016\n        when: offence.kind == 'late_vacation_pay' and not repeat_of_a_late_payment\n",
     "      - from: 2016-10-04\n        amended_by: fz-272-2016\n        when: offence.kind == 'late_vacation_pay' and not repeat_of_a_late_payment\n"),
]


@pytest.mark.parametrize("name, file, old, new", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_the_rulebooks_tests_kill_the_mutant(tmp_path, name, file, old, new):
    failed = killed_by(RU, Mutant(name, file, old, new), tmp_path)
    assert failed, f"{name}: every test still passes; the tests do not pin this"


def test_the_unmutated_rulebook_passes():
    assert len(collect([RU / "tests"])) >= 90 and not failing_cases(RU)


# -- the public examples, and the explanation an HR specialist reads ---------------------

@pytest.mark.parametrize("name", ["late-pay-2022", "minor-first-year", "split-repeat"])
def test_the_public_examples(name):
    """spec/examples/ru-annual-leave-*: every expected field, as check_examples reads them."""
    case = engine.read_case(RU / "examples" / f"{name}.yaml")
    got = RB.evaluate_case(case).as_dict()
    want = json.loads((RU / "examples" / f"{name}.expected.json").read_text(encoding="utf-8"))
    for did, fields in want["decisions"].items():
        for key, value in fields.items():
            assert got["decisions"][did][key] == value, (name, did, key)


def test_the_late_pay_trace_shows_each_segment_with_its_rate_days_and_interest():
    """Item 6 of the issue: the deadline, each segment of the delay with its key rate, its
    days and its interest, the sum, and the fine's part with its range, citing each step."""
    case = engine.read_case(RU / "examples" / "late-pay-2022.yaml")
    r = RB.evaluate_case(case, trace=True)
    interest = r["late_payment_interest"]
    segments = [s.title for s in interest.trace if s.kind == "segment"]
    assert segments == ["days 2022-02-26..2022-02-27 (2 day(s))",
                        "days 2022-02-28..2022-03-10 (11 day(s))"]
    shares = [(s.title, s.outcome, s.citation) for s in interest.trace if s.kind == "share"]
    assert [t for t, _, _ in shares] == ["2022-02-26..2022-02-27", "2022-02-28..2022-03-10"]
    # 2 days × 50000 × 9.5 / 100 / 150 and 11 days × 50000 × 20 / 100 / 150
    assert [round(o, 2) for _, o, _ in shares] == [Decimal("63.33"), Decimal("733.33")]
    assert {c for _, _, c in shares} == {"ст. 236"}
    rates = [p.value for s in interest.trace for p in s.parameters if p.name == "key_rate"]
    assert rates == [Decimal("9.5"), Decimal("20")]
    text = render_text(r, trace=True, lang="en", full=True)
    # headlines by the decisions' labels; the key rate (unit: percent) as a percentage
    assert "последний день оплаты отпуска: DETERMINED 25 Feb 2022" in text
    assert "проценты за задержку оплаты: DETERMINED 796.67 RUB" in text
    assert "key_rate = 9.5% (valid from 14 Feb 2022" in text
    assert "key_rate = 20% (valid from 28 Feb 2022" in text
    assert "штраф по ст. 5.27 КоАП: DETERMINED 30,000.00 RUB to 50,000.00 RUB, or a warning" \
        in text
    assert "Value [ст. 5.27 ч. 6]" in text and "legal_entity_min: 30,000" in text


def test_a_delay_past_the_verified_key_rate_warns():
    """verified_through 2026-03-22: a day of delay after it uses the last value (15.5 %
    from 2026-02-16) and carries the stale-parameter warning. Leave 2026-04-01, deadline
    03-29, paid 04-03: 5 days × 15000 × 15.5 / 100 / 150 = 77.50."""
    r = RB.evaluate({"leave": {"start_date": "2026-04-01"},
                     "vacation_pay": {"amount": "15000", "paid_date": "2026-04-03"}},
                    "2026-05-01", decisions=["late_payment_interest"])
    assert r["late_payment_interest"].value == Decimal("77.50")
    assert any("key_rate" in w and "2026-03-22" in w for w in r.warnings)


# -- amendments as data -------------------------------------------------------------------

def test_the_timeline_shows_the_2016_changes_and_every_key_rate_change():
    changes = timeline(RB)
    acts = {c.act for c in changes}
    assert {"fz-272-2016", "fz-421-2013-koap", "cbr-3894-u"} <= acts
    key = [c for c in changes if c.subject == "key_rate" and c.kind == "parameter"]
    assert len(key) == 56  # every value of the series, 2014-12-16 .. 2026-02-16
    on_2016 = {c.subject for c in changes if str(c.date) == "2016-10-03"}
    assert {"interest_for_a_day", "part_2_repeat[official]", "part_6_late_pay[official]",
            "part_7_repeat_late_pay[official]", "part_4_repeat_2015[official]",
            "part_1[official]"} <= on_2016


def test_a_key_rate_change_only_the_2016_wording_reads_is_no_boundary_before_it():
    """ст. 236 before 2016-10-03 reads the refinancing rate (8.25 % in 2015): the key-rate
    changes of 2015 are unreachable (not required), those after 2016-10-03 are required."""
    from engine.amend.coverage import boundaries
    import datetime as dt
    found = {(b.subject, b.date): b for b in boundaries(RB)}
    assert not found[("key_rate", dt.date(2015, 2, 2))].reachable
    assert found[("key_rate", dt.date(2016, 9, 19))].reachable  # 2016-10-03 reads it
    assert found[("key_rate", dt.date(2022, 2, 28))].reachable
    assert found[("refinancing_rate", dt.date(2016, 1, 1))].reachable


def test_diff_across_2016_10_03_shows_what_272_fz_changed():
    import datetime as dt
    d = diff(RB, dt.date(2016, 10, 2), dt.date(2016, 10, 3))
    subjects = {c.subject for c in d}
    assert "interest_for_a_day" in subjects and "part_6_late_pay[legal_entity]" in subjects
    [interest] = [c for c in d if c.subject == "interest_for_a_day"]
    assert "refinancing_rate / 100 / 300" in interest.before
    assert "key_rate / 100 / 150" in interest.after
    r = subprocess.run([sys.executable, "-m", "engine.cli", "diff", str(RU), "--from",
                        "2016-10-02", "--to", "2016-10-03"], capture_output=True, text=True)
    assert r.returncode == 0 and "fz-272-2016" in r.stdout


# -- bad input (ru-annual-leave.md «Conventions»: bad input) ----------------------------

@pytest.mark.parametrize("facts, field, words", [
    ({"leave": {"parts": [7, 0, 7]}}, "leave.parts", "часть отпуска не может быть нулевой"),
    ({"leave": {"extended_main_days": 27}}, "leave.extended_main_days", "короче 28"),
    ({"vacation_pay": {"amount": "1000", "paid_on_time": "1000"}},
     "vacation_pay.amount, vacation_pay.paid_on_time", "меньше суммы отпускных"),
    ({"offender": {"kind": "company"}}, "offender.kind", "is not one of"),
    ({"leave": {"parts": [7, -1]}}, "leave.parts", "out of range"),
    ({"leave": {"start_date": "2024-02-30"}}, "leave.start_date", "not a valid"),
    ({"leave": {"years_without_leave": -1}}, "leave.years_without_leave", "out of range"),
    ({"vacation_pay": {"amount": 100.5}}, "vacation_pay.amount", "never a float"),
])
def test_bad_input_is_a_case_error_naming_the_fact(facts, field, words):
    with pytest.raises(engine.ErrorList) as e:
        RB.evaluate(facts, "2024-09-01")
    [err] = e.value.errors
    assert isinstance(err, engine.CaseError)
    assert err.field is not None  # the fact, or the item of a list fact: leave.parts[1]
    assert {f.split("[")[0] for f in err.field.split(", ")} == set(field.split(", "))
    assert words in err.message


def test_the_cli_exits_2_for_a_part_of_zero_days(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("on: 2024-09-01\nfacts:\n  leave:\n    parts: [14, 0]\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(RU), str(case)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{case}:4:" in r.stderr and "leave.parts" in r.stderr


# -- the parameter values against the page they come from -----------------------------
# tests/key-rate-changes.yaml works its expected interest from the rates: these tests hold
# the rates themselves (and the fine bounds) to spec/ru-annual-leave.md, «Parameters», so
# a value mistyped in the YAML cannot be agreed with by a test computed from it.

SPEC = ROOT.parent / "shared" / "spec" / "ru-annual-leave.md"


def _spec_text() -> str:
    import os
    if not SPEC.is_file():
        if os.environ.get("STATUTE_SKIP_SHARED") == "1":
            pytest.skip(f"{SPEC} is absent (STATUTE_SKIP_SHARED=1)")
        pytest.fail(f"{SPEC} is missing: the contract these values come from")
    return SPEC.read_text(encoding="utf-8")


def test_the_key_rate_series_is_the_pages_table():
    import re
    text = _spec_text()
    table = text[text.index("### `key_rate`"):text.index("### Fines")]
    page = {m[0]: Decimal(m[1]) for m in re.findall(r"\| (\d{4}-\d\d-\d\d) \| ([\d.]+) \|", table)}
    ours = {str(v.start): v.value for v in RB.parameters["key_rate"].values}
    assert len(page) == 56 and ours == page


def test_the_fine_bounds_are_the_pages_table():
    """«Fines, КоАП ст. 5.27 (RUB)»: part -> (official, entrepreneur, legal entity) bounds."""
    import re
    text = _spec_text()
    rows = {}
    for line in text[text.index("### Fines"):].splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) > 6 and re.fullmatch(r"ч\. \d( \(.*\))?", cells[0]):
            bounds = [tuple(Decimal(x.replace(" ", "")) for x in c.split("–")) for c in cells[3:6]]
            rows[cells[0].split()[1]] = bounds
    assert set(rows) == {"1", "2", "4", "6", "7"}
    for part, (official, entrepreneur, entity) in rows.items():
        v = RB.parameters[f"fine_5_27_{part}"].values[0].value
        assert (v["official_min"], v["official_max"]) == official, part
        assert (v["individual_entrepreneur_min"], v["individual_entrepreneur_max"]) == \
            entrepreneur, part
        assert (v["legal_entity_min"], v["legal_entity_max"]) == entity, part
