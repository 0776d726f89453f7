"""Bring your own key over HTTP (uvicorn on a real socket), against the OpenAI loopback stub through the SDK.

A member exhausts the free plan, stores their own OpenAI key, and the next run is funded by it (the stub sees that
key, the plan's counters stay put); deleting the key denies again, and a key OpenAI rejects is `byok_key_invalid`.
The key never shows up again: not in a response, a log line, an audit row, a usage record, nor the database file.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from promptsaas.adapters.observability.logs import QUIET
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.http.app import create_app
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.support.llm_stub import Failure, LlmStub, Reply

PLATFORM_KEY = "sk-platform-key-0123456789abcdef"
USER_KEY = "sk-proj-members-own-key-0123456789abcd"
REJECTED_KEY = "sk-proj-revoked-key-9876543210zyxw"
EMAIL, PASSWORD = "member@acme.example", "member-pa55word-e2e"
SDK_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS")
CATALOG = {
    "agents": [
        {
            "slug": "tutor",
            "name": "Tutor",
            "prompt": {
                "system": "You are a tutor.",
                "model": "openai:gpt-4o-mini",
                "params": {"max_output_tokens": 64},
            },
        }
    ],
    "plans": [
        {
            "code": "free",
            "name": "Free",
            "default": True,
            "agents": "all",
            "byok": True,
            "limits": [{"metric": "requests", "window": "day", "amount": 1}],
        }
    ],
}


@dataclass
class Member:
    client: httpx.AsyncClient
    platform: AsyncPlatform
    tenant: AsyncTenant
    stub: LlmStub
    database: Path | None
    headers: dict[str, str] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=self.headers, **kwargs)
        self.responses.append(response.text)
        return response

    async def run(self, text: str) -> Any:
        return await self.call("POST", "/v1/agents/tutor/runs", json={"input": text})

    async def requests_used(self) -> int:
        [free] = (await self.call("GET", "/v1/usage")).json()["plans"]
        return int(next(lim["used"] for lim in free["limits"] if lim["metric"] == "requests"))


@pytest.fixture
async def stub(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[LlmStub]:
    async with LlmStub(default=Reply("Hello from the stub")) as stub:
        for name in SDK_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OPENAI_BASE_URL", stub.openai_url)
        monkeypatch.setenv("OPENAI_API_KEY", PLATFORM_KEY)
        yield stub


@pytest.fixture(params=["memory", "sqlite"])
async def member(request: pytest.FixtureRequest, stub: LlmStub, tmp_path: Path) -> AsyncIterator[Member]:
    """A member of `acme` signed in over HTTP, on the in-memory adapters or a SQLite file."""
    database = tmp_path / "byok.db" if request.param == "sqlite" else None
    settings = Settings(
        database_url=f"sqlite:///{database}" if database else "memory://",
        secret_key="byok-e2e-signing-secret-0123456789abcdef",
        encryption_key_file=str(tmp_path / "encryption_key"),
        password_memory_kib=1024,
        password_time_cost=1,
        llm_timeout_seconds=5.0,
        llm_max_retries=0,
    )
    platform = AsyncPlatform.in_memory(settings) if database is None else await AsyncPlatform.open(settings=settings)
    acme = await platform.create_tenant("acme")
    await acme.apply_catalog(CATALOG)
    await acme.create_user(EMAIL, PASSWORD)
    async with serving(create_app(platform.container)) as url, httpx.AsyncClient(base_url=url) as client:
        login = await client.post(
            "/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, headers={"X-Tenant": "acme"}
        )
        assert login.status_code == 200, login.text
        member = Member(client, platform, acme, stub, database)
        member.headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        yield member


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """The app under uvicorn on a free loopback port, in this event loop (so the stub here can answer it)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def test_the_users_own_key_funds_runs_once_the_free_quota_is_used_up(member: Member) -> None:
    first = await member.run("one")
    assert (first.status_code, first.json()["usage"]["funding"]) == (200, "plan")
    denied = await member.run("two")
    assert (denied.status_code, denied.json()["code"]) == (402, "quota_exceeded")

    stored = await member.call("PUT", "/v1/me/provider-keys/openai", json={"api_key": USER_KEY})
    assert stored.status_code == 204
    [listed] = (await member.call("GET", "/v1/me/provider-keys")).json()
    assert (listed["provider"], listed["last4"], listed["invalid"]) == ("openai", "abcd", False)
    funded = await member.run("three")

    assert funded.status_code == 200, funded.text
    assert funded.json()["text"] == "Hello from the stub"
    assert funded.json()["usage"]["funding"] == "byok"
    assert member.stub.keys == [PLATFORM_KEY, USER_KEY]
    assert await member.requests_used() == 1


async def test_deleting_the_key_denies_again(member: Member) -> None:
    await member.run("one")
    await member.call("PUT", "/v1/me/provider-keys/openai", json={"api_key": USER_KEY})
    assert (await member.run("two")).status_code == 200

    assert (await member.call("DELETE", "/v1/me/provider-keys/openai")).status_code == 204
    assert (await member.call("GET", "/v1/me/provider-keys")).json() == []
    denied = await member.run("three")

    assert (denied.status_code, denied.json()["code"]) == (402, "quota_exceeded")
    assert (await member.call("DELETE", "/v1/me/provider-keys/openai")).status_code == 404
    assert len(member.stub.received) == 2


async def test_a_key_openai_rejects_is_byok_key_invalid_and_flagged(member: Member) -> None:
    await member.run("one")
    await member.call("PUT", "/v1/me/provider-keys/openai", json={"api_key": REJECTED_KEY})
    member.stub.script(Failure(401, f"Incorrect API key provided: {REJECTED_KEY}"))

    rejected = await member.run("two")

    assert rejected.status_code == 400
    assert rejected.json()["code"] == "byok_key_invalid"
    assert member.stub.keys[-1] == REJECTED_KEY
    [listed] = (await member.call("GET", "/v1/me/provider-keys")).json()
    assert listed["invalid"] is True
    assert (await member.run("three")).json()["code"] == "quota_exceeded"
    assert len(member.stub.received) == 2
    assert await member.requests_used() == 1


async def test_a_provider_key_never_leaves_the_request_that_stored_it(
    member: Member, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in QUIET:  # the SDKs and HTTP clients log warnings only in the server; here everything is scanned
        caplog.set_level(logging.DEBUG, logger=name)
    await member.run("one")
    await member.call("PUT", "/v1/me/provider-keys/openai", json={"api_key": USER_KEY})
    await member.run("two")
    await member.call("PUT", "/v1/me/provider-keys/openai", json={"api_key": "not a key"})
    await member.call("PUT", "/v1/me/provider-keys/openai", json={"api_key": REJECTED_KEY})
    member.stub.script(Failure(401, f"Incorrect API key provided: {REJECTED_KEY}"))
    await member.run("three")
    await member.call("GET", "/v1/me/provider-keys")
    await member.call("DELETE", "/v1/me/provider-keys/openai")

    assert member.stub.keys == [PLATFORM_KEY, USER_KEY, REJECTED_KEY]
    async with member.platform.container.uow()() as uow:
        usage = await uow.usage.records(await member.tenant.id())
    audit = await member.tenant.audit_log(1000)
    assert {e.action for e in audit} >= {"provider_key.set", "provider_key.replace", "provider_key.invalid"}
    places = {
        "responses": "\n".join(member.responses),
        "logs": "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records),
        "audit rows": "\n".join(repr(e) for e in audit),
        "usage records": "\n".join(repr(r) for r in usage),
        "database files": database_bytes(member.database).decode("latin-1"),
    }
    # aiohttp's client, which sends the model calls, writes no line; every line that was written is scanned
    assert any(r.name == "promptsaas.access" for r in caplog.records), "the access lines were not captured"
    for key in (USER_KEY, REJECTED_KEY):
        for place, text in places.items():
            assert key not in text, f"a provider key in the {place}"
            assert key[3:-4] not in text, f"most of a provider key in the {place}"


def database_bytes(database: Path | None) -> bytes:
    """The SQLite file and its write-ahead log, as stored on disk."""
    if database is None:
        return b""
    files = [database, database.with_name(database.name + "-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists())
