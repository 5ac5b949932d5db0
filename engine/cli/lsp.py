"""`statute lsp`: the language server over stdio, for any editor with an LSP client.

pygls and lsprotocol come with the `lsp` extra (`pip install 'statute[lsp]'`); without
them the command says so and exits 2 instead of failing on an import.
"""
from __future__ import annotations

from engine.cli import i18n
from engine.render.messages import Message

import argparse
import sys
from typing import Any

__all__ = ["add_parser"]


def add_parser(sub: Any) -> None:
    s = sub.add_parser("lsp", help="the language server (LSP over stdio) for rulebook files")
    s.add_argument("--today", help="the date taken as today: freshness warnings and the "
                   "parameter values shown as in force today (default: today)")
    s.set_defaults(run=_lsp)


def _lsp(args: argparse.Namespace) -> int:
    from engine import dates

    try:
        today = dates.parse_date(args.today) if args.today else None
    except ValueError as e:
        i18n.say(Message("statute: --today: {error}", error=e))
        return 2
    try:
        from engine.lsp.server import serve
    except ImportError as e:
        missing = (e.name or "pygls").partition(".")[0]
        print(f"statute: the language server needs the lsp extra ({missing} is missing): "
              "pip install 'statute[lsp]'", file=sys.stderr)
        return 2
    serve(today)
    return 0
