"""What the name under the cursor is, in Markdown: a fact's type and meaning, a
parameter's value today and on the dates of the rule around it, a helper's signature,
a citation's law text, a decision's rules by role (as `statute show` prints them)."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable

from engine.expr.helpers import HELPERS
from engine.lsp.symbols import Analysis, Symbol, enclosing_rule, name_at, word_at
from engine.model import value_text

__all__ = ["hover", "SPECIAL_FORM_DOCS", "law_text"]

SPECIAL_FORM_DOCS = {
    "given": "given(fact): the case gives the fact a value (never unknown)",
    "date": "date('YYYY-MM-DD'): a date literal, checked at load",
    "status": "status(decision): the status of another decision (granted, determined, ...)",
    "at": "at(parameter, date): the parameter's value in force on that date",
    "stated": "stated(fact): the case itself wrote the fact, not its default (never unknown)",
    "cite": "cite(provision, x): x; evaluating it makes the answer cite the provision",
}
"""The forms compiled specially (engine/expr/helpers.py SPECIAL_FORMS), for the reader."""

_CITE = re.compile(r"\b(?:cite|citation):\s*(?P<v>\"[^\"]*\"|'[^']*'|[^,}#\n]*[^,}#\s])")
MAX_VALUES = 8  # parameter values listed for one period; the rest are counted


def hover(a: Analysis, file: str, lines: list[str], line: int, col: int) -> str | None:
    """The Markdown shown for 0-based `line`, `col` of `file` (whose text is `lines`)."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    for m in _CITE.finditer(text):
        if m.start("v") <= col <= m.end("v"):
            return _citation(a, m["v"].strip("'\""))
    name = name_at(a.index, text, col)
    if name in a.index.symbols:
        s = a.index.symbols[name]
        return KINDS[s.kind](a, s, file, line + 1)
    if name is not None:
        return _rule(a.index.rules[name])
    found = word_at(text, col)
    if found is None:
        return None
    head = found[0].split(".")[0]
    if head in HELPERS:
        h = HELPERS[head]
        return f"**{h.name}**({', '.join(h.args)}) → {h.returns} — helper\n\n{h.doc}"
    if head in SPECIAL_FORM_DOCS:
        return f"**{head}** — special form\n\n{SPECIAL_FORM_DOCS[head]}"
    return None


def _fact(a: Analysis, s: Symbol, file: str, line: int) -> str:
    spec = s.spec
    kind = spec.get("type")
    if kind == "list":
        kind = f"list of {spec.get('of')}"
    out = [f"**{s.name}** — fact ({kind})", *_named(spec), "",
           str(spec.get("description", ""))]
    if spec.get("values"):
        out += ["", "values: " + ", ".join(f"`{v}`" for v in spec["values"])]
    if "default_from" in spec:
        out += ["", f"default: the evaluation date (`{spec['default_from']}`)"]
    elif "default" in spec:
        d = spec["default"]
        out += ["", "default: " + ("null — not given means known absent" if d is None
                                   else f"`{value_text(d)}`")]
    else:
        out += ["", "no default: a case that needs it and lacks it is undetermined"]
    out += _cited(a, spec.get("cite"))
    return "\n".join(out)


def _parameter(a: Analysis, s: Symbol, file: str, line: int) -> str:
    rb = a.rulebook
    p = rb.parameters.get(s.name) if rb is not None else None
    out = [f"**{s.name}** — parameter ({s.spec.get('type')}): {s.spec.get('title', '')}",
           *_named(s.spec)]
    if s.spec.get("cite"):
        out.append(f"\ncited: {s.spec['cite']}")
    if p is None:
        out.append("\n(values shown once the rulebook loads)")
        return "\n".join(out)
    now = p.at(a.today)
    out += ["", f"today ({a.today}): " + (_value(now) if now else "no value in force")]
    rule = enclosing_rule(a.index, file, line)
    loaded = a.rule(rule.name) if rule is not None else None
    if loaded is not None and s.name in _reads(loaded):
        out += ["", f"on the dates of rule `{loaded.id}` ({loaded.cite}):"]
        for v in loaded.versions:
            out.append(f"- {v.start}..{v.end}:")
            out += [f"  - {x}" for x in _values_in(p, v.start, v.end)]
    else:
        first = p.values[0].start if p.values else a.today
        out += ["", "every value:"] + [f"- {x}" for x in _values_in(p, first, _dt.date.max)]
    return "\n".join(out)


def _definition(a: Analysis, s: Symbol, file: str, line: int) -> str:
    spec = s.spec
    out = [f"**{s.name}** — definition ({spec.get('type')})", *_named(spec), "",
           str(spec.get("description", ""))]
    if spec.get("reading"):
        out += ["", f"reading: {' '.join(str(spec['reading']).split())}"]
    out += ["", "```python", " ".join(str(spec.get("expr", "")).split()), "```"]
    out += _cited(a, spec.get("cite"))
    return "\n".join(out)


def _decision(a: Analysis, s: Symbol, file: str, line: int) -> str:
    from engine.cli.show import describe, describe_lines

    rb = a.rulebook
    named = "\n".join(_named(s.spec))
    if rb is None or s.name not in rb.decisions:
        return f"**{s.name}** — decision ({s.spec.get('type')}): {s.spec.get('title', '')}" \
            + (f"\n{named}" if named else "")
    return "```text\n" + "\n".join(describe_lines(describe(rb.decisions[s.name], rb.root))) \
        + "\n```" + (f"\n{named}" if named else "")


def _named(spec: Any) -> list[str]:
    """The `label:` text names it by and its `unit:`, as lines under the heading."""
    out = []
    if isinstance(spec.get("label"), str):
        out.append(f"label: {' '.join(spec['label'].split())}")
    if spec.get("unit") == "percent":
        out.append("unit: percent (the value is in percent points: 60 means 60 %)")
    return ["", *out] if out else []


def _act(a: Analysis, s: Symbol, file: str, line: int) -> str:
    spec = s.spec
    out = [f"**{s.name}** — act: {' '.join(str(spec.get('title', '')).split())}", ""]
    for key in ("adopted", "published", "in_force"):
        if spec.get(key) is not None:
            out.append(f"- {key.replace('_', ' ')}: {spec[key]}")
    if spec.get("source"):
        out += ["", f"source: {' '.join(str(spec['source']).split())}"]
    if spec.get("note"):
        out += ["", f"note: {' '.join(str(spec['note']).split())}"]
    return "\n".join(out)


def _rule(s: Symbol) -> str:
    spec = s.spec
    return (f"**{s.name}** — rule [{spec.get('cite')}] {spec.get('title') or ''}\n\n"
            f"{' '.join(str(spec.get('text', '')).split())}")


KINDS: dict[str, Callable[[Analysis, Symbol, str, int], str]] = {
    "fact": _fact, "parameter": _parameter, "definition": _definition,
    "decision": _decision, "act": _act,
}


def law_text(a: Analysis, cite: str) -> list[tuple[str, str, str]]:
    """(citation, title, text) of the provisions cited as `cite`: the rules (and table
    rows) of that citation, or, for an article's citation, every provision within it."""
    from engine.check.citations import cites_within

    found: list[tuple[str, str, str]] = []
    for s in a.index.rules.values():
        spec = s.spec
        rows = spec.get("table", {}).get("rows", []) if isinstance(spec.get("table"), dict) \
            else []
        for item in (spec, *(r for r in rows if isinstance(r, dict))):
            c = item.get("cite")
            if isinstance(c, str) and cites_within(c, cite):
                text = item.get("text", spec.get("text", ""))
                entry = (c, str(item.get("title") or ""), " ".join(str(text).split()))
                if entry not in found:
                    found.append(entry)
    found.sort(key=lambda e: e[0] != cite)  # the exact provision first
    return found


def _citation(a: Analysis, cite: str) -> str | None:
    found = law_text(a, cite) or law_text(a, cite.split(",")[0].strip())
    if not found:
        return None
    out = []
    for c, title, text in found[:MAX_VALUES]:
        out += [f"**{c}**" + (f" — {title}" if title else ""), "", f"> {text}", ""]
    if len(found) > MAX_VALUES:
        out.append(f"… and {len(found) - MAX_VALUES} more provisions within {cite}")
    return "\n".join(out).rstrip()


def _cited(a: Analysis, cite: Any) -> list[str]:
    if not isinstance(cite, str):
        return []
    found = law_text(a, cite)
    out = ["", f"cite: {cite}"]
    if found and found[0][0] == cite:
        out.append(f"> {found[0][2]}")
    return out


def _reads(rule: Any) -> set[str]:
    return {p for v in rule.versions for e in (v.expr, v.when) if e is not None
            for p in (*e.params, *e.series)}


def _value(v: Any) -> str:
    cur = f" {v.currency}" if v.currency else ""
    note = f"; {v.note}" if v.note else ""
    return (f"{value_text(v.value)}{cur} from {v.start} — {v.source} "
            f"(confidence: {v.confidence}{note})")


def _values_in(p: Any, start: _dt.date, end: _dt.date) -> list[str]:
    """The values of `p` in force on some day of start..end, one a line."""
    first = p.at(start)
    vals = ([first] if first else []) + [v for v in p.values if start < v.start <= end]
    if not vals:
        return ["no value in force"]
    shown = [_value(v) for v in vals[:MAX_VALUES]]
    return shown + ([f"… and {len(vals) - MAX_VALUES} more"] if len(vals) > MAX_VALUES else [])
