"""The Telegram shell against the Bot API loopback stub: the bot's Dispatcher in this process, on a platform."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from dependency_injector import providers

from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.application.ports.llm import Completion, LlmProvider, LlmRequest
from promptsaas.domain.conversations import ImagePart, text_of
from promptsaas.domain.replies import FinishReason
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from promptsaas.entrypoints.telegram.shell import TelegramShell, build_shell
from tests.support.telegram_stub import TOKEN, TelegramStub

OFFLINE = {"system": "You are helpful.", "model": "offline:echo", "params": {"max_output_tokens": 64}}
CATALOG: dict[str, Any] = {
    "agents": [
        {"slug": "helper", "name": "Helper", "description": "Answers anything.", "prompt": OFFLINE},
        {"slug": "poet", "name": "Poet", "prompt": {**OFFLINE, "system": "You write verse."}},
    ],
    "plans": [
        {
            "code": "free",
            "name": "Free",
            "agents": "all",
            "limits": [{"metric": "requests", "window": "day", "amount": 3}],
            "default": True,
        },
        {
            "code": "pro",
            "name": "Pro",
            "agents": "all",
            "limits": [{"metric": "requests", "window": "day", "amount": 100}],
            "price": {"monthly": 500, "currency": "usd"},
            "priority": 1,
        },
    ],
}


ENDINGS = {"cut: ": FinishReason.LENGTH, "filtered: ": FinishReason.CONTENT_FILTER}
"""A message starting so is said back without it, as a reply the model cut at its length limit or filtered."""


class Parrot(LlmProvider):
    """Says back exactly what it was told (however long), noting how many images came with it."""

    async def complete(self, request: LlmRequest) -> Completion:
        parts = request.messages[-1].parts
        images = sum(isinstance(p, ImagePart) for p in parts)
        said = text_of(parts) + (f" [{images} image]" if images else "")
        for prefix, ending in ENDINGS.items():
            if said.startswith(prefix):
                return Completion(said.removeprefix(prefix), 10, 5, ending)
        return Completion(said, 10, 5)


@pytest.fixture
async def stub() -> AsyncIterator[TelegramStub]:
    async with TelegramStub() as running:
        yield running


def bot_settings(stub: TelegramStub, database_url: str = "memory://", *, claim_seconds: float = 300) -> Settings:
    return Settings(
        telegram_claim_seconds=claim_seconds,
        database_url=database_url,
        password_memory_kib=1024,
        password_time_cost=1,
        telegram_api_base=stub.url,
        telegram_bot_token=TOKEN,
    )


@pytest.fixture
async def platform(stub: TelegramStub) -> AsyncIterator[AsyncPlatform]:
    async with AsyncPlatform.in_memory(bot_settings(stub)) as made:
        made.container.llm.override(providers.Object(ProviderRegistry({"offline": Parrot()})))
        yield made


@pytest.fixture
async def tenant(platform: AsyncPlatform) -> AsyncTenant:
    acme = await platform.create_tenant("acme", name="Acme")
    await acme.apply_catalog(CATALOG)
    await acme.create_user("ann@example.com", password="correct horse battery")
    return acme


@pytest.fixture
async def shell(platform: AsyncPlatform, tenant: AsyncTenant) -> AsyncIterator[TelegramShell]:
    built = await build_shell(platform.container, "acme")
    try:
        yield built
    finally:
        await built.close()
