"""The `statute` command: check rulebooks, evaluate cases.

Exit codes: 0 success; 1 the rulebook has errors (check) or evaluation failed;
2 invalid input (bad case file, bad option). Errors are printed as
`file:line:col: message`, never as a traceback, in the language of `--lang`, else of
the rulebook named on the command line, else English (engine.cli.i18n).

Each command imports what it needs when it runs (see tools/bench_startup.py): start-up
is most of the time of a one-case `statute eval`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from engine.cli import test as cli_test
from engine import dates
from engine.errors import ErrorList, EvaluationError, StatuteError
from engine.cli import history as cli_history
from engine.cli import show as cli_show
from engine.cli import lsp as cli_lsp
from engine.cli import serve as cli_serve
from engine.cli import letter as cli_letter
from engine.cli import i18n
from engine.render.messages import Message, Plural

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    lang = i18n.language(words)
    i18n.use(lang)
    with i18n.argparse_in(lang):
        parser = _parser()
        i18n.add_lang_options(parser)
        i18n.translate_parser(parser, lang)
        args = parser.parse_args(words)
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a full disk or a closed pipe is found here, not at exit
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # a file that cannot be read or an output that cannot be written
        where = f"{e.filename}: " if e.filename else "output: "
        shown = where if len(where) <= 200 else where[:120] + "…: "
        try:
            i18n.say(f"statute: {shown}{e.strerror or e}")
        except OSError:
            pass
        return 2 if e.filename else 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="statute", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="validate rulebooks: schemas, expressions, versions")
    c.add_argument("paths", nargs="+", help="a rulebook folder, or a folder holding rulebooks")
    c.add_argument("--today", help="the date freshness is judged against (default: today)")
    c.add_argument("--fix-modelines", action="store_true", help="first write the "
                   "yaml-language-server $schema line into every rulebook file (editors' "
                   "schema completion)")
    c.set_defaults(run=_check)

    e = sub.add_parser("eval", help="evaluate a case against a rulebook")
    e.add_argument("rulebook", help="rulebook folder, e.g. rules/<jurisdiction>/<law>")
    e.add_argument("case", help="case file (YAML or JSON) with on, period and facts")
    e.add_argument("--on", help="evaluation date YYYY-MM-DD (overrides the case's)")
    e.add_argument("--period", help="month YYYY-MM for monthly decisions (overrides the case's)")
    e.add_argument("--from", dest="start", metavar="YYYY-MM",
                   help="first month of a schedule of the monthly decisions (with --to)")
    e.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month of the schedule")
    e.add_argument("--decision", action="append", metavar="ID", help="decide only this decision "
                   "(repeatable)")
    e.add_argument("--format", choices=("text", "json"), default="text")
    e.add_argument("--trace", action="store_true", help="explain each decision: its "
                   "decisive path (text) or every step (JSON)")
    cli_letter.add_explain_options(e)
    e.add_argument("--as-known-on", metavar="DATE", help="decide with only the acts published "
                   "by DATE (the answer a caseworker could have given then)")
    e.set_defaults(run=_eval)
    cli_history.add_parsers(sub)

    cli_test.add_parser(sub)
    cli_show.add_parser(sub)
    cli_lsp.add_parser(sub)
    cli_serve.add_parser(sub)
    cli_letter.add_parser(sub)
    from engine.cli import batch as cli_batch  # polars is imported when it runs
    cli_batch.add_parser(sub)
    return p


def _check(args: argparse.Namespace) -> int:
    from engine.check import check

    roots = []
    for path in args.paths:
        p = Path(path)
        if (p / "rulebook.yaml").is_file():
            roots.append(p)
        elif p.is_dir():
            roots.extend(sorted(f.parent for f in p.rglob("rulebook.yaml")))
        elif p.is_file():
            i18n.say(Message("{path}: a file, not a rulebook folder; give the folder that "
                             "holds rulebook.yaml (or a folder of rulebooks)", path=path))
            return 2
        else:
            i18n.say(Message("{path}: no such folder", path=path))
            return 2
    if not roots:
        i18n.say(Message("{paths}: no rulebook.yaml found", paths=", ".join(args.paths)))
        return 1
    try:
        today = _today(args)
    except ValueError as e:
        i18n.say(Message("statute: --today: {error}", error=e))
        return 2
    if args.fix_modelines:
        from engine.check.modelines import fix_modelines
        for root in roots:
            i18n.say(Plural("{root}: the schema modeline written in {n} file",
                            "{root}: the schema modeline written in {n} files",
                            len(fix_modelines(root)), root=root), sys.stdout)
    failed = 0
    for root in roots:
        report = check(root, today=today)
        for err in report.errors:
            i18n.say(err)
        if report.ok:
            i18n.say(report.summary(), sys.stdout)
        else:
            failed += 1
            i18n.say(report.summary())
        for w in report.warnings:
            i18n.say(Message("{root}: warning: {warning}", root=root, warning=w))
        for n in report.notes:
            i18n.say(Message("{root}: note: {note}", root=root, note=n), sys.stdout)
    return 1 if failed else 0


def _eval(args: argparse.Namespace) -> int:
    import json

    from engine.cli import common
    from engine.evaluate.facts import read_case
    from engine.render.text import render_schedule, render_text

    loaded = common.load_rulebook(args)
    if loaded is None:
        return 1
    rb, lang = loaded
    try:
        case = read_case(args.case)
        on = dates.parse_date(args.on) if args.on else None
        if (args.start is None) != (args.end is None):
            raise ValueError(Message("--from and --to go together"))
        if args.start and args.period:
            raise ValueError(Message("give either --period or --from/--to"))
        if args.as_known_on:
            rb = rb.known_on(args.as_known_on)
        if args.start:
            schedule = rb.schedule_case(case, args.start, args.end, on=on,
                                        decisions=args.decision, trace=args.trace)
            if args.format == "json":
                json.dump(schedule.as_dict(trace=args.trace), sys.stdout, indent=2,
                          ensure_ascii=False)
                sys.stdout.write("\n")
            else:
                sys.stdout.write(render_schedule(schedule, trace=args.trace, lang=lang,
                                                 full=args.full))
            return 0
        period = dates.parse_month(args.period) if args.period else None
        result = rb.evaluate_case(case, on=on, period=period, decisions=args.decision,
                                  trace=args.trace)
    except (ValueError, EvaluationError) as e:  # ValueError: every StatuteError but
        return common.exit_code(e)              # EvaluationError, and bad options
    if args.format == "json":
        json.dump(result.as_dict(trace=args.trace), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result, trace=args.trace, lang=lang, full=args.full,
                                     law_text=args.law_text))
    return 0


def _today(args: argparse.Namespace) -> "dates.Date":
    if getattr(args, "today", None):
        return dates.parse_date(args.today)
    import datetime
    return datetime.date.today()


def _print_errors(e: StatuteError) -> None:
    for err in e.errors if isinstance(e, ErrorList) else [e]:
        i18n.say(err)


