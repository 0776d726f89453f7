"""The app under uvicorn on a real socket in this process (SQLite file), the official `openai` SDK as the client,
and the loopback LLM stub behind an agent on `openai:`; the platform is at hand to read usage and reservations."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai
import pytest
import uvicorn

from promptsaas.domain.usage import UsageRecord
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.http.app import create_app
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.support.llm_stub import LlmStub

MEMBER = "ann@example.com"


GPT_PARAMS = {"max_output_tokens": 300, "temperature": 0.7, "top_p": 0.9, "stop": ["###"]}
"""The `gpt` agent's own parameters: what a caller's may lower (or add to), never exceed."""


def catalog(limits: list[dict[str, Any]]) -> dict[str, Any]:
    def agent(slug: str, model: str, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        prompt = {"system": "You are {{ who }}.", "model": model, "params": params}
        prompt["variables"] = {"who": {"type": "string", "default": slug}}
        return {"slug": slug, "name": slug.title(), "history_turns": 1, "prompt": prompt, **extra}

    return {
        "agents": [
            agent("echo", "offline:echo", {"max_output_tokens": 300}),
            agent("gpt", "openai:gpt-4o-mini", GPT_PARAMS),
            agent("open", "openai:o3-mini", {"max_output_tokens": 300}, accepts_client_system=True),  # no images
            agent("secret", "offline:echo", {"max_output_tokens": 300}),
        ],
        "plans": [
            {"code": "free", "name": "Free", "default": True, "agents": ["echo", "gpt", "open"], "limits": limits}
        ],
    }


@dataclass
class Served:
    url: str
    key: str
    platform: AsyncPlatform
    tenant: AsyncTenant
    stub: LlmStub
    clients: list[openai.AsyncOpenAI] = field(default_factory=list)

    def client(self, key: str | None = None) -> openai.AsyncOpenAI:
        """An SDK client as a user configures it: promptsaas's `/v1` as the base URL, a `psk_` key (no retries)."""
        client = openai.AsyncOpenAI(base_url=f"{self.url}/v1", api_key=key or self.key, max_retries=0, timeout=10)
        self.clients.append(client)
        return client

    async def records(self) -> list[UsageRecord]:
        async with self.platform.container.uow()() as uow:
            return await uow.usage.records(await self.tenant.id())

    async def pending(self) -> int:
        return await self.platform.container.ledger().pending(await self.tenant.id())

    async def settled(self) -> None:
        """Wait until no reservation is open (a stream cut short settles as its generator closes)."""
        for _ in range(200):
            if await self.pending() == 0:
                return
            await asyncio.sleep(0.02)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def requests_per_day() -> int:
    return 50


@pytest.fixture
def limits(requests_per_day: int) -> list[dict[str, Any]]:
    return [{"metric": "requests", "window": "day", "amount": requests_per_day}]


@pytest.fixture
async def served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limits: list[dict[str, Any]]
) -> AsyncIterator[Served]:
    async with LlmStub() as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.openai_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-platform-0123456789")
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'openai.db'}",
            secret_key="test:openai-surface-signing-secret-0123456789",
            secret_key_file=str(tmp_path / "secret_key"),
            encryption_key_file=str(tmp_path / "encryption_key"),
            password_memory_kib=1024,
            password_time_cost=1,
        )
        platform = await AsyncPlatform.open(settings=settings)
        tenant = await platform.create_tenant("acme", name="Acme")
        await tenant.apply_catalog(catalog(limits))
        await tenant.create_user(MEMBER)
        key = await tenant.create_api_key(MEMBER, "sdk")
        port = _free_port()
        config = uvicorn.Config(create_app(platform.container), host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.01)
        made = Served(f"http://127.0.0.1:{port}", key, platform, tenant, stub)
        try:
            yield made
        finally:
            for client in made.clients:
                await client.close()
            server.should_exit = True
            await task
            await platform.close()
