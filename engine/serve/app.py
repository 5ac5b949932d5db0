"""The Starlette application: every endpoint of `statute serve`, for every rulebook loaded.

A rulebook id holds `/` (`test/library-fines`), so `/rulebooks/...` is resolved
here, longest loaded id first, and what follows it picks the action from one table.
Every answer carries the pins (rulebook hash, consolidated version, engine version)
in its headers and its body; every GET an ETag (304 when it matches); every error is
problem+json (`problems.py`), a 500 without the exception's text.
"""
from __future__ import annotations

import difflib
import json
import logging
from typing import Any, Awaitable, Callable, Mapping, TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from engine import dates
from engine.errors import EvaluationError, StatuteError
from engine.rulebook import Rulebook
from engine.serve import resources
from engine.serve.bodies import case_of, options, parse_json
from engine.serve.explain import explain, traced
from engine.serve.limits import Deadline, Gate, Limits, read_body
from engine.serve.openapi import document
from engine.serve.problems import (Problem, from_statute_error, pointer, problem_response,
                                   unknown_name)
from engine.serve.registry import ENGINE_VERSION, Catalog, Entry, Registry

__all__ = ["create_app"]

log = logging.getLogger("statute.serve")
_EVAL_OPTIONS = ("decisions", "trace", "lang", "as_known_on")


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status, dict(headers or {}),
                    media_type="application/json")


class _Api:
    def __init__(self, registry: Registry, limits: Limits):
        self.registry = registry
        self.limits = limits
        self.gate = Gate(limits)

    # -- GETs ------------------------------------------------------------------------
    def _cached(self, request: Request, etag: str, headers: Mapping[str, str],
                make: Callable[[], Any]) -> Response:
        h = {**headers, "ETag": etag, "Cache-Control": "no-cache"}
        wanted = request.headers.get("if-none-match", "")
        if wanted.strip() == "*" or etag in [t.strip().removeprefix("W/")
                                             for t in wanted.split(",")]:
            return Response(status_code=304, headers=h)
        return _json(make(), headers=h)

    async def healthz(self, request: Request) -> Response:
        h = self.registry.health()
        return _json(h, headers={"Statute-Engine-Version": ENGINE_VERSION,
                                 "Cache-Control": "no-store"})

    async def openapi(self, request: Request) -> Response:
        cat = self.registry.catalog
        h = {"ETag": cat.etag, "Cache-Control": "no-cache",
             "Statute-Engine-Version": ENGINE_VERSION}
        if cat.etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=h)
        return Response(cat.openapi, headers=h, media_type="application/json")

    async def rulebooks(self, request: Request) -> Response:
        cat = self.registry.catalog
        return self._cached(request, cat.etag, {"Statute-Engine-Version": ENGINE_VERSION},
                            lambda: {"rulebooks": [resources.summary(e.rb)
                                                   for e in cat.entries.values()],
                                     "engine_version": ENGINE_VERSION})

    # -- /rulebooks/{id}/... ---------------------------------------------------------
    async def dispatch(self, request: Request) -> Response:
        cat = self.registry.catalog
        rest = request.path_params["rest"].strip("/")
        entry, action = _resolve(cat, rest)
        head, _, name = action.partition("/")
        handlers: dict[str, _Handler] = _GET if request.method in ("GET", "HEAD") else \
            _POST if request.method == "POST" else {}
        if head in ("decisions", "parameters") and name:
            key = head
        else:
            key = action
        if key not in _GET and key not in _POST:
            raise unknown_name("endpoint", action, [*_GET, *_POST], f" of {entry.rb.id}")
        if key not in handlers:
            allow = "GET, HEAD" if key in _GET else "POST"
            raise Problem(405, f"{request.method} is not allowed on this endpoint; use {allow}",
                          headers={"Allow": allow})
        try:
            return await handlers[key](self, request, entry, name)
        except Problem as p:  # an error about a rulebook is pinned like its answers
            p.headers = {**entry.headers, **p.headers}
            raise

    async def info(self, request: Request, e: Entry, _: str) -> Response:
        return self._cached(request, e.etag, e.headers, lambda: resources.rulebook_info(e.rb))

    async def decision(self, request: Request, e: Entry, name: str) -> Response:
        if name not in e.rb.decisions:
            raise unknown_name("decision", name, e.rb.decisions, f" in {e.rb.id}")
        return self._cached(request, e.etag, e.headers,
                            lambda: resources.decision_info(e.rb, name))

    async def parameter(self, request: Request, e: Entry, name: str) -> Response:
        if name not in e.rb.parameters:
            raise unknown_name("parameter", name, e.rb.parameters, f" in {e.rb.id}")
        at = _query_date(request, "at", required=False)
        return self._cached(request, e.etag, e.headers,
                            lambda: resources.parameter_info(e.rb, name, at))

    async def timeline(self, request: Request, e: Entry, _: str) -> Response:
        return self._cached(request, e.etag, e.headers, lambda: resources.timeline_info(e.rb))

    async def diff(self, request: Request, e: Entry, _: str) -> Response:
        a = _query_date(request, "from", required=True)
        b = _query_date(request, "to", required=True)
        assert a is not None and b is not None
        return self._cached(request, e.etag, e.headers, lambda: resources.diff_info(e.rb, a, b))

    # -- POSTs -----------------------------------------------------------------------
    async def _body(self, request: Request) -> dict[str, Any]:
        body = parse_json(await read_body(request, self.limits))
        if not isinstance(body, dict):
            raise Problem(422, "the body must be a JSON object holding the case",
                          [{"pointer": "", "detail": "not an object"}])
        return body

    async def _answer(self, e: Entry, work: Callable[[Deadline], bytes]) -> Response:
        """`work` run off the event loop, under the cap and the deadline, pinned."""
        return Response(await self.gate.run(work), headers=e.headers,
                        media_type="application/json")

    async def decide(self, request: Request, e: Entry, _: str) -> Response:
        body = await self._body(request)
        opts = options(body, _EVAL_OPTIONS)
        _asked(e.rb, opts.decisions)

        def work(deadline: Deadline) -> bytes:
            rb = _known(e.rb, opts.as_known_on, body)
            result = _checked(rb, body, lambda: rb.evaluate_case(
                case_of(body), decisions=opts.decisions, trace=traced(opts.trace)))
            out = result.as_dict(trace=opts.trace == "full")
            out["engine_version"] = ENGINE_VERSION
            if opts.lang is not None:
                out["explanation"] = explain(result, opts.lang, opts.trace)
            return json.dumps(out, ensure_ascii=False).encode()

        return await self._answer(e, work)

    async def schedule(self, request: Request, e: Entry, _: str) -> Response:
        body = await self._body(request)
        opts = options(body, (*_EVAL_OPTIONS, "from", "to"), required=("from", "to"))
        _asked(e.rb, opts.decisions)
        assert opts.start is not None and opts.end is not None
        first, last = dates.parse_month(opts.start), dates.parse_month(opts.end)
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months > self.limits.max_months:
            raise _over_limit("to", months, self.limits.max_months, "months in a schedule")

        def work(deadline: Deadline) -> bytes:
            rb = _known(e.rb, opts.as_known_on, body)
            s = _checked(rb, body, lambda: rb.schedule_case(
                case_of(body), opts.start or "", opts.end or "", decisions=opts.decisions,
                trace=opts.trace == "full"))
            out = {**s.as_dict(trace=opts.trace == "full"), **rb.pins,
                   "engine_version": ENGINE_VERSION}
            return json.dumps(out, ensure_ascii=False).encode()

        return await self._answer(e, work)

    async def decide_many(self, request: Request, e: Entry, _: str) -> Response:
        body = await self._body(request)
        opts = options(body, ("cases", *_EVAL_OPTIONS), case=False, required=("cases",))
        _asked(e.rb, opts.decisions)
        cases = body["cases"]
        if not isinstance(cases, list):
            raise Problem(422, "cases: give a list of cases", [{"pointer": "/cases",
                                                               "detail": "not a list"}])
        if len(cases) > self.limits.max_cases:
            raise _over_limit("cases", len(cases), self.limits.max_cases, "cases a request")

        def work(deadline: Deadline) -> bytes:
            rb = _known(e.rb, opts.as_known_on, body)
            out, errors = [], []
            for i, one in enumerate(cases):
                deadline.check()
                if not isinstance(one, dict):
                    errors.append({"pointer": pointer("cases", i), "detail": "not an object"})
                    continue
                bad = [k for k in one if k not in ("on", "period", "facts")]
                if bad:
                    errors.extend({"pointer": pointer("cases", i, k), "field": str(k)[:200],
                                   "detail": f"unknown key {str(k)[:200]!r}; a case holds on, "
                                   "period and facts"} for k in bad)
                    continue
                try:
                    r = _checked(rb, one, lambda one=one: rb.evaluate_case(  # type: ignore[misc]
                        case_of(one), decisions=opts.decisions, trace=opts.trace == "full"))
                except Problem as p:
                    if p.status != 422:
                        raise
                    errors.extend({**err, "pointer": pointer("cases", i) + err["pointer"]}
                                  for err in p.errors)
                    continue
                out.append({**r.as_dict(trace=opts.trace == "full"),
                            "engine_version": ENGINE_VERSION})
            if errors:
                raise Problem(422, f"{len(errors)} problem(s) in the cases; the first: "
                              f"{errors[0]['pointer']}: {errors[0]['detail']}", errors[:100])
            return json.dumps({"rulebook": rb.id, "results": out, **rb.pins,
                               "engine_version": ENGINE_VERSION}, ensure_ascii=False).encode()

        return await self._answer(e, work)


_Handler = Callable[[_Api, Request, Entry, str], Awaitable[Response]]
_GET: dict[str, _Handler] = {"": _Api.info, "decisions": _Api.decision,
                             "parameters": _Api.parameter, "timeline": _Api.timeline,
                             "diff": _Api.diff}
_POST: dict[str, _Handler] = {"decide": _Api.decide, "schedule": _Api.schedule,
                              "decide-many": _Api.decide_many}


def _resolve(cat: Catalog, rest: str) -> tuple[Entry, str]:
    """The rulebook `rest` begins with (the longest id that matches) and what follows."""
    best = None
    for rid in cat.entries:
        if (rest == rid or rest.startswith(rid + "/")) and (best is None or len(rid) > len(best)):
            best = rid
    if best is None:
        parts = rest.split("/")
        tries = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        scored = [(difflib.SequenceMatcher(None, t, rid).ratio(), t) for t in tries
                  for rid in cat.entries]
        name = max(scored)[1] if scored else rest
        raise unknown_name("rulebook", name, cat.entries)
    return cat.entries[best], rest[len(best) + 1:]


def _asked(rb: Rulebook, ids: tuple[str, ...] | None) -> None:
    """Every decision asked for exists, whatever the cases (an empty list included)."""
    unknown = [(i, d) for i, d in enumerate(ids or ()) if d not in rb.decisions]
    if unknown:
        errors = []
        for i, d in unknown:
            close = difflib.get_close_matches(d, list(rb.decisions), n=1, cutoff=0.6)
            errors.append({"pointer": pointer("decisions", i), "field": "decisions",
                           "detail": f"unknown decision {d[:200]!r}" + (
                               f"; did you mean {close[0]!r}?" if close else
                               f"; {rb.id} decides {', '.join(rb.decisions)}")})
        raise Problem(422, "decisions: " + errors[0]["detail"], errors)


def _known(rb: Rulebook, day: Any, body: Any) -> Rulebook:
    if day is None:
        return rb
    try:
        return rb.known_on(day)
    except StatuteError as x:
        raise from_statute_error(x, body) from None


T = TypeVar("T")


def _over_limit(field: str, count: int, limit: int, what: str) -> Problem:
    detail = f"{count} asked; this server takes at most {limit} {what}"
    return Problem(422, f"{field}: {detail}", [{"pointer": pointer(field), "field": field,
                                                 "detail": detail}])


def _checked(rb: Rulebook, body: Any, decide: Callable[[], T]) -> T:
    """`decide()`, its errors as problems: a bad case 422 with pointers into `body`, a
    rulebook that fails on a valid case 500 (its message, never Python's)."""
    try:
        return decide()
    except EvaluationError as x:
        raise _rulebook_fault(rb, x) from None
    except StatuteError as x:
        raise from_statute_error(x, body) from None


def _rulebook_fault(rb: Rulebook, x: EvaluationError) -> Problem:
    """A valid case the rulebook could not decide: the server's fault, said plainly (the
    rulebook's own message names the decision; no Python exception text)."""
    log.error("%s: %s", rb.id, x)
    return Problem(500, f"the rulebook {rb.id} could not decide this case: {x.message}")


def _query_date(request: Request, name: str, required: bool) -> Any:
    raw = request.query_params.get(name)
    if raw is None:
        if required:
            raise Problem(400, f"the query parameter {name!r} is required (a date YYYY-MM-DD)",
                          [{"parameter": name, "detail": "required"}])
        return None
    try:
        return dates.parse_date(raw)
    except ValueError as e:
        raise Problem(400, f"{name}: {e}", [{"parameter": name, "detail": str(e)}]) from None


_INTERNAL = Problem(500, "the server failed to answer this request; the fault is logged")


class _Guard:
    """Outermost: a Problem becomes problem+json, any other exception a bare 500 (logged
    here with its traceback, never sent)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Problem as p:
            if not started:
                await problem_response(p)(scope, receive, send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await problem_response(_INTERNAL)(scope, receive, send)


async def _not_found(request: Request, exc: Exception) -> Response:
    code = getattr(exc, "status_code", 404)
    if code == 405:
        return problem_response(Problem(405, f"{request.method} is not allowed here",
                                        headers=dict(getattr(exc, "headers", None) or {})))
    return problem_response(unknown_name("endpoint", request.url.path,
                                         ["/rulebooks", "/openapi.json", "/healthz"]))


def create_app(rules: str, limits: Limits | None = None,
               cors_origins: tuple[str, ...] = (), reload_every: float | None = None) -> Any:
    """The ASGI application serving every rulebook under the folder `rules`.

    Args:
        rules: a rulebook folder, or a folder holding rulebooks (each loaded once).
        limits: body size, cases, months, deadline, concurrency (default: `Limits()`).
        cors_origins: origins allowed to call from a browser; none: CORS stays off.
        reload_every: seconds between looks at the files (None: never reload).
    """
    limits = limits or Limits()
    registry = Registry(rules, lambda catalog: document(catalog, limits))
    api = _Api(registry, limits)

    async def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return problem_response(exc)

    async def internal(request: Request, exc: Exception) -> Response:
        return problem_response(_INTERNAL)  # Starlette re-raises it: _Guard logs it

    routes = [
        Route("/healthz", api.healthz, methods=["GET"]),
        Route("/openapi.json", api.openapi, methods=["GET"]),
        Route("/rulebooks", api.rulebooks, methods=["GET"]),
        # every method reaches dispatch, which answers 405 with the exact Allow
        Route("/rulebooks/{rest:path}", api.dispatch,
              methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
        *_explorer(registry),
    ]
    middleware = []
    if cors_origins:
        if "*" in cors_origins:
            raise ValueError("CORS origins must be listed one by one; '*' is refused")
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors_origins),
                                     allow_methods=["GET", "POST"],
                                     allow_headers=["Content-Type", "If-None-Match"],
                                     expose_headers=["ETag", "Statute-Rulebook-Hash",
                                                     "Statute-Rulebook-Version",
                                                     "Statute-Engine-Version", "Retry-After"]))
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={Problem: problem, 404: _not_found, 405: _not_found,
                                        Exception: internal},
                    lifespan=_lifespan(registry, reload_every))
    app.state.registry = registry
    app.state.api = api
    return _Guard(app)


def _explorer(registry: Registry) -> list[Route]:
    """The HTML explorer under /explore (engine.serve.explorer), when Jinja2 is installed."""
    try:
        from engine.serve.explorer import routes as explorer_routes
    except ImportError as e:  # the API serves on without its pages
        log.warning("the web explorer is off: %s (pip install Jinja2)", e)
        return []
    return explorer_routes(registry)


def _lifespan(registry: Registry, every: float | None) -> Any:
    import contextlib

    import anyio
    import anyio.to_thread

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        if every is None:
            yield
            return
        async with anyio.create_task_group() as tg:
            async def watch() -> None:
                while True:
                    await anyio.sleep(every)
                    try:
                        if await anyio.to_thread.run_sync(registry.refresh):
                            log.info("rulebooks reloaded: %s", registry.health()["rulebooks"])
                    except Exception:
                        log.exception("reloading the rulebooks failed")
            tg.start_soon(watch)
            yield
            tg.cancel_scope.cancel()

    return lifespan
