#!/usr/bin/env python3
"""Write a JSONL file of generated LT cases (for `statute impact` and its README example).

    python tools/make_cases.py --cases 200 --seed 7 > rules/lt/benefits-for-children/examples/cases.jsonl

Cases come from tools/handwritten.random_case, which covers every branch of the three
lump-sum benefits; each line is {"name", "on", "facts"} with nested facts.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import handwritten  # noqa: E402


def nested(flat: dict) -> dict:
    out: dict = {}
    for name, value in sorted(flat.items()):
        group, key = name.split(".", 1)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out.setdefault(group, {})[key] = value
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for n in range(1, args.cases + 1):
        facts, on = handwritten.random_case(rng)
        print(json.dumps({"name": f"case-{n:03d}", "on": on.isoformat(), "facts": nested(facts)},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
