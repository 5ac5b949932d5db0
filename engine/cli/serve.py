"""`statute serve RULES_DIR`: the HTTP API over every rulebook under a folder."""
from __future__ import annotations

from engine.cli import i18n
from engine.render.messages import Message

import argparse
import sys
from typing import Any

__all__ = ["add_parser"]


def add_parser(sub: Any) -> None:
    s = sub.add_parser("serve", help="serve every rulebook under a folder over HTTP")
    s.add_argument("rules", metavar="RULES_DIR", help="a rulebook folder or a folder of them")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: "
                   "127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--reload-rules", action="store_true",
                   help="reload a rulebook whose files change (one that fails to load keeps "
                   "the previous version serving; /healthz reports it)")
    s.add_argument("--reload-every", type=float, default=2.0, metavar="SECONDS",
                   help="how often --reload-rules looks at the files (default 2)")
    s.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="an origin browsers may call from (repeatable); none: CORS off")
    s.add_argument("--max-body-bytes", type=int, help="largest request body (default 1000000)")
    s.add_argument("--max-cases", type=int, help="cases per decide-many (default 1000)")
    s.add_argument("--max-months", type=int, help="months per schedule (default 120)")
    s.add_argument("--deadline", type=float, metavar="SECONDS",
                   help="per-request deadline (default 10)")
    s.add_argument("--max-concurrent", type=int,
                   help="evaluations running at once; past it, 503 (default 16)")
    s.add_argument("--threads", type=int,
                   help="worker threads that evaluate (default 16)")
    s.set_defaults(run=_serve)


def _limits(args: argparse.Namespace) -> Any:
    from dataclasses import replace

    from engine.serve.limits import Limits

    given = {"max_body_bytes": args.max_body_bytes, "max_cases": args.max_cases,
             "max_months": args.max_months, "deadline_s": args.deadline,
             "max_concurrent": args.max_concurrent, "threads": args.threads}
    for name, v in given.items():
        if v is not None and v <= 0:
            raise ValueError(Message("--{option} must be above 0",
                                     option=name.replace("_s", "").replace("_", "-")))
    return replace(Limits(), **{k: v for k, v in given.items() if v is not None})


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from engine.serve.app import create_app
    except ImportError as e:
        print(f"statute serve needs the serve extra (pip install 'statute[serve]'): {e}",
              file=sys.stderr)
        return 2
    try:
        limits = _limits(args)
        app = create_app(args.rules, limits, tuple(args.cors_origin),
                         args.reload_every if args.reload_rules else None)
    except (ValueError, FileNotFoundError) as e:
        i18n.say(Message("statute: {error}", error=e))
        return 2
    health = app.app.state.registry.health()
    for f in health["failures"]:
        for err in f["errors"]:
            print(err, file=sys.stderr)
    if not health["rulebooks"]:
        i18n.say(Message("{rules}: no rulebook loaded", rules=args.rules))
        return 1
    url = f"http://{args.host}:{args.port}"
    i18n.say(Message("statute serve: {rulebooks} on {url}",
                     rulebooks=", ".join(health["rulebooks"]), url=url))
    if any(getattr(r, "path", "") == "/explore" for r in app.app.routes):
        i18n.say(Message("statute serve: the web explorer on {url}/explore", url=url))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                timeout_graceful_shutdown=5)
    return 0
