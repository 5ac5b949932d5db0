"""Explanations for people on a small invented rulebook: the arithmetic of comparisons
and limits (text and JSON), languages, figures, the concise path, as-known-on, letters."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.render.concise import concise_trace, decisive
from engine.render.figures import Figures
from engine.render.letter import render_letter
from engine.render.messages import translator
from engine.render.text import render_result

ROOT = Path(__file__).resolve().parents[3]
LIB = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "minimal"
RB = engine.load(LIB)


def fine(due: str, back: str, **facts: object) -> engine.Result:
    return RB.evaluate({"loan": {"due_date": due, "return_date": back}, **facts},
                       on=back, trace=True)


def test_a_comparison_records_its_operands_and_result_in_the_json_trace():
    r = fine("2020-03-01", "2020-03-04")["late_return_fine"]
    [step] = [s for s in r.as_dict(trace=True)["trace"] if s["rule"] == "returned_late"]
    [c] = step["comparisons"]
    assert c["operators"] == [">"] and c["result"] is True
    assert [o["value"] for o in c["operands"]] == ["2020-03-04", "2020-03-01"]
    assert c["operands"][0]["reads"] == {"loan.return_date": "2020-03-04"}


def test_a_refusing_comparison_shows_its_arithmetic_and_the_threshold_missed():
    r = fine("2020-03-01", "2021-06-01")
    text = render_result(r, trace=True)
    assert "loan.return_date 1 Jun 2021 ≤ add_months(loan.due_date 1 Mar 2020, 12) " \
           "= 1 Mar 2021 → no" in text
    assert "it would hold with loan.return_date ≤ 1 Mar 2021" in text


def test_a_limit_shows_both_operands_and_the_value_chosen():
    r = fine("2021-03-01", "2021-03-31")["late_return_fine"]  # 30 days × the daily fine > 10
    [value] = [s for s in r.trace if s.kind == "value"]
    [daily] = [p.value for p in value.parameters if p.name == "daily_fine"]
    [limit] = [c for c in value.comparisons if c.kind == "min"]
    assert [o.value for o in limit.operands] == [30 * daily, 10] and 30 * daily > 10
    assert limit.result == 10
    assert r.amount == Decimal("10.00")


def test_the_and_that_stops_early_lists_no_comparison_it_did_not_make():
    """`given(loan.due_date) and …`: with the due date given, both parts are made."""
    r = fine("2020-03-01", "2020-03-04")["late_return_fine"]
    [step] = [s for s in r.trace if s.rule == "lost_after_a_year"]
    assert len(step.comparisons) == 1 and step.comparisons[0].result is True


def test_the_concise_path_keeps_what_decided_and_counts_the_rest():
    r = fine("2020-03-01", "2020-03-04", borrower={"status": "staff"})["late_return_fine"]
    d = decisive(r)
    assert [s.rule for s in d.steps if s.kind == "requires"] == ["staff_exempt"]
    assert "§ 1(2)" in d.held
    kinds = [s["kind"] for s in concise_trace(r)]
    assert "value" not in kinds and "held" in kinds
    json.dumps(concise_trace(r))  # plain JSON


def test_concise_is_shorter_than_full_and_full_has_every_step():
    r = fine("2020-03-01", "2020-03-04")
    concise = render_result(r, trace=True)
    full = render_result(r, trace=True, full=True)
    assert len(concise.splitlines()) < len(full.splitlines())
    steps = len(r["late_return_fine"].trace)
    assert f"  {steps}. " in full


@pytest.mark.parametrize("lang, granted", [("en", "DETERMINED"), ("ru", "ОПРЕДЕЛЕНО"),
                                           ("lt", "NUSTATYTA")])
def test_lang_switches_the_engine_phrases_not_the_rulebook_text(lang, granted):
    text = render_result(fine("2020-03-01", "2020-03-04"), lang=lang, trace=True,
                         law_text=True)
    assert f"late_return_fine: {granted}" in text
    assert "The fine is the daily fine for every day late" in text  # the rule's own text


def test_an_unknown_language_is_refused_with_the_languages_named():
    with pytest.raises(ValueError, match="en, ru, lt"):
        render_result(fine("2020-03-01", "2020-03-04"), lang="xx")


def test_figures_show_money_with_two_decimals_and_shorten_long_decimals():
    en, ru = Figures("en"), Figures("ru")
    assert en.money(Decimal("1430"), "XTS") == "1,430.00 XTS"
    assert ru.money(Decimal("1430"), "XTS") == "1 430,00 XTS"
    assert en.money(Decimal("55.0333333333333333333333333"), "XTS") == "≈ 55.03 XTS"
    assert en.number(Decimal("1") / Decimal("3")) == "≈ 0.3333"
    assert en.number(Decimal("1.5")) == "1.5"


def test_as_known_on_is_marked_in_text_json_and_trace():
    known = RB.known_on("2020-06-01")
    r = known.evaluate({"loan": {"due_date": "2021-03-01", "return_date": "2021-03-31"}},
                       on="2021-03-31", trace=True)
    d = r.as_dict(trace=True)
    assert d["as_known_on"] == "2020-06-01"
    assert d["acts_left_out"] == ["lfa-amendment-2021"]
    assert d["decisions"]["late_return_fine"]["trace"][0]["kind"] == "as_known_on"
    text = render_result(r, trace=True)
    assert "As known on 1 Jun 2020" in text and "acts left out: lfa-amendment-2021" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_letter_has_facts_decisions_reasons_and_the_provisions_text(fmt):
    r = fine("2020-03-01", "2020-03-04")
    letter = render_letter(r, {"loan": {"due_date": "2020-03-01"}}, fmt=fmt)
    assert "Library Fines Act" in letter and "the only version" in letter
    assert "loan.due_date" in letter and "§ 1(3)" in letter
    assert "The fine is the daily fine for every day late" in letter
    if fmt == "html":
        assert "@media print" in letter and letter.startswith("<!DOCTYPE html>")


def test_cli_letter_writes_the_file_and_eval_takes_lang(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text('"on": 2020-03-04\nfacts:\n  loan: {due_date: 2020-03-01}\n')
    out = tmp_path / "letter.html"
    run = [sys.executable, "-m", "engine.cli"]
    r = subprocess.run([*run, "letter", str(LIB), str(case), "--format", "html", "--out",
                        str(out), "--lang", "lt"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert '<html lang="lt">' in out.read_text()
    r = subprocess.run([*run, "eval", str(LIB), str(case), "--trace", "--lang", "ru"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and "late_return_fine: ОПРЕДЕЛЕНО" in r.stdout
    r = subprocess.run([*run, "eval", str(LIB), str(case), "--lang", "xx"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_every_status_has_a_translation():
    from engine.render.explain import STATUS
    for lang in ("ru", "lt"):
        _ = translator(lang)
        assert all(_(s) != s for s in STATUS.values()), lang


def test_an_undetermined_answer_names_each_missing_fact_and_what_it_decides():
    rb = engine.load(ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "missing")
    r = rb.evaluate({"illness": {"start_date": "2020-03-04", "end_date": "2020-03-06"},
                     "earnings": {"daily": "60"}}, on="2020-03-04", trace=True)
    text = render_result(r, trace=True)
    assert "→ supply cap.daily: it decides § 2(3)" in text
    assert "→ supply record.years: it decides § 2(2)" in text
    assert "→ укажите record.years: от него зависит § 2(2)" in render_result(
        r, trace=True, lang="ru")


def test_without_babel_the_text_keeps_iso_dates_and_plain_digits(monkeypatch):
    from engine.render import figures
    monkeypatch.setattr(figures, "HAVE_BABEL", False)
    f = Figures("ru")
    assert f.money(Decimal("1430"), "XTS") == "1430.00 XTS"
    import datetime as dt
    assert f.date(dt.date(2020, 3, 4)) == "2020-03-04"
    text = render_result(fine("2020-03-01", "2020-03-04"), lang="ru", trace=True)
    assert "решено на 2020-03-04" in text  # the catalogs need no Babel: stdlib gettext


@pytest.mark.parametrize("written, shown", [
    ("mrot × cite('§ 1', 24) / cite('§ 3', 730)", "mrot × 24 [§ 1] / 730 [§ 3]"),
    ("cite('§ 6', days_between(a, b) + 1) - d 3", "(days_between(a, b) + 1) [§ 6] - d 3"),
    ("cite('§ 5', daily 379.57 XTS)", "daily 379.57 XTS [§ 5]"),
    ("no cite (here)", "no cite (here)"),
])
def test_cite_is_shown_as_the_value_then_its_provision(written, shown):
    from engine.render.explain import uncite
    assert uncite(written) == shown
