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
from typing import Any, Callable, Mapping

__all__ = ["LANGUAGES", "DOMAIN", "LOCALE_DIR", "N_", "translator", "plural",
           "check_language", "Message", "Plural", "message_of", "text_of", "in_language"]

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


class Message(str):
    """A phrase of the engine that can be shown in any of its languages.

    The value of the string is the English text (so code that compares or prints
    messages keeps working); `text(lang)` translates the template first and fills the
    arguments after, so a translator may move the placeholders. Arguments that are
    themselves messages are shown in the same language. `limit` bounds the filled text
    and shows control characters as escapes (a message quotes input, and input may be
    huge or carry terminal escape codes); see engine.errors.
    """

    template: str
    args: Mapping[str, Any]
    limit: int | None

    def __new__(cls, template: str, /, **args: Any) -> "Message":
        return cls._make(template, args, None)

    @classmethod
    def _make(cls, template: str, args: Mapping[str, Any], limit: int | None) -> "Message":
        msg = str.__new__(cls, _bounded(template.format(**_filled(args, "en")), limit))
        msg.template, msg.args, msg.limit = template, dict(args), limit
        return msg

    def _phrase(self, lang: str) -> str:
        return translator(lang)(self.template)

    def text(self, lang: str = "en") -> str:
        """The message in `lang` (English when the catalog has no translation of it)."""
        if lang == "en":
            return str(self)
        return _bounded(self._phrase(lang).format(**_filled(self.args, lang)), self.limit)

    def bounded(self, limit: int) -> "Message":
        """This message with its filled text escaped and cut to `limit` characters."""
        return self._make(self.template, self.args, limit)

    def __reduce__(self) -> tuple:
        return (_rebuild, (type(self), self.template, self.args, self.limit))


class Plural(Message):
    """A message with a count `n`, in the plural form each language gives that count
    (`{n}` and the other placeholders are filled after the form is chosen)."""

    plural_template: str

    def __new__(cls, singular: str, plural_: str, n: int, /,  # type: ignore[override]
                **args: Any) -> "Plural":
        return cls._plural(singular, plural_, n, args, None)

    @classmethod
    def _plural(cls, singular: str, plural_: str, n: int, args: Mapping[str, Any],
                limit: int | None) -> "Plural":
        every = {**args, "n": n}
        form = singular if n == 1 else plural_
        msg = str.__new__(cls, _bounded(form.format(**_filled(every, "en")), limit))
        msg.template, msg.plural_template, msg.args, msg.limit = singular, plural_, every, limit
        return msg

    def _phrase(self, lang: str) -> str:
        return plural(lang)(self.template, self.plural_template, self.args["n"])

    def bounded(self, limit: int) -> "Plural":
        args = {k: v for k, v in self.args.items() if k != "n"}
        return self._plural(self.template, self.plural_template, self.args["n"], args, limit)

    def __reduce__(self) -> tuple:
        args = {k: v for k, v in self.args.items() if k != "n"}
        return (_rebuild_plural, (self.template, self.plural_template, self.args["n"], args,
                                  self.limit))


def _rebuild(cls: type, template: str, args: Mapping[str, Any], limit: int | None) -> Message:
    return cls._make(template, args, limit)  # type: ignore[attr-defined, no-any-return]


def _rebuild_plural(singular: str, plural_: str, n: int, args: Mapping[str, Any],
                    limit: int | None) -> Plural:
    return Plural._plural(singular, plural_, n, args, limit)


def _filled(args: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {k: v.text(lang) if isinstance(v, Message) else
            text_of(v, lang) if isinstance(v, BaseException) else v for k, v in args.items()}


def _bounded(text: str, limit: int | None) -> str:
    """`text` with control characters (but newlines) shown as escapes, cut to `limit`."""
    if limit is None:
        return text
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c in "\n" else repr(c)[1:-1] for c in text)
    if len(text) > limit:
        text = f"{text[:limit - 40]}... ({len(text)} characters)"
    return text


def in_language(text: str, lang: str) -> str:
    """`text` in `lang` when it is a Message (a phrase of the engine), else as it is."""
    return text.text(lang) if isinstance(text, Message) else text


def message_of(e: BaseException) -> str:
    """What an exception says, as a Message when it was raised with one (so a wrapping
    error can still show it in the reader's language)."""
    from engine.errors import StatuteError
    if isinstance(e, StatuteError):
        return e.message
    first = e.args[0] if len(e.args) == 1 else None
    return first if isinstance(first, Message) else str(e)


def text_of(e: BaseException, lang: str) -> str:
    """What an exception says in `lang`: the whole error line for a StatuteError."""
    from engine.errors import StatuteError
    if isinstance(e, StatuteError):
        return e.text(lang)
    msg = message_of(e)
    return msg.text(lang) if isinstance(msg, Message) else msg
