"""Render a `Result` as text a drafter or caseworker can follow without reading code."""
from __future__ import annotations

import re
from typing import Any

from engine.evaluate.schedule import Schedule
from engine.kinds import text_value
from engine.result import DecisionResult, Result, Step, to_json_value
from engine.dates import MAX_DATE
from engine.errors import printable
from engine.model import value_text

__all__ = ["render_text", "render_schedule", "headline", "trace_lines"]

_STATUS = {"granted": "GRANTED", "refused": "REFUSED", "determined": "DETERMINED",
           "not_applicable": "not applicable", "undetermined": "UNDETERMINED",
           "not_covered": "NOT COVERED"}


def render_text(result: Result, trace: bool = False) -> str:
    head = f"{result.rulebook} — evaluated on {result.on.isoformat()}"
    if result.per_month:  # a rulebook that decides per month names the month asked about
        head += f" (period {result.period})"
    out = [head, ""]
    for r in result.decisions.values():
        out.append(headline(r))
        if trace:
            out.extend(trace_lines(r))
        out.append("")
    if result.warnings:
        out.append("Warnings:")
        out.extend(f"  ! {w}" for w in result.warnings)
    return printable("\n".join(out).rstrip()) + "\n"


def headline(r: DecisionResult) -> str:
    line = f"{r.id}: {_STATUS.get(r.status, r.status)}"
    if r.value is not None:
        line += f" {text_value(r.type, r.value, r.currency)}"
    if r.applicable_date:
        line += f" (applicable date {r.applicable_date})"
    if r.citations:
        line += f" — {', '.join(r.citations)}"
    if r.missing_facts:
        line += f" — missing: {', '.join(r.missing_facts)}"
    for note in r.notes:
        line += f" — {note}"
    return line


_VERB = {"applies_if": "Applies?", "applicable_date": "Applicable date",
         "requires": "Condition", "unless": "Exception", "value": "Value",
         "adjust": "Adjustment", "rounding": "Rounding", "coverage": "Coverage",
         "version": "Version", "parameter": "Parameter", "sum": "Sum over days",
         "segment": "Days", "share": "Share", "dependency": "Reads"}


def trace_lines(r: DecisionResult) -> list[str]:
    lines = []
    for i, s in enumerate(r.trace, 1):
        head = f"  {i}. {_VERB.get(s.kind, s.kind)}"
        if s.citation:
            head += f" [{s.citation}]"
        if s.title:
            head += f" {s.title}"
        lines.append(head)
        if s.version and s.kind != "applicable_date":
            start, end, assumed, note = s.version
            why = f"version in force {start}..{end}" if str(end) != str(MAX_DATE) else \
                f"version in force from {start} (no end)"
            if r.applicable_date:
                why += f", which contains {r.applicable_date}"
            if assumed:
                why += " (coverage assumption)"
            if note:
                why += f" — {note}"
            lines.append(f"       {why}")
        arithmetic = False
        if s.expression:
            lines.append(f"       {s.expression}")
            arithmetic = s.kind in ("value", "adjust") and bool(s.parameters) \
                and not isinstance(s.outcome, str)
            if arithmetic:
                lines.append(f"       = {_substitute(s)} = {_outcome(s)}")
        for name, value in s.facts:
            lines.append(f"         {name} = {_show(value)}")
        for p in s.parameters:
            conf = "" if p.confidence == "high" else f", confidence {p.confidence}"
            shown = f"{value_text(p.value)} {p.currency or ''}".rstrip()
            lines.append(f"         {p.name} = {shown} (valid from "
                         f"{p.effective_from}; source: {p.source}{conf})")
        if not (s.expression and arithmetic):
            outcome = _outcome(s)
            if s.kind == "rounding" and r.currency:
                outcome += f" {r.currency}"
            lines.append(f"       => {outcome}")
        if s.note:
            lines.append(f"       note: {s.note}")
    return lines


def _substitute(s: Step) -> str:
    """The expression with the values it read written in: 11 × 130 XTS."""
    text = s.expression or ""
    values = {p.name: f"{p.value} {p.currency or ''}".rstrip() for p in s.parameters
              if not isinstance(p.value, dict)}
    values.update({f"{p.name}.{k}": _show(x) for p in s.parameters  # a record's fields
                   if isinstance(p.value, dict) for k, x in p.value.items()})
    values.update({n: _show(v) for n, v in s.facts})
    for name in sorted(values, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w.])", values[name], text)
    return text.replace(" * ", " × ")


# what true, false and unknown mean for a condition and for an exception
_VERDICTS = {
    "requires": ("holds", "does not hold", "unknown"),
    "unless": ("established", "not established", "unknown"),
}


def _outcome(s: Step) -> str:
    o = s.outcome
    verdicts = _VERDICTS.get(s.kind)
    if verdicts is not None and not isinstance(o, str):  # str: "does not apply", ...
        return verdicts[0] if o is True else verdicts[1] if o is False else verdicts[2]
    if s.kind == "value" and s.parameters and not isinstance(o, str):
        p = s.parameters[0]
        return f"{_show(o)} {p.currency or ''}".rstrip()
    return _show(o)


def _show(v: Any) -> str:
    j = to_json_value(v)
    return "none (not given)" if j is None else _json_text(j)


def _json_text(j: Any) -> str:
    """A JSON value as a reader sees it: true/false/null, records as {field: value}."""
    if j is True:
        return "true"
    if j is False:
        return "false"
    if j is None:
        return "null"
    if isinstance(j, dict):
        return "{" + ", ".join(f"{k}: {_json_text(x)}" for k, x in j.items()) + "}"
    if isinstance(j, (list, tuple)):
        return "[" + ", ".join(_json_text(x) for x in j) + "]"
    return str(j)


_SHORT = {"refused": "refused", "not_applicable": "—", "undetermined": "undetermined",
          "not_covered": "not covered"}


def render_schedule(schedule: Schedule, trace: bool = False) -> str:
    """A month-by-month table: one column per decision, the parameter values used, totals."""
    ids = list(schedule.decisions)
    params = sorted({p for m in schedule.parameters for p in m})
    head = ["month", *ids, *params]
    rows = []
    for month, used in zip(schedule.months, schedule.parameters):
        row = [month.period]
        for i in ids:
            res = month.decisions[i]
            row.append(text_value(res.type, res.value, res.currency)
                       if res.value is not None else _SHORT.get(res.status, res.status))
        for p in params:
            v = used.get(p)
            row.append(f"{v['value']} {v['currency'] or ''} (from {v['effective_from']})".strip()
                       if v else "")
        rows.append(row)
    totals = schedule.totals()
    rows.append(["total", *("; ".join(f"{a} {c}".strip() for c, a in totals[i].items()) or "0"
                            for i in ids), *([""] * len(params))])
    widths = [max(len(str(r[k])) for r in [head, *rows]) for k in range(len(head))]
    out = [f"{schedule.rulebook} — schedule {schedule.months[0].period}.."
           f"{schedule.months[-1].period}, evaluated on {schedule.on}", ""]
    for n, cells in enumerate([head, *rows]):
        if n == len(rows):  # before the total line
            out.append("  ".join("-" * w for w in widths))
        out.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip())
    total = schedule.total()
    out.append("")
    out.append("all decisions: " + ("; ".join(f"{a} {c}" for c, a in total.items()) or "0"))
    if trace:
        for month in schedule.months:
            out.append("")
            out.append(f"== {month.period} ==")
            for r in month.decisions.values():
                out.append(headline(r))
                out.extend(trace_lines(r))
    warnings = schedule.warnings()
    if warnings:
        out.append("")
        out.append("Warnings:")
        out.extend(f"  ! {w}" for w in warnings)
    return "\n".join(out) + "\n"
