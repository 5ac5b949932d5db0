"""The one seam between the API and the text a person reads: `explain`.

A request may ask for `lang` (the reader's language) and `trace` (`true`/`"full"`: every
step; `"concise"`: the answers with their citations only). The JSON result contract
is language-neutral and never changes with them; `explain` adds the text beside it.

Today the text renderer speaks English only, so `explain` says which language it
actually used (`lang` in its answer) rather than pretending; the message catalogs of
"Explanations a person reads" plug in here, and only here.
"""
from __future__ import annotations

from typing import Any

from engine.render.text import render_text
from engine.result import Result

__all__ = ["LANGUAGES", "TRACE_MODES", "trace_mode", "explain"]

LANGUAGES = ("en", "ru", "lt")
"""The languages a request may ask for (the catalogs' languages)."""
TRACE_MODES = ("none", "concise", "full")
RENDERED = ("en",)
"""The languages the text renderer speaks today; any other is answered in English."""


def trace_mode(value: Any) -> str:
    """The request's `trace` as one of TRACE_MODES (`true` is "full", `false` "none")."""
    if value is True:
        return "full"
    if value is False or value is None:
        return "none"
    return str(value)


def explain(result: Result, lang: str, mode: str) -> dict[str, Any]:
    """The result as text for a reader of `lang`: the decisions' headlines, and with
    `mode` "full" each decision's trace step by step."""
    used = lang if lang in RENDERED else "en"
    return {"lang": used, "requested_lang": lang, "trace": mode,
            "text": render_text(result, trace=mode == "full")}
