"""The web explorer: server-rendered HTML pages over the rulebooks `statute serve` loads.

Mounted under `/explore` by `routes(registry)`. Every page works without JavaScript,
shows the rulebook's version and content hash, and has a permalink (the page's URL with
`pin=`, the first characters of the content hash it was made from: a link opened after
the rulebook changed says so). The UI language is `?lang=` (en, ru, lt), independent of
the law's language; the law's own text is marked with its language.

Pages, under `/explore/<rulebook id>`: the rulebook's home; `/article/<article>` (the
law's text beside its rules, each rule's versions, `?at=` the version in force);
`/decision/<id>`; `/parameter/<id>`; `/simulate` (the case simulator; GET with the case
in the query is the shareable link); `/letter` (the printable decision letter).
"""
from __future__ import annotations

import datetime as _dt
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from engine.check.reads import facts_read
from engine.cli.show import describe
from engine.errors import EvaluationError, StatuteError
from engine.model import ROLES, Rule
from engine.render.explain import Explainer
from engine.render.letter import render_letter
from engine.render.messages import LANGUAGES, translator
from engine.render.text import trace_lines
from engine.rulebook import Rulebook
from engine.serve import resources
from engine.serve.explorer.chart import step_chart
from engine.serve.explorer.form import case_from_form, fields, form_from_case
from engine.serve.problems import Problem, unknown_name
from engine.serve.registry import ENGINE_VERSION, Entry, Registry

__all__ = ["routes", "PREFIX"]

log = logging.getLogger("statute.serve")
PREFIX = "/explore"
HERE = Path(__file__).resolve().parent
_env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                   autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True)
_LANG_NAMES = {"en": "English", "ru": "Русский", "lt": "Lietuvių"}
_MAX_QUERY_FIELDS = 500


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "en")
    if lang not in LANGUAGES:
        raise Problem(400, f"lang: {lang[:20]!r} is not one of {', '.join(LANGUAGES)}")
    return lang


def _url(path: str, lang: str, **params: Any) -> str:
    q = {k: v for k, v in params.items() if v not in (None, "")}
    if lang != "en":
        q["lang"] = lang
    path, hash_, fragment = path.partition("#")
    return path + ("?" + urlencode(q) if q else "") + hash_ + fragment


def _rb_path(rb: Rulebook, *parts: str) -> str:
    return "/".join([PREFIX, rb.id, *(quote(p, safe="") for p in parts)])


class _Page:
    def __init__(self, request: Request, lang: str, entry: Entry | None = None):
        self.request = request
        self.lang = lang
        self.entry = entry
        self._ = translator(lang)

    def render(self, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        rb = self.entry.rb if self.entry else None
        req = self.request
        here = quote(req.url.path, safe="/")
        query = [(k, v) for k, v in req.query_params.multi_items() if k not in ("lang", "pin")]
        langs = [(code, _LANG_NAMES[code], _with(here, query + (
            [("lang", code)] if code != "en" else []))) for code in LANGUAGES]
        pin = req.query_params.get("pin")
        permalink = None
        if rb is not None:
            permalink = here + "?" + urlencode(
                query + ([("lang", self.lang)] if self.lang != "en" else []) +
                [("pin", _pin(rb))])
        body = _env.get_template(template).render(
            _=self._, lang=self.lang, langs=langs, rb=rb, engine_version=ENGINE_VERSION,
            permalink=permalink, url=lambda p, **q: _url(p, self.lang, **q),
            rb_path=_rb_path, law_lang=_law_lang(rb),
            pin_mismatch=bool(rb and pin and pin != _pin(rb)),
            pin=pin, **ctx)
        headers = dict(self.entry.headers) if self.entry else {
            "Statute-Engine-Version": ENGINE_VERSION}
        headers["Content-Language"] = self.lang
        return HTMLResponse(body, status, headers)


def _pin(rb: Rulebook) -> str:
    """What a permalink pins: the first 12 hex digits of the content hash."""
    return rb.content_hash.rpartition(":")[2][:12]


def _with(path: str, query: list[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(query) if query else "")


def _law_lang(rb: Rulebook | None) -> str:
    """The law's language for `lang=` ("" when the rulebook does not say: unknown)."""
    lang = rb.meta.get("language") if rb is not None else None
    return str(lang) if lang else ""


# -- the pages ---------------------------------------------------------------------------
def _index(page: _Page, registry: Registry) -> HTMLResponse:
    cat = registry.catalog
    books = [resources.summary(e.rb) for e in cat.entries.values()]
    return page.render("index.html", books=books, failures=list(cat.failures))


def _articles(rb: Rulebook) -> dict[str, list[Rule]]:
    """The rules of each article, in the order the rulebook writes them, each once."""
    out: dict[str, list[Rule]] = {}
    seen: set[str] = set()
    for d in rb.decisions.values():
        for r in (d.applicable_date, *d.rules):
            if r.id in seen:
                continue
            seen.add(r.id)
            out.setdefault(r.article, []).append(r)
    return dict(sorted(out.items(), key=lambda kv: _natural(kv[0])))


def _natural(s: str) -> list[Any]:
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", s)]


def _home(page: _Page, rb: Rulebook) -> HTMLResponse:
    info = resources.rulebook_info(rb)
    arts = _articles(rb)
    return page.render("rulebook.html", info=info, articles=arts,
                       acts=sorted(rb.acts.values(), key=lambda a: a.in_force))


def _day(page: _Page, rb: Rulebook, name: str = "at") -> _dt.date:
    raw = page.request.query_params.get(name)
    if not raw:
        today = _dt.date.today()
        c = rb.coverage
        return today if (c.open or today <= c.end) and today >= c.start else (
            c.start if today < c.start else c.end)
    try:
        return _dt.date.fromisoformat(raw)
    except ValueError:
        raise Problem(400, f"{name}: {raw[:40]!r} is not a date YYYY-MM-DD") from None


def _article(page: _Page, rb: Rulebook, name: str) -> HTMLResponse:
    arts = _articles(rb)
    if name not in arts:
        raise unknown_name("article", name, arts, f" in {rb.id}")
    at = _day(page, rb)
    rules = []
    for r in arts[name]:
        now = r.version_at(at)
        rules.append({"rule": r, "role": ROLES[r.role], "current": now,
                      "in_force": now if now is not None and now.expr is not None else None,
                      "text": (now.text if now is not None and now.text else r.text)})
    return page.render("article.html", article=name, rules=rules, at=at.isoformat())


def _rule_articles(rb: Rulebook) -> dict[str, str]:
    return {r.id: a for a, rules in _articles(rb).items() for r in rules}


def _timeline(page: _Page, rb: Rulebook) -> HTMLResponse:
    """Every change the rulebook records; with `from` and `to`, the diff between them."""
    q = page.request.query_params
    diff = None
    a = b = None
    if q.get("from") or q.get("to"):
        a, b = _day(page, rb, "from"), _day(page, rb, "to")
        diff = resources.diff_info(rb, a, b)["changes"]
    return page.render("timeline.html", changes=resources.timeline_info(rb)["changes"],
                       diff=diff, a=a.isoformat() if a else "", b=b.isoformat() if b else "",
                       rule_article=_rule_articles(rb))


_MAX_QUERY = 200


def _search(page: _Page, rb: Rulebook) -> HTMLResponse:
    """Ids, titles, the law's text and citations holding the query (case-insensitive)."""
    query = (page.request.query_params.get("q") or "").strip()
    if len(query) > _MAX_QUERY:
        raise Problem(400, f"q: at most {_MAX_QUERY} characters")
    hits: list[dict[str, str]] = []
    needle = query.casefold()

    def hit(kind: str, ident: str, href: str, *texts: str | None) -> None:
        shown = [t for t in texts if t]
        for t in (ident, *shown):
            if needle in t.casefold():
                hits.append({"kind": kind, "id": ident, "href": href,
                             "text": " · ".join(shown)[:300]})
                return

    if needle:
        for d in rb.decisions.values():
            hit("decision", d.id, _rb_path(rb, "decision", d.id), d.title)
        for p in rb.parameters.values():
            hit("parameter", p.id, _rb_path(rb, "parameter", p.id), p.title, p.cite)
        for art, rules in _articles(rb).items():
            for r in rules:
                hit("rule", r.id, _rb_path(rb, "article", art) + "#rule-" + r.id, r.cite, r.title,
                    r.text)
        for n, f in rb.facts.items():
            hit("fact", n, _rb_path(rb, "simulate") + "#" + "f-" + n.replace(".", "-"),
                f.cite, f.description)
    return page.render("search.html", q=query, hits=hits[:500], total=len(hits))


@lru_cache(maxsize=64)
def _tests_of(root: str, content_hash: str) -> dict[str, list[tuple[str, str]]]:
    """The rulebook's own tests (tests/*.yaml) that expect each decision: (file, name)."""
    import yaml

    out: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(Path(root, "tests").glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for case in doc.get("cases") or [] if isinstance(doc, dict) else []:
            if not isinstance(case, dict) or not isinstance(case.get("expect"), dict):
                continue
            for d in case["expect"]:
                out.setdefault(str(d), []).append((path.name, str(case.get("name", ""))))
    return out


def _decision(page: _Page, rb: Rulebook, name: str) -> HTMLResponse:
    if name not in rb.decisions:
        raise unknown_name("decision", name, rb.decisions, f" in {rb.id}")
    d = rb.decisions[name]
    shown = describe(d, rb.root)
    reads = facts_read(rb, name)
    tests = _tests_of(rb.root, rb.content_hash).get(name, [])
    article_of = {r.id: r.article for r in (d.applicable_date, *d.rules)}
    return page.render("decision.html", d=d, shown=shown, roles=ROLES, reads=reads,
                       tests=tests, article_of=article_of)


def _parameter(page: _Page, rb: Rulebook, name: str) -> HTMLResponse:
    if name not in rb.parameters:
        raise unknown_name("parameter", name, rb.parameters, f" in {rb.id}")
    at = _day(page, rb)
    info = resources.parameter_info(rb, name, at)
    chart = step_chart(info["series"], info["title"], _dt.date.today())
    p = rb.parameters[name]
    units = [v.currency or (p.type if p.type != "money" else "") for v in p.values]
    return page.render("parameter.html", info=info, chart=Markup(chart) if chart else None,
                       units=units, at=at.isoformat())


def _example(rb: Rulebook) -> dict[str, str]:
    """The first shipped example case (examples/*.yaml), as form values; {} if none."""
    import yaml

    for path in sorted(Path(rb.root, "examples").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and "on" in data:
            return form_from_case(data)
    return {}


def _evaluate(rb: Rulebook, case: dict[str, Any], form: Mapping[str, str],
              errors: dict[str, str]) -> Any:
    """The result with its trace, or None with the engine's errors put into `errors`."""
    from engine.serve.bodies import case_of

    try:
        return rb.evaluate_case(case_of(case), trace=True)
    except EvaluationError as x:
        raise Problem(500, f"the rulebook {rb.id} could not decide this case: "
                      f"{x.message}") from None
    except StatuteError as x:
        for err in getattr(x, "errors", [x]):
            field = (err.field or "").split(", ")[0]
            key = field if field in form or field in rb.facts or field in ("on", "period") \
                else ""
            errors[key] = (errors.get(key, "") + " " + err.message).strip()
        return None


def _answers(page: _Page, rb: Rulebook, result: Any) -> list[dict[str, Any]]:
    ex = Explainer(page.lang, rb)
    return [{"id": i, "title": rb.decisions[i].title, "status": r.status,
             "headline": ex.headline(r), "citations": list(r.citations),
             "why": trace_lines(r, ex=ex, full=False)} for i, r in result.decisions.items()]


_NOT_CASE = ("run", "previous", "lang", "pin")
_MAX_PREVIOUS = 64 * 1024


def _changes(page: _Page, rb: Rulebook, form: Mapping[str, str],
             answers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What changed since the case in the form's `previous` (the last case decided): the
    facts given differently and the decisions whose answer differs. None without one."""
    from urllib.parse import parse_qsl

    raw = form.get("previous") or ""
    if not raw or len(raw) > _MAX_PREVIOUS:
        return None
    before = {k: v for k, v in parse_qsl(raw, keep_blank_values=True) if k not in _NOT_CASE}
    case, errors = case_from_form(rb, before)
    if errors:
        return None
    old = _evaluate(rb, case, before, errors)
    if old is None:
        return None
    now = {k: v for k, v in form.items() if k not in _NOT_CASE and v}
    facts = [(k, before.get(k, ""), now.get(k, "")) for k in
             sorted(set(before) | set(now)) if before.get(k, "") != now.get(k, "")]
    was = {a["id"]: a for a in _answers(page, rb, old)}
    decisions = [(a["id"], was[a["id"]]["headline"], a["headline"]) for a in answers
                 if a["id"] in was and was[a["id"]]["headline"] != a["headline"]]
    return {"facts": facts, "decisions": decisions}


def _simulate(page: _Page, rb: Rulebook, form: Mapping[str, str], run: bool) -> HTMLResponse:
    fds = fields(rb)
    errors: dict[str, str] = {}
    answers = changes = None
    share = letter = previous = None
    if run:
        case, errors = case_from_form(rb, form, page._)
        if not errors:
            result = _evaluate(rb, case, form, errors)
            if result is not None:
                answers = _answers(page, rb, result)
                changes = _changes(page, rb, form, answers)
        kept = {k: v for k, v in form.items() if v and k not in _NOT_CASE}
        share = _url(_rb_path(rb, "simulate"), page.lang, run="1", pin=_pin(rb), **kept)
        letter = _url(_rb_path(rb, "letter"), page.lang, **kept)
        if answers is not None:
            previous = urlencode(kept)
    status = 422 if errors else 200
    return page.render("simulate.html", status=status, fields=fds, values=form,
                       errors=errors, answers=answers, share=share, letter=letter,
                       changes=changes, previous=previous,
                       ran=run, example=_url(_rb_path(rb, "simulate"), page.lang,
                                             run="1", **_example(rb)))


def _letter_page(page: _Page, rb: Rulebook, form: Mapping[str, str],
                 inline_css: str | None = None) -> HTMLResponse:
    case, errors = case_from_form(rb, form, page._)
    result = None if errors else _evaluate(rb, case, form, errors)
    if result is None:
        raise Problem(422, "the case is not complete: " + "; ".join(
            f"{k or 'case'}: {v}" for k, v in errors.items())[:500])
    html = render_letter(result, case["facts"], lang=page.lang, fmt="html")
    m = re.search(r"<body>(.*)</body>", html, re.S)
    kept = {k: v for k, v in form.items() if k not in _NOT_CASE}
    return page.render("letter.html", letter=Markup(m.group(1) if m else ""),
                       back=_url(_rb_path(rb, "simulate"), page.lang, **{**kept, "run": "1"}),
                       pdf=_url(_rb_path(rb, "letter.pdf"), page.lang, **kept)
                       if chromium() else None, inline_css=inline_css)


def _letter(page: _Page, rb: Rulebook, form: Mapping[str, str]) -> HTMLResponse:
    return _letter_page(page, rb, form)


def chromium() -> str | None:
    """The headless Chromium that prints letters to PDF: $STATUTE_CHROMIUM, else
    `chromium` on the PATH; None when there is none (the PDF link is then not shown)."""
    import os
    import shutil

    path = os.environ.get("STATUTE_CHROMIUM") or shutil.which("chromium")
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


_PDF_SECONDS = 30
_pdf_lock = threading.Lock()  # one Chromium at a time: each takes about 100 MB


def _print_pdf(html: str, browser: str) -> bytes:
    """`html` printed by headless Chromium (its print stylesheet applies)."""
    import subprocess
    import tempfile

    with _pdf_lock, tempfile.TemporaryDirectory() as d:
        src, out = Path(d, "letter.html"), Path(d, "letter.pdf")
        src.write_text(html, encoding="utf-8")
        try:
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                            "--no-pdf-header-footer", f"--user-data-dir={d}/profile",
                            f"--print-to-pdf={out}", src.as_uri()],
                           capture_output=True, timeout=_PDF_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            log.error("chromium failed to print a letter: %s", e)
            raise Problem(500, "the PDF could not be made; the fault is logged") from None
        if not out.is_file() or not out.read_bytes().startswith(b"%PDF"):
            raise Problem(500, "the PDF could not be made; the fault is logged")
        return out.read_bytes()


async def _letter_pdf(page: _Page, rb: Rulebook, form: Mapping[str, str]) -> Response:
    import anyio.to_thread

    browser = chromium()
    if browser is None:
        raise Problem(501, "the letter as PDF needs Chromium on the server "
                      "(apt-get install chromium); print the HTML letter instead")
    css = (HERE / "static" / "explorer.css").read_text(encoding="utf-8")
    html = bytes(_letter_page(page, rb, form, inline_css=css).body).decode("utf-8")
    pdf = await anyio.to_thread.run_sync(_print_pdf, html, browser)
    headers = {**(page.entry.headers if page.entry else {}),
               "Content-Disposition": 'inline; filename="letter.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


def _problem(page: _Page, p: Problem) -> HTMLResponse:
    return page.render("problem.html", status=p.status, code=p.status, problem=p.body())


# -- routing ------------------------------------------------------------------------------
def _form_of(items: list[tuple[str, str]]) -> dict[str, str]:
    if len(items) > _MAX_QUERY_FIELDS:
        raise Problem(400, f"{len(items)} fields; a case takes at most {_MAX_QUERY_FIELDS}")
    return {k: v for k, v in items if k not in ("lang", "pin")}


def routes(registry: Registry) -> list[Route]:
    """The explorer's routes, to add to the application's."""

    def guarded(fn: Callable[[Request, _Page], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                page = _Page(request, _lang(request))
            except Problem as p:
                page = _Page(request, "en")
                return _problem(page, p)
            try:
                return await fn(request, page)
            except Problem as p:
                return _problem(page, p)
        return endpoint

    async def index(request: Request, page: _Page) -> Response:
        return _index(page, registry)

    async def css(request: Request) -> Response:
        return Response((HERE / "static" / "explorer.css").read_bytes(),
                        media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})

    async def pages(request: Request, page: _Page) -> Response:
        cat = registry.catalog
        rest = request.path_params["rest"].strip("/")
        best = max((rid for rid in cat.entries if rest == rid or rest.startswith(rid + "/")),
                   key=len, default=None)
        if best is None:
            raise unknown_name("rulebook", rest.split("/")[0] if rest else rest, cat.entries)
        entry = cat.entries[best]
        page.entry = entry
        rb = entry.rb
        head, _, name = rest[len(best) + 1:].partition("/")
        if request.method == "POST":
            if head != "simulate":
                raise Problem(405, "POST is only for the simulator",
                              headers={"Allow": "GET, HEAD"})
            raw = await request.body()
            if len(raw) > 256 * 1024:
                raise Problem(413, "the form is larger than 256 KiB")
            from urllib.parse import parse_qsl
            try:
                items = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                raise Problem(400, "the form is not UTF-8") from None
            return _simulate(page, rb, _form_of(items), run=True)
        if head == "" and not name:
            return _home(page, rb)
        if head == "article" and name:
            return _article(page, rb, name)
        if head == "decision" and name:
            return _decision(page, rb, name)
        if head == "parameter" and name:
            return _parameter(page, rb, name)
        if head == "simulate" and not name:
            form = _form_of(list(request.query_params.multi_items()))
            return _simulate(page, rb, form, run="run" in form)
        if head == "timeline" and not name:
            return _timeline(page, rb)
        if head == "search" and not name:
            return _search(page, rb)
        if head == "letter.pdf" and not name:
            return await _letter_pdf(page, rb, _form_of(list(request.query_params.multi_items())))
        if head == "letter" and not name:
            return _letter(page, rb, _form_of(list(request.query_params.multi_items())))
        raise unknown_name("page", head, ["article", "decision", "parameter", "simulate",
                                          "letter", "timeline", "search"], f" of {rb.id}")

    return [
        Route(PREFIX, guarded(index), methods=["GET"]),
        Route(PREFIX + "/", guarded(index), methods=["GET"]),
        Route(PREFIX + "/static/explorer.css", css, methods=["GET"]),
        Route(PREFIX + "/{rest:path}", guarded(pages), methods=["GET", "POST"]),
    ]
