"""`statute timeline` and `statute diff`: what changes when, by which act."""
from __future__ import annotations

from engine.cli import i18n
from engine.render.messages import Message

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, Callable

from engine import dates
from engine.errors import StatuteError

if TYPE_CHECKING:
    from engine.amend.history import Change

__all__ = ["add_parsers"]


def add_parsers(sub: Any) -> None:
    t = sub.add_parser("timeline", help="every date on which the rulebook's law changes")
    t.add_argument("rulebook")
    t.add_argument("--format", choices=("text", "json"), default="text")
    t.set_defaults(run=_timeline)

    d = sub.add_parser("diff", help="what is in force on one date that differs from another")
    d.add_argument("rulebook")
    d.add_argument("--from", dest="start", required=True, metavar="DATE")
    d.add_argument("--to", dest="end", required=True, metavar="DATE")
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.set_defaults(run=_diff)

    i = sub.add_parser("impact", help="which cases an amendment changes, and by how much")
    i.add_argument("base", help="the rulebook as it is")
    i.add_argument("new", help="the rulebook with the amendment")
    i.add_argument("cases", help="a folder of case files, or a JSONL file (one case a line)")
    i.add_argument("--format", choices=("text", "json"), default="text")
    i.set_defaults(run=_impact)


def _load(path: str) -> Any:
    from engine.load.build import load

    try:
        return load(path)
    except StatuteError as e:
        for err in getattr(e, "errors", [e]):
            i18n.say(err)
        i18n.say(Message("{rulebook}: the rulebook has errors; run `statute check {rulebook}`",
                         rulebook=path))
        return None


def _timeline(args: argparse.Namespace) -> int:
    from engine.amend.history import timeline

    rb = _load(args.rulebook)
    if rb is None:
        return 1
    changes = timeline(rb)
    if args.format == "json":
        json.dump({"rulebook": rb.id, "changes": [c.as_dict(rb) for c in changes]}, sys.stdout,
                  indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    _ = _translator()
    print(_("{id} — timeline (coverage {coverage})").format(id=rb.id,
                                                             coverage=rb.coverage.describe()))
    last = None
    rows = []
    for c in changes:
        head = c.date.isoformat() if c.date != last else ""
        last = c.date
        outside = "" if c.date in rb.coverage or c.kind == "coverage" else \
            _(" (outside coverage)")
        rows.append((head, _describe(c) + outside, f"[{c.act or _('no act')}]"))
    width = max(len(r[1]) for r in rows)
    for head, what, act in rows:
        print(f"{head:<10}  {what:<{width}}  {act}")
    print()
    print(_("Acts:"))
    for act_id in dict.fromkeys(c.act for c in changes if c.act):
        print(f"  {act_id}: {_act(rb, act_id)}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from engine.amend.history import diff

    rb = _load(args.rulebook)
    if rb is None:
        return 1
    try:
        a, b = dates.parse_date(args.start), dates.parse_date(args.end)
    except ValueError as e:
        i18n.say(Message("statute: {error}", error=e))
        return 2
    changes = diff(rb, a, b)
    if args.format == "json":
        json.dump({"rulebook": rb.id, "from": a.isoformat(), "to": b.isoformat(),
                   "changes": [c.as_dict(rb) for c in changes]}, sys.stdout, indent=2,
                  ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    _ = _translator()
    print(_("{id} — in force on {a} vs {b}: {n} difference(s)").format(id=rb.id, a=a, b=b,
                                                                       n=len(changes)))
    for c in changes:
        print()
        print(f"  {c.citation or c.subject} ({c.subject}, {c.kind})")
        print("    " + _("before ({date}): {value}").format(date=a, value=c.before))
        print("    " + _("after  ({date}): {value}").format(date=b, value=c.after))
        print("    " + _("act {act}: {about}").format(act=c.act, about=_act(rb, c.act)))
    return 0


def _impact(args: argparse.Namespace) -> int:
    from engine.amend.impact import impact, read_cases

    base, new = _load(args.base), _load(args.new)
    if base is None or new is None:
        return 1
    try:
        result = impact(base, new, read_cases(args.cases))
    except ValueError as e:  # every case error; a rulebook error cannot happen here
        for err in getattr(e, "errors", [e]):
            i18n.say(err)
        return 2
    except StatuteError as e:
        i18n.say(e)
        return 1
    if args.format == "json":
        json.dump(result.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    _ = _translator()
    print(_("impact of {new} against {base}: {changed} of {cases} cases change ({answers} "
            "answers)").format(new=args.new, base=args.base, changed=len(result.changed_cases),
                               cases=result.cases, answers=len(result.changes)))
    rows = [(_("case"), _("decision"), _("from"), _("before"), _("after"), _("change"))]
    for c in result.changes:
        delta = c.delta
        rows.append((c.case, c.decision, str(c.applicable_date or ""), _answer(c.before),
                     _answer(c.after),
                     "" if delta is None or not delta else f"{delta:+} {c.currency or ''}"))
    widths = [max(len(r[k]) for r in rows) for k in range(6)]
    for r in rows:
        print("  ".join(x.ljust(w) for x, w in zip(r, widths)).rstrip())
    print()
    print(_("money answers in total, before: {totals}").format(totals=_totals(result.before)))
    print(_("money answers in total, after:  {totals}").format(totals=_totals(result.after)))
    return 0


def _translator() -> Callable[[str], str]:
    from engine.render.messages import translator
    return translator(i18n.current())


def _answer(t: tuple) -> str:
    from engine.kinds import text_value

    status, value, currency, kind = t
    return f"{status} {text_value(kind, value, currency)}" if value is not None else status


def _totals(t: dict) -> str:
    return "; ".join(f"{v} {k}" for k, v in sorted(t.items())) or "0"


def _describe(c: Change) -> str:
    if c.kind == "coverage":
        return c.after or c.before or "coverage"
    if c.kind == "currency":
        return f"currency of {c.subject}: {c.before} -> {c.after}"
    what = f"{c.citation} {c.subject}" if c.kind == "rule" else f"{c.subject}"
    if c.before is None:
        return f"{what} = {c.after}"
    return f"{what}: {c.before} -> {c.after}"


def _act(rb: Any, act_id: str | None) -> str:
    _ = _translator()
    act = rb.acts.get(act_id or "")
    if act is None:
        return _("not recorded")
    known = "" if act.known else _(" [the act itself is not identified]")
    published = (_("published {date}").format(date=act.published) if act.published
                 else _("publication date unknown"))
    return _("{title}{known} ({published}, in force {in_force}; source: {source})").format(
        title=act.title, known=known, published=published, in_force=act.in_force,
        source=act.source)
