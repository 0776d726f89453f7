"""A conversation never outgrows its model: the oldest turns are left out so the prompt and the output budget fit the
model's context window, and an input that alone does not fit is refused before anything is reserved."""

from __future__ import annotations

import pytest
from fakes import RecordingProvider, agent, plan, usage_records, use_llm

from promptsaas.domain.errors import InvalidInput
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"
TINY = {
    "models": [
        {"id": "offline:tiny", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0, "context_window": 400},
    ],
    "agents": [
        agent(
            "chatty",
            "Be brief.",
            history_turns=20,
            prompt={"model": "offline:tiny", "params": {"max_output_tokens": 64}},
        )
    ],
    "plans": [plan("free", "all", ("requests", "day", 100), default=True)],
}
"""400 tokens, 64 of them for the answer: a few turns of about 40 bytes each, counted from above."""


@pytest.fixture
def model(platform: AsyncPlatform) -> RecordingProvider:
    model = RecordingProvider()
    use_llm(platform, offline=model)
    return model


@pytest.fixture
async def tiny(model: RecordingProvider, tenant: AsyncTenant) -> AsyncTenant:
    await tenant.apply_catalog(TINY)
    return tenant


async def test_the_oldest_turns_are_dropped_and_the_reply_still_comes(
    tiny: AsyncTenant, model: RecordingProvider
) -> None:
    said = [f"turn {i:02d} " + "x" * 30 for i in range(12)]
    first = await tiny.chat(ANN, "chatty", said[0])
    for text in said[1:]:
        reply = await tiny.chat(ANN, "chatty", text, conversation_id=first.conversation_id)
        assert reply.text == f"You said: {text}"

    sent = model.history_texts(-1)
    assert sent[-1] == said[-1], "the new message is always sent"
    assert said[0] not in sent, "the oldest turn was left out"
    assert len(sent) < 2 * len(said) - 1
    kept = [text for text in sent if not text.startswith("You said: ")]
    assert kept == said[-len(kept) :], "what is kept is the most recent turns, in order"
    assert sent[0] in said, "the history starts with a user's message, never half a turn"
    assert sum(len(text.encode()) + 8 for text in sent) + len(b"Be brief.") + 8 <= 400 - 64


async def test_an_input_that_alone_does_not_fit_is_refused_before_anything_is_charged(
    platform: AsyncPlatform, tiny: AsyncTenant, model: RecordingProvider
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tiny.chat(ANN, "chatty", "y" * 400)

    assert (raised.value.code, raised.value.field) == ("input_too_long", "input")
    assert "400" in raised.value.message
    assert model.requests == []
    assert await platform.container.ledger().pending() == 0
    assert await usage_records(platform, tiny) == []
