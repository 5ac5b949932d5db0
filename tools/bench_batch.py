"""Benchmark: `statute batch` against OpenFisca's vectorised batch, side by side.

    python tools/bench_batch.py [--cases 100000] [--rounds 3] [--memory 1000000,10000000]

The cases are bench_others.py's lump-sum cases (handwritten.random_case, the LT Arts. 5,
9 and 10 lump sums: the provisions the OpenFisca package in tools/openfisca_lt encodes).

1. Agreement before any timing: the batch's status, amount and currency equal
   `rb.evaluate`'s on every case (exactly), and OpenFisca's (to the cent) on every case.
2. In-memory compute, interleaved rounds, medians: the batch plan run on a typed frame
   (fact preparation included), against OpenFisca's `evaluate_columns` (its calculation
   from ready input arrays) — the same provisions and outputs.
3. File I/O timed apart: reading the cases from Parquet, writing the answers to Parquet.
4. With --memory: peak RSS of `statute batch` (one worker, chunks of 100 000 rows) on a
   Parquet population of each size, in a fresh process each.
A report: it exits 0 whatever the numbers, 1 on any disagreement.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
sys.path.insert(0, str(TOOLS.parent))

import polars as pl  # noqa: E402

import engine  # noqa: E402
import handwritten  # noqa: E402
from engine.batch.compile import compile_plan  # noqa: E402

RULEBOOK = TOOLS.parent / "rules" / "lt" / "benefits-for-children"
LUMP_SUMS = ("lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit")
_CENT = Decimal("0.01")


def frame_of(rb, cases) -> pl.DataFrame:
    """The cases as typed columns (what a Parquet file of the population holds)."""
    names = sorted({k for f, _ in cases for k in f})
    cols: dict = {"on": pl.Series("on", [on for _, on in cases], dtype=pl.Date)}
    for n in names:
        t = rb.facts[n].type
        vals = [f.get(n) for f, _ in cases]
        if t in ("money", "decimal"):
            cols[n] = pl.Series(n, [None if v is None else str(v) for v in vals], dtype=pl.Utf8)
        elif t == "date":
            cols[n] = pl.Series(n, vals, dtype=pl.Date)
        elif t == "bool":
            cols[n] = pl.Series(n, vals, dtype=pl.Boolean)
        elif t == "int":
            cols[n] = pl.Series(n, vals, dtype=pl.Int64)
        else:
            cols[n] = pl.Series(n, vals, dtype=pl.Utf8)
    return pl.DataFrame(cols)


def agree(rb, plan, cases, frame, have_of) -> int:
    out, errors = plan.run(frame)
    bad = len(errors)
    for e in errors[:5]:
        print("  row error:", e)
    rows = out.iter_rows(named=True)
    of_answers = None
    if have_of:
        run, tbs = have_of
        of_answers = run.evaluate_many(tbs, cases)
    for k, ((f, on), row) in enumerate(zip(cases, rows)):
        res = rb.evaluate(f, on=on, decisions=LUMP_SUMS)
        for b in LUMP_SUMS:
            r = res[b]
            got = (row[f"{b}.status"], row[f"{b}.value"], row[f"{b}.currency"])
            if got != (r.status, r.value, r.currency):
                bad += 1
                if bad <= 5:
                    print(f"  case {k} {b}: batch {got}, per case {(r.status, r.value, r.currency)}")
            if of_answers is not None:
                s, a, c, _ = of_answers[k][b]
                if (s, a, c) != (got[0], got[1], got[2]):
                    bad += 1
                    if bad <= 5:
                        print(f"  case {k} {b}: batch {got}, OpenFisca {(s, a, c)}")
    return bad


def openfisca():
    try:
        from openfisca_lt import run
    except ImportError as e:
        print(f"OpenFisca not installed ({e}): pip install -e '.[bench]'; its rows are skipped")
        return None
    return run, run.new_system()


def peak_rss(path: Path, out: Path) -> tuple[float, float]:
    code = ("import resource,sys,time;from engine.cli.main import main;t=time.time();"
            f"c=main(['batch','{RULEBOOK}','{path}','--out','{out}','--workers','1',"
            "'--decision','lump_sum_child_benefit','--decision','lump_sum_settlement_benefit',"
            "'--decision','pregnant_woman_benefit','--no-progress']);"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.time()-t)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=TOOLS.parent)
    if r.returncode not in (0, 2):
        raise SystemExit(r.stderr[-2000:])
    kb, secs = r.stdout.split()[-2:]
    return float(kb) / 1024, float(secs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--all-decisions", action="store_true", help="also time every LT decision "
                    "(lump sums and the four monthly benefits) on the shipped examples/cases.jsonl "
                    "repeated to --cases rows, after checking them against the per-case answers")
    ap.add_argument("--memory", default="", help="population sizes for the memory check, "
                    "e.g. 1000000,10000000")
    args = ap.parse_args(argv)
    rb = engine.load(RULEBOOK)
    plan = compile_plan(rb, LUMP_SUMS)
    rng = random.Random(args.seed)
    cases = [handwritten.random_case(rng) for _ in range(args.cases)]
    frame = frame_of(rb, cases)
    have_of = openfisca()
    bad = agree(rb, plan, cases, frame, have_of)
    if bad:
        print(f"DISAGREE on {bad} answers: no timing")
        return 1
    print(f"agreement: {len(cases)} cases x 3 lump sums, batch == per case"
          + (" == OpenFisca (to the cent)" if have_of else ""))
    timed: dict[str, list[float]] = {"statute batch (in memory)": []}
    if have_of:
        run, tbs = have_of
        cols = run.columns(cases)
        timed["OpenFisca vectorised (calc)"] = []
        timed["OpenFisca vectorised (from facts)"] = []
    plan.run(frame.head(1000))
    for _ in range(args.rounds):
        t = time.perf_counter()
        plan.run(frame)
        timed["statute batch (in memory)"].append(time.perf_counter() - t)
        if have_of:
            t = time.perf_counter()
            run.evaluate_columns(tbs, cols)
            timed["OpenFisca vectorised (calc)"].append(time.perf_counter() - t)
            t = time.perf_counter()
            run.evaluate_columns(tbs, run.columns(cases))
            timed["OpenFisca vectorised (from facts)"].append(time.perf_counter() - t)
    n = len(cases)
    med = {k: statistics.median(v) / n * 1e6 for k, v in timed.items()}
    base = med["statute batch (in memory)"]
    print(f"\n{n} cases, median of {args.rounds} interleaved rounds (µs per case):")
    print(f"| implementation | µs per case | cases/s | ÷ statute batch |\n|---|---|---|---|")
    for k, v in med.items():
        print(f"| {k} | {v:.2f} | {1e6 / v:,.0f} | {v / base:.2f} |")
    if have_of:
        ratio = med["OpenFisca vectorised (calc)"] / base
        print(f"\nstatute batch speed ÷ OpenFisca vectorised (calc): {ratio:.2f}x "
              f"(target >= 2): {'PASS' if ratio >= 2 else 'MISS'}")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "cases.parquet", Path(tmp) / "out.parquet"
        frame.write_parquet(src)
        from engine.batch.io import read_chunks, write_frame
        t = time.perf_counter()
        parts = list(read_chunks(src, 100_000))
        t_read = time.perf_counter() - t
        out, _ = plan.run(pl.concat(parts))
        t = time.perf_counter()
        write_frame(out, dst)
        t_write = time.perf_counter() - t
        print(f"file I/O (Parquet, timed apart): read {t_read / n * 1e6:.2f} µs/case, "
              f"write {t_write / n * 1e6:.2f} µs/case")
        sizes = [int(x) for x in args.memory.split(",") if x.strip()]
        peaks = []
        for size in sizes:
            big = Path(tmp) / f"pop-{size}.parquet"
            import pyarrow.parquet as pq
            table = frame.to_arrow()
            with pq.ParquetWriter(big, table.schema) as w:
                left = size
                while left > 0:
                    w.write_table(table.slice(0, min(left, table.num_rows)))
                    left -= table.num_rows
            mb, secs = peak_rss(big, Path(tmp) / "pop-out.parquet")
            peaks.append(mb)
            print(f"memory: {size:,} rows streamed in {secs:.1f} s, peak RSS {mb:.0f} MB")
        if len(peaks) >= 2:
            r = peaks[-1] / peaks[0]
            print(f"peak at {sizes[-1]:,} ÷ peak at {sizes[0]:,}: {r:.2f} (target <= 1.2): "
                  f"{'PASS' if r <= 1.2 else 'MISS'}")
    if args.all_decisions:
        all_decisions(rb, args.cases, args.rounds)
    _ = resource
    return 0


def all_decisions(rb, n: int, rounds: int) -> None:
    from engine.batch.io import read_chunks, row_facts
    plan = compile_plan(rb)
    cases = pl.concat(list(read_chunks(RULEBOOK / "examples" / "cases.jsonl", 10_000)))
    out, errors = plan.run(cases)
    bad = len(errors)
    for raw, got in zip(cases.iter_rows(named=True), out.iter_rows(named=True)):
        res = rb.evaluate(row_facts(rb.facts, raw), on=raw["on"], period=raw.get("period"))
        for i in rb.decisions:
            r = res[i]
            if (got[f"{i}.status"], got[f"{i}.value"], tuple(got[f"{i}.citations"])) != \
                    (r.status, r.value, tuple(r.citations)):
                bad += 1
    if bad:
        print(f"every decision: DISAGREE on {bad} answers of the shipped cases: no timing")
        return
    big = pl.concat([cases] * max(1, n // cases.height))
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        plan.run(big)
        times.append(time.perf_counter() - t)
    print(f"every LT decision (7, four of them monthly sums over the days of the month), "
          f"{big.height} rows from text columns: {statistics.median(times) / big.height * 1e6:.2f}"
          f" µs per case (agreement with the per-case answers on the {cases.height} shipped "
          "cases first)")


if __name__ == "__main__":
    sys.exit(main())
