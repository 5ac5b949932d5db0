"""`statute batch RULEBOOK INPUT --out OUTPUT`: a population decided as columns.

Exit codes: 0 every row decided; 1 the rulebook has errors or a decision has no column
form yet (named, with its rule and construct); 2 bad input or option, or (with
`--strict`) the first bad row. Bad rows are reported on stderr as `INPUT: row N: column:
message`; their answers are left empty and the others are still decided.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from engine.cli import i18n
from engine.render.messages import Message

__all__ = ["add_parser"]


def add_parser(sub: Any) -> None:
    b = sub.add_parser("batch", help="decide a population (Parquet, CSV, JSONL) as columns")
    b.add_argument("rulebook", help="rulebook folder")
    b.add_argument("input", help="cases: .parquet, .csv or .jsonl (dotted fact columns, or "
                   "one case object a line)")
    b.add_argument("--out", required=True, help="answers: .parquet, .csv or .jsonl")
    b.add_argument("--decision", action="append", metavar="ID", help="only this decision "
                   "(repeatable)")
    b.add_argument("--on", help="evaluation date YYYY-MM-DD for rows without an 'on' column")
    b.add_argument("--period", help="month YYYY-MM of the monthly decisions (default: each "
                   "row's 'period', else its 'on' month)")
    b.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="processes (default: every core)")
    b.add_argument("--chunk", type=int, default=100_000, help="rows per chunk")
    b.add_argument("--strict", action="store_true", help="stop at the first bad row")
    b.add_argument("--explain-rows", metavar="N,M", help="re-decide these rows (1-based) per "
                   "case and print their answers with the trace")
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.add_argument("--dask", metavar="SCHEDULER_ADDRESS", help="run the chunks on a Dask "
                   "cluster (the dask extra); every worker must read the rulebook folder")
    b.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine import dates
    from engine.errors import ErrorList, StatuteError
    try:
        from engine.batch.compile import PlanError, compile_plan
        from engine.batch.io import InputError
        from engine.batch.run import StrictStop, run_batch
        from polars.exceptions import ComputeError
    except ImportError as e:
        i18n.say(Message("statute batch: needs the batch extra (pip install "
                         "'statute[batch]'): {error}", error=e))
        return 2
    from engine.load.build import load
    try:
        on = dates.parse_date(args.on) if args.on else None
        period = dates.parse_month(args.period) if args.period else None
    except ValueError as e:
        i18n.say(Message("statute batch: {error}", error=e))
        return 2
    if args.chunk < 1 or args.workers < 1:
        i18n.say(Message("statute batch: --chunk and --workers must be 1 or more"))
        return 2
    try:
        rb = load(args.rulebook)
    except (ErrorList, StatuteError) as e:
        i18n.say(e)
        return 1
    try:
        plan = compile_plan(rb, args.decision)
    except PlanError as e:
        print(f"statute batch: {args.rulebook}: {e}", file=sys.stderr)
        return 1
    if args.explain_rows:
        return _explain(rb, args, on, period)

    def report(e: Any) -> None:
        print(f"{args.input}: {e}", file=sys.stderr)
    try:
        state = run_batch(plan, args.rulebook, args.input, args.out, chunk=args.chunk,
                          workers=args.workers, on=on, period=period, strict=args.strict,
                          progress=False if args.no_progress else None, report=report,
                          dask=args.dask)
    except StrictStop as e:
        print(f"{args.input}: {e.error} (--strict: nothing written)", file=sys.stderr)
        return 2
    except ComputeError as e:  # a product past 38 digits: the per-case path would refuse too
        print(f"statute batch: a chunk's arithmetic left the 38 digits of a batch decimal "
              f"(nothing written): {str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    except (InputError, PlanError) as e:
        print(f"statute batch: {e}", file=sys.stderr)
        return 2
    except ImportError as e:
        i18n.say(Message("statute batch: --dask needs the dask extra (pip install "
                         "'statute[dask]'): {error}", error=e))
        return 2
    except OSError as e:
        if args.dask is None:
            raise
        i18n.say(Message("statute batch: --dask {dask}: cannot reach the scheduler: {error}",
                         dask=args.dask, error=e))
        return 2
    i18n.say(Message("{out}: {rows} rows, {bad} bad", out=args.out, rows=state.rows,
                     bad=len(state.errors)))
    return 2 if state.errors else 0


def _explain(rb: Any, args: argparse.Namespace, on: Any, period: Any) -> int:
    """The chosen rows decided per case, with their traces (the same facts the batch
    read, nested back into groups)."""
    from engine.batch.io import read_chunks, row_facts
    from engine.errors import ErrorList
    from engine.render.text import render_text
    try:
        wanted = sorted({int(x) for x in args.explain_rows.split(",") if x.strip()})
    except ValueError:
        i18n.say(Message("statute batch: --explain-rows {rows!r}: give row numbers, e.g. 3,17",
                         rows=args.explain_rows))
        return 2
    first, found = 1, 0
    for frame in read_chunks(args.input, args.chunk):
        for k in wanted:
            if first <= k < first + frame.height:
                row = frame.row(k - first, named=True)
                facts = row_facts(rb.facts, row)
                try:
                    res = rb.evaluate(facts, on=row.get("on") or on,
                                      period=period or row.get("period"),
                                      decisions=args.decision, trace=True)
                except ErrorList as e:
                    print(f"row {k}: {e}")
                    continue
                print(f"row {k}" + (f" ({row['name']})" if row.get("name") else ""))
                print(render_text(res, trace=True))
                found += 1
        first += frame.height
    return 0 if found == len(wanted) else 2
