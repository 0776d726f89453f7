"""Streamed replies through the official SDKs against the loopback stub, and the offline model word by word."""

from __future__ import annotations

import pytest

from promptsaas.adapters.llm.anthropic import AnthropicProvider
from promptsaas.adapters.llm.offline import OfflineProvider
from promptsaas.adapters.llm.openai import OpenAIProvider
from promptsaas.application.ports.llm import Completion, LlmProvider, StreamEvent, TextDelta
from promptsaas.domain.errors import LlmAuthFailed, LlmUnavailable
from tests.integration.llm.conftest import ask
from tests.support.llm_stub import Failure, LlmStub, Reply


async def collect(provider: LlmProvider, text: str = "Hello") -> tuple[list[str], Completion]:
    deltas: list[str] = []
    events: list[StreamEvent] = [event async for event in provider.stream(ask(text))]
    for event in events[:-1]:
        assert isinstance(event, TextDelta)
        deltas.append(event.text)
    assert isinstance(events[-1], Completion)
    return deltas, events[-1]


@pytest.fixture(params=["openai", "anthropic"])
def provider(
    request: pytest.FixtureRequest, openai_provider: OpenAIProvider, anthropic_provider: AnthropicProvider
) -> LlmProvider:
    return openai_provider if request.param == "openai" else anthropic_provider


async def test_a_streamed_reply_arrives_word_by_word_with_the_real_usage(provider: LlmProvider, stub: LlmStub) -> None:
    stub.script(Reply("one two three four", input_tokens=31, output_tokens=4))

    deltas, completion = await collect(provider)

    assert deltas == ["one ", "two ", "three ", "four"]
    assert completion == Completion("one two three four", 31, 4)
    assert stub.received[0].body["stream"] is True


async def test_a_failure_before_the_first_token_is_retried_then_streams(provider: LlmProvider, stub: LlmStub) -> None:
    stub.script(Failure(503), Reply("fine"))

    deltas, completion = await collect(provider)

    assert deltas == ["fine"]
    assert completion.text == "fine"
    assert len(stub.received) == 2


async def test_a_refused_key_fails_the_stream_before_any_token(provider: LlmProvider, stub: LlmStub) -> None:
    stub.script(Failure(401))

    with pytest.raises(LlmAuthFailed):
        await collect(provider)
    assert len(stub.received) == 1


async def test_a_provider_error_mid_stream_ends_it_with_a_typed_error_after_the_delivered_words(
    provider: LlmProvider, stub: LlmStub
) -> None:
    stub.script(Reply("one two three four", fail_after_words=2))
    seen: list[str] = []

    async def read() -> None:
        async for event in provider.stream(ask()):
            assert isinstance(event, TextDelta)
            seen.append(event.text)

    with pytest.raises(LlmUnavailable):
        await read()

    assert seen == ["one ", "two "]
    assert len(stub.received) == 1, "a stream that delivered text is never retried"


async def test_the_offline_model_streams_its_reply_one_word_at_a_time() -> None:
    offline = OfflineProvider()

    deltas, completion = await collect(offline, "tell me  a story")

    assert deltas == ["You ", "said: ", "tell ", "me ", "a ", "story"]
    assert completion == await offline.complete(ask("tell me  a story"))
