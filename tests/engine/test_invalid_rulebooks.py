"""Broken rulebooks: each failure is the LT rulebook with one file edited.

Every case copies rules/lt/benefits-for-children into a temporary folder, applies a
text edit to ONE file, and checks that `engine.load` reports the problem at the
right file and line, and that `statute check` exits 1 printing `file:line:col:` and
no traceback. The table replaces golden fixture folders: each edit is visible here
and follows the rulebook as it changes.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"


@dataclass(frozen=True)
class Breakage:
    name: str
    file: str  # relative to the rulebook folder
    edits: tuple[tuple[str, str], ...]  # (old, new): each `old` occurs exactly once
    message: str  # a substring of the expected error's message
    line: int
    col: int | None = None

    def apply(self, root: Path) -> Path:
        folder = root / "rulebook"
        shutil.copytree(LT, folder)
        path = folder / self.file
        text = path.read_text(encoding="utf-8")
        for old, new in self.edits:
            assert text.count(old) == 1, f"{self.name}: {old!r} occurs {text.count(old)} times"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        return folder


def one(name, file, old, new, message, line, col=None) -> Breakage:
    return Breakage(name, file, ((old, new),), message, line, col)


def bug(case: Breakage, reason: str):
    """Once a known bug (see reason); kept as a plain case now that it is fixed."""
    return pytest.param(case, id=case.name)


CASES = [
    one("malformed_yaml", "articles/art-05.yaml",
        "citation: Art. 5\n", "citation: Art. 5: Lump Sum\n",
        "malformed YAML: mapping values are not allowed", 2),
    one("unknown_fact", "articles/art-10.yaml",
        "unless: pregnancy.entitled_to_maternity_allowance",
        "unless: pregnancy.entitled_to_maternity_allowence",
        "unknown fact 'pregnancy.entitled_to_maternity_allowence'; did you mean "
        "'pregnancy.entitled_to_maternity_allowance'?", 23, 13),
    one("expression_syntax_error", "articles/art-10.yaml",
        "amount: 2 * base_social_benefit", "amount: 2 * (base_social_benefit",
        "syntax error", 32, 17),
    one("assignment_for_equality", "articles/art-01.yaml",
        "requires: parent.residence_basis != 'none'", "requires: parent.residence_basis = 'none'",
        "'=' assigns; use '==' to compare", 17, 38),
    one("overlapping_versions", "articles/art-09.yaml",
        "to: 2008-12-31", "to: 2009-06-30",
        "version from 2009-01-01 overlaps the previous one (2008-01-01..2009-06-30)", 29, 15),
    one("gap_between_versions", "articles/art-09.yaml",
        "to: 2008-12-31", "to: 2008-11-30",
        "gap between versions: nothing is in force from 2008-12-01 to 2008-12-31", 29, 15),
    one("version_outside_coverage", "articles/art-09.yaml",
        "to: 2017-12-31", "to: 2018-12-31",
        "version 2009-01-01..2018-12-31 lies outside the rulebook's coverage", 29),
    one("missing_cite", "articles/art-10.yaml",
        "    cite: Art. 10\n    title: amount of", "    title: amount of",
        "'cite' is required", 25),
    one("parameter_value_without_source", "parameters/base_social_benefit.yaml",
        ", source: Government resolution No 1467}", "}",
        "'source' is required", 30),
    one("date_compared_with_money", "articles/art-10.yaml",
        "requires: application.date >= day", "requires: application.date >= base_social_benefit",
        "cannot compare date >= money", 13, 15),
    one("citation_outside_the_article", "articles/art-09.yaml",
        "cite: Art. 9(2)(1)", "cite: Art. 5(1)",
        "citation 'Art. 5(1)' is not within this file's 'Art. 9'", 36, 11),
    one("yes_for_a_bool_default", "facts.yaml",
        "application.by_guardian: {type: bool, default: false,",
        "application.by_guardian: {type: bool, default: yes,",
        "default 'yes' is not a valid bool", 6),
    one("yes_for_a_bool_in_a_rule", "articles/art-09.yaml",
        "        to: 2008-12-31\n", "        to: 2008-12-31\n        in_force: yes\n",
        "'yes' is not of type boolean (only true and false are booleans", 26),
]

BUGGY_CASES = [
    bug(one("unknown_key_in_a_rule", "articles/art-10.yaml",
            "requires: application.date >= day", "requries: application.date >= day",
            "unknown key(s) 'requries'", 13),
        "BUG (position): an unknown key is reported at the start of the enclosing rule "
        "(art-10.yaml:5:5), not at the key's own line 13"),
    bug(Breakage("yaml_alias", "articles/art-10.yaml",
                 (("    cite: Art. 10\n    title: the claim", "    cite: &c Art. 10\n    title: the claim"),
                  ("    cite: Art. 10\n    title: entitled", "    cite: *c\n    title: entitled")),
                 "YAML aliases (*name) are not allowed", 16, 11),
        "BUG (position): the alias error is reported at the anchor &c (line 6), not at the "
        "alias *c (line 16)"),
    bug(one("unknown_fact_in_a_folded_expression", "articles/art-01.yaml",
            "and child.residence == 'LT')", "and child.residense == 'LT')",
            "unknown fact 'child.residense'", 61, 79),
        "BUG (position): an error inside a folded block scalar (`requires: >-`) is reported "
        "on the indicator's line 49 at column 87 (past the end of that line) instead of "
        "line 50, column 79"),
    bug(one("unknown_fact_in_a_quoted_expression", "articles/art-10.yaml",
            "unless: pregnancy.entitled_to_maternity_allowance",
            'unless: "pregnancy.entitled_to_maternity_allowence"',
            "unknown fact 'pregnancy.entitled_to_maternity_allowence'", 23, 14),
        "BUG (position): in a quoted expression the column is one too small (it points at "
        "the opening quote, column 13, not the fact at column 14)"),
]


def _id(c):
    return c.name if isinstance(c, Breakage) else c.id


@pytest.mark.parametrize("case", CASES + BUGGY_CASES, ids=_id)
def test_load_reports_the_error_at_its_file_and_line(case, tmp_path):
    folder = case.apply(tmp_path)
    with pytest.raises(engine.ErrorList) as e:
        engine.load(folder)
    errors = e.value.errors
    assert all(isinstance(x, engine.StatuteError) for x in errors)
    matching = [x for x in errors if case.message in x.message]
    assert matching, "\n".join(map(str, errors))
    here = [x for x in matching
            if x.position and x.position.file.endswith(case.file)
            and x.position.line == case.line
            and (case.col is None or x.position.col == case.col)]
    assert here, "\n".join(map(str, matching))


@pytest.mark.parametrize("case", CASES + [p.values[0] for p in BUGGY_CASES], ids=_id)
def test_statute_check_exits_1_with_file_line_col(case, tmp_path):
    folder = case.apply(tmp_path)
    r = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(folder)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    where = re.escape(str(folder / case.file))
    assert re.search(rf"^{where}:\d+:\d+: .*{re.escape(case.message)}", r.stderr, re.M), \
        r.stderr
    assert re.search(rf"^{re.escape(str(folder))}: \d+ error\(s\)$", r.stderr, re.M)


def test_the_unedited_copy_loads(tmp_path):
    folder = tmp_path / "rulebook"
    shutil.copytree(LT, folder)
    rb = engine.load(folder)
    assert "lump_sum_settlement_benefit" in rb.decisions


def test_every_error_of_a_broken_rulebook_is_reported_at_once(tmp_path):
    """Two unrelated mistakes in two files: both are reported by one load."""
    folder = CASES[1].apply(tmp_path)  # unknown fact in art-10
    art09 = folder / "articles" / "art-09.yaml"
    art09.write_text(art09.read_text().replace("to: 2008-12-31", "to: 2008-11-30"))
    with pytest.raises(engine.ErrorList) as e:
        engine.load(folder)
    messages = " | ".join(x.message for x in e.value.errors)
    assert "unknown fact" in messages and "gap between versions" in messages


def test_an_invalid_parameter_value_does_not_make_the_parameter_unknown(tmp_path):
    case = next(c for c in CASES if c.name == "parameter_value_without_source")
    folder = case.apply(tmp_path)
    with pytest.raises(engine.ErrorList) as e:
        engine.load(folder)
    bogus = [str(x) for x in e.value.errors if "unknown name 'base_social_benefit'" in x.message]
    assert not bogus, "\n".join(bogus)


def test_statute_check_on_a_missing_folder_fails_with_a_message(tmp_path):
    r = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(tmp_path / "nope")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode != 0
    assert "no such folder" in r.stderr
    assert "Traceback" not in r.stderr


def test_statute_check_on_the_real_rulebook_succeeds():
    r = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(LT)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert ": ok (" in r.stdout
