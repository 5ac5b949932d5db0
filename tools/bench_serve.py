"""Benchmark: `statute serve`'s /decide against `openfisca serve`'s /calculate, side by side.

    python tools/bench_serve.py [--clients 1,8,64] [--requests 3000] [--seconds 5]
                                [--cases 300] [--seed 1] [--openfisca-workers 3]
                                [--threads N] [--json]

Loopback only (127.0.0.1), bounded: at each concurrency level each server gets at most
``--requests`` requests and ``--seconds`` seconds, whichever ends first.

The law and the cases are tools/bench_others.py's: the three LT lump sums (Arts. 5, 9, 10)
on ``handwritten.random_case`` cases drawn from ``--seed``. statute serves
rules/lt/benefits-for-children (one uvicorn process, evaluation in its worker threads);
OpenFisca serves the minimal country package tools/openfisca_lt with ``openfisca serve``
(gunicorn, its default 3 sync workers unless ``--openfisca-workers``), when the ``bench``
extra provides openfisca-core[web-api]; without it, its rows are skipped (exit 0).

1. Agreement first, over HTTP, on EVERY case: each server's answers (status, amount to
   the cent, currency, missing facts when undetermined) against ``handwritten.evaluate``.
   Any difference is printed and the script exits 1 without timing.
2. Timing: for each number of clients, each server (the order alternating), after a
   warm-up: that many keep-alive connections (a server that closes one after each answer,
   as gunicorn's sync workers do, is reconnected, and the connect counts in the latency),
   each sending the next case as soon as its last answer arrived. Reported: requests per
   second, p50 and p99 latency, and non-200 answers (there must be none).
3. Goals (issue 15), judged here, never in the tests: statute's throughput at least 10x
   OpenFisca's at equal concurrency, and statute's p99 under 20 ms at 8 clients.

The client is one asyncio loop in this process, on the same 2 cores as the servers: the
figures are of the whole loopback system, the same for both servers.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))

import handwritten  # noqa: E402
import make_cases  # noqa: E402

RULEBOOK = ROOT / "rules" / "lt" / "benefits-for-children"
LUMP_SUMS = ("lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit")
HOST = "127.0.0.1"
_CENT = Decimal("0.01")


# --------------------------------------------------------------------------- servers

def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server exited ({proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url}: no answer within {seconds:g} s")


def start_statute(port: int, clients: int, threads: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", str(RULEBOOK),
                             "--host", HOST, "--port", str(port),
                             "--max-concurrent", str(max(16, clients * 2)),
                             *(["--threads", str(threads)] if threads else [])],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _wait(f"http://{HOST}:{port}/healthz", proc)
    return proc


def have_openfisca() -> str | None:
    """None when `openfisca serve` can run here, else what to install."""
    for mod in ("openfisca_core", "openfisca_web_api", "flask", "gunicorn"):
        if importlib.util.find_spec(mod) is None:
            return f"{mod} is missing: pip install -e '.[bench]'"
    return None


def start_openfisca(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(TOOLS)}
    exe = Path(sys.executable).with_name("openfisca")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "openfisca_core.scripts.openfisca_command"]
    proc = subprocess.Popen([*cmd, "serve", "--country-package", "openfisca_lt",
                             "--port", str(port), "--bind", f"{HOST}:{port}",
                             "--workers", str(workers)],
                            env=env, cwd=TOOLS, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _wait(f"http://{HOST}:{port}/spec", proc)
    return proc


# --------------------------------------------------------------------------- requests

def statute_body(facts: dict, on: Any) -> bytes:
    return json.dumps({"on": on.isoformat(), "facts": make_cases.nested(facts),
                       "decisions": list(LUMP_SUMS)}).encode()


def statute_answer(data: dict) -> dict:
    out = {}
    for b in LUMP_SUMS:
        r = data["decisions"][b]
        amount = None if r["amount"] is None else Decimal(r["amount"])
        out[b] = (r["status"], amount, r["currency"],
                  tuple(r["missing_facts"]) if r["status"] == "undetermined" else ())
    return out


def openfisca_body(facts: dict, on: Any) -> bytes:
    from openfisca_lt import run

    sit = run.situation(facts, on)
    for name in run.OUTPUTS:
        sit["claims"]["c"][name] = {run.CALC_PERIOD: None}
    return json.dumps(sit).encode()


def openfisca_answer(data: dict) -> dict:
    from openfisca_lt import run

    c = data["claims"]["c"]
    value = {name: c[name][run.CALC_PERIOD] for name in run.OUTPUTS}
    out = {}
    for b in LUMP_SUMS:
        status = value[f"{b}_status"]
        if status == "granted":
            out[b] = (status, Decimal(repr(round(float(value[f"{b}_amount"]), 2))).quantize(_CENT),
                      value[f"{b}_currency"], ())
        elif status == "undetermined":
            var, fact = run.MISSING[b]
            out[b] = (status, None, None, (fact,) if value[var] else ())
        else:
            out[b] = (status, None, None, ())
    return out


def want(facts: dict, on: Any) -> dict:
    out = {}
    for b, (status, amount, currency, missing) in handwritten.evaluate(facts, on).items():
        if b in LUMP_SUMS:
            out[b] = (status, None if amount is None else Decimal(amount).quantize(_CENT),
                      currency, tuple(sorted(missing)) if status == "undetermined" else ())
    return out


def _cents(a: dict) -> dict:
    return {b: (s, None if x is None else x.quantize(_CENT), c, tuple(sorted(m)))
            for b, (s, x, c, m) in a.items()}


def _post(url: str, body: bytes) -> dict:
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def agree(name: str, url: str, bodies: list[bytes], decode: Callable[[dict], dict],
          cases: list) -> int:
    bad = 0
    for (facts, on), body in zip(cases, bodies):
        got, exp = _cents(decode(_post(url, body))), _cents(want(facts, on))
        if got != exp:
            bad += 1
            if bad <= 10:
                print(f"  {name} differs on {facts} on {on}:\n    got  {got}\n    want {exp}")
    return bad


# --------------------------------------------------------------------------- load

async def _client(port: int, path: str, bodies: list[bytes], start: int, stop_at: float,
                  budget: list[int], lat: list[float], errors: list[int]) -> None:
    reader = writer = None
    i = start
    head = f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
    while budget[0] > 0 and time.perf_counter() < stop_at:
        budget[0] -= 1
        body = bodies[i % len(bodies)]
        i += 1
        t0 = time.perf_counter()
        if writer is None:
            reader, writer = await asyncio.open_connection(HOST, port)
        assert reader is not None
        writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length, close = 0, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode("latin-1").partition(":")
            k = k.strip().lower()
            if k == "content-length":
                length = int(v)
            elif k == "connection" and v.strip().lower() == "close":
                close = True
        await reader.readexactly(length)
        lat.append(time.perf_counter() - t0)
        if status != 200:
            errors[0] += 1
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def load(port: int, path: str, bodies: list[bytes], clients: int, requests: int,
         seconds: float) -> dict[str, Any]:
    lat: list[float] = []
    errors = [0]

    async def run() -> float:
        budget = [requests]
        t0 = time.perf_counter()
        await asyncio.gather(*(_client(port, path, bodies, k * 7, t0 + seconds, budget, lat,
                                       errors) for k in range(clients)))
        return time.perf_counter() - t0

    elapsed = asyncio.run(run())
    lat.sort()
    return {"clients": clients, "requests": len(lat), "seconds": round(elapsed, 3),
            "rps": len(lat) / elapsed, "p50_ms": 1000 * statistics.median(lat),
            "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))], "errors": errors[0]}


# --------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", default="1,8,64")
    ap.add_argument("--requests", type=int, default=3000, help="at most, per server and level")
    ap.add_argument("--seconds", type=float, default=5.0, help="at most, per server and level")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--openfisca-workers", type=int, default=3,
                    help="gunicorn workers of openfisca serve (its default: 3)")
    ap.add_argument("--threads", type=int, help="statute serve --threads (default: its own)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    levels = [int(x) for x in args.clients.split(",")]
    rng = random.Random(args.seed)
    cases = [handwritten.random_case(rng) for _ in range(args.cases)]
    servers: dict[str, tuple[int, str, list[bytes]]] = {}
    procs = []
    try:
        port = _free_port()
        procs.append(start_statute(port, max(levels), args.threads))
        servers["statute"] = (port, "/rulebooks/lt/benefits-for-children/decide",
                              [statute_body(f, on) for f, on in cases])
        missing = have_openfisca()
        if missing is None:
            sys.path.insert(0, str(TOOLS))
            port = _free_port()
            procs.append(start_openfisca(port, args.openfisca_workers))
            servers["openfisca"] = (port, "/calculate", [openfisca_body(f, on) for f, on in cases])
        else:
            print(f"OpenFisca skipped: {missing}")
        decoders = {"statute": statute_answer, "openfisca": openfisca_answer}
        for name, (port, path, bodies) in servers.items():
            bad = agree(name, f"http://{HOST}:{port}{path}", bodies, decoders[name], cases)
            if bad:
                print(f"{name}: {bad} of {len(cases)} cases differ; not timing")
                return 1
            print(f"{name}: agrees with the hand-written encoding on all {len(cases)} cases")
        rows = []
        for n, clients in enumerate(levels):
            names = list(servers) if n % 2 == 0 else list(reversed(servers))
            for name in names:
                port, path, bodies = servers[name]
                load(port, path, bodies, clients, min(200, args.requests), 1.0)  # warm-up
                rows.append({"server": name, **load(port, path, bodies, clients, args.requests,
                                                     args.seconds)})
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"\n/decide vs /calculate, 3 LT lump sums, {args.cases} cases, loopback, "
          f"{os.cpu_count()} cores (OpenFisca: {args.openfisca_workers} gunicorn workers)")
    print(f"{'server':<10} {'clients':>7} {'requests':>8} {'req/s':>9} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'non-200':>7}")
    for r in rows:
        print(f"{r['server']:<10} {r['clients']:>7} {r['requests']:>8} {r['rps']:>9.0f} "
              f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>7}")
    by = {(r["server"], r["clients"]): r for r in rows}
    print()
    for clients in levels:
        s, o = by.get(("statute", clients)), by.get(("openfisca", clients))
        if s and o:
            ratio = s["rps"] / o["rps"]
            print(f"{clients:>3} clients: statute {ratio:.1f}x OpenFisca's throughput "
                  f"(goal >= 10x): {'PASS' if ratio >= 10 else 'MISS'}")
    s8 = by.get(("statute", 8))
    if s8:
        print(f"statute p99 at 8 clients: {s8['p99_ms']:.2f} ms (goal < 20 ms): "
              f"{'PASS' if s8['p99_ms'] < 20 else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
