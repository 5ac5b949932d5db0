"""Edit-to-diagnostics latency of `statute lsp` against an in-process `statute check`.

    python tools/bench_lsp.py                  # 40 edits of the largest shipped rulebook
    python tools/bench_lsp.py --edits 100 --rulebook rules/lt/benefits-for-children

The largest rulebook is the one whose loaded files (rulebook.yaml, facts, decisions,
definitions, amendments, parameters/, articles/) hold the most bytes; the edited file is
its largest article. Each round edits that article's buffer alternately into an error
(a parameter's name misspelt in an expression) and back, the same texts for both sides:

- in process: `engine.check.check(rulebook, files={article: text})`, the check stage on
  unsaved texts (so no compiled-rulebook cache: an edited file is a new rulebook anyway);
- through the protocol: `statute lsp` in its own process, a full-text `didChange` sent
  over its stdin, the clock stopped when the `publishDiagnostics` of that buffer version
  arrives (engine.lsp.client stamps each message as it is read).

Both are warmed first (imports, schema validators: one untimed check of each text in
process; the server's check of the buffer as opened). Rounds interleave the two, so both
see the same load of a shared machine. It prints the
median and p95 of each and the ratio of the p95s; the target (issue 17) is at most 2×.
A round whose diagnostics are wrong (no error after the misspelling, or one after the
fix) stops the run: a fast wrong answer is not measured.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.check import check  # noqa: E402
from engine.lsp.client import Client, uri  # noqa: E402
from engine.lsp.documents import read_text, rulebook_files  # noqa: E402

TARGET = 2.0


def largest_rulebook() -> Path:
    def size(root: Path) -> int:
        return sum((root / rel).stat().st_size for rel in rulebook_files(root, {}))
    return max((p.parent for p in (ROOT / "rules").rglob("rulebook.yaml")), key=size)


def variants(root: Path) -> tuple[str, str, str]:
    """The largest article that reads a parameter on an expression's line, its text, and
    the text with that parameter's name misspelt."""
    rb = check(root).rulebook
    if rb is None:
        sys.exit(f"{root}: the rulebook does not check; fix it first")
    articles = sorted((r for r in rulebook_files(root, {}) if r.startswith("articles/")),
                      key=lambda r: (root / r).stat().st_size, reverse=True)
    for rel in articles:
        text = read_text(root, rel, {}) or ""
        for name in sorted(rb.parameters, key=len, reverse=True):
            for m in re.finditer(rf"(?<![\w.]){re.escape(name)}(?!\w)", text):
                line = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
                if re.search(r"\b(value|requires|unless|when|adjust|expr):", line):
                    return rel, text, text[:m.start()] + name + "x" + text[m.end():]
    sys.exit(f"{root}: no article reads a parameter on an expression's line")


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[18]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rulebook", help="default: the largest shipped rulebook")
    ap.add_argument("--edits", type=int, default=40)
    args = ap.parse_args()
    root = (ROOT / args.rulebook).resolve() if args.rulebook else largest_rulebook()
    rel, good, bad = variants(root)
    path = root / rel
    for text in (bad, good):  # warm-up, not timed: the server is warmed by its first check
        check(root, {rel: text})
    client = Client([sys.executable, "-m", "engine.cli", "lsp"], cwd=ROOT, timeout=120)
    inproc: list[float] = []
    lsp: list[float] = []
    try:
        client.initialize(root)
        client.open(path, good, 1)
        client.wait_for("textDocument/publishDiagnostics",
                        lambda p: p["uri"] == uri(path) and p.get("version") == 1)
        for i in range(args.edits):
            text = bad if i % 2 == 0 else good
            t0 = time.perf_counter()
            report = check(root, {rel: text})
            inproc.append(time.perf_counter() - t0)
            if report.ok == (text is bad):
                sys.exit(f"round {i}: in-process check said ok={report.ok}")
            version = i + 2
            t0 = time.perf_counter()
            client.change(path, text, version)
            at, params = client.wait_for(
                "textDocument/publishDiagnostics",
                lambda p, v=version: p["uri"] == uri(path) and p.get("version") == v)
            lsp.append(at - t0)
            errors = [d for d in params["diagnostics"] if d["severity"] == 1]
            if bool(errors) != (text is bad):
                sys.exit(f"round {i}: the server published {len(errors)} error(s)")
    finally:
        client.close()
    ms = 1000
    print(f"rulebook: {root.relative_to(ROOT)} ({len(rulebook_files(root, {}))} files); "
          f"edited: {rel}; {args.edits} edits, alternately an error and its fix")
    print(f"{'':34} {'median':>9} {'p95':>9}")
    print(f"{'in-process check (unsaved files)':34} {statistics.median(inproc) * ms:8.1f}ms "
          f"{p95(inproc) * ms:8.1f}ms")
    print(f"{'statute lsp, edit -> diagnostics':34} {statistics.median(lsp) * ms:8.1f}ms "
          f"{p95(lsp) * ms:8.1f}ms")
    cached = []
    for _ in range(10):  # context: the same check of the files as saved, from the cache
        t0 = time.perf_counter()
        check(root)
        cached.append(time.perf_counter() - t0)
    print(f"{'(check of the saved files, cached)':34} {statistics.median(cached) * ms:8.1f}ms "
          f"{p95(cached) * ms:8.1f}ms")
    ratio = p95(lsp) / p95(inproc)
    verdict = "PASS" if ratio <= TARGET else "MISS"
    print(f"p95 ratio lsp / check: {ratio:.2f}x (target <= {TARGET:g}x) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
