"""YAML test cases (engine.testing): invalid test files, failure reports, `statute test`
and the pytest plugin.

Every test works on a copy of the LT rulebook (without its own tests/) in a temporary
folder, with one test file written into the copy's tests/ folder.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine import ErrorList
from engine.testing.cases import collect, find_test_files, format_failure, run_case

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"
INVALID = ROOT / "tests" / "fixtures" / "invalid-test-files"

NEWBORN = """\
cases:
  - name: newborn in 2010 is granted 11 BSB
    cite: Art. 5(1)
    why: 11 x 130 LTL = 1430.00 LTL
    on: 2010-07-01
    facts:
      child: {birth_date: 2010-06-14}
    expect:
      lump_sum_child_benefit: {status: granted, amount: 1430.00, currency: LTL}
"""

WRONG = """\
  - name: newborn with a wrong amount
    cite: Art. 5(1)
    why: deliberately wrong, 11 x 130 is not 1500
    on: 2010-07-01
    facts:
      child: {birth_date: 2010-06-14}
    expect:
      lump_sum_child_benefit: {status: granted, amount: 1500, citations: [Art. 5(1), Art. 99]}
"""


def rulebook(tmp: Path, **files: str) -> Path:
    """A copy of the LT rulebook with only the test files given (name -> text)."""
    folder = tmp / "rules" / "lt"
    shutil.copytree(LT, folder, ignore=shutil.ignore_patterns("tests"))
    (folder / "tests").mkdir()
    for name, text in files.items():
        (folder / "tests" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def statute_test(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", "test", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120, check=False)


def errors_of(paths: list[Path]) -> list:
    with pytest.raises(ErrorList) as e:
        collect(paths)
    return e.value.errors


# -- invalid test files: golden files, each with the error it must give ---------------------

GOLDEN = sorted(INVALID.glob("*.yaml"))


@pytest.mark.parametrize("fixture", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_invalid_test_file(tmp_path, fixture):
    line, col, text = re.match(r"# error: (\d+):(\d+): (.*)",
                               fixture.read_text("utf-8").splitlines()[0]).groups()
    folder = rulebook(tmp_path, broken=fixture.read_text("utf-8"))
    errors = errors_of([folder])
    assert any(e.position.line == int(line) and e.position.col == int(col)
               and text in e.message for e in errors), "\n".join(map(str, errors))
    assert all(e.position.file == str(folder / "tests" / "broken.yaml") for e in errors)


def test_golden_files_cover_the_issue_examples():
    names = {p.stem for p in GOLDEN}
    assert {"misspelled-case-key", "misspelled-expected-field", "unknown-decision",
            "duplicate-name"} <= names


def test_every_error_of_a_file_is_reported_in_one_run(tmp_path):
    text = (NEWBORN + NEWBORN.removeprefix("cases:\n")
            .replace("{status: granted,", "{stauts: granted,")
            .replace("lump_sum_child_benefit:", "lump_sum_child_benfit:"))
    errors = errors_of([rulebook(tmp_path, t=text)])
    messages = "\n".join(map(str, errors))
    assert "unknown key(s) 'stauts'" in messages
    assert "unknown decision 'lump_sum_child_benfit'" in messages
    assert "duplicate case name 'newborn in 2010 is granted 11 BSB' (first at line 2)" in messages


def test_a_yaml_file_outside_a_rulebooks_tests_folder_is_not_a_test_file(tmp_path):
    stray = tmp_path / "tests" / "stray.yaml"
    stray.parent.mkdir()
    stray.write_text(NEWBORN, encoding="utf-8")
    assert find_test_files([tmp_path]) == []  # no rulebook.yaml beside tests/
    errors = errors_of([stray])
    assert "not a test file" in errors[0].message


def test_a_path_that_does_not_exist_is_an_error(tmp_path):
    assert "no such file or folder" in str(errors_of([tmp_path / "nowhere"])[0])


def test_a_broken_rulebook_is_reported_once_with_its_own_errors(tmp_path):
    folder = rulebook(tmp_path, a=NEWBORN, b=NEWBORN)
    path = folder / "articles" / "art-05.yaml"
    path.write_text(path.read_text("utf-8").replace("citation: Art. 5\n", "citation: [\n"),
                    encoding="utf-8")
    errors = [str(e) for e in errors_of([folder])]
    assert len([e for e in errors if "art-05.yaml" in e]) == 1
    assert any("has errors; run `statute check" in e for e in errors)


# -- running cases -------------------------------------------------------------------------

def only_case(tmp_path, text: str):
    (case,) = collect([rulebook(tmp_path, t=text)])
    return case


def test_a_passing_case_keeps_its_result(tmp_path):
    case = only_case(tmp_path, NEWBORN)
    assert (case.name, case.line, case.rulebook_path.name) == (
        "newborn in 2010 is granted 11 BSB", 2, "lt")
    outcome = run_case(case)
    assert outcome.passed and outcome.mismatches == ()
    assert outcome.result["lump_sum_child_benefit"].applicable_date == dt.date(2010, 6, 14)
    assert outcome.result["lump_sum_child_benefit"].trace  # evaluated with trace


@pytest.mark.parametrize("expect", [
    "{amount: 1430}",  # numbers compare as decimals: 1430 = 1430.00
    "{amount: '1430.00'}",
    "{applicable_date: '2010-06-14'}",
    "{citations: [Art. 5(1)]}",  # a subset, in any order
    "{exact_citations: [Art. 5(1)]}",  # exactly these, in order
    "{type: money, value: 1430}",  # the value as its kind writes it; money by its amount
    "{value: {amount: '1430.00', currency: LTL}}",
    "{status: granted, type: money}",
    "{missing_facts: []}",
    "{status: granted, currency: LTL, applicable_date: 2010-06-14}",
])
def test_any_subset_of_fields_can_be_expected(tmp_path, expect):
    text = NEWBORN.replace("{status: granted, amount: 1430.00, currency: LTL}", expect)
    assert run_case(only_case(tmp_path, text)).passed


@pytest.mark.parametrize("expect, field", [
    ("{amount: null}", "amount"),
    ("{currency: EUR}", "currency"),
    ("{applicable_date: 2010-06-15}", "applicable_date"),
    ("{citations: [Art. 5(2)]}", "citations"),
    ("{exact_citations: [Art. 5(1), Art. 13(1)]}", "exact_citations"),
    ("{value: 1431}", "value"),
    ("{value: {amount: '1430.00', currency: EUR}}", "value"),
    ("{type: days}", "type"),
    ("{missing_facts: [child.birth_date]}", "missing_facts"),
    ("{status: refused}", "status"),
])
def test_each_field_can_fail(tmp_path, expect, field):
    text = NEWBORN.replace("{status: granted, amount: 1430.00, currency: LTL}", expect)
    outcome = run_case(only_case(tmp_path, text))
    assert not outcome.passed
    assert [(m.decision, m.field) for m in outcome.mismatches] == [
        ("lump_sum_child_benefit", field)]


def test_a_failure_shows_expected_beside_actual_and_the_trace(tmp_path):
    case = only_case(tmp_path, "cases:\n" + WRONG)
    outcome = run_case(case)
    assert not outcome.passed
    assert {m.field: m.actual for m in outcome.mismatches} == {
        "amount": Decimal("1430.00"), "citations": ("Art. 5(1)",)}
    report = format_failure(outcome)
    lines = report.splitlines()
    assert lines[0] == f"{case.file}:2:5: newborn with a wrong amount"
    assert "  why:  deliberately wrong, 11 x 130 is not 1500" in lines
    header = next(i for i, x in enumerate(lines) if x.startswith("  lump_sum_child_benefit"))
    assert lines[header].split() == ["lump_sum_child_benefit", "expected", "actual"]
    assert lines[header + 1].split() == ["amount", "1500", "1430.00"]
    assert lines[header + 2].split()[:3] == ["citations", "[Art.", "5(1),"]
    assert "    not among the actual citations: Art. 99" in lines
    assert "  trace of lump_sum_child_benefit:" in lines
    assert any("Value [Art. 5(1)] benefit for a newborn child" in x for x in lines)
    assert any("= 11 × 130.00 LTL" in x for x in lines)


def test_bad_facts_fail_the_case_with_positions(tmp_path):
    text = NEWBORN.replace("child: {birth_date: 2010-06-14}",
                           "child: {birth_dat: 2010-06-14}\n      household.income_per_person: abc")
    case = only_case(tmp_path, text)
    outcome = run_case(case)
    assert not outcome.passed and outcome.result is None
    assert outcome.errors == (
        (f"{case.file}:7:26: child.birth_dat: unknown fact 'child.birth_dat'; "
         "did you mean 'child.birth_date'?"),
        (f"{case.file}:8:36: household.income_per_person: 'abc' is not a money amount "
         "(digits, e.g. 300 or 300.50)"))
    assert outcome.errors[0] in format_failure(outcome)
    # the report in another language: the same positions, the engine's phrases translated
    # (engine/render/locale/ru: "unknown fact" is "неизвестный факт")
    ru = format_failure(outcome, "ru")
    assert f"{case.file}:7:26: child.birth_dat: неизвестный факт 'child.birth_dat'; " in ru


def test_a_failure_report_in_russian(tmp_path):
    outcome = run_case(only_case(tmp_path, "cases:\n" + WRONG))
    lines = format_failure(outcome, "ru").splitlines()
    header = next(i for i, x in enumerate(lines) if x.startswith("  lump_sum_child_benefit"))
    assert lines[header].split() == ["lump_sum_child_benefit", "ожидалось", "фактически"]
    assert "    нет среди фактических ссылок: Art. 99" in lines


@pytest.mark.parametrize("line, passed", [("", {}), ("    as_known_on: 2011-01-01\n",
                                                   {"as_known_on": dt.date(2011, 1, 1)})])
def test_as_known_on_is_passed_to_evaluate_only_when_given(tmp_path, monkeypatch, line, passed):
    calls = []
    evaluate = engine.Rulebook.evaluate

    def spy(self, facts, **kwargs):
        calls.append(kwargs)
        return evaluate(self, facts, **kwargs)

    monkeypatch.setattr(engine.Rulebook, "evaluate", spy)
    case = only_case(tmp_path, NEWBORN.replace("    facts:\n", line + "    facts:\n"))
    assert run_case(case).passed
    assert calls == [{"on": dt.date(2010, 7, 1), "period": None, "trace": True, **passed}]


def test_an_engine_crash_fails_the_case_with_its_traceback(tmp_path, monkeypatch):
    def crash(self, facts, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(engine.Rulebook, "evaluate", crash)
    case = only_case(tmp_path, NEWBORN)
    (error,) = run_case(case).errors
    assert error.startswith(f"{case.file}:2:5: the engine failed on this case:\nTraceback")
    assert error.endswith("ZeroDivisionError: boom")


def test_a_date_outside_the_engines_range_fails_the_case_at_on(tmp_path):
    case = only_case(tmp_path, NEWBORN.replace("on: 2010-07-01", "on: 1700-01-01"))
    (error,) = run_case(case).errors
    assert error.startswith(f"{case.file}:5:9: on: ")


# -- statute test --------------------------------------------------------------------------

def test_statute_test_runs_the_rulebooks_tests_by_default():
    r = statute_test()
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.fullmatch(r"\d+ passed, 0 failed", r.stdout.splitlines()[-1])
    assert int(r.stdout.split()[-4]) >= 30
    assert r.stderr == ""


def test_statute_test_exits_1_on_a_failing_case(tmp_path):
    folder = rulebook(tmp_path, t=NEWBORN + WRONG)
    r = statute_test(folder)
    assert r.returncode == 1, r.stderr
    assert r.stdout.splitlines()[-1] == "1 passed, 1 failed"
    assert "FAIL " in r.stdout and "newborn with a wrong amount" in r.stdout
    assert "expected" in r.stdout and "trace of lump_sum_child_benefit:" in r.stdout
    assert "newborn in 2010 is granted 11 BSB" not in r.stdout  # passing cases stay quiet
    assert "Traceback" not in r.stdout + r.stderr


def test_statute_test_verbose_lists_every_case_and_k_filters(tmp_path):
    folder = rulebook(tmp_path, t=NEWBORN + WRONG)
    r = statute_test(folder, "-v")
    assert f"ok   {folder / 'tests' / 't.yaml'}:2:5: newborn in 2010 is granted 11 BSB" \
        in r.stdout.splitlines()
    r = statute_test(folder, "-k", "GRANTED 11")
    assert r.returncode == 0
    assert r.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_statute_test_exits_2_on_an_invalid_test_file(tmp_path):
    folder = rulebook(tmp_path, t=(INVALID / "misspelled-expected-field.yaml").read_text("utf-8"))
    r = statute_test(folder)
    assert r.returncode == 2
    assert r.stdout == ""
    assert (f"{folder / 'tests' / 't.yaml'}:11:9: "
            "cases.0.expect.lump_sum_child_benefit.stauts: unknown key(s) 'stauts'") in r.stderr
    assert "Traceback" not in r.stderr


def test_statute_test_of_a_missing_path_exits_2(tmp_path):
    r = statute_test(tmp_path / "nowhere")
    assert r.returncode == 2 and "no such file or folder" in r.stderr


# -- the pytest plugin ---------------------------------------------------------------------

def test_pytest_collects_one_item_per_case_and_reports_the_failure(pytester):
    folder = rulebook(pytester.path, t=NEWBORN + WRONG)
    r = pytester.runpytest("-p", "no:cacheprovider", "-rf")
    r.assert_outcomes(passed=1, failed=1)
    r.stdout.fnmatch_lines([
        "*rules/lt/tests/t.yaml::newborn with a wrong amount*",
        "rules/lt/tests/t.yaml:10:5: newborn with a wrong amount",
        "*lump_sum_child_benefit*expected*actual*",
        "*amount*1500*1430.00*",
        "*trace of lump_sum_child_benefit:*",
        "FAILED rules/lt/tests/t.yaml::newborn with a wrong amount*",
    ])
    assert (folder / "tests" / "t.yaml").is_file()


def test_pytest_node_ids_name_the_file_and_the_case(pytester):
    rulebook(pytester.path, t=NEWBORN)
    r = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    r.stdout.fnmatch_lines(["rules/lt/tests/t.yaml::newborn in 2010 is granted 11 BSB"])


def test_pytest_reports_an_invalid_test_file_as_a_collection_error(pytester):
    rulebook(pytester.path, t=(INVALID / "unknown-decision.yaml").read_text("utf-8"))
    r = pytester.runpytest("-p", "no:cacheprovider")
    r.assert_outcomes(errors=1)
    r.stdout.fnmatch_lines(
        ["rules/lt/tests/t.yaml:10:7: *unknown decision 'lump_sum_child_benfit'*"])
    r.stdout.no_fnmatch_line("*Traceback*")


def test_pytest_ignores_yaml_outside_a_rulebooks_tests_folder(pytester):
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "data.yaml").write_text(NEWBORN, encoding="utf-8")
    r = pytester.runpytest("-p", "no:cacheprovider")
    r.assert_outcomes()
