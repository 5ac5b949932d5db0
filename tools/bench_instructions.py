"""Instructions per case, counted by callgrind: a figure that does not drift with the load.

    python tools/bench_instructions.py [--workload month|lump] [--cases 400]
                                       [--contenders statute,traced,handwritten]

Wall-clock times on a shared machine drift; the number of instructions a case takes does
not. For each contender this runs the same Python twice under `valgrind --tool=callgrind`
on the LT rulebook: once deciding a warm-up of 50 cases only (the compiled-rulebook
cache, the generated code, the caches of the first calls), once the warm-up and then
`--cases` cases; the difference divided by `--cases` is the cost of one case. Cases come
from `tools/handwritten.py` (`random_monthly_case` for one month of the child benefit,
`random_case` for the three lump sums), seed 1. Needs valgrind (apt-get install valgrind);
a run of 400 cases takes about a minute per contender. The README's Benchmark section
quotes its figures.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r'''
import random, sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {tools!r})
import engine, handwritten
workload, contender, n, base = {workload!r}, {contender!r}, {n}, {base}
rb = engine.load({rules!r})
rng = random.Random(1)
LUMP = ("lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit")
if workload == "month":
    cases = [handwritten.random_monthly_case(rng) for _ in range(n)]
    ids, hand = ("child_benefit",), (lambda c: handwritten.child_benefit(*c))
else:
    cases = [handwritten.random_case(rng) + (None,) for _ in range(n)]
    ids, hand = LUMP, (lambda c: handwritten.evaluate(c[0], c[1]))
run = {{"statute": lambda c: rb.evaluate(c[0], on=c[1], period=c[2], decisions=ids),
        "traced": lambda c: rb.evaluate(c[0], on=c[1], period=c[2], decisions=ids,
                                        trace=True),
        "handwritten": hand}}[contender]
for c in cases[:50]:
    run(c)
if not base:
    for c in cases:
        run(c)
'''


def _count(workload: str, contender: str, n: int, base: bool) -> int:
    code = _CHILD.format(root=str(ROOT), tools=str(ROOT / "tools"), workload=workload,
                         contender=contender, n=n, base=base,
                         rules=str(ROOT / "rules" / "lt" / "benefits-for-children"))
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["valgrind", "--tool=callgrind",
                              f"--callgrind-out-file={tmp}/cg.out", sys.executable, "-c", code],
                             capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or not found:
        raise SystemExit(f"callgrind failed ({contender}):\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workload", choices=("month", "lump"), default="month")
    ap.add_argument("--cases", type=int, default=400)
    ap.add_argument("--contenders", default="statute,traced,handwritten")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is missing: apt-get install valgrind", file=sys.stderr)
        return 2
    counts = {}
    for who in args.contenders.split(","):
        per = (_count(args.workload, who, args.cases, False)
               - _count(args.workload, who, args.cases, True)) // args.cases
        counts[who] = per
        print(f"{args.workload:6s} {who:12s} {per:>9,} instructions a case "
              f"({args.cases} cases)")
    if "handwritten" in counts and "statute" in counts:
        print(f"statute / handwritten: {counts['statute'] / counts['handwritten']:.2f}x")
    if "traced" in counts and "statute" in counts:
        print(f"traced / untraced: {counts['traced'] / counts['statute']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
