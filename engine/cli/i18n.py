"""The language of the command line: `--lang`, else the rulebook's, else English.

argparse parses (and may refuse the command line) before any rulebook is loaded, so the
language is found first by a scan of argv: `--lang X`, else the `language:` line of
the first rulebook.yaml named on it (read as text, not loaded: a usage error must stay
fast and cannot depend on the rulebook being valid). argparse's own phrases ("usage:",
"the following arguments are required", ...) are translated by lending it our
translator while the parser is built and run; our help texts are translated in place.
"""
from __future__ import annotations

import argparse
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence, TextIO

from engine.render.messages import LANGUAGES, N_, default_language, plural, translator

__all__ = ["language", "declared_language", "current", "use", "say", "argparse_in",
           "add_lang_options", "translate_parser", "ARGPARSE"]

_current = "en"

ARGPARSE = (  # argparse's phrases a person reads (extracted from here into the catalogs)
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"), N_("expected one argument"),
    N_("expected at least one argument"), N_("expected at most one argument"),
    N_("invalid %(type)s value: %(value)r"), N_("argument %(argument_name)s: %(message)s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"), N_("ignored explicit argument %r"),
    N_("one of the arguments %s is required"), N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def _ngettext_marks() -> None:  # never called: marks argparse's plural phrase for extraction
    ngettext = plural("en")  # pragma: no cover
    ngettext("expected %s argument", "expected %s arguments", 2)  # pragma: no cover


_LANGUAGE_LINE = re.compile(r"^language:\s*[\"']?([A-Za-z_-]+)", re.M)


def language(argv: Sequence[str]) -> str:
    """The language the command line `argv` is answered in."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGUAGES:
            return arg[7:]
    for arg in argv:
        if arg.startswith("-"):
            continue
        declared = _declared(arg)
        if declared:
            return default_language(declared)
    return "en"


def declared_language(text: str) -> str | None:
    """The `language:` a rulebook.yaml's text declares, read without parsing the YAML."""
    found = _LANGUAGE_LINE.search(text)
    return found.group(1) if found else None


def _declared(arg: str) -> str | None:
    """The `language:` of the rulebook `arg` is (or lies in), None when it is none."""
    try:
        p = Path(arg)
        for folder in (p, *list(p.parents)[:3]):
            book = folder / "rulebook.yaml"
            if book.is_file():
                with book.open(encoding="utf-8", errors="replace") as fh:
                    return declared_language(fh.read(65536))
    except (OSError, ValueError):  # a name the file system refuses is no rulebook
        pass
    return None


def use(lang: str) -> None:
    """Answer this run in `lang` (see `current`)."""
    global _current
    _current = lang


def current() -> str:
    """The language this run of the command line answers in."""
    return _current


def say(message: object, file: TextIO | None = None) -> None:
    """Print a message, an error (each of an ErrorList's on a line) or text, in the
    language of this run; to stderr unless `file` is given."""
    from engine.errors import StatuteError
    from engine.render.messages import Message, text_of
    if isinstance(message, StatuteError):
        text = message.text(_current)
    elif isinstance(message, BaseException):
        text = text_of(message, _current)
    elif isinstance(message, Message):
        text = message.text(_current)
    else:
        text = str(message)
    print(text, file=sys.stderr if file is None else file)


@contextmanager
def argparse_in(lang: str) -> Iterator[None]:
    """argparse writes its own phrases in `lang` inside this block."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = translator(lang), plural(lang)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def add_lang_options(parser: argparse.ArgumentParser) -> None:
    """`--lang` on every subcommand that has none of its own: the language of its
    messages and errors (the pre-scan above reads it before argparse does)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                if "--lang" not in sub._option_string_actions:
                    sub.add_argument("--lang", choices=LANGUAGES, help="the language of "
                                     "messages and errors (default: the rulebook's language)")


def translate_parser(parser: argparse.ArgumentParser, lang: str) -> None:
    """The help and description texts of `parser` and its subcommands in `lang`."""
    if lang == "en":
        return
    _ = translator(lang)
    seen: set[int] = set()

    def walk(p: argparse.ArgumentParser) -> None:
        if id(p) in seen:
            return
        seen.add(id(p))
        if p.description:
            p.description = _(p.description)
        for action in p._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                action.help = _(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.help:
                        choice.help = _(choice.help)
                for sub in action.choices.values():
                    walk(sub)
    walk(parser)
