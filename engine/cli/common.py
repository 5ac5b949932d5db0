"""What `statute eval` and `statute letter` share: loading the rulebook and reporting errors.

Exit codes as engine.cli.main documents them: 1 the rulebook has errors or evaluation
failed, 2 invalid input (a bad case file, a bad option).
"""
from __future__ import annotations

import argparse
from typing import Any

from engine.cli import i18n
from engine.errors import ErrorList, EvaluationError, StatuteError
from engine.render.messages import Message, default_language

__all__ = ["print_errors", "load_rulebook", "exit_code", "language"]


def print_errors(e: StatuteError) -> None:
    """Each error on a line of stderr, in the language of this run."""
    for err in e.errors if isinstance(e, ErrorList) else [e]:
        i18n.say(err)


def load_rulebook(args: argparse.Namespace) -> tuple[Any, str] | None:
    """The rulebook `args.rulebook` and the language to explain it in, or None after
    printing the rulebook's errors."""
    from engine.load.build import load
    try:
        rb = load(args.rulebook)
        return rb, language(args, rb)
    except StatuteError as e:
        print_errors(e)
        i18n.say(Message("{rulebook}: the rulebook has errors; run `statute check {rulebook}`",
                         rulebook=args.rulebook))
        return None


def exit_code(e: Exception) -> int:
    """Print an error met while reading the case or deciding; its exit code."""
    if isinstance(e, EvaluationError):
        print_errors(e)
        return 1
    if isinstance(e, StatuteError):
        print_errors(e)
    else:
        i18n.say(Message("statute: {error}", error=e))
    return 2


def language(args: argparse.Namespace, rb: Any) -> str:
    """--lang, else the rulebook's declared language (English when the engine has none)."""
    meta = getattr(rb, "meta", None) or {}
    return args.lang or default_language(meta.get("language"))
