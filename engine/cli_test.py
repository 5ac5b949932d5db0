"""`statute test [PATHS]`: run the rulebooks' YAML test cases (see engine.testing).

Prints each failure (expected beside actual, then the trace of each failing benefit) and
ends with the line `N passed, N failed`. Exit codes: 0 every case passed; 1 a case
failed; 2 a test file (or the rulebook it tests) is invalid, every error printed as
`file:line:col: message`.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from .errors import ErrorList, StatuteError
from .testing import collect, format_failure, run_case

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
    t.set_defaults(run=run)
    return t


def run(args: argparse.Namespace) -> int:
    try:
        cases = collect(args.paths)
    except StatuteError as e:
        for err in e.errors if isinstance(e, ErrorList) else [e]:
            print(err, file=sys.stderr)
        return 2
    if args.keyword is not None:
        cases = [c for c in cases if args.keyword.casefold() in c.name.casefold()]
    outcomes = []  # every Outcome, with its Result: what a coverage report would read
    for case in cases:
        outcomes.append(run_case(case))
        if args.verbose:
            mark = "ok  " if outcomes[-1].passed else "FAIL"
            print(f"{mark} {case.position}: {case.name}", flush=True)
    failures = [o for o in outcomes if not o.passed]
    for outcome in failures:
        print()
        print("FAIL " + format_failure(outcome), end="")
    if failures or args.verbose:
        print()
    print(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0
