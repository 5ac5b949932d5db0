"""Whole-process start-up of `statute eval` against the import floor.

    python tools/bench_startup.py                 # 30 interleaved rounds, bytecode cached
    python tools/bench_startup.py --no-bytecode   # the engine compiled from source each run
    python tools/bench_startup.py --runs 60 --top 20

The floor is `python -c "import yaml, jsonschema, simpleeval"`: the core dependencies
alone. Each round runs, in a shuffled order, the floor, `statute eval RULEBOOK CASE` with a
warm compiled-rulebook cache, and the same with `STATUTE_CACHE=0` (every run loads, checks
and compiles the rulebook). It prints the median wall time of each, the ratios to the
floor, and the top offenders of `python -X importtime` for the cached `statute eval`.

Every process runs with the same interpreter. By default bytecode is written to, and read
from, a fresh `PYTHONPYCACHEPREFIX` (warmed before timing), so the floor's and the engine's
modules are both cached as after a `pip install`; `--no-bytecode` sets
`PYTHONDONTWRITEBYTECODE=1` without a prefix, so the engine, installed editable, is compiled
from source every run while site-packages keep their bytecode. The compiled-rulebook cache
lives in a fresh `XDG_CACHE_HOME`, removed at the end.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULEBOOK = "rules/lt/benefits-for-children"
CASE = "rules/lt/benefits-for-children/examples/newborn-2010.yaml"
FLOOR = [sys.executable, "-c", "import yaml, jsonschema, simpleeval"]


def statute_command() -> list[str]:
    """The `statute` console script beside this interpreter, else `python -m engine.cli`."""
    script = Path(sys.executable).parent / "statute"
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "engine.cli"]


def run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def import_offenders(cmd: list[str], env: dict[str, str], top: int) -> list[str]:
    """The `top` modules by self time, and the cumulative time of the heavy packages."""
    done = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = line[len("import time:"):].split("|")
        rows.append((int(self_us), int(cum_us), name.rstrip()))
    total = sum(r[0] for r in rows)
    out = [f"  {len(rows)} modules imported, {total / 1000:.1f} ms in all (-X importtime "
           "inflates times)", "  by self time:"]
    for self_us, cum_us, name in sorted(rows, reverse=True)[:top]:
        out.append(f"    {self_us / 1000:7.2f} ms self {cum_us / 1000:8.2f} ms cumulative"
                   f"  {name.strip()}")
    heavy = ("jsonschema", "yaml", "simpleeval", "difflib", "inspect", "argparse", "json",
             "importlib.resources", "engine.load.schema", "engine.load.build",
             "engine.render.text", "engine.testing.cases")
    seen = {name.strip(): cum for _, cum, name in rows}
    out.append("  packages of note (cumulative; '-' not imported):")
    for name in heavy:
        cum = seen.get(name)
        out.append(f"    {name:<22} " + ("-" if cum is None else f"{cum / 1000:.2f} ms"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30, help="interleaved rounds (default 30)")
    ap.add_argument("--top", type=int, default=15, help="import offenders listed (default 15)")
    ap.add_argument("--no-bytecode", action="store_true",
                    help="PYTHONDONTWRITEBYTECODE=1: the engine compiled from source each run")
    ap.add_argument("--rulebook", default=RULEBOOK)
    ap.add_argument("--case", default=CASE)
    args = ap.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="statute-bench-startup-"))
    try:
        env = dict(os.environ)
        env.pop("STATUTE_CACHE", None)
        env["XDG_CACHE_HOME"] = str(scratch / "cache")
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        uncached = dict(env, STATUTE_CACHE="0")
        evaluate = [*statute_command(), "eval", args.rulebook, args.case]
        jobs = {"floor": (FLOOR, env), "eval (cache warm)": (evaluate, env),
                "eval (STATUTE_CACHE=0)": (evaluate, uncached)}
        for cmd, e in jobs.values():  # warm: bytecode, the rulebook cache, the OS's caches
            for _ in range(2):
                run(cmd, e)
        times: dict[str, list[float]] = {name: [] for name in jobs}
        rng = random.Random(12)
        for _ in range(args.runs):
            order = list(jobs)
            rng.shuffle(order)
            for name in order:
                times[name].append(run(*jobs[name]))
        floor = statistics.median(times["floor"])
        mode = "engine compiled from source (PYTHONDONTWRITEBYTECODE=1)" if args.no_bytecode \
            else "bytecode cached"
        version = sys.version.split()[0]
        print(f"start-up, {args.runs} interleaved rounds, medians; {mode}; Python {version}")
        print(f"  {' '.join(evaluate[1:])}".replace(str(Path(sys.executable).parent) + "/", ""))
        for name, ts in times.items():
            med = statistics.median(ts)
            ratio = "" if name == "floor" else f"  {med / floor:.2f}x the floor"
            print(f"  {name:<24} {med * 1000:7.1f} ms (min {min(ts) * 1000:.1f}){ratio}")
        print(f"python -X importtime, {' '.join(evaluate[2:4])} ... (cache warm):")
        print("\n".join(import_offenders(evaluate, env, args.top)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
