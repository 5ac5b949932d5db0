"""`label:` and `unit: percent` on a small invented rulebook (the Library Fines Act of
tests/fixtures/rulebooks/good/minimal, with labels and a reduction given in percent).

Text output names what the rulebook labels by its label and shows percent points as a
percentage in the reader's locale; the JSON result keeps ids and plain numbers, so
readers of the contract see no change."""
from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.render.figures import HAVE_BABEL, Figures
from engine.render.letter import render_letter
from engine.render.text import render_result

ROOT = Path(__file__).resolve().parents[3]
MINIMAL = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "minimal"

_REDUCTION = """id: reduction
title: Reduction of the fine for a returned book
label: reduction
unit: percent
type: decimal
cite: § 1(3)
verified_through: 2021-12-31
values:
  - {from: 2020-01-01, amended_by: lfa-2020, value: 25, confidence: high, source: § 1(3)}
"""
_ARTICLE = """article: "3"
citation: § 3
title: The reduction applied
rules:
  - id: reduction_applicable_date
    cite: § 3(1)
    text: The reduction is the one in force on the day the book comes back.
    decision: reduction_applied
    applicable_date: loan.return_date
  - id: reduction_for_a_late_book
    cite: § 3(1)
    text: The reduction is for a book returned late.
    decision: reduction_applied
    requires: loan.return_date > loan.due_date
  - id: reduction_value
    cite: § 3(1)
    text: The fine is reduced by the reduction in force.
    decision: reduction_applied
    value: reduction
"""
_DECISION = """  reduction_applied:
    title: The reduction of the fine applied to the case
    label: reduction applied
    unit: percent
    type: decimal
    per: event
    applies_if:
      expr: given(loan.return_date)
      reading: the case concerns a book returned
"""


def labelled(folder: Path) -> Path:
    """A copy of the minimal rulebook with labels on its facts, parameter and decision, a
    percent parameter the 2020 fine reads, and a percent decision."""
    shutil.copytree(MINIMAL, folder)

    def edit(rel: str, old: str, new: str) -> None:
        path = folder / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    edit("facts.yaml", "loan.due_date: {type: date,", "loan.due_date: {type: date, label: due day,")
    edit("facts.yaml", "loan.return_date: {type: date,",
         "loan.return_date: {type: date, label: day returned,")
    edit("parameters/daily_fine.yaml", "type: money", "label: fine per day\ntype: money")
    edit("decisions.yaml", "    title: Fine for returning a book late",
         "    title: Fine for returning a book late\n    label: late fine")
    edit("articles/art-01.yaml",
         "days_between(loan.due_date, loan.return_date) * daily_fine\n",
         "days_between(loan.due_date, loan.return_date) * daily_fine"
         " * (100 - reduction) / 100\n")
    (folder / "parameters" / "reduction.yaml").write_text(_REDUCTION, encoding="utf-8")
    (folder / "articles" / "art-03.yaml").write_text(_ARTICLE, encoding="utf-8")
    (folder / "decisions.yaml").write_text(
        (folder / "decisions.yaml").read_text(encoding="utf-8") + _DECISION, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rb(tmp_path_factory):
    return engine.load(labelled(tmp_path_factory.mktemp("labels") / "rulebook"))


def late(rb, due: str = "2020-03-01", back: str = "2020-03-05") -> engine.Result:
    """Returned 4 days late in 2020: 4 × 0.50 EUR, reduced by 25 %, is 1.50 EUR (§ 1(3))."""
    return rb.evaluate({"loan": {"due_date": due, "return_date": back}}, on=back, trace=True)


def test_the_model_keeps_the_labels_and_the_unit(rb):
    assert rb.facts["loan.due_date"].label == "due day"
    assert rb.parameters["daily_fine"].label == "fine per day"
    assert rb.parameters["reduction"].unit == "percent"
    assert rb.decisions["reduction_applied"].unit == "percent"
    assert rb.facts["borrower.status"].label is None  # not labelled: named by its id


def test_the_arithmetic_names_each_value_by_its_label_and_the_percent_as_a_percentage(rb):
    r = late(rb)
    assert r["late_return_fine"].amount == Decimal("1.50")  # the percent is computed as points
    text = render_result(r, lang="en", trace=True)
    assert "days_between(due day 1 Mar 2020, day returned 5 Mar 2020) × fine per day " \
           "0.50 EUR × (100 - reduction 25%) / 100 = 1.50 EUR" in text
    assert "late fine: DETERMINED 1.50 EUR" in text
    assert "reduction applied: DETERMINED 25%" in text
    assert "late_return_fine" not in text and "daily_fine" not in text


@pytest.mark.skipif(not HAVE_BABEL, reason="locale forms come from Babel")
def test_a_percentage_is_written_as_the_readers_locale_writes_it(rb):
    assert "reduction applied: ОПРЕДЕЛЕНО 25 %" in render_result(late(rb), lang="ru")
    assert Figures("en").percent(Decimal("7.5")) == "7.5%"
    assert Figures("lt").percent(Decimal("7.5")) == "7,5 %"
    assert Figures("en").percent(Decimal(100) / 3) == "≈ 33.3333%"  # exact kept, shown cut


def test_a_refused_comparison_names_the_fact_by_its_label(rb):
    text = render_result(late(rb, back="2021-06-01"), lang="en", trace=True)
    assert "it would hold with day returned ≤ 1 Mar 2021" in text


def test_a_missing_fact_is_named_by_its_label_and_its_id(rb):
    """`loan.return_date` defaults to the day evaluated; without the due day, § 3(1)
    cannot be decided: the reader is told what to supply, as the case file names it."""
    r = rb.evaluate({"borrower": {"status": "adult"}}, on="2020-03-05", trace=True)
    text = render_result(r, lang="en", trace=True)
    assert r["reduction_applied"].missing_facts == ("loan.due_date",), text
    assert "missing: due day (loan.due_date)" in text
    assert "supply due day (loan.due_date)" in text


def test_the_json_result_keeps_ids_and_plain_numbers(rb, tmp_path):
    """The contract is unchanged: a rulebook without labels gives the same JSON."""
    plain_folder = tmp_path / "plain"
    labelled(plain_folder)
    for rel in ("facts.yaml", "decisions.yaml", "parameters/daily_fine.yaml",
                "parameters/reduction.yaml"):
        path = plain_folder / rel
        lines = path.read_text(encoding="utf-8").replace(" label: due day,", "") \
            .replace(" label: day returned,", "").splitlines()
        path.write_text("\n".join(x for x in lines if not x.strip().startswith(
            ("label:", "unit:"))) + "\n", encoding="utf-8")
    plain = engine.load(plain_folder)
    assert plain.facts["loan.due_date"].label is None and plain.parameters["reduction"].unit is None
    ours, theirs = late(rb).as_dict(trace=True), late(plain).as_dict(trace=True)
    assert ours.pop("rulebook_hash") != theirs.pop("rulebook_hash")  # their files differ
    assert json.dumps(ours, sort_keys=True, default=str) == \
        json.dumps(theirs, sort_keys=True, default=str)
    assert ours["decisions"]["reduction_applied"]["value"] == "25"


def test_the_letter_names_the_facts_by_their_labels_and_shows_the_percentage(rb):
    r = late(rb)
    facts = {"loan": {"due_date": date(2020, 3, 1), "return_date": date(2020, 3, 5)}}
    letter = render_letter(r, facts, lang="en")
    assert "| due day | 1 Mar 2020 |" in letter
    assert "— DETERMINED: 25%" in letter  # the decision's title heads it, its value in %
    assert "Value [§ 3(1)] — 25%: reduction 25%" in letter


def test_a_value_that_is_a_name_on_its_own_is_shown_by_its_label_and_value(rb):
    text = render_result(late(rb), lang="en", trace=True)
    assert "  • Value [§ 3(1)] — 25%\n      reduction 25%\n" in text


@pytest.mark.parametrize("rel, old, new, message", [
    ("facts.yaml", "borrower.waiver: {type: bool,", "borrower.waiver: {type: bool, label: '  ',",
     "does not match"),  # a label of spaces names nothing
    ("parameters/daily_fine.yaml", "type: money", "type: money\nunit: percent",
     "unit: percent is for a value of type decimal, int, not money"),
    ("decisions.yaml", "    type: money", "    type: money\n    unit: percent",
     "unit: percent is for a value of type decimal, int, not money"),
])
def test_check_refuses_a_blank_label_and_a_percent_that_is_not_a_number(
        tmp_path, rel, old, new, message):
    folder = tmp_path / "rb"
    shutil.copytree(MINIMAL, folder)
    path = folder / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(engine.ErrorList) as e:
        engine.load(folder)
    [err] = [x for x in e.value.errors if message in str(x)]
    assert str(err).startswith(f"{path}:"), str(err)  # it names the file and line


def test_hover_shows_the_label_and_the_unit(rb):
    """The editor shows what text output will call a name, and that it is in percent."""
    from engine.lsp.hover import hover
    from engine.lsp.symbols import Analysis, build_index
    root = Path(rb.root)
    a = Analysis(build_index(root, {}), rb, date(2020, 6, 1))
    art = root / "articles" / "art-01.yaml"
    lines = art.read_text(encoding="utf-8").splitlines()
    line = next(i for i, x in enumerate(lines) if "(100 - reduction)" in x)
    text = hover(a, str(art), lines, line, lines[line].index("reduction") + 1)
    assert text is not None and text.startswith("**reduction** — parameter (decimal)")
    assert "label: reduction\nunit: percent" in text
    line = next(i for i, x in enumerate(lines) if "loan.return_date" in x)
    text = hover(a, str(art), lines, line, lines[line].index("loan.return_date") + 1)
    assert text is not None and "\nlabel: day returned\n" in text
