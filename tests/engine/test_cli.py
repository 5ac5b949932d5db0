"""The `statute` command, run as a user runs it: a subprocess, its exit code and output."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"
NEWBORN = LT / "examples" / "newborn-2010.yaml"
RESULT_SCHEMA = json.loads((ROOT / "engine" / "schemas" / "result.schema.json").read_text("utf-8"))
# the seven benefits of the spec, in the order of decisions.yaml
BENEFITS = ["lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit",
            "child_benefit", "serviceman_child_benefit", "guardianship_benefit",
            "targeted_guardianship_supplement"]


def statute(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def eval_json(*args: str | Path) -> dict:
    r = statute("eval", LT, *args, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    data = json.loads(r.stdout)
    validate(data)
    return data


def validate(data: dict) -> None:
    jsonschema.Draft202012Validator(
        RESULT_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)


def case_file(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def assert_input_error(r: subprocess.CompletedProcess, *fragments: str) -> None:
    """Exit 2, no traceback, nothing on stdout, every fragment on stderr."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout
    assert r.stdout == ""
    for f in fragments:
        assert f in r.stderr, r.stderr


# -- eval: output ------------------------------------------------------------------------------

def test_eval_json_matches_the_result_contract():
    data = eval_json(NEWBORN)
    assert list(data)[:5] == ["rulebook", "on", "period", "decisions", "warnings"]
    assert set(list(data)[5:]) == {"rulebook_hash", "rulebook_version"}  # what pins it
    assert data["rulebook"] == "lt/benefits-for-children"
    assert data["on"] == "2010-07-01"
    assert data["period"] == "2010-07"
    assert list(data["decisions"]) == BENEFITS
    lump = data["decisions"]["lump_sum_child_benefit"]
    assert lump["status"] == "granted"
    assert (lump["amount"], lump["currency"]) == ("1430.00", "LTL")
    assert lump["applicable_date"] == "2010-06-14"
    assert lump["citations"][0] == "Art. 5(1)"
    assert "trace" not in lump
    assert data["decisions"]["pregnant_woman_benefit"]["status"] == "not_applicable"
    assert data["decisions"]["child_benefit"]["missing_facts"] == ["household.income_per_person"]
    assert any("confidence 'assumed'" in w for w in data["warnings"])


def test_eval_json_with_trace_matches_the_result_contract():
    data = eval_json(NEWBORN, "--trace")
    trace = data["decisions"]["lump_sum_child_benefit"]["trace"]
    amount = [s for s in trace if s["kind"] == "value" and s["citation"] == "Art. 5(1)"]
    assert len(amount) == 1
    step = amount[0]
    assert step["expression"] == "11 * base_social_benefit"
    assert step["parameters"]["base_social_benefit"]["value"] == "130"
    assert step["parameters"]["base_social_benefit"]["currency"] == "LTL"
    assert step["outcome"] == "1430"
    assert trace[-1]["kind"] == "rounding" and trace[-1]["outcome"] == "1430.00"


def test_eval_text_with_trace_shows_the_citation_and_the_arithmetic():
    r = statute("eval", LT, NEWBORN, "--trace", "--full")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    # the headline names the decision by its label (decisions.yaml `label:`)
    assert "lump sum child benefit: GRANTED 1,430.00 LTL (applicable date 14 Jun 2010)" in out
    assert "Value [Art. 5(1)] benefit for a newborn child" in out
    assert "11 * base_social_benefit" in out
    assert "= 11 × 130.00 LTL = 1,430.00 LTL" in out  # Art. 5(1): 11 BSB, 130 LTL in 2010
    assert "=> 1,430.00 LTL" in out  # rounded once to 0.01
    assert "Condition [Art. 13(1)] applied within 12 months of the birth" in out
    assert "Warnings:" in out


def test_eval_text_without_trace_is_one_line_per_benefit():
    r = statute("eval", LT, NEWBORN)
    assert r.returncode == 0, r.stderr
    assert "Art. 5(1)" in r.stdout
    assert "Amount [" not in r.stdout
    import engine
    decisions = engine.load(LT).decisions
    for b in BENEFITS:  # one headline each, by the decision's label where it has one
        assert re.search(rf"^{re.escape(decisions[b].label or b)}: ", r.stdout, re.M)


def test_benefit_filter_decides_only_the_benefits_named():
    data = eval_json(NEWBORN, "--decision", "lump_sum_child_benefit")
    assert list(data["decisions"]) == ["lump_sum_child_benefit"]
    data = eval_json(NEWBORN, "--decision", "pregnant_woman_benefit",
                     "--decision", "lump_sum_child_benefit")
    assert list(data["decisions"]) == ["pregnant_woman_benefit", "lump_sum_child_benefit"]


def test_on_overrides_the_case_date(tmp_path):
    """Without application.date, the application is made on `on` (default_from: on)."""
    case = case_file(tmp_path, '"on": 2010-07-01\nfacts:\n  child:\n    birth_date: 2010-06-14\n')
    inside = eval_json(case, "--decision", "lump_sum_child_benefit")
    assert inside["on"] == "2010-07-01"
    assert inside["decisions"]["lump_sum_child_benefit"]["status"] == "granted"
    late = eval_json(case, "--decision", "lump_sum_child_benefit", "--on", "2011-07-01")
    assert (late["on"], late["period"]) == ("2011-07-01", "2011-07")
    lump = late["decisions"]["lump_sum_child_benefit"]
    assert (lump["status"], lump["citations"]) == ("refused", ["Art. 13(1)"])
    r = statute("eval", LT, case, "--on", "2011-07-01")
    assert "evaluated on 1 Jul 2011" in r.stdout


def test_period_selects_the_month_of_a_monthly_benefit(tmp_path):
    case = case_file(tmp_path, '"on": 2011-12-05\nfacts:\n  child: {birth_date: 2009-11-03}\n'
                               '  household: {income_per_person: 300}\n'
                               '  application: {date: 2011-06-01}\n')
    data = eval_json(case, "--decision", "child_benefit", "--period", "2011-11")
    assert data["period"] == "2011-11"
    cb = data["decisions"]["child_benefit"]
    assert (cb["status"], cb["amount"], cb["currency"]) == ("granted", "55.03", "LTL")


def test_a_json_case_with_a_float_income_is_read_as_an_exact_decimal(tmp_path):
    case = case_file(tmp_path, '{"on": "2011-11-05",\n'
                               ' "facts": {"child": {"birth_date": "2010-06-14"},\n'
                               '           "household": {"income_per_person": 300.10}}}\n',
                     "case.json")
    data = eval_json(case, "--decision", "child_benefit", "--trace")
    cb = data["decisions"]["child_benefit"]
    assert (cb["status"], cb["amount"], cb["currency"]) == ("granted", "97.50", "LTL")
    seen = [s["facts"]["household.income_per_person"] for s in cb["trace"]
            if "household.income_per_person" in s["facts"]]
    assert seen and set(seen) == {"300.10"}


# -- eval: invalid input ------------------------------------------------------------------------

@pytest.mark.parametrize("name, text, line, fragments", [
    ("unknown_fact", '"on": 2010-07-01\nfacts:\n  child:\n    birthdate: 2010-06-14\n', 4,
     ["child.birthdate", "unknown fact", "did you mean 'child.birth_date'?"]),
    ("bool_for_a_date", '"on": 2010-07-01\nfacts:\n  child:\n    birth_date: yes\n', 4,
     ["child.birth_date", "'yes'", "YYYY-MM-DD"]),
    ("text_for_money", '"on": 2010-07-01\nfacts:\n  child:\n    birth_date: 2010-06-14\n'
                       '  household:\n    income_per_person: abc\n', 6,
     ["household.income_per_person", "'abc'", "money amount"]),
    ("yes_for_a_bool", '"on": 2010-07-01\nfacts:\n  child:\n    birth_date: 2010-06-14\n'
                       '    stillborn: yes\n', 5,
     ["child.stillborn", "'yes' is not true or false"]),
    ("enum_value", '"on": 2010-07-01\nfacts:\n  child:\n    residence: Mars\n', 4,
     ["child.residence", "'Mars' is not one of"]),
    ("date_out_of_range", '"on": 1700-01-01\nfacts:\n  child:\n    birth_date: 2010-06-14\n', 1,
     ["on", "1700-01-01 is outside the supported range"]),
    ("date_not_in_the_calendar", '"on": 2010-02-30\n', 1,
     ["'2010-02-30' is not a valid calendar date"]),
    ("malformed_yaml", '"on": 2010-07-01\nfacts:\n  child:\n    birth_date: [2010-06-14\n', 5,
     ["malformed YAML"]),
    ("unknown_top_level_key", '"on": 2010-07-01\nfact:\n  child: {birth_date: 2010-06-14}\n', 2,
     ["unknown key(s) 'fact'"]),
    ("bad_period", '"on": 2010-07-01\nperiod: 2010-13\n', 2, ["period", "2010-13"]),
])
def test_invalid_case_files_exit_2_naming_file_line_and_fact(tmp_path, name, text, line,
                                                              fragments):
    case = case_file(tmp_path, text)
    r = statute("eval", LT, case)
    assert_input_error(r, f"{case}:{line}:", *fragments)


def test_a_json_case_with_an_unknown_fact_exits_2_at_its_line(tmp_path):
    case = case_file(tmp_path, '{"on": "2011-11-05",\n'
                               ' "facts": {"child": {"birth_date": "2010-06-14",\n'
                               '                     "birthdate": "2010-06-14"}}}\n', "case.json")
    assert_input_error(statute("eval", LT, case), f"{case}:3:", "child.birthdate")


def test_a_2mb_case_file_exits_2_naming_the_limit(tmp_path):
    case = tmp_path / "huge.yaml"
    with case.open("w", encoding="utf-8") as f:
        f.write('"on": 2010-07-01\nfacts:\n  child:\n    birth_date: 2010-06-14\n')
        f.write("# " + "x" * 2_000_000 + "\n")
    assert_input_error(statute("eval", LT, case), str(case), "the limit is 1000000 bytes")


def test_a_missing_case_file_exits_2(tmp_path):
    assert_input_error(statute("eval", LT, tmp_path / "nope.yaml"), "cannot read file")


def test_an_unknown_benefit_exits_2():
    assert_input_error(statute("eval", LT, NEWBORN, "--decision", "no_such_benefit"),
                       "unknown decision 'no_such_benefit'", "lump_sum_child_benefit")


@pytest.mark.parametrize("option, value, fragment", [
    ("--on", "2010-13-01", "'2010-13-01' is not a valid calendar date"),
    ("--on", "1700-01-01", "outside the supported range"),
    ("--on", "01.07.2010", "YYYY-MM-DD"),
    ("--period", "2010-13", "not a valid month"),
])
def test_bad_option_dates_exit_2(option, value, fragment):
    assert_input_error(statute("eval", LT, NEWBORN, option, value), fragment)


def test_an_unknown_format_is_a_usage_error():
    r = statute("eval", LT, NEWBORN, "--format", "xml")
    assert r.returncode == 2
    assert "invalid choice" in r.stderr


def test_a_missing_rulebook_folder_exits_1_with_a_message(tmp_path):
    folder = tmp_path / "no-such-rulebook"
    r = statute("eval", folder, NEWBORN)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert f"{folder}: not a rulebook folder" in r.stderr
    assert r.stdout == ""


def test_a_deeply_nested_case_file_exits_2(tmp_path):
    case = case_file(tmp_path, '"on": 2010-07-01\nfacts: ' + "[" * 2000 + "]" * 2000 + "\n")
    assert_input_error(statute("eval", LT, case), str(case))


def test_a_guardian_claim_without_the_guardianship_start_is_undetermined(tmp_path):
    case = case_file(tmp_path, '"on": 2010-07-01\nfacts:\n  child:\n    birth_date: 2010-06-14\n'
                               '  application:\n    by_guardian: true\n')
    r = statute("eval", LT, case, "--format", "json", "--decision", "lump_sum_child_benefit")
    assert "Traceback" not in r.stderr
    assert r.returncode == 0, r.stderr
    lump = json.loads(r.stdout)["decisions"]["lump_sum_child_benefit"]
    assert lump["status"] == "undetermined"
    assert "guardianship.start_date" in lump["missing_facts"]


# -- check -------------------------------------------------------------------------------------

def test_check_the_real_rulebook():
    r = statute("check", LT)
    assert r.returncode == 0, r.stderr
    assert re.search(r": ok \(7 decisions, \d+ rules, 2 parameters, \d+ facts\)", r.stdout)


def test_check_finds_rulebooks_below_a_folder():
    r = statute("check", ROOT / "rules")
    assert r.returncode == 0, r.stderr
    assert "benefits-for-children: ok" in r.stdout


def test_check_a_folder_without_rulebooks_exits_1(tmp_path):
    r = statute("check", tmp_path)
    assert r.returncode == 1
    assert "no rulebook.yaml found" in r.stderr


def test_no_command_is_a_usage_error():
    r = statute()
    assert r.returncode == 2
    assert "usage: statute" in r.stderr


def test_a_test_run_that_selects_no_case_is_not_a_pass():
    r = statute("test", LT, "-k", "no case is called this")
    assert r.returncode == 1 and "nothing was run" in r.stderr and " cases)" in r.stderr


def test_check_of_a_file_says_it_wants_the_folder():
    r = statute("check", LT / "facts.yaml")
    assert r.returncode == 2 and "a file, not a rulebook folder" in r.stderr


def test_a_month_outside_the_supported_range_says_so():
    r = statute("eval", LT, NEWBORN, "--from", "1000-01", "--to", "1000-02")
    assert r.returncode == 2 and "outside the supported range 1800-01..2200-12" in r.stderr
    assert "not a valid month" not in r.stderr


def test_a_path_too_long_is_a_clear_error_not_a_traceback():
    r = statute("eval", LT, "x" * 5000)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "File name too long" in r.stderr and len(r.stderr) < 400  # the path is cut


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_is_a_clear_error():
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(LT), str(NEWBORN)],
                           stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "No space left on device" in r.stderr
