"""Why a reply ended, as each adapter reads it off the wire (the stub speaks each provider's own words), whole and
streamed."""

from __future__ import annotations

import pytest

from promptsaas.adapters.llm.anthropic import AnthropicProvider
from promptsaas.adapters.llm.offline import OfflineProvider
from promptsaas.adapters.llm.openai import OpenAIProvider
from promptsaas.application.ports.llm import Completion, LlmProvider
from promptsaas.domain.prompts import ModelParams
from promptsaas.domain.replies import FinishReason
from tests.integration.llm.conftest import ask
from tests.support.llm_stub import LlmStub, Reply

STOP, LENGTH, FILTER = FinishReason.STOP, FinishReason.LENGTH, FinishReason.CONTENT_FILTER


async def _both(provider: LlmProvider, stub: LlmStub, reply: Reply) -> tuple[Completion, Completion]:
    """The completion of a plain call and of a streamed one, each answered with `reply`."""
    stub.script(reply, reply)
    whole = await provider.complete(ask())
    [*_, streamed] = [event async for event in provider.stream(ask())]
    assert isinstance(streamed, Completion)
    return whole, streamed


@pytest.mark.parametrize(
    ("said", "finish"), [(None, STOP), ("stop", STOP), ("length", LENGTH), ("content_filter", FILTER)], ids=str
)
async def test_openai_finish_reason_is_carried_whole_and_streamed(
    openai_provider: OpenAIProvider, stub: LlmStub, said: str | None, finish: FinishReason
) -> None:
    whole, streamed = await _both(openai_provider, stub, Reply("cut he", finish_reason=said))

    assert whole.finish_reason == streamed.finish_reason == finish
    assert whole.text == streamed.text == "cut he"


@pytest.mark.parametrize(
    ("said", "finish"),
    [
        (None, STOP),
        ("stop_sequence", STOP),
        ("max_tokens", LENGTH),
        ("model_context_window_exceeded", LENGTH),
        ("refusal", FILTER),
    ],
    ids=str,
)
async def test_anthropic_stop_reason_is_carried_whole_and_streamed(
    anthropic_provider: AnthropicProvider, stub: LlmStub, said: str | None, finish: FinishReason
) -> None:
    whole, streamed = await _both(anthropic_provider, stub, Reply("cut he", finish_reason=said))

    assert whole.finish_reason == streamed.finish_reason == finish


async def test_the_offline_model_says_length_when_it_cut_its_reply_to_the_output_budget() -> None:
    offline = OfflineProvider()
    short = ask("a question long enough to be cut", params=ModelParams(max_output_tokens=3))

    cut = await offline.complete(short)
    [*_, streamed] = [event async for event in offline.stream(short)]
    whole = await offline.complete(ask("hi"))

    assert (cut.text, cut.finish_reason) == ("You said: a ", LENGTH)
    assert streamed == cut
    assert whole.finish_reason == STOP
