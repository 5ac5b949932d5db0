"""`engine.serve.app`: every endpoint, the pins, ETags, problem+json errors and limits,
on synthetic rulebooks (tests/fixtures/rulebooks/good), through Starlette's TestClient."""
from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

import engine  # noqa: E402
from engine.rulebook import Rulebook  # noqa: E402
from engine.serve.app import create_app  # noqa: E402
from engine.serve.limits import Limits  # noqa: E402

GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "rulebooks" / "good"
LIB = "test/library-fines"
ILL = "test/illness-benefit"
FINE_CASE = {"on": "2020-03-01",
             "facts": {"loan": {"due_date": "2020-02-20", "return_date": "2020-02-25"}}}


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rules")
    for name in ("minimal", "missing", "kinds"):
        shutil.copytree(GOOD / name, root / name)
    return root


@pytest.fixture(scope="module")
def client(rules: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(rules)), raise_server_exceptions=False) as c:
        yield c


def _problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in r.text
    return body


# -- endpoints ------------------------------------------------------------------------

def test_every_get_endpoint_answers(client: TestClient) -> None:
    for url in ("/healthz", "/rulebooks", f"/rulebooks/{LIB}",
                f"/rulebooks/{LIB}/decisions/late_return_fine",
                f"/rulebooks/{LIB}/parameters/daily_fine",
                f"/rulebooks/{LIB}/parameters/daily_fine?at=2021-06-01",
                f"/rulebooks/{LIB}/timeline",
                f"/rulebooks/{LIB}/diff?from=2020-06-01&to=2021-06-01", "/openapi.json"):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text)
        assert r.headers["content-type"].startswith("application/json")
    listed = client.get("/rulebooks").json()["rulebooks"]
    assert [b["id"] for b in listed] == sorted([LIB, ILL, "test/workshop"])


def test_the_rulebook_gives_its_facts_vocabulary_and_decisions(client: TestClient) -> None:
    body = client.get(f"/rulebooks/{LIB}").json()
    assert body["facts"]["borrower.status"]["values"] == ["adult", "child", "staff"]
    assert body["facts"]["borrower.status"]["default"] == "adult"
    assert body["facts"]["loan.return_date"]["default_from"] == "on"
    assert body["decisions"]["late_return_fine"]["type"] == "money"
    assert body["coverage"] == {"from": "2020-01-01", "to": "2021-12-31",
                                "assumption": engine.load(GOOD / "minimal").coverage.assumption}


def test_a_decision_gives_its_rules_and_the_exact_facts_it_reads(client: TestClient) -> None:
    from engine.check.reads import facts_read

    body = client.get("/rulebooks/test/workshop/decisions/supervision_required").json()
    rb = engine.load(GOOD / "kinds")
    want = facts_read(rb, "supervision_required")
    assert body["facts_read"]["all"] == list(want.facts)
    assert set(body["facts_read"]["via"]) == {"hazard_allowance", "weekly_wage"}
    assert body["rules"] and body["id"] == "supervision_required"


def test_a_parameter_at_a_date_gives_the_value_in_force_and_its_act(client: TestClient) -> None:
    rb = engine.load(GOOD / "minimal")
    p = rb.parameters["daily_fine"]
    last = p.values[-1]
    body = client.get(f"/rulebooks/{LIB}/parameters/daily_fine?at={last.start}").json()
    assert body["in_force"]["from"] == last.start.isoformat()
    assert body["in_force"]["value"] == str(last.value)
    assert body["in_force"]["source"] == last.source
    assert len(body["series"]) == len(p.values)
    before = client.get(f"/rulebooks/{LIB}/parameters/daily_fine?at=1900-01-01").json()
    assert before["in_force"] is None


def test_decide_gives_the_result_contract_pinned(client: TestClient) -> None:
    r = client.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE)
    assert r.status_code == 200, r.text
    body = r.json()
    rb = engine.load(GOOD / "minimal")
    want = rb.evaluate_case(engine.Case(engine.dates.parse_date("2020-03-01"), None,
                                        FINE_CASE["facts"])).as_dict()
    assert {k: v for k, v in body.items() if k != "engine_version"} == \
        json.loads(json.dumps(want))
    assert body["rulebook_hash"] == rb.content_hash == r.headers["statute-rulebook-hash"]
    assert body["engine_version"] == r.headers["statute-engine-version"]
    assert r.headers["statute-rulebook-version"] == rb.version


def test_decide_with_a_trace_and_a_language(client: TestClient) -> None:
    body = client.post(f"/rulebooks/{LIB}/decide",
                       json={**FINE_CASE, "trace": True, "lang": "en"}).json()
    assert body["decisions"]["late_return_fine"]["trace"]
    assert body["explanation"]["lang"] == "en"
    assert "late_return_fine" in body["explanation"]["text"]
    ru = client.post(f"/rulebooks/{LIB}/decide", json={**FINE_CASE, "lang": "ru",
                                                       "trace": "concise"}).json()
    assert ru["explanation"]["lang"] == "ru" and ru["explanation"]["trace"] == "concise"
    # the text in the reader's language (the catalogs), the contract itself unchanged
    assert ru["explanation"]["text"] != body["explanation"]["text"]
    assert "late_return_fine" in ru["explanation"]["decisive"]
    assert "trace" not in ru["decisions"]["late_return_fine"]


def test_decide_many_and_an_undetermined_case(client: TestClient) -> None:
    cases = [FINE_CASE, {"on": "2020-03-01", "facts": {}}]
    body = client.post(f"/rulebooks/{LIB}/decide-many", json={"cases": cases}).json()
    assert [r["decisions"]["late_return_fine"]["status"] for r in body["results"]] == \
        ["determined", "not_applicable"]
    ill = client.post(f"/rulebooks/{ILL}/decide", json={
        "on": "2021-03-01", "facts": {"illness": {"start_date": "2021-01-04"}}}).json()
    assert ill["decisions"]["illness_pay"]["status"] == "undetermined"
    assert ill["decisions"]["illness_pay"]["missing_facts"]


def test_as_known_on_is_pinned_in_the_answer(client: TestClient) -> None:
    body = client.post(f"/rulebooks/{LIB}/decide",
                       json={**FINE_CASE, "as_known_on": "2020-06-01"}).json()
    assert body["as_known_on"] == "2020-06-01"


# -- pins, ETag, 304 ------------------------------------------------------------------

def test_gets_carry_an_etag_and_answer_304(client: TestClient) -> None:
    for url in (f"/rulebooks/{LIB}", f"/rulebooks/{LIB}/timeline", "/rulebooks",
                "/openapi.json"):
        r = client.get(url)
        tag = r.headers["etag"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag
        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200
    a = client.get(f"/rulebooks/{LIB}").headers["etag"]
    b = client.get(f"/rulebooks/{ILL}").headers["etag"]
    assert a != b


# -- errors ---------------------------------------------------------------------------

def test_unknown_names_are_404_with_the_closest_name(client: TestClient) -> None:
    body = _problem(client.get("/rulebooks/test/library-fine"), 404)
    assert body["suggestion"] == LIB
    body = _problem(client.get(f"/rulebooks/{LIB}/decisions/late_return_fines"), 404)
    assert body["suggestion"] == "late_return_fine"
    body = _problem(client.get(f"/rulebooks/{LIB}/parameters/daily_fines"), 404)
    assert body["suggestion"] == "daily_fine"
    body = _problem(client.post(f"/rulebooks/{LIB}/decides", json=FINE_CASE), 404)
    assert body["suggestion"] == "decide"
    _problem(client.get("/no/such/thing"), 404)


def test_a_bad_fact_is_422_with_a_pointer_and_the_cli_message(client: TestClient) -> None:
    r = client.post(f"/rulebooks/{LIB}/decide", json={
        "on": "2020-03-01", "facts": {"loan": {"due_date": "2020-02-30", "retrun_date": 1}}})
    body = _problem(r, 422)
    got = {e["pointer"]: e["detail"] for e in body["errors"]}
    rb = engine.load(GOOD / "minimal")
    with pytest.raises(engine.ErrorList) as cli:
        rb.evaluate({"loan": {"due_date": "2020-02-30", "retrun_date": 1}}, on="2020-03-01")
    assert sorted(got.values()) == sorted(e.message for e in cli.value.errors)
    assert set(got) == {"/facts/loan/due_date", "/facts/loan/retrun_date"}
    assert r.headers["statute-rulebook-hash"] == rb.content_hash  # errors are pinned too
    assert "did you mean 'loan.return_date'" in got["/facts/loan/retrun_date"]


def test_a_dotted_fact_name_is_pointed_at_as_written(client: TestClient) -> None:
    body = _problem(client.post(f"/rulebooks/{LIB}/decide", json={
        "on": "2020-03-01", "facts": {"loan.due_date": "soon"}}), 422)
    assert body["errors"][0]["pointer"] == "/facts/loan.due_date"


def test_bad_options_and_case_keys_are_422(client: TestClient) -> None:
    body = _problem(client.post(f"/rulebooks/{LIB}/decide", json={
        **FINE_CASE, "lang": "fr", "trcae": True, "decisions": "x"}), 422)
    assert {e["pointer"] for e in body["errors"]} == {"/lang", "/trcae", "/decisions"}
    assert "did you mean 'trace'" in json.dumps(body)
    body = _problem(client.post(f"/rulebooks/{LIB}/decide", json={"facts": {}}), 422)
    assert "'on' is required" in body["detail"]
    body = _problem(client.post(f"/rulebooks/{LIB}/decide", json={**FINE_CASE,
                                                                  "decisions": ["nope"]}), 422)
    assert body["errors"][0]["pointer"] == "/decisions/0"
    body = _problem(client.post(f"/rulebooks/{LIB}/decide-many", json={
        "cases": [], "decisions": [LIB, "late_return_fines"]}), 422)
    assert [e["pointer"] for e in body["errors"]] == ["/decisions/0", "/decisions/1"]
    assert "did you mean 'late_return_fine'" in body["errors"][1]["detail"]
    _problem(client.post(f"/rulebooks/{LIB}/decide", json=[1, 2]), 422)
    deep = "[" * 900 + "]" * 900  # nested as deep as JSON parsing allows: still a 422
    body = _problem(client.post(f"/rulebooks/{LIB}/decide", content=(
        f'{{"on": "2020-03-01", "lang": {deep}, "trace": {deep}, "decisions": {deep}, '
        f'"facts": {{"loan": {{"due_date": {deep}}}}}}}').encode(),
        headers={"Content-Type": "application/json"}), 422)
    assert {e["pointer"] for e in body["errors"]} == {"/lang", "/trace", "/decisions"}


def test_a_broken_constraint_points_at_the_fact(client: TestClient) -> None:
    body = _problem(client.post(f"/rulebooks/{ILL}/decide", json={
        "on": "2021-03-01", "facts": {"illness": {"start_date": "2021-01-04",
                                                  "end_date": "2021-01-01"}}}), 422)
    assert body["errors"][0]["pointer"].startswith("/facts/illness/")


def test_decide_many_points_into_the_case_list(client: TestClient) -> None:
    body = _problem(client.post(f"/rulebooks/{LIB}/decide-many", json={"cases": [
        FINE_CASE, {"on": "2020-03-01", "facts": {"loan": {"due_date": "x"}}}]}), 422)
    assert body["errors"][0]["pointer"] == "/cases/1/facts/loan/due_date"


def test_malformed_json_is_400_and_a_non_json_body_415(client: TestClient) -> None:
    url = f"/rulebooks/{LIB}/decide"
    j = {"Content-Type": "application/json"}
    body = _problem(client.post(url, content=b'{"on": ', headers=j), 400)
    assert "line 1" in body["detail"]
    _problem(client.post(url, content=b'{"on": NaN}', headers=j), 400)
    _problem(client.post(url, content=b"\xff\xfe", headers=j), 400)
    _problem(client.post(url, content=b"[" * 100_000 + b"]" * 100_000, headers=j), 400)
    _problem(client.post(url, content=b"on: 2020-01-01", headers={"Content-Type": "text/yaml"}),
             415)
    _problem(client.post(url, content=b"{}"), 415)


def test_a_bad_query_is_400_and_a_wrong_method_405(client: TestClient) -> None:
    body = _problem(client.get(f"/rulebooks/{LIB}/diff?from=2020-01-01"), 400)
    assert body["errors"][0]["parameter"] == "to"
    _problem(client.get(f"/rulebooks/{LIB}/parameters/daily_fine?at=yesterday"), 400)
    r = client.get(f"/rulebooks/{LIB}/decide")
    _problem(r, 405)
    assert r.headers["allow"] == "POST"
    _problem(client.post(f"/rulebooks/{LIB}/timeline", json={}), 405)


def test_a_failure_inside_is_a_500_without_the_exception_text(
        rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*a: Any, **k: Any) -> Any:
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(Rulebook, "evaluate_case", boom)
    with TestClient(create_app(str(rules)), raise_server_exceptions=False) as c:
        r = c.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE)
        body = _problem(r, 500)
        assert "secret" not in r.text and "RuntimeError" not in r.text
        assert body["detail"] == "the server failed to answer this request; the fault is logged"


# -- limits ---------------------------------------------------------------------------

def test_a_body_over_the_limit_is_413(rules: Path) -> None:
    with TestClient(create_app(str(rules), Limits(max_body_bytes=100))) as c:
        big = {**FINE_CASE, "facts": {**FINE_CASE["facts"], "borrower": {"status": "a" * 200}}}
        _problem(c.post(f"/rulebooks/{LIB}/decide", json=big), 413)

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"on": "2020-03-01", "facts": {'
            yield b" " * 200
            yield b"}}"

        _problem(c.post(f"/rulebooks/{LIB}/decide", content=chunks(),
                        headers={"Content-Type": "application/json"}), 413)
        assert c.post(f"/rulebooks/{LIB}/decide", json={"on": "2020-03-01"}).status_code == 200


def test_too_many_cases_or_months_is_422(rules: Path) -> None:
    with TestClient(create_app(str(rules), Limits(max_cases=2, max_months=3))) as c:
        body = _problem(c.post(f"/rulebooks/{LIB}/decide-many",
                               json={"cases": [FINE_CASE] * 3}), 422)
        assert body["errors"][0]["pointer"] == "/cases"
        assert c.post(f"/rulebooks/{LIB}/decide-many",
                      json={"cases": [FINE_CASE] * 2}).status_code == 200
        body = _problem(c.post(f"/rulebooks/{LIB}/schedule",
                               json={**FINE_CASE, "from": "2020-01", "to": "2020-04"}), 422)
        assert body["errors"][0]["pointer"] == "/to"
        assert c.post(f"/rulebooks/{LIB}/schedule", json={
            **FINE_CASE, "from": "2020-01", "to": "2020-03"}).status_code == 200
        body = _problem(c.post(f"/rulebooks/{LIB}/schedule", json=FINE_CASE), 422)
        assert {e["pointer"] for e in body["errors"]} == {"/from", "/to"}


def _slow(monkeypatch: pytest.MonkeyPatch, release: threading.Event,
          started: threading.Event) -> None:
    real = Rulebook.evaluate_case

    def slow(self: Rulebook, *a: Any, **k: Any) -> Any:
        started.set()
        release.wait(10)
        return real(self, *a, **k)

    monkeypatch.setattr(Rulebook, "evaluate_case", slow)


def test_past_the_concurrency_cap_is_503_with_retry_after(
        rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release, started = threading.Event(), threading.Event()
    _slow(monkeypatch, release, started)
    with TestClient(create_app(str(rules), Limits(max_concurrent=1, retry_after_s=7))) as c:
        first: dict[str, Any] = {}
        t = threading.Thread(target=lambda: first.update(
            r=c.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE)))
        t.start()
        assert started.wait(10)
        r = c.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE)
        _problem(r, 503)
        assert r.headers["retry-after"] == "7"
        release.set()
        t.join(10)
        assert first["r"].status_code == 200
        assert c.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE).status_code == 200


def test_past_the_deadline_is_504_and_the_slot_is_held_until_the_work_ends(
        rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release, started = threading.Event(), threading.Event()
    _slow(monkeypatch, release, started)
    app = create_app(str(rules), Limits(deadline_s=0.2, max_concurrent=1))
    with TestClient(app) as c:
        body = _problem(c.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE), 504)
        assert "0.2 s" in body["detail"]
        # the abandoned evaluation still runs: it holds the only slot
        _problem(c.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE), 503)
        release.set()
        gate = app.app.state.api.gate
        for _ in range(200):
            if gate.busy == 0:
                break
            threading.Event().wait(0.01)
        assert gate.busy == 0
        monkeypatch.undo()
        assert c.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE).status_code == 200


# -- CORS ------------------------------------------------------------------------------

def test_cors_is_off_unless_origins_are_configured(rules: Path, client: TestClient) -> None:
    h = {"Origin": "https://example.org"}
    r = client.get("/rulebooks", headers=h)
    assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(str(rules), cors_origins=("https://example.org",))) as c:
        r = c.get("/rulebooks", headers=h)
        assert r.headers["access-control-allow-origin"] == "https://example.org"
        r = c.get("/rulebooks", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
    with pytest.raises(ValueError, match="refused"):
        create_app(str(rules), cors_origins=("*",))


# -- reloading --------------------------------------------------------------------------

def test_a_changed_rulebook_is_reloaded_and_a_broken_one_keeps_serving(tmp_path: Path) -> None:
    shutil.copytree(GOOD / "minimal", tmp_path / "minimal")
    app = create_app(str(tmp_path))
    registry = app.app.state.registry
    with TestClient(app) as c:
        before = c.get(f"/rulebooks/{LIB}").json()["rulebook_hash"]
        tag = c.get(f"/rulebooks/{LIB}").headers["etag"]
        rb_file = tmp_path / "minimal" / "rulebook.yaml"
        rb_file.write_text(rb_file.read_text().replace("Library Fines Act\n",
                                                       "Library Fines Act (amended)\n", 1))
        assert registry.refresh()
        after = c.get(f"/rulebooks/{LIB}").json()
        assert after["title"] == "Library Fines Act (amended)"
        assert after["rulebook_hash"] != before
        assert c.get(f"/rulebooks/{LIB}", headers={"If-None-Match": tag}).status_code == 200
        facts = tmp_path / "minimal" / "facts.yaml"
        facts.write_text(facts.read_text() + "\n  broken: [\n")
        assert registry.refresh()
        health = c.get("/healthz").json()
        assert health["status"] == "degraded"
        assert health["failures"][0]["folder"].endswith("minimal")
        assert "facts.yaml" in health["failures"][0]["errors"][0]
        assert c.get(f"/rulebooks/{LIB}").json()["rulebook_hash"] == after["rulebook_hash"]
        assert c.post(f"/rulebooks/{LIB}/decide", json=FINE_CASE).status_code == 200
        assert not registry.refresh()  # unchanged and still broken: not loaded again


def test_reload_rules_watches_the_files_while_serving(tmp_path: Path) -> None:
    shutil.copytree(GOOD / "minimal", tmp_path / "minimal")
    with TestClient(create_app(str(tmp_path), reload_every=0.05)) as c:
        assert c.get(f"/rulebooks/{LIB}").json()["title"] == "Library Fines Act"
        rb_file = tmp_path / "minimal" / "rulebook.yaml"
        rb_file.write_text(rb_file.read_text().replace("Library Fines Act\n",
                                                       "Library Fines Act (watched)\n", 1))
        for _ in range(200):
            if c.get(f"/rulebooks/{LIB}").json()["title"].endswith("(watched)"):
                break
            threading.Event().wait(0.05)
        assert c.get(f"/rulebooks/{LIB}").json()["title"] == "Library Fines Act (watched)"
        assert c.get("/healthz").json()["generation"] >= 2
