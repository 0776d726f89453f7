"""schemathesis against the served OpenAPI document, as a member and as an admin: no 5xx, and every response is
documented (status, content type, headers, the problem `code`) and matches its documented schema.

Bounded and deterministic (derandomized): per operation and role, `POSITIVE_EXAMPLES` valid and `NEGATIVE_EXAMPLES`
invalid requests. Half the valid ones aim their path parameters at objects that exist (the demo's agents, plans,
users, keys and a conversation), so success responses are checked too, not only 404s.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode, checks
from schemathesis.schemas import APIOperation, BaseSchema

from tests.e2e.http import tally
from tests.e2e.http.server_process import ServerProcess, start_server

pytestmark = pytest.mark.slow
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 10}
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
STATUSES: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
UNDOCUMENTED: set[str] = set()


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir: Path = tmp_path_factory.mktemp("contract")
    server = start_server(f"sqlite:///{workdir / 'promptsaas.db'}", workdir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def api_schema(contract_server: ServerProcess) -> BaseSchema:
    return schemathesis.openapi.from_url(f"{contract_server.url}/schema/openapi.json")


@pytest.fixture(scope="module")
def bearer(contract_server: ServerProcess) -> dict[str, str]:
    """An access token for the demo member and one for the demo admin."""
    tokens = {}
    for role in ("member", "admin"):
        user = getattr(contract_server.demo, role)
        response = httpx.post(
            f"{contract_server.url}/v1/auth/login",
            json={"email": user["email"], "password": user["password"]},
            headers={"X-Tenant": contract_server.demo.tenant},
        )
        response.raise_for_status()
        tokens[role] = response.json()["access_token"]
    return tokens


@pytest.fixture(scope="module")
def known(contract_server: ServerProcess, bearer: dict[str, str]) -> dict[str, list[Any]]:
    """Path parameter values that name existing objects: a conversation, a key, a subscription, the member."""
    with httpx.Client(base_url=contract_server.url) as http:
        member = {"Authorization": f"Bearer {bearer['member']}"}
        admin = {"Authorization": f"Bearer {bearer['admin']}"}
        run = http.post("/v1/agents/tutor/runs", json={"input": "hi"}, headers=member).json()
        key = http.post("/v1/me/api-keys", json={"name": "contract"}, headers=member).json()
        grant = {"email": contract_server.demo.member["email"], "plan": "pro"}
        subscription = http.post("/v1/admin/subscriptions", json=grant, headers=admin).json()
        users = http.get("/v1/admin/users", headers=admin).json()
    contract_server.secrets.add(key["key"])
    return {
        "slug": ["tutor", "writer", "translator"],
        "number": [1, 2],
        "a": [1, 2],
        "b": [1, 2],
        "code": ["free", "pro", "enterprise"],
        "model_id": ["offline:echo", "openai:gpt-4o-mini"],
        "provider": ["google", "apple", "openai", "anthropic"],
        "user_id": [u["id"] for u in users if u["role"] == "member"],
        "subscription_id": [subscription["id"]],
        "key_id": [key["id"]],
        "conversation_id": [run["conversation_id"]],
    }


def _strategy(operation: APIOperation, mode: GenerationMode, known: dict[str, list[Any]]) -> st.SearchStrategy[Case]:
    cases = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters if p.name in known]
    if mode is not GenerationMode.POSITIVE or not names:
        return cases

    def aim(case: Case, values: dict[str, Any] | None) -> Case:
        if values is not None:
            case.path_parameters = {**(case.path_parameters or {}), **values}
        return case

    values = st.none() | st.fixed_dictionaries({name: st.sampled_from(known[name]) for name in names})
    return st.builds(aim, cases, values)


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_api_keeps_its_contract(
    role: str,
    api_schema: BaseSchema,
    bearer: dict[str, str],
    known: dict[str, list[Any]],
    contract_server: ServerProcess,
) -> None:
    group = f"schemathesis ({role})"
    failures: dict[str, str] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        tally.count(group, "operations")
        for mode, examples in EXAMPLES.items():

            @given(case=_strategy(operation, mode, known))
            @settings(
                max_examples=examples,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def exercise(case: Case) -> None:
                _call(case, group, bearer[role], contract_server)

            try:
                exercise()
            except Unsatisfiable:  # nothing to make invalid: an operation without parameters or body
                tally.count(group, f"operations with no {mode.value} cases")
            except (Exception, BaseExceptionGroup) as error:  # a FailureGroup of the failed checks, with a curl
                failures[f"{operation.method.upper()} {operation.path} ({mode.value})"] = str(error)[:1500]
    tally.count(group, "failures", len(failures))
    never_2xx = sorted(op for op, statuses in STATUSES[group].items() if not any(200 <= s < 300 for s in statuses))
    tally.note(group, f"{len(STATUSES[group]) - len(never_2xx)} operations answered 2xx")
    tally.note(group, f"never 2xx: {', '.join(never_2xx) or 'none'}")
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    assert not UNDOCUMENTED, "problem codes missing from the docs:\n" + "\n".join(sorted(UNDOCUMENTED))


def _call(case: Case, group: str, token: str, server: ServerProcess) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    if case.path.startswith(("/v1/auth", "/v1/plans")):
        headers["X-Tenant"] = server.demo.tenant
    response = case.call_and_validate(base_url=server.url, headers=headers, checks=CHECKS)
    _note_undocumented_code(case, response.status_code, response.headers.get("content-type", []), response.text)
    tally.count(group, "cases")
    tally.count(group, f"{response.status_code // 100}xx")
    STATUSES[group][f"{case.method} {case.operation.path}"].add(response.status_code)


def _note_undocumented_code(case: Case, status: int, content_type: list[str], body: str) -> None:
    """Record a problem whose `code` the operation's documentation does not list under that status (collected, not
    raised, so hypothesis does not spend minutes shrinking a documentation gap)."""
    if not any(value.startswith("application/problem+json") for value in content_type):
        return
    code = json.loads(body)["code"]
    documented = case.operation.definition.raw["responses"].get(str(status), {})
    if code not in documented.get("content", {}).get("application/problem+json", {}).get("examples", {}):
        UNDOCUMENTED.add(f"{case.method} {case.operation.path} answered {status} `{code}`")
