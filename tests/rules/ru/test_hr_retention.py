"""The Russian retention periods of HR documents (rules/ru/hr-retention).

The rulebook's own YAML tests (tests/*.yaml) must pass, must kill every mutant below (a
copy of the rulebook with one period, mark, boundary or count changed), and bad input
must be refused with a clear error naming the fact (exit 2), never answered.
Contract: ../shared/spec/ru-hr-retention.md.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import engine
from engine.testing.cases import collect, run_case
from engine.testing.mutation import Mutant, killed_by

ROOT = Path(__file__).resolve().parents[3]
RULEBOOK = ROOT / "rules" / "ru" / "hr-retention"
LIST = "articles/perechen-431-463.yaml"

MUTANTS = [
    # (name, file, text, replacement): the text must be unique in the file
    ("ст. 434 п. «в» 5 -> 3 years", LIST,
     "        - {key: order_internal_investigation, cite: ст. 434 п. «в», title: \"… о служебных "
     "проверках\", retention_period: {years: 5, kind: years, epk: false}, destroy_not_before: "
     "\"add_years(counted_from_closing, 5)\"",
     "        - {key: order_internal_investigation, cite: ст. 434 п. «в», title: \"… о служебных "
     "проверках\", retention_period: {years: 3, kind: years, epk: false}, destroy_not_before: "
     "\"add_years(counted_from_closing, 3)\""),
    ("ст. 453 3 -> 5 years", LIST,
     "retention_period: {years: 3, kind: years, epk: false}, destroy_not_before: "
     "\"add_years(counted_from_closing, 3)\", retention_status: status_by_date}\n"
     "        - {key: disciplinary_documents",
     "retention_period: {years: 5, kind: years, epk: false}, destroy_not_before: "
     "\"add_years(counted_from_closing, 5)\", retention_status: status_by_date}\n"
     "        - {key: disciplinary_documents"),
    ("ст. 446 fixed 50 -> 50/75", LIST,
     "retention_period: {years: 50, kind: years, epk: false}, destroy_not_before: "
     "\"add_years(counted_from_closing, 50)\", retention_status: status_by_date",
     "retention_period: {years: personnel_years, kind: years, epk: false}, destroy_not_before: "
     "personnel_destroy_date, retention_status: status_personnel"),
    ("ст. 445 without ЭПК", LIST,
     "cite: ст. 445, title: \"Личные дела руководителей и работников организаций\", "
     "retention_period: {years: personnel_years, kind: years, epk: true}, destroy_not_before: "
     "personnel_destroy_date, retention_status: status_personnel_epk",
     "cite: ст. 445, title: \"Личные дела руководителей и работников организаций\", "
     "retention_period: {years: personnel_years, kind: years, epk: false}, destroy_not_before: "
     "personnel_destroy_date, retention_status: status_personnel"),
    ("ст. 452 ЭПК dropped", LIST,
     "retention_period: {years: 5, kind: years, epk: true}, destroy_not_before: "
     "\"add_years(counted_from_closing, 5)\", retention_status: status_by_date_epk",
     "retention_period: {years: 5, kind: years, epk: false}, destroy_not_before: "
     "\"add_years(counted_from_closing, 5)\", retention_status: status_by_date"),
    ("75 -> 74 years", "parameters/personnel_years_before_2003.yaml",
     "    value: 75\n", "    value: 74\n"),
    ("50 -> 49 years", "parameters/personnel_years_from_2003.yaml",
     "    value: 50\n", "    value: 49\n"),
    ("the 2003 boundary a day later", "parameters/personnel_75_years_closed_before.yaml",
     "    value: 2003-01-01\n", "    value: 2003-01-02\n"),
    ("the 2003 boundary a day earlier", "parameters/personnel_75_years_closed_before.yaml",
     "    value: 2003-01-01\n", "    value: 2002-12-31\n"),
    ("the split by < read as <=", "definitions.yaml",
     "expr: document.file_closed_on < personnel_75_years_closed_before",
     "expr: document.file_closed_on <= personnel_75_years_closed_before"),
    ("the +1 year of the count dropped", "definitions.yaml",
     "make_date(year(document.file_closed_on) + 1, 1, 1))\n\n  counted_from_replacement",
     "make_date(year(document.file_closed_on), 1, 1))\n\n  counted_from_replacement"),
    ("the +1 year dropped for 50/75", "definitions.yaml",
     "add_years(make_date(year(document.file_closed_on) + 1, 1, 1), personnel_years))",
     "add_years(make_date(year(document.file_closed_on), 1, 1), personnel_years))"),
    ("counted from the closing day, not 1 January", "definitions.yaml",
     "make_date(year(document.file_closed_on) + 1, 1, 1))\n\n  counted_from_replacement",
     "add_days(document.file_closed_on, 1))\n\n  counted_from_replacement"),
    ("the consent counted from the closing year", "definitions.yaml",
     "make_date(year(document.consent_ended_on) + 1, 1, 1)",
     "make_date(year(document.file_closed_on) + 1, 1, 1)"),
    ("the replacement counted from the replacement day", "definitions.yaml",
     "make_date(year(document.replaced_on) + 1, 1, 1)", "add_days(document.replaced_on, 1)"),
    ("harmful work ignored for leave orders", LIST,
     "retention_period: {years: \"personnel_years if employee.harmful_or_dangerous_work else 5\""
     ", kind: years, epk: false}, destroy_not_before: \"personnel_destroy_date if "
     "employee.harmful_or_dangerous_work else add_years(counted_from_closing, 5)\", "
     "retention_status: \"status_personnel if employee.harmful_or_dangerous_work else "
     "status_by_date\", reading: \"примечание (1) к ст. 434: «Об отпусках",
     "retention_period: {years: 5, kind: years, epk: false}, destroy_not_before: "
     "\"add_years(counted_from_closing, 5)\", retention_status: status_by_date, reading: "
     "\"примечание (1) к ст. 434: «Об отпусках"),
    ("harmful work applied to duty orders", LIST,
     "        - {key: order_duty_non_core, cite: ст. 434 п. «б», title: \"… о дежурствах, не "
     "связанных с основной (профильной) деятельностью\", retention_period: {years: 5, kind: "
     "years, epk: false}",
     "        - {key: order_duty_non_core, cite: ст. 434 п. «б», title: \"… о дежурствах, не "
     "связанных с основной (профильной) деятельностью\", retention_period: {years: "
     "\"personnel_years if employee.harmful_or_dangerous_work else 5\", kind: years, epk: false}"),
    ("ч. 3 review dropped", "definitions.yaml",
     "if organization.archive_acquisition_source and cite('ст. 22.1 ч. 3', True)",
     "if False and cite('ст. 22.1 ч. 3', True)"),
    ("claimed originals kept anyway", LIST,
     "    requires: not document.claimed", "    requires: \"True\""),
    ("consent waits for nothing", LIST,
     "    requires: given(document.consent_ended_on)", "    requires: \"True\""),
    ("coverage from 2020-02-17", "rulebook.yaml", "  from: 2020-02-18\n", "  from: 2020-02-17\n"),
    # rows that only tests/rows.yaml pins (each survived the other tests)
    ("ст. 444 without ЭПК", LIST,
     "cite: ст. 444, title: \"Личные карточки работников, в том числе государственных и "
     "муниципальных служащих\", retention_period: {years: personnel_years, kind: years, epk: true}, "
     "destroy_not_before: personnel_destroy_date, retention_status: status_personnel_epk",
     "cite: ст. 444, title: \"Личные карточки работников, в том числе государственных и "
     "муниципальных служащих\", retention_period: {years: personnel_years, kind: years, epk: false}, "
     "destroy_not_before: personnel_destroy_date, retention_status: status_personnel"),
    ("ст. 463 п. «в» 50/75 -> a fixed 50", LIST,
     "учета движения трудовых книжек и вкладышей в них\", retention_period: {years: personnel_years, "
     "kind: years, epk: false}, destroy_not_before: personnel_destroy_date, retention_status: "
     "status_personnel",
     "учета движения трудовых книжек и вкладышей в них\", retention_period: {years: 50, "
     "kind: years, epk: false}, destroy_not_before: \"add_years(counted_from_closing, 50)\", "
     "retention_status: status_by_date"),
    ("ст. 462 п. «а» permanent -> 5 years", LIST,
     "членов руководящих и исполнительных органов организации\", retention_period: {years: null, "
     "kind: permanent, epk: false}, destroy_not_before: null, retention_status: \"'permanent'\"",
     "членов руководящих и исполнительных органов организации\", retention_period: {years: 5, "
     "kind: years, epk: false}, destroy_not_before: \"add_years(counted_from_closing, 5)\", "
     "retention_status: status_by_date"),
    ("ст. 462 п. «д» until_replaced -> until_event", LIST,
     "кандидатов на выдвижение по должности\", retention_period: {years: null, kind: until_replaced",
     "кандидатов на выдвижение по должности\", retention_period: {years: null, kind: until_event"),
    ("ст. 462 п. «д» cited as п. «е»", LIST,
     "{key: list_promotion_candidates, cite: ст. 462 п. «д»,",
     "{key: list_promotion_candidates, cite: ст. 462 п. «е»,"),
    ("harmful work applied to internal investigations", LIST,
     "        - {key: order_internal_investigation, cite: ст. 434 п. «в», title: \"… о служебных "
     "проверках\", retention_period: {years: 5, kind: years, epk: false}",
     "        - {key: order_internal_investigation, cite: ст. 434 п. «в», title: \"… о служебных "
     "проверках\", retention_period: {years: \"personnel_years if employee.harmful_or_dangerous_work "
     "else 5\", kind: years, epk: false}"),
    ("the replacement day's status cites the counting rule", LIST,
     "destroy_not_before: document.replaced_on, retention_status: status_by_replacement_day, "
     "reading: \"«До замены новыми» → document.replaced_on: уничтожить можно со дня замены\"}\n"
     "        - {key: ethics_compliance_report",
     "destroy_not_before: document.replaced_on, retention_status: status_after_event, "
     "reading: \"«До замены новыми» → document.replaced_on: уничтожить можно со дня замены\"}\n"
     "        - {key: ethics_compliance_report"),
]


@pytest.fixture(scope="module")
def cases():
    return collect([RULEBOOK / "tests"])


def test_the_rulebooks_own_tests_pass(cases):
    failed = [c.name for c in cases if not run_case(c).passed]
    assert not failed and len(cases) >= 120


def test_every_row_of_the_list_has_its_own_case():
    # tests/rows.yaml: one case per kind, with the page's period, kind, ЭПК and citations
    rows = collect([RULEBOOK / "tests" / "rows.yaml"])
    kinds = [c.data["facts"]["document"]["kind"] for c in rows]
    rb = engine.load(RULEBOOK)
    assert sorted(kinds) == sorted(rb.facts["document.kind"].values)


@pytest.mark.parametrize("name, file, old, new", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_the_rulebooks_tests_kill_the_mutant(tmp_path, name, file, old, new):
    failed = killed_by(RULEBOOK, Mutant(name, file, old, new), tmp_path)
    assert failed, f"{name}: every test still passes; the tests do not pin this"


def test_the_table_has_a_row_for_every_kind():
    rb = engine.load(RULEBOOK)
    rows = {r.row for r in rb.decisions["retention_period"].rules if r.row is not None}
    assert len(rows) == 59 and rows == set(rb.facts["document.kind"].values)


def test_the_table_view_prints_all_59_rows():
    out = subprocess.run([sys.executable, "-m", "engine.cli", "show", str(RULEBOOK),
                          "retention_period", "--table"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    # the engine's words in the rulebook's language (ru: 59 takes the genitive plural)
    assert lines[0].startswith("personnel_list: 59 строк с ключом document.kind")
    assert lines[2].startswith("ст. 431 | registry_federal_civil_service_positions")
    assert lines[-1].startswith("ст. 463 п. «к» | register_service_passports")
    assert len(lines) == 61


BAD = [
    # (name, facts YAML under document:, what the error must name)
    ("kind outside the list", "    kind: payroll\n", ["document.kind", "'payroll' is not one of"]),
    ("misspelt kind", "    kind: personal_fil\n",
     ["document.kind", "'personal_fil'", "did you mean 'personal_file'?"]),
    ("impossible closing date", "    kind: personal_file\n    file_closed_on: 2001-02-30\n",
     ["document.file_closed_on", "'2001-02-30' is not a valid calendar date"]),
    ("a bool that is text", "    kind: original_personal_documents\n    claimed: yes\n",
     ["document.claimed", "'yes' is not true or false"]),
    ("an unknown fact", "    kind: personal_file\n    closed_on: 2001-02-03\n",
     ["document.closed_on"]),
    ("a date that is a number", "    kind: personal_file\n    file_closed_on: 2001\n",
     ["document.file_closed_on"]),
]


@pytest.mark.parametrize("name, body, names", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_naming_the_fact(tmp_path, name, body, names):
    case = tmp_path / "case.yaml"
    case.write_text('"on": 2024-03-01\nfacts:\n  document:\n' + body, encoding="utf-8")
    # the messages are compared in English (the rulebook's own language, Russian, is the
    # default; tests/engine/test_messages_in_language.py checks that)
    out = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(RULEBOOK), str(case),
                          "--lang", "en"], capture_output=True, text=True)
    assert out.returncode == 2, out.stdout + out.stderr
    assert not out.stdout
    for n in names:
        assert n in out.stderr, out.stderr


SEED = ROOT.parent / "shared" / "seeds" / "002_99cf356a00f1890a.txt"


def _pieces(text):
    """The parts of a row's name or a rule's text that must stand in the seed as written:
    split where the rulebook joins them (an item's «…», its article's heading «: »)."""
    text = " ".join(text.split())
    parts = []
    for part in text.split("…"):
        parts += [p.strip(" ;") for p in part.split(": ") if p.strip(" ;")]
    return parts


# The one word the page adds to the seed: п. «б» of ст. 434 is split in two rows, and the
# second part («…, дежурствах, …») takes the preposition of the item (ru-hr-retention.md).
ADDED_BY_THE_PAGE = {("order_duty_non_core", "о дежурствах"): "дежурствах"}


def test_the_rows_names_and_notes_are_the_seeds_words():
    # The list's text is quoted from the seed only (ru-hr-retention.md, Sources): a name or a
    # note not found there, word for word, was not copied from it.
    if not SEED.is_file():
        pytest.skip("the seed is not beside the project")
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    doc = yaml.safe_load((RULEBOOK / LIST).read_text(encoding="utf-8"))
    missing = []
    for rule in doc["rules"]:
        if "table" in rule:
            for row in rule["table"]["rows"]:
                texts = [row["title"]] + re.findall(r"«([^»]{3,})»", row.get("reading", ""))
                for p in (p for t in texts for p in _pieces(t)):
                    for added, word in ADDED_BY_THE_PAGE.items():
                        if added[0] == row["key"] and p.startswith(added[1]):
                            p = word + p[len(added[1]):]
                    if p not in seed:
                        missing.append((row["key"], p))
        elif "when" in rule:  # the rules of the rows that wait for an event quote the row
            missing += [(rule["id"], p) for p in _pieces(rule["text"]) if p not in seed]
    assert not missing, missing


def test_the_public_examples_pass():
    shared = ROOT.parent / "shared"
    if not (shared / "tools" / "check_examples.py").is_file():
        pytest.skip("the shared examples are not beside the project")
    out = subprocess.run([sys.executable, str(shared / "tools" / "check_examples.py"),
                          str(RULEBOOK), str(RULEBOOK / "examples"), ""],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip().endswith("3 passed, 0 failed"), out.stdout + out.stderr
