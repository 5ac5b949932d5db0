"""The phrases of an explanation in one language: statuses, values, steps, arithmetic.

`Explainer(lang, rulebook)` writes what text output and letters share: a decision's
headline, each step's heading, the arithmetic of its comparisons and limits
(`income 300.00 XTS < 1.5 × limit 350.00 XTS = 525.00 XTS → yes`), what a refused
condition would have needed, and which missing facts could change an undetermined
answer. The engine's words come from the message catalogs (engine.render.messages);
titles, readings and law texts are the rulebook's own, shown as written. A fact,
parameter or decision is named by its `label:` where the rulebook gives one (the law's
words), else by its id; a value declared `unit: percent` is shown as a percentage.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Any, Callable

from engine.dates import MAX_DATE
from engine.expr import Unknown
from engine.expr.operands import Comparison, Operand
from engine.render.figures import Figures
from engine.render.messages import N_, plural, translator
from engine.result import DecisionResult, Step

__all__ = ["Explainer", "STATUS", "KIND", "written", "uncite", "substitute"]

STATUS = {"granted": N_("GRANTED"), "refused": N_("REFUSED"), "determined": N_("DETERMINED"),
          "not_applicable": N_("not applicable"), "undetermined": N_("UNDETERMINED"),
          "not_covered": N_("NOT COVERED")}
KIND = {"applies_if": N_("Applies?"), "applicable_date": N_("Applicable date"),
        "requires": N_("Condition"), "unless": N_("Exception"), "value": N_("Value"),
        "adjust": N_("Adjustment"), "rounding": N_("Rounding"), "coverage": N_("Coverage"),
        "version": N_("Version"), "parameter": N_("Parameter"), "sum": N_("Sum over days"),
        "segment": N_("Days"), "share": N_("Share"), "dependency": N_("Reads"),
        "decided": N_("Days decided")}
_VERDICT = {  # what true, false and unknown mean for each kind of step
    "requires": (N_("holds"), N_("does not hold"), N_("unknown")),
    "unless": (N_("established"), N_("not established"), N_("unknown")),
}
_YES_NO = (N_("yes"), N_("no"), N_("unknown"))
_OPS = {"<=": "≤", ">=": "≥", "!=": "≠", "==": "=", "in": "∈", "not in": "∉",
        "is": "is", "is not": "is not", "<": "<", ">": ">"}
_LONG = 100  # an operand longer than this, written out, is shown by its value alone
_CONCERN = "does the case concern "
_SUMMED = "the days summed: "
_ENGINE_TITLES = (N_("rounded once"), N_("days decided"),
                  N_("is the applicable date within the rulebook's coverage?"),
                  N_("no provision gives a value for this case"))
_ENGINE_NOTES = (N_("its 'when' does not hold for this case"),
                 N_("each day of the segment is decided alike; the steps follow"),
                 N_("evaluated to name every missing fact: the decision is undetermined"),
                 N_("evaluated to name every missing fact: the value is unknown"))


class Explainer:
    """Writes explanations in `lang` for results of `rulebook` (which may be None)."""

    def __init__(self, lang: str, rulebook: Any = None):
        self.lang = lang
        self._: Callable[[str], str] = translator(lang)
        self.ngettext: Callable[[str, str, int], str] = plural(lang)
        self.fig = Figures(lang)
        self.rb = rulebook
        meta = getattr(rulebook, "meta", None) or {}
        self.currency = meta.get("currency") if hasattr(meta, "get") else None
        facts = getattr(rulebook, "facts", None) or {}
        decisions = getattr(rulebook, "decisions", None) or {}
        # the names whose values are money: money facts, and decisions answering money
        self.money_facts = frozenset(
            [n for n, f in facts.items() if getattr(f, "type", None) == "money"]
            + [i for i, d in decisions.items() if getattr(d, "type", None) == "money"])
        named = [*facts.items(), *(getattr(rulebook, "parameters", None) or {}).items(),
                 *decisions.items()]
        self.labels: dict[str, str] = {n: x.label for n, x in named
                                       if getattr(x, "label", None)}
        self.percent = frozenset(n for n, x in named if getattr(x, "unit", None) == "percent")

    # -- names -------------------------------------------------------------------
    def name(self, n: str) -> str:
        """A fact, parameter or decision as the text names it: its label, else its id."""
        return self.labels.get(n, n)

    def ref(self, n: str) -> str:
        """A name the reader may have to act on (a fact to supply): the label with the id
        the case file uses, `first day of illness (illness.start_date)`."""
        label = self.labels.get(n)
        return f"{label} ({n})" if label else n

    # -- values ------------------------------------------------------------------
    def value(self, kind: str, v: Any, currency: str | None, percent: bool = False) -> str:
        """A decision's value as a reader writes it (`percent`: a number of percent points)."""
        _ = self._
        if v is None:
            return ""
        if percent and _numeric(v):
            return self.fig.percent(v)
        if kind == "money":
            return self.fig.money(v, currency)
        if kind == "days":
            return self.days(v)
        if kind == "range":
            out = _("{low} to {high}").format(low=self.fig.money(v["min"], currency),
                                               high=self.fig.money(v["max"], currency))
            if v.get("warning_possible"):
                out += _(", or a warning")
            years = v.get("disqualification_years")
            if years:
                out += _(", or disqualification for {low} to {high} years").format(
                    low=years[0], high=years[1])
            return out
        if kind == "period":
            if v["kind"] == "years":
                n = int(v["years"])
                out = self.ngettext("{n} year", "{n} years", n).format(n=self.fig.number(n))
            else:
                out = _(PERIOD_KINDS.get(v["kind"], v["kind"]))
            return out + (_(" (EPK: expert review may extend it)") if v.get("epk") else "")
        return self.show(v)

    def days(self, n: Any) -> str:
        """`3 days`, `1 day` (`3 дня`, `5 дней`): the language's plural of a count."""
        return self.ngettext("{n} day", "{n} days", int(n)).format(n=self.fig.number(n))

    def show(self, v: Any, currency: str | None = None, percent: bool = False) -> str:
        """An intermediate value: money with its currency, dates in the locale, percent
        points (`percent`) as a percentage."""
        _ = self._
        if percent and _numeric(v):
            return self.fig.percent(v)
        if isinstance(v, Unknown) or v == "unknown":
            return _("unknown")
        if v is None:
            return _("none (not given)")
        if v is True:
            return _("yes")
        if v is False:
            return _("no")
        if isinstance(v, _dt.date):
            return self.fig.date(v)
        if isinstance(v, Decimal) or (isinstance(v, int) and not isinstance(v, bool)):
            return self.fig.money(v, currency) if currency else self.fig.number(v)
        if isinstance(v, (frozenset, set)):
            return "(" + ", ".join(sorted(self.show(x) for x in v)) + ")"
        if isinstance(v, (tuple, list)):
            return "[" + ", ".join(self.show(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k}: {self.show(x)}" for k, x in v.items()) + "}"
        return str(v)

    # -- a decision --------------------------------------------------------------
    def headline(self, r: DecisionResult) -> str:
        _ = self._
        line = f"{self.name(r.id)}: {_(STATUS.get(r.status, r.status))}"
        if r.value is not None:
            line += f" {self.value(r.type, r.value, r.currency, r.id in self.percent)}"
        if r.applicable_date:
            line += " (" + _("applicable date {date}").format(
                date=self.fig.date(r.applicable_date)) + ")"
        if r.citations:
            line += f" — {', '.join(r.citations)}"
        if r.missing_facts:
            line += " — " + _("missing: {facts}").format(
                facts=", ".join(self.ref(n) for n in r.missing_facts))
        for note in r.notes:
            line += f" — {note}"
        return line

    def heading(self, s: Step) -> str:
        head = self._(KIND.get(s.kind, s.kind))
        if s.citation:
            head += f" [{s.citation}]"
        title = s.title
        if title and s.kind == "applies_if" and title.startswith(_CONCERN):
            title = self._(N_("does the case concern {title}?")).format(
                title=title[len(_CONCERN):].rstrip("?"))
        elif title and s.kind == "sum" and title.startswith(_SUMMED):
            title = self._(N_("the days summed: {range}")).format(
                range=substitute(title[len(_SUMMED):], self.labels))
        elif title and s.rule is None:  # the engine's own title: translated where known
            title = self._(title)
        if title:
            head += f" {title}"
        return head

    def verdict(self, s: Step, currency: str | None = None, percent: bool = False) -> str:
        """What the step's outcome means: holds / not established / a value (money in
        `currency` when the step computed none from a money parameter; percent points
        with `percent`)."""
        o = s.outcome
        verdicts = _VERDICT.get(s.kind)
        if isinstance(o, str):
            return self._(o) if o in _NOT_USED_PHRASES else o
        if verdicts is not None:
            i = 0 if o is True else 1 if o is False else 2
            return self._(verdicts[i])
        return self.show(o, self.step_currency(s, o) or (currency if _numeric(o) else None),
                         percent)

    def version_line(self, s: Step, applicable: _dt.date | None) -> str | None:
        if not s.version or s.kind == "applicable_date":
            return None
        _ = self._
        start, end, assumed, note = s.version
        if end != MAX_DATE:
            why = _("version in force {start}..{end}").format(
                start=self.fig.date(start), end=self.fig.date(end))
        else:
            why = _("version in force from {start} (no end)").format(start=self.fig.date(start))
        if applicable:
            why += _(", which contains {date}").format(date=self.fig.date(applicable))
        if assumed:
            why += " " + _("(coverage assumption)")
        if note:
            why += f" — {note}"
        return why

    def note(self, text: str) -> str:
        """An engine note in the reader's language where the catalog has it."""
        return self._(text)

    # -- arithmetic --------------------------------------------------------------
    def step_currency(self, s: Step, value: Any = None) -> str | None:
        """The currency of money the step computed from (its money parameters)."""
        if not isinstance(value, (Decimal, int)) or isinstance(value, bool):
            return None
        return next((p.currency for p in s.parameters if p.currency), None) \
            if s.kind in ("value", "adjust", "rounding", "share") else None

    def arithmetic(self, s: Step) -> list[str]:
        """One line per comparison or limit the step made, operands with values."""
        cur = next((p.currency for p in s.parameters if p.currency), None) or self.currency
        money = {p.name for p in s.parameters if p.currency} | self.money_facts
        return [self.comparison(c, money, cur) for c in s.comparisons]

    def comparison(self, c: Comparison, money: frozenset[str] | set[str],
                   currency: str | None) -> str:
        parts = [self.operand(o, money, currency) for o in c.operands]
        if c.kind == "compare":
            text = parts[0]
            for op, part in zip(c.operators, parts[1:]):
                text += f" {_OPS.get(op, op)} {part}"
            return f"{text} → {self._(_yes_no(c.result))}"
        is_money = any(n in money for o in c.operands for n, _ in o.reads)
        result = self.show(c.result, currency if is_money else None,
                           any(self._percent(o) for o in c.operands))
        return f"{c.kind}({', '.join(parts)}) = {result}"

    def _percent(self, o: Operand) -> bool:
        """The operand is a percent value on its own (`rate`, not `rate / 100`)."""
        return o.leaf and any(n in self.percent for n, _ in o.reads)

    def operand(self, o: Operand, money: frozenset[str] | set[str],
                currency: str | None, limit: int = 0, percent: bool = False) -> str:
        """The operand with each name it read named and valued, then its value:
        `base 130.00 XTS × rate 60% / 100 = 78.00 XTS` (`percent`: the
        value itself is in percent points)."""
        is_money = any(n in money for n, _ in o.reads)
        shown = self.show(o.value, currency if is_money and _numeric(o.value) else None,
                          percent or self._percent(o))
        if o.leaf:
            if not o.reads and isinstance(o.value, str):
                return repr(o.value)
            return shown if not o.reads else f"{self.name(o.source)} {shown}"
        values = {n: self.show(v, currency if n in money and _numeric(v) else None,
                               n in self.percent) for n, v in o.reads}
        text = uncite(substitute(o.source, {n: f"{self.name(n)} {v}"
                                            for n, v in values.items()}))
        # too long to follow: the full trace prints the expression itself. Measured as
        # written with ids, so that a rulebook's labels never hide its arithmetic
        if len(text) > (limit or _LONG) and (not self.labels or len(uncite(substitute(
                o.source, {n: f"{n} {v}" for n, v in values.items()}))) > (limit or _LONG)):
            return shown
        return f"{text.replace(' * ', ' × ')} = {shown}"

    def why_not(self, s: Step) -> list[str]:
        """For a condition that refused: the threshold each failed comparison missed."""
        _ = self._
        if s.kind != "requires" or s.outcome is not False:
            return []
        cur = next((p.currency for p in s.parameters if p.currency), None) or self.currency
        money = {p.name for p in s.parameters if p.currency} | self.money_facts
        out = []
        for c in s.comparisons:
            if c.kind != "compare" or c.result is not False:
                continue
            for i, op in enumerate(c.operators):
                a, b = c.operands[i], c.operands[i + 1]
                if isinstance(a.value, Unknown) or isinstance(b.value, Unknown):
                    continue
                if _holds(op, a.value, b.value):
                    continue
                fact = next((o for o in (a, b) if o.leaf and o.reads), None)
                other = b if fact is a else a
                if fact is None or op in ("in", "not in", "is", "is not"):
                    continue
                want = op if fact is a else _mirror(op)
                limit = self.show(other.value, cur if _numeric(other.value) and any(
                    n in money for n, _ in (*other.reads, *fact.reads)) else None,
                    self._percent(fact))
                out.append(_("it would hold with {fact} {op} {limit}").format(
                    fact=self.name(fact.source), op=_OPS.get(want, want), limit=limit))
                break
        return out


PERIOD_KINDS = {"permanent": N_("permanent"), "until_replaced": N_("until replaced"),
                "until_claimed": N_("until claimed"), "until_event": N_("until the event")}
_NOT_USED_PHRASES = (N_("does not apply"), N_("not in force"))


_CITE = "cite('"


def uncite(text: str) -> str:
    """`cite('§ 2', x)` as `x [§ 2]`: the value, then the provision it applies."""
    out: list[str] = []
    i = 0
    while True:
        j = text.find(_CITE, i)
        end = text.find("', ", j + len(_CITE)) if j >= 0 else -1
        if end < 0:
            return "".join(out) + text[i:]
        close = _closing(text, end + 3)
        if close < 0:
            return "".join(out) + text[i:]
        label = text[j + len(_CITE):end]
        inner = uncite(text[end + 3:close])
        if any(f" {o} " in inner for o in "+-*/×") or inner.startswith("-"):
            inner = f"({inner})"  # what the provision applies to is the whole of it
        out.append(f"{text[i:j]}{inner} [{label}]")
        i = close + 1


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis closing the call whose arguments begin at `start`."""
    depth, quote = 0, ""
    for k in range(start, len(text)):
        c = text[k]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return k
            depth -= 1
    return -1


def substitute(text: str, values: dict[str, str]) -> str:
    """`text` with each whole name of `values` (`a.b`, not `xa.b` nor `a.bc`) replaced by its
    text in one pass, so that no replacement is read again as a name (a label may hold a
    word that is another name). Under a unary minus a replacement of several words is
    put in parentheses: `-(days before 3)`, not `-days before 3`."""
    if not values:
        return text

    def one(m: re.Match[str]) -> str:
        shown = values[m.group(0)]
        negated = m.start() > 0 and text[m.start() - 1] == "-" and " " in shown
        return f"({shown})" if negated else shown

    names = "|".join(re.escape(n) for n in sorted(values, key=len, reverse=True))
    return re.sub(rf"(?<![\w.])(?:{names})(?![\w.])", one, text)


def written(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for re.sub that writes `text` as it is (no backslash escapes)."""
    return lambda m: text


def _yes_no(v: Any) -> str:
    return _YES_NO[0] if v is True else _YES_NO[1] if v is False else _YES_NO[2]


def _numeric(v: Any) -> bool:
    return isinstance(v, (Decimal, int)) and not isinstance(v, bool)


def _mirror(op: str) -> str:
    return {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)


def _holds(op: str, a: Any, b: Any) -> bool:
    try:
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b,
                "!=": a != b}.get(op, True)
    except TypeError:
        return True
