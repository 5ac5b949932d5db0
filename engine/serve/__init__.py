"""`statute serve`: the HTTP API (Starlette, served by uvicorn; the `serve` extra).

`registry` loads every rulebook under a folder and reloads one that changes;
`app` routes each request; `bodies` reads request bodies; `resources` builds what the
GETs answer; `openapi` generates the OpenAPI 3.1 document from the loaded rulebooks;
`problems` turns every error into RFC 9457 problem+json; `limits` holds the hard
limits; `explain` is the one seam to the text renderer (lang, trace).
"""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args: object, **kwargs: object) -> object:
    """`engine.serve.app.create_app` (imported on use: Starlette is an optional extra)."""
    from engine.serve.app import create_app as make

    return make(*args, **kwargs)  # type: ignore[arg-type]
