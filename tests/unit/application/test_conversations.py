"""The unified request flow: history, styles, variables, conversations per user, usage reports and cost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from fakes import RecordingProvider, agent, plan, usage_records, use_llm, user_id

from promptsaas.application.ports.llm import Completion, LlmRequest
from promptsaas.domain.conversations import Message, Role, TextPart, text_of
from promptsaas.domain.errors import InvalidInput, LlmUnavailable, NotFound, TemplateError
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"


@pytest.fixture
def model(platform: AsyncPlatform) -> RecordingProvider:
    model = RecordingProvider()
    use_llm(platform, offline=model)
    return model


async def test_history_is_sent_back_limited_to_the_agents_turns(tenant: AsyncTenant, model: RecordingProvider) -> None:
    first = await tenant.chat(ANN, "tutor", "one")
    for text in ("two", "three", "four"):
        reply = await tenant.chat(ANN, "tutor", text, conversation_id=first.conversation_id)
        assert reply.conversation_id == first.conversation_id

    assert model.history_texts(0) == ["one"]
    assert model.history_texts(1) == ["one", "You said: one", "two"]
    assert model.history_texts(-1) == ["two", "You said: two", "three", "You said: three", "four"]


async def test_a_new_conversation_starts_without_history(tenant: AsyncTenant, model: RecordingProvider) -> None:
    first = await tenant.chat(ANN, "tutor", "one")

    second = await tenant.chat(ANN, "tutor", "two")

    assert second.conversation_id != first.conversation_id
    assert model.history_texts(-1) == ["two"]


async def test_an_agent_without_history_turns_sees_only_the_new_message(
    tenant: AsyncTenant, model: RecordingProvider
) -> None:
    first = await tenant.chat(ANN, "writer", "a slogan", variables={"tone": "bold"})

    await tenant.chat(ANN, "writer", "another", variables={"tone": "bold"}, conversation_id=first.conversation_id)

    assert model.history_texts(-1) == ["another"]
    assert model.requests[-1].system == "You write bold copy of at most 80 words."


async def test_the_runtime_sends_the_history_it_is_given_the_read_alone_trims_it(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    runtime = platform.container.runtime()
    setup = await runtime.setup(await tenant.id(), "tutor")  # history_turns=2: the read takes 4 messages
    at = datetime(2030, 1, 1, tzinfo=UTC)
    history = [Message(f"m{i}", "t", "c", Role.USER, (TextPart(f"old {i}"),), at) for i in range(7)]

    call = await runtime.prepare(setup, "now", variables={}, style=None, history=history)

    assert [text_of(m.parts) for m in call.request.messages] == [*(f"old {i}" for i in range(7)), "now"]


async def test_a_style_appends_its_fragment_to_the_system_prompt(tenant: AsyncTenant, model: RecordingProvider) -> None:
    await tenant.chat(ANN, "tutor", "Why?", style="concise", variables={"level": "expert"})

    assert model.requests[-1].system == "You are a expert math tutor.\n\nAnswer in at most three sentences."


async def test_an_unknown_style_is_refused_and_charges_nothing(tenant: AsyncTenant, model: RecordingProvider) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.chat(ANN, "tutor", "Why?", style="pirate")

    assert raised.value.code == "unknown_style"
    assert "pirate" in raised.value.message
    assert model.requests == []
    assert [v.used for plan in await tenant.limits(ANN) for v in plan.limits] == [0]


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"level": 3}, "level"),
        ({"level": "wizard"}, "level"),
        ({"tone": 7}, "tone"),
        ({"tone": "bold", "words": "eighty"}, "words"),
        ({"tone": "bold", "words": True}, "words"),
        ({"tone": "x" * 21}, "tone"),
        ({}, "tone"),
        ({"tone": "bold", "colour": "red"}, "colour"),
    ],
)
async def test_variables_of_the_wrong_type_are_refused_by_name(
    tenant: AsyncTenant, model: RecordingProvider, variables: dict[str, object], named: str
) -> None:
    slug = "tutor" if "level" in variables else "writer"

    with pytest.raises(TemplateError) as raised:
        await tenant.chat(ANN, slug, "Hello", variables=variables)

    assert raised.value.code == "invalid_variables"
    assert raised.value.field == named
    assert repr(named) in raised.value.message
    assert model.requests == []


async def test_another_users_conversation_is_not_found(tenant: AsyncTenant, model: RecordingProvider) -> None:
    anns = await tenant.chat(ANN, "tutor", "my secret")

    with pytest.raises(NotFound) as raised:
        await tenant.chat("bob@example.com", "tutor", "show me", conversation_id=anns.conversation_id)

    assert raised.value.code == "conversation_not_found"
    assert len(model.requests) == 1, "bob's message never reached the model"


async def test_a_conversation_with_another_agent_is_not_found(tenant: AsyncTenant, model: RecordingProvider) -> None:
    anns = await tenant.chat(ANN, "tutor", "Hello")

    with pytest.raises(NotFound) as raised:
        await tenant.chat(ANN, "writer", "Hi", variables={"tone": "dry"}, conversation_id=anns.conversation_id)

    assert raised.value.code == "conversation_not_found"


async def test_the_transcript_keeps_both_sides(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    reply = await tenant.chat(ANN, "tutor", "What is 2+2?")
    conversations = platform.container.conversation_history()

    conversation, messages = await conversations.conversation(
        await tenant.id(), await user_id(tenant, ANN), reply.conversation_id
    )

    assert conversation.title == "What is 2+2?"
    assert [(m.role, m.text) for m in messages] == [("user", "What is 2+2?"), ("assistant", reply.text)]
    with pytest.raises(NotFound):
        await conversations.conversation(await tenant.id(), await user_id(tenant, "bob@example.com"), conversation.id)


PRICED = {
    "models": [{"id": "acme-llm:small", "input_usd_per_mtok": 2, "output_usd_per_mtok": 10.5}],
    "agents": [agent("pricey", prompt={"model": "acme-llm:small"})],
}


@pytest.fixture
def priced(platform: AsyncPlatform) -> RecordingProvider:
    """`acme-llm` (1 000 tokens in, 500 out) and `offline` (10 in, 5 out); tests request it before `tenant`, so the
    provider is configured when the catalog is applied."""
    model = RecordingProvider(input_tokens=1_000, output_tokens=500)
    use_llm(platform, **{"acme-llm": model, "offline": RecordingProvider(input_tokens=10, output_tokens=5)})
    return model


async def test_cost_uses_the_registry_prices(priced: RecordingProvider, tenant: AsyncTenant) -> None:
    await tenant.apply_catalog(PRICED)

    reply = await tenant.chat(ANN, "pricey", "Hello")

    assert (reply.model, reply.usage.input_tokens, reply.usage.output_tokens) == ("acme-llm:small", 1_000, 500)
    assert reply.usage.cost_micros == 7_250  # 1 000 tokens at $2 + 500 at $10.50 per million
    assert reply.usage.funding == "plan"


async def test_usage_report_sums_tokens_and_cost_and_counts_errors(
    priced: RecordingProvider, tenant: AsyncTenant
) -> None:
    await tenant.apply_catalog({**PRICED, "plans": [plan("pro", "all", priority=10)]})
    await tenant.grant_subscription("bob@example.com", "pro")
    await tenant.chat(ANN, "pricey", "a")
    await tenant.chat(ANN, "tutor", "b")
    await tenant.chat("bob@example.com", "pricey", "c")
    priced.failure = LlmUnavailable("the model provider is down")
    with pytest.raises(LlmUnavailable):
        await tenant.chat("bob@example.com", "pricey", "d")

    by = {group: await report(tenant, group) for group in ("agent", "user", "plan", "day", "model")}

    one_echo = (1, 10, 5, 0, 0)
    assert by["agent"] == {"pricey": (3, 2_000, 1_000, 14_500, 1), "tutor": one_echo}
    ann, bob = await user_id(tenant, ANN), await user_id(tenant, "bob@example.com")
    assert by["user"] == {ann: (2, 1_010, 505, 7_250, 0), bob: (2, 1_000, 500, 7_250, 1)}
    assert by["plan"] == {"free": (2, 1_010, 505, 7_250, 0), "pro": (2, 1_000, 500, 7_250, 1)}
    assert by["model"] == {"acme-llm:small": (3, 2_000, 1_000, 14_500, 1), "offline:echo": one_echo}
    assert by["day"] == {"2030-03-14": (4, 2_010, 1_005, 14_500, 1)}


async def report(tenant: AsyncTenant, group_by: str) -> dict[str, tuple[int, int, int, int, int]]:
    """Per key: requests, input tokens, output tokens, cost (micro-USD), errors."""
    rows = await tenant.usage_report(group_by=group_by)
    return {r.key: (r.requests, r.input_tokens, r.output_tokens, r.cost_micros, r.errors) for r in rows}


async def test_an_unknown_report_grouping_is_refused(tenant: AsyncTenant) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.usage_report(group_by="colour")

    assert raised.value.field == "group_by"


class SlowFailure(RecordingProvider):
    """Fails after `delay` seconds, as a provider that times out or refuses late does."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def complete(self, request: LlmRequest) -> Completion:
        await asyncio.sleep(self.delay)
        raise LlmUnavailable("the model provider is down")


async def test_a_failed_call_is_recorded_with_how_long_the_model_took_to_fail(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    use_llm(platform, offline=SlowFailure(0.05))
    with pytest.raises(LlmUnavailable):
        await tenant.chat(ANN, "tutor", "anyone there?")

    [failed] = await usage_records(platform, tenant)
    assert failed.error_code == "llm_unavailable"
    assert 50 <= failed.latency_ms < 5_000
