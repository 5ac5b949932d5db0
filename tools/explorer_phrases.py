"""Rewrite engine/serve/explorer/phrases.py from the `_("...")` calls in the explorer's
templates (tools/messages.py extracts only .py files), then run
`python tools/messages.py extract`, translate the new entries, and `compile`."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPLORER = ROOT / "engine" / "serve" / "explorer"
CALL = re.compile(r'_\("((?:[^"\\]|\\.)*)"\)')
HEAD = '''# ruff: noqa: E501
"""The explorer's UI phrases, marked for extraction (tools/messages.py reads only .py).

The templates call `_("...")` with these exact phrases; a test checks that every phrase a
template uses is listed here, so each is in the catalogs and translated into ru and lt.
Written by tools/explorer_phrases.py.
"""
from __future__ import annotations

from engine.render.messages import N_

__all__ = ["PHRASES"]

PHRASES = (
'''


def template_phrases() -> list[str]:
    found: list[str] = []
    for f in sorted((EXPLORER / "templates").glob("*.html")):
        for m in CALL.finditer(f.read_text(encoding="utf-8")):
            if m.group(1) not in found:
                found.append(m.group(1))
    return found


def main() -> None:
    body = "".join(f"    N_({x!r}),\n" for x in template_phrases())
    (EXPLORER / "phrases.py").write_text(HEAD + body + ")\n", encoding="utf-8")


if __name__ == "__main__":
    main()
