"""The message catalogs: every phrase the engine marks has a Russian and a Lithuanian
translation, and the shipped .mo files are the compiled .po files."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from engine.render.messages import LANGUAGES, translator

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("statute_messages", ROOT / "tools" / "messages.py")
assert _spec and _spec.loader
messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messages)


def test_every_marked_message_has_a_translation_and_the_mo_files_are_current():
    assert messages.problems() == []


def test_extraction_finds_the_engine_phrases():
    ids = {m.id for m in messages.extracted() if m.id}
    assert {"GRANTED", "Condition", "it would hold with {fact} {op} {limit}"} <= ids


def test_a_message_without_translation_is_reported(tmp_path, monkeypatch):
    po = tmp_path / "ru" / "LC_MESSAGES" / "statute.po"
    po.parent.mkdir(parents=True)
    src = messages.po_path("ru").read_text(encoding="utf-8")
    po.write_text(src.replace('msgstr "НАЗНАЧЕНО"', 'msgstr ""'), encoding="utf-8")
    monkeypatch.setattr(messages, "po_path",
                        lambda lang: tmp_path / lang / "LC_MESSAGES" / "statute.po")
    monkeypatch.setattr(messages, "TRANSLATED", ("ru",))
    found = messages.problems()
    assert any("no translation of 'GRANTED'" in p for p in found)


def test_the_catalogs_are_read_with_the_standard_library():
    assert translator("ru")("GRANTED") == "НАЗНАЧЕНО"
    assert translator("lt")("REFUSED") == "ATSISAKYTA"
    assert translator("en")("GRANTED") == "GRANTED"
    assert set(LANGUAGES) == {"en", "ru", "lt"}
