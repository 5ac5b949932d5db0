"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error the API gives is a `Problem`: a status, a short title, the detail (the same
message the CLI prints, without the file position a request has not got) and, for bad
input, `errors` each with a JSON Pointer (RFC 6901) into the request body. A 500 says
only that the fault is the server's: no exception text, no traceback.
"""
from __future__ import annotations

import difflib
import json
import re
from typing import Any, Iterable, Mapping

from starlette.responses import Response

from engine.errors import ErrorList, StatuteError

__all__ = ["Problem", "PROBLEM_TYPE", "problem_response", "pointer", "from_statute_error",
           "unknown_name"]

PROBLEM_TYPE = "https://statute.dev/problems/"
_TITLES = {400: "Malformed request", 404: "Not found", 405: "Method not allowed",
           406: "Not acceptable", 413: "Request body too large",
           415: "Unsupported media type", 422: "Invalid case", 500: "Internal server error",
           503: "Server busy", 504: "Deadline exceeded"}
_SLUGS = {400: "malformed", 404: "not-found", 405: "method-not-allowed",
          406: "not-acceptable", 413: "too-large", 415: "unsupported-media-type",
          422: "invalid", 500: "internal", 503: "busy", 504: "deadline"}


class Problem(Exception):
    """An error answer. `errors` lists `{pointer, detail}` (and `field` when known)."""

    def __init__(self, status: int, detail: str, errors: Iterable[Mapping[str, Any]] = (),
                 headers: Mapping[str, str] | None = None, **extra: Any):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extra = extra

    def body(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": PROBLEM_TYPE + _SLUGS.get(self.status, "error"),
                             "title": _TITLES.get(self.status, "Error"),
                             "status": self.status, "detail": self.detail}
        if self.errors:
            d["errors"] = self.errors
        d.update(self.extra)
        return d


def problem_response(p: Problem, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(p.body(), ensure_ascii=False), p.status,
                    {**(headers or {}), **p.headers}, media_type="application/problem+json")


def pointer(*parts: str | int) -> str:
    """A JSON Pointer to `parts` (`~` and `/` escaped as RFC 6901 says)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_ITEM = re.compile(r"\[(\d+)\]")


def fact_pointer(field: str, body: Any, base: tuple[str | int, ...] = ("facts",)) -> str:
    """The pointer to the fact `field` (`loan.due_date`, `items[2].amount`) as the
    request wrote it: nested groups, a dotted name, or a mix of both."""
    names = _ITEM.sub(lambda m: "." + "\0" + m.group(1), field).split(".")
    at: Any = body
    for p in base:
        at = at.get(p) if isinstance(at, Mapping) else None
    path: list[str | int] = list(base)
    i = 0
    while i < len(names):
        part = names[i]
        if part.startswith("\0"):
            path.append(int(part[1:]))
            at = at[int(part[1:])] if isinstance(at, list) and int(part[1:]) < len(at) else None
            i += 1
            continue
        if isinstance(at, Mapping):  # the longest dotted key the body has here
            for j in range(len(names), i, -1):
                key = ".".join(n for n in names[i:j] if not n.startswith("\0"))
                if "\0" not in "".join(names[i:j]) and key in at:
                    path.append(key)
                    at = at[key]
                    i = j
                    break
            else:
                path.append(part)
                at = None
                i += 1
        else:
            path.append(part)
            i += 1
    return pointer(*path)


def from_statute_error(e: StatuteError, body: Any, status: int = 422) -> Problem:
    """A case the engine refused: one entry per error, each with its pointer."""
    errors = []
    for err in e.errors if isinstance(e, ErrorList) else [e]:
        entry: dict[str, Any] = {"detail": err.message}
        if err.field:
            entry["field"] = err.field
            first = err.field.split(", ")[0]  # a constraint names every fact it read
            top = first in ("on", "period", "decision", "decisions", "as_known_on", "from",
                            "to")
            entry["pointer"] = pointer({"decision": "decisions", "from": "from",
                                        "to": "to"}.get(first, first)) if top \
                else fact_pointer(first, body)
        else:
            entry["pointer"] = ""
        errors.append(entry)
    lines = [f"{x['field']}: {x['detail']}" if "field" in x else x["detail"] for x in errors]
    return Problem(status, "; ".join(lines) if len(lines) <= 3 else
                   f"{len(lines)} problems; the first: {lines[0]}", errors)


def unknown_name(kind: str, name: str, known: Iterable[str], where: str = "") -> Problem:
    """404 for an unknown rulebook, decision or parameter, suggesting the closest name."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else \
        f"; the {kind}s are: {', '.join(known[:50])}" if known else ""
    p = Problem(404, f"unknown {kind} {name[:200]!r}{where}{hint}")
    if close:
        p.extra["suggestion"] = close[0]
    return p
