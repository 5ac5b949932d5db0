"""Benchmark: statute against OpenFisca and GoRules zen-engine on the same law and cases.

    python tools/bench_others.py --cases 2000 [--seed 1] [--rounds 5] [--json]

Needs the ``bench`` extra (``pip install -e '.[bench]'``: openfisca-core, zen-engine). Without
one of them it prints which to install, skips its rows and still times the others (exit 0).

The cases are bench.py's lump-sum cases (``handwritten.random_case`` drawn from
``random.Random(--seed)``, so the same seed gives the same cases), the provisions those
of tools/handwritten.py: the three lump sums of the Lithuanian Law on Benefits for Children
(Art. 5 lump sum child benefit, Art. 9 settlement benefit, Art. 10 pregnant woman benefit,
each a multiple of the base social benefit on its applicable date).

1. Agreement, before any timing, on EVERY case and for every implementation against
   ``handwritten.evaluate``: status, amount, currency, and missing facts when undetermined.
   Amounts are compared rounded to the cent (statute and handwritten compute in Decimal,
   zen in its own decimal type, OpenFisca in float32 arrays). Any difference is printed
   (up to 10) and the script exits 1 without timing.
2. Timing, side by side in one process, in ``--rounds`` interleaved rounds (every
   implementation once per round over all the cases, as bench.py does); each figure is
   the median over rounds of the per-case time:
     handwritten              handwritten.evaluate(flat facts, on)
     statute                  rb.evaluate(flat facts, on=on, decisions=<3 lump sums>, trace=False)
     statute (JSON facts)     the same from nested JSON-style facts (ISO date strings), the
                              input zen gets; statute parses and validates them itself
     zen-engine               ZenDecision.evaluate(nested JSON facts) on tools/zen_lt.json
     openfisca per case       one simulation per case, built from its situation dict
     openfisca vectorised     one simulation of all N cases: input arrays built from the
                              flat facts, calculated, decoded back into per-case answers
     openfisca vec. (calc)    the same simulation from ready input arrays, calculate only
   Each implementation gets its own native input form, prepared once outside the timings
   (flat typed facts for handwritten and statute; JSON-style nested facts with ISO dates
   for zen and the statute JSON row; situation dicts for OpenFisca per case).

It does not import bench.py (so the two can change apart); the statute agreement check
here is bench.py's: status, amount, currency, missing facts, amounts also as strings.

It prints µs per case, cases per second and the ratios against handwritten and statute.
It is a report: after timing it exits 0 whatever the numbers.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
sys.path.insert(0, str(TOOLS.parent))

import engine  # noqa: E402
import handwritten  # noqa: E402
import make_cases  # noqa: E402

RULEBOOK = TOOLS.parent / "rules" / "lt" / "benefits-for-children"
LUMP_SUMS = ("lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit")
ZEN_MODEL = TOOLS / "zen_lt.json"
_CENT = Decimal("0.01")
EXTRA = "pip install -e '.[bench]'"


def _cents(x) -> Decimal | None:
    return None if x is None else Decimal(str(x)).quantize(_CENT)


def _norm(answer: dict) -> dict:
    """An answer dict (handwritten's shape) with amounts rounded to the cent."""
    out = {}
    for bid in LUMP_SUMS:
        status, amount, currency, missing = answer[bid]
        out[bid] = (str(status), _cents(amount), None if currency is None else str(currency),
                    tuple(sorted(missing)) if status == "undetermined" else ())
    return out


def gen_cases(n: int, seed: int) -> list[tuple[dict, object]]:
    """bench.py's lump-sum cases: flat facts and ``on``."""
    rng = random.Random(seed)
    return [handwritten.random_case(rng) for _ in range(n)]


def statute_answer(res) -> dict:
    out = {}
    for bid in LUMP_SUMS:
        r = res[bid]
        out[bid] = (r.status, r.amount, r.currency,
                    tuple(r.missing_facts) if r.status == "undetermined" else ())
    return out


def _exact(got: dict, want: dict, bid: str) -> bool:
    """statute against handwritten as bench.py compares them: Decimals, and as strings."""
    s, a, c, m = want[bid]
    w = (s, a, c, tuple(m) if s == "undetermined" else ())
    return got[bid] == w and str(got[bid][1]) == str(w[1])


# --------------------------------------------------------------------------- zen-engine

def zen_input(facts: dict, on) -> dict:
    inp = make_cases.nested(facts)
    inp["on"] = on.isoformat()
    return inp


def zen_answer(result: dict) -> dict:
    return {bid: (r["status"], r["amount"], r["currency"], tuple(r["missing"] or ()))
            for bid, r in ((bid, result[bid]) for bid in LUMP_SUMS)}


# --------------------------------------------------------------------------- contenders

def load_others() -> tuple[dict, list[str]]:
    """The optional engines that import, and the names of those that do not."""
    have, missing = {}, []
    try:
        import zen
        have["zen"] = zen.ZenEngine().create_decision(ZEN_MODEL.read_text())
    except ImportError:
        missing.append("zen-engine")
    try:
        import openfisca_core  # noqa: F401
        from openfisca_lt import run as of_run
        have["openfisca"] = (of_run, of_run.new_system())
    except ImportError:
        missing.append("openfisca-core")
    return have, missing


def check_all(rb, cases, have) -> tuple[dict[str, int], list[dict]]:
    """Cases checked per implementation, and every difference from handwritten."""
    bad: list[dict] = []
    checked: dict[str, int] = {}
    hand = [handwritten.evaluate(f, on) for f, on in cases]
    want = [_norm(h) for h in hand]
    for impl, arg in (("statute", lambda f, on: (f, on)),
                      ("statute (JSON facts)",
                       lambda f, on: (make_cases.nested(f), on.isoformat()))):
        for i, (f, on) in enumerate(cases):
            a, o = arg(f, on)
            try:
                got = statute_answer(rb.evaluate(a, on=o, decisions=LUMP_SUMS, trace=False))
            except Exception as e:  # an engine error on a valid case is a difference too
                bad.append({"impl": impl, "case": i, "benefit": "*",
                            "got": f"{type(e).__name__}: {e}", "want": "an answer"})
                continue
            for bid in LUMP_SUMS:
                if not _exact(got, hand[i], bid):
                    bad.append({"impl": impl, "case": i, "benefit": bid, "got": got[bid],
                                "want": hand[i][bid]})
        checked[impl] = len(cases)

    def compare(impl, i, got):
        g = _norm(got)
        for bid in LUMP_SUMS:
            if g[bid] != want[i][bid] or str(g[bid][1]) != str(want[i][bid][1]):
                bad.append({"impl": impl, "case": i, "benefit": bid, "got": g[bid],
                            "want": want[i][bid]})

    if "zen" in have:
        dec = have["zen"]
        for i, (f, on) in enumerate(cases):
            compare("zen-engine", i, zen_answer(dec.evaluate(zen_input(f, on))["result"]))
        checked["zen-engine"] = len(cases)
    if "openfisca" in have:
        run, tbs = have["openfisca"]
        for i, (f, on) in enumerate(cases):
            compare("openfisca per case", i, run.evaluate_case(tbs, f, on))
        for i, got in enumerate(run.evaluate_many(tbs, cases)):
            compare("openfisca vectorised", i, got)
        checked["openfisca per case"] = checked["openfisca vectorised"] = len(cases)
    return checked, bad


def contenders(rb, cases, have) -> list[tuple[str, object, bool]]:
    """(name, timed callable over all cases, is_batch)."""
    ev = rb.evaluate
    out = [
        ("handwritten", lambda: [handwritten.evaluate(f, on) for f, on in cases], False),
        ("statute", lambda: [ev(f, on=on, decisions=LUMP_SUMS, trace=False) for f, on in cases],
         False),
    ]
    jin = [(make_cases.nested(f), on.isoformat()) for f, on in cases]
    out.append(("statute (JSON facts)",
                lambda: [ev(f, on=on, decisions=LUMP_SUMS, trace=False) for f, on in jin], False))
    if "zen" in have:
        dec = have["zen"].evaluate
        zin = [zen_input(f, on) for f, on in cases]
        out.append(("zen-engine", lambda: [dec(x) for x in zin], False))
    if "openfisca" in have:
        run, tbs = have["openfisca"]
        sits = [run.situation(f, on) for f, on in cases]
        cols = run.columns(cases)
        out.append(("openfisca per case", lambda: [run.evaluate_situation(tbs, s) for s in sits],
                    False))
        out.append(("openfisca vectorised", lambda: run.evaluate_many(tbs, cases), True))
        out.append(("openfisca vec. (calc)", lambda: run.evaluate_columns(tbs, cols), True))
    return out


def time_rounds(rb, cases, have, rounds: int) -> dict[str, list[float]]:
    cs = contenders(rb, cases, have)
    warm = cases[:200]
    for _name, fn, _ in contenders(rb, warm, have):       # warm-up: caches, first calls
        fn()
    n = len(cases)
    out: dict[str, list[float]] = {name: [] for name, _, _ in cs}
    for _ in range(rounds):
        for name, fn, _ in cs:
            t0 = time.perf_counter_ns()
            fn()
            out[name].append((time.perf_counter_ns() - t0) / n)
    return out


def _fmt(a) -> str:
    if isinstance(a, str):
        return a
    status, amount, currency, missing = a
    s = status + (f" {amount} {currency}" if amount is not None or currency is not None else "")
    return s + (f" missing={list(missing)}" if missing else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2000, help="number of random cases (2000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds (5)")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args(argv)
    if args.cases < 1 or args.rounds < 1:
        ap.error("--cases and --rounds must be at least 1")

    have, missing = load_others()
    if missing:
        print(f"skipping {', '.join(missing)}: install the bench extra ({EXTRA})")

    rb = engine.load(RULEBOOK)
    cases = gen_cases(args.cases, args.seed)
    checked, bad = check_all(rb, cases, have)
    if bad:
        print(f"agreement FAILED: {len(bad)} benefit answers differ from handwritten.py "
              f"(amounts rounded to the cent)")
        for b in bad[:10]:
            f, on = cases[b["case"]]
            print(f"\n{b['impl']}: case #{b['case']}  on={on}  benefit={b['benefit']}")
            shown = ", ".join(f"{k!r}: {v!s}" for k, v in sorted(f.items()))
            print(f"  facts:       {{{shown}}}")
            print(f"  {b['impl']}: {_fmt(b['got'])}")
            print(f"  handwritten: {_fmt(b['want'])}")
        print("\nno timing: an implementation disagrees with the hand-written encoding")
        return 1

    t = time_rounds(rb, cases, have, args.rounds)
    med = {k: statistics.median(v) for k, v in t.items()}
    hw, st = med["handwritten"], med["statute"]
    if args.json:
        print(json.dumps({
            "cases": len(cases), "seed": args.seed, "rounds": args.rounds,
            "agreement": checked, "skipped": missing,
            "amounts_compared": "rounded to the cent",
            "per_case_us": {k: round(v / 1000, 3) for k, v in med.items()},
            "rounds_per_case_us": {k: [round(x / 1000, 3) for x in v] for k, v in t.items()},
            "cases_per_s": {k: round(1e9 / v) for k, v in med.items()},
            "over_handwritten": {k: round(v / hw, 2) for k, v in med.items()},
            "over_statute": {k: round(v / st, 3) for k, v in med.items()},
        }, indent=2))
        return 0

    agreed = ", ".join(f"{k} {v}/{len(cases)}" for k, v in checked.items())
    print(f"agreement with handwritten.py on every case (status, amount rounded to the cent, "
          f"currency, missing facts): {agreed}")
    print("  money: Decimal in statute and handwritten, zen's decimal numbers, OpenFisca "
          "float32 arrays; all compared after rounding to the cent")
    print(f"timing: {len(cases)} cases x {args.rounds} interleaved rounds, median per case "
          f"(seed {args.seed}); inputs in each engine's own form, prepared before timing")
    print(f"  {'implementation':<24}{'us/case':>10}{'cases/s':>12}{'x handwritten':>15}"
          f"{'x statute':>11}   rounds (us/case)")
    for k, v in med.items():
        spread = f"{min(t[k]) / 1000:.1f}..{max(t[k]) / 1000:.1f}"
        print(f"  {k:<24}{v / 1000:>10.2f}{1e9 / v:>12,.0f}{v / hw:>15.2f}{v / st:>11.3f}   "
              f"{spread}")
    if "zen-engine" in med:
        print(f"  statute is {med['zen-engine'] / st:.2f}x zen-engine's speed per case")
    if "openfisca per case" in med:
        print(f"  statute is {med['openfisca per case'] / st:.1f}x OpenFisca's speed per case; "
              f"OpenFisca vectorised is {st / med['openfisca vectorised']:.2f}x statute's "
              f"per-case speed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
