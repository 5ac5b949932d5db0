"""The one seam between the API and the text a person reads: `explain`.

A request may ask for `lang` (the reader's language: the message catalogs of
engine.render.messages) and `trace` (`true`/`"full"`: every step; `"concise"`: the
decisive path of each decision). The JSON result contract is language-neutral and never
changes with them; `explain` adds the text beside it, rendered by engine.render.text,
and for a concise trace each decision's decisive path as data (engine.render.concise).
"""
from __future__ import annotations

from typing import Any

from engine.render.concise import concise_trace
from engine.render.messages import LANGUAGES
from engine.render.text import render_result
from engine.result import Result

__all__ = ["LANGUAGES", "TRACE_MODES", "trace_mode", "traced", "explain"]

TRACE_MODES = ("none", "concise", "full")


def trace_mode(value: Any) -> str:
    """The request's `trace` as one of TRACE_MODES (`true` is "full", `false` "none")."""
    if value is True:
        return "full"
    if value is False or value is None:
        return "none"
    return str(value)


def traced(mode: str) -> bool:
    """Whether the evaluation must record its steps: any trace is made from them."""
    return mode != "none"


def explain(result: Result, lang: str, mode: str) -> dict[str, Any]:
    """The result as text for a reader of `lang`: the decisions' headlines and, with a
    trace, each decision's decisive path (`concise`) or every step (`full`)."""
    out: dict[str, Any] = {"lang": lang, "trace": mode,
                           "text": render_result(result, lang=lang, trace=mode != "none",
                                                 full=mode == "full")}
    if mode == "concise":
        out["decisive"] = {i: concise_trace(r) for i, r in result.decisions.items()}
    return out
