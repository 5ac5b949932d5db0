"""The web explorer (`/explore`, engine/serve/explorer) over the four shipped rulebooks,
through Starlette's TestClient: every page renders with the pins, bad ids are HTML 404
pages, the simulator answers as `Rulebook.evaluate` does, errors land next to their
field, and the HTML is well-formed enough for assistive technology (labels, ids,
landmarks, one h1)."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, urlencode

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
pytest.importorskip("jinja2")

import yaml  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from engine.load.build import load  # noqa: E402
from engine.render.explain import Explainer  # noqa: E402
from engine.render.messages import translator  # noqa: E402
from engine.serve.app import create_app  # noqa: E402
from engine.serve.explorer.chart import step_chart  # noqa: E402
from engine.serve.explorer.form import form_from_case  # noqa: E402
from engine.serve.explorer.pages import _articles  # noqa: E402
from engine.serve.explorer.phrases import PHRASES  # noqa: E402

ROOT = Path(__file__).resolve().parents[4]
RULES = ROOT / "rules"
BOOKS = ("lt/benefits-for-children", "ru/annual-leave", "ru/hr-retention", "ru/sick-leave")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "circle", "line", "path"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(str(RULES)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def books() -> dict[str, Any]:
    return {b: load(RULES / b) for b in BOOKS}


class Checker(HTMLParser):
    """Collects what the checks need; records nesting errors of non-void elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.controls: list[dict[str, str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label" and "for" in a:
            self.label_for.append(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)
        if tag == "h1":
            self.h1 += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def checked(html: str) -> Checker:
    c = Checker()
    c.feed(html)
    c.close()
    assert not c.problems, c.problems[:5]
    assert not c.stack, f"unclosed: {c.stack}"
    dup = {i for i in c.ids if c.ids.count(i) > 1}
    assert not dup, f"ids used twice: {dup}"
    assert c.h1 == 1, f"{c.h1} h1 elements"
    tags = [t for t, _ in c.tags]
    assert "main" in tags and "header" in tags and "footer" in tags and "nav" in tags
    skip = [a for t, a in c.tags if t == "a" and a.get("class") == "skip"]
    assert skip and skip[0]["href"] == "#main" and "main" in c.ids
    for ctl in c.controls:
        assert ctl.get("id") in c.label_for, f"control without a label: {ctl}"
        for ref in ctl.get("aria-describedby", "").split():
            assert ref in c.ids, f"aria-describedby={ref!r} names no element"
    for target in c.label_for:
        assert target in {x.get("id") for x in c.controls}, f"label for={target!r}: no control"
    return c


def pages_of(rb: Any) -> list[str]:
    base = f"/explore/{rb.id}"
    out = [base, base + "/simulate", base + "/timeline", base + "/timeline?from=2015-01-01&to"
           "=2024-01-01", base + "/search", base + "/search?q=a"]
    out += [f"{base}/article/{quote(a, safe='')}" for a in _articles(rb)]
    out += [f"{base}/decision/{d}" for d in rb.decisions]
    out += [f"{base}/parameter/{p}" for p in rb.parameters]
    return out


def example(rb: Any) -> tuple[dict[str, Any], Path]:
    path = sorted(Path(rb.root, "examples").glob("*.yaml"))[0]
    return yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_the_list_names_every_rulebook_with_its_pins(client: TestClient,
                                                      books: dict[str, Any]) -> None:
    r = client.get("/explore")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    checked(r.text)
    for rb in books.values():
        assert f'href="/explore/{rb.id}"' in r.text
        assert rb.content_hash.rpartition(":")[2][:12] in r.text


@pytest.mark.parametrize("book", BOOKS)
def test_every_page_renders_with_the_pins(client: TestClient, books: dict[str, Any],
                                          book: str) -> None:
    rb = books[book]
    for url in pages_of(rb):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:500])
        assert rb.content_hash in r.text, url
        assert r.headers["Statute-Rulebook-Hash"] == rb.content_hash
        if rb.version:
            assert rb.version.split()[0] in r.text, url
        assert "pin=" + rb.content_hash.rpartition(":")[2][:12] in r.text, f"{url}: no permalink"
        checked(r.text)


@pytest.mark.parametrize("book", BOOKS)
def test_the_simulator_answers_as_evaluate_does(client: TestClient, books: dict[str, Any],
                                                book: str) -> None:
    rb = books[book]
    data, path = example(rb)
    want = rb.evaluate(_facts(data), on=data["on"], period=data.get("period"), trace=True)
    form = {**form_from_case(data), "run": "1"}
    got = client.get(f"/explore/{rb.id}/simulate?" + urlencode(form))
    posted = client.post(f"/explore/{rb.id}/simulate", data=form)
    assert got.status_code == posted.status_code == 200, got.text[:2000]
    ex = Explainer("en", rb)
    for r in (got, posted):
        result = r.text[r.text.index('role="status"'):]
        for i, d in want.decisions.items():
            m = re.search(rf'class="answer status-(\w+)" aria-labelledby="a-{re.escape(i)}"',
                          result)
            assert m and m.group(1) == d.status, (path.name, i)
            assert _esc(ex.headline(d)) in result, (path.name, i, ex.headline(d))
    # the expected answers shipped beside the example agree on the statuses
    expected = Path(str(path).replace(".yaml", ".expected.json"))
    if expected.is_file():
        import json
        for i, d in json.loads(expected.read_text(encoding="utf-8"))["decisions"].items():
            assert f'class="answer status-{d["status"]}" aria-labelledby="a-{i}"' in got.text


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    return data.get("facts") or {}


def _esc(s: str) -> str:
    import html
    return html.escape(s, quote=True)


def test_the_answer_is_in_the_ui_language_and_links_to_the_letter(
        client: TestClient, books: dict[str, Any]) -> None:
    rb = books["lt/benefits-for-children"]
    q = {"on": "2010-07-01", "child.birth_date": "2010-06-14", "run": "1", "lang": "ru"}
    r = client.get(f"/explore/{rb.id}/simulate?" + urlencode(q))
    assert r.status_code == 200
    assert '<html lang="ru">' in r.text and translator("ru")("Answer") in r.text
    assert translator("ru")("Answer") != "Answer"
    assert "НАЗНАЧЕНО" in r.text and "Art. 5(1)" in r.text
    letter = re.search(r'href="(/explore/[^"]+/letter\?[^"]+)"', r.text)
    assert letter, "no link to the letter"
    page = client.get(letter.group(1).replace("&amp;", "&"))
    assert page.status_code == 200 and "Art. 5(1)" in page.text
    again = client.get(letter.group(1).replace("&amp;", "&") + "&run=1")  # a shared link's
    assert again.status_code == 200 and "Art. 5(1)" in again.text
    checked(page.text)
    css = client.get("/explore/static/explorer.css")
    assert css.status_code == 200 and "@media print" in css.text
    assert css.headers["content-type"].startswith("text/css")


def test_changing_one_fact_shows_what_changed(client: TestClient) -> None:
    """The form carries the last case decided; deciding again names the facts given
    differently and the answers that changed (Art. 5(4): a stillborn child refuses)."""
    base = "/explore/lt/benefits-for-children/simulate"
    first = client.post(base, data={"run": "1", "on": "2010-07-01",
                                    "child.birth_date": "2010-06-14"})
    previous = re.search(r'name="previous" value="([^"]+)"', first.text)
    assert previous and 'class="changes"' not in first.text
    import html
    second = client.post(base, data={"run": "1", "on": "2010-07-01",
                                     "child.birth_date": "2010-06-14",
                                     "child.stillborn": "true",
                                     "previous": html.unescape(previous.group(1))})
    assert second.status_code == 200
    checked(second.text)
    changes = second.text[second.text.index('class="changes"'):]
    changes = changes[:changes.index("</section>")]
    assert "<code>child.stillborn</code></th><td>(not given)</td><td>true</td>" in changes
    row = re.search(r"<code>lump_sum_child_benefit</code></th><td>([^<]+)</td><td>([^<]+)</td>",
                    changes)
    assert row and "GRANTED" in row.group(1) and "REFUSED" in row.group(2)
    assert "Art. 5(4)" in row.group(2)
    assert "<code>child_benefit</code>" not in changes  # unchanged answers are not listed


def test_without_chromium_the_pdf_is_a_501_page_and_not_offered(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATUTE_CHROMIUM", "/nonexistent/chromium")
    q = urlencode({"on": "2010-07-01", "child.birth_date": "2010-06-14"})
    r = client.get(f"/explore/lt/benefits-for-children/letter.pdf?{q}")
    assert r.status_code == 501 and "apt-get install chromium" in r.text
    checked(r.text)
    assert "letter.pdf" not in client.get(f"/explore/lt/benefits-for-children/letter?{q}").text


def test_form_errors_land_next_to_their_field(client: TestClient) -> None:
    q = {"on": "2010-07-01", "child.birth_date": "2010-13-40",
         "household.income_per_person": "lots", "run": "1"}
    r = client.get("/explore/lt/benefits-for-children/simulate?" + urlencode(q))
    assert r.status_code == 422
    c = checked(r.text)
    for name, fid in (("child.birth_date", "f-child-birth_date"),
                      ("household.income_per_person", "f-household-income_per_person")):
        ctl = next(a for a in c.controls if a.get("name") == name)
        assert ctl.get("aria-invalid") == "true"
        assert fid + "-error" in ctl["aria-describedby"].split()
        block = r.text[r.text.index(f'id="{fid}"'):]
        block = block[:block.index('<div class="field')] if '<div class="field' in block \
            else block
        assert f'id="{fid}-error"' in block, f"{name}: the error is not beside the field"
    assert "not a date" in r.text and "not a number" in r.text
    ru = client.get("/explore/lt/benefits-for-children/simulate?" + urlencode({**q, "lang": "ru"}))
    assert ru.status_code == 422 and "— не число" in ru.text and "— не дата" in ru.text


def test_an_error_of_the_engine_lands_next_to_its_field(client: TestClient) -> None:
    """A constraint of the rulebook (months of insurance record 0..11) is the engine's
    message, placed by the field name the error carries."""
    q = {"on": "2023-05-15", "illness.start_date": "2023-04-27",
         "illness.end_date": "2023-05-03", "insurance_record.years": "6",
         "insurance_record.months": "12", "run": "1"}
    r = client.post("/explore/ru/sick-leave/simulate", data=q)
    assert r.status_code == 422
    checked(r.text)
    block = r.text[r.text.index('id="f-insurance_record-months"'):]
    block = block[:block.index('<div class="field')]
    assert 'id="f-insurance_record-months-error"' in block and "от 0 до 11" in block


@pytest.mark.parametrize("url,needle", [
    ("/explore/no/such-book", "unknown rulebook"),
    ("/explore/ru/sick-leave/decision/daily_benefitt", "did you mean"),
    ("/explore/ru/sick-leave/parameter/nothing", "unknown parameter"),
    ("/explore/ru/sick-leave/article/nothing", "unknown article"),
    ("/explore/ru/sick-leave/nothing", "unknown page"),
])
def test_a_bad_id_is_a_404_page_in_html(client: TestClient, url: str, needle: str) -> None:
    r = client.get(url)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert needle in r.text and "Traceback" not in r.text
    checked(r.text)


@pytest.mark.parametrize("url", ["/explore?lang=xx", "/explore/ru/sick-leave/parameter/"
                                 "mrot?at=2020-99-01", "/explore/ru/sick-leave/letter?on=x"])
def test_bad_input_is_a_4xx_page(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("text/html")
    assert "Traceback" not in r.text
    checked(r.text)


def test_the_article_page_shows_the_version_in_force_on_the_date(client: TestClient) -> None:
    base = "/explore/lt/benefits-for-children/article/" + quote("Art. 9", safe="")
    early = client.get(base + "?at=2008-06-01").text
    late = client.get(base + "?at=2012-06-01").text
    for text, start in ((early, "2008-01-01"), (late, "2009-01-01")):
        text = text[text.index("<code>settlement_amount</code>"):]
        row = re.search(r'<tr class="current" aria-current="true">\s*<td>([\d-]+)', text)
        assert row and row.group(1) == start
        assert "<blockquote" in text
    assert 'name="at"' in early and 'value="2008-06-01"' in early


def test_the_parameter_page_has_a_headed_table_and_a_chart(client: TestClient,
                                                           books: dict[str, Any]) -> None:
    rb = books["lt/benefits-for-children"]
    r = client.get(f"/explore/{rb.id}/parameter/base_social_benefit?at=2010-06-14")
    assert r.status_code == 200
    heads = re.findall(r'<th scope="col">([^<]+)</th>', r.text)
    assert heads == ["From", "To", "Value", "Unit", "Source", "Confidence", "Act"]
    assert "<svg" in r.text and "<title" in r.text and 'role="img"' in r.text
    p = rb.parameters["base_social_benefit"]
    rows = re.findall(r'<td class="num">([^<]+)</td>', r.text)
    assert rows == [str(v.value) for v in p.values]
    assert "130" in re.search(r'role="status">(.*?)</p>', r.text, re.S).group(1)


def test_zero_is_shown_as_zero(tmp_path: Path) -> None:
    src = RULES / "ru/hr-retention"
    dst = tmp_path / "hr"
    shutil.copytree(src, dst)
    f = dst / "parameters" / "personnel_years_from_2003.yaml"
    f.write_text(f.read_text(encoding="utf-8") + (
        "  - from: 2030-01-01\n    amended_by: 43-FZ-2016\n    value: 0\n    confidence: assumed\n"
        "    source: a test of how 0 is shown\n"), encoding="utf-8")
    with TestClient(create_app(str(tmp_path))) as c:
        r = c.get("/explore/ru/hr-retention/parameter/personnel_years_from_2003?at=2031-01-01")
    assert r.status_code == 200, r.text[:1000]
    assert re.findall(r'<td class="num">([^<]+)</td>', r.text) == ["50", "0"]
    assert "<strong>0</strong>" in r.text  # the value in force, not "not in effect"
    svg = step_chart([{"from": "2020-01-01", "to": None, "value": "0"}], "t",
                     __import__("datetime").date(2021, 1, 1))
    assert svg is not None and "<path" in svg


def test_a_permalink_from_another_version_says_so(client: TestClient) -> None:
    r = client.get("/explore/ru/hr-retention?pin=000000000000")
    assert r.status_code == 200 and 'role="alert"' in r.text
    ok = client.get("/explore/ru/hr-retention?pin=" + load(RULES / "ru/hr-retention")
                    .content_hash.rpartition(":")[2][:12])
    assert 'role="alert"' not in ok.text


def test_the_timeline_and_the_diff_list_the_changes(client: TestClient,
                                                    books: dict[str, Any]) -> None:
    from engine.amend.history import diff, timeline
    import datetime as dt

    rb = books["ru/sick-leave"]
    page = client.get(f"/explore/{rb.id}/timeline").text
    assert page.count("<tr>") - 1 == len(timeline(rb))  # one header row, one row a change
    a, b = dt.date(2021, 1, 1), dt.date(2024, 1, 1)
    r = client.get(f"/explore/{rb.id}/timeline?from={a}&to={b}")
    assert r.status_code == 200
    section = r.text[r.text.index('id="h-diff"'):r.text.index('id="h-all"')]
    assert section.count("<tr>") - 1 == len(diff(rb, a, b)) > 0
    for c in diff(rb, a, b):
        assert f"<code>{c.subject}</code>" in section


def test_search_finds_ids_titles_law_text_and_citations(client: TestClient) -> None:
    base = "/explore/lt/benefits-for-children/search?q="
    by_text = client.get(base + quote("irrespective of the fact")).text
    assert "<code>adopted_amount</code>" in by_text  # the law's text of Art. 5(2)
    by_id = client.get(base + "base_social").text
    assert "/parameter/base_social_benefit" in by_id
    by_cite = client.get(base + quote("Art. 13(1)")).text
    assert "found" in by_cite and "<code>application.by_guardian</code>" in by_cite
    none = client.get(base + "zzzzqqq").text
    assert 'role="status">0 found' in none
    assert client.get(base + "x" * 201).status_code == 400


def test_every_template_phrase_is_in_the_catalogs() -> None:
    """A phrase only in a template would never be extracted; each is listed in
    phrases.py (tools/explorer_phrases.py writes it), so tests/engine/render's catalog
    check demands its ru and lt translations."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("explorer_phrases",
                                                  ROOT / "tools" / "explorer_phrases.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    template_phrases = mod.template_phrases

    assert template_phrases() == list(PHRASES)
    for lang in ("ru", "lt"):
        _ = translator(lang)
        missing = [p for p in PHRASES if _(p) == p and p not in ("English",)]
        assert not missing, f"{lang}: {missing[:5]}"
