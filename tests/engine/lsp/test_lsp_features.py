"""Hover, completion and navigation as functions of the buffers and the loaded rulebook,
on the synthetic Library Fines Act (tests/fixtures/rulebooks/good/minimal)."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

import engine
from engine.lsp.complete import complete
from engine.lsp.hover import hover
from engine.lsp.navigate import definition, references
from engine.lsp.symbols import Analysis, build_index
from tests.engine.test_invalid_rulebooks import GOOD
from tests.engine.test_invalid_rulebooks import ROOT as REPO

ROOT = GOOD.absolute()
ART1 = ROOT / "articles" / "art-01.yaml"


@pytest.fixture(scope="module")
def a() -> Analysis:
    return Analysis(build_index(ROOT, {}), engine.load(ROOT), _dt.date(2021, 6, 1))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _at(path: Path, word: str, nth: int = 0) -> tuple[list[str], int, int]:
    """The 0-based line and column of the `nth` line holding `word`, inside the word."""
    lines = _lines(path)
    hits = [i for i, line in enumerate(lines) if word in line]
    line = hits[nth]
    return lines, line, lines[line].index(word) + 1


def test_hover_on_a_parameter_gives_today_and_the_rule_versions_values(a: Analysis) -> None:
    lines, line, col = _at(ART1, "daily_fine", 1)  # in the 2021 version of fine_amount
    text = hover(a, str(ART1), lines, line, col)
    assert text is not None
    assert "today (2021-06-01): 0.60 EUR from 2021-01-01" in text
    assert "- 2020-01-01..2020-12-31:\n  - 0.50 EUR from 2020-01-01 — § 1(3) (confidence: high)" \
        in text
    assert "- 2021-01-01..2021-12-31:\n  - 0.60 EUR from 2021-01-01" in text


def test_hover_on_a_fact_gives_type_default_description_and_law(a: Analysis) -> None:
    lines, line, col = _at(ART1, "loan.return_date")
    text = hover(a, str(ART1), lines, line, col)
    assert text is not None
    assert text.startswith("**loan.return_date** — fact (date)")
    assert "the day the book came back" in text and "the evaluation date" in text
    assert "cite: § 1(1)\n> The fine is reckoned on the day the book comes back." in text


def test_hover_on_an_enum_fact_lists_its_values(a: Analysis) -> None:
    art2 = ROOT / "articles" / "art-02.yaml"
    lines, line, col = _at(art2, "borrower.status")
    text = hover(a, str(art2), lines, line, col)
    assert text is not None and "values: `adult`, `child`, `staff`" in text
    assert "default: `adult`" in text


def test_hover_on_a_decision_prints_its_rules_by_role_as_show_does(a: Analysis) -> None:
    lines, line, col = _at(ART1, "late_return_fine")
    text = hover(a, str(ART1), lines, line, col)
    assert text is not None
    from engine.cli.show import describe, describe_lines
    shown = "\n".join(describe_lines(describe(a.rulebook.decisions["late_return_fine"],
                                              a.rulebook.root)))
    assert shown in text
    assert "requires — " in text and "[§ 2(1)] staff_exempt" in text


def test_hover_on_a_citation_gives_the_law_text(a: Analysis) -> None:
    lines, line, col = _at(ART1, "§ 1(2)")
    text = hover(a, str(ART1), lines, line, col)
    assert text == "**§ 1(2)**\n\n> A book returned after its due date is fined."
    lines, line, col = _at(ART1, "citation: § 1")
    whole = hover(a, str(ART1), lines, line, col + len("citation: "))
    assert whole is not None and whole.count("> ") == 3  # § 1(1), § 1(2), § 1(3)


def test_hover_on_a_helper_and_an_act(a: Analysis) -> None:
    lines, line, col = _at(ART1, "days_between")
    text = hover(a, str(ART1), lines, line, col)
    assert text is not None and text.startswith("**days_between**(date, date) → int")
    lines, line, col = _at(ART1, "lfa-amendment-2021")
    act = hover(a, str(ART1), lines, line, col)
    assert act is not None and act.startswith(
        "**lfa-amendment-2021** — act: Amendment capping the fine from 2021")
    assert "- in force: 2021-01-01" in act and "source: invented for the tests" in act


def test_nothing_to_hover_in_prose(a: Analysis) -> None:
    lines, line, col = _at(ART1, "reckoned")
    assert hover(a, str(ART1), lines, line, col) is None


@pytest.mark.parametrize("line, want, unwanted", [
    ("    requires: loan.", {"loan.due_date", "loan.return_date"}, {"borrower.status"}),
    ("    requires: borrower.status != '", {"'adult'", "'child'", "'staff'"}, {"loan.due_date"}),
    ("    requires: borrower.status in ('adult', ", {"'child'", "'staff'"}, set()),
    ("    requires: borrower.status == 'ch", {"'child'"}, {"'adult'"}),
    ("    decision: ", {"late_return_fine"}, {"loan.due_date"}),
    ("        amended_by: lfa", {"lfa-2020", "lfa-amendment-2021"}, set()),
    ("        amended_by: lfa-am", {"lfa-amendment-2021"}, {"lfa-2020"}),
    ("    value: days_b", {"days_between"}, {"daily_fine"}),
    ("    value: dai", {"daily_fine"}, set()),
    ("    requires: status(late_return_fine) == '", {"'granted'", "'refused'"},
     {"'undetermined'"}),
    ("    text: The fine is", set(), {"loan.due_date"}),
])
def test_completion_by_context(a: Analysis, line: str, want: set[str],
                               unwanted: set[str]) -> None:
    items = complete(a, line, len(line))
    inserts = {i.insert for i in items}
    assert want <= inserts, sorted(inserts)[:20]
    assert not unwanted & inserts
    for i in items:
        assert i.start <= len(line) and i.detail is not None


def test_completion_replaces_the_whole_dotted_prefix(a: Analysis) -> None:
    line = "    requires: loan.ret"
    [item] = [i for i in complete(a, line, len(line)) if i.label == "loan.return_date"]
    assert line[:item.start] + item.insert == "    requires: loan.return_date"
    assert "the day the book came back" in item.documentation


def test_definition_of_each_kind_of_name(a: Analysis) -> None:
    lines = _lines(ART1)
    facts = _lines(ROOT / "facts.yaml")
    pos, length = definition(a, lines[14], lines[14].index("loan.due_date") + 2)
    assert pos.file == str(ROOT / "facts.yaml")
    assert facts[pos.line - 1][pos.col - 1:pos.col - 1 + length] == "loan.due_date"
    pos, _ = definition(a, lines[25], lines[25].index("daily_fine"))
    assert pos.file == str(ROOT / "parameters" / "daily_fine.yaml") and pos.line == 1
    pos, _ = definition(a, lines[7], lines[7].index("late_return_fine"))
    assert pos.file == str(ROOT / "decisions.yaml") and pos.line == 2
    assert definition(a, lines[6], lines[6].index("reckoned")) is None
    pos, _ = definition(a, lines[28], lines[28].index("amendment"))
    assert pos.file == str(ROOT / "amendments.yaml") and pos.line == 8


def test_references_of_a_fact_and_a_parameter_across_the_rulebook(a: Analysis) -> None:
    lines = _lines(ART1)
    refs = references(a, lines[14], lines[14].index("loan.due_date"))
    where = [(Path(p.file).name, p.line) for p, _ in refs]
    # facts.yaml (its key), the decisions' applies_if, art-01 lines 15, 26, 30, art-02 23-24
    assert ("facts.yaml", 2) in where and ("decisions.yaml", 7) in where
    assert {("art-01.yaml", 15), ("art-01.yaml", 26), ("art-01.yaml", 30)} <= set(where)
    assert any(f == "art-02.yaml" for f, _ in where)
    for p, length in refs:
        text = _lines(Path(p.file))[p.line - 1]
        assert text[p.col - 1:p.col - 1 + length] == "loan.due_date"
    fine = references(a, lines[25], lines[25].index("daily_fine"), declaration=False)
    assert [(Path(p.file).name, p.line) for p, _ in fine] == [("art-01.yaml", 26),
                                                             ("art-01.yaml", 30)]


def test_an_unsaved_buffer_is_what_navigation_reads() -> None:
    text = ART1.read_text(encoding="utf-8").replace(
        "requires: loan.return_date > loan.due_date",
        "requires: loan.return_date > loan.due_date and borrower.waiver")
    a = Analysis(build_index(ROOT, {"articles/art-01.yaml": text}), None, _dt.date(2021, 6, 1))
    line = text.splitlines()[14]
    refs = references(a, line, line.index("borrower.waiver"))
    assert (str(ART1), 15) in [(p.file, p.line) for p, _ in refs]


SHIPPED = sorted(p.parent.relative_to(REPO).as_posix()
                 for p in (REPO / "rules").rglob("rulebook.yaml"))


@pytest.mark.parametrize("rulebook", ["minimal", *SHIPPED])
def test_every_position_of_every_file_answers_without_an_exception(rulebook: str) -> None:
    """Hover, completion, definition and references anywhere in a rulebook's files (and
    past their ends) give an answer or nothing, never an exception."""
    root = ROOT if rulebook == "minimal" else (REPO / rulebook).absolute()
    a = Analysis(build_index(root, {}), engine.load(root), _dt.date(2021, 6, 1))
    asked = 0
    for rel in a.index.docs:
        path = root / rel
        lines = _lines(path)
        for n, line in enumerate(lines):
            for col in {0, len(line) // 3, len(line) // 2, len(line), len(line) + 5}:
                hover(a, str(path), lines, n, col)
                complete(a, line, min(col, len(line)))
                definition(a, line, col)
                references(a, line, col)
                asked += 1
        assert hover(a, str(path), lines, len(lines) + 3, 0) is None
    assert asked > 100


def test_no_completion_inside_a_folded_text(a: Analysis) -> None:
    """A continuation line of `text: >-` has no key of its own: the parsed file says it
    is the text's, and law text is not completed."""
    from engine.lsp.symbols import enclosing_key
    art2 = ROOT / "articles" / "art-02.yaml"
    lines = _lines(art2)
    n = next(i for i, line in enumerate(lines) if line.strip() == "given(loan.due_date)")
    doc = a.index.doc_for(str(art2))
    assert doc is not None
    assert enclosing_key(doc, n + 1, 7) == "requires"
    assert {i.label for i in complete(a, "      loan.", 11, "requires")} >= {"loan.due_date"}
    assert complete(a, "      The fine.", 15, "text") == []
