"""cite() in expressions, `x if c else None`, a file citing a run of articles, the
drafter's table view (`statute show --table`) and paraphrase notes, on the invented
file-keeping law of tests/fixtures/rulebooks/good/table (it knows no real statute)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.check import check
from engine.check.citations import cites_within

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "table"

ARTICLE = """\
article: "1-3"
citation: § 1–3
title: The list of files and their periods
rules:
  - id: evaluated_on
    cite: § 1–3
    text: "≈ Periods are those of the list in force on the day asked about."
    decision: [retention_period, destroy_not_before]
    applicable_date: "on"

  - id: file_list
    cite: § 1–3
    text: The list of files and how long each is kept.
    decision: [retention_period, destroy_not_before]
    table:
      key: file.kind
      rows:
        - {key: orders, cite: § 1(1), title: Orders, retention_period: {years: long_years, kind: years, epk: true}, destroy_not_before: "add_years(counted, long_years)", reading: split at 2003}
        - {key: contracts, cite: § 2, retention_period: {years: null, kind: permanent, epk: false}, destroy_not_before: null}
        - {key: cards, cite: § 3, retention_period: {years: "None if file.returned else 5", kind: years, epk: false}, destroy_not_before: "add_years(counted, 5) if not file.returned else None"}
        - {key: notes, cite: § 3(2), retention_period: {years: null, kind: until_replaced, epk: false}, destroy_not_before: null}
"""

DEFINITIONS = """\
definitions:
  long_years:
    cite: § 1(1)
    type: int
    description: 75 years for files closed before 2003, 50 from then
    expr: "cite('§ 1(1)(a)', 75) if file.closed_on < date('2003-01-01') else cite('§ 1(1)(b)', 50)"
  counted:
    cite: § 2
    type: date
    description: 1 January after the closing year
    expr: "cite('counting', make_date(year(file.closed_on) + 1, 1, 1))"
"""


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    copy = tmp_path / "table"
    shutil.copytree(TABLE, copy)
    (copy / "articles" / "art-01.yaml").write_text(ARTICLE, encoding="utf-8")
    (copy / "definitions.yaml").write_text(DEFINITIONS, encoding="utf-8")
    facts = (copy / "facts.yaml").read_text(encoding="utf-8")
    (copy / "facts.yaml").write_text(facts + '  file.returned: {type: bool, default: false, '
                                     'cite: § 3, description: "handed back"}\n', encoding="utf-8")
    return copy


def decide(book: Path, **facts: object) -> dict:
    rb = engine.load(book)
    return {k: v for k, v in rb.evaluate(facts, on="2021-06-01").decisions.items()}


class TestCite:
    def test_the_branch_taken_is_cited_after_the_row(self, book):
        early = decide(book, **{"file.kind": "orders", "file.closed_on": "2002-12-31"})
        assert early["retention_period"].citations == ("§ 1(1)", "§ 1(1)(a)")
        assert early["retention_period"].value["years"] == 75
        assert early["destroy_not_before"].citations == ("§ 1(1)", "counting", "§ 1(1)(a)")
        late = decide(book, **{"file.kind": "orders", "file.closed_on": "2003-01-01"})
        assert late["retention_period"].citations == ("§ 1(1)", "§ 1(1)(b)")
        assert str(late["destroy_not_before"].value) == "2054-01-01"

    def test_traced_and_three_valued_answers_cite_alike(self, book):
        rb = engine.load(book)
        facts = {"file.kind": "orders", "file.closed_on": "2001-10-15"}
        plain = rb.evaluate(facts, on="2021-06-01").decisions
        traced = rb.evaluate(facts, on="2021-06-01", trace=True).decisions
        for d in plain:
            assert plain[d].citations == traced[d].citations

    def test_an_unknown_value_cites_nothing_more(self, book):
        out = decide(book, **{"file.kind": "orders"})
        assert out["destroy_not_before"].status == "undetermined"
        assert out["destroy_not_before"].missing_facts == ("file.closed_on",)

    def test_cite_needs_a_literal_provision(self, book):
        (book / "definitions.yaml").write_text(DEFINITIONS.replace("cite('counting',",
                                                                   "cite(file.kind,"),
                                               encoding="utf-8")
        report = check(book)
        assert any("cite() takes a provision written as a literal" in str(e)
                   for e in report.errors)


class TestNoneBranch:
    def test_none_gives_no_value_citing_the_row(self, book):
        out = decide(book, **{"file.kind": "cards", "file.returned": True})
        assert out["destroy_not_before"].status == "not_applicable"
        assert out["destroy_not_before"].citations == ("§ 3",)
        assert out["retention_period"].status == "determined"
        assert out["retention_period"].value["years"] is None

    def test_otherwise_the_value(self, book):
        out = decide(book, **{"file.kind": "cards", "file.closed_on": "2019-05-01"})
        assert str(out["destroy_not_before"].value) == "2025-01-01"

    def test_none_cannot_be_a_condition(self, book):
        text = (book / "articles" / "art-01.yaml").read_text(encoding="utf-8")
        (book / "articles" / "art-01.yaml").write_text(text.replace(
            '"add_years(counted, 5) if not file.returned else None"',
            '"add_years(counted, 5) if (None if file.returned else True) else None"'),
            encoding="utf-8")
        assert any("None cannot stand for true or false" in str(e) for e in check(book).errors)


class TestCitationRuns:
    @pytest.mark.parametrize("cite, within", [
        ("§ 1(1)", True), ("§ 3", True), ("§ 1–3", True), ("§ 4", False), ("§ 30", False),
        ("§ 3.1", False), ("§ 2a", False)])
    def test_a_run_of_articles(self, cite, within):
        assert cites_within(cite, "§ 1–3") is within
        assert cites_within(cite, "§ 1-3") is within

    def test_single_articles_as_before(self):
        assert cites_within("Art. 9(2)(1)", "Art. 9")
        assert not cites_within("Art. 90", "Art. 9")
        assert not cites_within("ст. 5.27", "ст. 5")


class TestTableViewAndNotes:
    def test_show_table_prints_every_row_in_order(self, book):
        out = subprocess.run([sys.executable, "-m", "engine.cli", "show", str(book),
                              "retention_period", "--table"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        lines = out.stdout.splitlines()
        assert lines[0].startswith("file_list: 4 rows keyed by file.kind")
        assert [line.split(" | ")[1] for line in lines[2:]] == \
            ["orders", "contracts", "cards", "notes"]
        assert "§ 2 | contracts" in out.stdout and "| — |" in out.stdout
        assert lines[2].endswith("| split at 2003")

    def test_a_decision_no_table_decides(self, tmp_path):
        out = subprocess.run([sys.executable, "-m", "engine.cli", "show",
                              str(ROOT / "rules" / "lt" / "benefits-for-children"),
                              "lump_sum_child_benefit", "--table"], capture_output=True,
                             text=True)
        assert out.returncode == 2 and "decided by no decision table" in out.stderr

    def test_check_lists_paraphrased_texts(self, book):
        notes = check(book).notes
        assert len(notes) == 1 and "evaluated_on" in notes[0] and "paraphrase" in notes[0]


def test_a_series_verified_within_the_year_is_not_stale(book):
    import datetime as dt
    from engine.check import freshness_warnings
    rb = engine.load(TABLE.parents[0] / "minimal")
    assert freshness_warnings(rb, dt.date(2026, 12, 1))  # verified through 2021-12-31: stale
    p = rb.parameters["daily_fine"]
    object.__setattr__(p, "verified_through", dt.date(2026, 6, 1))
    assert freshness_warnings(rb, dt.date(2026, 12, 1)) == []
