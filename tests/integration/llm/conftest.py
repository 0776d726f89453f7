"""The provider adapters, and a whole platform, against the loopback LLM stub through the official SDKs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from dependency_injector import providers

from promptsaas.adapters.llm.anthropic import AnthropicProvider
from promptsaas.adapters.llm.clients import Transport
from promptsaas.adapters.llm.faults import RetryPolicy
from promptsaas.adapters.llm.openai import OpenAIProvider
from promptsaas.application.ports.llm import ChatMessage, LlmRequest
from promptsaas.domain.conversations import Part, Role, TextPart
from promptsaas.domain.prompts import ModelParams
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.support.llm_stub import LlmStub
from tests.support.resolver import PUBLIC, StaticResolver

OPENAI_KEY = "sk-platform-openai-0123456789"
ANTHROPIC_KEY = "sk-ant-platform-0123456789"
USER_KEY = "sk-user-own-key-abcdefghijkl"
FAST = RetryPolicy(timeout_seconds=1.0, max_retries=2, backoff_seconds=0.001)
SDK_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_CUSTOM_HEADERS",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_CUSTOM_HEADERS",
    "ANTHROPIC_PROFILE",
    "ANTHROPIC_CONFIG_DIR",
)


def ask(text: str = "Hello", *parts: Part, params: ModelParams | None = None, api_key: str | None = None) -> LlmRequest:
    return LlmRequest(
        "test-model",
        "You are terse.",
        (ChatMessage(Role.USER, (TextPart(text), *parts)),),
        params or ModelParams(),
        api_key,
    )


@pytest.fixture(scope="session", autouse=True)
def warm_sdks() -> None:
    """Load the SDKs' lazily imported HTTP machinery once, so that no test's short deadline pays for it."""

    async def warm() -> None:
        async with LlmStub() as stub:
            for transport in ("httpx", "aiohttp"):
                for provider in (
                    OpenAIProvider(base_url=stub.openai_url, api_key="warm-up", transport=transport),
                    AnthropicProvider(base_url=stub.anthropic_url, api_key="warm-up", transport=transport),
                ):
                    await provider.complete(ask())
                    await provider.aclose()

    asyncio.run(warm())


@pytest.fixture
async def stub() -> AsyncIterator[LlmStub]:
    async with LlmStub() as stub:
        yield stub


@pytest.fixture
def sdk_env(stub: LlmStub, monkeypatch: pytest.MonkeyPatch) -> LlmStub:
    """The SDKs' own variables point at the stub, and nothing else from the environment leaks in."""
    for name in SDK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", stub.openai_url)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", stub.anthropic_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    return stub


@pytest.fixture(params=["httpx", "aiohttp"])
def transport(request: pytest.FixtureRequest) -> Transport:
    """Each adapter test runs over both SDK transports."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
async def openai_provider(stub: LlmStub, transport: Transport) -> AsyncIterator[OpenAIProvider]:
    provider = OpenAIProvider(base_url=stub.openai_url, api_key=OPENAI_KEY, policy=FAST, transport=transport)
    yield provider
    await provider.aclose()


@pytest.fixture
async def anthropic_provider(stub: LlmStub, transport: Transport) -> AsyncIterator[AnthropicProvider]:
    provider = AnthropicProvider(base_url=stub.anthropic_url, api_key=ANTHROPIC_KEY, policy=FAST, transport=transport)
    yield provider
    await provider.aclose()


def fast_settings(**overrides: Any) -> Settings:
    return Settings(
        database_url="memory://",
        password_memory_kib=1024,
        password_time_cost=1,
        llm_timeout_seconds=1.0,
        llm_max_retries=2,
        llm_backoff_seconds=0.001,
        **overrides,
    )


def catalog(**extra: Any) -> dict[str, Any]:
    """Agents on OpenAI, Anthropic and a text-only model, and a default plan with room for a few calls."""

    def agent(slug: str, model: str) -> dict[str, Any]:
        prompt = {"system": "You are {{ who }}.", "model": model, "params": {"max_output_tokens": 600}}
        prompt["variables"] = {"who": {"type": "string", "default": slug}}
        return {"slug": slug, "name": slug.title(), "prompt": prompt}

    document: dict[str, Any] = {
        "agents": [
            agent("gpt", "openai:gpt-4o-mini"),
            agent("claude", "anthropic:claude-haiku-4-5"),
            agent("reasoner", "openai:o3-mini"),
        ],
        "plans": [
            {
                "code": "free",
                "name": "Free",
                "default": True,
                "agents": "all",
                "limits": [
                    {"metric": "requests", "window": "day", "amount": 10},
                    {"metric": "tokens", "window": "day", "amount": 100_000},
                ],
            }
        ],
    }
    document.update(extra)
    return document


@pytest.fixture
async def platform(sdk_env: LlmStub) -> AsyncIterator[AsyncPlatform]:
    async with AsyncPlatform.in_memory(fast_settings()) as platform:
        platform.container.host_resolver.override(providers.Object(StaticResolver({"example.com": (PUBLIC,)})))
        yield platform


@pytest.fixture
async def tenant(platform: AsyncPlatform) -> AsyncTenant:
    acme = await platform.create_tenant("acme", name="Acme Inc.")
    await acme.apply_catalog(catalog())
    await acme.create_user("ann@example.com")
    return acme
