"""`statute letter` and the explanation options `statute eval` shares with it.

    statute letter RULEBOOK CASE [--lang ru] [--format md|html] [--out FILE]

The letter goes to stdout, or to FILE written atomically (a reader never sees half).
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.render.messages import LANGUAGES, translator

__all__ = ["add_parser", "add_explain_options"]


def add_explain_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGUAGES, help="the language of the text "
                   "(default: the rulebook's language)")
    p.add_argument("--full", action="store_true", help="with --trace: every step, not only "
                   "the decisive path")
    p.add_argument("--law-text", action="store_true", help="with --trace: the text of each "
                   "deciding provision under its citation")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("letter", help="write a printable decision letter for a case")
    p.add_argument("rulebook", help="rulebook folder, e.g. rules/<jurisdiction>/<law>")
    p.add_argument("case", help="case file (YAML or JSON) with on, period and facts")
    p.add_argument("--on", help="evaluation date YYYY-MM-DD (overrides the case's)")
    p.add_argument("--period", help="month YYYY-MM for monthly decisions (overrides the case's)")
    p.add_argument("--decision", action="append", metavar="ID", help="only this decision "
                   "(repeatable)")
    p.add_argument("--lang", choices=LANGUAGES, help="the letter's language (default: the "
                   "rulebook's language)")
    p.add_argument("--format", choices=("md", "html"), default="md")
    p.add_argument("--out", metavar="FILE", help="write the letter to FILE (atomically)")
    p.add_argument("--as-known-on", metavar="DATE", help="decide with only the acts "
                   "published by DATE")
    p.set_defaults(run=_letter)


def _letter(args: argparse.Namespace) -> int:
    from engine import dates
    from engine.atomic import write_atomic
    from engine.cli import common
    from engine.errors import EvaluationError
    from engine.evaluate.facts import read_case
    from engine.render.letter import render_letter

    loaded = common.load_rulebook(args)
    if loaded is None:
        return 1
    rb, lang = loaded
    try:
        case = read_case(args.case)
        on = dates.parse_date(args.on) if args.on else None
        period = dates.parse_month(args.period) if args.period else None
        if args.as_known_on:
            rb = rb.known_on(args.as_known_on)
        result = rb.evaluate_case(case, on=on, period=period, decisions=args.decision,
                                  trace=True)
    except (ValueError, EvaluationError) as e:
        return common.exit_code(e)
    text = render_letter(result, case.facts, lang=lang, fmt=args.format)
    if args.out:
        write_atomic(args.out, text.encode("utf-8"), durable=True)
        _ = translator(lang)
        print(_("letter written to {file}").format(file=args.out), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
