"""Errors and CLI messages in the reader's language (issue 14, item 1).

The CLI answers in `--lang`, else in the language of the rulebook named on its command
line (rules/ru/sick-leave declares `language: ru`; rules/lt/benefits-for-children is
written in English, `language: en`), else in English; the Python API gives `error.text(lang)`; `str()` of
an error and the JSON contract stay English. The expected phrases are the catalogs'
translations (engine/render/locale/*/LC_MESSAGES/statute.po), so each assertion fails
if the phrase is shown untranslated or in another language.
"""
from __future__ import annotations

import importlib.util
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.errors import CaseError, ErrorList, Position
from engine.render.messages import Message, Plural

ROOT = Path(__file__).resolve().parents[2]
RU = ROOT / "rules" / "ru" / "sick-leave"
LT = ROOT / "rules" / "lt" / "benefits-for-children"
EN_DATE = "'2024-13-01' is not a valid calendar date"
RU_DATE = "'2024-13-01' — несуществующая календарная дата"
LT_DATE = "'2024-13-01' nėra galiojanti kalendorinė data"

_spec = importlib.util.spec_from_file_location("statute_messages", ROOT / "tools" / "messages.py")
assert _spec and _spec.loader
catalogs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogs)


def statute(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def bad_date_case(tmp_path: Path) -> Path:
    case = tmp_path / "bad.yaml"  # month 13: the case's 'on' is no calendar date
    case.write_text("on: 2024-13-01\nfacts: {}\n", encoding="utf-8")
    return case


def test_an_error_about_a_russian_rulebooks_case_is_in_russian_by_default(bad_date_case):
    r = statute("eval", RU, bad_date_case)
    assert r.returncode == 2
    assert f"{bad_date_case}:1:5: on: {RU_DATE}" in r.stderr
    assert "Traceback" not in r.stderr and EN_DATE not in r.stderr


@pytest.mark.parametrize("lang, expected", [("en", EN_DATE), ("lt", LT_DATE), ("ru", RU_DATE)])
def test_lang_chooses_the_language_of_the_error(bad_date_case, lang, expected):
    r = statute("eval", RU, bad_date_case, "--lang", lang)
    assert r.returncode == 2
    assert f"on: {expected}" in r.stderr


def test_a_rulebook_written_in_english_answers_in_english(bad_date_case):
    r = statute("eval", LT, bad_date_case)  # rulebook.yaml: language: en
    assert r.returncode == 2 and f"on: {EN_DATE}" in r.stderr


def test_the_language_is_found_before_parsing(tmp_path):
    from engine.cli import i18n
    book = tmp_path / "book"
    (book / "tests").mkdir(parents=True)
    (book / "rulebook.yaml").write_text("id: x/y\nlanguage: lt\n", encoding="utf-8")
    assert i18n.language(["check", str(book)]) == "lt"
    assert i18n.language(["test", str(book / "tests" / "a.yaml")]) == "lt"  # inside it
    assert i18n.language(["check", str(book), "--lang", "ru"]) == "ru"
    assert i18n.language(["check", str(book), "--lang=en"]) == "en"
    assert i18n.language(["check", str(tmp_path)]) == "en"  # no rulebook.yaml there


def test_argparse_usage_errors_are_in_the_rulebooks_language():
    r = statute("eval", RU)  # the case file is missing
    assert r.returncode == 2
    assert r.stderr.startswith("использование: statute eval")
    assert "statute eval: ошибка: требуются следующие аргументы: case" in r.stderr
    r = statute("eval", RU, "case.yaml", "--format", "xml", "--lang", "lt")
    assert "klaida: argumentas --format: netinkamas pasirinkimas: 'xml'" in r.stderr


def test_help_texts_are_translated():
    r = statute("eval", RU, "--help")
    assert r.returncode == 0
    assert "позиционные аргументы:" in r.stdout
    assert "показать эту справку и выйти" in r.stdout
    assert "файл случая (YAML или JSON) с on, period и facts" in r.stdout


def test_every_command_takes_lang_and_check_reports_in_it():
    r = statute("check", RU, "--lang", "lt")
    assert r.returncode == 0, r.stderr
    assert f"{RU.relative_to(ROOT)}: ok (sprendimų:" in r.stdout.replace(str(ROOT) + "/", "")
    r = statute("check", RU, "--lang", "en")
    assert "ok (" in r.stdout and "decisions," in r.stdout


def test_without_a_rulebook_the_cli_answers_in_english(tmp_path):
    r = statute("check", tmp_path / "nowhere")
    assert r.returncode == 2 and r.stderr.strip().endswith("no such folder")


def test_the_python_api_gives_an_error_in_a_language():
    rb = engine.load(RU)
    with pytest.raises(ErrorList) as info:
        rb.evaluate({"no_such_fact": 1}, on="2024-03-01")
    err = info.value
    assert "unknown fact 'no_such_fact'" in str(err)  # str() stays English
    assert "неизвестный факт 'no_such_fact'" in err.text("ru")
    assert "nežinomas faktas 'no_such_fact'" in err.text("lt")
    assert err.errors[0].as_dict()["message"].startswith("unknown fact")  # JSON: English
    assert type(err.errors[0].as_dict()["message"]) is str


def test_placeholders_are_filled_after_translation_and_nested_messages_follow():
    hint = Message("; did you mean {name!r}?", name="child.birth_date")
    msg = Message("unknown fact {name!r}{hint}", name="child.birthdate", hint=hint)
    assert msg == "unknown fact 'child.birthdate'; did you mean 'child.birth_date'?"
    assert msg.text("ru") == ("неизвестный факт 'child.birthdate'; возможно, имелось в виду "
                              "'child.birth_date'?")
    # the Russian puts the date before the verb; the Lithuanian after it
    assert Message("{text!r} is not a valid calendar date", text="x").text("ru") == \
        "'x' — несуществующая календарная дата"


def test_an_error_escapes_control_characters_in_every_language():
    err = CaseError(Message("unknown fact {name!r}{hint}", name="a\x1b[31m", hint=""),
                    Position("case.yaml", 3, 1))
    for lang in ("en", "ru", "lt"):
        assert "\x1b" not in err.text(lang)
    assert "\\x1b" in err.text("ru")


@pytest.mark.parametrize("n, ru, lt", [(1, "1 ошибка", "1 klaida"), (3, "3 ошибки", "3 klaidos"),
                                       (5, "5 ошибок", "5 klaidos"), (21, "21 ошибка", "21 klaida"),
                                       (12, "12 ошибок", "12 klaidų")])
def test_counts_take_each_languages_plural_form(n, ru, lt):
    # ru: 1, 21 -> ошибка; 2-4 -> ошибки; 5-20 -> ошибок. lt: 1, 21 -> klaida; 2-9 -> klaidos;
    # 10-20 -> klaidų (the Plural-Forms of each catalog)
    p = Plural("{n} error", "{n} errors", n)
    assert p.text("ru") == ru and p.text("lt") == lt
    assert str(p) == f"{n} error{'s' if n != 1 else ''}"


def test_a_message_survives_pickling_with_its_template():
    msg = Plural("{n} error", "{n} errors", 3)
    back = pickle.loads(pickle.dumps(CaseError(Message("facts must be a mapping"))))
    assert pickle.loads(pickle.dumps(msg)).text("ru") == "3 ошибки"
    assert back.text("lt") == "facts turi būti žodynas"


def test_the_extractor_finds_messages_plurals_and_help_texts():
    ids = {m.id for m in catalogs.extracted() if m.id}
    assert "{text!r} is not a valid calendar date" in ids  # Message(...)
    assert ("{n} error", "{n} errors") in ids  # Plural(...)
    assert "case file (YAML or JSON) with on, period and facts" in ids  # help=
    assert "the following arguments are required: %s" in ids  # argparse's own


def test_a_translation_with_other_placeholders_is_refused(tmp_path, monkeypatch):
    po = tmp_path / "ru" / "LC_MESSAGES" / "statute.po"
    po.parent.mkdir(parents=True)
    src = catalogs.po_path("ru").read_text(encoding="utf-8")
    wrong = src.replace('msgstr "{text!r} — несуществующая календарная дата"',
                        'msgstr "{value!r} — несуществующая календарная дата"')
    assert wrong != src
    po.write_text(wrong, encoding="utf-8")
    monkeypatch.setattr(catalogs, "po_path",
                        lambda lang: tmp_path / lang / "LC_MESSAGES" / "statute.po")
    monkeypatch.setattr(catalogs, "TRANSLATED", ("ru",))
    found = catalogs.problems()
    assert any("'{text!r} is not a valid calendar date' has the placeholders ['{value}']" in p
               for p in found), found


def test_a_results_warnings_can_be_shown_in_a_language_and_its_json_stays_english():
    # state_supported_income's value from 2008-08-01 has confidence 'medium' (its
    # parameter file says so): every answer that reads it carries that warning
    rb = engine.load(LT)
    result = rb.evaluate_case(engine.read_case(LT / "examples" / "newborn-2010.yaml"))
    warning = next(w for w in result.warnings if str(w).startswith("state_supported_income"))
    assert "has confidence 'medium'" in warning
    assert "имеет достоверность 'medium'" in warning.text("ru")
    assert "patikimumas 'medium'" in warning.text("lt")
    shown = json.loads(json.dumps(result.as_dict()))["warnings"]  # what --format json writes
    assert str(warning) in shown and not any("достоверность" in w for w in shown)


def test_statute_show_writes_the_engines_words_in_the_rulebooks_language():
    """`statute show` of a Russian rulebook: the engine's words (kind, 'applies if', the
    roles' descriptions) in Russian, the rulebook's own (ids, titles, expressions) as
    written; --lang en switches only the engine's words."""
    ru = statute("show", RU, "sick_pay_total")
    assert ru.returncode == 0, ru.stderr
    assert "применяется, если: given(illness.start_date)" in ru.stdout
    assert "читает решения: daily_benefit" in ru.stdout
    assert "дата, по которой выбираются редакции правил" in ru.stdout
    assert "applies if" not in ru.stdout
    en = statute("show", RU, "sick_pay_total", "--lang", "en")
    assert "applies if: given(illness.start_date)" in en.stdout
    assert "Пособие по временной нетрудоспособности за весь период" in en.stdout
    listing = statute("show", RU, "--lang", "lt")
    assert "(money, pagal įvykį)" in listing.stdout
