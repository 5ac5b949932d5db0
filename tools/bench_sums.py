"""Benchmark: sums over days decided by segments against the same sums decided day by day.

    python tools/bench_sums.py [--rounds 5] [--json]

Two workloads, each checked for identical answers first, then timed side by side in
interleaved rounds (median per run):

1. a 10-year LT schedule: the four monthly benefits of one child, 2008-01 .. 2017-12
   (120 months), facts that split some months (birthdays, the end of guardianship);
2. a 3-year interest sum: `late_interest` of the synthetic Late Wages Act
   (tests/fixtures/rulebooks/good/daily, its coverage opened to no end) over a delay of
   1 096 days across every rate change and the amendment.

It prints the days the rules were decided on (a deterministic count from the trace)
and the time ratio day-by-day / segments. A report: it exits 0 unless answers differ.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402

LT = ROOT / "rules" / "lt" / "benefits-for-children"
DAILY = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "daily"


def lt_workload():
    rb = engine.load(LT)
    ids = tuple(i for i, d in rb.decisions.items() if d.sum is not None)
    facts = {"child.birth_date": dt.date(2005, 6, 14), "household.income_per_person": "300",
             "household.children_raised": 3, "application.date": dt.date(2012, 3, 3),
             "guardianship.type": "family", "guardianship.start_date": dt.date(2009, 2, 10),
             "guardianship.end_date": dt.date(2016, 8, 20),
             "guardianship.end_reason": "other"}
    on = dt.date(2018, 1, 15)
    F = rb.vocabulary.prepare(facts, on)
    months = [dt.date(2008 + m // 12, m % 12 + 1, 1) for m in range(120)]

    def run(by_day: bool, trace: bool = False):
        return [rb._decide_all(dict(F), on, m, ids, trace, by_day=by_day) for m in months]
    return "10-year LT schedule (4 monthly benefits x 120 months)", run


def interest_workload():
    text = (DAILY / "rulebook.yaml").read_text("utf-8").replace("  to: 2021-12-31\n", "")
    rb = engine.load(DAILY, files={"rulebook.yaml": text})
    facts = {"pay.due_date": dt.date(2020, 1, 10), "pay.paid_date": dt.date(2023, 1, 10),
             "pay.amount": "30000"}
    on = dt.date(2023, 2, 1)
    F = rb.vocabulary.prepare(facts, on)

    def run(by_day: bool, trace: bool = False):
        return [rb._decide_all(dict(F), on, None, ("late_interest",), trace, by_day=by_day)]
    return "3-year interest sum (1 096 days of delay)", run


def decided(results) -> int:
    return sum(s.outcome for res in results for r in res for s in r.trace
               if s.kind == "decided")


def measure(run, rounds: int) -> dict:
    seg, day = run(False), run(True)
    same = all(a[i].as_dict() == b[i].as_dict()
               for ra, rb_ in zip(seg, day) for a, b in ((ra, rb_),) for i in a.decisions)
    counts = {"segments": decided(run(False, True)), "by_day": decided(run(True, True))}
    times: dict[str, list[float]] = {"segments": [], "by_day": []}
    for _ in range(rounds):
        for name, flag in (("segments", False), ("by_day", True)):
            t0 = time.perf_counter()
            run(flag)
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"same_answers": same, "days_decided": counts,
            "ms": {k: round(v * 1000, 3) for k, v in med.items()},
            "speedup": round(med["by_day"] / med["segments"], 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    out = {}
    for make in (lt_workload, interest_workload):
        label, run = make()
        out[label] = measure(run, max(1, args.rounds))
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for label, m in out.items():
            print(f"{label}: answers {'identical' if m['same_answers'] else 'DIFFER'}; days "
                  f"decided {m['days_decided']['segments']} (segments) vs "
                  f"{m['days_decided']['by_day']} (day by day); {m['ms']['segments']} ms vs "
                  f"{m['ms']['by_day']} ms: {m['speedup']}x faster by segments")
    return 0 if all(m["same_answers"] for m in out.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
