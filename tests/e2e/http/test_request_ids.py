"""The request id an operator sees in a log line leads to what the request wrote: its usage record (admin API and
CLI, with how its reply ended) and its audit entry carry the `X-Request-ID` it was sent with, not its
Idempotency-Key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.http.server_process import ENGINES, ServerProcess, fresh_database, promptsaas, server_env, start_server


@dataclass
class Served:
    server: ServerProcess
    database_url: str
    workdir: Path

    def cli(self, *args: str) -> Any:
        env = server_env(self.database_url, self.workdir)
        return json.loads(promptsaas(env, self.workdir, "--json", "--database-url", self.database_url, *args))


@pytest.fixture(scope="module", params=ENGINES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp(f"request-ids-{request.param}")
    with fresh_database(request, workdir) as url:
        server = start_server(url, workdir)
        try:
            yield Served(server, url, workdir)
        finally:
            server.stop()


def token_of(server: ServerProcess, account: dict[str, str]) -> str:
    with server.client(**{"X-Tenant": server.demo.tenant}) as http:
        login = http.post("/v1/auth/login", json={"email": account["email"], "password": account["password"]})
    assert login.status_code == 200, login.text
    token: str = login.json()["access_token"]
    server.secrets.add(token)
    return token


def test_a_call_s_usage_record_carries_the_request_id_it_was_sent_with(served: Served) -> None:
    server = served.server
    headers = {"X-API-Key": server.demo.api_key, "X-Request-ID": "abc-123", "Idempotency-Key": "idem-key-77"}
    with server.client(**headers) as http:
        assert http.post("/v1/agents/tutor/runs", json={"input": "hello"}).status_code == 200
    with server.client(Authorization=f"Bearer {token_of(server, server.demo.admin)}") as http:
        found = http.get("/v1/admin/usage/records", params={"request_id": "abc-123"})
        by_key = http.get("/v1/admin/usage/records", params={"request_id": "idem-key-77"})
    assert found.status_code == 200, found.text
    [call] = found.json()
    assert (call["request_id"], call["agent"], call["channel"], call["outcome"]) == ("abc-123", "tutor", "api", "ok")
    assert call["output_tokens"] > 0
    assert by_key.json() == []
    [row] = served.cli("usage", "--tenant", server.demo.tenant, "--request-id", "abc-123")
    assert (row["request_id"], row["agent"], row["outcome"]) == ("abc-123", "tutor", "ok")


def test_a_call_s_usage_record_says_whether_its_reply_was_cut_short(served: Served) -> None:
    server = served.server
    ask = {"model": "tutor", "messages": [{"role": "user", "content": "tell me everything about the sea"}]}
    with server.client(**{"X-API-Key": server.demo.api_key}) as http:
        cut = http.post("/v1/chat/completions", json={**ask, "max_tokens": 3}, headers={"X-Request-ID": "cut-1"})
        whole = http.post("/v1/chat/completions", json=ask, headers={"X-Request-ID": "whole-1"})
    assert cut.status_code == whole.status_code == 200, (cut.text, whole.text)
    with server.client(Authorization=f"Bearer {token_of(server, server.demo.admin)}") as http:
        [cut_call] = http.get("/v1/admin/usage/records", params={"request_id": "cut-1"}).json()
        [whole_call] = http.get("/v1/admin/usage/records", params={"request_id": "whole-1"}).json()
    assert (cut_call["finish_reason"], whole_call["finish_reason"]) == ("length", "stop")
    [row] = served.cli("usage", "--tenant", server.demo.tenant, "--request-id", "cut-1")
    assert row["finish_reason"] == "length"


def test_an_audit_entry_carries_the_request_id_of_the_change(served: Served) -> None:
    server = served.server
    member = {"Authorization": f"Bearer {token_of(server, server.demo.member)}", "X-Request-ID": "key-req-7"}
    with server.client(**member) as http:
        created = http.post("/v1/me/api-keys", json={"name": "traced"})
    assert created.status_code == 201, created.text
    server.secrets.add(created.json()["key"])
    with server.client(Authorization=f"Bearer {token_of(server, server.demo.admin)}") as http:
        entries = http.get("/v1/admin/audit").json()
    [entry] = [e for e in entries if e["action"] == "api_key.create" and e["after"].startswith("traced ")]
    assert entry["request_id"] == "key-req-7"
    rows = served.cli("audit", "--tenant", server.demo.tenant)
    assert [r["request_id"] for r in rows if r["id"] == entry["id"]] == ["key-req-7"]


def test_a_conversation_read_back_says_which_reply_was_cut_short(served: Served) -> None:
    server = served.server
    key = {"X-API-Key": server.demo.api_key}
    with server.client(**key) as http:
        moon = [{"role": "user", "content": "tell me all about the moon"}]
        ask = {"model": "tutor", "messages": moon, "max_tokens": 3}
        assert http.post("/v1/chat/completions", json=ask).status_code == 200
        [thread, *_] = http.get("/v1/conversations").json()
        detail = http.get(f"/v1/conversations/{thread['id']}")
    assert detail.status_code == 200, detail.text
    assert [(m["role"], m["finish_reason"]) for m in detail.json()["messages"]] == [
        ("user", None),
        ("assistant", "length"),
    ]
