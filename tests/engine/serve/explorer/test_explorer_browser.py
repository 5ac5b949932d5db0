"""The explorer as a person uses it: Debian's Chromium driven by Playwright against a
real `statute serve` (uvicorn on the loopback), never a downloaded browser.

A keyboard-only run of the simulator for one shipped example of each rulebook (Tab to
each field, type or arrow the value, Enter on Decide, read the answer and its citation,
follow the letter link by keyboard); axe on every page with zero violations; no horizontal
scrolling at 320 px on a page of each kind; a screenshot of each page in STATUTE_ARTIFACTS
(default build/screenshots). Without /usr/bin/chromium or Playwright these fail, naming
what to install, unless STATUTE_SKIP_BROWSER=1 (the summary then says they did not run).
"""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest
import yaml

from engine.load.build import load
from engine.render.explain import Explainer
from engine.serve.explorer.form import form_from_case

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[4]
RULES = ROOT / "rules"
CHROMIUM = "/usr/bin/chromium"
EXAMPLES = {"lt/benefits-for-children": "newborn-2010", "ru/annual-leave": "minor-first-year",
            "ru/hr-retention": "leave-order-2019", "ru/sick-leave": "ordinary-80-percent-2023"}
ARTIFACTS = Path(os.environ.get("STATUTE_ARTIFACTS", ROOT / "build" / "screenshots"))


def _need_browser() -> Any:
    skip = os.environ.get("STATUTE_SKIP_BROWSER") == "1"
    missing = []
    if not Path(CHROMIUM).is_file():
        missing.append(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("Playwright is missing: pip install playwright axe-playwright-python "
                       "(never `playwright install`: the tests use Debian's chromium)")
        sync_playwright = None  # type: ignore[assignment]
    if missing:
        why = "; ".join(missing)
        if skip:
            pytest.skip(f"browser tests skipped (STATUTE_SKIP_BROWSER=1): {why}")
        pytest.fail(f"the browser tests need a browser: {why}; or set STATUTE_SKIP_BROWSER=1 "
                    "to skip them", pytrace=False)
    return sync_playwright


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    import uvicorn

    from engine.serve.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(str(RULES)), host="127.0.0.1", port=port,
                                        log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(300):
        if srv.started:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the server did not start within 15 s")
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = _need_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(locale="en-US", viewport={"width": 1024, "height": 800})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / (name.replace("/", "_") + ".png")), full_page=True)


def _type_date(page: Any, iso: str) -> None:
    """A date typed into Chromium's date control as en-US shows it: mm, dd, yyyy."""
    y, m, d = iso.split("-")
    page.keyboard.type(m + d + y)


@pytest.mark.parametrize("book", sorted(EXAMPLES))
def test_keyboard_only_simulator_run(server: str, page: Any, book: str) -> None:
    rb = load(RULES / book)
    data = yaml.safe_load((RULES / book / "examples" / f"{EXAMPLES[book]}.yaml")
                          .read_text(encoding="utf-8"))
    values = form_from_case(data)
    want = rb.evaluate(data.get("facts") or {}, on=data["on"], trace=True)
    page.goto(f"{server}/explore/{book}/simulate")
    todo = dict(values)
    for _ in range(400):  # Tab through the page, filling what the case gives
        page.keyboard.press("Tab")
        el = page.evaluate("() => { const e = document.activeElement; return {tag: e.tagName,"
                           " name: e.name || '', type: e.type || '', text: e.textContent,"
                           " options: e.options ? [...e.options].map(o => o.value) : []} }")
        if el["name"] in todo:
            v = todo.pop(el["name"])
            if el["type"] == "date":
                _type_date(page, v)
            elif el["tag"] == "SELECT":
                for _ in range(el["options"].index(v)):
                    page.keyboard.press("ArrowDown")
            else:
                page.keyboard.type(v)
        if el["tag"] == "BUTTON" and not todo:
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"never reached the Decide button; not filled: {sorted(todo)}")
    page.wait_for_selector("[role=status]")
    status = page.inner_text("[role=status]")
    ex = Explainer("en", rb)
    decided = [d for d in want.decisions.values() if d.status != "not_applicable"]
    assert decided
    for d in decided:
        assert ex.headline(d) in status, (book, d.id)
    assert any(c in status for d in decided for c in d.citations)
    _shot(page, f"simulate-{book}")
    # the letter, reached by keyboard: Tab until the letter link has the focus
    for _ in range(400):
        page.keyboard.press("Tab")
        if "/letter?" in (page.evaluate("() => document.activeElement.href || ''")):
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail("no letter link reachable by keyboard")
    page.wait_for_url("**/letter?**")
    assert page.locator("h1").count() == 1
    _shot(page, f"letter-{book}")


def _pages(book: str) -> list[str]:
    from engine.serve.explorer.pages import _articles

    rb = load(RULES / book)
    base = f"/explore/{book}"
    art = next(iter(_articles(rb)))
    data = yaml.safe_load((RULES / book / "examples" / f"{EXAMPLES[book]}.yaml")
                          .read_text(encoding="utf-8"))
    from urllib.parse import urlencode
    case = urlencode({**form_from_case(data), "run": "1"})
    return [base, f"{base}/article/{quote(art, safe='')}",
            f"{base}/decision/{next(iter(rb.decisions))}",
            f"{base}/parameter/{next(iter(rb.parameters))}", f"{base}/simulate",
            f"{base}/simulate?{case}", f"{base}/letter?{case}", f"{base}/timeline",
            f"{base}/search?q=a", f"{base}/simulate?{case}&lang=ru",
            f"{base}/simulate?{case}&on=bad"]


def _every_page(book: str) -> list[str]:
    """Every page of the rulebook (each article, decision, parameter) and the sample's."""
    from engine.serve.explorer.pages import _articles

    rb = load(RULES / book)
    base = f"/explore/{book}"
    out = [f"{base}/article/{quote(a, safe='')}" for a in _articles(rb)]
    out += [f"{base}/decision/{d}" for d in rb.decisions]
    out += [f"{base}/parameter/{p}" for p in rb.parameters]
    return ["/explore"] + list(dict.fromkeys(_pages(book) + out))


@pytest.mark.parametrize("book", sorted(EXAMPLES))
def test_axe_finds_no_violation_and_320px_needs_no_scrolling(server: str, browser: Any,
                                                             book: str) -> None:
    """axe on every page at 1024 px; the sample of each kind at 320 px (no horizontal
    scrolling), with a screenshot of each."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    ctx = browser.new_context(viewport={"width": 1024, "height": 800})
    pg = ctx.new_page()
    for url in _every_page(book):
        pg.goto(server + url)
        found = axe.run(pg).response["violations"]
        problems += [f"{url}: {v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
                     f"{v['nodes'][0]['target']})" for v in found]
    ctx.close()
    ctx = browser.new_context(viewport={"width": 320, "height": 800})
    pg = ctx.new_page()
    for i, url in enumerate(["/explore"] + _pages(book)):
        pg.goto(server + url)
        wide = pg.evaluate("() => document.documentElement.scrollWidth")
        if wide > 321:
            problems.append(f"{url}: {wide}px wide at 320px")
        _shot(pg, f"{book}-320px-{i:02d}")
    ctx.close()
    assert not problems, "\n".join(problems)

def test_the_letter_prints_to_pdf_through_headless_chromium() -> None:
    from starlette.testclient import TestClient
    from urllib.parse import urlencode

    from engine.serve.app import create_app

    if not Path(CHROMIUM).is_file():
        _need_browser()
    q = urlencode({"on": "2010-07-01", "child.birth_date": "2010-06-14", "lang": "lt"})
    with TestClient(create_app(str(RULES / "lt/benefits-for-children"))) as c:
        html = c.get(f"/explore/lt/benefits-for-children/letter?{q}").text
        assert "letter.pdf?" in html  # offered where Chromium is
        r = c.get(f"/explore/lt/benefits-for-children/letter.pdf?{q}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and len(r.content) > 5000
