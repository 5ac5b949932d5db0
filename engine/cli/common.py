"""What `statute eval` and `statute letter` share: loading the rulebook and reporting errors.

Exit codes as engine.cli.main documents them: 1 the rulebook has errors or evaluation
failed, 2 invalid input (a bad case file, a bad option).
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.errors import ErrorList, EvaluationError, StatuteError
from engine.render.messages import default_language, translator

__all__ = ["print_errors", "load_rulebook", "exit_code", "language"]


def print_errors(e: StatuteError) -> None:
    for err in e.errors if isinstance(e, ErrorList) else [e]:
        print(err, file=sys.stderr)


def load_rulebook(args: argparse.Namespace) -> tuple[Any, str] | None:
    """The rulebook `args.rulebook` and the language to explain it in, or None after
    printing the rulebook's errors."""
    from engine.load.build import load
    try:
        rb = load(args.rulebook)
        return rb, language(args, rb)
    except StatuteError as e:
        print_errors(e)
        _ = translator(args.lang or "en")
        print(_("{rulebook}: the rulebook has errors; run `statute check {rulebook}`").format(
            rulebook=args.rulebook), file=sys.stderr)
        return None


def exit_code(e: Exception) -> int:
    """Print an error met while reading the case or deciding; its exit code."""
    if isinstance(e, EvaluationError):
        print_errors(e)
        return 1
    if isinstance(e, StatuteError):
        print_errors(e)
    else:
        print(f"statute: {e}", file=sys.stderr)
    return 2


def language(args: argparse.Namespace, rb: Any) -> str:
    """--lang, else the rulebook's declared language (English when the engine has none)."""
    meta = getattr(rb, "meta", None) or {}
    return args.lang or default_language(meta.get("language"))
