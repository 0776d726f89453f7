"""A 429 that outlasts the retries: the `LlmRateLimited` error carries the provider's last `Retry-After`, for the
shells to pass on."""

from __future__ import annotations

import pytest

from promptsaas.adapters.llm.anthropic import AnthropicProvider
from promptsaas.adapters.llm.openai import OpenAIProvider
from promptsaas.application.ports.llm import LlmProvider
from promptsaas.domain.errors import LlmRateLimited
from tests.integration.llm.conftest import ask
from tests.support.llm_stub import Failure, LlmStub


@pytest.fixture(params=["openai", "anthropic"])
def provider(
    request: pytest.FixtureRequest, openai_provider: OpenAIProvider, anthropic_provider: AnthropicProvider
) -> LlmProvider:
    return openai_provider if request.param == "openai" else anthropic_provider


async def test_a_rate_limit_outlasting_the_retries_carries_the_providers_retry_after(
    provider: LlmProvider, stub: LlmStub
) -> None:
    stub.script(*[Failure(429, retry_after=0.02)] * 3)

    with pytest.raises(LlmRateLimited) as plain:
        await provider.complete(ask())
    stub.script(*[Failure(429, retry_after=0.03)] * 3)
    with pytest.raises(LlmRateLimited) as streamed:
        [event async for event in provider.stream(ask())]

    assert plain.value.retry_after == 0.02
    assert streamed.value.retry_after == 0.03
    assert len(stub.received) == 6, "each call tried three times"


async def test_a_rate_limit_without_retry_after_carries_none(provider: LlmProvider, stub: LlmStub) -> None:
    stub.script(*[Failure(429)] * 3)

    with pytest.raises(LlmRateLimited) as raised:
        await provider.complete(ask())

    assert raised.value.retry_after is None
