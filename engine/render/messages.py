"""The engine's own phrases in the reader's language: gettext catalogs shipped in the wheel.

Every phrase the engine writes for a person (statuses, step headings, table headers,
CLI messages) is written in English in the source, marked with `_()` or `N_()`, and
extracted with Babel (`python tools/messages.py extract`) into
`engine/render/locale/statute.pot`; the translations into each language live in
`locale/<lang>/LC_MESSAGES/statute.po` and are compiled to `.mo` files that are read
here with the standard library's gettext, so reading them needs no dependency.
English is the source language: its catalog is empty and every phrase stands as written.
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Callable

__all__ = ["LANGUAGES", "DOMAIN", "LOCALE_DIR", "N_", "translator", "plural",
           "check_language"]

DOMAIN = "statute"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "ru", "lt")
"""The languages the engine writes in; a rulebook in another language is explained in
English."""


def N_(message: str) -> str:
    """Mark a phrase for extraction where it is defined; it is translated where shown."""
    return message


def check_language(lang: str) -> str:
    """`lang` if the engine writes in it; a ValueError naming the languages otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"no messages in language {lang!r}; statute writes in "
                         f"{', '.join(LANGUAGES)}")
    return lang


@lru_cache(maxsize=None)
def translator(lang: str) -> Callable[[str], str]:
    """The gettext function of `lang` (English: phrases as written). Catalogs are read
    once per process and never changed: one translator is safe across threads."""
    return _catalog(lang).gettext


@lru_cache(maxsize=None)
def plural(lang: str) -> Callable[[str, str, int], str]:
    """The ngettext of `lang`: the form of a phrase for a count, by the language's own
    plural rules (written in each catalog's header)."""
    return _catalog(lang).ngettext


@lru_cache(maxsize=None)
def _catalog(lang: str) -> gettext.NullTranslations:
    check_language(lang)
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def default_language(declared: str | None) -> str:
    """The language to explain a rulebook declared in `declared` in: its own when the
    engine writes in it, else English."""
    return declared if declared in LANGUAGES else "en"
