"""Benchmark: the statute engine against a hand-written Decimal encoding of the same law.

    python tools/bench.py [--workload lump|month|schedule|all] [--cases 2000]
                          [--schedules N] [--seed 1] [--rounds 5] [--json] [--rules DIR]

Three workloads on the Lithuanian Law on Benefits for Children, each against
``tools/handwritten.py`` (plain functions, ``decimal.Decimal`` only, no tracing):

lump      the three lump sums (``lump_sum_child_benefit``, ``lump_sum_settlement_benefit``,
          ``pregnant_woman_benefit``) of ``--cases`` cases from ``handwritten.random_case``;
          ``rb.evaluate(facts, on, decisions=LUMP_SUMS)`` against ``handwritten.evaluate``.
month     one month of the monthly ``child_benefit`` (Art. 6, prorated by Art. 12(8)) of
          ``--cases`` cases from ``handwritten.random_monthly_case``;
          ``rb.evaluate(facts, on, period=..., decisions=["child_benefit"])`` against
          ``handwritten.child_benefit``.
schedule  a 10-year schedule (120 months) of ``child_benefit`` for ``--schedules`` cases
          (default: a tenth of ``--cases``, at least 1); ``rb.schedule(facts, on, start,
          end, decisions=["child_benefit"])`` against ``handwritten.child_benefit`` called
          once per month. The month of the generated case lies inside its schedule.

What it does, in order, for each workload asked for:

1. Agreement, before any timing: every case is decided by the engine, untraced and traced,
   from typed facts (flat, ``datetime.date``, ``Decimal``) and from JSON-style facts
   (nested, ISO date strings, money as decimal strings, ``on`` and months as strings), and
   by the hand-written code; status, amount (as a number and as a string, so a wrong
   quantisation shows),
   currency, and ``missing_facts`` when undetermined must be the same, month by month for
   a schedule. Any disagreement is printed (up to 10) and the script exits 1 without timing:
   a speed figure for a wrong answer means nothing.
2. Timing, in ``--rounds`` interleaved rounds (handwritten, statute untraced, statute
   traced, for typed then JSON-style facts, then again) so that noise on a shared machine
   hits all alike; each figure is the median over rounds of the per-case time
   (``time.perf_counter_ns``). On JSON-style facts the hand-written side parses the facts
   itself (``handwritten.from_json``, ``date.fromisoformat``), as an API would; the engine
   validates every fact and applies defaults itself, which is included. The rulebook is
   loaded once, outside the timings.

It reports µs per case (and per benefit-month for schedules), cases per second and the
ratios of the run against the targets of issue 12, with PASS or MISS, on typed facts
(JSON-style ratios are shown beside them, without a verdict):

    statute untraced / handwritten    <= 3
    statute traced / untraced         <= 2
    statute untraced per case         <= 10 µs   (per benefit-month for a schedule)

Then, once: rulebook load (``engine.load``) and ``statute check`` in-process (median of
runs; as configured, and with the compiled-rulebook cache off, ``STATUTE_CACHE=0``);
whole-process ``statute eval`` of one example against ``python -c "import yaml,
jsonschema, simpleeval"`` (medians of runs, interleaved, target <= 1.5x; also with
``STATUTE_CACHE=0``); peak memory
(``tracemalloc``) of evaluating every case of each workload, untraced, and the process's
maximum resident set size.

It is a report: it exits 0 whatever the figures (CI runs ``--cases 300 --rounds 1`` as a
smoke check); it exits 1 only on a disagreement.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
import handwritten  # noqa: E402

RULEBOOK = ROOT / "rules" / "lt" / "benefits-for-children"
EXAMPLE = "examples/newborn-2010.yaml"      # inside the rulebook: the start-up case
LUMP_SUMS = ("lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit")
MONTHLY = ("child_benefit",)
SCHEDULE_MONTHS = 120
WORKLOADS = ("lump", "month", "schedule")
TARGET_ENGINE = 3.0     # statute untraced / handwritten
TARGET_TRACE = 2.0      # statute traced / statute untraced
TARGET_US = 10.0        # statute untraced, µs per case (per benefit-month for a schedule)
TARGET_STARTUP = 1.5    # whole-process `statute eval` / the import floor
FLOOR = (sys.executable, "-c", "import yaml, jsonschema, simpleeval")

_fromiso = dt.date.fromisoformat
_SCHEDULE_FIRST = dt.date(2007, 7, 1)   # schedules start 2007-07..2008-12: 2008-2017 covered


# --------------------------------------------------------------------------- cases

def nested(flat: dict) -> dict:
    """Flat typed facts -> JSON-style facts: nested, ISO dates, money as strings."""
    out: dict = {}
    for name, value in flat.items():
        group, key = name.split(".", 1)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out.setdefault(group, {})[key] = value
    return out


def _month_text(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _month_of(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


class Workload:
    """Cases of one workload in both fact styles, and the callables that decide them."""

    def __init__(self, name: str, rb, n: int, seed: int):
        self.name = name
        self.rb = rb
        rng = random.Random(seed)
        if name == "lump":
            self.typed = [handwritten.random_case(rng) for _ in range(n)]
            self.json = [(nested(f), on.isoformat()) for f, on in self.typed]
            self.months_per_case = 0
        elif name == "month":
            self.typed = [handwritten.random_monthly_case(rng) for _ in range(n)]
            self.json = [(nested(f), on.isoformat(), _month_text(p)) for f, on, p in self.typed]
            self.months_per_case = 1
        else:
            self.typed = []
            for _ in range(n):
                f, on, _ = handwritten.random_monthly_case(rng)
                start = _add_months(_SCHEDULE_FIRST, rng.randint(0, 17))  # 2007-07 .. 2008-12
                self.typed.append((f, on, start, _add_months(start, SCHEDULE_MONTHS - 1)))
            self.json = [(nested(f), on.isoformat(), _month_text(s), _month_text(e))
                         for f, on, s, e in self.typed]
            self.months_per_case = SCHEDULE_MONTHS

    # -- the contenders; each takes one case's arguments ----------------------------------

    def contenders(self, style: str) -> tuple[tuple[str, object], ...]:
        ev, sched = self.rb.evaluate, self.rb.schedule
        cb, lump, from_json = handwritten.child_benefit, handwritten.evaluate, handwritten.from_json
        if self.name == "lump":
            def eng(f, on):
                return ev(f, on=on, decisions=LUMP_SUMS, trace=False)

            def traced(f, on):
                return ev(f, on=on, decisions=LUMP_SUMS, trace=True)
            if style == "typed":
                hand = lump
            else:
                def hand(f, on):
                    return lump(from_json(f), _fromiso(on))
        elif self.name == "month":
            def eng(f, on, p):
                return ev(f, on=on, period=p, decisions=MONTHLY, trace=False)

            def traced(f, on, p):
                return ev(f, on=on, period=p, decisions=MONTHLY, trace=True)
            if style == "typed":
                hand = cb
            else:
                def hand(f, on, p):
                    return cb(from_json(f), _fromiso(on), _month_of(p))
        else:
            def eng(f, on, s, e):
                return sched(f, on=on, start=s, end=e, decisions=MONTHLY, trace=False)

            def traced(f, on, s, e):
                return sched(f, on=on, start=s, end=e, decisions=MONTHLY, trace=True)

            def hand_typed(f, on, s, e):
                y, m = s.year, s.month
                last = e.year * 12 + e.month
                out = []
                while y * 12 + m <= last:
                    out.append(cb(f, on, dt.date(y, m, 1)))
                    m += 1
                    if m == 13:
                        y, m = y + 1, 1
                return out
            if style == "typed":
                hand = hand_typed
            else:
                def hand(f, on, s, e):
                    return hand_typed(from_json(f), _fromiso(on), _month_of(s), _month_of(e))
        return (("handwritten", hand), ("statute", eng), ("statute_traced", traced))

    # -- agreement --------------------------------------------------------------------------

    def answers(self, style: str, i: int) -> tuple[list, list, list]:
        """(engine untraced, engine traced, hand-written) answers of case i, one tuple per
        benefit (lump) or benefit-month."""
        args = (self.typed if style == "typed" else self.json)[i]
        (_, hand), (_, eng), (_, traced) = self.contenders(style)
        h = hand(*args)
        if self.name == "lump":
            return (*([_engine_answer(r[b]) for b in LUMP_SUMS]
                      for r in (eng(*args), traced(*args))),
                    [_hand_answer(h[b]) for b in LUMP_SUMS])
        if self.name == "month":
            return (*([_engine_answer(r["child_benefit"])] for r in (eng(*args), traced(*args))),
                    [_hand_answer(h)])
        return (*([_engine_answer(m["child_benefit"]) for m in r.months]
                  for r in (eng(*args), traced(*args))),
                [_hand_answer(x) for x in h])

    def labels(self, i: int) -> list[str]:
        if self.name == "lump":
            return list(LUMP_SUMS)
        if self.name == "month":
            return [f"child_benefit {_month_text(self.typed[i][2])}"]
        start = self.typed[i][2]
        return [f"child_benefit {_month_text(_add_months(start, k))}"
                for k in range(SCHEDULE_MONTHS)]

    def check(self) -> tuple[list[dict], dict]:
        """Every disagreement (one dict per case and style), and a tally of statuses."""
        bad, tally = [], {}
        for style in ("typed", "json"):
            for i in range(len(self.typed)):
                try:
                    e, t, h = self.answers(style, i)
                except Exception as exc:  # an engine error on a valid case disagrees too
                    bad.append({"workload": self.name, "style": style, "case": i,
                                "error": f"{type(exc).__name__}: {exc}"})
                    continue
                # amounts compare as numbers and as strings, so a wrong quantisation shows
                diff = [(lab, a, b) for lab, a, b in zip(self.labels(i), e, h)
                        if a != b or str(a[1]) != str(b[1])]
                diff += [(lab + " (traced)", a, b) for lab, a, b in zip(self.labels(i), t, h)
                         if a != b or str(a[1]) != str(b[1])]
                if not len(e) == len(t) == len(h):
                    diff.append(("answers", f"{len(e)}/{len(t)} answers", f"{len(h)} answers"))
                if diff:
                    bad.append({"workload": self.name, "style": style, "case": i, "diff": diff})
                if style == "typed":
                    for a in h:
                        tally[a[0]] = tally.get(a[0], 0) + 1
        return bad, tally

    def describe_case(self, i: int) -> str:
        c = self.typed[i]
        head = f"on={c[1]}"
        if self.name == "month":
            head += f" period={_month_text(c[2])}"
        elif self.name == "schedule":
            head += f" from={_month_text(c[2])} to={_month_text(c[3])}"
        facts = "{" + ", ".join(f"{k!r}: {v!s}" for k, v in sorted(c[0].items())) + "}"
        return f"{head}\n  facts: {facts}"


def _engine_answer(r) -> tuple:
    missing = tuple(r.missing_facts) if r.status == "undetermined" else ()
    return (r.status, r.amount, r.currency, missing)


def _hand_answer(a) -> tuple:
    status, amount, currency, missing = a
    return (status, amount, currency, tuple(missing) if status == "undetermined" else ())


def _fmt_answer(a) -> str:
    if isinstance(a, str):
        return a
    status, amount, currency, missing = a
    s = status
    if amount is not None or currency is not None:
        s += f" {amount} {currency}"
    if missing:
        s += f" missing={list(missing)}"
    return s


# --------------------------------------------------------------------------- timing

def _time_all(fn, cases) -> int:
    t0 = time.perf_counter_ns()
    for args in cases:
        fn(*args)
    return time.perf_counter_ns() - t0


def time_workload(w: Workload, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Per-case nanoseconds of each contender and fact style, one figure per round."""
    plan = [(style, name, fn, w.typed if style == "typed" else w.json)
            for style in ("typed", "json") for name, fn in w.contenders(style)]
    warm = min(len(w.typed), 200 if w.months_per_case <= 1 else 5)
    for _, _, fn, cases in plan:  # warm-up: caches, first-call costs
        _time_all(fn, cases[:warm])
    out: dict[str, dict[str, list[float]]] = {"typed": {}, "json": {}}
    for _ in range(rounds):
        for style, name, fn, cases in plan:
            out[style].setdefault(name, []).append(_time_all(fn, cases) / len(cases))
    return out


def peak_memory(w: Workload) -> dict[str, dict[str, float]]:
    """tracemalloc peak (KiB) above the start while deciding every case, untraced, typed:
    answers dropped as they come ("streaming") and every answer kept ("kept")."""
    res: dict[str, dict[str, float]] = {"streaming": {}, "kept": {}}
    for name, fn in w.contenders("typed")[:2]:
        for mode in ("streaming", "kept"):
            kept = [] if mode == "kept" else None
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            for args in w.typed:
                r = fn(*args)
                if kept is not None:
                    kept.append(r)
            res[mode][name] = (tracemalloc.get_traced_memory()[1] - base) / 1024
            tracemalloc.stop()
            del kept
    return res


def load_memory(rules: str) -> float:
    """tracemalloc peak (KiB) of loading, checking and compiling the rulebook."""
    tracemalloc.start()
    rb = engine.load(rules)
    peak = tracemalloc.get_traced_memory()[1] / 1024
    tracemalloc.stop()
    del rb
    return peak


def _median_runs(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def statute_command() -> list[str]:
    """The `statute` console script beside this interpreter, else `python -m engine.cli`."""
    script = Path(sys.executable).parent / "statute"
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "engine.cli"]


@contextlib.contextmanager
def no_cache():
    """`STATUTE_CACHE=0` for the duration: the engine's compiled-rulebook cache is off."""
    old = os.environ.get("STATUTE_CACHE")
    os.environ["STATUTE_CACHE"] = "0"
    try:
        yield
    finally:
        if old is None:
            del os.environ["STATUTE_CACHE"]
        else:
            os.environ["STATUTE_CACHE"] = old


def startup(rules: Path, runs: int) -> dict:
    """Whole-process `statute eval` of one example against the import floor, interleaved;
    with the engine's compiled-rulebook cache as configured, and with `STATUTE_CACHE=0`."""
    cmd = [*statute_command(), "eval", str(rules), str(rules / EXAMPLE)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    env_off = {**env, "STATUTE_CACHE": "0"}

    def run(c, e=env) -> float:
        t0 = time.perf_counter()
        done = subprocess.run(c, cwd=ROOT, env=e, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        took = time.perf_counter() - t0
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(c)} exited {done.returncode}: "
                               f"{done.stderr.decode(errors='replace').strip()[-400:]}")
        return took

    run(FLOOR)
    run(cmd)  # warm-up: bytecode and any cache the engine keeps
    floor, ev, ev_off = [], [], []
    for _ in range(runs):
        floor.append(run(FLOOR))
        ev.append(run(cmd))
        ev_off.append(run(cmd, env_off))
    f, e, o = statistics.median(floor), statistics.median(ev), statistics.median(ev_off)
    return {"floor_ms": f * 1000, "statute_eval_ms": e * 1000, "ratio": e / f,
            "statute_eval_no_cache_ms": o * 1000, "ratio_no_cache": o / f,
            "runs": runs, "command": " ".join(cmd[1:])}


def _max_rss_mib() -> float | None:
    try:
        import resource
    except ImportError:  # not on every platform
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# --------------------------------------------------------------------------- report

def summarise(w: Workload, t: dict) -> dict:
    """Medians, cases/s and the ratios of one workload, with their verdicts."""
    out: dict = {"cases": len(w.typed), "months_per_case": w.months_per_case or None}
    for style in ("typed", "json"):
        med = {k: statistics.median(v) for k, v in t[style].items()}
        r_engine = med["statute"] / med["handwritten"]
        r_trace = med["statute_traced"] / med["statute"]
        per_unit = med["statute"] / 1000 / (w.months_per_case or 1)
        row = {
            "per_case_us": {k: round(v / 1000, 3) for k, v in med.items()},
            "cases_per_s": {k: round(1e9 / v, 1) for k, v in med.items()},
            "rounds_per_case_us": {k: [round(x / 1000, 3) for x in v]
                                   for k, v in t[style].items()},
            "untraced_over_handwritten": round(r_engine, 3),
            "traced_over_untraced": round(r_trace, 3),
            "untraced_us_per_" + ("benefit_month" if w.name == "schedule" else "case"):
                round(per_unit, 3),
        }
        if w.months_per_case > 1:
            row["per_benefit_month_us"] = {k: round(v / 1000 / w.months_per_case, 3)
                                           for k, v in med.items()}
        if style == "typed":
            row["pass"] = {"untraced_over_handwritten": r_engine <= TARGET_ENGINE,
                           "traced_over_untraced": r_trace <= TARGET_TRACE,
                           "untraced_us": per_unit <= TARGET_US}
        out[style] = row
    return out


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_table(args, summaries: dict, agreement: dict, extra: dict) -> None:
    rules = Path(args.rules).resolve()
    shown = rules.relative_to(ROOT) if rules.is_relative_to(ROOT) else rules
    print(f"statute bench: {shown}, seed {args.seed}, {args.rounds} interleaved round(s), "
          "median per case")
    for name, a in agreement.items():
        unit = f" ({a['answers']} benefit-months)" if name == "schedule" else ""
        tally = ", ".join(f"{k} {v}" for k, v in sorted(a["statuses"].items()))
        print(f"agreement {name:<8}: {a['agree']}/{a['cases']} cases{unit}, typed and JSON-style "
              f"facts (status, amount, currency, missing facts); hand-written statuses: {tally}")
    print()
    print(f"{'workload':<9} {'facts':<6} {'contender':<16} {'us/case':>10} {'cases/s':>11}  "
          f"{'ratio':>7}  target")
    names = {"handwritten": "handwritten", "statute": "statute", "statute_traced": "statute traced"}
    for wname, s in summaries.items():
        for style in ("typed", "json"):
            row = s[style]
            for k in ("handwritten", "statute", "statute_traced"):
                us, cps = row["per_case_us"][k], row["cases_per_s"][k]
                ratio, target = "", ""
                if k == "statute":
                    ratio = f"{row['untraced_over_handwritten']:.2f}x"
                    target = f"<= {TARGET_ENGINE:g}x handwritten"
                    if style == "typed":
                        target += f"  {_verdict(row['pass']['untraced_over_handwritten'])}"
                elif k == "statute_traced":
                    ratio = f"{row['traced_over_untraced']:.2f}x"
                    target = f"<= {TARGET_TRACE:g}x untraced"
                    if style == "typed":
                        target += f"     {_verdict(row['pass']['traced_over_untraced'])}"
                print(f"{wname:<9} {style:<6} {names[k]:<16} {us:>10.2f} {cps:>11,.0f}  "
                      f"{ratio:>7}  {target}")
            if wname == "schedule":
                pm = row["per_benefit_month_us"]
                print(f"{wname:<9} {style:<6} per benefit-month: handwritten "
                      f"{pm['handwritten']:.2f}, statute {pm['statute']:.2f}, "
                      f"traced {pm['statute_traced']:.2f} us")
            if style == "typed":
                unit = "benefit-month" if wname == "schedule" else "case"
                per = row["untraced_us_per_" + ("benefit_month" if wname == "schedule" else "case")]
                print(f"{wname:<9} {style:<6} {'statute per ' + unit:<27} {per:>10.2f} us"
                      f"{'':<11}<= {TARGET_US:g} us"
                      f"{'':<14}{_verdict(row['pass']['untraced_us'])}")
    print()
    print(f"rulebook load (engine.load), median of {extra['runs']}:     "
          f"{extra['load_ms']:8.1f} ms   (STATUTE_CACHE=0: {extra['load_no_cache_ms']:.1f} ms)")
    print(f"statute check, in-process, median of {extra['runs']}:     "
          f"{extra['check_ms']:8.1f} ms   (STATUTE_CACHE=0: {extra['check_no_cache_ms']:.1f} ms)")
    st = extra.get("startup")
    if st is not None:
        if "error" in st:
            print(f"start-up: not measured ({st['error']})")
        else:
            print(f"start-up, whole process, median of {st['runs']}:      "
                  f"statute eval {EXAMPLE} {st['statute_eval_ms']:.0f} ms, "
                  f"python -c \"import yaml, jsonschema, simpleeval\" {st['floor_ms']:.0f} ms: "
                  f"{st['ratio']:.2f}x  target <= {TARGET_STARTUP:g}x  "
                  f"{_verdict(st['ratio'] <= TARGET_STARTUP)}"
                  f"   (STATUTE_CACHE=0: {st['statute_eval_no_cache_ms']:.0f} ms, "
                  f"{st['ratio_no_cache']:.2f}x)")
    print(f"peak memory (tracemalloc) of engine.load:            {extra['load_kib']:8,.0f} KiB")
    for wname, m in extra["peak_kib"].items():
        s, k = m["streaming"], m["kept"]
        print(f"peak memory (tracemalloc), {wname:<8} every case, untraced: answers dropped: "
              f"handwritten {s['handwritten']:,.0f} KiB, statute {s['statute']:,.0f} KiB; "
              f"all kept: handwritten {k['handwritten']:,.0f} KiB, statute {k['statute']:,.0f} KiB")
    if extra.get("max_rss_mib") is not None:
        print(f"process max RSS: {extra['max_rss_mib']:.1f} MiB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=(*WORKLOADS, "all"), default="all",
                    help="what to time (all)")
    ap.add_argument("--cases", type=int, default=2000,
                    help="random cases of the lump and month workloads (2000)")
    ap.add_argument("--schedules", type=int, default=None,
                    help="10-year schedules of the schedule workload (a tenth of --cases)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds (5)")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    ap.add_argument("--rules", default=str(RULEBOOK),
                    help="rulebook folder (default: rules/lt/benefits-for-children)")
    args = ap.parse_args(argv)
    if args.schedules is None:
        args.schedules = max(1, args.cases // 10)
    if args.cases < 1 or args.rounds < 1 or args.schedules < 1:
        ap.error("--cases, --schedules and --rounds must be at least 1")
    names = WORKLOADS if args.workload == "all" else (args.workload,)

    rb = engine.load(args.rules)
    workloads = [Workload(n, rb, args.schedules if n == "schedule" else args.cases, args.seed)
                 for n in names]

    agreement, bad = {}, []
    for w in workloads:
        b, tally = w.check()
        bad.extend(b)
        agree = len(w.typed) - len({x["case"] for x in b})
        agreement[w.name] = {"cases": len(w.typed), "agree": agree, "statuses": tally,
                             "answers": len(w.typed) * (w.months_per_case or len(LUMP_SUMS))}
    if bad:
        by = {w.name: w for w in workloads}
        if args.json:
            print(json.dumps({"seed": args.seed, "agreement": agreement, "disagreements": [
                {**{k: v for k, v in b.items() if k != "diff"},
                 "case_text": by[b["workload"]].describe_case(b["case"]),
                 "diff": [{"answer": lab, "engine": _fmt_answer(e), "handwritten": _fmt_answer(h)}
                          for lab, e, h in b.get("diff", [])[:5]]}
                for b in bad[:10]]}, indent=2, default=str))
        else:
            for name, a in agreement.items():
                print(f"agreement {name}: {a['agree']}/{a['cases']} cases agree")
            for b in bad[:10]:
                w = by[b["workload"]]
                print(f"\n{b['workload']} case #{b['case']} ({b['style']} facts)  "
                      f"{w.describe_case(b['case'])}")
                if "error" in b:
                    print(f"  engine raised: {b['error']}")
                for lab, e, h in b.get("diff", [])[:5]:
                    print(f"  {lab}:\n    engine:      {_fmt_answer(e)}\n"
                          f"    handwritten: {_fmt_answer(h)}")
            print("\nno timing: the engine and the hand-written encoding disagree")
        return 1

    summaries = {w.name: summarise(w, time_workload(w, args.rounds)) for w in workloads}

    runs = max(3, args.rounds)
    from engine.check import check
    extra: dict = {
        "runs": runs,
        "load_ms": _median_runs(lambda: engine.load(args.rules), runs) * 1000,
        "check_ms": _median_runs(lambda: check(args.rules), runs) * 1000,
    }
    with no_cache():
        extra["load_no_cache_ms"] = _median_runs(lambda: engine.load(args.rules), runs) * 1000
        extra["check_no_cache_ms"] = _median_runs(lambda: check(args.rules), runs) * 1000
    try:
        extra["startup"] = startup(Path(args.rules), runs)
    except (OSError, RuntimeError) as e:
        extra["startup"] = {"error": str(e)}
    extra["load_kib"] = load_memory(args.rules)
    extra["peak_kib"] = {w.name: peak_memory(w) for w in workloads}
    extra["max_rss_mib"] = _max_rss_mib()

    if args.json:
        st = extra.get("startup") or {}
        print(json.dumps({
            "seed": args.seed, "rounds": args.rounds, "agreement": agreement,
            "targets": {"untraced_over_handwritten": TARGET_ENGINE,
                        "traced_over_untraced": TARGET_TRACE, "untraced_us": TARGET_US,
                        "startup_over_floor": TARGET_STARTUP},
            "workloads": summaries,
            "load_ms": round(extra["load_ms"], 2), "check_ms": round(extra["check_ms"], 2),
            "load_no_cache_ms": round(extra["load_no_cache_ms"], 2),
            "check_no_cache_ms": round(extra["check_no_cache_ms"], 2),
            "startup": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in st.items()}
            | ({"pass": st["ratio"] <= TARGET_STARTUP} if "ratio" in st else {}),
            "load_peak_kib": round(extra["load_kib"], 1),
            "peak_memory_kib": {k: {mode: {n: round(v, 1) for n, v in per.items()}
                                    for mode, per in m.items()}
                                for k, m in extra["peak_kib"].items()},
            "max_rss_mib": extra["max_rss_mib"] and round(extra["max_rss_mib"], 1),
        }, indent=2))
        return 0
    print_table(args, summaries, agreement, extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
