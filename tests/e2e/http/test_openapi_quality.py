"""The OpenAPI document reads as reference documentation: every operation named, summarised, described, and listing
the problem codes it can answer; every field described with a real example, none generated gibberish."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from promptsaas.domain.decisions import Reason
from promptsaas.domain.errors import DomainError
from promptsaas.entrypoints.http.problem_codes import PROBLEM_CODES
from tests.e2e.http.world import World

CAMEL_CASE = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")
METHODS = {"get", "put", "post", "patch", "delete"}
PROBLEM = "application/problem+json"


def looks_generated(value: object) -> bool:
    """A random mixed-case run of letters, as example factories make (`VSEeCtLViFvDEMpEHdut`)."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{10,}", value):
        return False
    return sum(c.isupper() for c in value[1:]) >= 3 and not value.isupper()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def _examples(node: Any) -> Iterator[Any]:
    """Every example value anywhere in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "examples" and isinstance(value, list):
                yield from value
            elif key == "examples" and isinstance(value, dict):
                yield from (example.get("value") for example in value.values())
            elif key == "example":
                yield value
            yield from _examples(value)
    elif isinstance(node, list):
        for value in node:
            yield from _examples(value)


async def _document(app_world: World) -> dict[str, Any]:
    response = await app_world.client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_every_operation_has_a_readable_id_a_summary_and_a_description(app_world: World) -> None:
    operations = dict(_operations(await _document(app_world)))
    ids = [op["operationId"] for op in operations.values()]
    assert len(ids) == len(set(ids)), "operationIds are unique"
    for name, operation in operations.items():
        assert CAMEL_CASE.match(operation["operationId"]), (name, operation["operationId"])
        assert operation.get("summary", "").strip(), name
        assert len(operation.get("description", "").strip()) > len(operation["summary"]), name
    assert operations["POST /v1/agents/{slug}/runs"]["operationId"] == "runAgent"
    assert operations["POST /v1/me/api-keys"]["operationId"] == "createApiKey"


async def test_every_operation_lists_the_problem_codes_it_can_answer(app_world: World) -> None:
    for name, operation in _operations(await _document(app_world)):
        listed = 0
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            examples = response["content"][PROBLEM]["examples"]
            assert examples, (name, status)
            for code, example in examples.items():
                assert code in PROBLEM_CODES, (name, code)
                assert PROBLEM_CODES[code].status == int(status), (name, code, status)
                assert example["value"]["code"] == code
                assert f"`{code}`" in response["description"], (name, code)
                listed += 1
        assert listed, f"{name} lists no problem code"


async def test_a_run_documents_its_denials_and_model_failures(app_world: World) -> None:
    operations = dict(_operations(await _document(app_world)))
    responses = operations["POST /v1/agents/{slug}/runs"]["responses"]
    assert {"quota_exceeded"} <= set(responses["402"]["content"][PROBLEM]["examples"])
    assert {"agent_not_in_plan", "tenant_suspended"} <= set(responses["403"]["content"][PROBLEM]["examples"])
    assert {"rate_limited", "llm_rate_limited"} <= set(responses["429"]["content"][PROBLEM]["examples"])


async def test_every_field_and_parameter_is_described_with_an_example(app_world: World) -> None:
    document = await _document(app_world)
    for name, schema in document["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            assert prop.get("description", "").strip(), f"{name}.{field} has no description"
            nested = "allOf" in prop or "$ref" in prop or "items" in prop or "oneOf" in prop
            assert nested or prop.get("examples"), f"{name}.{field} has no example"
    for name, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            assert parameter.get("description", "").strip(), f"{name}: parameter {parameter['name']}"


async def test_no_example_is_generated_gibberish(app_world: World) -> None:
    examples = list(_examples(await _document(app_world)))
    assert len(examples) > 200
    assert not [e for e in examples if looks_generated(e)]
    assert looks_generated("VSEeCtLViFvDEMpEHdut")
    assert not looks_generated("requests")
    assert not looks_generated("billing_period")


def _codes(cls: type[DomainError]) -> Iterator[str]:
    yield cls.code
    for sub in cls.__subclasses__():
        yield from _codes(sub)


def test_every_code_the_core_raises_by_class_or_policy_is_in_the_problem_table() -> None:
    generic = {"error", "already_exists"}  # bases whose instances always carry a specific code
    codes = {*_codes(DomainError), *(r.value for r in Reason if r is not Reason.OK)} - generic
    assert codes - PROBLEM_CODES.keys() == set()
