"""Benchmark: the statute engine against a hand-written Decimal encoding of the same law.

    python tools/bench.py --cases 2000 [--seed 1] [--rounds 5] [--json] [--rules DIR]

What it does, in order:

1. Generates N random cases with ``tools/handwritten.random_case`` (flat facts + an
   evaluation date), seeded, so every run with the same ``--seed`` sees the same cases.
2. Agreement check, before any timing: for every case it compares the engine
   (``rb.evaluate(..., trace=False)``) with ``handwritten.evaluate`` on the three lump-sum
   benefits (``lump_sum_child_benefit``, ``lump_sum_settlement_benefit``,
   ``pregnant_woman_benefit``): status, amount and currency, and ``missing_facts`` when the
   status is ``undetermined``. Any disagreement is printed in full (up to 10) and the
   script exits 1 without timing: a speed figure for a wrong answer means nothing.
3. Times, side by side in one run, over all the cases:
     (a) ``handwritten.evaluate(facts, on)``
     (b) ``rb.evaluate(facts, on=on, decisions=LUMP_SUMS, trace=False)``
     (c) ``rb.evaluate(facts, on=on, decisions=LUMP_SUMS, trace=True)``
   in ``--rounds`` interleaved rounds (a, b, c, a, b, c, ...) so that noise on a shared
   machine hits all three alike; each figure is the median over rounds of the per-case
   time (``time.perf_counter_ns``). The engine is asked only for the three lump sums the
   hand-written code decides (the rulebook also has the monthly ``child_benefit``).
   ``rb.evaluate`` validates the facts and applies their defaults itself; that cost is
   included, as the hand-written code applies its defaults too. The rulebook is loaded
   once, outside the timings.

It prints per-case microseconds and two ratios, engine/handwritten and traced/untraced,
each against its target (<= 3.0) with PASS or MISS. It is a report: after timing it exits
0 whatever the ratios (CI runs it with a small N as a smoke check); it exits 1 only on a
disagreement.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
import handwritten  # noqa: E402

RULEBOOK = ROOT / "rules" / "lt" / "benefits-for-children"
LUMP_SUMS = ("lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit")
TARGET_ENGINE = 3.0   # engine (untraced) / handwritten
TARGET_TRACE = 3.0    # engine traced / engine untraced


def make_cases(n: int, seed: int) -> list[tuple[dict, object]]:
    rng = random.Random(seed)
    return [handwritten.random_case(rng) for _ in range(n)]


def _engine_answer(res, bid: str) -> tuple:
    r = res[bid]
    missing = tuple(r.missing_facts) if r.status == "undetermined" else ()
    return (r.status, r.amount, r.currency, missing)


def _hand_answer(hw: dict, bid: str) -> tuple:
    status, amount, currency, missing = hw[bid]
    return (status, amount, currency, tuple(missing) if status == "undetermined" else ())


def check_agreement(rb, cases) -> list[dict]:
    """Every disagreement between engine and hand-written code, one dict per benefit."""
    bad = []
    for i, (facts, on) in enumerate(cases):
        hw = handwritten.evaluate(facts, on)
        try:
            res = rb.evaluate(facts, on=on, decisions=LUMP_SUMS, trace=False)
        except Exception as e:  # an engine error on a valid case is a disagreement too
            bad.append({"case": i, "facts": facts, "on": on, "benefit": "*",
                        "engine": f"{type(e).__name__}: {e}", "handwritten": hw})
            continue
        for bid in LUMP_SUMS:
            e, h = _engine_answer(res, bid), _hand_answer(hw, bid)
            # amounts compare as numbers (Decimal('1430') == Decimal('1430.00')), and
            # additionally their string form, so a wrong quantisation is caught too
            same = e == h and str(e[1]) == str(h[1])
            if not same:
                bad.append({"case": i, "facts": facts, "on": on, "benefit": bid,
                            "engine": e, "handwritten": h})
    return bad


def _fmt_facts(facts: dict) -> str:
    return "{" + ", ".join(f"{k!r}: {v!s}" for k, v in sorted(facts.items())) + "}"


def _json_value(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def _fmt_answer(a) -> str:
    """One answer tuple as text; a whole answer dict (engine raised) benefit by benefit."""
    if isinstance(a, str):
        return a
    if isinstance(a, dict):
        return "; ".join(f"{bid}: {_fmt_answer(a[bid])}" for bid in LUMP_SUMS)
    status, amount, currency, missing = a
    s = status
    if amount is not None or currency is not None:
        s += f" {amount} {currency}"
    if missing:
        s += f" missing={list(missing)}"
    return s


def _time_all(fn, cases) -> int:
    t0 = time.perf_counter_ns()
    for facts, on in cases:
        fn(facts, on)
    return time.perf_counter_ns() - t0


def time_side_by_side(rb, cases, rounds: int) -> dict[str, list[float]]:
    """Per-case nanoseconds of each contender, one figure per round, interleaved."""
    ev = rb.evaluate

    def hand(f, on):
        return handwritten.evaluate(f, on)

    def eng(f, on):
        return ev(f, on=on, decisions=LUMP_SUMS, trace=False)

    def traced(f, on):
        return ev(f, on=on, decisions=LUMP_SUMS, trace=True)

    contenders = (("handwritten", hand), ("engine", eng), ("engine_traced", traced))
    for _, fn in contenders:        # warm-up: caches, first-call costs
        _time_all(fn, cases[:200])
    n = len(cases)
    out: dict[str, list[float]] = {name: [] for name, _ in contenders}
    for _ in range(rounds):
        for name, fn in contenders:
            out[name].append(_time_all(fn, cases) / n)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2000, help="number of random cases (2000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds (5)")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    ap.add_argument("--rules", default=str(RULEBOOK),
                    help="rulebook folder (default: rules/lt/benefits-for-children)")
    args = ap.parse_args(argv)
    if args.cases < 1 or args.rounds < 1:
        ap.error("--cases and --rounds must be at least 1")

    rb = engine.load(args.rules)
    cases = make_cases(args.cases, args.seed)

    bad = check_agreement(rb, cases)
    bad_cases = len({b["case"] for b in bad})
    agree = len(cases) - bad_cases
    if bad:
        if args.json:
            print(json.dumps({"cases": len(cases), "seed": args.seed, "agree": agree,
                              "disagree": bad_cases, "disagreements": [
                                  {"case": b["case"], "on": b["on"].isoformat(),
                                   "benefit": b["benefit"],
                                   "facts": {k: _json_value(v) for k, v in b["facts"].items()},
                                   "engine": _fmt_answer(b["engine"]),
                                   "handwritten": _fmt_answer(b["handwritten"])}
                                  for b in bad[:10]]}, indent=2))
        else:
            print(f"agreement: {agree}/{len(cases)} cases agree on all three lump sums; "
                  f"{bad_cases} disagree ({len(bad)} benefit answers)")
            for b in bad[:10]:
                print(f"\ncase #{b['case']}  on={b['on']}  benefit={b['benefit']}")
                print(f"  facts:       {_fmt_facts(b['facts'])}")
                print(f"  engine:      {_fmt_answer(b['engine'])}")
                print(f"  handwritten: {_fmt_answer(b['handwritten'])}")
            print("\nno timing: the engine and the hand-written encoding disagree")
        return 1

    t = time_side_by_side(rb, cases, args.rounds)
    med = {k: statistics.median(v) for k, v in t.items()}
    r_engine = med["engine"] / med["handwritten"]
    r_trace = med["engine_traced"] / med["engine"]
    ok_engine, ok_trace = r_engine <= TARGET_ENGINE, r_trace <= TARGET_TRACE

    if args.json:
        print(json.dumps({
            "cases": len(cases), "seed": args.seed, "rounds": args.rounds, "agree": agree,
            "per_case_us": {k: round(v / 1000, 3) for k, v in med.items()},
            "rounds_per_case_us": {k: [round(x / 1000, 3) for x in v] for k, v in t.items()},
            "ratios": {
                "engine_over_handwritten": {"value": round(r_engine, 3),
                                            "target": TARGET_ENGINE, "pass": ok_engine},
                "traced_over_untraced": {"value": round(r_trace, 3),
                                         "target": TARGET_TRACE, "pass": ok_trace},
            },
        }, indent=2))
        return 0

    print(f"agreement: {agree}/{len(cases)} cases agree on all three lump sums "
          f"(status, amount, currency, missing facts)")
    print(f"timing: {len(cases)} cases x {args.rounds} interleaved rounds, "
          f"median per-case time (seed {args.seed})")
    labels = {"handwritten": "handwritten.evaluate",
              "engine": "engine, trace=False",
              "engine_traced": "engine, trace=True"}
    for k, label in labels.items():
        spread = f"(rounds {min(t[k]) / 1000:.1f}..{max(t[k]) / 1000:.1f})"
        print(f"  {label:<22} {med[k] / 1000:9.2f} us/case  {spread}")
    print(f"  engine / handwritten   {r_engine:9.2f}x   target <= {TARGET_ENGINE:.1f}  "
          f"{'PASS' if ok_engine else 'MISS'}")
    print(f"  traced / untraced      {r_trace:9.2f}x   target <= {TARGET_TRACE:.1f}  "
          f"{'PASS' if ok_trace else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
