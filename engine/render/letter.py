"""A decision letter: what a caseworker prints and sends, in the reader's language.

The letter holds the case's facts, each decision with its amount or value, the reasons
(the decisive path, with the arithmetic of each comparison) and the citations, the text
of each deciding provision as the rulebook quotes it, the law's consolidated version,
the date decided and the engine version. Markdown for review and mail, HTML with a
print stylesheet for paper. Both are written from one list of blocks.

    from engine.render.letter import render_letter
    render_letter(result, case.facts, lang="ru", fmt="html")
"""
from __future__ import annotations

import html
from typing import Any, Mapping

from engine.render.concise import decisive
from engine.render.explain import STATUS, Explainer
from engine.render.messages import N_
from engine.render.text import known_on_lines, language_of, step_explained
from engine.result import Result

__all__ = ["render_letter", "FORMATS", "engine_version"]

FORMATS = ("md", "html")
_CSS = """body{font-family:Georgia,serif;max-width:48em;margin:2em auto;line-height:1.45}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #999}h3{font-size:1.05em}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}
blockquote{margin:.4em 0 .4em 1em;padding-left:.8em;border-left:3px solid #999;color:#222}
code{font-family:inherit}.meta{color:#444}
@media print{body{margin:0;max-width:none;font-size:11pt}h2,h3{page-break-after:avoid}
section{page-break-inside:avoid}a{color:inherit;text-decoration:none}}"""
_TITLE = N_("Decision")


def engine_version() -> str:
    """The installed distribution's version; from a source tree, its pyproject's."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("statute")
    except PackageNotFoundError:  # run from a source tree that was not installed
        import re
        from pathlib import Path
        project = Path(__file__).resolve().parents[2] / "pyproject.toml"
        found = re.search(r'^version = "([^"]+)"', project.read_text(encoding="utf-8"),
                          re.M) if project.is_file() else None
        return f"{found.group(1)} (source tree)" if found else "unknown"


def render_letter(result: Result, facts: Mapping[str, Any], lang: str | None = None,
                  fmt: str = "md") -> str:
    """The letter for `result` (evaluated with trace=True) of a case with `facts`."""
    ex = Explainer(language_of(result, lang), result.source)
    blocks = _blocks(ex, result, facts)
    return _markdown(blocks) if fmt == "md" else _html(blocks, ex.lang)


def _blocks(ex: Explainer, result: Result, facts: Mapping[str, Any]) -> list[tuple]:
    _ = ex._
    rb = result.source
    title = getattr(rb, "title", None) or result.rulebook
    out: list[tuple] = [("h1", f"{_(_TITLE)}: {title}")]
    meta = [_("Law: {version}").format(version=getattr(rb, "version", None) or result.rulebook),
            _("Decided on {date}; statute {version}").format(
                date=ex.fig.date(result.on), version=engine_version())]
    meta.extend(known_on_lines(ex, result.qualifiers))
    out.append(("meta", meta))
    out.append(("h2", _("The facts of the case")))
    out.append(("table", [_("fact"), _("value")],
                [[ex.name(name), ex.show(v, ex.currency if name in ex.money_facts else None,
                                         name in ex.percent)]
                 for name, v in sorted(_flat(facts))]))
    out.append(("h2", _("Decisions")))
    decisions = getattr(rb, "decisions", {}) or {}
    for r in result.decisions.values():
        d = decisions.get(r.id)
        name = getattr(d, "title", None) or r.id
        answer = _(STATUS.get(r.status, r.status))
        if r.value is not None:
            answer += f": {ex.value(r.type, r.value, r.currency, r.id in ex.percent)}"
        out.append(("h3", f"{name} — {answer}"))
        if r.citations:
            out.append(("p", _("Provisions applied: {cites}").format(
                cites=", ".join(r.citations))))
        path = decisive(r)
        reasons = []
        for s in (*path.steps, *path.numeric_held):
            head, details = step_explained(ex, r, s)
            reasons.append(head + ("" if not details else ": " + "; ".join(details)))
        if path.held:
            reasons.append(_("conditions that hold: {cites}").format(cites=", ".join(path.held)))
        if r.missing_facts:
            reasons.append(_("missing: {facts}").format(
                facts=", ".join(ex.ref(n) for n in r.missing_facts)))
        if reasons:
            out.append(("p", _("Reasons:")))
            out.append(("ul", reasons))
        texts = {}
        for s in r.trace:
            if s.text and s.citation in r.citations and s.citation not in texts:
                texts[s.citation] = s.text
        for cite, text in texts.items():
            out.append(("quote", cite, text.strip()))
    return out


def _flat(facts: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """The case's facts by their dotted names (`child.birth_date`)."""
    out: list[tuple[str, Any]] = []
    for k, v in facts.items():
        name = f"{prefix}{k}"
        if isinstance(v, Mapping) and v and not prefix:
            out.extend(_flat(v, name + "."))
        else:
            out.append((name, v))
    return out


def _markdown(blocks: list[tuple]) -> str:
    out: list[str] = []
    for b in blocks:
        kind = b[0]
        if kind == "h1":
            out += [f"# {b[1]}", ""]
        elif kind == "h2":
            out += [f"## {b[1]}", ""]
        elif kind == "h3":
            out += [f"### {b[1]}", ""]
        elif kind == "meta":
            out += [*(f"{line}  " for line in b[1]), ""]
        elif kind == "p":
            out += [b[1], ""]
        elif kind == "ul":
            out += [*(f"- {x}" for x in b[1]), ""]
        elif kind == "table":
            out.append("| " + " | ".join(b[1]) + " |")
            out.append("|" + "---|" * len(b[1]))
            out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in b[2]]
            out.append("")
        elif kind == "quote":
            out += [f"> **{b[1]}**", ">", *(f"> {line}" for line in b[2].splitlines()), ""]
    return "\n".join(out).rstrip() + "\n"


def _html(blocks: list[tuple], lang: str) -> str:
    e = html.escape
    title = next((b[1] for b in blocks if b[0] == "h1"), "")
    out = ["<!DOCTYPE html>", f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
           f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"]
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            out.append(f"<{kind}>{e(b[1])}</{kind}>")
        elif kind == "meta":
            out.append('<p class="meta">' + "<br>".join(e(x) for x in b[1]) + "</p>")
        elif kind == "p":
            out.append(f"<p>{e(b[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in b[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in b[1])
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                           for row in b[2])
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif kind == "quote":
            body = "<br>".join(e(x) for x in b[2].splitlines())
            out.append(f"<blockquote><strong>{e(b[1])}</strong><br>{body}</blockquote>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
