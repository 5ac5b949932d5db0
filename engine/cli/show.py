"""`statute show RULEBOOK DECISION`: a drafter's view of one decision.

A decision is spread over several article files; this lists its rules together,
grouped by role in the order they are applied, each with its citation, `file:line`,
title and expression (every dated version), and the decisions it reads. With
`--table`, the decision tables that decide it are printed whole, one row per line
(citation, key, title, each decision's cell, note), to hold against the source.
"""
from __future__ import annotations

from engine.cli import i18n
from engine.render.messages import N_, Message, Plural, translator

import argparse
import json
import os
import sys
from typing import Any

from engine.errors import StatuteError
from engine.model import ROLES, Decision, Rule

__all__ = ["add_parser", "describe", "describe_lines", "tables"]


def add_parser(sub: Any) -> None:
    s = sub.add_parser("show", help="a decision's rules, grouped by role in evaluation order")
    s.add_argument("rulebook")
    s.add_argument("decision", nargs="?", help="a decision id (default: list the decisions)")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.add_argument("--table", action="store_true",
                   help="print the decision tables that decide it, one row per line")
    s.set_defaults(run=_show)


def describe(d: Decision, root: str) -> dict[str, Any]:
    """The decision as data: its kind, what it reads, and its rules by role."""
    def where(r: Rule) -> str:
        return f"{os.path.relpath(r.position.file, root)}:{r.position.line}"

    def rule(r: Rule) -> dict[str, Any]:
        return {"id": r.id, "cite": r.cite, "at": where(r), "title": r.title,
                "overrides": list(r.overrides), "order": r.order,
                "versions": [{"from": v.start.isoformat(), "to": v.end.isoformat(),
                              "when": v.when.source if v.when else None,
                              "expression": v.expr.source if v.expr else None,
                              "in_force": v.expr is not None} for v in r.versions]}

    groups = {role: [rule(r) for r in (d.applicable_date, *d.rules) if r.role == role]
              for role in ROLES}
    return {"id": d.id, "title": d.title, "type": d.type, "entitlement": d.entitlement,
            "per": d.per, "applies_if": d.applies_if.source, "reads": list(d.depends),
            "values": list(d.values), "rules": {k: v for k, v in groups.items() if v}}


def tables(rb: Any, decision: str) -> list[dict[str, Any]]:
    """The decision tables that decide `decision`, as data: each table's rule id, key
    fact, the decisions it decides, and its rows in the order written, each with its
    citation, title, `file:line`, note and the cell of every decision (None: no value)."""
    def table_of(r: Rule) -> str:
        return r.id.partition("[")[0]

    wanted = {table_of(r) for r in rb.decisions[decision].rules if r.row is not None}
    out: dict[str, dict[str, Any]] = {}
    for d in rb.decisions.values():
        for r in d.rules:
            if r.row is None or table_of(r) not in wanted:
                continue
            t = out.setdefault(table_of(r), {"id": table_of(r), "key": None, "decisions": [],
                                             "rows": {}})
            if d.id not in t["decisions"]:
                t["decisions"].append(d.id)
            v = r.versions[0]
            if t["key"] is None and v.when is not None:
                t["key"] = v.when.source.partition(" == ")[0]
            row = t["rows"].setdefault(r.row, {
                "key": r.row, "cite": r.cite, "title": r.title, "note": None,
                "at": f"{os.path.relpath(r.position.file, rb.root)}:{r.position.line}",
                "line": r.position.line, "cells": {}})
            given = r.role == "value"
            row["cells"][d.id] = v.expr.source if given and v.expr is not None else None
            if given and r.reading:
                row["note"] = r.reading
    for t in out.values():
        t["rows"] = sorted(t["rows"].values(), key=lambda row: row.pop("line"))
    return list(out.values())


def _print_tables(data: list[dict[str, Any]], lang: str = "en") -> None:
    _ = translator(lang)
    for t in data:
        print(Plural("{table}: {n} row keyed by {key}; decides {ids}",
                     "{table}: {n} rows keyed by {key}; decides {ids}", len(t["rows"]),
                     table=t["id"], key=t["key"], ids=", ".join(t["decisions"])).text(lang))
        print(" | ".join([_("cite"), _("key"), _("title"), *t["decisions"], _("note")]))
        for row in t["rows"]:
            cells = [row["cells"].get(d) or "—" for d in t["decisions"]]
            print(" | ".join([row["cite"], row["key"], row["title"] or "", *cells,
                              row["note"] or ""]))


def _show(args: argparse.Namespace) -> int:
    from engine.load.build import load

    try:
        rb = load(args.rulebook)
    except StatuteError as e:
        for err in getattr(e, "errors", [e]):
            i18n.say(err)
        return 1
    if args.decision is None:
        lang = i18n.current()
        for d in rb.decisions.values():
            per = translator(lang)(_per(d.per))
            how = (Message("{type}, entitlement, per {per}", type=d.type, per=per)
                   if d.entitlement else Message("{type}, per {per}", type=d.type, per=per))
            print(f"{d.id}  ({how.text(lang)})  {d.title}")
        return 0
    if args.decision not in rb.decisions:
        i18n.say(Message("statute: unknown decision {decision!r}; {id} decides {decisions}",
                         decision=args.decision, id=rb.id, decisions=", ".join(rb.decisions)))
        return 2
    if args.table:
        found = tables(rb, args.decision)
        if not found:
            i18n.say(Message("statute: {decision} is decided by no decision table",
                             decision=args.decision))
            return 2
        if args.format == "json":
            json.dump(found, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            _print_tables(found, i18n.current())
        return 0
    data = describe(rb.decisions[args.decision], rb.root)
    if args.format == "json":
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print("\n".join(describe_lines(data, i18n.current())))
    return 0


def _per(per: str) -> str:
    return {"event": N_("event"), "month": N_("month")}.get(per, per)


def describe_lines(data: dict[str, Any], lang: str = "en") -> list[str]:
    """`describe()` as the lines `statute show` prints (the language server's hover too),
    the engine's words in `lang`, the rulebook's as written."""
    _ = translator(lang)
    out = []
    per = _(_per(data["per"]))
    if data["entitlement"]:
        kind = Message("{type}, entitlement: granted or refused; per {per}",
                       type=data["type"], per=per)
    else:
        kind = Message("{type}, determined; per {per}", type=data["type"], per=per)
    out.append(f"{data['id']} — {data['title']} ({kind.text(lang)})")
    lines = [Message("applies if: {expression}", expression=data["applies_if"])]
    if data["reads"]:
        lines.append(Message("reads the decisions: {ids}", ids=", ".join(data["reads"])))
    if data["values"]:
        lines.append(Message("values: {values}", values=", ".join(data["values"])))
    out.extend("  " + m.text(lang) for m in lines)
    for role, rules in data["rules"].items():
        out.append(f"\n{role} — {_(ROLES[role].doc)}")
        for r in rules:
            extra = ""
            if r["order"]:
                extra += " " + Message("(order {n})", n=r["order"]).text(lang)
            if r["overrides"]:
                extra += " " + Message("(overrides {ids})",
                                       ids=", ".join(r["overrides"])).text(lang)
            out.append(f"  [{r['cite']}] {r['id']}{extra}  {r['at']}")
            if r["title"]:
                out.append(f"      {r['title']}")
            for v in r["versions"]:
                span = f"{v['from']}..{v['to']}"
                if not v["in_force"]:
                    out.append(f"      {span}: {_('not in force')}")
                elif v["when"]:
                    out.append("      " + Message("{span} when {when}: {expression}", span=span,
                                                  when=v["when"],
                                                  expression=v["expression"]).text(lang))
                else:
                    out.append(f"      {span}: {v['expression']}")
    return out
