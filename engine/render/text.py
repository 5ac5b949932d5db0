"""Render a `Result` as text a drafter or caseworker can follow without reading code.

    from engine.render.text import render_result
    render_result(result)                          # headlines, in the rulebook's language
    render_result(result, lang="ru", trace=True)   # + the decisive path of each decision
    render_result(result, trace=True, full=True)   # + every step the evaluator took
    render_result(result, trace=True, law_text=True)  # + the deciding provisions' text

The concise trace shows the decisive path (engine.render.concise): the applicable date,
what refused or is missing, the value with its arithmetic, and a sum's segments as one
table. Numbers and dates are shown for people (engine.render.figures); computations
stay exact and the text says so once.
"""
from __future__ import annotations

from typing import Any

from engine.errors import printable
from engine.evaluate.schedule import Schedule
from engine.render.concise import Decisive, decisive
from engine.render.explain import Explainer, substitute
from engine.render.messages import N_, check_language, default_language, in_language
from engine.result import DecisionResult, Result, Step

__all__ = ["render_result", "render_text", "render_schedule", "headline", "trace_lines",
           "language_of", "step_explained"]

_WIDE = 100  # a worked value longer than twice this is left to the full trace
_EXACT = N_("Computations are exact; figures are shown rounded for reading.")


def language_of(result: Any, lang: str | None = None) -> str:
    """`lang` when given (checked), else the rulebook's declared language, else English."""
    if lang is not None:
        return check_language(lang)
    meta = getattr(getattr(result, "source", None), "meta", None) or {}
    return default_language(meta.get("language") if hasattr(meta, "get") else None)


def render_result(result: Result, lang: str | None = None, trace: bool = False,
                  full: bool = False, law_text: bool = False) -> str:
    """The answers as text in `lang` (default: the rulebook's language).

    Args:
        trace: explain each decision: the decisive path, or with `full` every step.
        law_text: print the text of each deciding provision under its citation.
    """
    ex = Explainer(language_of(result, lang), result.source)
    _ = ex._
    head = _("{rulebook} — evaluated on {date}").format(rulebook=result.rulebook,
                                                        date=ex.fig.date(result.on))
    if result.per_month:
        head += " " + _("(period {period})").format(period=result.period)
    out = [head, *known_on_lines(ex, result.qualifiers)]
    if trace:
        out.append(_(_EXACT))
    out.append("")
    for r in result.decisions.values():
        out.append(ex.headline(r))
        if trace:
            out.extend(trace_lines(r, ex=ex, full=full, law_text=law_text))
        out.append("")
    if result.warnings:
        out.append(_("Warnings:"))
        out.extend(f"  ! {in_language(w, ex.lang)}" for w in result.warnings)
    return printable("\n".join(out).rstrip()) + "\n"


def render_text(result: Result, trace: bool = False, lang: str | None = None,
                full: bool = False, law_text: bool = False) -> str:
    """`render_result` with the argument order of earlier releases."""
    return render_result(result, lang=lang, trace=trace, full=full, law_text=law_text)


def known_on_lines(ex: Explainer, qualifiers: Any) -> list[str]:
    known = qualifiers.get("as_known_on") if qualifiers else None
    if not known:
        return []
    _ = ex._
    import datetime as _dt
    line = _("As known on {date}: decided with only the acts published by then").format(
        date=ex.fig.date(_dt.date.fromisoformat(known)))
    left = qualifiers.get("acts_left_out") or ()
    line += "; " + (_("acts left out: {acts}").format(acts=", ".join(left)) if left
                    else _("no act left out"))
    return [line]


def headline(r: DecisionResult, lang: str = "en") -> str:
    return Explainer(lang).headline(r)


def trace_lines(r: DecisionResult, lang: str = "en", full: bool = True,
                law_text: bool = False, ex: Explainer | None = None) -> list[str]:
    """The explanation of one decision, indented under its headline."""
    ex = ex or Explainer(lang)
    if full:
        lines: list[str] = []
        for i, s in enumerate(r.trace, 1):
            lines.extend(_full_step(ex, r, i, s, law_text))
        return lines
    return _concise(ex, r, decisive(r), law_text)


def _full_step(ex: Explainer, r: DecisionResult, i: int, s: Step, law_text: bool) -> list[str]:
    _ = ex._
    lines = [f"  {i}. {ex.heading(s)}"]
    why = ex.version_line(s, r.applicable_date)
    if why:
        lines.append(f"       {why}")
    if s.expression:
        lines.append(f"       {s.expression}")
    lines.extend(f"       {a}" for a in ex.arithmetic(s))
    sub = _substituted(ex, s, records=True)
    if sub:
        lines.append(f"       = {sub}")
    for name, value in s.facts:  # by id, as the expression above writes it
        lines.append(f"         {name} = {ex.show(value, percent=name in ex.percent)}")
    for p in s.parameters:
        lines.append(f"         {_param(ex, p)}")
    pct = _percent_step(ex, r, s)
    verdict = ex.show(s.outcome, r.currency, pct) if s.kind == "rounding" \
        else ex.verdict(s, percent=pct)
    lines.append(f"       => {verdict}")
    if s.note:
        lines.append(f"       {_('note')}: {ex.note(s.note)}")
    if law_text and s.text:
        lines.extend(_law(s.text))
    return lines


def _concise(ex: Explainer, r: DecisionResult, d: Decisive, law_text: bool) -> list[str]:
    _ = ex._
    lines: list[str] = []
    for s in d.steps:
        head, details = step_explained(ex, r, s)
        lines.append(f"  • {head}")
        lines.extend(f"      {x}" for x in details)
        if law_text and s.text:
            lines.extend(_law(s.text))
    for s in d.numeric_held:  # conditions that held by a comparison of amounts
        lines.append(f"  ✓ {ex.heading(s)}")
        lines.extend(f"      {a}" for a in ex.arithmetic(s))
        if law_text and s.text:
            lines.extend(_law(s.text))
    if d.held:
        lines.append("  " + _("conditions that hold: {cites}").format(cites=", ".join(d.held)))
    if d.not_established:
        lines.append("  " + _("exceptions not established: {cites}").format(
            cites=", ".join(d.not_established)))
    if d.segments:
        lines.extend(_segments(ex, r, d))
    if r.status == "undetermined" and r.missing_facts:
        lines.extend(_supply(ex, r))
    return lines


def step_explained(ex: Explainer, r: DecisionResult, s: Step) -> tuple[str, list[str]]:
    """A decisive step as a heading with its outcome, and the lines that show why: the
    arithmetic of its comparisons, its value worked out, the threshold a refusal missed."""
    _ = ex._
    pct = _percent_step(ex, r, s)
    if s.kind == "rounding":
        exact = _exact(s.note)
        show = ex.fig.percent if pct else ex.fig.number
        return f"{ex.heading(s)} — {ex.show(s.outcome, r.currency, pct)}", (
            [_("{exact} rounded once, at the end").format(exact=show(exact))]
            if exact is not None and exact != s.outcome else [])
    money = r.currency if r.type == "money" and s.kind in ("value", "adjust") else None
    details = ex.arithmetic(s)
    work = None if details else _worked(ex, s, money, pct)
    sub = None if details or work else _substituted(ex, s, currency=money, percent=pct)
    if work:
        details.append(work)
    elif sub:
        details.append(f"{s.expression} = {sub}")
    elif not details and s.expression and s.kind != "sum":
        read = dict(s.facts)
        if s.expression in read:  # a fact on its own: `first day of illness 12 Feb 2024`
            details.append(f"{ex.name(s.expression)} "
                           + ex.show(read[s.expression], percent=s.expression in ex.percent))
        else:
            reads = ", ".join(f"{ex.name(n)} = {ex.show(v, percent=n in ex.percent)}"
                              for n, v in s.facts)
            details.append(f"{s.expression}" + (f" ({reads})" if reads else ""))
    details.extend(f"→ {w}" for w in ex.why_not(s))
    return f"{ex.heading(s)} — {ex.verdict(s, money, pct)}", details


def _percent_step(ex: Explainer, r: DecisionResult, s: Step) -> bool:
    """The step gives (or rounds) the value of a decision declared `unit: percent`."""
    return r.id in ex.percent and s.kind in ("value", "adjust", "rounding")


def _segments(ex: Explainer, r: DecisionResult, d: Decisive) -> list[str]:
    _ = ex._
    head = [_("days"), _("number"), _("outcome"), _("value"), _("share")]
    rows = [[f"{ex.fig.date(s.first)} – {ex.fig.date(s.last)}", str(s.days),
             _(_STATUS_SHORT.get(str(s.status), str(s.status))),
             "" if s.value is None else ex.show(s.value, s.currency or r.currency),
             "" if s.share is None else ex.show(s.share, r.currency)]
            for s in d.segments]
    widths = [max(len(x[k]) for x in [head, *rows]) for k in range(len(head))]
    out = ["  " + _("segments of the range, decided alike within each:")]
    if d.days_decided is not None:
        out[0] += " " + ex.ngettext("(the rules were decided on {n} day)",
                                    "(the rules were decided on {n} days)",
                                    d.days_decided).format(n=d.days_decided)
    for cells in [head, *rows]:
        out.append("    " + "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    return out


_STATUS_SHORT = {"granted": N_("granted"), "refused": N_("refused"),
                 "determined": N_("determined"), "not_applicable": N_("not applicable"),
                 "undetermined": N_("undetermined"), "not_covered": N_("not covered")}


def _supply(ex: Explainer, r: DecisionResult) -> list[str]:
    """For an undetermined answer: each missing fact and the provisions it decides."""
    _ = ex._
    out = []
    decision = (getattr(ex.rb, "decisions", None) or {}).get(r.id)
    for name in r.missing_facts:
        cites = list(dict.fromkeys(
            s.citation for s in r.trace if s.citation and name in dict(s.facts)
            and (s.outcome == "unknown" or type(s.outcome).__name__ == "Unknown")))
        if decision is not None:  # and the rules whose `when` or expression reads it
            cites.extend(c for c in dict.fromkeys(
                rule.cite for rule in decision.rules for v in rule.versions
                for e in (v.when, v.expr) if e is not None and name in e.facts)
                if c not in cites)
        line = _("supply {fact}").format(fact=ex.ref(name))
        if cites:
            line += ": " + _("it decides {cites}").format(cites=", ".join(cites))
        out.append("  → " + line)
    return out


def _exact(note: str | None) -> Any:
    """The unrounded amount a rounding step's note begins with."""
    from decimal import Decimal, InvalidOperation
    try:
        return Decimal((note or "").split(" ", 1)[0])
    except InvalidOperation:
        return None


def _law(text: str) -> list[str]:
    return [f"      │ {line}" for line in text.strip().splitlines()]


def _param(ex: Explainer, p: Any) -> str:
    _ = ex._
    shown = ex.show(p.value, p.currency, p.name in ex.percent) \
        if not isinstance(p.value, dict) else ex.show(p.value)
    line = f"{p.name} = {shown} (" + _("valid from {date}; source: {source}").format(
        date=ex.fig.date(p.effective_from), source=p.source)
    if p.confidence != "high":
        line += ", " + _("confidence {level}").format(level=p.confidence)
    return line + ")"


def _worked(ex: Explainer, s: Step, currency: str | None, percent: bool = False) -> str | None:
    """A value worked out: its expression with each name it read (decisions too), by its
    label, and that name's value, then the result: `0.75 × base 130.00 XTS = 97.50 XTS`;
    a name on its own as `base 130.00 XTS` (`percent`: the result is in percent points)."""
    o = s.worked
    if s.kind not in ("value", "adjust") or o is None or not o.reads \
            or isinstance(o.value, dict) or isinstance(s.outcome, str):
        return None
    cur = currency or next((p.currency for p in s.parameters if p.currency), None) \
        or ex.currency
    money = {p.name for p in s.parameters if p.currency} | ex.money_facts
    text = ex.operand(o, money, cur, limit=2 * _WIDE, percent=percent)
    return None if text == ex.show(o.value, percent=percent) else text


def _substituted(ex: Explainer, s: Step, records: bool = False,
                 currency: str | None = None, percent: bool = False) -> str | None:
    """A value's expression with the values it read written in: 11 × 130.00 XTS = …
    (a record's fields too with `records`: the full trace)."""
    if s.kind not in ("value", "adjust") or not s.expression or isinstance(s.outcome, str) \
            or (isinstance(s.outcome, dict) and not records):
        return None
    if not s.parameters:
        return None
    values = {p.name: ex.show(p.value, p.currency, p.name in ex.percent)
              for p in s.parameters if not isinstance(p.value, dict)}
    values.update({f"{p.name}.{k}": ex.show(x) for p in s.parameters
                   if isinstance(p.value, dict) for k, x in p.value.items()})
    cur = currency or next((p.currency for p in s.parameters if p.currency), None) \
        or ex.currency
    values.update({n: ex.show(v, cur if n in ex.money_facts else None, n in ex.percent)
                   for n, v in s.facts})
    text = substitute(s.expression, values)
    if text == s.expression:  # nothing it read is written in: no arithmetic to show
        return None
    return f"{text.replace(' * ', ' × ')} = {ex.verdict(s, currency, percent)}"


def render_schedule(schedule: Schedule, trace: bool = False, lang: str | None = None,
                    full: bool = False) -> str:
    """A month-by-month table: one column per decision, the parameter values used, totals."""
    first = schedule.months[0] if schedule.months else None
    ex = Explainer(language_of(first, lang), getattr(first, "source", None))
    _ = ex._
    ids = list(schedule.decisions)
    params = sorted({p for m in schedule.parameters for p in m})
    head = [_("month"), *ids, *params]
    rows = []
    for month, used in zip(schedule.months, schedule.parameters):
        row = [month.period]
        for i in ids:
            res = month.decisions[i]
            row.append(ex.value(res.type, res.value, res.currency) if res.value is not None
                       else ("—" if res.status == "not_applicable"
                             else _(_STATUS_SHORT.get(res.status, res.status))))
        for p in params:
            v = used.get(p)
            row.append(_("{value} (from {date})").format(
                value=f"{v['value']} {v['currency'] or ''}".strip(), date=v["effective_from"])
                if v else "")
        rows.append(row)
    totals = schedule.totals()
    rows.append([_("total"), *("; ".join(ex.fig.money(a, c) for c, a in totals[i].items())
                               or "0" for i in ids), *([""] * len(params))])
    widths = [max(len(str(r[k])) for r in [head, *rows]) for k in range(len(head))]
    out = [_("{rulebook} — schedule {first}..{last}, evaluated on {date}").format(
        rulebook=schedule.rulebook, first=schedule.months[0].period,
        last=schedule.months[-1].period, date=ex.fig.date(schedule.on)), ""]
    for n, cells in enumerate([head, *rows]):
        if n == len(rows):  # before the total line
            out.append("  ".join("-" * w for w in widths))
        out.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip())
    total = schedule.total()
    out.append("")
    out.append(_("all decisions: {total}").format(
        total="; ".join(ex.fig.money(a, c) for c, a in total.items()) or "0"))
    if trace:
        for month in schedule.months:
            out.append("")
            out.append(f"== {month.period} ==")
            for r in month.decisions.values():
                out.append(ex.headline(r))
                out.extend(trace_lines(r, ex=ex, full=full))
    warnings = schedule.warnings()
    if warnings:
        out.append("")
        out.append(_("Warnings:"))
        out.extend(f"  ! {in_language(w, ex.lang)}" for w in warnings)
    return "\n".join(out) + "\n"
