"""The LT rulebook's own YAML tests must be able to fail.

Each mutant is a copy of the rulebook with one multiplier or one effective date changed;
running the rulebook's tests/*.yaml against it must report at least one failure. A
mutant that survives means the tests do not pin that part of the law.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.testing.mutation import Mutant, failing_cases, killed_by

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"

MUTANTS = [
    # (name, file, text, replacement)
    ("Art. 5(1) 11 -> 12 BSB", "articles/art-05.yaml",
     "    when: not given(child.adoption_date)\n    value: 11 * base_social_benefit",
     "    when: not given(child.adoption_date)\n    value: 12 * base_social_benefit"),
    ("Art. 9(1) 75 -> 76 BSB", "articles/art-09.yaml",
     "value: 75 * base_social_benefit", "value: 76 * base_social_benefit"),
    ("Art. 9(1) change moved to 2009-02-01", "articles/art-09.yaml",
     "        to: 2008-12-31\n        amended_by: I-621\n        value: 50 * base_social_benefit\n"
     "        note: 50 base social benefits until 31 December 2008 (the text's own dated variant)\n"
     "      - from: 2009-01-01\n",
     "        to: 2009-01-31\n        amended_by: I-621\n        value: 50 * base_social_benefit\n"
     "        note: 50 base social benefits until 31 December 2008 (the text's own dated variant)\n"
     "      - from: 2009-02-01\n"),
    ("Art. 10 2 -> 3 BSB", "articles/art-10.yaml",
     "value: 2 * base_social_benefit", "value: 3 * base_social_benefit"),
    ("Art. 6(1) 0.75 -> 0.7 BSB", "articles/art-06.yaml",
     "value: 0.75 * base_social_benefit", "value: 0.7 * base_social_benefit"),
    ("Art. 7(1) 1.5 -> 2 BSB", "articles/art-07.yaml",
     "value: 1.5 * base_social_benefit", "value: 2 * base_social_benefit"),
    ("BSB in euro from 2015-02-01", "parameters/base_social_benefit.yaml",
     "  - from: 2015-01-01\n    amended_by: gov-res-923-924-2014\n    value: 38",
     "  - from: 2015-02-01\n    amended_by: gov-res-923-924-2014\n    value: 38"),
    ("SSI 350 LTL from 2008-09-01", "parameters/state_supported_income.yaml",
     "{from: 2008-08-01,", "{from: 2008-09-01,"),
    ("Art. 13(1) 12 -> 13 months", "articles/art-13.yaml",
     "requires: child.birth_date <= application.date <= add_months(child.birth_date, 12)",
     "requires: child.birth_date <= application.date <= add_months(child.birth_date, 13)"),
    ("Art. 13(1) a claim before the birth let through", "articles/art-13.yaml",
     "requires: child.birth_date <= application.date <= add_months(child.birth_date, 12)",
     "requires: application.date <= add_months(child.birth_date, 12)"),
    ("Art. 13(1) a claim before the adoption let through", "articles/art-13.yaml",
     "requires: child.adoption_date <= application.date",
     "requires: application.date"),
]


@pytest.mark.parametrize("name, file, old, new", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_the_rulebooks_tests_kill_the_mutant(tmp_path, name, file, old, new):
    failed = killed_by(LT, Mutant(name, file, old, new), tmp_path)
    assert failed, f"{name}: every test still passes; the tests do not pin this"


def test_the_unmutated_rulebook_passes():
    assert not failing_cases(LT)


def test_a_mutant_must_name_its_text_once(tmp_path):
    with pytest.raises(ValueError, match="not once"):
        killed_by(LT, Mutant("nothing", "articles/art-09.yaml", "no such text", ""), tmp_path)
