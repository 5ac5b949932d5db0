"""List facts, stated(), and a check number written in YAML.

The rulebook is tests/fixtures/rulebooks/good/lists, an invented "Volunteer Register
Act" (no real statute): a register number whose check number follows a published
algorithm (the first nine digits weighted 9 to 1; a sum under 100 is the check number,
100 and 101 give 00, a larger sum is taken mod 101, 100 again giving 00; numbers up to
001-001-998 are not checked), and leave taken in parts (a list of records), with a list
of money and a list of enum values. The test vectors are those of the shared spec of
the check (they are the instruction's own worked numbers).
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine.evaluate.facts import STATED, ListFact
from engine.expr import limits

ROOT = Path(__file__).resolve().parents[2]
LISTS = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "lists"
RB = engine.load(LISTS)
ON = "2021-03-10"
PARTS = [{"days": 10, "start": "2021-02-01", "kind": "care"},
         {"days": 5, "start": dt.date(2021, 3, 1), "kind": "rest"}]


def decide(facts: dict[str, Any], *ids: str, trace: bool = False) -> dict[str, Any]:
    return RB.evaluate(facts, ON, decisions=ids or None, trace=trace).decisions


def case_errors(facts: dict[str, Any]) -> list[engine.StatuteError]:
    with pytest.raises(engine.ErrorList) as e:
        RB.evaluate(facts, ON)
    assert all(isinstance(x, engine.CaseError) for x in e.value.errors)
    return list(e.value.errors)


# -- the vocabulary ---------------------------------------------------------------------

def test_list_facts_are_loaded_with_their_item_types_and_bounds():
    parts, expenses, languages = (RB.facts[n] for n in ("leave.parts", "leave.expenses",
                                                         "leave.languages"))
    assert all(isinstance(f, ListFact) and f.type == "list" for f in (parts, expenses, languages))
    assert parts.expr_type == "list[record(days:int,start:date,kind:str)]"
    assert (parts.of, parts.max_items, parts.default) == ("record", 6, ())
    assert [n for n, _ in parts.fields] == ["days", "start", "kind"]
    assert dict(parts.fields)["kind"].values == {"rest", "study", "care"}
    assert (expenses.expr_type, expenses.max_items) == ("list[money]", 12)
    assert languages.expr_type == "list[str]" and languages.default == ("en",)
    assert languages.values == {"en", "fr", "de", "es"}


# -- the check number -------------------------------------------------------------------

@pytest.mark.parametrize("number, finding, rule, check", [
    ("112-233-445 95", "valid", "valid_check_number", 95),  # sum 95 < 100
    ("11223344595", "valid", "valid_check_number", 95),  # the same number, digits only
    ("112-855-899 74", "valid", "valid_check_number", 74),  # 175 mod 101 = 74
    ("11285589974", "valid", "valid_check_number", 74),
    ("112-233-445 96", "invalid", "invalid_check_number", 95),
    ("302-243-306 00", "valid", "valid_check_number", 0),  # sum 100 -> 00
    ("464-460-495 00", "valid", "valid_check_number", 0),  # 201 mod 101 = 100 -> 00
    ("464-460-495 100", "invalid", "invalid_form", None),
    ("001-001-998 77", "not_checked", "not_checked_up_to_1001998", 64),
    ("00100199800", "not_checked", "not_checked_up_to_1001998", 64),
    ("001-001-999 00", "invalid", "invalid_check_number", 65),  # from 001-001-999 on
    ("001-001-999 65", "valid", "valid_check_number", 65),
    ("112 233 445 95", "invalid", "invalid_form", None),  # spaces between all groups
    ("112-233-445-95", "invalid", "invalid_form", None),  # a hyphen before the check
    ("112-233-44595", "invalid", "invalid_form", None),
    (" 11223344595", "invalid", "invalid_form", None),  # surrounding spaces
    ("11223344595 ", "invalid", "invalid_form", None),
    ("1122334459", "invalid", "invalid_form", None),  # 10 digits
    ("112233445950", "invalid", "invalid_form", None),  # 12 digits
    ("112-233-445 9a", "invalid", "invalid_form", None),
    ("", "invalid", "invalid_form", None),
])
def test_the_check_number_of_the_spec_vectors(number, finding, rule, check):
    got = decide({"volunteer.number": number}, "number_valid", "check_number", trace=True)
    r = got["number_valid"]
    assert (r.status, r.value) == ("determined", finding)
    last = r.trace[-1]
    assert last.rule == rule  # the trace says why: the rule that gave the finding
    if check is None:
        assert got["check_number"].status == "not_applicable"
    else:
        assert got["check_number"].value == check


def test_the_trace_states_the_reason_of_an_invalid_number():
    by_form = decide({"volunteer.number": "112-233-445-95"}, "number_valid", trace=True)
    by_check = decide({"volunteer.number": "112-233-445 96"}, "number_valid", trace=True)
    assert by_form["number_valid"].citations == ("§ 2(1)",)
    assert "wrong form" in by_form["number_valid"].trace[-1].text
    assert by_check["number_valid"].citations == ("§ 2(3)",)
    assert "check number does not match" in by_check["number_valid"].trace[-1].text


def test_without_a_number_the_check_does_not_apply():
    got = decide({}, "number_valid", "weighted_sum")
    assert {r.status for r in got.values()} == {"not_applicable"}


def _reference_check(serial: str) -> int:
    s = sum(int(d) * (9 - i) for i, d in enumerate(serial))
    if s < 100:
        return s
    if s <= 101:
        return 0
    return 0 if s % 101 == 100 else s % 101


@given(serial=st.integers(1_001_999, 999_999_999), hyphens=st.booleans(),
       wrong=st.integers(1, 99))
def test_the_check_number_agrees_with_a_reference_implementation(serial, hyphens, wrong):
    digits = f"{serial:09d}"
    check = _reference_check(digits)
    assert check == sum(int(d) * (9 - i) for i, d in enumerate(digits)) % 101 % 100

    def written(cn: int) -> str:
        d = digits
        return f"{d[:3]}-{d[3:6]}-{d[6:]} {cn:02d}" if hyphens else f"{d}{cn:02d}"
    ok = decide({"volunteer.number": written(check)}, "number_valid", "check_number")
    assert ok["number_valid"].value == "valid" and ok["check_number"].value == check
    bad = decide({"volunteer.number": written((check + wrong) % 100)}, "number_valid")
    assert bad["number_valid"].value == "invalid"


@given(serial=st.integers(0, 1_001_998), cn=st.integers(0, 99))
def test_numbers_up_to_001_001_998_are_not_checked(serial, cn):
    got = decide({"volunteer.number": f"{serial:09d}{cn:02d}"}, "number_valid")
    assert got["number_valid"].value == "not_checked"


def test_a_number_that_is_not_text_is_an_error_naming_the_fact():
    (err,) = case_errors({"volunteer.number": 11223344595})
    assert err.field == "volunteer.number" and "is not text" in err.message


def test_a_text_longer_than_the_limit_is_an_error():
    (err,) = case_errors({"volunteer.number": "1" * (limits.MAX_TEXT + 1)})
    assert err.field == "volunteer.number"
    assert f"the limit is {limits.MAX_TEXT}" in err.message
    assert decide({"volunteer.number": "1" * limits.MAX_TEXT}, "number_valid")[
        "number_valid"].value == "invalid"


# -- list decisions ---------------------------------------------------------------------

def test_decisions_over_lists():
    got = decide({"leave": {"parts": PARTS, "expenses": ["12.50", 600], "languages": ["de"]}})
    values = {k: r.value for k, r in got.items() if not k.startswith(("number", "check",
                                                                         "weighted"))}
    assert values == {
        "leave_days": 15, "leave_weeks": 2, "longest_part": 10,
        "last_start": dt.date(2021, 3, 1), "expenses_refund": Decimal("500.00"),
        "care_leave_taken": True, "training_in_de": True, "hours_pledged_in_the_case": False,
    }


def test_empty_lists_and_defaults():
    got = decide({})
    assert (got["leave_days"].value, got["leave_weeks"].value, got["longest_part"].value) == \
        (0, 0, 0)
    assert got["last_start"].status == "not_applicable"  # applies_if len(leave.parts) > 0
    assert got["expenses_refund"].status == "not_applicable"
    assert got["care_leave_taken"].value is False
    assert got["training_in_de"].value is False  # the default [en]
    assert decide({"leave.expenses": []})["expenses_refund"].status == "not_applicable"


def test_a_condition_over_a_list_refuses_with_its_citation():
    five = [dict(PARTS[0], days=i) for i in range(1, 6)]
    got = decide({"leave.parts": five}, "leave_days", "leave_weeks")
    assert got["leave_days"].status == "not_applicable"
    assert got["leave_days"].citations == ("§ 3(2)",)
    assert got["leave_weeks"].value == 2  # 15 days


# -- case values: checked, bounded, each bad item named --------------------------------------

@pytest.mark.parametrize("facts, field, words", [
    ({"leave.parts": [PARTS[0]] * 7}, "leave.parts",
     "the list has 7 items; leave.parts holds at most 6 (max_items)"),
    ({"leave.expenses": ["1"] * 13}, "leave.expenses", "holds at most 12"),
    ({"leave.parts": "10 days"}, "leave.parts", "'10 days' is not a list"),
    ({"leave.parts": {"days": 1}}, "leave.parts", "dict is not a list"),
    ({"leave.parts": [PARTS[0], PARTS[1], PARTS[0], dict(PARTS[0], days="x")]},
     "leave.parts[3].days", "'x' is not a whole number"),
    ({"leave.parts": [dict(PARTS[0], days=-1)]}, "leave.parts[0].days", "out of range"),
    ({"leave.parts": [dict(PARTS[0], start="2021-02-30")]}, "leave.parts[0].start",
     "not a valid calendar date"),
    ({"leave.parts": [dict(PARTS[0], kind="holiday")]}, "leave.parts[0].kind",
     "'holiday' is not one of care, rest, study"),
    ({"leave.parts": [dict(PARTS[0], dayz=1)]}, "leave.parts[0].dayz",
     "unknown field 'dayz'; did you mean 'days'?"),
    ({"leave.parts": [{"days": 1, "kind": "rest"}]}, "leave.parts[0].start",
     "missing; every record gives each of its fields (days, start, kind)"),
    ({"leave.parts": [dict(PARTS[0], start=None)]}, "leave.parts[0].start", "missing"),
    ({"leave.parts": [PARTS[0], 3]}, "leave.parts[1]", "3 is not a record"),
    ({"leave.parts": [None]}, "leave.parts[0]", "null is not an item"),
    ({"leave.expenses": ["1.00", 2.5]}, "leave.expenses[1]", "never a float"),
    ({"leave.expenses": ["-1"]}, "leave.expenses[0]", "is negative"),
    ({"leave.languages": ["en", "nl"]}, "leave.languages[1]", "'nl' is not one of de, en, es, fr"),
    ({"leave.languages": "en"}, "leave.languages", "'en' is not a list"),
])
def test_bad_list_values_are_case_errors_naming_the_fact_and_item(facts, field, words):
    (err,) = case_errors(facts)
    assert err.field == field
    assert words in err.message
    assert str(err).startswith(f"{field}: ")


def test_a_list_of_the_limit_is_accepted_and_kept_as_a_tuple():
    F = RB.vocabulary.prepare({"leave": {"parts": [PARTS[0]] * 6}}, dt.date(2021, 1, 1))
    assert isinstance(F["leave.parts"], tuple) and len(F["leave.parts"]) == 6
    assert F["leave.parts"][0] == {"days": 10, "start": dt.date(2021, 2, 1), "kind": "care"}
    assert F["leave.expenses"] == () and F["leave.languages"] == ("en",)


def test_the_cli_reports_a_bad_list_with_exit_2_at_its_line(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("on: 2021-03-01\nfacts:\n  leave:\n    parts:\n"
                    "      - {days: 1, start: 2021-01-01, kind: rest}\n"
                    "      - {days: 2, start: 2021-01-01, kind: holiday}\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(LISTS), str(case)],
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2
    assert f"{case}:6:44: leave.parts[1].kind: 'holiday' is not one of care, rest, study" \
        in r.stderr + r.stdout
    assert "Traceback" not in r.stderr
    long = tmp_path / "long.yaml"
    long.write_text("on: 2021-03-01\nfacts:\n  leave.expenses: [" + ", ".join(["1"] * 13)
                    + "]\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(LISTS), str(long)],
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2 and "leave.expenses: the list has 13 items" in r.stderr + r.stdout
    assert "Traceback" not in r.stderr


# -- stated() ----------------------------------------------------------------------------

@pytest.mark.parametrize("facts, stated", [
    ({}, False),
    ({"volunteer.hours_pledged": 0}, True),  # stated, though equal to the default
    ({"volunteer": {"hours_pledged": 12}}, True),
    ({"volunteer.hours_pledged": None}, False),  # null: the default stands
    ({"volunteer.number": "1", "leave.parts": PARTS}, False),
])
def test_stated_tells_a_value_the_case_wrote_from_a_default(facts, stated):
    got = decide(facts, "hours_pledged_in_the_case")["hours_pledged_in_the_case"]
    assert got.value is stated


def test_the_prepared_facts_list_what_the_case_stated_under_a_reserved_key():
    on = dt.date(2021, 1, 1)
    F = RB.vocabulary.prepare({"volunteer.number": "1", "leave": {"parts": PARTS},
                               "volunteer.hours_pledged": None}, on)
    assert F[STATED] == {"volunteer.number", "leave.parts"}
    assert RB.vocabulary.prepare({}, on)[STATED] == frozenset()
    assert RB.vocabulary.prepare({"volunteer.number": "1"}, on)[STATED] == {"volunteer.number"}
    assert ":" in STATED and not any(":" in n for n in RB.facts)  # never a fact's name


# -- facts.yaml: every list mistake is a load error at its line ------------------------------

FACTS_YAML = (LISTS / "facts.yaml").read_text("utf-8")


def load_errors(facts_yaml: str) -> list[str]:
    with pytest.raises(engine.ErrorList) as e:
        engine.load(LISTS, files={"facts.yaml": facts_yaml})
    return [str(x) for x in e.value.errors]


def _one(errors: list[str], words: str, line: int | None = None) -> None:
    hits = [e for e in errors if words in e]
    assert hits, f"{words!r} not in {errors}"
    if line is not None:
        assert any(f"facts.yaml:{line}:" in h for h in hits), hits


@pytest.mark.parametrize("old, new, words, line", [
    ("    of: money\n    max_items: 12\n", "    of: money\n", "'max_items' is required here", 16),
    ("    max_items: 12\n", "    max_items: 1001\n",
     "max_items 1001 is over the engine's ceiling of 1000", 18),
    ("    max_items: 12\n", "    max_items: 0\n", "0 is less than the minimum of 1", 18),
    ("    of: money\n", "", "'of' is required here", 16),
    ("    of: money\n", "    of: list\n", "'list' is not one of", 17),
    ("    of: money\n", "    of: money\n    fields: {a: {type: int}}\n",
     "fields are for a list of records (of: record)", 18),
    ("    of: enum\n    values: [en, fr, de, es]\n", "    of: enum\n", "'values' is required", 23),
    ("    default: [en]\n", "    default: null\n",
     "a list fact cannot default to null; give default: [] (no items) or a list", 27),
    ("    default: [en]\n", "    default_from: on\n",
     "a list fact cannot default to the evaluation date", 27),
    ("    default: [en]\n", "    default: en\n", "default: 'en' is not a list", 27),
    ("      kind: {type: enum, values: [rest, study, care]}\n", "      kind: {type: enum}\n",
     "an enum field needs its values", 10),
    ("      days: {type: int}\n", "      days: {type: int, values: [a]}\n",
     "values are for an enum field, not a int", 8),
    ("      days: {type: int}\n", "      days: {type: list}\n", "'list' is not one of", 8),
    ("      days: {type: int}\n", "      days: {type: int, default: 1}\n",
     "unknown key(s) 'default'", 8),
    ("    default: []\n    cite: § 2(1)\n", "    default: [{days: 1, start: 2021-01-01}]\n"
     "    cite: § 2(1)\n", "default[0].kind: missing", 12),
])
def test_list_mistakes_in_facts_yaml(old, new, words, line):
    assert FACTS_YAML.count(old) == 1
    _one(load_errors(FACTS_YAML.replace(old, new)), words, line)


def test_list_keys_on_a_scalar_fact_are_refused():
    text = FACTS_YAML.replace(
        'volunteer.hours_pledged: {type: int, default: 0,',
        'volunteer.hours_pledged: {type: int, max_items: 3, default: 0,')
    _one(load_errors(text), "max_items is for a list fact (type: list), not a int", 3)


def test_a_record_has_at_most_the_limit_of_fields():
    n = limits.MAX_RECORD_FIELDS + 1
    fields = "".join(f"      f{i}: {{type: int}}\n" for i in range(n))
    text = FACTS_YAML.replace("      days: {type: int}\n", "      days: {type: int}\n" + fields)
    _one(load_errors(text), f"a record has at most {limits.MAX_RECORD_FIELDS} fields", 8)


def test_a_list_without_default_left_out_is_missing_and_named():
    text = FACTS_YAML.replace("    max_items: 6\n    default: []\n", "    max_items: 6\n")
    rb = engine.load(LISTS, files={"facts.yaml": text})
    got = rb.evaluate({}, ON, decisions=["leave_days", "last_start", "care_leave_taken"]).decisions
    for r in got.values():
        assert (r.status, r.missing_facts) == ("undetermined", ("leave.parts",))
    assert rb.evaluate({"leave.parts": []}, ON).decisions["leave_days"].value == 0


def test_every_helper_and_special_form_is_documented_in_the_rules_readme():
    from engine.expr.helpers import HELPERS, SPECIAL_FORMS
    text = (ROOT / "rules" / "README.md").read_text("utf-8")
    section = text[text.index("## Lists, strings and arithmetic for validations"):]
    for name in ("len", "count", "sum", "any", "all", "digits", "digit", "number", "matches",
                 "stated"):
        assert name in HELPERS or name in SPECIAL_FORMS
        assert f"`{name}(" in section, name
    for name in limits.LIMITS:
        assert f"`{name}`" in section, name
