"""Hostile rulebook files (issue: hostile and broken input): a link out of the rulebook
folder is refused without showing the target's content, a link inside it is read, and a
long wrong value is cut in the error. On the invented rulebook good/minimal."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good"


def _copy(tmp_path: Path) -> Path:
    book = tmp_path / "minimal"
    shutil.copytree(GOOD / "minimal", book)
    return book


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_out_of_the_folder_is_refused_without_its_content(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the secret content\n", encoding="utf-8")
    book = _copy(tmp_path)
    (book / "articles" / "art-09.yaml").symlink_to(secret)
    r = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(book)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    out = r.stdout + r.stderr
    assert "art-09.yaml: a symbolic link to a file outside the rulebook folder" in out
    assert "secret content" not in out and "Traceback" not in out


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_inside_the_folder_is_read(tmp_path):
    book = _copy(tmp_path)
    (book / "shared").mkdir()
    (book / "parameters" / "daily_fine.yaml").rename(book / "shared" / "daily_fine.yaml")
    (book / "parameters" / "daily_fine.yaml").symlink_to(book / "shared" / "daily_fine.yaml")
    assert "daily_fine" in engine.load(book).parameters


def test_a_long_wrong_value_is_cut_in_the_error(tmp_path):
    book = _copy(tmp_path)
    (book / "facts.yaml").write_text('facts: "' + "y" * 5000 + '"\n', encoding="utf-8")
    with pytest.raises(engine.ErrorList) as e:
        engine.load(book)
    message = str(e.value)
    assert "(5002 characters)" in message and len(message) < 400


LT = Path(__file__).resolve().parents[2] / "rules" / "lt" / "benefits-for-children"


def test_escape_codes_in_a_case_never_reach_the_terminal(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text('on: 2010-07-01\nfacts:\n  "child\\e[2J": {birth_date: 2010-06-14}\n',
                    encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(LT), str(case)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "\x1b" not in r.stderr and "\\x1b[2J" in r.stderr


def test_a_flood_of_unknown_facts_gives_a_bounded_report(tmp_path):
    case = tmp_path / "case.yaml"
    lines = "".join(f"  unknown_{i}: 1\n" for i in range(20000))
    case.write_text("on: 2010-07-01\nfacts:\n" + lines, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(LT), str(case)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    # the rest counted in one line, in the plural form of the count (19 900 here)
    assert r.stderr.count("unknown fact") <= 100
    assert "... and 19900 more errors (the first 100 are shown)" in r.stderr
    assert len(r.stderr) < 30_000  # 20 000 errors would be about 1.5 MB


def test_a_huge_value_is_cut_in_a_case_error():
    with pytest.raises(engine.ErrorList) as e:
        engine.load(LT).evaluate({"child": {"birth_date": "x" * 900_000}}, "2010-07-01")
    assert len(str(e.value)) < 3000


def test_escape_codes_in_a_rule_title_are_shown_not_obeyed(tmp_path):
    book = _copy(tmp_path)
    art = book / "articles" / "art-01.yaml"
    text = art.read_text(encoding="utf-8")
    marked = text.replace("    cite: § 1(2)\n", '    cite: § 1(2)\n    title: "\\e[2Jreturned late"\n', 1)
    assert marked != text
    art.write_text(marked, encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text("on: 2021-03-01\nfacts:\n  loan: {due_date: 2021-02-01}\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(book), str(case),
                        "--trace", "--full"], capture_output=True, text=True, timeout=120)
    assert "\x1b" not in r.stdout + r.stderr
    assert "\\x1b[2Jreturned late" in r.stdout  # shown, as an escape


def _with_value(tmp_path: Path, value: str) -> Path:
    book = _copy(tmp_path)
    art = book / "articles" / "art-01.yaml"
    text = art.read_text(encoding="utf-8")
    old = "value: min(days_between(loan.due_date, loan.return_date) * daily_fine, 10)"
    assert old in text
    art.write_text(text.replace(old, f"value: {value}"), encoding="utf-8")
    return book


@pytest.mark.parametrize("value, words", [
    ("daily_fine * 0.12345678901234567890123", "has 23 significant digits; at most 20"),
    ("daily_fine * 100000000000000000000", "1e+15 or more"),
    ("round(daily_fine / 3, 0.00000000001)", "more than 10 decimal places"),
])
def test_numbers_past_the_exact_digits_are_refused_at_load(tmp_path, value, words):
    with pytest.raises(engine.ErrorList) as e:
        engine.load(_with_value(tmp_path, value))
    assert any(words in x.message and "art-01.yaml" in str(x.position) for x in e.value.errors)


def test_arithmetic_past_the_exact_digits_is_an_evaluation_error(tmp_path):
    """Each number within its limit, their product past 28 digits once rounded to cents:
    an EvaluationError naming the decision, not a bare decimal exception."""
    rb = engine.load(_with_value(
        tmp_path, "days_between(loan.due_date, loan.return_date) * daily_fine "
                  "* 99999999999999.99 * 99999999999999.99"))
    with pytest.raises(engine.EvaluationError) as e:
        rb.evaluate({"loan": {"due_date": "2021-01-01", "return_date": "2021-05-01"}},
                    "2021-06-01")
    assert "late_return_fine: the arithmetic went past the 28 digits" in str(e.value)


def test_an_amount_of_5000_digits_in_a_case_is_refused_at_its_line(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("on: 2010-07-01\nfacts:\n  household:\n    income_per_person: " + "1" * 5000
                    + "\n", encoding="utf-8")
    with pytest.raises(engine.StatuteError) as e:
        engine.read_case(case)
    assert "has 5000 digits; too large" in str(e.value) and ":4:" in str(e.value)
    assert len(str(e.value)) < 300
