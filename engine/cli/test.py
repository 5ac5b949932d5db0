"""`statute test [PATHS]`: run the rulebooks' YAML test cases (see engine.testing).

Prints each failure (expected beside actual, then the trace of each failing decision) and
ends with the line `N passed, N failed`. Exit codes: 0 every case passed; 1 a case
failed; 2 a test file (or the rulebook it tests) is invalid, every error printed as
`file:line:col: message`.
"""
from __future__ import annotations

from engine.cli import i18n
from engine.render.messages import Plural, translator

import argparse
import sys
from typing import Any

from engine.errors import ErrorList, StatuteError

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the `test` subcommand to the `statute` subparsers `sub`."""
    t = sub.add_parser("test", help="run the YAML test cases in rulebooks' tests/ folders",
                       description="Run the YAML test cases in rulebooks' tests/ folders; "
                                   "end with the line `N passed, N failed`.")
    t.add_argument("paths", nargs="*", default=["rules/"], metavar="PATH",
                   help="a test file, or a folder searched for rulebooks' tests/*.yaml "
                        "(default: rules/)")
    t.add_argument("-v", "--verbose", action="store_true", help="list every case as it runs")
    t.add_argument("-k", dest="keyword", metavar="SUBSTR",
                   help="run only the cases whose name contains SUBSTR (ignoring case)")
    t.add_argument("--coverage", action="store_true",
                   help="list every amendment boundary of the timeline and whether a passing "
                        "test decides each side of it (by the applicable date)")
    t.add_argument("--require-coverage", action="store_true",
                   help="like --coverage, and count each uncovered boundary as a failure")
    t.set_defaults(run=run)
    return t


def run(args: argparse.Namespace) -> int:
    from engine.testing.cases import collect, format_failure, run_case

    try:
        cases = collect(args.paths)
    except StatuteError as e:
        for err in e.errors if isinstance(e, ErrorList) else [e]:
            i18n.say(err)
        return 2
    if args.keyword is not None:
        every = len(cases)
        cases = [c for c in cases if args.keyword.casefold() in c.name.casefold()]
        if not cases:  # a run that tests nothing is not a pass
            i18n.say(Plural("no test case's name contains {keyword!r} (of {n} case); nothing "
                            "was run", "no test case's name contains {keyword!r} (of {n} cases); "
                            "nothing was run", every, keyword=args.keyword))
            print("0 passed, 0 failed")
            return 1
    outcomes = []  # every Outcome, with its Result: what a coverage report would read
    for case in cases:
        outcomes.append(run_case(case))
        if args.verbose:
            mark = "ok  " if outcomes[-1].passed else "FAIL"
            print(f"{mark} {case.position}: {case.name}", flush=True)
    failures = [o for o in outcomes if not o.passed]
    for outcome in failures:
        print()
        print("FAIL " + format_failure(outcome, i18n.current()), end="")
    if failures or args.verbose:
        print()
    uncovered = 0
    if args.coverage or args.require_coverage:
        uncovered = _coverage(outcomes)
        print()
    failed = len(failures) + (uncovered if args.require_coverage else 0)
    if args.require_coverage and uncovered:
        i18n.say(Plural("{n} uncovered boundary counted as failed (--require-coverage)",
                        "{n} uncovered boundaries counted as failed (--require-coverage)",
                        uncovered), sys.stdout)
    # the last line is the run's result for scripts and CI: the same in every language
    print(f"{len(cases) - len(failures)} passed, {failed} failed")
    return 1 if failed else 0


def _coverage(outcomes: list) -> int:
    """Print the amendment coverage of each rulebook tested; return the uncovered count."""
    from engine.amend.coverage import measure

    by_rulebook: dict[str, tuple[Any, list]] = {}
    for o in outcomes:
        rb = o.case.rulebook
        entry = by_rulebook.setdefault(rb.root, (rb, []))
        # a case decided as known on a past date tests other law: it covers nothing here
        if o.passed and o.result is not None and "as_known_on" not in o.case.data:
            entry[1].append((f"{o.case.file}:{o.case.line}", o.result,
                             set(o.case.data.get("expect", {}))))
    uncovered = 0
    _ = translator(i18n.current())
    for rb, results in by_rulebook.values():
        found = measure(rb, results)
        missing = [b for b in found if not b.covered]
        uncovered += len(missing)
        print(_("amendment coverage of {id}: {tested} of {n} boundaries tested on both "
                "sides").format(id=rb.id, tested=len(found) - len(missing), n=len(found)))
        for b in found:
            mark = "ok  " if b.covered else "MISS"
            if not b.reachable:
                print(f"  --   {b.date}  {b.what}  [{b.act or _('no act')}]  " + _(
                    "(unreachable: no decision reads it; not required)"))
                continue
            sides = _("before {before}, after {after}").format(before=len(b.tests_before),
                                                              after=len(b.tests_after))
            print(f"  {mark} {b.date}  {b.what}  [{b.act or _('no act')}]  ({sides})")
            if not b.covered:
                side = "before" if not b.tests_before else "after"
                lo, hi = getattr(b, side)
                print("       " + _("no passing test of {decisions} reading a date in {span} "
                                    "(an applicable date, a day of a sum, at())").format(
                    decisions=", ".join(b.decisions), span=_span(lo, hi)))
    return uncovered


def _span(lo: Any, hi: Any) -> str:
    import datetime as dt
    left = "..." if lo == dt.date.min else str(lo)
    right = "..." if hi == dt.date.max else str(hi)
    return f"{left}..{right}"
