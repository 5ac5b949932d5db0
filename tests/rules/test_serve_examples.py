"""`POST /rulebooks/{id}/decide` gives exactly what `statute eval CASE --format json` gives,
for every shipped example of every rulebook, apart from the pin `engine_version` the
API adds; with a trace too. And the OpenAPI document's examples are these same cases,
each valid against its request schema, each answer valid against the Result schema."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

import engine  # noqa: E402
from engine.cli.main import main  # noqa: E402
from engine.serve.app import create_app  # noqa: E402

RULES = Path(__file__).resolve().parents[2] / "rules"
EXAMPLES = sorted(RULES.glob("*/*/examples/*.yaml"))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(str(RULES))) as c:
        yield c


def _cli(*argv: str) -> dict[str, Any]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["eval", *argv, "--format", "json"]) == 0
    return json.loads(out.getvalue())


def _body(case: Path) -> dict[str, Any]:
    c = engine.read_case(case)
    body: dict[str, Any] = {"on": c.on.isoformat(), "facts": json.loads(
        json.dumps(c.facts, default=str))}
    if c.period is not None:
        body["period"] = c.period.strftime("%Y-%m")
    return body


@pytest.mark.parametrize("case", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
@pytest.mark.parametrize("trace", [False, True], ids=["plain", "trace"])
def test_decide_is_statute_eval(client: TestClient, case: Path, trace: bool) -> None:
    root = case.parent.parent
    rid = engine.load(root).id
    r = client.post(f"/rulebooks/{rid}/decide", json={**_body(case), "trace": trace})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got.pop("engine_version") == r.headers["statute-engine-version"]
    assert got == _cli(str(root), str(case), *(["--trace"] if trace else []))


def test_a_schedule_is_statute_eval_from_to(client: TestClient) -> None:
    root = RULES / "lt" / "benefits-for-children"
    case = root / "examples" / "child-benefit-2011.yaml"
    r = client.post("/rulebooks/lt/benefits-for-children/schedule",
                    json={**_body(case), "from": "2014-10", "to": "2015-03"})
    assert r.status_code == 200, r.text
    got = r.json()
    want = _cli(str(root), str(case), "--from", "2014-10", "--to", "2015-03")
    rb = engine.load(root)
    assert got == {**want, **rb.pins, "engine_version": got["engine_version"]}
    assert [m["period"] for m in got["months"]] == ["2014-10", "2014-11", "2014-12", "2015-01",
                                                   "2015-02", "2015-03"]


def test_the_openapi_examples_are_valid_requests_with_valid_answers(client: TestClient) -> None:
    import jsonschema
    from referencing import Registry, Resource

    doc = client.get("/openapi.json").json()
    registry = Registry().with_resource("urn:api", Resource.from_contents(
        {**doc, "$schema": "https://json-schema.org/draft/2020-12/schema"}))

    def valid(ref: str, data: Any) -> None:
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                  "$ref": "urn:api" + ref.removeprefix("#").join(["#", ""])}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(data)

    seen = 0
    for path, item in doc["paths"].items():
        if not path.endswith("/decide"):
            continue
        media = item["post"]["requestBody"]["content"]["application/json"]
        assert media.get("examples"), f"{path} has no examples"
        for ex in media["examples"].values():
            valid(media["schema"]["$ref"], ex["value"])
            answer = client.post(path, json=ex["value"])
            assert answer.status_code == 200, answer.text
            valid("#/components/schemas/Result", answer.json())
            seen += 1
    assert seen == len(EXAMPLES)


def test_every_fact_of_every_rulebook_is_in_its_request_schema(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for root in sorted(RULES.glob("*/*/rulebook.yaml")):
        rb = engine.load(root.parent)
        facts = schemas[rb.id.replace("/", "_").replace("-", "_") + "_facts"]
        for name, fact in rb.facts.items():
            at = facts
            for part in name.split(".")[:-1]:
                at = at["properties"][part]
            s = at["properties"][name.split(".")[-1]]
            assert fact.cite in s["description"], name
            if fact.values is not None and fact.type == "enum":
                assert s["anyOf"][0]["enum"] == sorted(fact.values), name
