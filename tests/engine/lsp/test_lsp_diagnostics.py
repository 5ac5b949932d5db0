"""Diagnostics from unsaved buffers: every failure fixture, as an editor would hold it.

Each folder of tests/fixtures/rulebooks/bad/ is good/minimal with one edit. Here the
edited files are *not* read from that folder: good/minimal is the root on disk and the
bad files' texts are given as the editor's unsaved buffers, so what is checked is what
the drafter is typing. Every error expected.txt lists must come out as a diagnostic
starting at its line and column, in its file, with its message.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from engine.lsp.diagnostics import diagnose, span
from tests.engine.test_invalid_rulebooks import BAD, GOOD, expected_errors

TODAY = _dt.date(2021, 6, 1)


def _edits(folder: Path) -> dict[str, str]:
    """The files of `folder` that differ from good/minimal (or are not in it)."""
    out = {}
    for f in folder.rglob("*.yaml"):
        rel = f.relative_to(folder).as_posix()
        good = GOOD / rel
        if not good.is_file() or good.read_bytes() != f.read_bytes():
            out[rel] = f.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("folder", BAD, ids=[p.name for p in BAD])
def test_each_failure_typed_in_a_buffer_is_a_diagnostic_at_its_place(folder: Path) -> None:
    edits = _edits(folder)
    assert edits, f"{folder.name}: no file differs from good/minimal"
    root = GOOD.absolute()
    problems, report = diagnose(root, edits, TODAY)
    assert not report.ok
    for want in expected_errors(folder):
        shown = problems.get(str(root / want.file), [])
        hits = [p for p in shown if p.line == want.line - 1 and want.message in p.message
                and (want.col is None or p.start == want.col - 1)]
        assert hits, f"{want} not among {[(p.line + 1, p.start + 1, p.message) for p in shown]}"
        assert all(p.end > p.start for p in hits)


def test_the_good_rulebook_has_no_diagnostics() -> None:
    problems, report = diagnose(GOOD.absolute(), {}, TODAY)
    assert report.ok and problems == {}


def test_a_buffer_breaks_another_file_which_gets_the_diagnostic() -> None:
    root = GOOD.absolute()
    facts = (root / "facts.yaml").read_text(encoding="utf-8").replace("borrower.waiver",
                                                                      "borrower.waived")
    problems, _ = diagnose(root, {"facts.yaml": facts}, TODAY)
    art2 = problems[str(root / "articles/art-02.yaml")]
    text = (root / "articles/art-02.yaml").read_text(encoding="utf-8").splitlines()
    [p] = [p for p in art2 if "borrower.waiver" in p.message]
    assert text[p.line][p.start:p.end] == "borrower.waiver"


def test_a_freshness_warning_is_shown_at_the_parameters_newest_value() -> None:
    root = GOOD.absolute()
    problems, report = diagnose(root, {}, _dt.date(2030, 1, 1))
    assert report.ok and report.warnings
    [p] = problems[str(root / "parameters/daily_fine.yaml")]
    assert p.severity == "warning" and p.line == 7 and "daily_fine" in p.message


@pytest.mark.parametrize("line, at, message, covered", [
    # a name the message quotes: the name alone, though the error is at the value's start
    ("    requires: loan.return_dat > loan.due_date", "loan", "unknown fact 'loan.return_dat'",
     "loan.return_dat"),
    # an error about the whole expression, at its start: the whole value
    ("    requires: loan.return_date > 5", "loan", "expression gives int",
     "loan.return_date > 5"),
    # a value in a flow mapping: to its comma
    ("  - {from: 2020-01-01, value: 0.50, currency: EUR}", "0.50", "is negative", "0.50"),
    ("    value: min(a, b) * daily_fine", "min", "gives int", "min(a, b) * daily_fine"),
    ("    unless: \"borrower.waiver\"", "\"", "", "\"borrower.waiver\""),
    # a key: the key
    ("  loan.due: {type: date}", "loan", "", "loan.due"),
    # inside an expression: the name or number there
    ("    requires: loan.return_date > 5 + x", "5", "", "5"),
])
def test_span_covers_what_begins_at_the_error(line: str, at: str, message: str,
                                              covered: str) -> None:
    start, end = span(line, line.index(at), message)
    assert line[start:end] == covered


def test_span_of_an_error_past_the_text_is_the_lines_text() -> None:
    assert span("  rules:", 20) == (2, 8)
    assert span("", 0) == (0, 1)


def test_diagnostics_are_written_in_the_language_the_rulebook_declares() -> None:
    """The same broken buffer of good/minimal: in English as the rulebook declares
    `language: en`, in Russian once the rulebook.yaml buffer declares `language: ru`
    (the check's messages come from the catalogs, as `statute check` prints them)."""
    root = GOOD.absolute()
    facts = (root / "facts.yaml").read_text(encoding="utf-8").replace("borrower.waiver",
                                                                      "borrower.waived")
    book = (root / "rulebook.yaml").read_text(encoding="utf-8")
    assert "language: en" in book
    en, _ = diagnose(root, {"facts.yaml": facts}, TODAY)
    ru, _ = diagnose(root, {"facts.yaml": facts,
                            "rulebook.yaml": book.replace("language: en", "language: ru")},
                     TODAY)
    file = str(root / "articles/art-02.yaml")
    [e] = [p for p in en[file] if "borrower.waiver" in p.message]
    [r] = [p for p in ru[file] if "borrower.waiver" in p.message]
    assert (r.line, r.start, r.end) == (e.line, e.start, e.end)
    assert r.message != e.message and any("а" <= c <= "я" for c in r.message.lower())
